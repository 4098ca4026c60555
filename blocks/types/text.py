"""Blocks whose answer is a string: text, textarea, email, phone and postcode."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from wtforms.fields import EmailField, StringField, TelField, TextAreaField

from blocks.base import BlockType
from blocks.params import Example, Param
from builder import patterns
from builder.format.model import localize
from builder.messages import Problem, register

register({
    "blocks.text_type": (
        "Écrivez votre réponse sous forme de texte.",
        "Write your answer as text."),
    "blocks.text_too_long": (
        "Écrivez au plus {max} caractères : votre réponse en a {count}.",
        "Write at most {max} characters: your answer has {count}."),
    "blocks.text_pattern": (
        "Vérifiez votre réponse : elle n'a pas la forme demandée.",
        "Check your answer: it is not in the expected form."),
    "blocks.text_pattern_custom": ("{fr}", "{en}"),
    "blocks.email_invalid": (
        "Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.",
        "Enter a full email address, for example name@example.com."),
    "blocks.phone_invalid": (
        "Écrivez un numéro de téléphone à 10 chiffres, par exemple 06 12 34 56 78, "
        "ou avec l'indicatif du pays, par exemple +32 2 123 45 67.",
        "Enter a 10-digit French phone number, for example 06 12 34 56 78, "
        "or a number with its country code, for example +44 20 7946 0958."),
    "blocks.postcode_invalid": (
        "Écrivez un code postal français à 5 chiffres, par exemple 75020.",
        "Enter a 5-digit French postcode, for example 75020."),
    "blocks.max_length_positive": (
        "« max_length » doit être un nombre entier plus grand que 0.",
        "“max_length” must be a whole number greater than 0."),
    "blocks.pattern_message_alone": (
        "« pattern_message » ne sert que si « pattern » est donné.",
        "“pattern_message” is only used together with “pattern”."),
})

AUTOCOMPLETE_TOKENS = (
    "off", "name", "given-name", "family-name", "additional-name", "nickname",
    "email", "tel", "street-address", "address-line1", "address-line2",
    "address-level1", "address-level2", "postal-code", "country-name",
    "bday", "organization", "organization-title",
)
SPACES = re.compile(r"[\s\u00a0\u202f]+")
# The WHATWG HTML "valid e-mail address" (what browsers check for type=email), with
# at least one dot in the domain.
EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")
PHONE_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-/()]")
FRENCH_PHONE = re.compile(r"(?:0|\+330?)([1-9]\d{8})")
INTERNATIONAL_PHONE = re.compile(r"\+[1-9]\d{6,14}")
# Metropolitan departments 01–95 (Corsica's postcodes start with 20), overseas 97, 98.
POSTCODE = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}")


def autocomplete_param(default: str | None = None) -> Param:
    """The ``autocomplete`` parameter, with a default suited to the type."""
    return Param("autocomplete", "enum", default=default, choices=AUTOCOMPLETE_TOKENS,
                 doc="Ce que le téléphone peut proposer de remplir (given-name, bday…).",
                 doc_en="What the phone may offer to fill in (given-name, bday…).")


MAX_LENGTH = Param("max_length", "integer",
                   doc="Nombre de caractères au plus.",
                   doc_en="The largest number of characters.")


def as_text(value: Any) -> str:
    """A typed answer as stripped text; numbers are accepted (YAML may give them)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise Problem("blocks.text_type")


def check_max_length(block: Mapping) -> list[Problem]:
    """``max_length`` must be positive."""
    limit = block.get("max_length")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit <= 0:
        return [Problem("blocks.max_length_positive", path=("max_length",))]
    return []


def enforce_max_length(block: Mapping, text: str) -> str:
    """``text``, or a Problem when it is longer than ``max_length``."""
    limit = block.get("max_length")
    if isinstance(limit, int) and len(text) > limit:
        raise Problem("blocks.text_too_long", max=limit, count=len(text))
    return text


class StringBlock(BlockType):
    """Shared behaviour of the blocks whose answer is a string."""

    answer_type = "string"
    field_class = StringField

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The stripped text (subclasses check more)."""
        return as_text(value)


class TextBlock(StringBlock):
    """A short text on one line, optionally checked against a pattern."""

    name = "text"
    label, label_en = "Texte court", "Short text"
    template = "blocks/text.html"
    params = (
        MAX_LENGTH,
        Param("pattern", "regex",
              doc="Expression régulière que toute la réponse doit suivre.",
              doc_en="A regular expression the whole answer must match."),
        Param("pattern_message", "text",
              doc="Message affiché quand la réponse ne suit pas le motif.",
              doc_en="The message shown when the answer does not match the pattern."),
        autocomplete_param(),
    )
    examples = (
        Example(block={"id": "prenom", "label": "Votre prénom", "max_length": 10},
                valid=(("  Awa ", "Awa"), ("Jean-Marc", "Jean-Marc"), (2024, "2024")),
                invalid=("Maximilienne",)),
        Example(block={"id": "dossier", "label": "Numéro de dossier",
                       "pattern": r"[A-Z]{2}\d{4}",
                       "pattern_message": {"fr": "Écrivez 2 lettres puis 4 chiffres.",
                                           "en": "Enter 2 letters then 4 digits."}},
                valid=(("AB1234", "AB1234"),), invalid=("ab12", "AB12345")),
        Example(block={"id": "code", "label": "Code", "pattern": r"\d{3}"},
                valid=(("123", "123"),), invalid=("12a",)),
    )

    def check_params(self, block: Mapping) -> list[Problem]:
        """``max_length`` > 0, a compilable ``pattern``, no ``pattern_message`` alone."""
        problems = check_max_length(block)
        pattern = block.get("pattern")
        if isinstance(pattern, str):
            problem = self.param("pattern").check(pattern)
            problems += [problem] if problem else []
        elif "pattern" not in block and "pattern_message" in block:
            problems.append(Problem("blocks.pattern_message_alone", path=("pattern_message",)))
        return problems

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The stripped text, checked for length and pattern."""
        text = enforce_max_length(block, as_text(value))
        pattern = block.get("pattern")
        if pattern and not patterns.fullmatch(pattern, text):  # RE2: linear time
            message = block.get("pattern_message")
            if message:
                raise Problem("blocks.text_pattern_custom",
                              fr=localize(message, "fr"), en=localize(message, "en"))
            raise Problem("blocks.text_pattern")
        return text


class TextareaBlock(StringBlock):
    """A longer text on several lines."""

    name = "textarea"
    label, label_en = "Texte long", "Long text"
    template = "blocks/textarea.html"
    field_class = TextAreaField
    paper_lines = 5
    xlsform = {"appearance": "multiline"}
    params = (MAX_LENGTH,)
    examples = (
        Example(block={"id": "message", "label": "Votre message", "max_length": 20},
                valid=(("Bonjour\r\nMerci ", "Bonjour\nMerci"),),
                invalid=("x" * 21, ["une", "liste"])),
    )

    def check_params(self, block: Mapping) -> list[Problem]:
        """``max_length`` > 0."""
        return check_max_length(block)

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The stripped text with Unix line ends, checked for length."""
        return enforce_max_length(block, as_text(value).replace("\r\n", "\n"))


class EmailBlock(StringBlock):
    """An e-mail address (the domain is lowercased)."""

    name = "email"
    label, label_en = "Adresse e-mail", "Email address"
    template = "blocks/email.html"
    field_class = EmailField
    email_address = True
    xlsform = {"constraint": r"regex(., '^[^@\s]+@[^@\s]+\.[^@\s]+$')",
               "constraint_message": "blocks.email_invalid"}
    params = (autocomplete_param("email"),)
    examples = (
        Example(block={"id": "email", "label": "Votre adresse e-mail"},
                valid=((" awa.diallo@Exemple.FR ", "awa.diallo@exemple.fr"),
                       ("jean+asso@mail.example.org", "jean+asso@mail.example.org")),
                invalid=("awa.diallo", "awa@exemple", "awa @exemple.fr", "@exemple.fr")),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The address, when it looks like one."""
        text = as_text(value)
        if not EMAIL.fullmatch(text):
            raise Problem("blocks.email_invalid")
        local, domain = text.rsplit("@", 1)
        return f"{local}@{domain.lower()}"

    def render_kw(self, block: Mapping) -> dict:
        """No spell checking on addresses."""
        return {**super().render_kw(block), "spellcheck": "false"}


class PhoneBlock(StringBlock):
    """A phone number: French ones become ``06 12 34 56 78``, others ``+CC…``."""

    name = "phone"
    label, label_en = "Téléphone", "Phone number"
    template = "blocks/phone.html"
    field_class = TelField
    params = (autocomplete_param("tel"),)
    examples = (
        Example(block={"id": "telephone", "label": "Votre numéro de téléphone"},
                valid=(("06 12 34 56 78", "06 12 34 56 78"),
                       ("06.12.34.56.78", "06 12 34 56 78"),
                       ("+33 6 12 34 56 78", "06 12 34 56 78"),
                       ("+33 (0)1 23 45 67 89", "01 23 45 67 89"),
                       ("0033612345678", "06 12 34 56 78"),
                       ("+32 2 123 45 67", "+3221234567")),
                invalid=("06 12 34 56", "12 34 56 78 90", "téléphone", "+33 6 12")),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """The number without separators, French numbers grouped by two."""
        compact = PHONE_SEPARATORS.sub("", as_text(value))
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if match := FRENCH_PHONE.fullmatch(compact):
            digits = "0" + match.group(1)
            return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
        if INTERNATIONAL_PHONE.fullmatch(compact) and not compact.startswith("+33"):
            return compact
        raise Problem("blocks.phone_invalid")


class PostcodeBlock(StringBlock):
    """A French postcode: 5 digits, kept as a string (leading zeros matter)."""

    name = "postcode"
    label, label_en = "Code postal", "Postcode"
    template = "blocks/postcode.html"
    xlsform = {"constraint": "regex(., '^[0-9]{5}$')", "constraint_message": "blocks.postcode_invalid"}
    params = (autocomplete_param("postal-code"),)
    examples = (
        Example(block={"id": "code_postal", "label": "Votre code postal"},
                valid=(("75020", "75020"), (" 01 000 ", "01000"), ("97400", "97400"),
                       ("20000", "20000"), (69003, "69003")),
                invalid=("7502", "750200", "00100", "96000", "2A000", 512)),
    )

    def clean(self, block: Mapping, value: Any, today: dt.date | None = None) -> str:
        """Five digits of a French postcode, spaces removed."""
        if isinstance(value, int) and not isinstance(value, bool) and value < 10000:
            raise Problem("blocks.postcode_invalid")  # a YAML number lost its leading 0
        compact = SPACES.sub("", as_text(value))
        if not POSTCODE.fullmatch(compact):
            raise Problem("blocks.postcode_invalid")
        return compact

    def render_kw(self, block: Mapping) -> dict:
        """A numeric keypad on phones."""
        return {**super().render_kw(block), "inputmode": "numeric"}
