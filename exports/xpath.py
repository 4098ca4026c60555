"""Read the expressions of an XLSForm (XPath 1.0 with ``${name}`` references) into a tree.

Only the shape is read here; :mod:`exports.xlsform_expressions` says what each part means
in Tremplin's language. The tree is made of tuples:

``("num", 18.0)``, ``("str", "a")``, ``("ref", "age")`` for ``${age}``, ``("self",)`` for
``.``, ``("path", "/data/age")``, ``("call", "selected", (args…))``,
``("op", "and", left, right)`` for ``or and = != < <= > >= + - * div mod |``, and
``("neg", operand)``.

Curly quotes (‘ ’ “ ”), which spreadsheets put in by themselves, are read as straight
quotes, as pyxform does.
"""

from __future__ import annotations

import re

from builder.messages import Problem, register

MAX_EXPRESSION = 4000
MAX_DEPTH = 60  # brackets and calls inside each other (Tremplin keeps 50)
CURLY_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{[^}]*\})
    | (?P<num>\d+(?:\.\d*)?|\.\d+)
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\||,|\(|\)|\[|\]|//|/|\.\.|\.|@)
    | (?P<name>[^\W\d][\w.-]*(?::[^\W\d][\w.-]*)?)
    )""", re.VERBOSE)
# Binary operators from the loosest to the tightest (XPath 1.0).
LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))
WORD_OPERATORS = frozenset({"or", "and", "div", "mod"})

register({
    "xpath.syntax": ("L'expression « {source} » ne peut pas être lue ({detail}).",
                     "The expression \"{source}\" cannot be read ({detail})."),
})

Node = tuple


class XPathSyntax(ValueError):
    """An expression that is not well-formed XPath; ``detail`` says where."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail

    def problem(self, source: str) -> Problem:
        """The located message for this error in ``source``."""
        return Problem("xpath.syntax", source=source, detail=self.detail)


def normalise(source: str) -> str:
    """``source`` with curly quotes made straight and spaces collapsed at the ends."""
    return source.translate(CURLY_QUOTES).strip()


def tokens(source: str) -> list[tuple[str, str]]:
    """The tokens of ``source`` as ``(kind, text)``; raises XPathSyntax on a stray sign."""
    found, position, text = [], 0, source.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise XPathSyntax(f"« {text[position:position + 10]} »")
        kind = match.lastgroup or "op"
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def parse(source: str) -> Node:
    """The tree of one XLSForm expression (see the module docstring)."""
    source = normalise(source)
    if not source:
        raise XPathSyntax("vide")
    if len(source) > MAX_EXPRESSION:
        raise XPathSyntax(f"plus de {MAX_EXPRESSION} caractères")
    return _Parser(tokens(source)).run()


class _Parser:
    """A recursive-descent parser over the token list, one method per level."""

    def __init__(self, items: list[tuple[str, str]]):
        self.items, self.position, self.depth = items, 0, 0

    def run(self) -> Node:
        tree = self.binary(0)
        if self.position < len(self.items):
            raise XPathSyntax(f"« {self.items[self.position][1]} » inattendu")
        return tree

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def take(self) -> tuple[str, str]:
        item = self.peek()
        if item is None:
            raise XPathSyntax("fin inattendue")
        self.position += 1
        return item

    def expect(self, text: str) -> None:
        kind, found = self.take()
        if found != text:
            raise XPathSyntax(f"« {text} » attendu, « {found} » trouvé")

    def operator(self, level: int) -> str | None:
        item = self.peek()
        if item is None:
            return None
        kind, text = item
        if kind == "name" and text not in WORD_OPERATORS:
            return None
        return text if text in LEVELS[level] else None

    def binary(self, level: int) -> Node:
        if level == len(LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (op := self.operator(level)) is not None:
            self.position += 1
            left = ("op", op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.position += 1
            return ("neg", self.unary())
        left = self.primary()
        while self.peek() == ("op", "|"):
            self.position += 1
            left = ("op", "|", left, self.primary())
        return left

    def primary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:  # each level costs a dozen Python frames
            raise XPathSyntax("trop de niveaux")
        try:
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return ("num", float(text))
        if kind == "str":
            return ("str", text[1:-1])
        if kind == "ref":
            return ("ref", text[2:-1].strip())
        if text == "(":
            inner = self.binary(0)
            self.expect(")")
            return inner
        if kind == "name" and self.peek() == ("op", "("):
            return self.call(text)
        if text in (".", "..", "/", "//", "@") or kind == "name":
            return self.path(text)
        raise XPathSyntax(f"« {text} » inattendu")

    def call(self, name: str) -> Node:
        self.expect("(")
        arguments: list[Node] = []
        if self.peek() != ("op", ")"):
            arguments.append(self.binary(0))
            while self.peek() == ("op", ","):
                self.position += 1
                arguments.append(self.binary(0))
        self.expect(")")
        return ("call", name, tuple(arguments))

    def path(self, first: str) -> Node:
        """``.``, or a location path such as ``/data/age``, ``../age``, ``age``."""
        parts = [first]
        while (item := self.peek()) is not None and self._continues_path(parts[-1], item):
            parts.append(self.take()[1])
        if parts == ["."]:
            return ("self",)
        if "[" in parts:
            raise XPathSyntax("prédicat [ ]")
        return ("path", "".join(parts))

    @staticmethod
    def _continues_path(last: str, item: tuple[str, str]) -> bool:
        kind, text = item
        if last in ("/", "//", "@"):
            return kind == "name" or text in (".", "..", "*")
        return text in ("/", "//", "[") or (last in ("..", ".") and text == "/")


def dump(node: Node, level: int = 0) -> str:
    """A tree written back as XLSForm text, for messages: ``${a} = 'x' and . > 3``."""
    kind = node[0]
    if kind == "op":
        own = next(index for index, ops in enumerate(LEVELS + (("|",),)) if node[1] in ops)
        text = f"{dump(node[2], own)} {node[1]} {dump(node[3], own + 1)}"
        return f"({text})" if own < level else text
    if kind == "neg":
        return f"-{dump(node[1], len(LEVELS))}"
    if kind == "call":
        return f"{node[1]}({', '.join(dump(argument) for argument in node[2])})"
    return {"num": lambda: _number(node[1]), "str": lambda: _quoted(node[1]),
            "ref": lambda: f"${{{node[1]}}}", "self": lambda: ".", "path": lambda: node[1]}[kind]()


def _quoted(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
