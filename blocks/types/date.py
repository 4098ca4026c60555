"""The ``date`` block: a day, written the French way or as YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from wtforms.fields import StringField

from blocks.base import BlockType
from blocks.params import Example, Param, is_date_bound
from blocks.types.text import autocomplete_param
from builder.format.model import localize
from builder.messages import Problem, register, render
from builder.rules.vocabulary import format_date

register({
    "blocks.date_format": (
        "La date doit être au format JJ MM AAAA, par exemple 14 07 2006.",
        "The date must be written DD MM YYYY, for example 14 07 2006."),
    "blocks.date_unreal": (
        "Cette date n'existe pas : vérifiez le jour et le mois.",
        "This date does not exist: check the day and the month."),
    "blocks.date_between": (
        "La date doit être entre le {min} et le {max}.",
        "The date must be between {min} and {max}."),
    "blocks.date_min": (
        "La date doit être le {min} ou après.",
        "The date must be on or after {min}."),
    "blocks.date_max": (
        "La date doit être le {max} ou avant.",
        "The date must be on or before {max}."),
    "blocks.date_past": (
        "La date ne peut pas être dans le passé.",
        "The date cannot be in the past."),
    "blocks.date_future": (
        "La date ne peut pas être dans le futur.",
        "The date cannot be in the future."),
    "blocks.date_hint": ("Par exemple : 14 07 2006", "For example: 14 07 2006"),
    "blocks.paper_day": ("jour", "day"),
    "blocks.paper_month": ("mois", "month"),
    "blocks.paper_year": ("année", "year"),
})

ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FRENCH = re.compile(r"(\d{1,2})[\s\u00a0/.\-]+(\d{1,2})[\s\u00a0/.\-]+([1-9]\d{3})")
COMPACT = re.compile(r"(\d{2})(\d{2})([1-9]\d{3})")  # 14072006, from a numeric keypad


def parse_date(value: Any) -> dt.date:
    """A typed date, or text written ``14 07 2006``, ``14/07/2006``, ``14072006``
    or ``2006-07-14``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise Problem("blocks.date_format")
    text = value.strip()
    if match := ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := FRENCH.fullmatch(text) or COMPACT.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise Problem("blocks.date_format")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Problem("blocks.date_unreal") from None


def resolve_bound(bound: Any, today: dt.date | None) -> dt.date | None:
    """A ``min``/``max`` as a date (``today`` resolved), or None when absent or invalid."""
    if not is_date_bound(bound):
        return None
    if bound == "today":
        return today or dt.date.today()
    return bound if isinstance(bound, dt.date) else dt.date.fromisoformat(bound)


class DateBlock(BlockType):
    """A date, such as a date of birth or the day of an appointment."""

    name = "date"
    label, label_en = "Date", "Date"
    answer_type = "date"
    template = "blocks/date.html"
    paper_template = "blocks/paper/date.html"
    field_class = StringField
    params = (
        Param("min", "date_bound",
              doc="Date la plus ancienne acceptée (AAAA-MM-JJ, ou today pour aujourd'hui).",
              doc_en="The earliest date accepted (YYYY-MM-DD, or today)."),
        Param("max", "date_bound",
              doc="Date la plus récente acceptée (AAAA-MM-JJ, ou today pour aujourd'hui).",
              doc_en="The latest date accepted (YYYY-MM-DD, or today)."),
        autocomplete_param(),
    )
    examples = (
        Example(block={"id": "date_naissance", "label": "Votre date de naissance",
                       "max": "today"},
                today=dt.date(2026, 9, 1),
                valid=(("14 07 2006", dt.date(2006, 7, 14)),
                       ("14/07/2006", dt.date(2006, 7, 14)),
                       ("2006-07-14", dt.date(2006, 7, 14)),
                       ("1/2/2003", dt.date(2003, 2, 1)),
                       ("14072006", dt.date(2006, 7, 14)),
                       (dt.date(2007, 3, 2), dt.date(2007, 3, 2)),
                       ("01 09 2026", dt.date(2026, 9, 1))),
                invalid=("31 02 2006", "14 07 06", "14 juillet 2006", "02 09 2026", 2006)),
        Example(block={"id": "rdv", "label": "Date du rendez-vous",
                       "min": "2026-09-01", "max": dt.date(2026, 12, 31)},
                valid=(("2026-09-01", dt.date(2026, 9, 1)), ("31.12.2026", dt.date(2026, 12, 31))),
                invalid=("31 08 2026", "01 01 2027")),
    )

    def check_params(self, block: Mapping) -> list[Problem]:
        """``min`` <= ``max`` when both are fixed dates."""
        low, high = block.get("min"), block.get("max")
        if "today" in (low, high):
            return []
        low, high = resolve_bound(low, None), resolve_bound(high, None)
        if low and high and low > high:
            return [Problem("blocks.min_above_max", path=("min",),
                            min=format_date(low), max=format_date(high))]
        return []

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> dt.date:
        """The date, checked against ``min`` and ``max``."""
        day = parse_date(value)
        low = resolve_bound(block.get("min"), today)
        high = resolve_bound(block.get("max"), today)
        if (low and day < low) or (high and day > high):
            raise self._out_of_range(block, low, high)
        return day

    def _out_of_range(self, block: Mapping, low: dt.date | None,
                      high: dt.date | None) -> Problem:
        if low and high:
            return Problem("blocks.date_between", min=format_date(low), max=format_date(high))
        if low:
            if block.get("min") == "today":
                return Problem("blocks.date_past")
            return Problem("blocks.date_min", min=format_date(low))
        if block.get("max") == "today":
            return Problem("blocks.date_future")
        return Problem("blocks.date_max", max=format_date(high))

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """``2006-07-14`` as the field shows it: ``14/07/2006``."""
        day = self.value_from_json(block, stored)
        return format_date(day) if isinstance(day, dt.date) else stored

    def value_from_json(self, block: Mapping, stored: Any) -> Any:
        """``"2006-07-14"`` as a date (kept as stored when it is not one)."""
        if not isinstance(stored, str):
            return stored
        try:
            return dt.date.fromisoformat(stored)
        except ValueError:
            return stored

    def description(self, block: Mapping, lang: str, languages: tuple) -> str:
        """The block's hint, or an example of the expected format."""
        hint = localize(block.get("hint"), lang, languages)
        return hint or render("blocks.date_hint", lang)

    def render_kw(self, block: Mapping) -> dict:
        """A numeric keypad (``14072006`` is accepted) and the block's autocomplete."""
        return {**super().render_kw(block), "inputmode": "numeric"}

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """Boxes for the day (2 digits), the month (2) and the year (4), each named."""
        parts = [(render(f"blocks.paper_{part}", lang), digits)
                 for part, digits in (("day", 2), ("month", 2), ("year", 4))]
        return {**super().paper_params(block_id, block, lang, languages), "parts": parts}

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """``14/07/2006``."""
        return "" if value is None else format_date(value)

    def format_csv(self, block: Mapping, value: Any) -> str:
        """``2006-07-14``."""
        return "" if value is None else value.isoformat()

    def format_json(self, block: Mapping, value: Any) -> Any:
        """``"2006-07-14"``."""
        return None if value is None else value.isoformat()
