"""The registry mapping block type names to their (stateless) instances.

Built-in types register themselves in :mod:`blocks.types` exactly as an extension
would::

    from blocks import REGISTRY, BlockType

    @REGISTRY.register
    class Siret(BlockType):
        name = "siret"
        ...

A name registered twice is an error raised at start-up, never a silent replacement.
"""

from __future__ import annotations

from typing import Iterator

from blocks.base import BlockType


class DuplicateBlockType(ValueError):
    """Raised when two block types claim the same name."""


class Registry:
    """Block types by name, in registration order."""

    def __init__(self) -> None:
        self._types: dict[str, BlockType] = {}

    def register(self, cls: type[BlockType]) -> type[BlockType]:
        """Register a :class:`BlockType` subclass; returns it, so it works as a decorator."""
        if not (isinstance(cls, type) and issubclass(cls, BlockType)):
            raise TypeError(f"{cls!r} is not a BlockType subclass")
        if not cls.name:
            raise ValueError(f"{cls.__name__} has no name")
        if cls.name in self._types:
            raise DuplicateBlockType(
                f"block type {cls.name!r} is already registered "
                f"by {type(self._types[cls.name]).__name__}")
        self._types[cls.name] = cls()
        return cls

    def unregister(self, name: str) -> None:
        """Take the type called ``name`` out (a test's own type, once the test is done)."""
        del self._types[name]

    def get(self, name: str) -> BlockType:
        """The block type called ``name``; KeyError when there is none."""
        return self._types[name]

    def names(self) -> list[str]:
        """Every registered name, in registration order."""
        return list(self._types)

    def __iter__(self) -> Iterator[BlockType]:
        return iter(list(self._types.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __len__(self) -> int:
        return len(self._types)


REGISTRY = Registry()
