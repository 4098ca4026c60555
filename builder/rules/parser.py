"""From the text of an expression to a tree of :mod:`builder.rules.nodes`.

Python's own parser (``ast.parse(..., mode="eval")``) reads the text; nothing is ever
compiled or run. Before it, :func:`prepare` checks the size, the brackets and the quotes
(so that 10,000 nested brackets never reach it) and turns ``≤ ≥ ≠`` into ``<= >= !=``.
After it, :class:`TreeBuilder` walks the syntax tree through a whitelist and builds the
nodes; anything else is a :class:`~builder.messages.Problem` naming what is not allowed,
with its 1-based column in the text as written.
"""

from __future__ import annotations

import ast
import keyword
import re
import threading
from typing import Any, Callable

from builder import numbers
from builder.messages import Problem, Suggestion
from builder.rules import nodes
from builder.rules.expression_messages import FRENCH_WORDS, NOT_ALLOWED

MAX_LENGTH, MAX_DEPTH, MAX_NODES = 2000, 50, 500
FUNCTIONS = {"years_since": 1, "today": 0, "count": 1, "answered": 1, "departement": 1, "region": 1, "epci": 1}
EXAMPLES = {"years_since": "years_since(date_naissance)", "today": "today()",
            "count": "count(langues)", "answered": "answered(telephone)",
            "departement": "departement(commune)", "region": "region(commune)", "epci": "epci(commune)"}
# Functions added after format 1 was published: a question or a computed value may still
# bear their name (``region``, ``departement``…), which a call never confuses.
NAMES_TOO = frozenset({"departement", "region", "epci"})
_SYMBOLS = {"≤": "<=", "≥": ">=", "≠": "!="}
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_UNCLOSED = {"(": "expr_unclosed_paren", "[": "expr_unclosed_bracket", "{": "expr_unclosed_brace"}
_FORBIDDEN = set("$?;`#")
_NUMBER = re.compile(r"0[xXbBoO][0-9a-fA-F_]*|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?[jJ]?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CURLY_QUOTES = set("“”‘’«»„‚")
# CPython 3.11 keeps the depth counter of its AST conversion per interpreter, not per
# thread: two threads parsing at once may fail with « SystemError: AST constructor
# recursion depth mismatch » (seen in this suite; python/cpython#106905). One at a time.
_PARSING = threading.Lock()
_COMPARE_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
                ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in"}
_ARITHMETIC_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def prepare(source: str) -> tuple[str, list[int]]:
    """The text to give Python's parser, and for each of its characters (plus one past
    the end) the 0-based index of the character of ``source`` it comes from.

    Raises a Problem for a text too long, brackets too deep or unbalanced, an unclosed
    quote or a character that has no place in an expression."""
    if len(source) > MAX_LENGTH:
        raise Problem("expr_too_long", column=MAX_LENGTH + 1, length=len(source), limit=MAX_LENGTH)
    if not source.strip():
        raise Problem("expr_empty", column=1)
    return _Scanner(source).run()


class _Scanner:
    """One pass over the source, outside and inside quotes."""

    def __init__(self, source: str):
        self.source = source
        self.text: list[str] = []
        self.where: list[int] = []
        self.openings: list[int] = []  # where each bracket still open was opened
        self.quote_at: int | None = None  # where the text being read was opened
        self.after_text = False  # the last sign outside spaces closed a text

    def run(self) -> tuple[str, list[int]]:
        source = self.source
        for index, char in enumerate(source):
            if self.quote_at is not None:
                if self._quoted(index, char):
                    break
            else:
                char = self._unquoted(index, char)
            self.text.append(char)
            self.where.extend([index] * len(char))
        if self.quote_at is not None:
            raise Problem("expr_unterminated_string", column=self.quote_at + 1,
                          quote=source[self.quote_at])
        if self.openings:
            at = self.openings[-1]
            raise Problem(_UNCLOSED[source[at]], column=at + 1)
        self.where.append(len(source))
        return "".join(self.text), self.where

    def _quoted(self, index: int, char: str) -> bool:
        """Read a character of a text; True at a line break (the text is not closed)."""
        if char == "\\":
            raise Problem("expr_backslash", column=index + 1)
        if char == self.source[self.quote_at]:
            self.quote_at, self.after_text = None, True
        elif char in "\r\n":
            return True
        elif char < " " or char == "\x7f":
            raise Problem("expr_invalid_char", column=index + 1, char=repr(char)[1:-1])
        return False

    def _unquoted(self, index: int, char: str) -> str:
        """Check a character outside texts; the text it stands for (``≤`` gives ``<=``)."""
        source = self.source
        if char in "\"'":
            if source.startswith(char * 3, index):
                raise Problem("expr_triple_quote", column=index + 1)
            if self.after_text:  # Python would glue "a" "b" into "ab": a comma is missing
                raise Problem("expr_comma_missing", column=index + 1)
            self.quote_at = index
            return char
        if char in "0123456789" and not _in_word(source, index):
            _check_number(source, index)
        char = _outside_quotes(source, index, char, self.openings)
        self.after_text = self.after_text and char == " "
        return char


def _in_word(source: str, index: int) -> bool:
    before = source[index - 1:index]
    return before.isalnum() or before in ("_", ".")


def _check_number(source: str, index: int) -> None:
    """A number glued to a letter (``18ans``, ``1and``) is an error, whatever Python's
    parser would make of it."""
    end = _NUMBER.match(source, index).end()
    if source[end:end + 1].isalnum() or source[end:end + 1] == "_":
        raise Problem("expr_bad_number", column=index + 1)


def _outside_quotes(source: str, index: int, char: str, openings: list[int]) -> str:
    """Check one character outside quotes; the text it stands for."""
    if char in _PAIRS:
        openings.append(index)
        if len(openings) > MAX_DEPTH:
            raise Problem("expr_too_deep", column=index + 1, limit=MAX_DEPTH)
    elif char in ")]}":
        if not openings:
            raise Problem("expr_unmatched", column=index + 1, char=char)
        opening = source[openings.pop()]
        if _PAIRS[opening] != char:
            raise Problem("expr_mismatched", column=index + 1, char=char, opening=opening,
                          expected=_PAIRS[opening])
    elif char == "\\":
        raise Problem("expr_backslash", column=index + 1)
    elif char in _FORBIDDEN or (char < " " and char not in "\t\r\n\f\v"):
        raise Problem("expr_invalid_char", column=index + 1, char=repr(char)[1:-1])
    elif char.isspace():
        return " "
    return _SYMBOLS.get(char, char)


def parse_tree(source: str) -> nodes.Node:
    """The node tree of ``source``; raises Problem on any error."""
    text, where = prepare(source)
    try:
        with _PARSING:
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise syntax_problem(error, text, where) from None
    except (RecursionError, MemoryError):
        raise Problem("expr_too_deep", column=1, limit=MAX_DEPTH) from None
    except ValueError:
        raise Problem("expr_syntax", column=1) from None
    return TreeBuilder(text, where).build(tree.body, 1)


def syntax_problem(error: SyntaxError, text: str, where: list[int]) -> Problem:
    """A plain-French Problem for a SyntaxError of Python's parser."""
    message, offset = error.msg or "", error.offset or 0
    end = len(text.rstrip())
    index = min(max(offset - 1, 0), len(text))
    if offset <= 0 or index >= end or "unexpected EOF" in message:
        return Problem("expr_incomplete", column=where[end] + 1)
    column = where[index] + 1
    char = text[index]
    if "invalid character" in message:
        code = "expr_curly_quote" if char in _CURLY_QUOTES else "expr_invalid_char"
        return Problem(code, column=column, char=char)
    if "literal" in message:
        return Problem("expr_bad_number", column=column)
    if "too many nested" in message:
        return Problem("expr_too_deep", column=column, limit=MAX_DEPTH)
    return _hint(text, index, column) or Problem("expr_syntax", column=column)


def _hint(text: str, index: int, column: int) -> Problem | None:
    """A more precise message for a few usual mistakes (« et », ``=``, ``&&``…)."""
    word = re.match(r"[A-Za-z_]+", text[index:])
    if word and word.group().lower() in FRENCH_WORDS:
        return Problem("expr_word", column=column, found=word.group(),
                       expected=FRENCH_WORDS[word.group().lower()])
    around = text[max(index - 1, 0):index + 2]
    for written, expected in (("&&", "and"), ("||", "or"), ("=>", ">="), ("=<", "<="),
                              ("<>", "!=")):
        if written in around:
            return Problem("expr_word", column=column, found=written, expected=expected)
    if text[index] == "=" and text[index + 1:index + 2] != "=":
        return Problem("expr_single_equals", column=column)
    if text[index] == "!":
        return Problem("expr_word", column=column, found="!", expected="not")
    return None


class TreeBuilder:
    """Walks a Python syntax tree through a whitelist and builds expression nodes."""

    def __init__(self, text: str, where: list[int]):
        self.text, self.where = text, where
        self.encoded = None if text.isascii() else text.encode("utf-8")
        self.count = 0
        self.handlers: dict[type, Callable[[Any, int], nodes.Node]] = {
            ast.Constant: self._constant, ast.Name: self._name, ast.List: self._list,
            ast.UnaryOp: self._unary, ast.BinOp: self._binary, ast.BoolOp: self._logic,
            ast.Compare: self._compare, ast.Call: self._call, ast.Tuple: self._tuple}

    def build(self, node: ast.AST, depth: int) -> nodes.Node:
        """The expression node for ``node``, ``depth`` levels down."""
        if depth > MAX_DEPTH:
            raise Problem("expr_too_deep", column=self.column(node), limit=MAX_DEPTH)
        self.count += 1
        if self.count > MAX_NODES:
            raise Problem("expr_too_big", column=self.column(node), limit=MAX_NODES)
        handler = self.handlers.get(type(node))
        if handler is None:
            # Point at the dot of ``a.b`` and the bracket of ``a[0]``, not at ``a``.
            after = isinstance(node, (ast.Attribute, ast.Subscript))
            raise self.not_allowed(type(node), self.after(node.value) if after else self.column(node))
        return handler(node, depth + 1)

    def index(self, byte_offset: int) -> int:
        """The index in the text of a byte offset given by Python's parser."""
        if self.encoded is None:
            return byte_offset
        return len(self.encoded[:byte_offset].decode("utf-8", "replace"))

    def column(self, node: ast.AST, end: bool = False) -> int:
        """The 1-based column in the source as written of a node's start (or end)."""
        offset = node.end_col_offset if end else node.col_offset
        return self.where[self.index(offset)] + 1

    def after(self, node: ast.AST) -> int:
        """The column of the first sign after ``node`` (an operator, a comma)."""
        index = self.index(node.end_col_offset)
        while index < len(self.text) - 1 and self.text[index] in " )":
            index += 1
        return self.where[index] + 1

    def not_allowed(self, key: Any, column: int) -> Problem:
        """The Problem for a construction outside the language."""
        if isinstance(key, type):
            key = f"ast.{key.__name__}"
        what_fr, what_en = NOT_ALLOWED.get(key, NOT_ALLOWED[None])
        return Problem("expr_not_allowed", column=column, what_fr=what_fr, what_en=what_en)

    def _constant(self, node: ast.Constant, depth: int) -> nodes.Node:
        value, column = node.value, self.column(node)
        if isinstance(value, bool):
            raise Problem("expr_python_constant", column=column, found=str(value),
                          expected=str(value).lower())
        if value is None:
            raise Problem("expr_none", column=column)
        if type(value) not in (int, float, str):
            raise self.not_allowed(type(value).__name__, column)
        if type(value) is not str and not numbers.in_bounds(value):
            raise Problem("expr_number_bounds", column=column, digits=numbers.MAX_DIGITS)
        return nodes.Const(column, value)

    def _name(self, node: ast.Name, depth: int) -> nodes.Node:
        column = self.column(node)
        written = self.text[self.index(node.col_offset):self.index(node.end_col_offset)]
        if not _NAME.match(written):
            raise Problem("expr_bad_name", column=column, name=written)
        if written in ("true", "false"):
            return nodes.Const(column, written == "true")
        if written in FUNCTIONS and written not in NAMES_TOO:
            raise Problem("expr_function_name", column=column, name=written,
                          example=EXAMPLES[written])
        return nodes.Name(column, written)

    def _list(self, node: ast.List, depth: int) -> nodes.Node:
        items = [self.build(item, depth) for item in node.elts]
        return nodes.ListNode(self.column(node), tuple(items))

    def _tuple(self, node: ast.Tuple, depth: int) -> nodes.Node:
        if not node.elts:
            raise self.not_allowed("()", self.column(node))
        raise Problem("expr_comma", column=self.after(node.elts[0]))

    def _unary(self, node: ast.UnaryOp, depth: int) -> nodes.Node:
        column = self.column(node)
        if isinstance(node.op, ast.Not):
            return nodes.Not(column, (self.build(node.operand, depth),))
        if not isinstance(node.op, ast.USub):
            raise self.not_allowed(type(node.op), column)
        operand = self.build(node.operand, depth)
        if isinstance(operand, nodes.Const) and type(operand.value) in (int, float):
            return nodes.Const(column, -operand.value)
        return nodes.Negative(column, (operand,))

    def _binary(self, node: ast.BinOp, depth: int) -> nodes.Node:
        op = _ARITHMETIC_OPS.get(type(node.op))
        if op is None:
            raise self.not_allowed(type(node.op), self.after(node.left))
        left, right = self.build(node.left, depth), self.build(node.right, depth)
        return nodes.Arithmetic(self.column(node), op, left, right)

    def _logic(self, node: ast.BoolOp, depth: int) -> nodes.Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        children = tuple(self.build(value, depth) for value in node.values)
        return nodes.Logic(self.column(node), op, children)

    def _compare(self, node: ast.Compare, depth: int) -> nodes.Node:
        operands = [node.left, *node.comparators]
        for op, operand in zip(node.ops, operands):
            if type(op) not in _COMPARE_OPS:
                raise self.not_allowed(type(op), self.after(operand))
        built = [self.build(operand, depth) for operand in operands]
        column = self.column(node)
        compares = [nodes.Compare(column, _COMPARE_OPS[type(op)], left, right)
                    for op, left, right in zip(node.ops, built, built[1:])]
        return compares[0] if len(compares) == 1 else nodes.Chain(column, tuple(compares))

    def _call(self, node: ast.Call, depth: int) -> nodes.Node:
        column = self.column(node)
        if not isinstance(node.func, ast.Name):
            raise self.not_allowed("call", column)
        name = node.func.id
        if name not in FUNCTIONS:
            raise _unknown_function(name, column)
        if node.keywords:
            raise self.not_allowed("keywords", self.column(node.keywords[0].value))
        arguments = tuple(self.build(argument, depth) for argument in node.args)
        if len(arguments) != FUNCTIONS[name]:
            raise Problem("expr_arity", column=column, name=name, expected=FUNCTIONS[name],
                          given=len(arguments), example=EXAMPLES[name])
        if name == "answered" and not isinstance(arguments[0], nodes.Name):
            raise Problem("expr_answered_name", column=arguments[0].column)
        return nodes.Call(column, name, arguments)


def _unknown_function(name: str, column: int) -> Problem:
    return Problem("expr_unknown_function", column=column, name=name,
                   hint=Suggestion.among(name.lower(), FUNCTIONS))


def is_valid_name(name: str) -> bool:
    """Whether an expression can refer to ``name`` (an answer id or a computed name)."""
    return (isinstance(name, str) and bool(_NAME.match(name)) and (name not in FUNCTIONS or name in NAMES_TOO)
            and name not in ("true", "false") and not keyword.iskeyword(name))
