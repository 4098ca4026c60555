"""Bilingual messages for the loader, the engine and the CLI (outside Flask).

Each module that reports problems to people declares its own catalogue as
``{code: (french, english)}`` and registers it with :func:`register`. Messages are
``str.format`` templates; :func:`render` fills them in the language asked, French
first. The Flask UI uses Flask-Babel; this catalogue serves code that also runs
without an application (the CLI, the engine, the tests).
"""

from __future__ import annotations

from typing import Mapping

DEFAULT_LANGUAGE = "fr"
_CATALOGUE: dict[str, tuple[str, str]] = {}


def register(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a module's messages; a code registered twice with other text is a bug."""
    for code, texts in messages.items():
        if code in _CATALOGUE and _CATALOGUE[code] != tuple(texts):
            raise ValueError(f"message code registered twice: {code}")
        _CATALOGUE[code] = tuple(texts)


def render(code: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``code`` in ``lang`` ("fr" or "en"), with ``params`` filled in."""
    french, english = _CATALOGUE[code]
    template = english if lang == "en" else french
    filled = {key: value.localized(lang) if isinstance(value, Localized) else value
              for key, value in params.items()}
    return template.format(**filled)


class Localized:
    """A message parameter that is itself text in the message's language."""

    def localized(self, lang: str) -> str:
        """The text in ``lang``."""
        raise NotImplementedError


class Suggestion(Localized):
    """« Vouliez-vous dire … ? » for a close match, else the list of what is allowed."""

    def __init__(self, suggestion: str | None, allowed: list[str] | None = None):
        self.suggestion, self.allowed = suggestion, allowed

    @classmethod
    def among(cls, word: str, candidates) -> "Suggestion":
        """The suggestion for ``word`` among ``candidates`` (difflib's closest)."""
        import difflib
        candidates = sorted(set(candidates))
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        return cls(close[0] if close else None, candidates if len(candidates) <= 12 else None)

    def localized(self, lang: str) -> str:
        if self.suggestion:
            return render("did_you_mean", lang, suggestion=self.suggestion)
        if self.allowed:
            return render("allowed_values", lang, values=", ".join(self.allowed))
        return ""


def known_codes() -> frozenset[str]:
    """Every registered code (used by tests that check both languages exist)."""
    return frozenset(_CATALOGUE)


class Problem(Exception):
    """A problem a person can fix, carrying a message code and its parameters.

    ``path`` locates it in a service file (a tuple of keys and indexes), so that the
    loader can turn it into a line number; ``column`` is 1-based inside an expression.
    """

    def __init__(self, code: str, path: tuple = (), column: int | None = None, **params: object):
        super().__init__(code)
        self.code = code
        self.path = tuple(path)
        self.column = column
        self.params = params

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang``, with the column when there is one."""
        text = render(self.code, lang, **self.params)
        if self.column is not None:
            text += render("at_column", lang, column=self.column)
        return text

    def __str__(self) -> str:
        return self.message()


register({
    "at_column": (" (colonne {column})", " (column {column})"),
    "did_you_mean": (" Vouliez-vous dire « {suggestion} » ?", " Did you mean \"{suggestion}\"?"),
    "allowed_values": (" Possibles : {values}.", " Possible: {values}."),
})


class Problems(Exception):
    """Several problems found together (a person fixing a file wants them all at once)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
