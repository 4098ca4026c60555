"""Plain-language hints for the texts of a service: advice, never a reason to refuse saving.

:func:`text_hints` looks at one text (Markdown allowed) for sentences that are too long,
administrative jargon (:mod:`builder.editing.jargon`), double negatives and the passive
voice with its agent (« est versée par la Caf »), and gives a French readability score
(:func:`readability`, the Flesch formula adapted to French by Kandel and Moles).
:func:`service_hints` does it for every text of a service, by where the text is. The
rules, their limits and their sources are in ``docs/plain-language.md``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

from builder.editing.jargon import JARGON, Jargon
from builder.editing.locate import Where, as_list, where_of

MAX_WORDS = 20             # a sentence longer than this gets a hint
MIN_WORDS_FOR_SCORE = 30   # the readability score says little about shorter texts
HARD_SCORE = 50            # below this (« difficile »), a hint
LEVELS = ((90, "très facile"), (80, "facile"), (70, "assez facile"), (60, "standard"),
          (50, "assez difficile"), (30, "difficile"), (float("-inf"), "très difficile"))

# No pattern here may scan on from each place it could start (``\S+@`` did: a 100,000
# letter word took minutes): a link's text and address stop at the next bracket, and
# addresses are recognised word by word.
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_TOKEN = re.compile(r"\S+")
_MARKUP = re.compile(r"[*_`#>|]+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’·-][^\W\d_]+)*")
_VOWEL_GROUP = re.compile(r"[aeiouyàâäéèêëîïôöùûüÿœæ]+")
_SILENT_E = re.compile(r"[^aeiouyàâäéèêëîïôöùûüÿœæ]es?$")
_NEGATIONS = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "sans", "non", "nul", "nulle"})
_NEGATIVE_WORDS = ("impossible", "inutile", "incorrect", "inexact", "incomplet", "incomplete", "inconnu",
                   "ineligible", "inadapte", "invalide", "illegal", "irregulier", "irrecevable",
                   "defavorable", "insuffisant", "interdit", "negligeable", "sans")
_DOUBLE_NEGATIVE = re.compile(r"\b(?:pas|non|jamais)\s+(?:" + "|".join(_NEGATIVE_WORDS) + r")\w*")
_PASSIVE = re.compile(
    r"\b(?:est|sont|sera|seront|été|était|étaient|soit|soient|être)\s+"
    r"(\w+(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|u|ue|us|ues|ert|erte|erts|ertes))"
    r"(?:\s+\w+){0,3}?\s+par\s+(?!mois|an\b|année|semaine|jour|heure|exemple|personne|ailleurs|contre)")


@dataclass(frozen=True)
class Hint:
    """One piece of advice: a ``code`` (``long_sentence``, ``jargon``,
    ``double_negative``, ``passive``, ``hard_to_read``), the French message and the
    ``excerpt`` of the text it is about."""

    code: str
    message_fr: str
    excerpt: str


@dataclass(frozen=True)
class Readability:
    """The Kandel–Moles score of a text (higher is easier) and its level in words."""

    score: float
    level: str
    words: int
    sentences: int
    syllables: int


def plain_text(markdown: str) -> str:
    """The words of a Markdown text: links become their text, marks and addresses go."""
    text = _LINK.sub(r"\1", markdown)
    return _MARKUP.sub(" ", _TOKEN.sub(_unless_address, text))


def _unless_address(match: re.Match) -> str:
    """A word, or a space for a web or e-mail address (``x@y.z``: a dot after the @)."""
    token = match.group()
    if token.startswith(("http://", "https://", "www.")):
        return " "
    at = token.find("@", 1)
    return " " if at > 0 and token.find(".", at + 2, len(token) - 1) >= 0 else token


def sentences(text: str) -> list[str]:
    """The sentences of a text: paragraphs and list items are apart, the rest is cut
    after ``.``, ``!``, ``?`` or ``…``."""
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", plain_text(text)):
        for unit in _units(paragraph):
            found += [part.strip() for part in _SENTENCE_END.split(unit) if _WORD.search(part)]
    return found


def _units(paragraph: str) -> Iterator[str]:
    """A paragraph's list items one by one; lines that continue an item join it."""
    current: list[str] = []
    for line in paragraph.split("\n"):
        if _LIST_ITEM.match(line) and current:
            yield " ".join(current)
            current = []
        current.append(_LIST_ITEM.sub("", line).strip())
    if current:
        yield " ".join(current)


def words(text: str) -> list[str]:
    """The words of a text (« l'aide », « peut-être », « rappelé·e » are one word each)."""
    return _WORD.findall(text)


def syllables(word: str) -> int:
    """An estimate of a word's syllables: its groups of vowels, less a silent final
    « e » or « es » after a consonant; a number counts one per digit (at most 4)."""
    if word[0].isdigit():
        return min(max(sum(char.isdigit() for char in word), 1), 4)
    lowered = word.lower()
    count = len(_VOWEL_GROUP.findall(lowered))
    if count > 1 and _SILENT_E.search(lowered):
        count -= 1
    return max(count, 1)


def readability(text: str) -> Readability | None:
    """The text's score: 207 − 1,015 × words per sentence − 73,6 × syllables per word
    (Kandel and Moles' French Flesch), with its level; None for a text without words."""
    parts = sentences(text)
    found = [word for sentence in parts for word in words(sentence)]
    if not found:
        return None
    count = sum(syllables(word) for word in found)
    score = 207 - 1.015 * len(found) / len(parts) - 73.6 * count / len(found)
    level = next(name for floor, name in LEVELS if score >= floor)
    return Readability(round(score, 1), level, len(found), len(parts), count)


def text_hints(text: str, lang: str = "fr") -> list[Hint]:
    """The plain-language hints for one text; the French rules only apply to French."""
    return list(_cached_hints(text, lang))


@functools.lru_cache(maxsize=8192)
def _cached_hints(text: str, lang: str) -> tuple[Hint, ...]:
    """Hints depend on the text alone, and an edit changes few texts: work each out once."""
    return tuple(_work_out_hints(text, lang))


def _work_out_hints(text: str, lang: str) -> list[Hint]:
    hints = [_long_sentence(sentence) for sentence in sentences(text)
             if len(words(sentence)) > MAX_WORDS]
    if lang != "fr":
        return hints
    hints += _jargon_hints(plain_text(text))
    for sentence in sentences(text):
        hints += _sentence_hints(sentence)
    score = readability(text)
    if score and score.words >= MIN_WORDS_FOR_SCORE and score.score < HARD_SCORE:
        hints.append(Hint("hard_to_read", f"Ce texte est {score.level} à lire (score de lisibilité "
                          f"{score.score:.0f}). Utilisez des phrases plus courtes et des mots plus "
                          "simples.", text.strip()[:80]))
    return hints


def service_hints(data: dict) -> dict[Where, list[Hint]]:
    """The hints of every text of a service (titles, summary, help, questions, hints,
    answers, content, outcomes, links, confirmation), by where the text is."""
    languages = data.get("languages") if isinstance(data.get("languages"), list) else ["fr"]
    found: dict[Where, list[Hint]] = {}
    for path, value in text_places(data):
        for lang, text in _texts_by_language(value, str(languages[0]) if languages else "fr"):
            hints = text_hints(text, lang)
            if hints:
                found.setdefault(where_of(data, path), []).extend(hints)
    return found


# --- the rules ----------------------------------------------------------------------------

def _long_sentence(sentence: str) -> Hint:
    count = len(words(sentence))
    return Hint("long_sentence", f"Cette phrase a {count} mots. Coupez-la en phrases de {MAX_WORDS} mots "
                "au plus : une idée par phrase.", sentence)


def fold(text: str) -> str:
    """Lowercase, without accents, with straight apostrophes: how words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _jargon_hints(text: str) -> list[Hint]:
    hints = []
    for entry in JARGON:
        found = _find_term(entry, text)
        if found is not None and not _explained(entry, text, *found):
            hints.append(Hint("jargon", f"« {found[0]} » est un mot que beaucoup de personnes ne "
                              f"connaissent pas. {entry.plain}", found[0]))
    return hints


def _find_term(entry: Jargon, text: str) -> tuple[str, int] | None:
    """The first form of ``entry`` found in ``text``, as it is written there."""
    haystack, where = (text, list(range(len(text)))) if entry.is_acronym else _folded(text)
    for term in entry.terms:
        needle = re.escape(term if entry.is_acronym else fold(term))
        match = re.search(rf"(?<![\w-]){needle}(?![\w-])", haystack)
        if match is not None:
            return text[where[match.start()]:where[match.end() - 1] + 1], where[match.start()]
    return None


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index it comes from in ``text``."""
    parts = [_fold_character(char) for char in text]
    folded = "".join(parts)
    if len(folded) == len(text):  # one character for one: the usual case
        return folded, list(range(len(text)))
    return folded, [index for index, part in enumerate(parts) for _ in part]


@functools.lru_cache(maxsize=4096)
def _fold_character(char: str) -> str:
    return fold(char)


def _explained(entry: Jargon, text: str, term: str, start: int) -> bool:
    """An acronym whose long form is in the text, or that stands in brackets or right
    before brackets, is explained."""
    if not entry.is_acronym:
        return False
    if entry.expansion and fold(entry.expansion) in fold(text):
        return True
    before, after = text[:start].rstrip(), text[start + len(term):].lstrip()
    return before.endswith("(") or after.startswith("(")


def _sentence_hints(sentence: str) -> list[Hint]:
    folded = fold(sentence)
    hints = []
    tokens = re.findall(r"\w+", folded.replace("non plus", ""))
    has_ne = "ne" in tokens or re.search(r"\bn'", folded) is not None
    if (has_ne and sum(token in _NEGATIONS for token in tokens) >= 2) or _DOUBLE_NEGATIVE.search(folded):
        hints.append(Hint("double_negative", "Deux négations dans la même phrase se comprennent mal : "
                          "dites-le de façon positive.", sentence))
    passive = _PASSIVE.search(sentence.lower())
    if passive:
        hints.append(Hint("passive", "Cette phrase est à la forme passive : dites qui fait quoi (« La Caf "
                          "verse l'aide » plutôt que « L'aide est versée par la Caf »).", sentence))
    return hints


# --- the texts of a service ---------------------------------------------------------------

_SERVICE_TEXTS = (("title",), ("summary",), ("help", "text"), ("submission", "confirmation"))
_BLOCK_TEXTS = ("label", "hint", "body", "pattern_message")


def text_places(data: dict) -> Iterator[tuple[tuple, Any]]:
    """``(path, text)`` of every text a person reads, in the order of the file."""
    for path in _SERVICE_TEXTS:
        value = _get(data, path)
        if value is not None:
            yield path, value
    for index, requirement in enumerate(as_list(data.get("requirements"))):
        yield ("requirements", index), requirement
    for step_index, step in enumerate(as_list(data.get("steps"))):
        yield from _step_texts(step, ("steps", step_index))
    for index, outcome in enumerate(as_list(data.get("outcomes"))):
        if isinstance(outcome, dict):
            path = ("outcomes", index)
            yield from ((path + (key,), outcome[key]) for key in ("title", "body") if key in outcome)
            for link_index, link in enumerate(as_list(outcome.get("links"))):
                if isinstance(link, dict) and "label" in link:
                    yield path + ("links", link_index, "label"), link["label"]


def _step_texts(step: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    if not isinstance(step, dict):
        return
    if "title" in step:
        yield path + ("title",), step["title"]
    for index, block in enumerate(as_list(step.get("blocks"))):
        if not isinstance(block, dict) or "use" in block:
            continue  # the library's texts are the library's
        block_path = path + ("blocks", index)
        yield from ((block_path + (key,), block[key]) for key in _BLOCK_TEXTS if key in block)
        for option_index, option in enumerate(as_list(block.get("options"))):
            if isinstance(option, dict) and "label" in option:
                yield block_path + ("options", option_index, "label"), option["label"]


def _get(data: dict, path: tuple) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _texts_by_language(value: Any, default: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(default, value)]
    if isinstance(value, dict):
        return [(str(lang), text) for lang, text in value.items() if isinstance(text, str)]
    return []
