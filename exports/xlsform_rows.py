"""The rows of an exported XLSForm: each Tremplin block as a survey row (and its choices).

A block's XLSForm type follows the kind of its answer (:data:`ANSWER_TYPES`: text,
number, date, yes/no, one or several options, none for content); a block type that says
more than its answer kind declares it in its ``xlsform`` attribute (a long text is
``multiline``, a consent an ``acknowledge``, an e-mail address and a postcode keep their
check as a ``constraint``), so a block type added later is exported too. Bounds (``min``, ``max``, ``max_length``, ``pattern``, ``min_choices``…) become
a ``constraint`` with its message in each language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from blocks.types.choice import iter_options
from builder.format.model import Service, localize
from builder.messages import register, render
from exports.xlsform_languages import language_header
from exports.xpath_writer import Names, kind_of_value, literal, value_names

ANSWER_TYPES = {"string": "text", "number": "decimal", "date": "date", "boolean": "select_one",
                "option": "select_one", "options": "select_multiple", None: "note"}
YES_NO_LIST = "yes_no"
RESERVED = frozenset({"meta"})  # pyxform keeps this name for the form's metadata
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                  "calculation", "appearance")
TRANSLATED = frozenset({"label", "hint", "constraint_message"})

register({
    "xlsform.c_between": ("Écrivez un nombre entre {min} et {max}.", "Write a number between {min} and {max}."),
    "xlsform.c_min": ("Écrivez un nombre supérieur ou égal à {min}.", "Write a number of {min} or more."),
    "xlsform.c_max": ("Écrivez un nombre inférieur ou égal à {max}.", "Write a number of {max} or less."),
    "xlsform.c_date": ("La date doit être comprise entre {min} et {max}.", "The date must be between {min} and {max}."),
    "xlsform.c_date_min": ("La date ne peut pas être avant {min}.", "The date cannot be before {min}."),
    "xlsform.c_date_max": ("La date ne peut pas être après {max}.", "The date cannot be after {max}."),
    "xlsform.c_today": ("aujourd'hui", "today"),
    "xlsform.c_length": ("Écrivez {max} caractères au plus.", "Write {max} characters at most."),
    "xlsform.c_pattern": ("La réponse n'a pas la forme attendue.", "The answer does not have the expected form."),
    "xlsform.c_choices_min": ("Cochez au moins {min} réponse(s).", "Tick at least {min} answer(s)."),
    "xlsform.c_choices_max": ("Cochez au plus {max} réponse(s).", "Tick at most {max} answer(s)."),
    "xlsform.unit": ("Unité : {unit}", "Unit: {unit}"),
    "xlsform.yes": ("Oui", "Yes"),
    "xlsform.no": ("Non", "No"),
    "xlsform.export_step": (
        "Le pas « step: {step} » n'est pas repris : l'XLSForm accepte tout nombre entre les limites.",
        "The step \"step: {step}\" is not carried over: the XLSForm accepts any number within the bounds."),
    "xlsform.export_pattern": (
        "Le motif « {pattern} » n'est pas repris : il utilise une écriture propre à Python.",
        "The pattern \"{pattern}\" is not carried over: it uses a notation of Python's own."),
})


class Sheets:
    """The rows of the survey and choices sheets; texts are given by language and
    written one column per language (``label::Français (fr)``), or in ``label`` alone
    for a single-language service."""

    def __init__(self, languages: list[str]):
        self.languages = languages
        self.survey_rows: list[dict[str, Any]] = []
        self.choice_rows: list[dict[str, Any]] = []

    def column(self, key: str, lang: str) -> str:
        """The header of text column ``key`` in ``lang``."""
        return key if len(self.languages) == 1 else f"{key}::{language_header(lang)}"

    def survey(self, values: dict[str, Any], **texts: dict[str, str] | None) -> None:
        """Add a survey row: plain ``values`` and translated ``texts`` (by language)."""
        self.survey_rows.append(self._row(values, texts))

    def choice(self, list_name: str, name: str, label: dict[str, str]) -> None:
        """Add a choice to ``list_name``."""
        self.choice_rows.append(self._row({"list_name": list_name, "name": name}, {"label": label}))

    def _row(self, values: dict[str, Any], texts: dict[str, dict[str, str] | None]) -> dict[str, Any]:
        row = {key: value for key, value in values.items() if value not in (None, "")}
        for key, by_language in texts.items():
            for lang, text in (by_language or {}).items():
                row[self.column(key, lang)] = text
        return row

    def tables(self, settings: dict[str, str]) -> list[tuple[str, list[str], list[dict[str, Any]]]]:
        """``(sheet, header, rows)`` of the three sheets, columns in a fixed order."""
        survey = self._header(SURVEY_COLUMNS, self.survey_rows)
        choices = self._header(("list_name", "name", "label"), self.choice_rows)
        tables = [("survey", survey, self.survey_rows)]
        if self.choice_rows:
            tables.append(("choices", choices, self.choice_rows))
        tables.append(("settings", list(settings), [settings]))
        return tables

    def _header(self, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
        used = {column for row in rows for column in row}
        header = []
        for key in keys:
            candidates = [self.column(key, lang) for lang in self.languages] if key in TRANSLATED else [key]
            header.extend(column for column in candidates if column in used or key in ("type", "name", "label"))
        return list(dict.fromkeys(header))


class RowWriter:
    """Writes the service's blocks as rows; ``note(line, code, **params)`` records what
    is not carried over. ``names`` tells the expression writer each name's kind."""

    def __init__(self, service: Service, sheets: Sheets, note: Callable[..., None]):
        self.service, self.sheets, self.note = service, sheets, note
        self.names = Names()
        self.taken: set[str] = set(service.blocks) | set(service.computed) | RESERVED
        self.yes_no_written = False
        for reserved in RESERVED & (set(service.blocks) | set(service.computed)):
            self.names.renamed[reserved] = self.new_name(reserved)
        for block in service.blocks.values():
            self._know(block)
        for computed in service.computed.values():
            self.names.kinds[computed.name] = kind_of_value(computed.expression.root, self.names)

    def _know(self, block: Any) -> None:
        row_type = self._type(block)
        kinds = {"select_one": "choice", "select_multiple": "choices", "decimal": "number", "integer": "number",
                 "acknowledge": "consent", "date": "date", "text": "text", "note": None}
        kind = "yesno" if block.type.answer_type == "boolean" and row_type == "select_one" else kinds.get(row_type)
        if kind:
            self.names.kinds[block.id] = kind
        if kind in ("choice", "choices"):
            self.names.values[block.id] = value_names([{"value": value} for value, _ in iter_options(block.params)])

    def _type(self, block: Any) -> str:
        return block.type.xlsform.get("type") or ANSWER_TYPES.get(block.type.answer_type, "text")

    def new_name(self, base: str) -> str:
        """A survey name not used yet (other signs than letters, digits, ``_ . -`` become ``_``)."""
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", base)
        found, number = name, 2
        while found in self.taken:
            found, number = f"{name}_{number}", number + 1
        self.taken.add(found)
        return found

    def name_of(self, identifier: str) -> str:
        """The workbook's name for a question or computed value."""
        return self.names.renamed.get(identifier, identifier)

    def group_name(self, step_id: str) -> str:
        """An XLSForm name for a step (a step id may start with a digit)."""
        return self.new_name(step_id if step_id[:1].isalpha() else f"_{step_id}")

    def texts(self, text: Any) -> dict[str, str]:
        """A Tremplin text in each of the service's languages (the default language's
        text where one is missing), safe for XLSForm."""
        languages = self.service.languages
        return {lang: _safe(localize(text, lang, languages)) for lang in languages}

    def message_texts(self, code: str, **params: Any) -> dict[str, str]:
        """A registered message in each of the service's languages (English for languages
        other than French)."""
        return {lang: render(code, "fr" if lang == "fr" else "en", **params) for lang in self.service.languages}

    # --- blocks -----------------------------------------------------------------------

    def block(self, block: Any, relevant: str | None) -> None:
        """Write the row of ``block`` (and its choices)."""
        params = block.params
        row_type = self._type(block)
        values: dict[str, Any] = {"type": row_type, "name": self.name_of(block.id), "relevant": relevant}
        if block.type.answer_type is None:
            self.sheets.survey({**values, "type": "note"}, label=self._content_text(params))
            return
        values["required"] = "yes" if block.required else None
        extras = block.type.xlsform
        values["appearance"] = extras.get("appearance")
        label, hint = self.texts(params.get("label")), self._hint(params)
        rules = self._rules(block, row_type, values)
        if extras.get("constraint"):
            rules.append((extras["constraint"], self.message_texts(extras["constraint_message"])))
        if rules:
            values["constraint"] = " and ".join(f"({rule})" for rule, _ in rules)
        messages = _join_messages([message for _, message in rules if message])
        self.sheets.survey(values, label=label, hint=hint, constraint_message=messages or None)

    def _content_text(self, params: dict[str, Any]) -> dict[str, str]:
        body = self.texts(params.get("body"))
        if not params.get("label"):
            return body
        title = self.texts(params["label"])
        return {lang: f"**{title[lang]}**\n\n{body[lang]}" for lang in body}

    def _hint(self, params: dict[str, Any]) -> dict[str, str] | None:
        parts = [self.texts(params[key]) for key in ("hint", "body") if params.get(key)]
        if params.get("unit"):
            unit = self.texts(params["unit"])
            parts.append({lang: render("xlsform.unit", _lang(lang), unit=unit[lang]) for lang in unit})
        if not parts:
            return None
        return {lang: "\n\n".join(part[lang] for part in parts) for lang in self.service.languages}

    def _rules(self, block: Any, row_type: str, values: dict[str, Any]) -> list[tuple[str, dict[str, str] | None]]:
        """The block's bounds as constraint parts with their messages; sets the row's
        type and choices where the bounds or options decide them."""
        answer = block.type.answer_type
        if answer == "number":
            return self._number(block, values)
        if answer == "date":
            return self._date(block)
        if answer == "string":
            return self._string(block)
        if answer == "boolean" and row_type == "select_one":
            values["type"] = f"select_one {YES_NO_LIST}"
            self._yes_no_list()
        if answer in ("option", "options"):
            values["type"] = f"{row_type} {block.id}"
            self._choices(block)
            if block.params.get("display") == "dropdown":
                values["appearance"] = "minimal"
            return self._choice_bounds(block.params) if answer == "options" else []
        return []

    def _number(self, block: Any, values: dict[str, Any]) -> list[tuple[str, dict[str, str] | None]]:
        params = block.params
        low, high, step = params.get("min"), params.get("max"), params.get("step")
        whole = step is not None and float(step) == 1 and (low is None or float(low).is_integer())
        values["type"] = "integer" if whole else "decimal"
        if step is not None and not whole:
            self.note(block.line, "xlsform.export_step", step=step)
        parts = [f". >= {_number(low)}" if low is not None else None, f". <= {_number(high)}" if high is not None else None]
        rule = " and ".join(part for part in parts if part)
        if not rule:
            return []
        code = "xlsform.c_between" if low is not None and high is not None else (
            "xlsform.c_min" if low is not None else "xlsform.c_max")
        return [(rule, self.message_texts(code, min=_number(low), max=_number(high)))]

    def _date(self, block: Any) -> list[tuple[str, dict[str, str] | None]]:
        low, high = block.params.get("min"), block.params.get("max")
        parts = [f". >= {_date(low)}" if low is not None else None, f". <= {_date(high)}" if high is not None else None]
        rule = " and ".join(part for part in parts if part)
        if not rule:
            return []
        code = "xlsform.c_date" if low is not None and high is not None else (
            "xlsform.c_date_min" if low is not None else "xlsform.c_date_max")
        messages = {lang: render(code, _lang(lang), min=self._date_words(low, lang), max=self._date_words(high, lang))
                    for lang in self.service.languages}
        return [(rule, messages)]

    def _date_words(self, bound: Any, lang: str) -> str:
        if bound == "today":
            return render("xlsform.c_today", _lang(lang))
        if isinstance(bound, (dt.date, str)):
            day = bound if isinstance(bound, dt.date) else dt.date.fromisoformat(bound)
            return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()
        return ""

    def _string(self, block: Any) -> list[tuple[str, dict[str, str] | None]]:
        params, rules = block.params, []
        if params.get("max_length"):
            rules.append((f"string-length(.) <= {params['max_length']}",
                          self.message_texts("xlsform.c_length", max=params["max_length"])))
        pattern = params.get("pattern")
        if pattern and "(?P" in pattern:
            self.note(block.line, "xlsform.export_pattern", pattern=pattern)
        elif pattern:
            message = self.texts(params["pattern_message"]) if params.get("pattern_message") else \
                self.message_texts("xlsform.c_pattern")
            rules.append((f"regex(., {literal(f'^(?:{pattern})$')})", message))
        return rules

    def _choice_bounds(self, params: dict[str, Any]) -> list[tuple[str, dict[str, str] | None]]:
        rules = []
        if params.get("min_choices"):
            rules.append((f"count-selected(.) >= {params['min_choices']}",
                          self.message_texts("xlsform.c_choices_min", min=params["min_choices"])))
        if params.get("max_choices"):
            rules.append((f"count-selected(.) <= {params['max_choices']}",
                          self.message_texts("xlsform.c_choices_max", max=params["max_choices"])))
        return rules

    def _choices(self, block: Any) -> None:
        names = self.names.values.get(block.id, {})
        for value, label in iter_options(block.params):
            self.sheets.choice(block.id, names.get(value, value), self.texts(label))

    def _yes_no_list(self) -> None:
        if self.yes_no_written:
            return
        self.yes_no_written = True
        self.sheets.choice(YES_NO_LIST, "yes", self.message_texts("xlsform.yes"))
        self.sheets.choice(YES_NO_LIST, "no", self.message_texts("xlsform.no"))


def _safe(text: str) -> str:
    """A text XLSForm shows as written: ``${`` would be read as a reference."""
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("${", "$ {")


def _join_messages(messages: list[dict[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for message in messages:
        for lang, text in message.items():
            joined[lang] = f"{joined[lang]} {text}" if lang in joined else text
    return joined


def _number(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _date(bound: Any) -> str:
    if bound == "today":
        return "today()"
    return f"date('{bound.isoformat() if isinstance(bound, dt.date) else bound}')"


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"
