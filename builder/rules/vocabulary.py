"""The one vocabulary Tremplin says a condition with, French first, English beside.

Three renderers say conditions to people, each in a sentence of its own shape: the
mini-site's « Pourquoi ? » (« Votre âge : 15 ans — il faut : entre 11 et 17 ans ✓ »,
:mod:`builder.rules.requirements`), the studio's summary (« Âge : entre 11 et 17 ans, et
« … » : Oui », :mod:`builder.editing.condition_words`) and the paper version's « si … »
(« si vous avez entre 16 et 25 ans », :mod:`builder.rules.in_words`). The words they share
live here, once: what each comparison reads as (« moins de … », « … ou plus », « entre …
et … », « … cochée »), yes and no, quotes, units with their singular (« 1 an »,
« 15 ans »), numbers (``2 000``, ``2,5``), dates (14/07/2026) and how a list is joined (« A, B ou
C », « ni A, ni B »). A language without its own words gets the French ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from builder import communes

LANGUAGES = ("fr", "en")

# The phrases, each key with its French then its English. The comparisons take the
# value(s) as people read them (« 18 ans », « Étudiant »), as {0} and {1}.
_PHRASES: dict[str, tuple[str, str]] = {
    "==": ("{0}", "{0}"),
    "!=": ("autre chose que {0}", "anything but {0}"),
    "<": ("moins de {0}", "less than {0}"),
    "<=": ("{0} ou moins", "{0} or less"),
    ">": ("plus de {0}", "more than {0}"),
    ">=": ("{0} ou plus", "{0} or more"),
    "between": ("entre {0} et {1}", "between {0} and {1}"),
    "in": ("{0}", "{0}"),
    "not in": ("ni {0}", "neither {0}"),
    "contains": ("{0} cochée", "{0} ticked"),
    "lacks": ("{0} pas cochée", "{0} not ticked"),
    "on": ("le {0}", "{0}"),
    "before": ("avant {0}", "before {0}"),
    "after": ("après {0}", "after {0}"),
    "on_or_before": ("{0} ou avant", "{0} or before"),
    "on_or_after": ("{0} ou après", "{0} or after"),
    "answered": ("{0} a une réponse", "{0} has an answer"),
    "unanswered": ("{0} n'a pas de réponse", "{0} has no answer"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "always": ("toujours", "always"),
    "never": ("jamais", "never"),
    "today": ("aujourd'hui", "today"),
    "age": ("Âge", "Age"),
    "your_age": ("Votre âge", "Your age"),
    "labelled": ("{0} : {1}", "{0}: {1}"),
    "quoted": ("« {0} »", "“{0}”"),
}
# How a list is joined: (between the first items, before the last).
_JOINS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "and": ((", ", " et "), (", ", " and ")),
    "or": ((", ", " ou "), (", ", " or ")),
    "nor": ((", ni ", ", ni "), (", ", " nor ")),
}
# Units with their singular: (singular, plural) in each language.
_UNITS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "years": (("an", "ans"), ("year", "years")),
    "years_old": (("an", "ans"), ("year old", "years old")),
    "answers": (("réponse", "réponses"), ("answer", "answers")),
}
# Comparisons of dates, said with « avant » and « après » rather than « moins de ».
# Where a commune lies (``region(commune) == "53"``): the territory, then the commune in it or not.
TERRITORIES = ("departement", "region", "epci")
_TERRITORY_PHRASES: dict[str, tuple[str, str]] = {
    "departement": ("du département {0}", "the département {0}"),
    "region": ("de la région {0}", "the region {0}"),
    "epci": ("de l'intercommunalité {0}", "the intercommunality {0}"),
    "inside": ("une commune {0}", "a commune in {0}"),
    "outside": ("une commune hors {0}", "a commune outside {0}"),
}
_DATE_PHRASES = {"<": "before", "<=": "on_or_before", ">": "after", ">=": "on_or_after"}
# The numbers written with a singular unit: « 0 an », « 1 an »; “1 year”.
_SINGULAR = (("0", "1"), ("1",))


def _index(lang: str) -> int:
    return LANGUAGES.index(lang) if lang in LANGUAGES else 0


def phrase(key: str, lang: str = "fr") -> str:
    """One phrase (a template for comparisons) in ``lang``: ``phrase("<")`` is « moins de {0} »."""
    return _PHRASES[key][_index(lang)]


def phrases(lang: str = "fr") -> Mapping[str, str]:
    """Every phrase of ``lang``, by key (to check a text uses no other words)."""
    index = _index(lang)
    return {key: pair[index] for key, pair in _PHRASES.items()}


def said(key: str, lang: str = "fr", *values: str) -> str:
    """A phrase filled in: ``said(">=", "fr", "18 ans")`` is « 18 ans ou plus »."""
    return phrase(key, lang).format(*values)


def quoted(text: Any, lang: str = "fr") -> str:
    """A label or a text between the quotes of ``lang``: « Étudiant », “Student”."""
    return said("quoted", lang, str(text))


def yes_no(value: bool, lang: str = "fr") -> str:
    """« Oui » or « Non »."""
    return phrase("yes" if value else "no", lang)


def joined(items: Iterable[str], how: str, lang: str = "fr") -> str:
    """Items joined by « et » (``and``), « ou » (``or``) or « ni » (``nor``):
    « A, B ou C », « A, ni B »; the « ni » before the first item is the phrase's own."""
    items = list(items)
    between, last = _JOINS[how][_index(lang)]
    if len(items) < 2:
        return "".join(items)
    return between.join(items[:-1]) + last + items[-1]


def between(first: str, last: str, lang: str = "fr") -> str:
    """« entre 16 et 25 ans » from « 16 ans » and « 25 ans »: a unit both ends share is
    written once, at the end."""
    head, space, unit = first.rpartition("\u00a0")
    if space and head and unit and not unit[0].isdigit() and last.endswith(space + unit):
        first = head
    return said("between", lang, first, last)


def date_compared(op: str, lang: str = "fr", *dates: str) -> str:
    """A comparison of dates already written: « avant le 01/09/2026 », « le 01/09/2026 ou
    après », « entre le … et le … », « le … » for ``==``; « aujourd'hui » stays as it is."""
    days = [date if date == phrase("today", lang) else said("on", lang, date) for date in dates]
    return said(_DATE_PHRASES.get(op, op), lang, *days)


def is_iso_date(value: Any) -> bool:
    """Whether a constant is a date as format 1 writes one (``"2026-09-01"``)."""
    try:
        return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def conjunction(how: str, lang: str = "fr") -> str:
    """The word before the last item of a list, spaces around: « et », « ou », « , ni »."""
    return _JOINS[how][_index(lang)][1]


def in_territory(kind: str, codes: Iterable[Any], inside: bool, lang: str = "fr") -> str:
    """« une commune de la région Bretagne », « une commune hors du département Ain (01) »:
    what ``departement|region|epci(commune) == code`` asks, by the territories' names."""
    def name(code: Any) -> str:
        found = communes.name_of(kind, str(code))
        return (f"{found} ({code})" if kind == "departement" else found) if found else str(code)

    index = _index(lang)
    names = joined([name(code) for code in codes], "or" if inside else "and", lang)
    where = _TERRITORY_PHRASES[kind][index].format(names)
    return _TERRITORY_PHRASES["inside" if inside else "outside"][index].format(where)


def format_number(value: int | float, lang: str = "fr") -> str:
    """A number as people write it: ``1 500,5`` in French (no-break space, decimal
    comma), ``1,500.5`` in English; ``18`` rather than ``18.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"
    return text.replace(",", "\u00a0").replace(".", ",") if _index(lang) == 0 else text


def format_date(day: dt.date) -> str:
    """A date as people write it, and as they type it in a date question: 14/07/2026
    (in English too: the form asks for the day first)."""
    return day.strftime("%d/%m/%Y")


def with_unit(number: str, unit: str, lang: str = "fr") -> str:
    """A number already written (``18``) and its unit, « ans » or « réponses » in the
    singular for one (« 1 an »), or any other unit written as is (« 2 000 € »)."""
    if unit not in _UNITS:
        return f"{number}\u00a0{unit}" if unit else number
    singular, plural = _UNITS[unit][_index(lang)]
    return f"{number}\u00a0{singular if number in _SINGULAR[_index(lang)] else plural}"


def years_text(years: Any, lang: str = "fr") -> str:
    """« 15 ans », « 1 an » / “15 years”."""
    return with_unit(format_number(years, lang), "years", lang)


def labelled(label: str, value: str, lang: str = "fr") -> str:
    """« Votre situation : Étudiant » / “Your situation: Student”."""
    return said("labelled", lang, label, value)
