"""Forms for what is not a block: a step's title, an outcome's texts, links and source.

Texts go through the same machinery as a block's parameters
(:func:`~builder.editing.forms.param_fields` and
:func:`~builder.editing.forms.form_to_params`): one field per language in a service with
several, and a field left as it was keeps its value exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from blocks.params import Param
from blocks.types.date import parse_date
from builder.editing.forms import FieldSpec, form_to_params, param_fields
from builder.format.model import localize
from builder.messages import Problem, Problems, register

register({
    "editing.link_line": (
        "Ligne {number} : écrivez le texte du lien, une barre « | », puis l'adresse (https://…).",
        "Line {number}: write the link's text, a bar “|”, then the address (https://…)."),
    "editing.source_date": ("Écrivez une date, par exemple 01/09/2026.", "Write a date, for example 01/09/2026."),
    "editing.source_url": ("Donnez aussi l'adresse du texte officiel.", "Give the address of the official text too."),
})


class FieldSet:
    """Parameters that are not a block's, described like a block type's (what
    :mod:`builder.editing.forms` reads: ``all_params()``)."""

    name = ""
    answer_type = "string"
    is_question = True

    def __init__(self, *params: Param, labels: Mapping[str, Any]):
        self.params = params
        self.labels = labels

    def all_params(self) -> tuple[Param, ...]:
        """The parameters, in the order of the form."""
        return self.params

    def fields(self, item: Mapping, languages: tuple[str, ...]) -> list[FieldSpec]:
        """The form's fields, filled from ``item``, with the studio's labels and helps in
        the studio's language."""
        lang = str(get_locale() or "fr")
        return [replace(spec, label=self.labels[spec.name]) for spec in param_fields(self, item, languages, lang)]

    def read(self, formdata: Mapping, item: Mapping, languages: tuple[str, ...]) -> dict:
        """The new values from what was posted (raises Problems, one per field)."""
        return form_to_params(self, formdata, item, languages)


STEP_FIELDS = FieldSet(Param("title", "text", doc="Titre de l'étape."),
                       labels={"title": _l("Titre de l’étape")})
OUTCOME_FIELDS = FieldSet(
    Param("title", "text", required=True, doc="Titre du résultat."),
    Param("amount", "text", doc="Montant."),
    Param("body", "markdown", doc="Explication."),
    labels={"title": _l("Titre du résultat"), "amount": _l("Montant (facultatif), par exemple « 500 € »"),
            "body": _l("Explication affichée sur la page de résultat")})


def languages_of(data: Mapping) -> tuple[str, ...]:
    """The service's languages, the default one first."""
    languages = data.get("languages")
    return tuple(languages) if isinstance(languages, list) and languages else ("fr",)


# --- links: one per line, « Texte du lien | https://… » -------------------------------------

def show_links(links: Any) -> str:
    """An outcome's links as the textarea shows them."""
    lines = []
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict):
            lines.append(f"{localize(link.get('label'), 'fr')} | {link.get('url', '')}")
    return "\n".join(lines)


def read_links(posted: str, current: Any) -> list | None:
    """The links typed in the textarea (the current ones, exactly, when it is unchanged);
    a link whose address is kept keeps what the textarea does not show (its démarche)."""
    if _lines(posted) == _lines(show_links(current)):
        return current if current else None
    kept = {link.get("url"): link for link in current if isinstance(link, dict)} if isinstance(current, list) else {}
    links = []
    for number, line in enumerate(_lines(posted), start=1):
        label, bar, url = line.rpartition("|")
        if not bar or not label.strip() or not url.strip():
            raise Problem("editing.link_line", ("links",), number=number)
        extra = {key: value for key, value in kept.get(url.strip(), {}).items() if key not in ("label", "url")}
        links.append({"label": label.strip(), "url": url.strip(), **extra})
    return links or None


def _lines(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").replace("\r\n", "\n").split("\n") if line.strip()]


# --- the source of a rule: address, name, date checked ---------------------------------------

def show_source(source: Any) -> dict[str, str]:
    """An outcome's source as its three fields show it."""
    source = source if isinstance(source, dict) else {}
    checked = source.get("checked")
    return {"source_url": str(source.get("url") or ""), "source_label": localize(source.get("label"), "fr"),
            "source_checked": checked.strftime("%d/%m/%Y") if isinstance(checked, dt.date) else str(checked or "")}


def read_source(formdata: Mapping, current: Any) -> dict | None:
    """The source from its three fields (the current one, exactly, when unchanged)."""
    posted = {key: str(formdata.get(key, "")).strip() for key in ("source_url", "source_label", "source_checked")}
    if posted == show_source(current):
        return current or None
    if not any(posted.values()):
        return None
    if not posted["source_url"]:
        raise Problem("editing.source_url", ("source_url",))
    source: dict[str, Any] = {"url": posted["source_url"]}
    if posted["source_label"]:
        source["label"] = posted["source_label"]
    if posted["source_checked"]:
        try:
            source["checked"] = parse_date(posted["source_checked"])
        except Problem:
            raise Problem("editing.source_date", ("source_checked",)) from None
    return source


def read_outcome(formdata: Mapping, outcome: Mapping, languages: tuple[str, ...]) -> dict:
    """Every field of the outcome form, read; raises Problems with every mistake."""
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    try:
        fields.update(OUTCOME_FIELDS.read(formdata, outcome, languages))
    except Problems as error:
        problems.extend(error.problems)
    readers = {"links": lambda: read_links(formdata["links"], outcome.get("links")),
               "source": lambda: read_source(formdata, outcome.get("source"))}
    posted = {"links": "links" in formdata, "source": "source_url" in formdata}
    for name, reader in readers.items():
        if not posted[name]:
            continue  # a field missing from the form is left alone
        try:
            fields[name] = reader()
        except Problem as problem:
            problems.append(problem)
    if problems:
        raise Problems(problems)
    return fields
