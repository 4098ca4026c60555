"""One survey row of an XLSForm as Tremplin blocks.

:data:`BLOCK_TYPES` maps each XLSForm base type to the Tremplin block type it becomes;
:class:`Questions` builds the block (its type's parameters, then what every question
has: label, hint, required, show_if, constraint) and notes, with the row, everything that
is not carried over. See docs/import.md for the whole mapping.
"""

from __future__ import annotations

from typing import Any, Callable

from builder.messages import register, render
from exports.xlsform_choices import ChoiceLists
from exports.xlsform_constraints import constraint_params
from exports.xlsform_context import Context
from exports.xlsform_expressions import Scope, Untranslatable, translate_condition
from exports.xlsform_sheets import MEDIA, FormRow
from exports.xlsform_types import CAPTURES, DROPPED, FILE_SELECTS, METADATA, SETTINGS_ROWS, RowType

# XLSForm base type → (Tremplin block type, the kind of value expressions see).
BLOCK_TYPES = {
    "text": ("text", "text"), "integer": ("number", "number"), "decimal": ("number", "number"),
    "range": ("number", "number"), "date": ("date", "date"), "datetime": ("date", "date"),
    "time": ("text", "text"), "note": ("content", "content"), "acknowledge": ("consent", "consent"),
    "select_one": ("choice", "choice"), "select_multiple": ("choices", "choices"),
    "rank": ("choices", "choices"),
}
TRUE_WORDS = frozenset({"yes", "true", "true()", "1", "oui", "y"})
FALSE_WORDS = frozenset({"no", "false", "false()", "0", "non", "n", ""})
DROPDOWN_APPEARANCES = frozenset({"minimal", "autocomplete", "search", "quick"})
USED_APPEARANCES = {"text": {"multiline"}, "select_one": DROPDOWN_APPEARANCES, "select_multiple": {"minimal"}}
RANGE_DEFAULTS = {"start": 1, "end": 10, "step": 1}

register({
    "xlsform.no_type": ("Cette ligne n'a pas de type : elle n'est pas reprise.",
                        "This row has no type: it is not carried over."),
    "xlsform.metadata": (
        "« {type} » est une information que l'application de collecte enregistre seule : Tremplin "
        "ne l'enregistre pas, la ligne n'est pas reprise.",
        "\"{type}\" is recorded by the collection app by itself: Tremplin does not record it, the row "
        "is not carried over."),
    "xlsform.metadata_today": (
        "« today » est la date du jour : la ligne n'est pas reprise, et ${{{name}}} devient today() "
        "dans les expressions.",
        "\"today\" is the current date: the row is not carried over, and ${{{name}}} becomes today() in "
        "expressions."),
    "xlsform.dropped_type": ("Le type « {type} » n'a pas d'équivalent dans Tremplin : la ligne n'est pas reprise.",
                             "The type \"{type}\" has no equivalent in Tremplin: the row is not carried over."),
    "xlsform.unknown_type": ("Le type « {type} » n'est pas connu : la question est gardée comme texte court.",
                             "The type \"{type}\" is unknown: the question is kept as a short text."),
    "xlsform.capture_as_text": (
        "Tremplin ne reçoit ni position GPS, ni photo, ni son, ni vidéo, ni fichier, ni code-barres : "
        "la question « {type} » est gardée comme texte court, facultative.",
        "Tremplin receives no GPS position, photo, sound, video, file or barcode: the \"{type}\" "
        "question is kept as an optional short text."),
    "xlsform.file_select_as_text": (
        "Les réponses de « {type} » sont dans un autre fichier : la question est gardée comme texte court.",
        "The choices of \"{type}\" are in another file: the question is kept as a short text."),
    "xlsform.time_as_text": ("Tremplin n'a pas de question « heure » : la question est gardée comme texte court.",
                             "Tremplin has no \"time\" question: the question is kept as a short text."),
    "xlsform.datetime_as_date": (
        "Tremplin ne demande pas l'heure : la question « date et heure » devient une question de date.",
        "Tremplin does not ask for the time: the \"date and time\" question becomes a date question."),
    "xlsform.range_as_number": (
        "Tremplin n'a pas de curseur : la question devient un nombre de {min} à {max}.",
        "Tremplin has no slider: the question becomes a number from {min} to {max}."),
    "xlsform.rank_as_choices": ("Tremplin ne fait pas classer les réponses : la question devient des cases à cocher.",
                                "Tremplin does not rank answers: the question becomes tick boxes."),
    "xlsform.list_missing": (
        "La liste « {list} » n'est pas dans la feuille choices : la question est gardée comme texte court.",
        "The list \"{list}\" is not in the choices sheet: the question is kept as a short text."),
    "xlsform.choice_filter": (
        "Le filtre de réponses « {source} » (choice_filter) n'est pas repris : toutes les réponses "
        "de la liste sont proposées.",
        "The choice filter \"{source}\" is not carried over: every choice of the list is offered."),
    "xlsform.relevant_left_out": (
        "La condition d'affichage « {source} » n'est pas reprise : {reason}. La question est toujours posée.",
        "The display condition \"{source}\" is not carried over: {reason}. The question is always asked."),
    "xlsform.required_condition": (
        "« required » dépend d'une condition (« {source} ») : la question est facultative.",
        "\"required\" depends on a condition (\"{source}\"): the question is optional."),
    "xlsform.required_message": (
        "Le message « {message} » (required_message) n'est pas repris : Tremplin écrit le sien.",
        "The message \"{message}\" (required_message) is not carried over: Tremplin writes its own."),
    "xlsform.constraint_left_out": (
        "La contrainte « {part} » n'est pas reprise : {reason}. La question est gardée sans elle.",
        "The constraint \"{part}\" is not carried over: {reason}. The question is kept without it."),
    "xlsform.constraint_message": (
        "Le message de contrainte « {message} » n'est pas repris : Tremplin écrit ses propres messages.",
        "The constraint message \"{message}\" is not carried over: Tremplin writes its own messages."),
    "xlsform.default_left_out": (
        "La réponse par défaut « {value} » n'est pas reprise : Tremplin ne remplit pas les réponses à l'avance.",
        "The default answer \"{value}\" is not carried over: Tremplin does not fill answers in advance."),
    "xlsform.read_only": ("Tremplin n'a pas de question en lecture seule : la question est posée normalement.",
                          "Tremplin has no read-only question: the question is asked normally."),
    "xlsform.calculation_on_question": (
        "Le calcul « {source} » de la question n'est pas repris : Tremplin ne pré-remplit pas les réponses.",
        "The calculation \"{source}\" of the question is not carried over: Tremplin does not prefill answers."),
    "xlsform.appearance_left_out": (
        "L'apparence « {appearance} » n'a pas d'équivalent dans Tremplin : elle n'est pas reprise.",
        "The appearance \"{appearance}\" has no equivalent in Tremplin: it is not carried over."),
    "xlsform.parameters_left_out": ("Les paramètres « {value} » ne sont pas repris.",
                                    "The parameters \"{value}\" are not carried over."),
    "xlsform.column_value_left_out": (
        "La colonne « {column} » (« {value} ») n'a pas d'équivalent dans Tremplin : elle n'est pas reprise.",
        "The column \"{column}\" (\"{value}\") has no equivalent in Tremplin: it is not carried over."),
    "xlsform.no_label": ("La question n'a pas de texte (label) : « {label} » sert de question.",
                         "The question has no text (label): \"{label}\" is used as the question."),
    "xlsform.note_empty": ("La note n'a pas de texte : elle n'est pas reprise.",
                           "The note has no text: it is not carried over."),
    "xlsform.other_label": ("Autre", "Other"),
    "xlsform.other_question": ("Précisez :", "Specify other:"),
})


def kind_of(row_type: RowType, choices: ChoiceLists) -> str | None:
    """The kind of value a row gives expressions (``number``, ``choice``…), ``computed``
    for a calculation, ``today`` for that metadata, None for a row that gives none."""
    base = row_type.base
    if base == "calculate":
        return "computed"
    if base == "today":
        return "today"
    if base in METADATA or base in DROPPED or base in SETTINGS_ROWS or not base:
        return None
    if row_type.is_select:
        found = choices.get(row_type.list_name)
        if found is None:
            return "text"
        if base == "select_one" and found.yes is not None and not row_type.or_other:
            return "yesno"
    return BLOCK_TYPES.get(base, ("text", "text"))[1]


def truthy(value: str) -> bool | None:
    """``yes``/``true()``… → True, ``no``/''… → False, anything else (an expression) → None."""
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


class Questions:
    """Builds the blocks of survey rows; ``ids`` gives the Tremplin id of each row by
    ``(row number, "")``, and of the « specify other » question by ``(row number, "other")``."""

    def __init__(self, context: Context, choices: ChoiceLists, ids: dict[tuple[int, str], str]):
        self.context, self.choices, self.ids = context, choices, ids
        self.types: dict[str, Callable[[FormRow, RowType], dict[str, Any]]] = {
            "text": self._text, "integer": self._integer, "decimal": self._decimal, "range": self._range,
            "date": self._date, "datetime": self._datetime, "time": self._time,
            "select_one": self._select, "select_multiple": self._select, "rank": self._select,
            "acknowledge": lambda row, row_type: {"type": "consent"},
        }

    def blocks(self, row: FormRow, row_type: RowType) -> list[dict[str, Any]]:
        """The blocks of one row (none for calculations and left-out rows)."""
        if self._left_out(row, row_type):
            return []
        if row_type.base == "note":
            return self._note(row)
        block = self._typed(row, row_type)
        block = {"type": block.pop("type"), "id": self.ids[(row.number, "")], **self._common(row), **block}
        self._rules(row, row_type, block)
        self._leftovers(row, row_type)
        return [block, *self._other_block(row, row_type, block)]

    def _left_out(self, row: FormRow, row_type: RowType) -> bool:
        base, context = row_type.base, self.context
        if base == "calculate" or base in SETTINGS_ROWS:
            return True
        if not base:
            if row.get("name") or row.texts:
                context.note(row, "xlsform.no_type")
            return True
        if base == "today":
            context.note(row, "xlsform.metadata_today", name=row.get("name") or "today")
        elif base in METADATA:
            context.note(row, "xlsform.metadata", type=row_type.written)
        elif base in DROPPED:
            context.note(row, "xlsform.dropped_type", type=row_type.written)
        return base in METADATA or base in DROPPED

    def _typed(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        base = row_type.base
        if base in self.types:
            return self.types[base](row, row_type)
        if base in CAPTURES:
            self.context.note(row, "xlsform.capture_as_text", type=row_type.written)
            return {"type": "text", "required": False}
        code = "xlsform.file_select_as_text" if base in FILE_SELECTS else "xlsform.unknown_type"
        self.context.note(row, code, type=row_type.written)
        return {"type": "text"}

    # --- one method per XLSForm type ----------------------------------------------------

    def _text(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        return {"type": "textarea" if "multiline" in _appearances(row) else "text"}

    def _integer(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        return {"type": "number", "step": 1}

    def _decimal(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        return {"type": "number"}

    def _range(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        values = dict(RANGE_DEFAULTS)
        for part in row.get("parameters").replace(",", " ").split():
            key, _, value = part.partition("=")
            try:
                values[key.strip().lower()] = _number(value)
            except ValueError:
                continue
        low, high, step = values["start"], values["end"], values["step"]
        low, high = min(low, high), max(low, high)
        self.context.note(row, "xlsform.range_as_number", min=low, max=high)
        return {"type": "number", "min": low, "max": high, **({"step": step} if step > 0 else {})}

    def _date(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        return {"type": "date"}

    def _datetime(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        self.context.note(row, "xlsform.datetime_as_date")
        return {"type": "date"}

    def _time(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        self.context.note(row, "xlsform.time_as_text")
        return {"type": "text"}

    def _select(self, row: FormRow, row_type: RowType) -> dict[str, Any]:
        found = self.choices.get(row_type.list_name)
        if found is None or not found.options:
            self.context.note(row, "xlsform.list_missing", list=row_type.list_name)
            return {"type": "text"}
        if row.get("choice_filter"):
            self.context.note(row, "xlsform.choice_filter", source=row.get("choice_filter"))
        if kind_of(row_type, self.choices) == "yesno":
            return {"type": "yesno"}
        if row_type.base == "rank":
            self.context.note(row, "xlsform.rank_as_choices")
        options = [dict(option) for option in found.options]
        if row_type.or_other and "other" not in {option["value"] for option in options}:
            options.append({"value": "other", "label": self._localized("xlsform.other_label")})
        block: dict[str, Any] = {"type": "choice" if row_type.base == "select_one" else "choices",
                                 "options": options}
        if row_type.base == "select_one" and DROPDOWN_APPEARANCES & _appearance_words(row):
            block["display"] = "dropdown"
        return block

    def _note(self, row: FormRow) -> list[dict[str, Any]]:
        body = _join(self.context.text(row, "label"), self.context.text(row, "hint"))
        if not body:
            self.context.note(row, "xlsform.note_empty")
            return []
        block = {"type": "content", "id": self.ids[(row.number, "")], "body": body}
        show_if = self._show_if(row)
        if show_if:
            block["show_if"] = show_if
        self._leftovers(row, RowType("note", "note"))
        return [block]

    # --- what every question has --------------------------------------------------------

    def _common(self, row: FormRow) -> dict[str, Any]:
        context = self.context
        label = context.text(row, "label")
        if not label:
            label = row.get("name") or self.ids[(row.number, "")]
            context.note(row, "xlsform.no_label", label=label)
        common: dict[str, Any] = {"label": label}
        hint = _join(context.text(row, "hint"), context.text(row, "guidance_hint"))
        if hint:
            common["hint"] = hint
        required = truthy(row.get("required"))
        if required is None:
            context.note(row, "xlsform.required_condition", source=row.get("required"))
        if not required:
            common["required"] = False
        elif row.texts.get("required_message"):
            context.note(row, "xlsform.required_message", message=_first(row.texts["required_message"]))
        show_if = self._show_if(row)
        if show_if:
            common["show_if"] = show_if
        return common

    def _show_if(self, row: FormRow) -> str | None:
        source = row.get("relevant")
        if not source:
            return None
        try:
            return translate_condition(source, self.context.scope)
        except Untranslatable as error:
            self.context.note(row, "xlsform.relevant_left_out", source=source, reason=error.reason)
            return None

    def _rules(self, row: FormRow, row_type: RowType, block: dict[str, Any]) -> None:
        """The constraint as block parameters, and its message."""
        source = row.get("constraint")
        if not source:
            return
        scope = self.context.scope
        current = scope.names.get(row.get("name"))
        own = Scope(scope.names, scope.dropped, current)
        result = constraint_params(source, block["type"], own, block.get("step") == 1)
        for key, value in result.params.items():
            if key not in block or key in ("min", "max"):
                block[key] = _tighter(key, block.get(key), value)
        for part, reason in result.left_out:
            self.context.note(row, "xlsform.constraint_left_out", part=part or source, reason=reason)
        message = self.context.text(row, "constraint_message")
        if message and "pattern" in result.params:
            block["pattern_message"] = message
        elif message:
            self.context.note(row, "xlsform.constraint_message", message=_first(message))

    def _leftovers(self, row: FormRow, row_type: RowType) -> None:
        context = self.context
        if row.get("default"):
            context.note(row, "xlsform.default_left_out", value=row.get("default"))
        if truthy(row.get("read_only")):
            context.note(row, "xlsform.read_only")
        if row.get("calculation"):
            context.note(row, "xlsform.calculation_on_question", source=row.get("calculation"))
        if row.get("parameters") and row_type.base != "range":
            context.note(row, "xlsform.parameters_left_out", value=row.get("parameters"))
        for key in ("trigger", "repeat_count", "no_app_error_string"):
            if row.get(key):
                context.note(row, "xlsform.column_value_left_out", column=key, value=row.get(key))
        for column in MEDIA:
            for file in row.texts.get(column, {}).values():
                context.note(row, "xlsform.media_left_out", file=file, column=column)
        used = USED_APPEARANCES.get(row_type.base, set())
        for appearance in _appearances(row):
            if appearance not in used:
                context.note(row, "xlsform.appearance_left_out", appearance=appearance)

    def _other_block(self, row: FormRow, row_type: RowType, block: dict[str, Any]) -> list[dict[str, Any]]:
        """The « specify other » question that ``or_other`` adds after a choice."""
        if not row_type.or_other or block["type"] not in ("choice", "choices"):
            return []
        condition = f'"other" in {block["id"]}' if block["type"] == "choices" else f'{block["id"]} == "other"'
        show_if = {"all": [block["show_if"], condition]} if isinstance(block.get("show_if"), str) else condition
        return [{"type": "text", "id": self.ids[(row.number, "other")], "label": self._localized("xlsform.other_question"),
                 "show_if": show_if}]

    def _localized(self, code: str) -> Any:
        order = self.context.languages.order or ["fr"]
        texts = {lang: render(code, lang) for lang in order}
        return texts[order[0]] if self.context.languages.single else texts


def _appearances(row: FormRow) -> list[str]:
    return row.get("appearance").split()


def _appearance_words(row: FormRow) -> set[str]:
    return {word.split("(")[0] for word in _appearances(row)}


def _first(texts: Any) -> str:
    return texts if isinstance(texts, str) else next(iter(texts.values()), "")


def _join(first: Any, second: Any) -> Any:
    """Two texts one after the other (a string, or a text per language)."""
    if not first or not second:
        return first or second
    if isinstance(first, str) and isinstance(second, str):
        return f"{first}\n\n{second}"
    first = first if isinstance(first, dict) else {"": first}
    second = second if isinstance(second, dict) else {"": second}
    return {code: "\n\n".join(part for part in (first.get(code), second.get(code)) if part)
            for code in dict.fromkeys([*first, *second])}


def _tighter(key: str, old: Any, new: Any) -> Any:
    if not (isinstance(old, (int, float)) and isinstance(new, (int, float))):
        return new
    return max(old, new) if key == "min" else min(old, new)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value
