"""Aides Jeunes' conditions and profiles as Tremplin expressions.

Each condition type of ``lib/benefits/compute-javascript.ts`` (``age``, ``regions``,
``departements``, ``communes``, ``epcis``, ``boursier``, ``annee_etude``,
``quotient_familial``…) and each profile type (``etudiant``, ``apprenti``, ``chomeur``…)
becomes one expression on the questions of :mod:`exports.aidesjeunes_questions`, asked
because of it. What has no equivalent is left out with a note that says what was done.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable

from builder import communes
from builder.messages import register
from exports.aidesjeunes_read import Located
from exports.aidesjeunes_questions import ANNEES, LOGEMENTS, MENTIONS, REGIMES, Questions

INSTITUTIONS = Path(__file__).resolve().parent.parent / "builder" / "data" / "aides_jeunes_institutions.csv"
CHUNK = 100  # codes in one list: an expression has at most 500 elements
Condition = Any  # an expression, or a tree of all:/any:/not: as in a service file
OPERATORS = {">": ">", ">=": ">=", "=": "==", "<": "<", "<=": "<="}

register({
    "aj.condition_unknown": (
        "La condition « {type} » n'est pas reprise (Tremplin ne sait pas la poser) : l'aide est proposée sans elle.",
        "The condition \"{type}\" is not carried over (Tremplin cannot ask it): the benefit is offered without it."),
    "aj.condition_bad": (
        "La condition « {type} » est incomplète ou mal écrite : elle n'est pas reprise, l'aide est proposée sans elle.",
        "The condition \"{type}\" is incomplete or malformed: it is not carried over, the benefit is offered without it."),
    "aj.profile_unknown": (
        "Le profil « {type} » n'est pas repris (Tremplin ne sait pas le poser) : il ne donne jamais droit à l'aide.",
        "The profile \"{type}\" is not carried over (Tremplin cannot ask it): it never makes the benefit apply."),
    "aj.institution_unknown": (
        "L'organisme « {institution} » n'est pas dans la liste d'Aides Jeunes livrée avec Tremplin : "
        "« attached_to_institution » n'est pas repris, l'aide est proposée sans condition de territoire.",
        "The institution \"{institution}\" is not in the Aides Jeunes list shipped with Tremplin: "
        "\"attached_to_institution\" is not carried over, the benefit is offered with no condition of place."),
    "aj.institution_no_place": (
        "L'organisme « {institution} » ({kind}) n'a pas de territoire : comme dans Aides Jeunes, "
        "« attached_to_institution » n'est jamais vrai.",
        "The institution \"{institution}\" ({kind}) has no territory: as in Aides Jeunes, "
        "\"attached_to_institution\" is never true."),
    "aj.postcodes": (
        "Les codes postaux {codes} deviennent les communes qui les ont ({count}) : une commune qui a "
        "plusieurs codes postaux compte pour tous.",
        "The postcodes {codes} become the communes that have them ({count}): a commune with several "
        "postcodes counts for all of them."),
    "aj.unknown_place": (
        "« {value} » n'est pas un code de {kind} connu (tableau des communes, {source}) : gardé tel quel, "
        "aucune commune ne le remplit.",
        "\"{value}\" is not a known {kind} code (table of communes, {source}): kept as it is, "
        "no commune meets it."),
})


@dataclass(frozen=True)
class Institution:
    """An Aides Jeunes institution: its type, name and codes."""

    slug: str
    kind: str
    name: str
    code_insee: str
    code_siren: str


@cache
def institutions() -> dict[str, Institution]:
    """The institutions shipped with Tremplin, by the name of their file."""
    with open(INSTITUTIONS, encoding="utf-8", newline="") as text:
        text.readline()
        return {row["slug"]: Institution(row["slug"], row["type"], row["name"], row["code_insee"], row["code_siren"])
                for row in csv.DictReader(text, delimiter=";")}


def literal(value: Any) -> str:
    """A value written in an expression (texts in double quotes)."""
    return json.dumps(value, ensure_ascii=False)


def listed(values: list[Any]) -> str:
    """``["84", "11"]``."""
    return "[" + ", ".join(literal(str(value)) for value in values) + "]"


class Translator:
    """Translates the conditions of one benefit; ``note(line, code, **params)`` reports."""

    def __init__(self, questions: Questions, benefit: dict, note: Callable[..., None]):
        self.questions, self.benefit, self.note = questions, benefit, note

    def condition(self, condition: Any) -> Condition | None:
        """The expression of one condition, or None (noted) when it is left out."""
        line = getattr(condition, "line", 1)
        kind = condition.get("type") if isinstance(condition, dict) else None
        method = CONDITIONS.get(kind) if isinstance(kind, str) else None
        if method is None:
            self.note(line, "aj.condition_unknown", type=kind if isinstance(kind, str) else "?")
            return None
        try:
            return method(self, condition, line)
        except _LeftOut:
            return None
        except (KeyError, TypeError, ValueError, AttributeError):
            self.note(line, "aj.condition_bad", type=kind)
            return None

    def profile(self, profile: Any) -> str | None:
        """The expression of a profile's own test (its conditions are translated apart)."""
        kind = profile.get("type") if isinstance(profile, dict) else None
        test = PROFILES.get(kind) if isinstance(kind, str) else None
        if test is None:
            self.note(getattr(profile, "line", 1), "aj.profile_unknown", type=kind if isinstance(kind, str) else "?")
            return None
        return test(self.questions)

    # --- places -----------------------------------------------------------------------

    def place(self, kind: str, values: list[Any], line: int) -> Condition:
        """``region(commune) in [...]`` and its kin (``any:`` of such lists past
        :data:`CHUNK` codes, for expressions stay short); unknown codes are noted."""
        codes = [str(value) for value in values]
        known = {"commune": lambda c: communes.find(c), "departement": lambda c: c in communes.departements(),
                 "region": lambda c: communes.name_of("region", c), "epci": lambda c: communes.name_of("epci", c)}
        for code in codes:
            if not known[kind](code):
                self.note(line, "aj.unknown_place", value=code, kind=kind, source=communes.source())
        commune = self.questions.need("commune")
        subject = commune if kind == "commune" else f"{kind}({commune})"
        parts = [f"{subject} in {listed(codes[start:start + CHUNK])}" for start in range(0, len(codes), CHUNK)]
        return parts[0] if len(parts) == 1 else {"any": parts}

    def attached(self, condition: dict, line: int) -> Condition:
        slug = self.benefit.get("institution")
        found = institutions().get(slug) if isinstance(slug, str) else None
        if found is None:
            self.note(line, "aj.institution_unknown", institution=slug)
            raise _LeftOut
        code = {"region": found.code_insee, "departement": found.code_insee, "commune": found.code_insee,
                "epci": found.code_siren}.get(found.kind)
        if not code:
            self.note(line, "aj.institution_no_place", institution=found.name, kind=found.kind)
            return "false"
        return self.place(found.kind, [code], line)


class _LeftOut(Exception):
    """A condition already noted as left out."""


def _compare(name: str, condition: dict, scale: float = 1) -> str:
    value = condition["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(value)
    number = value * scale
    return f"{name} {OPERATORS[condition['operator']]} {int(number) if float(number).is_integer() else number}"


def _age(t: Translator, condition: dict, line: int) -> str:
    t.questions.computed["age"] = f"years_since({t.questions.need('date_naissance')})"
    return _compare("age", condition)


def _values(condition: dict, key: str = "values") -> list[str]:
    values = condition.get(key) or []
    if not isinstance(values, list):
        raise TypeError(key)
    return [str(value) for value in values]


def _choice_in(t: Translator, question: str, condition: dict, labels: dict[str, str]) -> str:
    """``includes`` / ``excludes`` (or ``values``) of a choice question."""
    identifier = t.questions.need(question)
    includes, excludes = _values(condition, "includes") or _values(condition), _values(condition, "excludes")
    t.questions.offer(identifier, includes + excludes, labels)
    parts = ([f"{identifier} in {listed(includes)}"] if includes else []) + \
            ([f"{identifier} not in {listed(excludes)}"] if excludes else [])
    return " and ".join(parts) or "true"


def _postcodes(t: Translator, condition: dict, line: int) -> Condition:
    codes = _values(condition)
    found = sorted(c.code for c in communes.table().communes.values() if set(c.postcodes) & set(codes))
    t.note(line, "aj.postcodes", codes=", ".join(codes), count=len(found))
    return t.place("commune", found, line)


def _quotient(t: Translator, condition: dict, line: int) -> str:
    """Aides Jeunes' ``rfr / nbptr`` (per month: ``/ 12``), from two questions."""
    parts, income = t.questions.need("parts_fiscales"), t.questions.need("revenu_fiscal")
    name = "quotient_familial_mensuel" if condition.get("period") == "month" else "quotient_familial"
    divider = " / 12" if name.endswith("mensuel") else ""
    t.questions.computed[name] = f"{income} / {parts}{divider}"
    t.questions.computed_labels[name] = "Quotient familial par mois" if divider else "Quotient familial"
    return _compare(name, condition)


def _not(t: Translator, condition: dict, line: int) -> Condition:
    inner = t.condition(_with_line(condition["value"], line))
    if inner is None:
        raise _LeftOut
    return _negated(inner)


def _negated(inner: Condition) -> Condition:
    return {"not": inner} if isinstance(inner, dict) else f"not ({inner})"


def _with_line(value: Any, line: int) -> Any:
    if isinstance(value, dict) and not hasattr(value, "line"):
        return Located(value, line=line)
    return value


def _children(t: Translator, condition: dict, line: int) -> str:
    low, high = int(condition.get("age_min") or 0), int(condition.get("age_max") if condition.get("age_max") is not None else 99)
    return _compare(t.questions.children(low, high), condition)


def _yes(question: str) -> Callable[[Translator, dict, int], str]:
    return lambda t, condition, line: t.questions.need(question)


CONDITIONS: dict[str, Callable[[Translator, dict, int], Condition]] = {
    "age": _age,
    "regions": lambda t, c, line: t.place("region", _values(c), line),
    "departements": lambda t, c, line: t.place("departement", _values(c), line),
    "communes": lambda t, c, line: t.place("commune", _values(c), line),
    "epcis": lambda t, c, line: t.place("epci", _values(c), line),
    "excluded_epcis": lambda t, c, line: _negated(t.place("epci", _values(c), line)),
    "codes_postaux": _postcodes,
    "attached_to_institution": lambda t, c, line: t.attached(c, line),
    "boursier": _yes("boursier"),
    "beneficiaire_rsa": _yes("beneficiaire_rsa"),
    "formation_sanitaire_social": _yes("formation_sanitaire_social"),
    "difficultes_acces_ou_frais_logement": _yes("difficultes_logement"),
    "agence_travail_temporaire": _yes("agence_travail_temporaire"),
    "annee_etude": lambda t, c, line: _choice_in(t, "annee_etude", c, ANNEES),
    "mention_baccalaureat": lambda t, c, line: _choice_in(t, "mention_baccalaureat", c, MENTIONS),
    "regime_securite_sociale": lambda t, c, line: _choice_in(t, "regime_securite_sociale", c, REGIMES),
    "statut_occupation_logement": lambda t, c, line: _choice_in(t, "statut_occupation_logement", c, LOGEMENTS),
    "quotient_familial": _quotient,
    "taux_incapacite": lambda t, c, line: _compare(t.questions.need("taux_incapacite"), c,
                                                   100 if abs(c["value"]) <= 1 else 1),
    "enfants_eligibles": _children,
    "not": _not,
}


def _activite(value: str) -> Callable[[Questions], str]:
    return lambda q: f'{q.need("activite")} == "{value}"'


def _scolarite(value: str) -> Callable[[Questions], str]:
    return lambda q: f'{q.need("scolarite")} == "{value}"'


def _alternance(value: str) -> Callable[[Questions], str]:
    return lambda q: f'{q.need("alternance")} == "{value}"'


PROFILES: dict[str, Callable[[Questions], str]] = {
    "apprenti": _alternance("apprenti"), "professionnalisation": _alternance("professionnalisation"),
    "chomeur": _activite("chomeur"), "etudiant": _activite("etudiant"), "inactif": _activite("inactif"),
    "independant": _activite("independant"), "salarie": _activite("salarie"),
    "enseignement_superieur": _scolarite("enseignement_superieur"), "collegien": _scolarite("college"),
    "lyceen": _scolarite("lycee"),
    "service_civique": lambda q: q.need("service_civique"), "stagiaire": lambda q: q.need("stagiaire"),
    "situation_handicap": lambda q: q.need("handicap"), "parent": lambda q: q.need("enfants"),
    "beneficiaire_rsa": lambda q: q.need("beneficiaire_rsa"),
}
