"""Block types behind one interface, their registry, and the library of reusable blocks.

>>> from blocks import get_block_type
>>> get_block_type("number").clean({"id": "age", "label": "Âge", "min": 16}, "19")
19
"""

from blocks.base import BlockType
from blocks.params import COMMON_PARAMS, Example, Param
from blocks.registry import REGISTRY, DuplicateBlockType, Registry
import blocks.types  # noqa: E402,F401  (registers the built-in types)

__all__ = ["REGISTRY", "BlockType", "COMMON_PARAMS", "DuplicateBlockType", "Example",
           "Param", "Registry", "get_block_type"]


def get_block_type(name: str) -> BlockType:
    """The registered block type called ``name`` (KeyError when there is none)."""
    return REGISTRY.get(name)
