"""The one interface every block type implements, and the parameters it declares.

A block type is a small stateless class: a name, palette labels, the parameters it
accepts (:class:`Param`), a few :class:`Example` answers, and methods to check its
parameters, clean one answer, build the WTForms field a respondent fills in, convert an
answer between the draft, the field and the studio's example form, draw the block with
its own template (:mod:`blocks.rendering`) and format an answer for people, CSV and
JSON. Everything the rest of Tremplin needs to know about a type is asked of it, never
found from its name. Built-in types live in :mod:`blocks.types`; they are registered in
:data:`blocks.registry.REGISTRY` exactly as an extension would be.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from wtforms.validators import ValidationError

from blocks import rendering
from blocks.rendering import BUILTIN_TEMPLATES
from builder import patterns
from builder.format.model import localize
from builder.messages import Problem, Suggestion, register

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
    "blocks.required_text": ("Cette question est obligatoire : écrivez votre réponse.",
                             "This question must be answered: write your answer."),
    "blocks.required_choice": ("Cette question est obligatoire : choisissez une réponse.",
                               "This question must be answered: choose an answer."),
    "blocks.required_choices": ("Cette question est obligatoire : cochez au moins une réponse.",
                                "This question must be answered: tick at least one answer."),
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


# --- Form validation shared with the engine -------------------------------------------

class AnswerValidator:
    """A WTForms validator calling the block type's own checks.

    Forms and the engine therefore share one check. The cleaned answer is left on the
    field as ``field.cleaned`` (None when blank).
    """

    def __init__(self, block_type: "BlockType", block: dict, lang: str = "fr",
                 today: dt.date | None = None):
        self.block_type, self.block, self.lang, self.today = block_type, block, lang, today
        self.field_flags = {} if block.get("required", True) else {"optional": True}

    def __call__(self, form: Any, field: Any) -> None:
        field.cleaned = None
        try:
            field.cleaned = self.block_type.clean_answer(self.block, field.data, self.today)
        except Problem as problem:
            raise ValidationError(problem.message(self.lang)) from None


# --- The block type interface -------------------------------------------------------

class BlockType:
    """Base class of every block type; subclasses set the class attributes below.

    - ``answer_type``: the kind of value an answer is in the rules (``string``,
      ``number``, ``date``, ``boolean``, ``option``, ``options``), None for a block that
      asks nothing;
    - ``template``: the block's template (``blocks/<name>.html``), looked up in
      ``template_folder`` (see :mod:`blocks.rendering`);
    - ``check_on_change``: whether htmx checks the field as soon as it changes (typed
      answers; a radio button or a box is checked when the page is sent), and
      ``check_trigger`` the events that set the check off (htmx's ``hx-trigger``);
    - ``email_address``: whether an answer is an e-mail address at which the person may
      be written to (their copy of the answers, the reply-to of the organisation's notice);
    - ``starter`` and ``id_base``: what a block added in the studio starts with, besides
      a default for each required parameter, and the base of its id (else its label);
    - ``paper_template`` and ``paper_lines``: how the answer is drawn on the paper
      version (``blocks/paper/<name>.html``; by default ``paper_lines`` lines to write on),
      given :meth:`paper_params`.
    - ``xlsform``: what the XLSForm export writes on the block's row besides what its
      answer kind gives: ``type`` (instead of the answer kind's), ``appearance``,
      ``constraint`` (an XPath test of ``.``) and ``constraint_message`` (the code of a
      registered message, written in each language).
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    label_en: ClassVar[str] = ""
    answer_type: ClassVar[str | None] = None
    params: ClassVar[tuple[Param, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    template: ClassVar[str] = ""
    template_folder: ClassVar[str] = BUILTIN_TEMPLATES
    required_code: ClassVar[str] = "blocks.required_text"
    field_class: ClassVar[Any] = None
    check_on_change: ClassVar[bool] = True
    check_trigger: ClassVar[str] = "change"
    email_address: ClassVar[bool] = False
    starter: ClassVar[Mapping[str, Any]] = {}
    id_base: ClassVar[str] = ""
    paper_template: ClassVar[str] = "blocks/paper/lines.html"
    paper_lines: ClassVar[int] = 1
    xlsform: ClassVar[Mapping[str, str]] = {}

    @property
    def is_question(self) -> bool:
        """True when a block of this type asks for an answer."""
        return self.answer_type is not None

    # -- parameters

    def all_params(self) -> tuple[Param, ...]:
        """Every parameter this type accepts: the common ones, then its own."""
        return COMMON_PARAMS + self.params

    def param(self, name: str) -> Param:
        """The parameter called ``name`` (KeyError when the type has none)."""
        return {param.name: param for param in self.all_params()}[name]

    def value(self, block: Mapping, name: str) -> Any:
        """The parameter's value in ``block``, else its default (None if the type lacks it)."""
        defaults = {param.name: param.default for param in self.all_params()}
        return block.get(name, defaults.get(name))

    def normalize(self, block: Mapping) -> dict:
        """A new dict with shorthands expanded (the base type only copies)."""
        return copy.deepcopy(dict(block))

    def check_params(self, block: Mapping) -> list[Problem]:
        """Impossible combinations of parameters; values of the wrong kind are skipped."""
        return []

    def check_block(self, block: Mapping) -> list[Problem]:
        """Every problem of a block: unknown, missing or ill-typed parameters, then
        impossible ones (at most one problem per path). ``type`` is allowed."""
        known = {param.name: param for param in self.all_params()}
        problems = [self._unknown(key, known) for key in block if key not in known
                    and key != "type"]
        for name, param in known.items():
            if name not in block:
                if param.required:
                    problems.append(Problem("blocks.param_missing", path=(name,), name=name))
            elif (problem := param.check(block[name])) is not None:
                problems.append(problem)
        seen = {problem.path[:1] for problem in problems}
        problems += [p for p in self.check_params(block) if p.path[:1] not in seen]
        return problems

    def _unknown(self, key: Any, known: Mapping) -> Problem:
        return Problem("blocks.param_unknown", path=(key,), name=key, type=self.name,
                       hint=Suggestion.among(str(key), ["type", *known]))

    def json_schema(self) -> dict:
        """The JSON Schema of a block of this type, as written in a service file."""
        params = self.all_params()
        properties = {"type": {"const": self.name}}
        properties.update({param.name: param.json_schema() for param in params})
        return {"type": "object", "title": self.label, "description": self.label_en,
                "properties": properties, "additionalProperties": False,
                "required": ["type", *(p.name for p in params if p.required)]}

    # -- answers

    def is_blank(self, value: Any) -> bool:
        """True when ``value`` is no answer at all: None, blank text or an empty list."""
        if value is None:
            return True
        if isinstance(value, str):
            return not value.strip()
        return isinstance(value, (list, tuple)) and not value

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Check and convert one non-blank answer; raise :class:`Problem` if it fails."""
        raise NotImplementedError

    def clean_answer(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Like :meth:`clean`, but a blank answer gives None, or a Problem if required."""
        if self.is_blank(value):
            if block.get("required", True):
                raise Problem(self.required_code)
            return None
        return self.clean(block, value, today)

    # -- the respondent's field

    def form_field(self, block: Mapping, lang: str = "fr", languages: tuple = ("fr",),
                   today: dt.date | None = None) -> Any:
        """The unbound WTForms field for this block (None for content)."""
        render_kw = self.render_kw(block)
        return self.field_type(block)(
            label=localize(block.get("label"), lang, languages),
            description=self.description(block, lang, languages),
            validators=[AnswerValidator(self, block, lang, today)],
            render_kw=render_kw or None,
            **self.field_options(block, lang, languages),
        )

    def field_type(self, block: Mapping) -> Any:
        """The WTForms field class for this block (``field_class`` unless overridden)."""
        return self.field_class

    def description(self, block: Mapping, lang: str, languages: tuple) -> str:
        """The text shown under the label: the block's hint."""
        return localize(block.get("hint"), lang, languages)

    def render_kw(self, block: Mapping) -> dict:
        """HTML attributes that help on phones (inputmode, autocomplete, type)."""
        autocomplete = self.value(block, "autocomplete")
        return {"autocomplete": autocomplete} if autocomplete else {}

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """Extra keyword arguments for ``field_class`` (choices, widgets…)."""
        return {}

    def template_params(self, block_id: str, block: Mapping, field: Any, heading: bool) -> dict:
        """The one mapping the block's template takes (see :func:`blocks.rendering.params`)."""
        return rendering.params(block_id, block, field, heading)

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """The one mapping the block's paper template takes: ``id``, ``block``, ``lang``,
        ``lines`` (how many lines to write on) and ``instruction`` (« Cochez une seule
        case. », "" when the drawing says it all)."""
        return {"id": block_id, "block": block, "lang": lang, "lines": self.paper_lines, "instruction": ""}

    # -- values, in the manner of Wagtail's FieldBlock

    def value_from_form(self, block: Mapping, posted: list) -> Any:
        """What a person posted under the block's name (every value) as the answer to
        clean: the first value (None when nothing was posted)."""
        return posted[0] if posted else None

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """A stored answer (as :meth:`format_json` gave it) as the field shows it again."""
        return stored

    def value_from_json(self, block: Mapping, stored: Any) -> Any:
        """A stored answer back as this type's own value (the reverse of :meth:`format_json`),
        without checking it again."""
        return stored

    def value_for_text(self, block: Mapping, value: Any) -> str:
        """An answer on one line, as the studio's example form shows it: yes/no as
        ``oui``/``non``, dates as ``2007-03-02``, lists separated by commas."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    def value_from_text(self, block: Mapping, text: str) -> Any:
        """The line typed in the studio's example form, as the answer to clean."""
        return text

    # -- formatting

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """The answer for a person to read ("" when blank)."""
        return "" if value is None else str(value)

    def format_csv(self, block: Mapping, value: Any) -> str:
        """The answer as one CSV cell ("" when blank)."""
        return "" if value is None else str(value)

    def format_json(self, block: Mapping, value: Any) -> Any:
        """The answer as a JSON-able value (None when blank)."""
        return value

    def format_prefill(self, block: Mapping, value: Any) -> Any:
        """The answer as a démarche's field takes it (démarches-simplifiées' prefill, see
        :mod:`builder.demarches`): a text (``true``/``false`` for yes or no, dates as
        ``2007-03-02``), or a list of texts."""
        stored = self.format_json(block, value)
        if isinstance(stored, bool):
            return "true" if stored else "false"
        if isinstance(stored, list):
            return [str(item) for item in stored]
        return "" if stored is None else str(stored)

    def __repr__(self) -> str:
        return f"<block type {self.name}>"
