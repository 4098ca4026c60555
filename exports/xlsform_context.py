"""What every step of an XLSForm import shares: the notes being written, the languages
of the form, and how an XLSForm text becomes a Tremplin text.

XLSForm texts may show answers (``Bonjour ${prenom}``) and hold HTML
(``<span style="color:red">``); Tremplin texts do neither, so references are written
« prenom » and tags removed, each with a note.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from builder.messages import register
from exports.notes import Note
from exports.xlsform_expressions import Scope
from exports.xlsform_languages import language_code
from exports.xlsform_sheets import Form, FormRow

_REFERENCE = re.compile(r"\$\{\s*([^}\s]*)\s*\}")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")

register({
    "xlsform.language_unknown": (
        "La langue « {tag} » n'a pas de code à deux lettres connu (écrivez par exemple "
        "« label::Français (fr) ») : ses textes ne sont gardés que là où il n'y en a pas d'autre.",
        "The language \"{tag}\" has no known two-letter code (write for example "
        "\"label::English (en)\"): its texts are only kept where there is no other text."),
    "xlsform.language_kept": (
        "La langue « {tag} » n'a pas de code à deux lettres connu : ses textes sont gardés, sans "
        "langue (Tremplin les montre comme du français).",
        "The language \"{tag}\" has no known two-letter code: its texts are kept, without a language "
        "(Tremplin shows them as French)."),
    "xlsform.label_reference": (
        "Le texte montre la réponse à ${{{name}}} : Tremplin ne montre pas de réponse dans un "
        "texte, « {shown} » est écrit à la place.",
        "The text shows the answer to ${{{name}}}: Tremplin shows no answer inside a text, "
        "\"{shown}\" is written instead."),
    "xlsform.label_html": ("La mise en forme HTML du texte (« {tag} ») est retirée.",
                           "The HTML formatting of the text (\"{tag}\") is removed."),
})


@dataclass
class Languages:
    """The form's languages: the Tremplin code of each XLSForm language tag (None for a
    column without language, which holds the default language's texts) and the codes in
    order (the default first)."""

    codes: dict[str | None, str | None] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    @property
    def single(self) -> bool:
        """One language: texts are written as plain strings."""
        return len(self.order) <= 1

    def text(self, texts: dict[str | None, str] | None) -> Any:
        """A Tremplin text from an XLSForm row's texts by tag: a string, or ``{code: text}``.
        A tagged text wins over the text of a column without language."""
        if not texts:
            return None
        by_code: dict[str | None, str] = {}
        for tag in sorted(texts, key=lambda tag: tag is None):
            code = self.codes.get(tag)
            if texts[tag] and (code or tag is None):
                by_code.setdefault(code, texts[tag])
        if not by_code:  # only languages without a code: keep the first, as the default language's
            by_code = {self.order[0] if self.order else None: next((text for text in texts.values() if text), "")}
        if self.single:
            return next(iter(by_code.values()), None)
        ordered = {code: by_code[code] for code in self.order if code in by_code}
        return ordered or None


class Context:
    """One import: the file's name, its notes, languages and names in scope."""

    def __init__(self, file: str, form: Form):
        self.file, self.form = file, form
        self.notes: list[Note] = []
        self.scope = Scope()
        self.languages = Languages()
        self.default_language = _setting(form, "default_language")

    def note(self, row: FormRow | None, code: str, /, **params: Any) -> None:
        """Record a note at ``row`` (the start of the file when None)."""
        sheet = "" if row is None or row.sheet == "survey" else row.sheet
        self.notes.append(Note(self.file, row.number if row else 1, code, _short(params), sheet))

    def note_at(self, sheet: str, number: int, code: str, /, **params: Any) -> None:
        """Record a note at row ``number`` of ``sheet``."""
        self.notes.append(Note(self.file, number, code, _short(params), "" if sheet == "survey" else sheet))

    def text(self, row: FormRow, key: str) -> Any:
        """The Tremplin text of column ``key`` of ``row`` (references and HTML noted)."""
        texts = self.languages.text(row.texts.get(key))
        if isinstance(texts, dict):
            return {code: self._clean(row, value) for code, value in texts.items()}
        return self._clean(row, texts) if texts else None

    def _clean(self, row: FormRow, text: str) -> str:
        for tag in dict.fromkeys(_TAG.findall(text)):
            self.note(row, "xlsform.label_html", tag=tag)
        text = html.unescape(_TAG.sub("", text)) if _TAG.search(text) else text
        return _REFERENCE.sub(lambda match: self._reference(row, match.group(1)), text).strip()

    def _reference(self, row: FormRow, name: str) -> str:
        info = self.scope.names.get(name)
        shown = info.id if info and info.id else name
        self.note(row, "xlsform.label_reference", name=name, shown=shown)
        return f"« {shown} »"

    def setup_languages(self) -> None:
        """Find the form's languages in its headers and give each a code (noting those
        that have none); texts without language belong to the default language."""
        tags = _language_tags(self.form)
        default = language_code(self.default_language)
        languages = self.languages = Languages()
        unknown = []
        for tag in sorted((tag for tag in tags if tag is not None), key=lambda tag: language_code(tag) != default):
            code = language_code(tag)
            if code is None:
                unknown.append(tag)
            elif code not in languages.order:  # « English » and « english (en) » are one language
                languages.order.append(code)
            languages.codes[tag] = code
        for tag in unknown:
            kept = not languages.order and None not in tags and tag == unknown[0]
            self.note_at("survey", 1, "xlsform.language_kept" if kept else "xlsform.language_unknown", tag=tag)
        if None in tags:
            plain = default or (languages.order[0] if languages.order else None)
            if plain and plain not in languages.order:
                languages.order.insert(0, plain)
            languages.codes[None] = plain


def _language_tags(form: Form) -> list[str | None]:
    """The language tags of the label and hint columns, in the order of the columns."""
    tags: list[str | None] = []
    for sheet in (form.survey, form.choices):
        for column in sheet.columns if sheet else ():
            if column.key in ("label", "hint") and column.lang not in tags:
                tags.append(column.lang)
    return tags


def _setting(form: Form, key: str) -> str | None:
    if form.settings is None or not form.settings.rows:
        return None
    return form.settings.rows[0].get(key) or None


def _short(params: dict[str, Any], limit: int = 120) -> dict[str, Any]:
    """Message parameters with long texts cut (a public key has no place in a message)."""
    return {key: value[:limit - 1] + "…" if isinstance(value, str) and len(value) > limit else value
            for key, value in params.items()}
