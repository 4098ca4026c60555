"""XLSForm expressions (``relevant``, ``calculation``, ``constraint``) in Tremplin's language.

The tree comes from :mod:`exports.xpath`; this module writes its meaning as a Tremplin
expression (docs/expressions.md), or raises :class:`Untranslatable` with the reason,
so that the importer can say so with the row. What is translated:

- ``${x}`` → ``x`` (the question's Tremplin id), a bare ``${x}`` in a condition →
  ``answered(x)`` (XLSForm reads a non-empty answer as true), ``${x} != ''`` → ``answered(x)``;
- ``= != < <= > >= and or not() + - * div``, numbers and texts, ``true()``, ``false()``;
- ``selected(${x}, 'a')`` → ``"a" in x`` (``x == "a"`` for a single choice),
  ``count-selected(${x})`` → ``count(x)``, ``string-length(${x}) > 0`` → ``answered(x)``;
- ``today()``, ``date('2026-01-01')`` → ``"2026-01-01"``, ``number()`` and ``string()``
  dropped, ``int((today() - ${d}) div 365.25)`` and its variants → ``years_since(d)``;
- ``if(c, a, b)`` between conditions → ``(c and a) or (not c and b)``.

Literals follow the question they are compared with: ``${choix} = 1`` compares texts
(``choix == "1"``), ``${nombre} != '0'`` numbers, ``${oui_non} = 'yes'`` is
``oui_non == true``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from builder.messages import Localized, Problem, register, render
from builder.rules.expressions import parse as parse_tremplin
from exports import xpath

OR, AND, NOT, COMPARE, SUM, PRODUCT, UNARY, ATOM = range(1, 9)
COMPARISONS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
ARITHMETIC = {"+": "+", "-": "-", "*": "*", "div": "/"}
YES = frozenset({"yes", "true", "oui", "1", "ok", "y", "o"})
NO = frozenset({"no", "false", "non", "0", "n"})
DAYS_IN_YEAR = frozenset({365.0, 365.25, 365.24, 365.242, 365.2425})
QUESTION_KINDS = frozenset({"number", "text", "date", "choice", "choices", "yesno", "consent"})
BOOLEAN_KINDS = frozenset({"bool", "yesno", "consent", "computed"})

register({
    "xlsform.why_function": ("la fonction {name}() n'a pas d'équivalent dans Tremplin",
                             "the function {name}() has no equivalent in Tremplin"),
    "xlsform.why_operator": ("l'opérateur « {op} » n'a pas d'équivalent dans Tremplin",
                             "the operator \"{op}\" has no equivalent in Tremplin"),
    "xlsform.why_unknown_name": ("${{{name}}} ne désigne aucune question du formulaire",
                                 "${{{name}}} names no question of the form"),
    "xlsform.why_dropped_name": ("${{{name}}} n'a pas été repris (ligne {row})",
                                 "${{{name}}} was not carried over (row {row})"),
    "xlsform.why_note": ("${{{name}}} est une note : elle n'a pas de valeur",
                         "${{{name}}} is a note: it has no value"),
    "xlsform.why_path": ("le chemin « {path} » ne désigne aucune question du formulaire",
                         "the path \"{path}\" names no question of the form"),
    "xlsform.why_dot": ("« . » (la réponse elle-même) n'a de sens que dans une contrainte",
                        "\".\" (the answer itself) only has a meaning in a constraint"),
    "xlsform.why_types": ("Tremplin ne calcule pas « {op} » sur ces valeurs (dates, textes ou choix)",
                          "Tremplin does not compute \"{op}\" on these values (dates, texts or choices)"),
    "xlsform.why_literal": ("« {value} » n'est pas une réponse à une question oui/non",
                            "\"{value}\" is not an answer to a yes/no question"),
    "xlsform.why_quotes": ("le texte « {value} » contient à la fois ' et \"",
                           "the text \"{value}\" holds both ' and \""),
    "xlsform.why_not_condition": ("« {source} » n'est pas une condition (vrai ou faux)",
                                  "\"{source}\" is not a condition (true or false)"),
    "xlsform.why_syntax": ("l'expression ne peut pas être lue : {detail}",
                           "the expression cannot be read: {detail}"),
    "xlsform.why_internal": ("sa traduction n'est pas une expression Tremplin valable ({detail})",
                             "its translation is not a valid Tremplin expression ({detail})"),
})


class Reason(Localized):
    """Why an expression was not translated, as a message parameter in either language."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params

    def localized(self, lang: str) -> str:
        return render(self.code, lang, **self.params)


class Untranslatable(Exception):
    """An XLSForm expression that has no equivalent in Tremplin; ``reason`` says why."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.reason = Reason(code, **params)


@dataclass(frozen=True)
class NameInfo:
    """What an XLSForm name stands for in the imported service: its Tremplin id and
    kind (a block type family, ``computed``, ``content`` or ``today`` for the metadata)."""

    id: str
    kind: str


@dataclass
class Scope:
    """The names an expression may use: those imported, and those left out (name → the
    row that says why); ``current`` is what ``.`` means (in a constraint)."""

    names: dict[str, NameInfo] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    current: NameInfo | None = None


@dataclass(frozen=True)
class Typed:
    """A translated part: its Tremplin text, the kind of its value, its precedence, and
    the question it names when it is one bare reference."""

    text: str
    kind: str
    precedence: int = ATOM
    name: NameInfo | None = None

    def at(self, precedence: int) -> str:
        """The text, in brackets when it binds more loosely than ``precedence``."""
        return self.text if self.precedence >= precedence else f"({self.text})"


def translate_condition(source: str, scope: Scope) -> str:
    """A ``relevant`` (or any condition) in Tremplin's language; raises Untranslatable."""
    return _checked(_Translator(scope).condition(_tree(source)))


def translate_value(source: str, scope: Scope) -> str:
    """A ``calculation`` in Tremplin's language; raises Untranslatable."""
    typed = _Translator(scope).value(_tree(source))
    return _checked(typed.text)


def _tree(source: str) -> xpath.Node:
    try:
        return xpath.parse(source)
    except xpath.XPathSyntax as error:
        raise Untranslatable("xlsform.why_syntax", detail=error.detail) from None


def _checked(text: str) -> str:
    try:
        parse_tremplin(text)
    except Problem as problem:
        raise Untranslatable("xlsform.why_internal", detail=problem.message()) from None
    return text


def quote(text: str) -> str:
    """A Tremplin text literal: ``"a"``, or ``'a'`` when the text holds ``"``."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text and "\\" not in text:
        return f"'{text}'"
    raise Untranslatable("xlsform.why_quotes", value=text)


def number_text(value: float) -> str:
    """``18`` for 18.0, ``2.5`` for 2.5."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


class _Translator:
    """One translation: a method per kind of tree node."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.calls: dict[str, Callable[[tuple], Typed]] = {
            "selected": self._selected, "count-selected": self._count_selected,
            "today": lambda args: self._no_arguments("today", args, Typed("today()", "date")),
            "true": lambda args: self._no_arguments("true", args, Typed("true", "bool")),
            "false": lambda args: self._no_arguments("false", args, Typed("false", "bool")),
            "not": self._not, "number": self._same, "string": self._same, "date": self._date,
            "if": self._if, "boolean": lambda args: self._bool(self._one("boolean", args)),
        }

    # --- entry points ----------------------------------------------------------------

    def condition(self, node: xpath.Node) -> str:
        return self._bool(node).text

    def value(self, node: xpath.Node) -> Typed:
        age = self._age(node)
        return age if age is not None else self.node(node)

    # --- nodes -----------------------------------------------------------------------

    def node(self, node: xpath.Node) -> Typed:
        kind = node[0]
        if kind == "num":
            return Typed(number_text(node[1]), "number")
        if kind == "str":
            return Typed(quote(node[1]), "text")
        if kind in ("ref", "path", "self"):
            return self._name(node)
        if kind == "neg":
            operand = self._number(node[1], "-")
            return Typed(f"-{operand.at(UNARY)}", "number", UNARY)
        if kind == "call":
            return self._call(node)
        return self._operator(node)

    def _name(self, node: xpath.Node) -> Typed:
        info = self._lookup(node)
        if info.kind == "content":
            raise Untranslatable("xlsform.why_note", name=xpath.dump(node)[2:-1])
        if info.kind == "today":
            return Typed("today()", "date")
        return Typed(info.id, info.kind, ATOM, info)

    def _lookup(self, node: xpath.Node) -> NameInfo:
        if node[0] == "self":
            if self.scope.current is None:
                raise Untranslatable("xlsform.why_dot")
            return self.scope.current
        name = node[1] if node[0] == "ref" else node[1].rstrip("/").rsplit("/", 1)[-1]
        if name in self.scope.names:
            return self.scope.names[name]
        if name in self.scope.dropped:
            raise Untranslatable("xlsform.why_dropped_name", name=name, row=self.scope.dropped[name])
        if node[0] == "path":
            raise Untranslatable("xlsform.why_path", path=node[1])
        raise Untranslatable("xlsform.why_unknown_name", name=name)

    def _operator(self, node: xpath.Node) -> Typed:
        _, op, left, right = node
        if op in ("and", "or"):
            precedence = AND if op == "and" else OR
            parts = [self._bool(left).at(precedence), self._bool(right).at(precedence + 1)]
            return Typed(f" {op} ".join(parts), "bool", precedence)
        if op in COMPARISONS:
            return self._compare(op, left, right)
        if op in ARITHMETIC:
            precedence = SUM if op in ("+", "-") else PRODUCT
            first, second = self._number(left, op), self._number(right, op)
            return Typed(f"{first.at(precedence)} {ARITHMETIC[op]} {second.at(precedence + 1)}",
                         "number", precedence)
        raise Untranslatable("xlsform.why_operator", op=op)

    def _number(self, node: xpath.Node, op: str) -> Typed:
        age = self._age(node)
        typed = age if age is not None else self.node(node)
        if typed.kind not in ("number", "computed"):
            raise Untranslatable("xlsform.why_types", op=op)
        return typed

    # --- conditions ------------------------------------------------------------------

    def _bool(self, node: xpath.Node) -> Typed:
        """``node`` read as a condition, as XLSForm reads it."""
        if node[0] in ("num", "str"):  # XPath: a number other than 0, a text not empty
            return Typed("true" if node[1] else "false", "bool")
        typed = self.value(node)
        if typed.kind == "bool" or typed.kind == "computed":
            return typed
        if typed.name is not None and typed.kind in QUESTION_KINDS:
            return Typed(f"answered({typed.name.id})", "bool")
        raise Untranslatable("xlsform.why_not_condition", source=xpath.dump(node))

    def _compare(self, op: str, left: xpath.Node, right: xpath.Node) -> Typed:
        special = self._emptiness(op, left, right) or self._emptiness(_mirror(op), right, left)
        if special is not None:
            return special
        first, second = self.value(left), self.value(right)
        first, second = self._literal(second, left, first), self._literal(first, right, second)
        kinds = {first.kind, second.kind}
        if "bool" in kinds and not kinds <= BOOLEAN_KINDS:
            raise Untranslatable("xlsform.why_types", op=op)
        return Typed(f"{first.at(SUM)} {COMPARISONS[op]} {second.at(SUM)}", "bool", COMPARE)

    def _literal(self, question: Typed, node: xpath.Node, literal: Typed) -> Typed:
        """``literal`` as the kind of value ``question`` holds (texts for choices…)."""
        if question.name is None or node[0] not in ("num", "str"):
            return literal
        kind, value = question.kind, node[1]
        if kind in ("yesno", "consent"):
            word = number_text(value) if node[0] == "num" else str(value).strip().lower()
            if word in YES:
                return Typed("true", "bool")
            if word in NO:
                return Typed("false", "bool")
            raise Untranslatable("xlsform.why_literal", value=value)
        if kind in ("choice", "text") and node[0] == "num":
            return Typed(quote(number_text(value)), "text")
        if kind == "choices":
            text = number_text(value) if node[0] == "num" else value
            return Typed(f"[{quote(text)}]", "list")
        if kind in ("number", "computed") and node[0] == "str" and _is_number(value):
            return Typed(number_text(float(value)), "number")
        return literal

    def _emptiness(self, op: str, node: xpath.Node, other: xpath.Node) -> Typed | None:
        """``${x} != ''``, ``string-length(${x}) > 0``, ``count-selected(${x}) = 0`` → answered."""
        if node[0] in ("ref", "path") and other == ("str", "") and op in ("=", "!="):
            return self._answered(node, op == "!=")
        if node[0] == "call" and node[1] in ("string-length", "count-selected") and len(node[2]) == 1 \
                and node[2][0][0] in ("ref", "path", "self") and other[0] == "num" and other[1] in (0.0, 1.0):
            answered = {("!=", 0.0): True, (">", 0.0): True, (">=", 1.0): True,
                        ("=", 0.0): False, ("<", 1.0): False, ("<=", 0.0): False}.get((op, other[1]))
            return None if answered is None else self._answered(node[2][0], answered)
        return None

    def _answered(self, node: xpath.Node, answered: bool) -> Typed:
        info = self._lookup(node)
        if info.kind not in QUESTION_KINDS:
            raise Untranslatable("xlsform.why_function", name="answered")
        text = f"answered({info.id})"
        return Typed(text, "bool") if answered else Typed(f"not {text}", "bool", NOT)

    # --- functions -------------------------------------------------------------------

    def _call(self, node: xpath.Node) -> Typed:
        _, name, arguments = node
        handler = self.calls.get(name)
        if handler is None:
            raise Untranslatable("xlsform.why_function", name=name)
        return handler(arguments)

    def _one(self, name: str, arguments: tuple) -> xpath.Node:
        if len(arguments) != 1:
            raise Untranslatable("xlsform.why_function", name=name)
        return arguments[0]

    def _no_arguments(self, name: str, arguments: tuple, result: Typed) -> Typed:
        if arguments:
            raise Untranslatable("xlsform.why_function", name=name)
        return result

    def _same(self, arguments: tuple) -> Typed:
        return self.value(self._one("number", arguments))

    def _not(self, arguments: tuple) -> Typed:
        inner = self._bool(self._one("not", arguments))
        return Typed(f"not {inner.at(NOT)}", "bool", NOT)

    def _selected(self, arguments: tuple) -> Typed:
        if len(arguments) != 2 or arguments[1][0] not in ("str", "num"):
            raise Untranslatable("xlsform.why_function", name="selected")
        question = self.node(arguments[0])
        value = arguments[1][1] if arguments[1][0] == "str" else number_text(arguments[1][1])
        if question.kind == "choices":
            return Typed(f"{quote(str(value).strip())} in {question.text}", "bool", COMPARE)
        if question.kind in ("choice", "yesno", "consent", "text"):
            literal = self._literal(question, ("str", str(value).strip()), Typed(quote(str(value)), "text"))
            return Typed(f"{question.text} == {literal.text}", "bool", COMPARE)
        raise Untranslatable("xlsform.why_function", name="selected")

    def _count_selected(self, arguments: tuple) -> Typed:
        question = self.node(self._one("count-selected", arguments))
        if question.kind != "choices":
            raise Untranslatable("xlsform.why_function", name="count-selected")
        return Typed(f"count({question.text})", "number")

    def _date(self, arguments: tuple) -> Typed:
        argument = self._one("date", arguments)
        if argument[0] != "str":
            return self.value(argument)
        return Typed(quote(argument[1].strip()), "date")

    def _if(self, arguments: tuple) -> Typed:
        if len(arguments) != 3:
            raise Untranslatable("xlsform.why_function", name="if")
        test, then, otherwise = (self._bool(argument) for argument in arguments)
        text = f"({test.at(AND)} and {then.at(AND + 1)}) or (not {test.at(NOT)} and {otherwise.at(AND + 1)})"
        return Typed(text, "bool", OR)

    def _age(self, node: xpath.Node) -> Typed | None:
        """``int((today() - ${d}) div 365.25)`` and its usual variants → ``years_since(d)``."""
        birth = age_of(node)
        if birth is None:
            return None
        info = self._lookup(birth)
        if info.kind != "date":
            return None
        return Typed(f"years_since({info.id})", "number")


def age_of(node: xpath.Node) -> xpath.Node | None:
    """The birth date node of an age formula, None when ``node`` is not one:
    ``int((today() - ${d}) div 365.25)``, with ``floor``, ``decimal-date-time()``, or the
    exact ``int((format-date(today(), '%Y%m%d') - format-date(${d}, '%Y%m%d')) div 10000)``."""
    if not (node[0] == "call" and node[1] in ("int", "floor") and len(node[2]) == 1):
        return None
    inner = node[2][0]
    if not (inner[0] == "op" and inner[1] == "div" and inner[3][0] == "num" and inner[2][0] == "op"
            and inner[2][1] == "-"):
        return None
    today, birth = _unwrap_date(inner[2][2]), _unwrap_date(inner[2][3])
    if today != ("call", "today", ()) or birth[0] not in ("ref", "path"):
        return None
    if _is_format_date(inner[2][2]) and _is_format_date(inner[2][3]):
        return birth if inner[3][1] == 10000 else None
    return birth if inner[3][1] in DAYS_IN_YEAR else None


def _unwrap_date(node: xpath.Node) -> xpath.Node:
    while node[0] == "call" and node[1] in ("decimal-date-time", "date", "format-date") and node[2]:
        node = node[2][0]
    return node


def _is_format_date(node: xpath.Node) -> bool:
    return node[0] == "call" and node[1] == "format-date" and len(node[2]) == 2 and node[2][1] == ("str", "%Y%m%d")


def _mirror(op: str) -> str:
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() != ""
