"""Reading an Aides Jeunes benefit file (``data/benefits/javascript/*.yml``): YAML whose
mappings remember their line, for notes that say where (``FILE:LINE:``).

Their files are read as Aides Jeunes' own tools read them (YAML 1.1): an unquoted ``=``
(``operator: =``) is the text ``=``.
"""

from __future__ import annotations

from typing import Any

import yaml


class Located(dict):
    """A mapping of the file, with the ``line`` (1-based) where it starts and the line of
    each of its keys (``lines``)."""

    def __init__(self, *args: Any, line: int = 1, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line, self.lines = line, {}

    def line_of(self, key: str) -> int:
        """The line of ``key`` (the mapping's own when it is not known)."""
        return self.lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`Located`."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    located = Located(line=node.start_mark.line + 1)
    located.lines = {key.value: key.start_mark.line + 1 for key, _value in node.value if isinstance(key.value, str)}
    yield located
    located.update(loader.construct_mapping(node, deep=True))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def read_benefit(content: bytes) -> Any:
    """The benefit file's data; yaml.YAMLError or UnicodeDecodeError when it is not YAML.

    A value PyYAML cannot build (``!!timestamp nope``, an integer too long for Python…)
    makes it raise other errors: they are given back as a yaml.YAMLError too."""
    text = content.decode("utf-8")
    try:
        return yaml.load(text, Loader=_Loader)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
        raise yaml.YAMLError(str(error)) from None


def looks_like_benefit(data: Any) -> bool:
    """Whether ``data`` is an Aides Jeunes benefit: a label, an institution and general conditions."""
    return isinstance(data, dict) and "tremplin" not in data and \
        {"label", "institution"} <= set(data) and ("conditions_generales" in data or "profils" in data)
