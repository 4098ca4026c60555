"""The form of a block's parameters, generated from what its block type declares.

:func:`param_fields` describes one field per parameter (:class:`FieldSpec`: name, kind,
French label and help, required, choices, the widget to use, the current value as the
form shows it); a view builds its WTForms class from it. :func:`form_to_params` turns what
was posted back into parameters for :func:`~builder.editing.operations.update_block`:

- a field whose text is unchanged keeps the block's value exactly (a condition tree, an
  option written ``{value, label}``, a text per language…);
- a cleared optional field gives None (the parameter is removed), and so does a value
  set back to the parameter's default;
- a field missing from the form is left alone; a checkbox should therefore be posted
  with a hidden ``non`` before it (the last value wins);
- numbers accept ``2,5`` and ``1 500``; dates ``14/07/2026``, ``2026-07-14`` or
  « aujourd'hui » (``today``);
- answers (``options``) are one per line: ``Libellé`` alone (the value is the label,
  as ``- Autre`` in the file), or ``valeur | Libellé`` (``valeur | libellé fr | libellé
  en`` in a service with several languages);
- a text in a service with several languages has one field per language, named
  ``label.fr``, ``label.en``…

Every field that cannot be converted gives a :class:`~builder.messages.Problem` whose path
is the field's name; they are raised together as :class:`~builder.messages.Problems`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from blocks.base import BlockType
from blocks.params import Param
from blocks.library import library_blocks
from blocks.types.choice import parse_bool
from blocks.types.date import parse_date
from builder import numbers
from builder.editing.condition_text import condition_to_text
from builder.editing.form_words import ADVANCED, choice_label, field_help, field_label
from builder.format.model import localize
from builder.messages import Problem, Problems, register
from builder.rules.expressions import parse

register({
    "editing.number_bounds": ("« {name} » : écrivez un nombre de {digits} chiffres au plus.",
                              "“{name}”: write a number of at most {digits} digits."),
})

WIDGETS = {"id": "text", "text": "text", "markdown": "textarea", "integer": "number", "number": "number",
           "boolean": "checkbox", "date_bound": "date", "regex": "text", "options": "textarea",
           "enum": "select", "condition": "condition", "string_list": "textarea"}
TODAY_WORDS = frozenset({"today", "aujourd'hui", "aujourd’hui", "aujourdhui"})
TODAY_SHOWN = "aujourd'hui"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a block's parameter form.

    ``widget`` is ``text``, ``textarea``, ``number``, ``checkbox``, ``select``, ``date``
    (a text field: a date or « aujourd'hui »), ``condition`` (the condition builder) or
    ``checkboxes`` (one per choice);
    ``value`` is what the field shows for the block (a dict by language when
    ``languages`` has several); ``advanced`` fields are folded under « Options
    avancées »; ``choice_labels`` name the ``choices`` in words."""

    name: str
    kind: str
    label: str
    help: str
    required: bool
    choices: tuple
    default: Any
    widget: str
    languages: tuple[str, ...] = ("fr",)
    value: Any = None
    advanced: bool = False
    choice_labels: tuple = ()


def param_fields(block_type: BlockType, block: Mapping | None = None,
                 languages: tuple[str, ...] = ("fr",), lang: str = "fr") -> list[FieldSpec]:
    """The fields of ``block_type``'s form, filled with ``block``'s values when given,
    labelled in ``lang`` (the studio's language)."""
    block = block or {}
    return [_field(block_type, param, block, tuple(languages), lang) for param in block_type.all_params()]


def form_to_params(block_type: BlockType, formdata: Mapping[str, Any], current: Mapping | None = None,
                   languages: tuple[str, ...] = ("fr",)) -> dict:
    """The parameters posted in ``formdata`` (see the module's docstring); raises
    :class:`Problems` with one Problem per field that cannot be converted."""
    current = current or {}
    params: dict[str, Any] = {}
    problems: list[Problem] = []
    for param in block_type.all_params():
        posted = _posted(formdata, param, tuple(languages))
        if posted is _ABSENT:
            continue
        try:
            params[param.name] = _param_value(param, posted, current, tuple(languages))
        except Problem as problem:
            problem.path = (param.name,)
            problems.append(problem)
    if problems:
        raise Problems(problems)
    return params


def use_fields(entry: Mapping, lang: str = "fr") -> list[FieldSpec]:
    """The form of a ``use:`` entry: which questions to keep (``only``, checkboxes whose
    choices are the reusable block's ids, named by their questions) and, under « Options
    avancées », the ``prefix`` of their ids."""
    blocks = library_blocks(entry["use"])
    ids = tuple(block["id"] for block in blocks)
    kept = entry.get("only") if isinstance(entry.get("only"), list) else list(ids)
    en = lang == "en"
    return [FieldSpec("only", "string_list", "Questions to keep" if en else "Questions à garder",
                      "The block's questions to ask." if en else "Les questions du bloc à poser.", False,
                      ids, None, "checkboxes", value=[item for item in ids if item in kept],
                      choice_labels=tuple(localize(block.get("label"), lang) or block["id"] for block in blocks)),
            FieldSpec("prefix", "id", "Start of the answers' names" if en else "Début du nom des réponses",
                      "To ask the same questions twice (for a parent: parent_)." if en else
                      "Pour poser les mêmes questions deux fois (pour un parent : parent_).", False, (), None,
                      "text", value=str(entry.get("prefix") or ""), advanced=True)]


def use_form_to_params(entry: Mapping, formdata: Mapping[str, Any]) -> dict:
    """``only`` and ``prefix`` for a ``use:`` entry from what was posted (``only`` is a
    list of ids; all of them, or none, means every question: None)."""
    ids = [block["id"] for block in library_blocks(entry["use"])]
    params: dict[str, Any] = {}
    if "only" in formdata:
        chosen = formdata["only"] if isinstance(formdata["only"], (list, tuple)) else [formdata["only"]]
        kept = [item for item in ids if item in chosen]
        params["only"] = kept if kept and len(kept) < len(ids) else None
    if "prefix" in formdata:
        params["prefix"] = _clean_text(_last(formdata["prefix"])) or None
    return params


# --- showing values -------------------------------------------------------------------

def param_label(block_type: BlockType, param: Param, lang: str = "fr") -> str:
    """The name of a parameter in the block's form (« Réponses possibles »…)."""
    return field_label(block_type, param, lang)


def _field(block_type: BlockType, param: Param, block: Mapping, languages: tuple, lang: str) -> FieldSpec:
    many = languages if param.kind in ("text", "markdown") and len(languages) > 1 else (languages[0],)
    choices = tuple(param.choices)
    value = shown_value(param, block, languages)
    if value == TODAY_SHOWN and lang == "en":
        value = "today"  # « aujourd'hui » in the studio's language (both are read back)
    return FieldSpec(param.name, param.kind, field_label(block_type, param, lang),
                     field_help(block_type, param, lang, languages), param.required, choices,
                     param.default, WIDGETS[param.kind], many, value,
                     param.name in ADVANCED, tuple(choice_label(param.name, choice, lang) for choice in choices))


def shown_value(param: Param, block: Mapping, languages: tuple = ("fr",)) -> Any:
    """The block's value of ``param`` as its form field shows it."""
    value = block.get(param.name, param.default)
    if param.kind == "boolean":
        return bool(value)
    if value is None:
        return ""
    return _SHOWN.get(param.kind, _show_plain)(value, languages)


def _show_plain(value: Any, languages: tuple) -> str:
    return str(value)


def _show_text(value: Any, languages: tuple) -> Any:
    if len(languages) == 1:
        return localize(value, languages[0])
    if isinstance(value, str):
        return {lang: value if lang == languages[0] else "" for lang in languages}
    return {lang: str(value.get(lang, "")) if isinstance(value, dict) else "" for lang in languages}


def _show_date(value: Any, languages: tuple) -> str:
    return TODAY_SHOWN if value == "today" else value.isoformat() if isinstance(value, dt.date) else str(value)


def show_options(options: Any, languages: tuple = ("fr",)) -> str:
    """Answers as the textarea shows them: one per line (see the module's docstring)."""
    lines = []
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, dict):
            lines.append(str(option))
            continue
        value, label = str(option.get("value", "")), option.get("label", option.get("value", ""))
        if isinstance(label, dict):
            lines.append(" | ".join([value, *(label.get(lang, "") for lang in languages)]))
        else:
            lines.append(value if str(label) == value else f"{value} | {label}")
    return "\n".join(lines)


_SHOWN = {"text": _show_text, "markdown": _show_text, "date_bound": _show_date,
          "options": show_options, "condition": lambda value, languages: condition_to_text(value),
          "string_list": lambda value, languages: "\n".join(map(str, value)) if isinstance(value, list) else ""}


# --- reading what was posted -------------------------------------------------------------

_ABSENT = object()


def _last(value: Any) -> Any:
    return value[-1] if isinstance(value, (list, tuple)) and value else value


def _posted(formdata: Mapping[str, Any], param: Param, languages: tuple) -> Any:
    if param.kind in ("text", "markdown") and len(languages) > 1:
        found = {lang: _last(formdata[f"{param.name}.{lang}"]) for lang in languages
                 if f"{param.name}.{lang}" in formdata}
        if found:
            return found
    return _last(formdata[param.name]) if param.name in formdata else _ABSENT


def _param_value(param: Param, posted: Any, current: Mapping, languages: tuple) -> Any:
    """The parameter's new value, or None to remove it."""
    if _same(posted, shown_value(param, current, languages)):
        return current.get(param.name)
    value = _READERS.get(param.kind, _read_plain)(param, posted, languages)
    if value is None or value == param.default:
        return None
    return value


def _same(posted: Any, shown: Any) -> bool:
    if isinstance(shown, bool):
        return parse_bool(posted if posted != "" else False) is shown
    if isinstance(posted, dict) and isinstance(shown, dict):
        return {k: _clean_text(v) for k, v in posted.items()} == {k: _clean_text(v) for k, v in shown.items()}
    return _clean_text(posted) == _clean_text(shown)


def _clean_text(text: Any) -> str:
    """A posted text: Unix line ends, no spaces at line ends, no blank lines around."""
    lines = str(text if text is not None else "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()


def _read_plain(param: Param, posted: Any, languages: tuple) -> Any:
    text = _clean_text(posted)
    if not text:
        return None
    problem = param.check(text)
    if problem is not None:
        raise problem
    return text


def _read_text(param: Param, posted: Any, languages: tuple) -> Any:
    if not isinstance(posted, dict):
        return _clean_text(posted) or None
    texts = {lang: _clean_text(text) for lang, text in posted.items() if _clean_text(text)}
    if set(texts) <= {languages[0]}:
        return texts.get(languages[0])
    return texts


def _read_number(param: Param, posted: Any, languages: tuple) -> Any:
    text = re.sub(r"[\s\u00a0\u202f]", "", str(posted or "")).replace(",", ".")
    if not text:
        return None
    try:
        number = float(text) if param.kind == "number" else int(text)
    except ValueError:
        raise Problem(f"blocks.param_{param.kind}", name=param.name) from None
    if not numbers.in_bounds(number):  # a service file holds no such number (nor inf, nor nan)
        raise Problem("editing.number_bounds", name=param.name, digits=numbers.MAX_DIGITS)
    return int(number) if param.kind == "number" and number.is_integer() and "." not in text else number


def _read_boolean(param: Param, posted: Any, languages: tuple) -> bool:
    parsed = parse_bool(posted if posted not in ("", None) else False)
    if parsed is None:
        raise Problem("blocks.param_boolean", name=param.name)
    return parsed


def _read_date(param: Param, posted: Any, languages: tuple) -> Any:
    text = _clean_text(posted)
    if not text:
        return None
    if text.lower() in TODAY_WORDS:
        return "today"
    try:
        return parse_date(text)
    except Problem:
        raise Problem("blocks.param_date_bound", name=param.name) from None


def _read_options(param: Param, posted: Any, languages: tuple) -> list:
    options = []
    for number, line in enumerate(_clean_text(posted).split("\n"), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 1:
            options.append(parts[0])
        elif not parts[0] or not all(parts[1:]) or len(parts) - 1 > max(len(languages), 1):
            raise Problem("blocks.param_option", number=number)
        elif len(parts) == 2:
            options.append({"value": parts[0], "label": parts[1]})
        else:
            options.append({"value": parts[0], "label": dict(zip(languages, parts[1:]))})
    return options


def _read_condition(param: Param, posted: Any, languages: tuple) -> Any:
    text = _clean_text(posted).replace("\n", " ")
    if not text:
        return None
    parse(text)  # a Problem with its column when it is not an expression
    return text


def _read_lines(param: Param, posted: Any, languages: tuple) -> list:
    return [line.strip() for line in _clean_text(posted).split("\n") if line.strip()]


_READERS = {"text": _read_text, "markdown": _read_text, "integer": _read_number, "number": _read_number,
            "boolean": _read_boolean, "date_bound": _read_date, "options": _read_options,
            "condition": _read_condition, "string_list": _read_lines}
