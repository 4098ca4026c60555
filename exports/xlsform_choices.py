"""The ``choices`` sheet: each list as Tremplin options, read once, with its notes.

A choice's ``name`` is the option's value (kept as written: accents and capitals are
fine in a value), its label the option's label. A list of exactly two choices named
yes/no (or oui/non, true/false) is a yes/no question for Tremplin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.messages import register
from exports.xlsform_context import Context
from exports.xlsform_sheets import MEDIA, FormRow

YES_NO = ({"yes", "no"}, {"oui", "non"}, {"true", "false"}, {"y", "n"})

register({
    "xlsform.choice_no_name": (
        "Cette réponse n'a pas de nom (colonne name) : son libellé « {label} » sert de valeur.",
        "This choice has no name (column name): its label \"{label}\" is used as its value."),
    "xlsform.choice_empty": ("Cette réponse n'a ni nom ni libellé : elle n'est pas reprise.",
                             "This choice has neither a name nor a label: it is not carried over."),
    "xlsform.choice_duplicate": (
        "La réponse « {value} » est déjà dans la liste « {list} » (ligne {first}) : elle n'est "
        "reprise qu'une fois.",
        "The choice \"{value}\" is already in the list \"{list}\" (row {first}): it is carried over once."),
    "xlsform.media_left_out": (
        "Le fichier « {file} » (colonne {column}) n'est pas repris : Tremplin n'affiche ni image, "
        "ni son, ni vidéo dans les questions.",
        "The file \"{file}\" (column {column}) is not carried over: Tremplin shows no image, sound "
        "or video in questions."),
})


@dataclass(frozen=True)
class ChoiceList:
    """One list: its Tremplin options, and the XLSForm values of yes and no when it is a
    yes/no list."""

    name: str
    options: tuple[dict[str, Any], ...]
    row: int
    yes: str | None = None
    no: str | None = None


class ChoiceLists:
    """The lists of the ``choices`` sheet, each built on first use (so that the notes of
    a list come once, and only for the lists the survey uses)."""

    def __init__(self, context: Context):
        self.context = context
        self.rows: dict[str, list[FormRow]] = {}
        self.built: dict[str, ChoiceList] = {}
        sheet = context.form.choices
        for row in sheet.rows if sheet else ():
            list_name = row.get("list_name")
            if list_name:
                self.rows.setdefault(list_name, []).append(row)

    def get(self, list_name: str) -> ChoiceList | None:
        """The list called ``list_name``, None when the sheet has no such list."""
        if list_name not in self.built:
            rows = self.rows.get(list_name)
            if not rows:
                return None
            self.built[list_name] = self._build(list_name, rows)
        return self.built[list_name]

    def _build(self, list_name: str, rows: list[FormRow]) -> ChoiceList:
        options, first = [], {}
        for row in rows:
            option = self._option(row)
            if option is None:
                continue
            if option["value"] in first:
                self.context.note(row, "xlsform.choice_duplicate", value=option["value"], list=list_name,
                                  first=first[option["value"]])
                continue
            first[option["value"]] = row.number
            options.append(option)
        yes, no = _yes_no([option["value"] for option in options])
        return ChoiceList(list_name, tuple(options), rows[0].number, yes, no)

    def _option(self, row: FormRow) -> dict[str, Any] | None:
        context = self.context
        for column in MEDIA:
            for tag, file in row.texts.get(column, {}).items():
                context.note(row, "xlsform.media_left_out", file=file, column=column)
        label = context.text(row, "label")
        value = row.get("name")
        if not value:
            fallback = label if isinstance(label, str) else next(iter((label or {}).values()), None)
            if not fallback:
                context.note(row, "xlsform.choice_empty")
                return None
            context.note(row, "xlsform.choice_no_name", label=fallback)
            value = fallback
        return {"value": value, "label": label or value}


def _yes_no(values: list[str]) -> tuple[str | None, str | None]:
    """The values meaning yes and no when the list is exactly a yes/no pair."""
    if len(values) != 2:
        return None, None
    lowered = {value.strip().lower(): value for value in values}
    for pair in YES_NO:
        if set(lowered) == pair:
            yes_word = next(word for word in pair if word in ("yes", "oui", "true", "y"))
            no_word = (pair - {yes_word}).pop()
            return lowered[yes_word], lowered[no_word]
    return None, None
