"""An XLSForm ``constraint`` as the parameters of a Tremplin block.

Tremplin has no free-form rule on an answer; its blocks have bounds instead. A constraint
is split on its top-level ``and``; each part that is a bound becomes a parameter:

- number: ``. >= 0``, ``. <= 120``, ``. > 17`` (for whole numbers) → ``min`` / ``max``;
- date: ``. <= today()``, ``. >= date('2020-01-01')`` → ``min`` / ``max``;
- text: ``string-length(.) <= 60`` → ``max_length``, ``regex(., '^[0-9]{5}$')`` → ``pattern``,
  ``string-length(.) >= 2`` or ``= 10`` → a ``pattern`` too;
- several choices: ``count-selected(.) <= 3`` → ``max_choices`` (``>=`` → ``min_choices``).

``.`` and ``${own_name}`` both mean the answer. Every other part is returned with the
reason it was left out, for the importer to report with the row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from builder.messages import register
from exports import xpath
from exports.xlsform_expressions import Reason, Scope, Untranslatable

ANCHORED = re.compile(r"\^(?P<inner>.*)(?<!\\)\$", re.DOTALL)
BOUND_PARAMS = {"number": ("min", "max"), "date": ("min", "max"), "text": (None, "max_length"),
                "textarea": (None, "max_length"), "choices": ("min_choices", "max_choices")}

register({
    "xlsform.why_bound": ("« {part} » n'est pas une limite simple de la réponse",
                          "\"{part}\" is not a simple bound on the answer"),
    "xlsform.why_strict": ("« {part} » : une limite stricte (< ou >) ne s'écrit que sur des nombres entiers",
                           "\"{part}\": a strict bound (< or >) can only be kept on whole numbers"),
    "xlsform.why_regex": ("le motif « {pattern} » n'est pas une expression régulière que Tremplin comprend",
                          "the pattern \"{pattern}\" is not a regular expression Tremplin understands"),
    "xlsform.why_conflict": ("les limites se contredisent ({low} est plus grand que {high})",
                             "the bounds contradict each other ({low} is above {high})"),
})


@dataclass
class Translated:
    """The parameters a constraint gives a block, and the parts left out with their reason."""

    params: dict[str, Any] = field(default_factory=dict)
    left_out: list[tuple[str, Reason]] = field(default_factory=list)


def constraint_params(source: str, block_type: str, scope: Scope, whole: bool) -> Translated:
    """The block parameters of ``source`` for a block of ``block_type`` (``whole``: a
    number block of whole numbers); ``scope.current`` is the question itself."""
    result = Translated()
    try:
        parts = _conjuncts(xpath.parse(source))
    except xpath.XPathSyntax as error:
        result.left_out.append((source, Reason("xlsform.why_syntax", detail=error.detail)))
        return result
    bounds: list[tuple[str, Any]] = []
    for part in parts:
        try:
            bounds.extend(_Bound(scope, block_type, whole).read(part))
        except Untranslatable as error:
            result.left_out.append((xpath.dump(part), error.reason))
    _merge(bounds, block_type, result)
    _length_as_pattern(result.params)
    return result


def _conjuncts(node: xpath.Node) -> list[xpath.Node]:
    if node[0] == "op" and node[1] == "and":
        return _conjuncts(node[2]) + _conjuncts(node[3])
    return [node]


def _merge(bounds: list[tuple[str, Any]], block_type: str, result: Translated) -> None:
    """The tightest of each bound, unless low and high contradict each other."""
    for key, value in bounds:
        if key in result.params and key.startswith(("min", "max")) and key != "max_length":
            keep = max if key.startswith("min") else min
            value = keep(result.params[key], value, key=_order)
        elif key == "max_length" and key in result.params:
            value = min(result.params[key], value)
        result.params[key] = value
    low_key, high_key = BOUND_PARAMS.get(block_type, (None, None))
    low, high = result.params.get(low_key), result.params.get(high_key)
    if low is not None and high is not None and _order(low) > _order(high):
        result.left_out.append(("", Reason("xlsform.why_conflict", low=str(low), high=str(high))))
        del result.params[low_key], result.params[high_key]


def _length_as_pattern(params: dict[str, Any]) -> None:
    """A least or exact length (``string-length(.) >= 3``, ``= 10``) as a ``pattern``,
    joined to the pattern already there by a look-ahead (written so that JavaScript and
    Java read it too, for an export)."""
    least, exact = params.pop("min_length", None), params.pop("exact_length", None)
    if least is None and exact is None:
        return
    length = f"[\\s\\S]{{{exact}}}" if exact is not None else f"[\\s\\S]{{{least},}}"
    params["pattern"] = length if "pattern" not in params else f"(?={length}$)(?:{params['pattern']})"


def _order(value: Any) -> Any:
    if value == "today":
        return dt.date.today()
    return value


class _Bound:
    """Reads one part of a constraint as bounds of the answer."""

    def __init__(self, scope: Scope, block_type: str, whole: bool):
        self.scope, self.block_type, self.whole = scope, block_type, whole

    def read(self, node: xpath.Node) -> list[tuple[str, Any]]:
        if node[0] == "call" and node[1] == "regex" and self.block_type == "text":
            return [("pattern", self._regex(node))]
        if node[0] == "op" and node[1] in ("<", "<=", ">", ">=", "="):
            op, left, right = node[1], node[2], node[3]
            if self._is_answer(right) or self._is_measure(right):
                op, left, right = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}[op], right, left
            return [self._compare(op, left, right, node)]
        raise Untranslatable("xlsform.why_bound", part=xpath.dump(node))

    def _is_answer(self, node: xpath.Node) -> bool:
        if node[0] == "self":
            return True
        if node[0] in ("ref", "path") and self.scope.current is not None:
            name = node[1] if node[0] == "ref" else node[1].rsplit("/", 1)[-1]
            return self.scope.names.get(name) == self.scope.current
        return False

    def _is_measure(self, node: xpath.Node) -> bool:
        return node[0] == "call" and node[1] in ("string-length", "count-selected") and len(node[2]) == 1 \
            and self._is_answer(node[2][0])

    def _compare(self, op: str, left: xpath.Node, right: xpath.Node, whole: xpath.Node) -> tuple[str, Any]:
        part = xpath.dump(whole)
        if self._is_measure(left):
            kind = "length" if left[1] == "string-length" else "count"
        elif self._is_answer(left):
            kind = "answer"
        else:
            raise Untranslatable("xlsform.why_bound", part=part)
        key = self._key(kind, op, part)
        return key, self._value(kind, op, right, part)

    def _key(self, kind: str, op: str, part: str) -> str:
        expected = {"length": ("text", "textarea"), "count": ("choices",),
                    "answer": ("number", "date")}[kind]
        at_least = op in (">", ">=", "=")
        if self.block_type not in expected or (op == "=" and kind != "length") \
                or (kind == "length" and at_least and self.block_type != "text"):
            raise Untranslatable("xlsform.why_bound", part=part)
        if kind == "length" and at_least:  # kept as a pattern, which only text blocks have
            return "exact_length" if op == "=" else "min_length"
        low, high = BOUND_PARAMS[self.block_type]
        return low if at_least else high

    def _value(self, kind: str, op: str, node: xpath.Node, part: str) -> Any:
        strict = op in ("<", ">")
        if self.block_type == "date":
            return self._date(node, op, part)
        if node[0] != "num" and not (node[0] == "neg" and node[1][0] == "num"):
            raise Untranslatable("xlsform.why_bound", part=part)
        value = node[1] if node[0] == "num" else -node[1][1]
        whole = kind != "answer" or self.whole
        if strict and not (whole and float(value).is_integer()):
            raise Untranslatable("xlsform.why_strict", part=part)
        value += (1 if op == ">" else -1) if strict else 0
        return int(value) if float(value).is_integer() else float(value)

    def _date(self, node: xpath.Node, op: str, part: str) -> Any:
        if node == ("call", "today", ()):
            if op in ("<", ">"):
                raise Untranslatable("xlsform.why_strict", part=part)
            return "today"
        if node[0] == "call" and node[1] == "date" and len(node[2]) == 1:
            node = node[2][0]
        try:
            day = dt.date.fromisoformat(node[1].strip()) if node[0] == "str" else None
        except ValueError:
            day = None
        if day is None:
            raise Untranslatable("xlsform.why_bound", part=part)
        shift = {"<": -1, ">": 1}.get(op, 0)
        return day + dt.timedelta(days=shift)

    def _regex(self, node: xpath.Node) -> str:
        arguments = node[2]
        if len(arguments) != 2 or not self._is_answer(arguments[0]) or arguments[1][0] != "str":
            raise Untranslatable("xlsform.why_bound", part=xpath.dump(node))
        return full_match_pattern(arguments[1][1])


def full_match_pattern(pattern: str) -> str:
    """An XLSForm ``regex()`` (true when the pattern is found anywhere) as a Tremplin
    ``pattern`` (which the whole answer must match): ``^…$`` loses its anchors, an end
    without anchor gets ``.*``. Raises Untranslatable when Python cannot read it."""
    anchored = ANCHORED.fullmatch(pattern)
    if anchored:
        result = anchored.group("inner")
    else:
        body, prefix, suffix = pattern, "[\\s\\S]*", "[\\s\\S]*"
        if body.startswith("^"):
            body, prefix = body[1:], ""
        if body.endswith("$") and not body.endswith("\\$"):
            body, suffix = body[:-1], ""
        result = f"{prefix}(?:{body}){suffix}"
    try:
        re.compile(result)
    except (re.error, RecursionError, OverflowError):
        raise Untranslatable("xlsform.why_regex", pattern=pattern) from None
    return result
