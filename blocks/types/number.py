"""The ``number`` block: a number within bounds, on a step, with an optional unit."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from wtforms.fields import StringField

from blocks.base import BlockType
from blocks.params import Example, Param
from builder import numbers
from builder.format.model import localize
from builder.messages import Problem, register
from builder.rules.vocabulary import format_number

register({
    "blocks.number_invalid": (
        "Écrivez un nombre en chiffres, par exemple 19 ou 19,5.",
        "Enter a number in digits, for example 19 or 19.5."),
    "blocks.number_too_long": (
        "Écrivez un nombre de {digits} chiffres au plus.",
        "Enter a number of at most {digits} digits."),
    "blocks.number_between": (
        "Écrivez un nombre entre {min} et {max}.",
        "Enter a number between {min_en} and {max_en}."),
    "blocks.number_min": (
        "Écrivez un nombre de {min} ou plus.",
        "Enter a number of {min_en} or more."),
    "blocks.number_max": (
        "Écrivez un nombre de {max} ou moins.",
        "Enter a number of {max_en} or less."),
    "blocks.number_whole": (
        "Écrivez un nombre entier, sans virgule.",
        "Enter a whole number, without decimals."),
    "blocks.number_step": (
        "Écrivez un nombre qui va de {step} en {step}, par exemple {below} ou {above}.",
        "Enter a number in steps of {step_en}, for example {below_en} or {above_en}."),
    "blocks.min_above_max": (
        "Le minimum ({min}) est plus grand que le maximum ({max}) : "
        "aucune réponse ne serait acceptée.",
        "The minimum ({min}) is greater than the maximum ({max}): "
        "no answer could be accepted."),
    "blocks.step_positive": (
        "« step » doit être un nombre plus grand que 0.",
        "“step” must be a number greater than 0."),
})

NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tidy(number: int | float | Decimal) -> int | float:
    """An int when the number is whole, else a float."""
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def both_languages(**numbers: int | float) -> dict[str, str]:
    """Message parameters: each number formatted in French (``x``) and English (``x_en``)."""
    params = {name: format_number(value, "fr") for name, value in numbers.items()}
    params.update({f"{name}_en": format_number(value, "en") for name, value in numbers.items()})
    return params


def parse_number(value: Any, units: tuple[str, ...] = ()) -> int | float:
    """A typed or written number ("19", "19,5", "1 500", "500 €" when € is the unit)."""
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise Problem("blocks.number_invalid")
        if not numbers.in_bounds(value):
            raise Problem("blocks.number_too_long", digits=numbers.MAX_DIGITS)
        return tidy(value)
    if not isinstance(value, str):
        raise Problem("blocks.number_invalid")
    text = value.strip()
    for unit in units:
        if unit and text.lower().endswith(unit.lower()):
            text = text[: -len(unit)]
    text = SPACES.sub("", text)
    if "," in text and "." in text:
        raise Problem("blocks.number_invalid")
    text = text.replace(",", ".")
    if not NUMBER_TEXT.fullmatch(text):
        raise Problem("blocks.number_invalid")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise Problem("blocks.number_invalid") from None
    if not numbers.written_in_bounds(number):  # 4,301 digits would not even print
        raise Problem("blocks.number_too_long", digits=numbers.MAX_DIGITS)
    return tidy(number)


def _units(block: Mapping) -> tuple[str, ...]:
    unit = block.get("unit")
    if isinstance(unit, Mapping):
        return tuple(str(text).strip() for text in unit.values())
    return (unit.strip(),) if isinstance(unit, str) else ()


class NumberBlock(BlockType):
    """A number, such as an age, an amount or a number of people."""

    name = "number"
    label, label_en = "Nombre", "Number"
    answer_type = "number"
    template = "blocks/number.html"
    paper_template = "blocks/paper/number.html"
    field_class = StringField
    params = (
        Param("min", "number", doc="Plus petit nombre accepté.",
              doc_en="The smallest number accepted."),
        Param("max", "number", doc="Plus grand nombre accepté.",
              doc_en="The largest number accepted."),
        Param("step", "number",
              doc="Écart entre deux réponses possibles (1 pour des nombres entiers).",
              doc_en="The gap between two possible answers (1 for whole numbers)."),
        Param("unit", "text", doc="Unité écrite après le nombre, par exemple ans ou €.",
              doc_en="The unit written after the number, for example years or €."),
    )
    examples = (
        Example(block={"id": "age", "label": "Quel âge avez-vous ?", "min": 16, "max": 25,
                       "step": 1, "unit": {"fr": "ans", "en": "years old"}},
                valid=(("19", 19), (19, 19), (" 25 ", 25), ("16 ans", 16), (18.0, 18)),
                invalid=("15", "26", "19,5", "dix-neuf", True, float("nan"))),
        Example(block={"id": "revenus", "label": "Revenus du mois", "min": 0, "unit": "€"},
                valid=(("1 234,50", 1234.5), ("1234.5", 1234.5), ("0", 0), ("800 €", 800),
                       ("999 999 999 999 999", 999_999_999_999_999)),
                invalid=("-5", "1.234,5", "1e3", "1" * 4301, "1" * 16, "0,1234567890123456", 10 ** 16)),
        Example(block={"id": "heures", "label": "Heures par semaine", "max": 35,
                       "step": 0.5},
                valid=(("7,5", 7.5), ("35", 35)), invalid=("7,25", "36")),
    )

    def check_params(self, block: Mapping) -> list[Problem]:
        """``min`` <= ``max`` and ``step`` > 0."""
        problems = []
        low, high, step = block.get("min"), block.get("max"), block.get("step")
        if _is_number(low) and _is_number(high) and low > high:
            problems.append(Problem("blocks.min_above_max", path=("min",),
                                    min=format_number(low), max=format_number(high)))
        if _is_number(step) and step <= 0:
            problems.append(Problem("blocks.step_positive", path=("step",)))
        return problems

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> int | float:
        """The number, an int when whole, checked against min, max and step."""
        number = parse_number(value, _units(block))
        self._check_bounds(block, number)
        self._check_step(block, number)
        return number

    def _check_bounds(self, block: Mapping, number: int | float) -> None:
        low, high = block.get("min"), block.get("max")
        too_low = _is_number(low) and number < low
        too_high = _is_number(high) and number > high
        if not (too_low or too_high):
            return
        if _is_number(low) and _is_number(high):
            raise Problem("blocks.number_between", **both_languages(min=low, max=high))
        if too_low:
            raise Problem("blocks.number_min", **both_languages(min=low))
        raise Problem("blocks.number_max", **both_languages(max=high))

    def _check_step(self, block: Mapping, number: int | float) -> None:
        step = block.get("step")
        if not _is_number(step) or step <= 0:
            return
        base = Decimal(str(block["min"])) if _is_number(block.get("min")) else Decimal(0)
        gap = Decimal(str(step))
        steps = (Decimal(str(number)) - base) / gap
        if steps == steps.to_integral_value():
            return
        if gap == 1 and base == base.to_integral_value():
            raise Problem("blocks.number_whole")
        below = base + math.floor(steps) * gap
        raise Problem("blocks.number_step", **both_languages(
            step=tidy(gap), below=tidy(below), above=tidy(below + gap)))

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """``19``, or ``7,5`` with a decimal comma."""
        if stored is None:
            return None
        return str(stored).replace(".", ",") if isinstance(stored, float) else str(stored)

    def render_kw(self, block: Mapping) -> dict:
        """A numeric keypad; one with a decimal separator when decimals are allowed."""
        step = block.get("step")
        whole = _is_number(step) and float(step).is_integer()
        return {"inputmode": "numeric" if whole else "decimal"}

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """A box for the number, then its unit."""
        return {**super().paper_params(block_id, block, lang, languages),
                "unit": localize(block.get("unit"), lang, languages)}

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """``1 500 €``: the number for the language, then the unit."""
        if value is None:
            return ""
        unit = localize(block.get("unit"), lang)
        text = format_number(value, lang)
        return f"{text}\u00a0{unit}" if unit else text

    def format_csv(self, block: Mapping, value: Any) -> str:
        """``1500.5``: a dot for decimals, no thousands separator, no unit."""
        return "" if value is None else repr(value)
