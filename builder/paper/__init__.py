"""The paper version of a service: the same questions and the same rules, to fill in by hand.

:func:`paper_of` makes a :class:`Paper` from a loaded service, without Flask: each step
and each question with its « Répondez seulement si … » in words
(:func:`builder.rules.in_words.condition_in_words`), each question's answer drawn by its
block type (``BlockType.paper_template`` and ``paper_params``: boxes, lines, a date's
digits), the outcomes as a self-check (« Vous pouvez sans doute demander … si … »), the
address of the service online and its QR code. One template,
``builder/templates/paper/paper.html``, makes both the page to print from a browser and
the PDF (:mod:`builder.paper.pdf`); ``tremplin paper`` (:mod:`builder.paper.cli`) writes
either one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import segno

from builder.format.model import Block, Service, Step, localize
from builder.rules.in_words import Glossary, always, condition_in_words, glossary_of, never


@dataclass(frozen=True)
class PaperBlock:
    """A block on paper: its number (questions only), its texts, when to answer it,
    and how its type draws the answer (``template`` given ``params``)."""

    block: Block
    number: int | None
    label: str
    hint: str
    optional: bool
    only_if: str
    template: str
    params: dict


@dataclass(frozen=True)
class PaperStep:
    """A step on paper: its title, when to answer it, and its blocks."""

    title: str
    only_if: str
    blocks: list[PaperBlock]


@dataclass(frozen=True)
class PaperOutcome:
    """An outcome as a self-check: when it applies in words, its amount, what to do, its source."""

    title: str
    when: str
    amount: str
    body: str
    links: list[tuple[str, str]]
    source: tuple[str, str, Any] | None


@dataclass(frozen=True)
class Paper:
    """Everything the paper version shows, in one language."""

    service: Service
    lang: str
    url: str
    qr_code: str  # a data: URI (PNG), to print
    steps: list[PaperStep]
    outcomes: list[PaperOutcome] = field(default_factory=list)

    def text(self, key: str) -> str:
        """A top-level text of the service (title, summary, duration) in the paper's language."""
        return self.service.text(key, self.lang)

    @property
    def requirements(self) -> list[str]:
        """What to have at hand, in the paper's language."""
        return [localize(item, self.lang, self.service.languages) for item in self.service.data.get("requirements") or []]

    @property
    def sends(self) -> bool:
        """Whether the answers are sent online: a box is left for the reference they get."""
        return "submission" in self.service.data


def paper_of(service: Service, lang: str, url: str) -> Paper:
    """The paper version of ``service`` in ``lang``; ``url`` is its address online."""
    lang = lang if lang in service.languages else service.default_language
    glossary = glossary_of(service, lang)
    numbers = iter(range(1, len(service.blocks) + 1))
    # what is never asked (``show_if: false``) or never applies (``when: false``) is left out
    steps = [_step(step, service, glossary, lang, numbers) for step in service.steps if not never(step.show_if)]
    outcomes = [_outcome(outcome, service, glossary, lang) for outcome in service.outcomes if not never(outcome.when)]
    return Paper(service, lang, url, qr_code(url), steps, outcomes)


def qr_code(url: str) -> str:
    """The QR code of ``url`` as a PNG data: URI, one pixel per module, to be enlarged
    without blur (``image-rendering: pixelated``)."""
    return segno.make(url, error="m").png_data_uri(scale=1, border=4)


def only_if(condition: Any, glossary: Glossary, lang: str) -> str:
    """« si … » when the condition may be false; "" when it always holds."""
    return "" if always(condition) else condition_in_words(condition, glossary, lang)


def _step(step: Step, service: Service, glossary: Glossary, lang: str, numbers) -> PaperStep:
    blocks = [_block(block, service, glossary, lang, numbers) for block in step.blocks if not never(block.show_if)]
    return PaperStep(localize(step.title, lang, service.languages), only_if(step.show_if, glossary, lang), blocks)


def _block(block: Block, service: Service, glossary: Glossary, lang: str, numbers) -> PaperBlock:
    kind, languages = block.type, service.languages
    return PaperBlock(block, next(numbers) if block.is_question else None,
                      block.text("label", lang, languages) if block.is_question else "",
                      block.text("hint", lang, languages), block.is_question and not block.required,
                      only_if(block.show_if, glossary, lang), kind.paper_template,
                      kind.paper_params(block.id, block.params, lang, languages))


def _outcome(outcome: Any, service: Service, glossary: Glossary, lang: str) -> PaperOutcome:
    def text(value: Any) -> str:
        return localize(value, lang, service.languages)

    source = outcome.source
    return PaperOutcome(text(outcome.title), only_if(outcome.when, glossary, lang), text(outcome.amount),
                        text(outcome.body), [(text(link.get("label")), link["url"]) for link in outcome.links],
                        (text(source.get("label")), source["url"], source.get("checked")) if source else None)
