"""Author patterns (the ``pattern`` of a text block), run by RE2 in linear time.

Python's :mod:`re` backtracks: ``(a+)+`` against ``aaaaaaaaaaaaaaaaaaaaaaaaaaa!`` takes
seconds, and any account can publish a pattern. RE2 (the ``google-re2`` binding) never
backtracks: a match costs time in proportion to the answer's length, whatever the
pattern. The price is a smaller syntax: no look-around (``(?=…)``, ``(?<=…)``…), no
back-reference (``\\1``), repetitions up to 1,000, and ``\\d``, ``\\w``, ``\\s``, ``\\b``
mean ASCII only (``\\pL`` is any letter). A pattern RE2 cannot run is refused by the
loader, on its line, with what to change (see docs/format.md).
"""

from __future__ import annotations

import functools

import re2

from builder.messages import Problem, register

register({
    "blocks.param_pattern": ("Le motif « {name} » ne peut pas servir : {fr}.",
                             "The pattern “{name}” cannot be used: {en}."),
})

# What RE2 says (its message up to the colon), in words for authors: (fr, en).
_REASONS = {
    "invalid perl operator": (
        "« {detail} » n'est pas permis (pas de (?=…), (?!…), (?<=…), (?<!…) ni de renvoi à un groupe)",
        "“{detail}” is not allowed (no (?=…), (?!…), (?<=…), (?<!…) nor back-reference)"),
    "invalid escape sequence": (
        "« {detail} » n'est pas permis (un renvoi comme \\1 ne l'est pas ; \\d, \\w, \\s et \\pL le sont)",
        "“{detail}” is not allowed (a back-reference such as \\1 is not; \\d, \\w, \\s and \\pL are)"),
    "invalid repetition size": (
        "la répétition « {detail} » est mal écrite ou trop grande (1 000 au plus)",
        "the repetition “{detail}” is malformed or too large (1,000 at most)"),
    "bad repetition operator": ("la répétition « {detail} » n'est pas permise",
                                "the repetition “{detail}” is not allowed"),
    "no argument for repetition operator": ("« {detail} » ne répète rien", "“{detail}” repeats nothing"),
    "invalid character class range": ("l'intervalle « {detail} » est à l'envers",
                                      "the range “{detail}” is backwards"),
    "invalid character class": ("la classe « {detail} » est mal écrite", "the class “{detail}” is malformed"),
    "missing ]": ("il manque « ] »", "a “]” is missing"),
    "missing )": ("il manque « ) »", "a “)” is missing"),
    "unexpected )": ("une « ) » est en trop", "there is one “)” too many"),
    "trailing \\": ("le motif finit par une barre « \\ » seule", "the pattern ends with a lone “\\”"),
    "invalid named capture group": ("le groupe nommé « {detail} » est mal écrit",
                                    "the named group “{detail}” is malformed"),
    "pattern too large - compile failed": ("le motif est trop grand", "the pattern is too large"),
}


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    return options


_OPTIONS = _options()


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """The compiled pattern (kept: a block's pattern checks every answer); ``re2.error``
    when RE2 cannot run it."""
    return re2.compile(pattern, _OPTIONS)


def problem(name: str, pattern: str) -> Problem | None:
    """None when RE2 runs ``pattern``, else a Problem (on the parameter ``name``) saying why."""
    try:
        compile_pattern(pattern)
    except re2.error as error:
        fr, en = _reason(error)
        return Problem("blocks.param_pattern", path=(name,), name=name, fr=fr, en=en)
    return None


def fullmatch(pattern: str, text: str) -> bool:
    """True when the whole of ``text`` follows ``pattern`` (a pattern :func:`problem` accepts)."""
    return compile_pattern(pattern).fullmatch(text) is not None


def _reason(error: Exception) -> tuple[str, str]:
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    code, _, detail = str(message).partition(": ")
    fr, en = _REASONS.get(code, ("RE2 ne sait pas le lire ({code})", "RE2 cannot read it ({code})"))
    return fr.format(detail=detail, code=code), en.format(detail=detail, code=code)
