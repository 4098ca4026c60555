"""Write a Tremplin service as an XLSForm workbook (``survey``, ``choices``, ``settings``).

pyxform, XLSForm's reference implementation, turns the workbook into an XForm that ODK
Collect, KoboToolbox or Enketo can run. Each step becomes a one-screen group
(``field-list``) with its ``show_if`` as ``relevant``; each block a row (see
:mod:`exports.xlsform_rows`); computed values become ``calculate`` rows; the outcomes
notes in a last group, each with its ``when`` as ``relevant``. Texts in several
languages get one column per language (``label::Français (fr)``).

What XLSForm cannot hold (the help box, the organisation, sending by e-mail, the
examples…) is listed in notes located by the line of the service file. This module is
the ``xlsform`` converter of :mod:`exports.interop`; the mapping is in docs/import.md.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from builder.format.model import Service, localize
from builder.messages import register, render
from exports.notes import Converted, Note, Text
from exports.xlsform_languages import language_header
from exports.xlsform_rows import RowWriter, Sheets
from exports.xpath_writer import NotWritable, write_condition, write_value

name = "xlsform"
label = ("XLSForm (ODK, KoboToolbox)", "XLSForm (ODK, KoboToolbox)")
extension = "xlsx"
media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Keys of a service file that an XLSForm has no place for.
NOT_CARRIED = ("duration", "requirements", "organisation", "help", "submission", "settings", "tests")

register({
    "xlsform.export_key": (
        "« {key} » ({what}) n'a pas d'équivalent dans un XLSForm : cette partie du fichier n'est pas reprise.",
        "\"{key}\" ({what}) has no equivalent in an XLSForm: this part of the file is not carried over."),
    "xlsform.what_duration": ("le temps pour répondre", "the time it takes"),
    "xlsform.what_requirements": ("la liste de ce qu'il faut avoir sous la main", "the list of what to have at hand"),
    "xlsform.what_organisation": ("l'organisation", "the organisation"),
    "xlsform.what_help": ("l'encadré « Besoin d'aide ? »", "the \"Need help?\" box"),
    "xlsform.what_submission": ("l'envoi des réponses (confirmation, e-mails)", "sending (confirmation, e-mails)"),
    "xlsform.what_settings": ("les réglages", "the settings"),
    "xlsform.what_tests": ("les exemples (personas)", "the examples (personas)"),
    "xlsform.export_computed": (
        "La valeur calculée « {name} » n'est pas reprise : {reason}.",
        "The computed value \"{name}\" is not carried over: {reason}."),
    "xlsform.export_condition": (
        "La condition « {where} » n'est pas reprise : {reason}. Dans l'XLSForm, ce qu'elle garde est toujours montré.",
        "The condition \"{where}\" is not carried over: {reason}. In the XLSForm, what it guards is always shown."),
    "xlsform.results_group": ("Résultats", "Results"),
    "xlsform.amount": ("Montant : {amount}", "Amount: {amount}"),
    "xlsform.source": ("Source : [{label}]({url})", "Source: [{label}]({url})"),
})


def convert(service: Service) -> Converted:
    """The service as an XLSForm workbook (bytes), and the notes of what is not carried."""
    exporter = _Export(service)
    return Converted(exporter.workbook(), exporter.notes)


class _Export:
    """One export: the rows of the three sheets, built in the order of the service."""

    def __init__(self, service: Service):
        self.service = service
        self.file = service.path or f"{service.id}.yaml"
        self.notes: list[Note] = []
        self.sheets = Sheets(list(service.languages))
        self.rows = RowWriter(service, self.sheets, self._note)

    def workbook(self) -> bytes:
        self._note_keys()
        self._presentation()
        self._computed()
        for step in self.service.steps:
            self._step(step)
        self._outcomes()
        return _save(self.sheets, self._settings())

    def _note(self, line: int, code: str, **params: Any) -> None:
        self.notes.append(Note(self.file, line, code, params))

    def _line(self, *path: Any) -> int:
        return self.service.lines.get(tuple(path), 1)

    def _note_keys(self) -> None:
        for key in NOT_CARRIED:
            if self.service.data.get(key) not in (None, [], {}):
                self._note(self._line(key), "xlsform.export_key", key=key, what=Text(f"xlsform.what_{key}"))

    def _presentation(self) -> None:
        summary = self.service.data.get("summary")
        if summary:
            self.sheets.survey({"type": "note", "name": self.rows.new_name("presentation")},
                               label=self.rows.texts(summary))

    def _computed(self) -> None:
        for computed in self.service.computed.values():
            try:
                calculation = write_value(computed.expression.root, self.rows.names)
            except NotWritable as error:
                self._note(computed.line, "xlsform.export_computed", name=computed.name, reason=error.reason)
                continue
            self.sheets.survey({"type": "calculate", "name": self.rows.name_of(computed.name),
                                "calculation": calculation},
                               label=self.rows.texts(computed.label) if computed.label else None)

    def _step(self, step: Any) -> None:
        relevant = self.condition(step.show_if, step.line, step.id)
        self.sheets.survey({"type": "begin_group", "name": self.rows.group_name(step.id),
                            "appearance": "field-list", "relevant": relevant},
                           label=self.rows.texts(step.title) if step.title else None)
        for block in step.blocks:
            self.rows.block(block, self.condition(block.show_if, block.line, block.id))
        self.sheets.survey({"type": "end_group"})

    def _outcomes(self) -> None:
        if not self.service.outcomes:
            return
        self.sheets.survey({"type": "begin_group", "name": self.rows.new_name("resultats"),
                            "appearance": "field-list"}, label=self.rows.message_texts("xlsform.results_group"))
        for outcome in self.service.outcomes:
            relevant = self.condition(outcome.when, outcome.line, outcome.id)
            self.sheets.survey({"type": "note", "name": self.rows.new_name(f"resultat_{outcome.id}"),
                                "relevant": relevant}, label=self._outcome_text(outcome))
        self.sheets.survey({"type": "end_group"})

    def _outcome_text(self, outcome: Any) -> dict[str, str]:
        texts = {}
        for lang in self.service.languages:
            parts = [f"**{self._localize(outcome.title, lang)}**"]
            if outcome.amount:
                parts.append(render("xlsform.amount", _message_lang(lang), amount=self._localize(outcome.amount, lang)))
            if outcome.body:
                parts.append(self._localize(outcome.body, lang))
            parts += [f"[{self._localize(link.get('label'), lang)}]({link.get('url')})" for link in outcome.links]
            if outcome.source and outcome.source.get("url"):
                source = outcome.source
                parts.append(render("xlsform.source", _message_lang(lang), url=source["url"],
                                    label=self._localize(source.get("label"), lang) or source["url"]))
            texts[lang] = "\n\n".join(part for part in parts if part)
        return texts

    def _localize(self, text: Any, lang: str) -> str:
        return localize(text, lang, self.service.languages)

    def condition(self, condition: Any, line: int, where: str) -> str | None:
        """A ``show_if`` / ``when`` as an XLSForm ``relevant`` (None, with a note, when it
        has no XLSForm equivalent)."""
        if condition is None:
            return None
        try:
            return write_condition(condition, self.rows.names)
        except NotWritable as error:
            self._note(line, "xlsform.export_condition", where=where, reason=error.reason)
            return None

    def _settings(self) -> dict[str, str]:
        service = self.service
        settings = {"form_title": localize(service.title, service.default_language, service.languages),
                    "form_id": service.id, "style": "pages"}
        if len(service.languages) > 1:
            settings["default_language"] = language_header(service.default_language)
        return settings


def _message_lang(lang: str) -> str:
    return "en" if lang != "fr" else "fr"


def _save(sheets: Sheets, settings: dict[str, str]) -> bytes:
    """The workbook: bold header rows, one sheet per XLSForm sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, header, rows in sheets.tables(settings):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append([row.get(column) for column in header])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a text starting with "=" stays a text, never a formula
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
