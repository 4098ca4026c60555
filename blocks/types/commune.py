"""The ``commune`` block: the person types a postcode or a name and chooses their commune.

Without JavaScript it takes two sendings of the page: the first sends what was typed
(under ``<id>-recherche``); when it names one commune, that is the answer, else the page
comes back with the matching communes as radio buttons (under ``<id>``). With htmx the
same happens as the person types. The answer is the commune's INSEE code (``"75056"``),
which expressions read with ``departement(c)``, ``region(c)`` and ``epci(c)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from wtforms.fields import StringField
from wtforms.utils import unset_value

from blocks.base import BlockType
from blocks.params import Example
from builder import communes
from builder.messages import Problem, register, render

register({
    "blocks.commune_none": (
        "Aucune commune ne correspond à « {text} » : vérifiez le code postal ou le nom.",
        "No commune matches “{text}”: check the postcode or the name."),
    "blocks.commune_choose": (
        "Plusieurs communes correspondent à « {text} » : choisissez la vôtre dans la liste.",
        "Several communes match “{text}”: choose yours from the list."),
    "blocks.commune_code": (
        "Écrivez le code INSEE d'une commune, par exemple 75056 pour Paris.",
        "Enter the INSEE code of a commune, for example 75056 for Paris."),
    "blocks.commune_search": ("Rechercher", "Search"),
    "blocks.commune_list": ("Les communes qui correspondent", "The matching communes"),
    "blocks.commune_more": (
        "Seules les {count} premières sont montrées : précisez votre recherche.",
        "Only the first {count} are shown: make your search more precise."),
    "blocks.paper_commune_name": ("nom de la commune", "name of the commune"),
    "blocks.paper_postcode": ("code postal", "postcode"),
})
SEARCH = "recherche"  # the key of a search in a posted value, and the suffix of its field


class CommuneField(StringField):
    """A search box and the radio buttons of the communes it found.

    ``data`` is the chosen INSEE code, or ``{"recherche": text}`` when a search was sent
    without a choice among what it found (or with a choice it no longer finds)."""

    def __init__(self, *args: Any, texts: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.texts, self.search, self.limit = dict(texts or {}), "", communes.SEARCH_LIMIT

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Read the choice and the search typed beside it."""
        super().process(formdata, data, extra_filters)
        if formdata is None:
            return
        self.search = (formdata.get(f"{self.name}-{SEARCH}") or "").strip()
        chosen = communes.find(self.data)
        if self.search and not (chosen and communes.matches(chosen, self.search)):
            self.data = {SEARCH: self.search}

    def candidates(self) -> list[communes.Commune]:
        """The communes to offer: those the search finds, else the one chosen."""
        if self.search:
            return communes.search(self.search)
        chosen = communes.find(self.data)
        return [chosen] if chosen else []

    def box_value(self) -> str:
        """What the search box shows: what was typed, else the chosen commune's name."""
        chosen = communes.find(self.data)
        return self.search or (chosen.name if chosen else "")


class CommuneBlock(BlockType):
    """A French commune, found by its postcode or its name; the answer is its INSEE code."""

    name = "commune"
    label, label_en = "Commune", "Commune"
    answer_type = "string"
    template = "blocks/commune.html"
    field_class = CommuneField
    required_code = "blocks.required_choice"
    check_trigger = "change, input delay:500ms"
    paper_template = "blocks/paper/commune.html"
    xlsform = {"constraint": "regex(., '^([0-9]{2}|2[AB])[0-9]{3}$')", "constraint_message": "blocks.commune_code"}
    starter = {"label": "Dans quelle commune habitez-vous ?",
               "hint": "Écrivez votre code postal ou le nom de votre commune."}
    examples = (
        Example(block={"id": "commune", "label": "Votre commune"},
                valid=(("75056", "75056"), (" 2a004 ", "2A004"), ({SEARCH: "75020"}, "75056"),
                       ({SEARCH: "Ajaccio"}, "2A004"), ({SEARCH: "69001"}, "69123")),
                invalid=("99999", {SEARCH: "Saint-Martin"}, {SEARCH: "Xyzzy"}, 75056)),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The INSEE code of the commune chosen, or of the only commune a search finds."""
        if isinstance(value, Mapping):
            return self._only(str(value.get(SEARCH, "")))
        if not isinstance(value, str):
            raise Problem("blocks.commune_code")
        code = value.strip().upper()
        return code if communes.find(code) else self._only(value)

    def _only(self, text: str) -> str:
        found = communes.search(text, limit=2)
        if not found:
            raise Problem("blocks.commune_none", text=text.strip())
        exact = [commune for commune in found if communes.is_exact(commune, text)]
        if len(found) > 1 and len(exact) != 1:
            raise Problem("blocks.commune_choose", text=text.strip())
        return (exact or found)[0].code

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """The field's own words, in the page's language."""
        words = "fr" if lang == "fr" else "en"
        return {"texts": {key: render(f"blocks.commune_{key}", words, count=communes.SEARCH_LIMIT)
                          for key in ("search", "list", "more")}}

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """A box for the commune's name, and one per digit of its postcode, each named."""
        return {**super().paper_params(block_id, block, lang, languages), "postcode_digits": 5,
                "name": render("blocks.paper_commune_name", lang), "postcode": render("blocks.paper_postcode", lang)}

    def format_prefill(self, block: Mapping, value: Any) -> Any:
        """``[postcode, INSEE code]``, as a démarche's commune field takes it."""
        found = communes.find(value)
        return [found.postcodes[0] if found and found.postcodes else "", str(value)]

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """``Paris (75)``: the name and the département."""
        found = communes.find(value)
        return "" if value is None else f"{found.name} ({found.departement})" if found else str(value)
