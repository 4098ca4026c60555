"""Generated examples (personas) for an Aides Jeunes import: for each outcome, a person
whose answers make it apply.

For each way the outcome can apply (its general conditions and one of its profiles), the
questions are answered in order, each with the first candidate value that leaves none of
those conditions false (candidates come from the conditions themselves: the codes they
name, the numbers they compare to). The outcomes each persona gets are then computed by
Tremplin's engine and written as what the example expects.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any, Iterator

from builder import communes
from builder.rules.conditions import parse_condition
from builder.rules.expressions import parse

AGES = (18, 20, 16, 25, 17, 19, 21, 22, 23, 24, 15, 26, 27, 28, 29, 30, 14, 13, 12, 11, 31, 35, 40, 50, 65, 10)
DEFAULT_COMMUNES = ("75056", "69123", "13055", "97411")
NUMBERS = {"parts_fiscales": (1, 2, 3), "taux_incapacite": (0, 50, 80, 100)}
LITERAL = re.compile(r'"([^"]*)"|(?<![\w.])(\d+(?:\.\d+)?)')


@cache
def _first_communes() -> dict[tuple[str, str], str]:
    """The first commune (by code) of each département, région and EPCI."""
    first: dict[tuple[str, str], str] = {}
    for code in sorted(communes.table().communes):
        commune = communes.table().communes[code]
        for kind in ("departement", "region", "epci"):
            first.setdefault((kind, getattr(commune, kind)), code)
    return first


def _expressions(condition: Any) -> Iterator[str]:
    """The expressions of a condition (a tree of all:/any:/not: or one expression)."""
    if isinstance(condition, dict):
        for value in condition.values():
            yield from _expressions(value)
    elif isinstance(condition, list):
        for item in condition:
            yield from _expressions(item)
    elif isinstance(condition, str):
        yield condition


def _literals(leaves: list[Any]) -> tuple[list[str], list[float]]:
    texts, numbers = [], []
    for expression in _expressions(leaves):
        for text, number in LITERAL.findall(expression):
            if number:
                numbers.append(float(number))
            else:
                texts.append(text)
    return texts, numbers


def _birth(today: dt.date, age: int) -> str:
    return dt.date(today.year - age, today.month, 1).isoformat()


def candidates(block: dict, leaves: list[Any], today: dt.date) -> Iterator[Any]:
    """The values to try for ``block``, the likeliest first."""
    texts, numbers = _literals(leaves)
    kind = block["type"]
    if kind == "date":
        yield from (_birth(today, age) for age in AGES)
    elif kind == "commune":
        first = _first_communes()
        for text in texts:
            if communes.find(text):
                yield text
            for place in ("departement", "region", "epci"):
                if (place, text) in first:
                    yield first[(place, text)]
        yield from DEFAULT_COMMUNES
    elif kind == "choice":
        yield from (option["value"] for option in block["options"])
    elif kind == "yesno":
        yield from (True, False)
    elif kind == "number":
        yield from NUMBERS.get(block["id"], (0, 1, 2, 3))
        for number in sorted(set(numbers)):
            yield from (int(number), int(number) + 1, int(number + 1) * 12, int(number) * 12 - 1)


class Solver:
    """Finds answers that make a list of expressions true, question by question."""

    def __init__(self, blocks: list[dict], computed: dict[str, str], today: dt.date):
        self.blocks, self.today = blocks, today
        self.computed = {name: parse(source) for name, source in computed.items()}
        self.shown = {block["id"]: parse(block["show_if"]) for block in blocks if "show_if" in block}

    def env(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers and the computed values, as the rules read them."""
        env = {"$today": self.today, **answers}
        for name, expression in self.computed.items():
            env[name] = expression.evaluate(env)
        return env

    def solve(self, leaves: list[Any]) -> dict[str, Any] | None:
        """Answers under which every leaf is true, or None when none were found."""
        parsed = [parse_condition(leaf) for leaf in leaves]
        answers: dict[str, Any] = {}
        for block in self.blocks:
            shown = self.shown.get(block["id"])
            if shown is not None and shown.evaluate(self.env(answers)) is not True:
                continue
            for value in candidates(block, leaves, self.today):
                env = self.env({**answers, block["id"]: value})
                if all(expression.evaluate(env) is not False for expression in parsed):
                    answers[block["id"]] = value
                    break
            else:
                return None
        env = self.env(answers)
        return answers if all(expression.evaluate(env) is True for expression in parsed) else None
