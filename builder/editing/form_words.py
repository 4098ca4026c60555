"""The words of a block's form in the studio, French first, English beside: each
parameter's label and help, the names of its choices (« Liste déroulante », « Prénom »
rather than ``dropdown``, ``given-name``), and which fields are folded under « Options
avancées » (the identifier, the expected form, the phone's autofill).

A block type's own ``doc`` / ``doc_en`` describe its parameters for the file's readers
(the docs, the JSON Schema); the studio speaks to people who never see the file, so its
words are these. A parameter of a block type added later, not named here, falls back to
its type's ``doc`` / ``doc_en``.
"""

from __future__ import annotations

from typing import Any

from blocks.base import BlockType
from blocks.params import Param

# Folded under « Options avancées »: what a first-time author never needs.
ADVANCED = frozenset({"id", "pattern", "pattern_message", "autocomplete", "step"})

# (name) or (name, kind) → (label fr, label en, help fr, help en)
_FIELDS: dict[Any, tuple[str, str, str, str]] = {
    "id": ("Nom de la réponse dans les exports", "Name of the answer in exports",
           "Fait à partir de la question tant que le service n'a jamais été publié, puis il ne change plus. "
           "Lettres minuscules sans accents, chiffres et _.",
           "Made from the question until the service is first published, then it stays. "
           "Lower-case letters without accents, digits and _."),
    "label": ("Question", "Question", "Ce qu'on demande, affiché en titre de la page.",
              "What is asked, shown as the page's heading."),
    "hint": ("Aide sous la question", "Help under the question", "Une aide courte, par exemple : Par exemple 14 07 2006.",
             "A short help, for example: For example 14 07 2006."),
    "required": ("Réponse obligatoire", "Answer required", "Il faut répondre pour continuer.",
                 "The question must be answered to go on."),
    "show_if": ("Afficher seulement si…", "Only show if…", "Sans condition, la question est toujours posée.",
                "Without a condition, the question is always asked."),
    "max_length": ("Nombre de caractères au plus", "Most characters", "Laissez vide : pas de limite.",
                   "Leave empty: no limit."),
    "pattern": ("Forme attendue de la réponse", "Expected form of the answer",
                "Pour les initiés : un motif (expression régulière), par exemple [A-Z]{2}[0-9]{4} pour 2 lettres "
                "puis 4 chiffres. Laissez vide le plus souvent.",
                "For experts: a pattern (regular expression), for example [A-Z]{2}[0-9]{4} for 2 letters then "
                "4 digits. Leave empty most of the time."),
    "pattern_message": ("Message quand la forme n'est pas respectée", "Message when the form is not respected",
                        "Dites quoi écrire, par exemple : Écrivez 2 lettres puis 4 chiffres.",
                        "Say what to write, for example: Write 2 letters then 4 digits."),
    "autocomplete": ("Ce que le téléphone peut remplir tout seul", "What the phone may fill in by itself",
                     "Le téléphone propose ce qu'il connaît déjà de la personne.",
                     "The phone offers what it already knows of the person."),
    "unit": ("Unité", "Unit", "Écrite après le nombre, par exemple ans ou €.",
             "Written after the number, for example years or €."),
    "step": ("Écart entre deux réponses", "Gap between two answers", "1 pour des nombres entiers.",
             "1 for whole numbers."),
    "options": ("Réponses possibles (une par ligne)", "Possible answers (one per line)",
                "Chaque ligne est une réponse que la personne peut choisir.",
                "Each line is an answer the person can choose."),
    "display": ("Affichage", "Display", "Des boutons, tous visibles, conviennent le mieux.",
                "Buttons, all visible, suit best."),
    "min_choices": ("Cases à cocher au moins", "Fewest boxes to tick", "Laissez vide : aucun minimum.",
                    "Leave empty: no minimum."),
    "max_choices": ("Cases à cocher au plus", "Most boxes to tick", "Laissez vide : pas de limite.",
                    "Leave empty: no limit."),
    "body": ("Texte", "Text", "Gras avec **…**, listes avec « - », liens [texte](https://…).",
             "Bold with **…**, lists with “- ”, links [text](https://…)."),
    ("min", "date_bound"): ("Date la plus ancienne acceptée", "Earliest date accepted",
                            "Une date, par exemple 01/09/2026, ou « aujourd'hui ».",
                            "A date, for example 01/09/2026, or “today”."),
    ("max", "date_bound"): ("Date la plus récente acceptée", "Latest date accepted",
                            "Une date, par exemple 01/09/2026, ou « aujourd'hui » (pour une date de naissance).",
                            "A date, for example 01/09/2026, or “today” (for a date of birth)."),
    ("min", "number"): ("Plus petit nombre accepté", "Smallest number accepted", "Laissez vide : aucun minimum.",
                        "Leave empty: no minimum."),
    ("max", "number"): ("Plus grand nombre accepté", "Largest number accepted", "Laissez vide : pas de limite.",
                        "Leave empty: no limit."),
}
_CONTENT_LABEL = ("Titre", "Heading", "Un titre au-dessus du texte.", "A heading above the text.")
_OPTIONS_LANGUAGES = ("Une réponse par ligne : le texte dans chaque langue, séparés par « | » "
                      "(par exemple : Étudiant | Student).",
                      "One answer per line: its text in each language, separated by “|” (for example: Étudiant | Student).")

CHOICES: dict[str, dict[str, tuple[str, str]]] = {
    "display": {"radio": ("Des boutons, tous visibles", "Buttons, all visible"),
                "dropdown": ("Une liste déroulante (très longues listes)", "A drop-down list (very long lists)")},
    "autocomplete": {
        "off": ("Rien", "Nothing"), "name": ("Nom complet", "Full name"), "given-name": ("Prénom", "First name"),
        "family-name": ("Nom de famille", "Family name"), "additional-name": ("Deuxième prénom", "Middle name"),
        "nickname": ("Surnom", "Nickname"), "email": ("Adresse e-mail", "Email address"),
        "tel": ("Numéro de téléphone", "Phone number"), "street-address": ("Adresse complète", "Full address"),
        "address-line1": ("Adresse (numéro et rue)", "Address (number and street)"),
        "address-line2": ("Complément d'adresse", "Address, second line"),
        "address-level1": ("Région", "Region"), "address-level2": ("Commune", "Town"),
        "postal-code": ("Code postal", "Postcode"), "country-name": ("Pays", "Country"),
        "bday": ("Date de naissance", "Date of birth"), "organization": ("Organisation", "Organisation"),
        "organization-title": ("Fonction", "Job title")},
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _entry(block_type: BlockType, param: Param) -> tuple[str, str, str, str] | None:
    if param.name == "label" and not block_type.is_question:
        return _CONTENT_LABEL
    return _FIELDS.get((param.name, param.kind)) or _FIELDS.get(param.name)


def field_label(block_type: BlockType, param: Param, lang: str = "fr") -> str:
    """The name of a parameter in the block's form (« Réponses possibles »)."""
    entry = _entry(block_type, param)
    if entry is None:
        return _pick((param.doc, param.doc_en or param.doc), lang).rstrip(".")
    return _pick(entry[:2], lang)


def field_help(block_type: BlockType, param: Param, lang: str = "fr", languages: tuple = ("fr",)) -> str:
    """What a parameter's field is for, in the studio's words."""
    if param.kind == "options" and len(languages) > 1:
        return _pick(_OPTIONS_LANGUAGES, lang)
    entry = _entry(block_type, param)
    if entry is None:
        return _pick((param.doc, param.doc_en or param.doc), lang)
    return _pick(entry[2:], lang)


def choice_label(param_name: str, value: Any, lang: str = "fr") -> str:
    """A choice of a select in words (« Liste déroulante », « Prénom »), else as written."""
    pair = CHOICES.get(param_name, {}).get(str(value))
    return _pick(pair, lang) if pair else str(value)
