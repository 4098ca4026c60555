"""Tremplin conditions and expressions written as XLSForm expressions (XPath with ``${name}``).

The inverse of :mod:`exports.xlsform_expressions`: ``age >= 18 and statut == "apprenti"``
becomes ``${age} >= 18 and ${statut} = 'apprenti'``. Each name has a kind (``yesno``,
``choice``…), because XLSForm stores every answer as text: a yes/no answer is
``${x} = 'yes'``, ``"a" in langues`` is ``selected(${langues}, 'a')``, a date is compared
with ``date('2008-01-01')``, ``years_since(d)`` is the exact age
``int((format-date(today(), '%Y%m%d') - format-date(${d}, '%Y%m%d')) div 10000)``.
Choice values are written with the names the export gives them (``values``).
:class:`NotWritable` says what has no XLSForm equivalent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from builder import communes
from builder.messages import register
from builder.rules import conditions, nodes
from exports.xlsform_expressions import Reason

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OPERATORS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
             "+": "+", "-": "-", "*": "*", "/": "div"}

register({
    "xlsform.why_epci": ("l'EPCI d'une commune (epci()) ne se calcule pas dans un XLSForm",
                         "a commune's EPCI (epci()) cannot be computed in an XLSForm"),
    "xlsform.why_list": ("une liste écrite ne s'écrit pas seule dans un XLSForm",
                         "a written list cannot stand alone in an XLSForm"),
    "xlsform.why_list_compare": ("XLSForm ne compare pas deux listes de réponses",
                                 "XLSForm does not compare two lists of answers"),
})


def _departement(code: str) -> str:
    """The département of an INSEE code: its first two signs, three overseas (97…)."""
    return f"if(substr({code}, 0, 2) = '97', substr({code}, 0, 3), substr({code}, 0, 2))"


def _region(code: str) -> str:
    """The région of an INSEE code, from its département (one ``if`` per région)."""
    by_region: dict[str, list[str]] = {}
    for departement, region in sorted(communes.departements().items()):
        by_region.setdefault(region, []).append(departement)
    written = "''"
    for region, departements in sorted(by_region.items(), reverse=True):
        written = f"if(selected('{' '.join(departements)}', {_departement(code)}), '{region}', {written})"
    return written


def _epci(code: str) -> str:
    raise NotWritable("xlsform.why_epci")


TERRITORIES = {"departement": _departement, "region": _region, "epci": _epci}


class NotWritable(Exception):
    """A Tremplin expression with no XLSForm equivalent; ``reason`` says why."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.reason = Reason(code, **params)


@dataclass
class Names:
    """What the writer knows of the service: the kind of each name (a block type's
    answer kind, or ``bool``/``number`` for a computed value) and, per choice question,
    the XLSForm name of each option value, and the names that had to change."""

    kinds: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, str]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # ids XLSForm reserves (``meta``)

    def reference(self, name: str) -> str:
        """``${name}``, with the name the workbook gives it."""
        return f"${{{self.renamed.get(name, name)}}}"


def write_condition(condition: Any, names: Names) -> str:
    """A compiled condition (:mod:`builder.rules.conditions`) as an XLSForm condition."""
    if isinstance(condition, conditions.Leaf):
        return _Writer(names).condition(condition.expression.root)
    if isinstance(condition, conditions.Constant):
        return "true()" if condition.value else "false()"
    if isinstance(condition, conditions.Group):
        joiner = " and " if condition.kind == "all" else " or "
        return joiner.join(f"({write_condition(child, names)})" for child in condition.children)
    return f"not({write_condition(condition.children[0], names)})"


def write_value(root: nodes.Node, names: Names) -> str:
    """An expression (a computed value) as an XLSForm calculation."""
    return _Writer(names).value(root)


def kind_of_value(root: nodes.Node, names: Names) -> str:
    """``bool`` for an expression that is a condition, else ``number`` (or the kind of
    the name it is)."""
    if isinstance(root, (nodes.Compare, nodes.Chain, nodes.Logic, nodes.Not)):
        return "bool"
    if isinstance(root, nodes.Name):
        return names.kinds.get(root.name, "number")
    if isinstance(root, nodes.Call) and root.function == "answered":
        return "bool"
    if isinstance(root, nodes.Call) and root.function == "today":
        return "date"
    return "number"


def literal(text: str) -> str:
    """An XPath text literal: ``'a'``, ``"l'été"``, or ``concat()`` when both quotes are in it."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


class _Writer:
    """One expression: ``condition`` for a test, ``value`` for a value."""

    def __init__(self, names: Names):
        self.names = names

    def condition(self, node: nodes.Node) -> str:
        """``node`` as a test (Tremplin's truthiness written out)."""
        if isinstance(node, (nodes.Compare, nodes.Chain, nodes.Logic, nodes.Not)):
            return self.value(node)
        if isinstance(node, nodes.Name):
            return self._truthy(node.name)
        if isinstance(node, nodes.Const):
            return "true()" if node.value not in (False, 0, "", None) else "false()"
        if isinstance(node, nodes.Call) and node.function == "answered":
            return self.value(node)
        return f"boolean({self.value(node)})"

    def _truthy(self, name: str) -> str:
        kind = self.names.kinds.get(name)
        reference = self.names.reference(name)
        if kind == "yesno":
            return f"{reference} = 'yes'"
        if kind == "consent":
            return f"{reference} = 'OK'"
        if kind == "bool":
            return f"{reference} = 'true'"
        if kind == "choices":
            return f"count-selected({reference}) > 0"
        if kind == "number":
            return f"({reference} != '' and {reference} != 0)"
        return f"{reference} != ''"

    def value(self, node: nodes.Node) -> str:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def _const(self, node: nodes.Const) -> str:
        value = node.value
        if isinstance(value, bool):
            return "true()" if value else "false()"
        if isinstance(value, (int, float)):
            return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
        return literal(str(value))

    def _name(self, node: nodes.Name) -> str:
        return self.names.reference(node.name)

    def _listnode(self, node: nodes.ListNode) -> str:
        raise NotWritable("xlsform.why_list")

    def _negative(self, node: nodes.Negative) -> str:
        return f"-({self.value(node.children[0])})"

    def _arithmetic(self, node: nodes.Arithmetic) -> str:
        left, right = node.children
        return f"({self.value(left)} {OPERATORS[node.op]} {self.value(right)})"

    def _logic(self, node: nodes.Logic) -> str:
        return f" {node.op} ".join(f"({self.condition(child)})" for child in node.children)

    def _not(self, node: nodes.Not) -> str:
        return f"not({self.condition(node.children[0])})"

    def _chain(self, node: nodes.Chain) -> str:
        return " and ".join(f"({self.value(child)})" for child in node.children)

    def _call(self, node: nodes.Call) -> str:
        if node.function == "today":
            return "today()"
        argument = node.children[0]
        if node.function == "years_since":
            birth = self._date_operand(argument)
            return f"int((format-date(today(), '%Y%m%d') - format-date({birth}, '%Y%m%d')) div 10000)"
        if node.function == "count":
            return f"count-selected({self.value(argument)})"
        if node.function in TERRITORIES:
            return TERRITORIES[node.function](self.value(argument))
        return f"{self.value(argument)} != ''"  # answered(x)

    def _date_operand(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and ISO_DATE.fullmatch(node.value):
            return f"date({literal(node.value)})"
        return self.value(node)

    # --- comparisons --------------------------------------------------------------------

    def _compare(self, node: nodes.Compare) -> str:
        left, right = node.children
        if node.op in ("in", "not in"):
            written = self._membership(left, right)
            return written if node.op == "in" else f"not({written})"
        if isinstance(left, nodes.ListNode) or isinstance(right, nodes.ListNode):
            raise NotWritable("xlsform.why_list_compare")
        first, second = self._operand(left, right), self._operand(right, left)
        return f"{first} {OPERATORS[node.op]} {second}"

    def _operand(self, node: nodes.Node, other: nodes.Node) -> str:
        """``node`` written for a comparison with ``other`` (literals take its kind)."""
        if isinstance(node, nodes.Const) and isinstance(other, nodes.Name):
            return self._literal_for(other.name, node.value)
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and _is_date_side(other, self.names):
            return self._date_operand(node)
        return self.value(node)

    def _literal_for(self, name: str, value: Any) -> str:
        kind = self.names.kinds.get(name)
        if kind == "yesno" and isinstance(value, bool):
            return "'yes'" if value else "'no'"
        if kind == "consent" and isinstance(value, bool):
            return "'OK'" if value else "''"
        if kind == "bool" and isinstance(value, bool):
            return "'true'" if value else "'false'"
        if kind in ("choice", "choices"):
            return literal(self.names.values.get(name, {}).get(value, str(value)))
        if kind == "date" and isinstance(value, str) and ISO_DATE.fullmatch(value):
            return f"date({literal(value)})"
        return self._const(nodes.Const(0, value))

    def _membership(self, item: nodes.Node, container: nodes.Node) -> str:
        """``a in [1, 2]`` → ``(a = 1 or a = 2)``; ``"x" in choices`` → ``selected()``."""
        if isinstance(container, nodes.ListNode):
            parts = [f"{self._operand(item, element)} = {self._operand(element, item)}"
                     for element in container.children]
            return "(" + " or ".join(parts) + ")" if parts else "false()"
        if isinstance(container, nodes.Name) and isinstance(item, nodes.Const):
            return f"selected({self.value(container)}, {self._literal_for(container.name, item.value)})"
        if isinstance(container, nodes.Name):
            return f"selected({self.value(container)}, {self.value(item)})"
        raise NotWritable("xlsform.why_list_compare")


def _is_date_side(node: nodes.Node, names: Names) -> bool:
    if isinstance(node, nodes.Name):
        return names.kinds.get(node.name) == "date"
    return isinstance(node, nodes.Call) and node.function == "today"


def value_names(options: list[Mapping[str, Any]]) -> dict[Any, str]:
    """The XLSForm name of each option value: the value itself when it has no space,
    else its words joined by ``_``, made unique within the list."""
    names: dict[Any, str] = {}
    for option in options:
        value = option["value"]
        text = "_".join(str(value).split()) or "choix"
        base, number = text, 2
        while text in names.values():
            text, number = f"{base}_{number}", number + 1
        names[value] = text
    return names
