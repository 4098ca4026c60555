"""The parameters a block type declares (:class:`Param`), how each kind of parameter is
checked and described in the JSON Schema, the parameters every question shares
(:data:`COMMON_PARAMS`), and the :class:`Example` answers a type comes with.

The block type interface itself is :mod:`blocks.base`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from builder import patterns
from builder.messages import Problem, register

ID_PATTERN = re.compile(r"[a-z_][a-z0-9_]*")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")  # as builder.format.spec.LANGUAGE
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

register({
    "blocks.param_missing": ("Il manque le paramètre « {name} ».",
                             "The parameter “{name}” is missing."),
    "blocks.param_unknown": (
        "Le paramètre « {name} » n'existe pas pour un bloc « {type} ».{hint}",
        "A “{type}” block has no parameter “{name}”.{hint}"),
    "blocks.param_id": (
        "« {value} » ne convient pas comme identifiant : utilisez des lettres minuscules "
        "sans accents, des chiffres et _ (par exemple date_naissance).",
        "“{value}” is not a valid id: use lowercase letters without accents, digits "
        "and _ (for example date_naissance)."),
    "blocks.param_text": (
        "« {name} » doit être un texte non vide, ou un texte par langue (fr: …, en: …).",
        "“{name}” must be a non-empty text, or one text per language (fr: …, en: …)."),
    "blocks.param_integer": ("« {name} » doit être un nombre entier, par exemple 10.",
                             "“{name}” must be a whole number, for example 10."),
    "blocks.param_number": ("« {name} » doit être un nombre, par exemple 18 ou 2.5.",
                            "“{name}” must be a number, for example 18 or 2.5."),
    "blocks.param_boolean": ("« {name} » doit valoir true (oui) ou false (non).",
                             "“{name}” must be true or false."),
    "blocks.param_date_bound": (
        "« {name} » doit être une date AAAA-MM-JJ (par exemple 2026-09-01) ou today.",
        "“{name}” must be a date YYYY-MM-DD (for example 2026-09-01) or today."),
    "blocks.param_string": ("« {name} » doit être un texte.", "“{name}” must be a text."),
    "blocks.param_options": ("« {name} » doit être une liste de réponses possibles.",
                             "“{name}” must be a list of possible answers."),
    "blocks.param_option": (
        "La réponse n° {number} doit être un texte, "
        "ou une valeur (value) et un libellé (label).",
        "Answer number {number} must be a text, or a value and a label."),
    "blocks.param_enum": ("« {name} » doit valoir une de ces valeurs : {choices}.",
                          "“{name}” must be one of: {choices}."),
    "blocks.param_condition": (
        "« {name} » doit être une condition : une expression, ou all:, any: ou not:.",
        "“{name}” must be a condition: an expression, or all:, any: or not:."),
    "blocks.param_string_list": ("« {name} » doit être une liste de textes.",
                                 "“{name}” must be a list of texts."),
})


# --- Parameters --------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    """A non-blank string, or a non-empty mapping of language codes to such strings."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping) and value:
        return all(isinstance(lang, str) and LANGUAGE_PATTERN.fullmatch(lang)
                   and isinstance(text, str) and text.strip()
                   for lang, text in value.items())
    return False


def is_date_bound(value: Any) -> bool:
    """A date, the word ``today``, or a ``YYYY-MM-DD`` string naming a real date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    if value == "today":
        return True
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def is_option(value: Any) -> bool:
    """An option as written: a text or number shorthand, or ``{value, label}``."""
    if isinstance(value, str):
        return bool(value.strip())
    if _is_number(value):
        return True
    if not isinstance(value, Mapping) or set(value) - {"value", "label"}:
        return False
    raw = value.get("value")
    good_value = (isinstance(raw, str) and bool(raw.strip())) or _is_number(raw)
    return good_value and ("label" not in value or _is_text(value["label"]))


def _check_regex(param: "Param", value: Any) -> Problem | None:
    if not isinstance(value, str):
        return Problem("blocks.param_string", path=(param.name,), name=param.name)
    return patterns.problem(param.name, value)  # run by RE2: what it cannot run is refused


def _check_options(param: "Param", value: Any) -> Problem | None:
    if not isinstance(value, list):
        return Problem("blocks.param_options", path=(param.name,), name=param.name)
    for index, option in enumerate(value):
        if not is_option(option):
            return Problem("blocks.param_option", path=(param.name, index), number=index + 1)
    return None


def _simple(test: Callable[["Param", Any], bool], code: str):
    """A kind check from a predicate: the problem carries the param's name."""
    def check(param: "Param", value: Any) -> Problem | None:
        if test(param, value):
            return None
        return Problem(code, path=(param.name,), name=param.name, value=value,
                       choices=", ".join(str(choice) for choice in param.choices))
    return check


KIND_CHECKS: dict[str, Callable[["Param", Any], Problem | None]] = {
    "id": _simple(lambda p, v: isinstance(v, str) and bool(ID_PATTERN.fullmatch(v)),
                  "blocks.param_id"),
    "text": _simple(lambda p, v: _is_text(v), "blocks.param_text"),
    "markdown": _simple(lambda p, v: _is_text(v), "blocks.param_text"),
    "integer": _simple(lambda p, v: isinstance(v, int) and not isinstance(v, bool),
                       "blocks.param_integer"),
    "number": _simple(lambda p, v: _is_number(v), "blocks.param_number"),
    "boolean": _simple(lambda p, v: isinstance(v, bool), "blocks.param_boolean"),
    "date_bound": _simple(lambda p, v: is_date_bound(v), "blocks.param_date_bound"),
    "regex": _check_regex,
    "options": _check_options,
    "enum": _simple(lambda p, v: v in p.choices, "blocks.param_enum"),
    "condition": _simple(lambda p, v: (isinstance(v, str) and bool(v.strip()))
                         or (isinstance(v, Mapping) and bool(v)), "blocks.param_condition"),
    "string_list": _simple(lambda p, v: isinstance(v, list)
                           and all(isinstance(item, str) for item in v),
                           "blocks.param_string_list"),
}

_TEXT_SCHEMA = {"oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "minProperties": 1,
     "propertyNames": {"pattern": "^[a-z]{2}$"},
     "additionalProperties": {"type": "string", "minLength": 1}},
]}
_OPTION_SCHEMA = {"oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "number"},
    {"type": "object", "required": ["value"], "additionalProperties": False,
     "properties": {"value": {"type": ["string", "number"]}, "label": _TEXT_SCHEMA}},
]}
KIND_SCHEMAS: dict[str, Callable[["Param"], dict]] = {
    "id": lambda p: {"type": "string", "pattern": f"^{ID_PATTERN.pattern}$"},
    "text": lambda p: copy.deepcopy(_TEXT_SCHEMA),
    "markdown": lambda p: copy.deepcopy(_TEXT_SCHEMA),
    "integer": lambda p: {"type": "integer"},
    "number": lambda p: {"type": "number"},
    "boolean": lambda p: {"type": "boolean"},
    "date_bound": lambda p: {"anyOf": [{"const": "today"},
                                       {"type": "string", "format": "date"}]},
    "regex": lambda p: {"type": "string", "format": "regex"},
    "options": lambda p: {"type": "array", "minItems": 1,
                          "items": copy.deepcopy(_OPTION_SCHEMA)},
    "enum": lambda p: {"enum": list(p.choices)},
    "condition": lambda p: {"anyOf": [{"type": "string", "minLength": 1},
                                      {"type": "object", "minProperties": 1}]},
    "string_list": lambda p: {"type": "array", "items": {"type": "string"}},
}


@dataclass(frozen=True)
class Param:
    """One parameter a block accepts: its name, kind, default and documentation."""

    name: str
    kind: str
    required: bool = False
    default: Any = None
    choices: tuple = ()
    doc: str = ""
    doc_en: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_CHECKS:
            raise ValueError(f"unknown parameter kind {self.kind!r} for {self.name!r}")

    def check(self, value: Any) -> Problem | None:
        """A problem when ``value`` is not of this parameter's kind, else None.

        A ``condition`` is only checked to be a string or a mapping: the loader parses it.
        """
        return KIND_CHECKS[self.kind](self, value)

    def json_schema(self) -> dict:
        """A JSON Schema (draft 2020-12) fragment for this parameter."""
        schema = KIND_SCHEMAS[self.kind](self)
        schema["description"] = self.doc
        if self.default is not None:
            schema["default"] = self.default
        return schema


COMMON_PARAMS: tuple[Param, ...] = (
    Param("id", "id", required=True,
          doc="Identifiant de la question, utilisé dans les conditions et les exports.",
          doc_en="The question's id, used in conditions and exports."),
    Param("label", "text", required=True,
          doc="La question posée, affichée comme titre de la page.",
          doc_en="The question asked, shown as the page heading."),
    Param("hint", "text",
          doc="Une aide courte affichée sous la question.",
          doc_en="A short help text shown under the question."),
    Param("required", "boolean", default=True,
          doc="Faut-il répondre pour continuer ? Oui par défaut.",
          doc_en="Must the question be answered to go on? Yes by default."),
    Param("show_if", "condition",
          doc="N'afficher la question que si cette condition est vraie.",
          doc_en="Only show the question when this condition is true."),
)


def common_param(name: str) -> Param:
    """The common parameter called ``name``."""
    return next(param for param in COMMON_PARAMS if param.name == name)


@dataclass(frozen=True)
class Example:
    """A block and answers that must clean to a value (``valid``) or fail (``invalid``)."""

    block: dict
    valid: tuple = ()      # (input, cleaned) pairs
    invalid: tuple = ()    # inputs
    today: dt.date | None = None
