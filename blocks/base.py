"""The one interface every block type implements (its parameters: :mod:`blocks.params`).

A block type is a small stateless class: a name, palette labels, the parameters it
accepts (:class:`Param`), a few :class:`Example` answers, and methods to check its
parameters, clean one answer, build the WTForms field a respondent fills in, convert an
answer between the draft, the field and the studio's example form, draw the block with
its own template (:mod:`blocks.rendering`) and format an answer for people, CSV and
JSON. Everything the rest of Tremplin needs to know about a type is asked of it, never
found from its name. Built-in types live in :mod:`blocks.types`; they are registered in
:data:`blocks.registry.REGISTRY` exactly as an extension would be.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, ClassVar, Mapping

from wtforms.validators import ValidationError

from blocks import rendering
from blocks.params import COMMON_PARAMS, Example, Param
from blocks.rendering import BUILTIN_TEMPLATES
from builder.format.model import localize
from builder.messages import Problem, Suggestion, register


register({
    "blocks.required_text": ("Cette question est obligatoire : écrivez votre réponse.",
                             "This question must be answered: write your answer."),
    "blocks.required_choice": ("Cette question est obligatoire : choisissez une réponse.",
                               "This question must be answered: choose an answer."),
    "blocks.required_choices": ("Cette question est obligatoire : cochez au moins une réponse.",
                                "This question must be answered: tick at least one answer."),
})


# --- Form validation shared with the engine -------------------------------------------

class AnswerValidator:
    """A WTForms validator calling the block type's own checks.

    Forms and the engine therefore share one check. The cleaned answer is left on the
    field as ``field.cleaned`` (None when blank).
    """

    def __init__(self, block_type: "BlockType", block: dict, lang: str = "fr",
                 today: dt.date | None = None):
        self.block_type, self.block, self.lang, self.today = block_type, block, lang, today
        self.field_flags = {} if block.get("required", True) else {"optional": True}

    def __call__(self, form: Any, field: Any) -> None:
        field.cleaned = None
        try:
            field.cleaned = self.block_type.clean_answer(self.block, field.data, self.today)
        except Problem as problem:
            raise ValidationError(problem.message(self.lang)) from None


# --- The block type interface -------------------------------------------------------

class BlockType:
    """Base class of every block type; subclasses set the class attributes below.

    - ``answer_type``: the kind of value an answer is in the rules (``string``,
      ``number``, ``date``, ``boolean``, ``option``, ``options``), None for a block that
      asks nothing;
    - ``template``: the block's template (``blocks/<name>.html``), looked up in
      ``template_folder`` (see :mod:`blocks.rendering`);
    - ``check_on_change``: whether htmx checks the field as soon as it changes (typed
      answers; a radio button or a box is checked when the page is sent), and
      ``check_trigger`` the events that set the check off (htmx's ``hx-trigger``);
    - ``email_address``: whether an answer is an e-mail address at which the person may
      be written to (their copy of the answers, the reply-to of the organisation's notice);
    - ``starter`` and ``id_base``: what a block added in the studio starts with, besides
      a default for each required parameter, and the base of its id (else its label);
    - ``paper_template`` and ``paper_lines``: how the answer is drawn on the paper
      version (``blocks/paper/<name>.html``; by default ``paper_lines`` lines to write on),
      given :meth:`paper_params`.
    - ``xlsform``: what the XLSForm export writes on the block's row besides what its
      answer kind gives: ``type`` (instead of the answer kind's), ``appearance``,
      ``constraint`` (an XPath test of ``.``) and ``constraint_message`` (the code of a
      registered message, written in each language).
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    label_en: ClassVar[str] = ""
    answer_type: ClassVar[str | None] = None
    params: ClassVar[tuple[Param, ...]] = ()
    examples: ClassVar[tuple[Example, ...]] = ()
    template: ClassVar[str] = ""
    template_folder: ClassVar[str] = BUILTIN_TEMPLATES
    required_code: ClassVar[str] = "blocks.required_text"
    field_class: ClassVar[Any] = None
    check_on_change: ClassVar[bool] = True
    check_trigger: ClassVar[str] = "change"
    email_address: ClassVar[bool] = False
    starter: ClassVar[Mapping[str, Any]] = {}
    id_base: ClassVar[str] = ""
    paper_template: ClassVar[str] = "blocks/paper/lines.html"
    paper_lines: ClassVar[int] = 1
    xlsform: ClassVar[Mapping[str, str]] = {}

    @property
    def is_question(self) -> bool:
        """True when a block of this type asks for an answer."""
        return self.answer_type is not None

    # -- parameters

    def all_params(self) -> tuple[Param, ...]:
        """Every parameter this type accepts: the common ones, then its own."""
        return COMMON_PARAMS + self.params

    def param(self, name: str) -> Param:
        """The parameter called ``name`` (KeyError when the type has none)."""
        return {param.name: param for param in self.all_params()}[name]

    def value(self, block: Mapping, name: str) -> Any:
        """The parameter's value in ``block``, else its default (None if the type lacks it)."""
        defaults = {param.name: param.default for param in self.all_params()}
        return block.get(name, defaults.get(name))

    def normalize(self, block: Mapping) -> dict:
        """A new dict with shorthands expanded (the base type only copies)."""
        return copy.deepcopy(dict(block))

    def check_params(self, block: Mapping) -> list[Problem]:
        """Impossible combinations of parameters; values of the wrong kind are skipped."""
        return []

    def check_block(self, block: Mapping) -> list[Problem]:
        """Every problem of a block: unknown, missing or ill-typed parameters, then
        impossible ones (at most one problem per path). ``type`` is allowed."""
        known = {param.name: param for param in self.all_params()}
        problems = [self._unknown(key, known) for key in block if key not in known
                    and key != "type"]
        for name, param in known.items():
            if name not in block:
                if param.required:
                    problems.append(Problem("blocks.param_missing", path=(name,), name=name))
            elif (problem := param.check(block[name])) is not None:
                problems.append(problem)
        seen = {problem.path[:1] for problem in problems}
        problems += [p for p in self.check_params(block) if p.path[:1] not in seen]
        return problems

    def _unknown(self, key: Any, known: Mapping) -> Problem:
        return Problem("blocks.param_unknown", path=(key,), name=key, type=self.name,
                       hint=Suggestion.among(str(key), ["type", *known]))

    def json_schema(self) -> dict:
        """The JSON Schema of a block of this type, as written in a service file."""
        params = self.all_params()
        properties = {"type": {"const": self.name}}
        properties.update({param.name: param.json_schema() for param in params})
        return {"type": "object", "title": self.label, "description": self.label_en,
                "properties": properties, "additionalProperties": False,
                "required": ["type", *(p.name for p in params if p.required)]}

    # -- answers

    def is_blank(self, value: Any) -> bool:
        """True when ``value`` is no answer at all: None, blank text or an empty list."""
        if value is None:
            return True
        if isinstance(value, str):
            return not value.strip()
        return isinstance(value, (list, tuple)) and not value

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Check and convert one non-blank answer; raise :class:`Problem` if it fails."""
        raise NotImplementedError

    def clean_answer(self, block: Mapping, value: Any, today: dt.date | None = None) -> Any:
        """Like :meth:`clean`, but a blank answer gives None, or a Problem if required."""
        if self.is_blank(value):
            if block.get("required", True):
                raise Problem(self.required_code)
            return None
        return self.clean(block, value, today)

    # -- the respondent's field

    def form_field(self, block: Mapping, lang: str = "fr", languages: tuple = ("fr",),
                   today: dt.date | None = None) -> Any:
        """The unbound WTForms field for this block (None for content)."""
        render_kw = self.render_kw(block)
        return self.field_type(block)(
            label=localize(block.get("label"), lang, languages),
            description=self.description(block, lang, languages),
            validators=[AnswerValidator(self, block, lang, today)],
            render_kw=render_kw or None,
            **self.field_options(block, lang, languages),
        )

    def field_type(self, block: Mapping) -> Any:
        """The WTForms field class for this block (``field_class`` unless overridden)."""
        return self.field_class

    def description(self, block: Mapping, lang: str, languages: tuple) -> str:
        """The text shown under the label: the block's hint."""
        return localize(block.get("hint"), lang, languages)

    def render_kw(self, block: Mapping) -> dict:
        """HTML attributes that help on phones (inputmode, autocomplete, type)."""
        autocomplete = self.value(block, "autocomplete")
        return {"autocomplete": autocomplete} if autocomplete else {}

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """Extra keyword arguments for ``field_class`` (choices, widgets…)."""
        return {}

    def template_params(self, block_id: str, block: Mapping, field: Any, heading: bool) -> dict:
        """The one mapping the block's template takes (see :func:`blocks.rendering.params`)."""
        return rendering.params(block_id, block, field, heading)

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """The one mapping the block's paper template takes: ``id``, ``block``, ``lang``,
        ``lines`` (how many lines to write on) and ``instruction`` (« Cochez une seule
        case. », "" when the drawing says it all)."""
        return {"id": block_id, "block": block, "lang": lang, "lines": self.paper_lines, "instruction": ""}

    # -- values, in the manner of Wagtail's FieldBlock

    def value_from_form(self, block: Mapping, posted: list) -> Any:
        """What a person posted under the block's name (every value) as the answer to
        clean: the first value (None when nothing was posted)."""
        return posted[0] if posted else None

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """A stored answer (as :meth:`format_json` gave it) as the field shows it again."""
        return stored

    def value_from_json(self, block: Mapping, stored: Any) -> Any:
        """A stored answer back as this type's own value (the reverse of :meth:`format_json`),
        without checking it again."""
        return stored

    def value_for_text(self, block: Mapping, value: Any) -> str:
        """An answer on one line, as the studio's example form shows it: yes/no as
        ``oui``/``non``, dates as ``2007-03-02``, lists separated by commas."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    def value_from_text(self, block: Mapping, text: str) -> Any:
        """The line typed in the studio's example form, as the answer to clean."""
        return text

    # -- formatting

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """The answer for a person to read ("" when blank)."""
        return "" if value is None else str(value)

    def format_csv(self, block: Mapping, value: Any) -> str:
        """The answer as one CSV cell ("" when blank)."""
        return "" if value is None else str(value)

    def format_json(self, block: Mapping, value: Any) -> Any:
        """The answer as a JSON-able value (None when blank)."""
        return value

    def format_prefill(self, block: Mapping, value: Any) -> Any:
        """The answer as a démarche's field takes it (démarches-simplifiées' prefill, see
        :mod:`builder.demarches`): a text (``true``/``false`` for yes or no, dates as
        ``2007-03-02``), or a list of texts."""
        stored = self.format_json(block, value)
        if isinstance(stored, bool):
            return "true" if stored else "false"
        if isinstance(stored, list):
            return [str(item) for item in stored]
        return "" if stored is None else str(stored)

    def __repr__(self) -> str:
        return f"<block type {self.name}>"
