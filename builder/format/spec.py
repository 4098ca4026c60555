"""The shape of format 1 outside the blocks: one declaration used twice.

:data:`SERVICE` declares every key of a service file (except the blocks, which the
block registry declares). :func:`check_shape` walks a file against it and collects
every problem; :func:`shape_schema` turns the same declaration into JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from builder.messages import Problem, Suggestion, register

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^(https?://|mailto:|tel:)\S+$")
PARAM = re.compile(r"^[A-Za-z0-9_.\-]+$")  # a parameter of a web address (?ref=…)

register({
    "unknown_key": ("La clé « {key} » n'est pas connue ici.{hint}", "Unknown key \"{key}\" here.{hint}"),
    "missing_key": ("La clé « {key} » est obligatoire ici.", "The key \"{key}\" is required here."),
    "expected_mapping": ("« {key} » doit contenir des clés (clé: valeur).", "\"{key}\" must contain keys (key: value)."),
    "expected_list": ("« {key} » doit être une liste (des lignes qui commencent par « - »).",
                      "\"{key}\" must be a list (lines starting with \"-\")."),
    "expected_slug": ("« {value} » n'est pas un identifiant valable : lettres minuscules sans accent, "
                      "chiffres et tirets, par exemple « aide-permis ».",
                      "\"{value}\" is not a valid id: lowercase letters, digits and dashes, e.g. \"aide-permis\"."),
    "expected_text": ("« {key} » doit être un texte, ou un texte par langue (fr: …, en: …).",
                      "\"{key}\" must be a text, or a text per language (fr: …, en: …)."),
    "expected_string": ("« {key} » doit être un texte.", "\"{key}\" must be a text."),
    "expected_boolean": ("« {key} » doit valoir true ou false.", "\"{key}\" must be true or false."),
    "expected_integer": ("« {key} » doit être un nombre entier positif.", "\"{key}\" must be a positive whole number."),
    "expected_date": ("« {key} » doit être une date AAAA-MM-JJ, par exemple 2026-09-01.",
                      "\"{key}\" must be a date YYYY-MM-DD, e.g. 2026-09-01."),
    "expected_email": ("« {value} » n'est pas une adresse e-mail valable.", "\"{value}\" is not a valid email address."),
    "expected_url": ("« {value} » n'est pas une adresse web valable (elle doit commencer par https://).",
                     "\"{value}\" is not a valid web address (it must start with https://)."),
    "expected_language": ("« {value} » n'est pas un code de langue (deux lettres, par exemple fr ou en).",
                          "\"{value}\" is not a language code (two letters, e.g. fr or en)."),
    "bad_version": ("Version de format inconnue : « tremplin: {value} ». Ce Tremplin lit le format 1 : "
                    "écrivez « tremplin: 1 ».",
                    "Unknown format version \"tremplin: {value}\". This Tremplin reads format 1: "
                    "write \"tremplin: 1\"."),
    "empty_list": ("« {key} » ne doit pas être vide.", "\"{key}\" must not be empty."),
    "expected_param": ("« {value} » ne peut pas être le nom d'un paramètre d'adresse : lettres sans accent, "
                       "chiffres, « _ », « - » et « . », par exemple ref.",
                       "\"{value}\" cannot be the name of a web address parameter: letters without accents, "
                       "digits, \"_\", \"-\" and \".\", e.g. ref."),
    "expected_identifier": ("« {value} » n'est pas un identifiant de question (lettres minuscules sans accent, "
                            "chiffres et « _ »).",
                            "\"{value}\" is not a question id (lowercase letters, digits and \"_\")."),
})


@dataclass(frozen=True)
class Shape:
    """What one key of the file may hold.

    ``kind`` is a scalar kind (see :data:`SCALAR_CHECKS`), ``object`` (with
    ``fields``), ``list`` (with ``item``), ``map`` (any keys, values of ``item``)
    or one of the kinds the loader checks itself: ``condition``, ``block``,
    ``expression``, ``answers``.
    """

    kind: str
    required: bool = False
    doc: str = ""
    fields: Mapping[str, "Shape"] = field(default_factory=dict)
    item: "Shape | None" = None
    non_empty: bool = False
    default: Any = None


def _is_text(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and LANGUAGE.match(k) and isinstance(v, str) for k, v in value.items())


def _text_check(value: Any) -> str | None:
    return None if _is_text(value) else "expected_text"


def _pattern_check(pattern: re.Pattern, code: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and pattern.match(value) else code
    return check


SCALAR_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "text": _text_check,
    "markdown": _text_check,
    "string": lambda v: None if isinstance(v, str) else "expected_string",
    "boolean": lambda v: None if isinstance(v, bool) else "expected_boolean",
    "integer": lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else "expected_integer",
    "date": lambda v: None if isinstance(v, dt.date) else "expected_date",
    "slug": _pattern_check(SLUG, "expected_slug"),
    "language": _pattern_check(LANGUAGE, "expected_language"),
    "email": _pattern_check(EMAIL, "expected_email"),
    "url": _pattern_check(URL, "expected_url"),
    "version": lambda v: None if v == 1 and not isinstance(v, bool) else "bad_version",
    "phone": lambda v: None if isinstance(v, (str, int)) else "expected_string",
    "param": _pattern_check(PARAM, "expected_param"),
    "identifier": _pattern_check(IDENTIFIER, "expected_identifier"),
}

SCALAR_SCHEMAS: dict[str, dict] = {
    "text": {"anyOf": [{"type": "string"}, {"type": "object", "patternProperties": {"^[a-z]{2}$": {"type": "string"}},
                                            "additionalProperties": False}]},
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer", "minimum": 0},
    "date": {"type": "string", "format": "date"},
    "slug": {"type": "string", "pattern": SLUG.pattern},
    "language": {"type": "string", "pattern": LANGUAGE.pattern},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "pattern": URL.pattern},
    "version": {"const": 1},
    "phone": {"type": "string"},
    "expression": {"type": "string"},
    "param": {"type": "string", "pattern": r"^[A-Za-z0-9_.\-]+$"},
    "identifier": {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*$"},
}
SCALAR_SCHEMAS["markdown"] = SCALAR_SCHEMAS["text"]


def obj(required: tuple[str, ...] = (), **fields: Shape) -> Shape:
    """An object shape whose keys in ``required`` must be present."""
    return Shape("object", fields={key: _with_required(shape, key in required) for key, shape in fields.items()})


def _with_required(shape: Shape, required: bool) -> Shape:
    if not required:
        return shape
    return Shape(shape.kind, True, shape.doc, shape.fields, shape.item, shape.non_empty, shape.default)


def _s(kind: str, doc: str, **options: Any) -> Shape:
    return Shape(kind, doc=doc, **options)


HANDOFF = obj(
    reference=_s("param", "Nom du paramètre d'adresse qui porte la référence de la demande (ref)."),
    answers=_s("list", "Les questions dont la réponse est transmise, si la personne le choisit.",
               item=_s("identifier", "Identifiant d'une question.")),
)
HELP = obj(
    text=_s("text", "Phrase d'accueil de l'encadré « Besoin d'aide ? »."),
    phone=_s("phone", "Numéro de téléphone (lien tel: sur les téléphones)."),
    email=_s("email", "Adresse e-mail de contact."),
    address=_s("text", "Adresse où venir en personne."),
    hours=_s("text", "Horaires d'ouverture."),
    appointment_url=_s("url", "Lien pour prendre rendez-vous."),
    appointment_handoff=HANDOFF,
)
ORGANISATION = obj(("name",), name=_s("text", "Nom de l'organisation."), url=_s("url", "Site web."),
                   email=_s("email", "Adresse qui reçoit les demandes envoyées."))
STEP = obj(("id", "blocks"),
           id=_s("slug", "Identifiant de l'étape."),
           title=_s("text", "Titre de l'étape."),
           show_if=_s("condition", "Condition pour afficher l'étape."),
           blocks=_s("list", "Les blocs de l'étape.", item=_s("block", "Un bloc ou un bloc réutilisable (use:)."),
                     non_empty=True))
DEMARCHE = obj(("champs",),
               champs=_s("map", "Les champs de la démarche préremplis : identifiant de question: identifiant de champ.",
                         item=_s("string", "L'identifiant du champ (Q2hhbXAt…), tel que la démarche le donne.")),
               path=_s("string", "Le nom de la démarche dans son adresse (/commencer/NOM) ; par défaut, celui de url."),
               number=_s("integer", "Le numéro de la démarche : l'API de préremplissage crée alors le dossier."))
LINK = obj(("label", "url"), label=_s("text", "Texte du lien."), url=_s("url", "Adresse du lien."),
           handoff=HANDOFF, demarche=DEMARCHE)
SOURCE = obj(("url",), url=_s("url", "Texte officiel de la règle."), label=_s("text", "Nom du texte."),
             checked=_s("date", "Date de la dernière vérification."))
OUTCOME = obj(("id", "title", "when"),
              id=_s("slug", "Identifiant du résultat."),
              title=_s("text", "Titre du résultat."),
              when=_s("condition", "Condition pour que le résultat s'applique."),
              body=_s("markdown", "Explication affichée sur la page de résultat."),
              amount=_s("text", "Montant de l'aide, par exemple « 500 € »."),
              links=_s("list", "Liens utiles.", item=LINK),
              source=SOURCE)
SUBMISSION = obj(confirmation=_s("markdown", "Message affiché après l'envoi."),
                 notify=_s("list", "Adresses e-mail prévenues à chaque envoi.", item=_s("email", "Adresse e-mail.")),
                 copy=_s("boolean", "Proposer à la personne une copie par e-mail.", default=True))
SETTINGS = obj(ask_only_needed=_s("boolean", "Ne poser que les questions qui peuvent changer un résultat.",
                                  default=True),
               draft_days=_s("integer", "Durée de conservation d'un brouillon, en jours.", default=30),
               retention_days=_s("integer", "Durée de conservation des réponses envoyées, en jours.", default=365),
               contact_service=_s("slug", "Service de contact de la même organisation (« Être rappelé·e »)."),
               feedback=_s("boolean", "Proposer « Donnez votre avis » (une note de 1 à 5 et un commentaire) "
                                      "à la fin du service.", default=False))
PERSONA = obj(("name", "answers"),
              name=_s("string", "Nom de l'exemple."),
              answers=_s("answers", "Réponses de l'exemple."),
              expect=_s("list", "Résultats attendus, exactement.", item=_s("slug", "Identifiant d'un résultat.")),
              today=_s("date", "Date du jour utilisée pour cet exemple."))

SERVICE = obj(
    ("tremplin", "id", "title", "steps"),
    tremplin=_s("version", "Version du format (1)."),
    id=_s("slug", "Identifiant du service."),
    title=_s("text", "Titre du service."),
    summary=_s("markdown", "Présentation sur la page d'accueil."),
    duration=_s("text", "Temps qu'il faut pour répondre, par exemple « 2 minutes »."),
    requirements=_s("list", "Ce qu'il faut avoir sous la main.", item=_s("text", "Un document ou une information.")),
    languages=_s("list", "Langues du service ; la première est celle par défaut.", item=_s("language", "Code de langue."),
                 non_empty=True),
    organisation=ORGANISATION,
    help=HELP,
    computed=_s("map", "Valeurs calculées : nom: expression.", item=_s("expression", "Une expression.")),
    computed_labels=_s("map", "Comment dire aux personnes chaque valeur calculée : nom: texte.",
                       item=_s("text", "Le nom de la valeur, en mots (« Revenu par personne »).")),
    steps=_s("list", "Les étapes du parcours.", item=STEP, non_empty=True),
    outcomes=_s("list", "Les résultats possibles.", item=OUTCOME),
    submission=SUBMISSION,
    settings=SETTINGS,
    tests=_s("list", "Les exemples (personas) du service.", item=PERSONA),
)


def unknown_key_problem(key: str, allowed: list[str], path: tuple) -> Problem:
    """An "unknown key" problem with a « vouliez-vous dire » suggestion."""
    return Problem("unknown_key", path, key=key, hint=Suggestion.among(key, allowed))


def check_shape(value: Any, shape: Shape, path: tuple, problems: list[Problem]) -> None:
    """Check ``value`` against ``shape``, appending every problem found to ``problems``."""
    key = str(path[-1]) if path else "fichier"
    if shape.kind == "object":
        _check_object(value, shape, path, problems, key)
    elif shape.kind in ("list", "map"):
        _check_collection(value, shape, path, problems, key)
    elif shape.kind in SCALAR_CHECKS:
        code = SCALAR_CHECKS[shape.kind](value)
        if code:
            problems.append(Problem(code, path, key=key, value=value))


def _check_object(value: Any, shape: Shape, path: tuple, problems: list[Problem], key: str) -> None:
    if not isinstance(value, dict):
        problems.append(Problem("expected_mapping", path, key=key))
        return
    allowed = list(shape.fields)
    for name, item in value.items():
        if name not in shape.fields:
            problems.append(unknown_key_problem(name, allowed, path + (name,)))
        else:
            check_shape(item, shape.fields[name], path + (name,), problems)
    for name, field_shape in shape.fields.items():
        if field_shape.required and name not in value:
            problems.append(Problem("missing_key", path, key=name))


def _check_collection(value: Any, shape: Shape, path: tuple, problems: list[Problem], key: str) -> None:
    if shape.kind == "list":
        if not isinstance(value, list):
            problems.append(Problem("expected_list", path, key=key))
            return
        items = list(enumerate(value))
    else:
        if not isinstance(value, dict):
            problems.append(Problem("expected_mapping", path, key=key))
            return
        items = list(value.items())
    if shape.non_empty and not items:
        problems.append(Problem("empty_list", path, key=key))
    if shape.item is not None:
        for index, item in items:
            check_shape(item, shape.item, path + (index,), problems)


def shape_schema(shape: Shape, special: Mapping[str, dict]) -> dict:
    """The JSON Schema of ``shape``; ``special`` gives the schemas of loader-checked kinds."""
    if shape.kind == "object":
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: shape_schema(item, special) for name, item in shape.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, item in shape.fields.items() if item.required]
        if required:
            schema["required"] = required
    elif shape.kind == "list":
        schema = {"type": "array", "items": shape_schema(shape.item, special) if shape.item else {}}
        if shape.non_empty:
            schema["minItems"] = 1
    elif shape.kind == "map":
        schema = {"type": "object", "additionalProperties": shape_schema(shape.item, special) if shape.item else {}}
    else:
        schema = dict(special.get(shape.kind) or SCALAR_SCHEMAS[shape.kind])
    if shape.doc:
        schema["description"] = shape.doc
    if shape.default is not None:
        schema["default"] = shape.default
    return schema
