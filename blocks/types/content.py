"""The ``content`` block: Markdown shown to the reader, asking nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from blocks.base import BlockType
from blocks.params import Example, Param, common_param
from builder.format.model import localize
from builder.messages import Problem, register

register({
    "blocks.content_no_answer": (
        "Ce bloc affiche un texte : il n'attend pas de réponse.",
        "This block shows a text: it takes no answer."),
})


class ContentBlock(BlockType):
    """A piece of text between questions: an explanation, a warning, a list of papers."""

    name = "content"
    label, label_en = "Texte à lire", "Text to read"
    answer_type = None
    template = "blocks/content.html"
    paper_template = "blocks/paper/content.html"
    id_base = "texte"
    params = (
        Param("body", "markdown", required=True,
              doc="Le texte affiché (Markdown : titres, listes, liens).",
              doc_en="The text shown (Markdown: headings, lists, links)."),
    )
    examples = (
        Example(block={"id": "pieces", "label": "Les papiers à préparer",
                       "body": "- une pièce d'identité\n- un justificatif de domicile"}),
        Example(block={"id": "attention", "body": "**Attention** : l'aide est limitée."}),
    )

    def all_params(self) -> tuple[Param, ...]:
        """``id``, an optional ``label`` (a heading), ``show_if`` and ``body``."""
        label = Param("label", "text", doc="Un titre affiché au-dessus du texte.",
                      doc_en="A heading shown above the text.")
        return (common_param("id"), label, common_param("show_if"), *self.params)

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """Its heading and its text, to read."""
        return {**super().paper_params(block_id, block, lang, languages), "lines": 0,
                "title": localize(block.get("label"), lang, languages),
                "body": localize(block.get("body"), lang, languages)}

    def is_blank(self, value: Any) -> bool:
        """Content never has an answer."""
        return True

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Content takes no answer: any value is a problem."""
        raise Problem("blocks.content_no_answer")

    def clean_answer(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Always None: nothing is asked."""
        return None

    def form_field(self, block: Mapping, lang: str = "fr", languages: tuple = ("fr",),
                   today: dt.date | None = None) -> None:
        """No field: the template shows the body."""
        return None

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """Nothing to show."""
        return ""

    def format_csv(self, block: Mapping, value: Any) -> str:
        """Nothing to export."""
        return ""

    def format_json(self, block: Mapping, value: Any) -> Any:
        """Nothing to export."""
        return None
