"""Import an XLSForm (ODK, KoboToolbox, pyxform) workbook as a Tremplin service file.

The workbook is read by its content (``.xls`` or ``.xlsx``, whatever its name says);
its ``survey``, ``choices`` and ``settings`` sheets give the service's steps, blocks,
computed values, languages and title. Every name becomes a Tremplin identifier (renames
noted); every expression is translated (:mod:`exports.xlsform_expressions`); everything
that cannot be carried over is noted ``FILE:ROW: message`` with what was done instead.
The result always validates. The mapping is described in docs/import.md.

This module is the ``xlsform`` importer of :mod:`exports.interop`.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Sequence

from builder.editing.document import dump_service
from builder.editing.ids import slugify, unique, words
from builder.format.loader import check_service_text
from builder.messages import Problem, register, render
from builder.rules.expressions import is_valid_name
from exports.notes import Imported, ImportFailed, Note, Source
from exports.workbook import read_workbook, workbook_kind
from exports.xlsform_choices import ChoiceLists
from exports.xlsform_context import Context
from exports.xlsform_expressions import NameInfo, Untranslatable, translate_value
from exports.xlsform_questions import Questions, kind_of
from exports.xlsform_sheets import KNOWN_COLUMNS, Form, FormSheet, read_form
from exports.xlsform_structure import Item, Steps, items, read_tree

name = "xlsform"
label = ("XLSForm (ODK, KoboToolbox)", "XLSForm (ODK, KoboToolbox)")
suffixes = (".xlsx", ".xls")
# Settings the import uses, or that only change how a collection app looks (one page per
# group is what Tremplin does anyway).
USED_SETTINGS = frozenset({"form_title", "form_id", "default_language", "set_form_title", "set_form_id", "style"})

register({
    "xlsform.one_workbook": ("Donnez un seul classeur XLSForm à la fois.",
                             "Give one XLSForm workbook at a time."),
    "xlsform.no_survey": ("Le classeur n'a pas de feuille « survey » : ce n'est pas un XLSForm.",
                          "The workbook has no \"survey\" sheet: it is not an XLSForm."),
    "xlsform.no_question": (
        "La feuille « survey » ne contient aucune question à reprendre : le service a une étape à "
        "compléter.",
        "The \"survey\" sheet holds no question to carry over: the service has one step to fill in."),
    "xlsform.placeholder": ("Ce service n'a pas encore de question.", "This service has no question yet."),
    "xlsform.renamed": (
        "Le nom « {name} » devient l'identifiant « {id} » (lettres minuscules sans accent, chiffres et _).",
        "The name \"{name}\" becomes the id \"{id}\" (lowercase letters without accents, digits and _)."),
    "xlsform.no_name": ("Cette ligne n'a pas de nom (colonne name) : elle devient « {id} ».",
                        "This row has no name (column name): it becomes \"{id}\"."),
    "xlsform.duplicate_name": (
        "Le nom « {name} » est déjà pris ligne {first} : cette question devient « {id} », et "
        "${{{name}}} désigne celle de la ligne {first}.",
        "The name \"{name}\" is already taken on row {first}: this question becomes \"{id}\", and "
        "${{{name}}} means the one on row {first}."),
    "xlsform.setting_left_out": (
        "Le réglage « {key} » (« {value} ») n'a pas d'équivalent dans Tremplin : il n'est pas repris.",
        "The setting \"{key}\" (\"{value}\") has no equivalent in Tremplin: it is not carried over."),
    "xlsform.column_left_out": (
        "La colonne « {column} » n'a pas d'équivalent dans Tremplin : elle n'est pas reprise.",
        "The column \"{column}\" has no equivalent in Tremplin: it is not carried over."),
    "xlsform.column_repeated": (
        "La colonne « {column} » est écrite deux fois : seule la première est reprise.",
        "The column \"{column}\" is written twice: only the first one is carried over."),
    "xlsform.sheet_left_out": (
        "La feuille « {sheet} » ne fait pas partie d'un XLSForm : elle n'est pas reprise.",
        "The sheet \"{sheet}\" is not part of an XLSForm: it is not carried over."),
    "xlsform.calculation_left_out": (
        "Le calcul « {source} » n'est pas repris : {reason}.",
        "The calculation \"{source}\" is not carried over: {reason}."),
    "xlsform.repaired": (
        "« {key} » ne passe pas la vérification de Tremplin ({message}) : il n'est pas repris.",
        "\"{key}\" does not pass Tremplin's check ({message}): it is not carried over."),
    "xlsform.header": (
        "Importé de l'XLSForm « {file} » ; ce qui n'a pas pu être repris tel quel est\n"
        "signalé à l'import, ligne par ligne (voir docs/import.md de Tremplin).",
        "Imported from the XLSForm \"{file}\"; what could not be carried over as it was is\n"
        "reported by the import, row by row (see Tremplin's docs/import.md)."),
})


def recognises(source: Source) -> bool:
    """Whether ``source`` is a workbook (by its content; an XLSForm or not)."""
    return workbook_kind(source.content) is not None


def import_service(sources: Sequence[Source]) -> Imported:
    """The service file of one XLSForm workbook, and the notes of what changed."""
    if len(sources) != 1:
        raise ImportFailed([Note(sources[-1].name, 1, "xlsform.one_workbook")])
    source = sources[0]
    try:
        form = read_form(read_workbook(source.content))
    except Problem as problem:
        raise ImportFailed([Note(source.name, 1, problem.code, problem.params)]) from None
    if form.survey is None:
        raise ImportFailed([Note(source.name, 1, "xlsform.no_survey")])
    return _Import(source.name, form).run()


class _Import:
    """One import: reads the settings, names every row, translates, builds the steps."""

    def __init__(self, file: str, form: Form):
        self.context = Context(file, form)
        self.form = form
        self.ids: dict[tuple[int, str], str] = {}
        self.taken: set[str] = set()
        self.rows: dict[str, int] = {}  # Tremplin id → row, to locate a repair

    def run(self) -> Imported:
        context = self.context
        self._note_unused_parts()
        context.setup_languages()
        choices = ChoiceLists(context)
        tree = read_tree(self.form.survey.rows, context)
        self._name_rows(list(items(tree)), choices)
        computed = self._computed(list(items(tree)))
        questions = Questions(context, choices, self.ids)
        steps = Steps(context, lambda item: questions.blocks(item.row, item.type), self.taken).build(tree)
        if not steps:
            context.note_at("survey", self.form.survey.header_row, "xlsform.no_question")
            steps = [{"id": "etape-1", "blocks": [{"type": "content", "id": "a_completer",
                                                    "body": render("xlsform.placeholder", "fr")}]}]
        data = self._service(steps, computed, self._computed_labels(list(items(tree)), computed))
        text = self._checked(data)
        return Imported(text, sorted(context.notes, key=_note_order))

    # --- names --------------------------------------------------------------------------

    def _name_rows(self, rows: list[Item], choices: ChoiceLists) -> None:
        """Give every row that has a value a Tremplin id, and put it in scope."""
        scope = self.context.scope
        for item in rows:
            row, kind = item.row, kind_of(item.type, choices)
            written = row.get("name")
            if kind is None:
                if written:
                    scope.dropped.setdefault(written, row.number)
                continue
            if kind == "today":
                scope.names.setdefault(written or "today", NameInfo("", "today"))
                continue
            identifier = self._identifier(item, written)
            self._scope(item, written, NameInfo(identifier, kind))
            if item.type.or_other:
                other = self._new_id(f"{identifier}_other")
                self.ids[(row.number, "other")] = other
                scope.names.setdefault(f"{written}_other", NameInfo(other, "text"))

    def _identifier(self, item: Item, written: str) -> str:
        row = item.row
        base = identifier(written) or identifier(_default_language_text(row)) or "question"
        found = self._new_id(base)
        if not written:
            self.context.note(row, "xlsform.no_name", id=found)
        elif found != written and written not in self.context.scope.names:
            self.context.note(row, "xlsform.renamed", name=written, id=found)
        self.ids[(row.number, "")] = found
        self.rows[found] = row.number
        return found

    def _scope(self, item: Item, written: str, info: NameInfo) -> None:
        names = self.context.scope.names
        if written and written in names:
            first = self.rows.get(names[written].id, 1)
            self.context.note(item.row, "xlsform.duplicate_name", name=written, first=first, id=info.id)
        elif written:
            names[written] = info

    def _new_id(self, base: str) -> str:
        found = unique(base, self.taken, "_")
        self.taken.add(found)
        return found

    # --- computed values ----------------------------------------------------------------

    def _computed(self, rows: list[Item]) -> dict[str, str]:
        """The calculations that translate. One that does not leaves the scope, so the
        next pass takes out, in turn, those that use it."""
        calculations = [item for item in rows if (item.row.number, "") in self.ids
                        and item.type.base == "calculate"]
        translated: dict[str, str] = {}
        failed: set[int] = set()
        while True:
            before = len(failed)
            for item in calculations:
                if item.row.number not in failed and not self._translate(item, translated):
                    failed.add(item.row.number)
            if len(failed) == before:
                return translated

    def _translate(self, item: Item, translated: dict[str, str]) -> bool:
        """Translate one calculation; on failure take it out of the scope (with a note)."""
        row, scope = item.row, self.context.scope
        identifier = self.ids[(row.number, "")]
        source = row.get("calculation")
        try:
            if not source:
                raise Untranslatable("xlsform.why_syntax", detail="vide")
            translated[identifier] = translate_value(source, scope)
            return True
        except Untranslatable as error:
            translated.pop(identifier, None)
            if scope.names.get(row.get("name"), None) == NameInfo(identifier, "computed"):
                del scope.names[row.get("name")]
                scope.dropped[row.get("name")] = row.number
            self.context.note(row, "xlsform.calculation_left_out", source=source, reason=error.reason)
            return False

    # --- the service ----------------------------------------------------------------------

    def _computed_labels(self, rows: list[Item], computed: dict[str, str]) -> dict[str, Any]:
        """The labels of the calculations kept, as their words for people (``computed_labels``)."""
        labels = {}
        for item in rows:
            identifier = self.ids.get((item.row.number, ""))
            if item.type.base == "calculate" and identifier in computed:
                label = self.context.text(item.row, "label")
                if label:
                    labels[identifier] = label
        return labels

    def _service(self, steps: list[dict], computed: dict[str, str], labels: dict[str, Any]) -> dict[str, Any]:
        settings = self._settings()
        stem = PurePath(self.context.file).stem
        data: dict[str, Any] = {
            "tremplin": 1,
            "id": slugify(settings.get("form_id") or stem, "service"),
            "title": settings.get("form_title") or " ".join(stem.replace("_", " ").split()) or stem,
        }
        if self.context.languages.order:
            data["languages"] = list(self.context.languages.order)
        if computed:
            data["computed"] = computed
        if labels:
            data["computed_labels"] = labels
        data["steps"] = steps
        return data

    def _settings(self) -> dict[str, str]:
        """The settings the service uses (those of the survey's old ``set form …`` rows too)."""
        found: dict[str, str] = {}
        for row in self.form.survey.rows:
            kind = row.get("type").strip().lower()
            if kind in ("set form title", "set form id") and row.get("name"):
                found["form_" + kind.rsplit(" ", 1)[-1]] = row.get("name")
        sheet = self.form.settings
        if sheet and sheet.rows:
            first = sheet.rows[0]
            for key, value in first.values.items():
                if key in USED_SETTINGS:
                    found[key.removeprefix("set_")] = value
                else:
                    self.context.note(first, "xlsform.setting_left_out", key=key, value=value)
        return found

    def _note_unused_parts(self) -> None:
        for sheet in self.form.other_sheets:
            if sheet.rows:
                self.context.note_at("survey", 1, "xlsform.sheet_left_out", sheet=sheet.name)
        for sheet in (self.form.survey, self.form.choices):
            self._note_unknown_columns(sheet)

    def _note_unknown_columns(self, sheet: FormSheet | None) -> None:
        if sheet is None:
            return
        kind = "survey" if sheet is self.form.survey else "choices"
        filters = {row.get("choice_filter") for row in self.form.survey.rows} if kind == "choices" else set()
        for column in sheet.columns:
            used_by_filter = any(column.header in source for source in filters if source)
            if column.key not in KNOWN_COLUMNS[kind] and not used_by_filter:
                self.context.note_at(kind, sheet.header_row, "xlsform.column_left_out", column=column.header)
        for header in sheet.repeated:
            self.context.note_at(kind, sheet.header_row, "xlsform.column_repeated", column=header)

    def _checked(self, data: dict[str, Any]) -> str:
        """The service as text, once it validates (anything the checker still refuses is
        taken out, with a note: the result must always load)."""
        header = "\n".join(f"# {line}" for line in _header(self.context.file).splitlines()) + "\n"
        for _ in range(50):
            text = dump_service(data, header)
            problems = check_service_text(text, "import.yaml")
            if not problems:
                return text
            if not all(self._repair(data, located.problem) for located in problems):
                raise ImportFailed([Note(self.context.file, 1, "xlsform.repaired",
                                         {"key": "?", "message": located.format()}) for located in problems])
        raise ImportFailed([Note(self.context.file, 1, "xlsform.no_question")])

    def _repair(self, data: dict[str, Any], problem: Problem) -> bool:
        """Take out the part of ``data`` that ``problem`` is about, when it is optional."""
        path = tuple(problem.path)
        for key in ("show_if", "when"):
            if key in path:
                path = path[:path.index(key) + 1]
        while path and not isinstance(path[-1], str):
            path = path[:-1]
        if len(path) < 2 or path[-1] in ("id", "type", "label", "options", "body", "blocks", "steps"):
            return False
        parent = _walk(data, path[:-1])
        if not isinstance(parent, dict) or path[-1] not in parent:
            return False
        del parent[path[-1]]
        row = self.rows.get(parent.get("id") if path[0] == "steps" else path[-1], 1)
        self.context.notes.append(Note(self.context.file, row, "xlsform.repaired",
                                       {"key": path[-1], "message": problem.message()}))
        return True


def identifier(name: str | None) -> str | None:
    """A Tremplin identifier for an XLSForm name: ``Nom-Complet`` → ``nom_complet``,
    ``2e_enfant`` → ``q_2e_enfant``, ``from`` → ``from_``; None when nothing is left."""
    parts = words(name or "")
    if not parts:
        return None
    text = "_".join(parts)
    if text[0].isdigit():
        text = f"q_{text}"
    return text if is_valid_name(text) else f"{text}_"


def _default_language_text(row: Any) -> str:
    label = row.texts.get("label") or {}
    return next(iter(label.values()), "")


def _walk(data: Any, path: tuple) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _header(file: str) -> str:
    return render("xlsform.header", "fr", file=PurePath(file).name)


def _note_order(note: Note) -> tuple:
    return (note.sheet != "", note.sheet, note.line)
