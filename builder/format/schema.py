"""The JSON Schema (draft 2020-12) of format 1, generated from the declarations.

The top-level keys come from :data:`builder.format.spec.SERVICE`, the blocks from
the block registry, so the schema never drifts from what the loader accepts.
An editor with yaml-language-server uses it to complete and check service files.
"""

from __future__ import annotations

from typing import Any

from blocks import REGISTRY
from blocks.library import library_names
from builder.format.spec import SERVICE, shape_schema

SCHEMA_ID = "https://tremplin.example/schema/format-1.json"


def _condition_schema() -> dict[str, Any]:
    ref = {"$ref": "#/$defs/condition"}
    groups = [{"type": "object", "properties": {key: {"type": "array", "items": ref}},
               "required": [key], "additionalProperties": False} for key in ("all", "any")]
    negation = {"type": "object", "properties": {"not": ref}, "required": ["not"], "additionalProperties": False}
    return {"description": "Une expression, ou all: / any: / not:.",
            "anyOf": [{"type": "string"}, {"type": "boolean"}, *groups, negation]}


def _block_type_schema(block_type: Any) -> dict[str, Any]:
    params = block_type.all_params()
    properties = {"type": {"const": block_type.name, "description": block_type.label}}
    for param in params:
        properties[param.name] = param.json_schema()
    return {"type": "object", "title": block_type.label, "properties": properties,
            "required": ["type", *(param.name for param in params if param.required)],
            "additionalProperties": False}


def _use_schema() -> dict[str, Any]:
    return {"type": "object", "title": "Bloc réutilisable",
            "properties": {"use": {"enum": library_names(), "description": "Nom du bloc réutilisable."},
                           "only": {"type": "array", "items": {"type": "string"},
                                    "description": "Ne garder que ces identifiants."},
                           "prefix": {"type": "string", "pattern": "^[a-z_][a-z0-9_]*$",
                                      "description": "Préfixe ajouté aux identifiants."}},
            "required": ["use"], "additionalProperties": False}


def service_schema() -> dict[str, Any]:
    """The whole JSON Schema of a service file."""
    special = {"condition": {"$ref": "#/$defs/condition"}, "block": {"$ref": "#/$defs/block"},
               "answers": {"type": "object", "description": "Réponses : identifiant de question: valeur."},
               "expression": {"type": "string", "description": "Une expression (voir docs/expressions.md)."}}
    schema = shape_schema(SERVICE, special)
    blocks = [_use_schema(), *(_block_type_schema(REGISTRY.get(name)) for name in REGISTRY.names())]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "Service Tremplin, format 1", **schema,
            "$defs": {"condition": _condition_schema(), "block": {"oneOf": blocks}}}
