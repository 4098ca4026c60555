"""Blocks answered by choosing: choice, choices, yesno and consent."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Mapping

from wtforms import widgets
from wtforms.fields import BooleanField, RadioField, SelectField, SelectMultipleField

from wtforms.fields.choices import SelectChoice

from blocks.base import BlockType
from blocks.params import Example, Param
from builder.format.model import localize
from builder.messages import Problem, register, render

register({
    "blocks.choice_invalid": (
        "Choisissez une des réponses proposées.",
        "Choose one of the answers offered."),
    "blocks.choices_invalid": (
        "Cochez seulement des réponses proposées.",
        "Tick only answers that are offered."),
    "blocks.choices_min": ("Cochez au moins {min} réponse{s}.",
                           "Tick at least {min} answer{s}."),
    "blocks.choices_max": ("Cochez au plus {max} réponse{s}.",
                           "Tick at most {max} answer{s}."),
    "blocks.choices_exact": ("Cochez exactement {min} réponse{s}.",
                             "Tick exactly {min} answer{s}."),
    "blocks.yesno_invalid": ("Répondez par oui ou par non.", "Answer yes or no."),
    "blocks.consent_refused": (
        "Pour continuer, cochez la case pour donner votre accord.",
        "To continue, tick the box to give your agreement."),
    "blocks.consent_invalid": (
        "Cochez la case pour donner votre accord, ou laissez-la vide.",
        "Tick the box to give your agreement, or leave it empty."),
    "blocks.options_empty": (
        "Donnez au moins une réponse possible dans « options ».",
        "Give at least one possible answer in “options”."),
    "blocks.option_duplicate": (
        "La valeur « {value} » est déjà celle de la réponse n° {first} : "
        "chaque réponse doit avoir sa propre valeur.",
        "The value “{value}” is already used by answer number {first}: "
        "each answer needs its own value."),
    "blocks.min_choices_above_max": (
        "« min_choices » ({min}) est plus grand que « max_choices » ({max}) : "
        "aucune réponse ne serait acceptée.",
        "“min_choices” ({min}) is greater than “max_choices” ({max}): "
        "no answer could be accepted."),
    "blocks.min_choices_above_options": (
        "« min_choices » ({min}) est plus grand que le nombre de réponses proposées ({count}).",
        "“min_choices” ({min}) is greater than the number of answers offered ({count})."),
    "blocks.choices_bound": ("« {name} » doit valoir au moins {least}.",
                             "“{name}” must be at least {least}."),
    "blocks.yes": ("Oui", "Yes"),
    "blocks.no": ("Non", "No"),
    "blocks.choose": ("Choisissez une réponse", "Choose an answer"),
    "blocks.paper_one": ("Cochez une seule case.", "Tick one box only."),
    "blocks.paper_several": ("Cochez une ou plusieurs cases.", "Tick one or more boxes."),
    "blocks.paper_at_least": ("Cochez au moins {min} case{s}.", "Tick at least {min} box{es}."),
    "blocks.paper_at_most": ("Cochez au plus {max} case{s}.", "Tick at most {max} box{es}."),
    "blocks.paper_range": ("Cochez de {min} à {max} cases.", "Tick {min} to {max} boxes."),
    "blocks.paper_consent": ("Cochez la case pour donner votre accord.", "Tick the box to give your agreement."),
})

TRUE_WORDS = frozenset({"oui", "o", "yes", "y", "true", "vrai", "1", "on"})
FALSE_WORDS = frozenset({"non", "n", "no", "false", "faux", "0", "off"})


def parse_bool(value: Any) -> bool | None:
    """True/False from a typed or written answer (oui, non, yes, true…), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = value.strip().lower() if isinstance(value, str) else None
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _plural(count: int) -> str:
    """The « s » of « réponses » (and of "answers")."""
    return "" if count == 1 else "s"


def _option_value(raw: Any) -> Any:
    is_number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    return str(raw) if is_number else raw


def normalize_option(option: Any) -> Any:
    """``"Autre"`` → ``{"value": "Autre", "label": "Autre"}``; numbers become text.
    Malformed options are left as written, for the parameter check to report."""
    if isinstance(option, Mapping):
        option = dict(option)
        if "value" in option:
            option["value"] = _option_value(option["value"])
            option.setdefault("label", option["value"])
        return option
    value = _option_value(option)
    return {"value": value, "label": value} if isinstance(value, str) else option


def iter_options(block: Mapping) -> Iterator[tuple[str, Any]]:
    """``(value, label)`` of each well-formed option, shorthand or not."""
    options = block.get("options")
    for option in options if isinstance(options, list) else ():
        option = normalize_option(option)
        if isinstance(option, Mapping) and isinstance(option.get("value"), str):
            yield option["value"], option["label"]


def option_label(block: Mapping, value: str, lang: str = "fr") -> str:
    """The label of the option whose value is ``value`` (the value when unknown)."""
    labels = dict(iter_options(block))
    return localize(labels[value], lang) if value in labels else str(value)


class MultipleCheckboxField(SelectMultipleField):
    """Checkboxes, one per option."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConsentField(BooleanField):
    """A checkbox whose posted value the consent block checks itself."""

    def process_formdata(self, valuelist: list) -> None:
        """Unchecked is False; "non", "false"… are False; unknown text is kept."""
        if not valuelist:
            self.data = False
            return
        parsed = parse_bool(valuelist[0] or "false")
        self.data = valuelist[0] if parsed is None else parsed


class OptionsBlock(BlockType):
    """Shared behaviour of the blocks whose answers are listed in ``options``."""

    required_code = "blocks.required_choice"
    check_on_change = False

    def normalize(self, block: Mapping) -> dict:
        """Options written as plain text become ``{value, label}``."""
        block = super().normalize(block)
        if isinstance(block.get("options"), list):
            block["options"] = [normalize_option(option) for option in block["options"]]
        return block

    def check_params(self, block: Mapping) -> list[Problem]:
        """At least one option, and no two options with the same value."""
        options = block.get("options")
        if not isinstance(options, list):
            return [] if "options" in block else [Problem("blocks.options_empty",
                                                          path=("options",))]
        if not options:
            return [Problem("blocks.options_empty", path=("options",))]
        return self._duplicates(options)

    def _duplicates(self, options: list) -> list[Problem]:
        problems, first = [], {}
        for index, option in enumerate(options):
            option = normalize_option(option)
            value = option.get("value") if isinstance(option, Mapping) else None
            if not isinstance(value, str):
                continue
            if value in first:
                problems.append(Problem("blocks.option_duplicate", path=("options", index),
                                        value=value, first=first[value] + 1))
            first.setdefault(value, index)
        return problems

    def choices(self, block: Mapping, lang: str, languages: tuple) -> list:
        """The options as WTForms choices."""
        return [SelectChoice(value, localize(label, lang, languages))
                for value, label in iter_options(block)]

    paper_template = "blocks/paper/boxes.html"

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """One box per option, and how many to tick."""
        return {**super().paper_params(block_id, block, lang, languages),
                "options": [localize(label, lang, languages) for _, label in iter_options(block)],
                "instruction": self.paper_instruction(block, lang)}

    def paper_instruction(self, block: Mapping, lang: str) -> str:
        """« Cochez une seule case. »"""
        return render("blocks.paper_one", lang)

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """The option labels, separated by commas."""
        if value is None:
            return ""
        values = value if isinstance(value, list) else [value]
        return ", ".join(option_label(block, item, lang) for item in values)


    def format_prefill(self, block: Mapping, value: Any) -> Any:
        """The label of each option chosen, as a démarche's drop-down list shows it."""
        labels = [option_label(block, item) for item in (value if isinstance(value, list) else [value])]
        return labels if isinstance(value, list) else labels[0]


class ChoiceBlock(OptionsBlock):
    """One answer among several: radio buttons, or a dropdown list."""

    name = "choice"
    label, label_en = "Choix unique", "Single choice"
    answer_type = "option"
    template = "blocks/choice.html"
    params = (
        Param("options", "options", required=True,
              doc="Les réponses possibles : un texte, ou une valeur (value) "
                  "et un libellé (label).",
              doc_en="The possible answers: a text, or a value and a label."),
        Param("display", "enum", default="radio", choices=("radio", "dropdown"),
              doc="radio (boutons, par défaut) ou dropdown (liste déroulante).",
              doc_en="radio (buttons, the default) or dropdown (a drop-down list)."),
    )
    examples = (
        Example(block={"id": "statut", "label": "Quelle est votre situation ?",
                       "options": [{"value": "apprenti", "label": "En apprentissage"},
                                   {"value": "etudiant", "label": "Étudiant ou étudiante"},
                                   "Autre"]},
                valid=(("apprenti", "apprenti"), (" Autre ", "Autre")),
                invalid=("En apprentissage", "salarie", ["apprenti"])),
        Example(block={"id": "note", "label": "Votre note", "display": "dropdown",
                       "options": [1, 2, 3]},
                valid=(("2", "2"), (3, "3")), invalid=("4",)),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The value of the option chosen."""
        text = _option_value(value)
        if not isinstance(text, str) or text.strip() not in dict(iter_options(block)):
            raise Problem("blocks.choice_invalid", value=value)
        return text.strip()

    def field_type(self, block: Mapping) -> Any:
        """Radio buttons, or a dropdown list when ``display: dropdown``."""
        return SelectField if block.get("display") == "dropdown" else RadioField

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """The options; a dropdown starts on an empty « Choisissez une réponse »."""
        choices = self.choices(block, lang, languages)
        if block.get("display") == "dropdown":
            choices = [SelectChoice("", render("blocks.choose", lang)), *choices]
        return {"choices": choices, "validate_choice": False}


class ChoicesBlock(OptionsBlock):
    """Several answers among several: checkboxes."""

    name = "choices"
    label, label_en = "Choix multiples", "Multiple choice"
    answer_type = "options"
    template = "blocks/choices.html"
    required_code = "blocks.required_choices"
    field_class = MultipleCheckboxField
    params = (
        ChoiceBlock.params[0],
        Param("min_choices", "integer", doc="Nombre de réponses à cocher au moins.",
              doc_en="The fewest answers to tick."),
        Param("max_choices", "integer", doc="Nombre de réponses à cocher au plus.",
              doc_en="The most answers to tick."),
    )
    examples = (
        Example(block={"id": "besoins", "label": "De quoi avez-vous besoin ?",
                       "options": ["Logement", "Emploi", "Santé", "Transport"],
                       "min_choices": 1, "max_choices": 2},
                valid=((["Emploi", "Logement"], ["Logement", "Emploi"]),
                       (["Santé"], ["Santé"]), ("Emploi", ["Emploi"]),
                       (["Santé", "Santé"], ["Santé"])),
                invalid=(["Logement", "Emploi", "Santé"], ["Loisirs"], 3)),
    )

    def check_params(self, block: Mapping) -> list[Problem]:
        """Options as for choice, and bounds that some answer can meet."""
        problems = super().check_params(block)
        low, high = block.get("min_choices"), block.get("max_choices")
        low = low if isinstance(low, int) and not isinstance(low, bool) else None
        high = high if isinstance(high, int) and not isinstance(high, bool) else None
        count = len(list(iter_options(block)))
        if low is not None and low < 0:
            problems.append(Problem("blocks.choices_bound", path=("min_choices",),
                                    name="min_choices", least=0))
        if high is not None and high < 1:
            problems.append(Problem("blocks.choices_bound", path=("max_choices",),
                                    name="max_choices", least=1))
        if low is not None and high is not None and low > high:
            problems.append(Problem("blocks.min_choices_above_max", path=("min_choices",),
                                    min=low, max=high))
        elif low is not None and count and low > count:
            problems.append(Problem("blocks.min_choices_above_options",
                                    path=("min_choices",), min=low, count=count))
        return problems

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> list[str]:
        """The values ticked, without repeats, in the order of the options."""
        items = [value] if isinstance(value, (str, int, float)) else value
        if not isinstance(items, (list, tuple)):
            raise Problem("blocks.choices_invalid", value=value)
        chosen = {str(_option_value(item)).strip() for item in items}
        values = [option for option, _ in iter_options(block)]
        if chosen - set(values):
            raise Problem("blocks.choices_invalid", value=value)
        self._check_count(block, len(chosen))
        return [option for option in values if option in chosen]

    def _check_count(self, block: Mapping, count: int) -> None:
        low, high = block.get("min_choices"), block.get("max_choices")
        if low is not None and low == high and count != low:
            raise Problem("blocks.choices_exact", min=low, s=_plural(low))
        if low is not None and count < low:
            raise Problem("blocks.choices_min", min=low, s=_plural(low))
        if high is not None and count > high:
            raise Problem("blocks.choices_max", max=high, s=_plural(high))

    def value_from_form(self, block: Mapping, posted: list) -> Any:
        """Every box ticked."""
        return list(posted)

    def value_from_text(self, block: Mapping, text: str) -> Any:
        """The values, separated by commas."""
        return [item.strip() for item in text.split(",")]

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """One checkbox per option."""
        return {"choices": self.choices(block, lang, languages), "validate_choice": False}

    def format_csv(self, block: Mapping, value: Any) -> str:
        """The values, separated by « ; »."""
        return "" if value is None else "; ".join(value)

    def paper_instruction(self, block: Mapping, lang: str) -> str:
        """« Cochez une ou plusieurs cases. », or the bounds of ``min_choices`` / ``max_choices``."""
        low, high = block.get("min_choices"), block.get("max_choices")
        low = low if isinstance(low, int) and low > 1 else None
        high = high if isinstance(high, int) and not isinstance(high, bool) else None
        if low and high:
            return render("blocks.paper_range", lang, min=low, max=high)
        if low or high:
            count = low or high
            return render("blocks.paper_at_least" if low else "blocks.paper_at_most", lang,
                          min=count, max=count, s=_plural(count), es="" if count == 1 else "es")
        return render("blocks.paper_several", lang)


def _yes_no(value: Any) -> str:
    """Coerce for the yes/no radio: booleans (stored answers) become "oui"/"non"."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


class BooleanBlock(BlockType):
    """Shared formatting of the blocks whose answer is true or false."""

    answer_type = "boolean"
    check_on_change = False

    def format_text(self, block: Mapping, value: Any, lang: str = "fr") -> str:
        """« Oui » or « Non »."""
        if value is None:
            return ""
        return render("blocks.yes" if value else "blocks.no", lang)

    def format_csv(self, block: Mapping, value: Any) -> str:
        """``oui`` or ``non``."""
        return "" if value is None else ("oui" if value else "non")

    paper_template = "blocks/paper/boxes.html"

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """Two boxes, « Oui » and « Non »."""
        return {**super().paper_params(block_id, block, lang, languages),
                "options": [render("blocks.yes", lang), render("blocks.no", lang)],
                "instruction": render("blocks.paper_one", lang)}


class YesNoBlock(BooleanBlock):
    """A question answered by yes or no."""

    name = "yesno"
    label, label_en = "Oui ou non", "Yes or no"
    template = "blocks/yesno.html"
    required_code = "blocks.required_choice"
    field_class = RadioField
    examples = (
        Example(block={"id": "boursier", "label": "Êtes-vous boursier ou boursière ?"},
                valid=(("oui", True), ("Non", False), (True, True), (False, False),
                       ("yes", True), ("false", False)),
                invalid=("peut-être", "2")),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> bool:
        """True for oui/yes/true, False for non/no/false."""
        parsed = parse_bool(value)
        if parsed is None:
            raise Problem("blocks.yesno_invalid", value=value)
        return parsed

    def value_for_form(self, block: Mapping, stored: Any) -> Any:
        """``oui`` or ``non``, the values of the two radio buttons."""
        return None if stored is None else _yes_no(stored)

    def field_options(self, block: Mapping, lang: str, languages: tuple) -> dict:
        """Two radio buttons, Oui and Non (values ``oui`` and ``non``)."""
        choices = [SelectChoice("oui", render("blocks.yes", lang)),
                   SelectChoice("non", render("blocks.no", lang))]
        return {"choices": choices, "coerce": _yes_no, "validate_choice": False}


class ConsentBlock(BooleanBlock):
    """A box to tick to agree; the label says what is agreed to."""

    name = "consent"
    label, label_en = "Consentement", "Consent"
    template = "blocks/consent.html"
    field_class = ConsentField
    xlsform = {"type": "acknowledge"}
    starter = {"label": "J'accepte que mes réponses soient utilisées pour traiter ma demande."}
    id_base = "accord"
    params = (
        Param("body", "markdown",
              doc="Explications affichées avant la case à cocher (Markdown).",
              doc_en="Explanations shown before the box (Markdown)."),
    )
    examples = (
        Example(block={"id": "accord", "label": "J'accepte que mes réponses soient "
                       "utilisées pour traiter ma demande."},
                valid=((True, True), ("y", True), ("oui", True), ("on", True)),
                invalid=(False, "non", "peut-être")),
        Example(block={"id": "lettre", "label": "Je veux recevoir la lettre d'information.",
                       "required": False},
                valid=((True, True), (False, False), ("non", False))),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> bool:
        """True; False only when the consent is optional (``required: false``)."""
        parsed = parse_bool(value)
        if parsed is None:
            raise Problem("blocks.consent_invalid", value=value)
        if not parsed and block.get("required", True):
            raise Problem("blocks.consent_refused")
        return parsed

    def paper_params(self, block_id: str, block: Mapping, lang: str = "fr",
                     languages: tuple = ("fr",)) -> dict:
        """The explanations, then one box to tick."""
        return {**super().paper_params(block_id, block, lang, languages),
                "body": localize(block.get("body"), lang, languages),
                "options": [render("blocks.yes", lang)], "instruction": render("blocks.paper_consent", lang)}
