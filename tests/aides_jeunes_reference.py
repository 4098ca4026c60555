"""An independent reading of Aides Jeunes' rules, to check the import against.

It follows ``lib/benefits/compute-javascript.ts`` of betagouv/aides-jeunes line by line,
on the original benefit files and a « situation » made from a Tremplin persona's answers
(as Aides Jeunes' own questions would have filled it). It shares no code with
``exports/aidesjeunes_*``: only the data (the table of communes and of institutions).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from builder import communes

ROOT = Path(__file__).resolve().parent.parent
OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "=": lambda a, b: a == b,
       "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def institutions() -> dict[str, dict[str, str]]:
    with open(ROOT / "builder" / "data" / "aides_jeunes_institutions.csv", encoding="utf-8") as text:
        text.readline()
        return {row["slug"]: row for row in csv.DictReader(text, delimiter=";")}


def situation(answers: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Aides Jeunes' situation for a persona's answers (missing answers stay missing)."""
    commune = communes.find(answers.get("commune"))
    birth = dt.date.fromisoformat(str(answers["date_naissance"])) if "date_naissance" in answers else None
    age = None if birth is None else today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    children = {k: v for k, v in answers.items() if k.startswith("enfants_")}
    return {
        "age": age,
        "menage": {"depcom": commune.code if commune else None, "_departement": commune.departement if commune else None,
                   "_region": commune.region if commune else None, "_epci": (commune.epci or None) if commune else None,
                   "_codePostal": commune.postcodes if commune else (),
                   "statut_occupation_logement": answers.get("statut_occupation_logement"),
                   "_difficultes_acces_ou_frais_logement": answers.get("difficultes_logement")},
        "demandeur": {"activite": answers.get("activite"), "scolarite": answers.get("scolarite"),
                      "_contratAlternance": answers.get("alternance"), "annee_etude": answers.get("annee_etude"),
                      "service_civique": answers.get("service_civique"), "stagiaire": answers.get("stagiaire"),
                      "handicap": answers.get("handicap"), "mention_baccalaureat": answers.get("mention_baccalaureat"),
                      "_agence_travail_temporaire": answers.get("agence_travail_temporaire"),
                      "taux_incapacite": (answers.get("taux_incapacite") or 0) / 100,
                      "formation_sanitaire": answers.get("formation_sanitaire_social"),
                      "interests": {k: v for k, v in answers.items() if k.startswith("interet_")}},
        "enfants": answers.get("enfants"), "children": children,
        "openfisca": {"boursier": answers.get("boursier"), "rsa": 500 if answers.get("beneficiaire_rsa") else 0,
                      "rfr": answers.get("revenu_fiscal"), "nbptr": answers.get("parts_fiscales"),
                      "regime_securite_sociale": answers.get("regime_securite_sociale")},
    }


def _includes_excludes(condition: dict, value: Any) -> bool:
    includes = not condition.get("includes") or value in condition["includes"]
    excludes = not condition.get("excludes") or value not in condition["excludes"]
    return includes and excludes


def _geo(condition: dict, s: dict) -> bool:
    values = condition.get("values") or []
    if not values:
        return True
    key = {"regions": "_region", "departements": "_departement", "communes": "depcom", "epcis": "_epci"}.get(condition["type"])
    if key is None:  # codes_postaux: the person's postcode, one of the commune's
        return any(code in values for code in s["menage"]["_codePostal"])
    return s["menage"][key] in values


def _attached(benefit: dict, s: dict) -> bool:
    institution = institutions()[benefit["institution"]]
    menage = s["menage"]
    return {"region": lambda: menage["_region"] == institution["code_insee"],
            "departement": lambda: menage["_departement"] == institution["code_insee"],
            "epci": lambda: menage["_epci"] == institution["code_siren"],
            "commune": lambda: menage["depcom"] == institution["code_insee"]}.get(institution["type"], lambda: False)()


def _qf(condition: dict, s: dict) -> bool:
    rfr, parts = s["openfisca"]["rfr"], s["openfisca"]["nbptr"] or 1
    quotient = rfr / parts / (12 if condition.get("period") == "month" else 1)
    return OPS[condition["operator"]](quotient, condition["value"])


def _children(condition: dict, s: dict) -> bool:
    low, high = condition.get("age_min") or 0, condition.get("age_max") if condition.get("age_max") is not None else 99
    count = s["children"].get(f"enfants_{low}_{high}") or 0
    return OPS[condition["operator"]](count, condition["value"])


def test_condition(condition: dict, s: dict, benefit: dict) -> bool:
    kind, d, o = condition["type"], s["demandeur"], s["openfisca"]
    tests = {
        "age": lambda: OPS[condition["operator"]](s["age"], condition["value"]),
        "boursier": lambda: bool(o["boursier"]),
        "formation_sanitaire_social": lambda: d["formation_sanitaire"] is True,
        "mention_baccalaureat": lambda: d["mention_baccalaureat"] in condition["values"],
        "attached_to_institution": lambda: _attached(benefit, s),
        "not": lambda: not test_condition(condition["value"], s, benefit),
        "excluded_epcis": lambda: not condition.get("values") or not s["menage"]["_epci"]
        or s["menage"]["_epci"] not in condition["values"],
        "annee_etude": lambda: d["annee_etude"] in condition["values"],
        "regime_securite_sociale": lambda: _includes_excludes(condition, o["regime_securite_sociale"]),
        "statut_occupation_logement": lambda: _includes_excludes(condition, s["menage"]["statut_occupation_logement"]),
        "difficultes_acces_ou_frais_logement": lambda: s["menage"]["_difficultes_acces_ou_frais_logement"] is True,
        "agence_travail_temporaire": lambda: d["_agence_travail_temporaire"] is True,
        "quotient_familial": lambda: _qf(condition, s),
        "beneficiaire_rsa": lambda: o["rsa"] > 1,
        "taux_incapacite": lambda: OPS[condition["operator"]](d["taux_incapacite"], condition["value"]),
        "enfants_eligibles": lambda: _children(condition, s),
    }
    if kind in ("regions", "departements", "communes", "epcis", "codes_postaux"):
        return _geo(condition, s)
    return tests[kind]()


PROFILES = {
    "apprenti": lambda s: s["demandeur"]["_contratAlternance"] == "apprenti",
    "beneficiaire_rsa": lambda s: s["openfisca"]["rsa"] > 1,
    "chomeur": lambda s: s["demandeur"]["activite"] == "chomeur",
    "etudiant": lambda s: s["demandeur"]["activite"] == "etudiant",
    "inactif": lambda s: s["demandeur"]["activite"] == "inactif",
    "independant": lambda s: s["demandeur"]["activite"] == "independant",
    "enseignement_superieur": lambda s: s["demandeur"]["scolarite"] == "enseignement_superieur",
    "collegien": lambda s: s["demandeur"]["scolarite"] == "college",
    "lyceen": lambda s: s["demandeur"]["scolarite"] == "lycee",
    "professionnalisation": lambda s: s["demandeur"]["_contratAlternance"] == "professionnalisation",
    "salarie": lambda s: s["demandeur"]["activite"] == "salarie",
    "service_civique": lambda s: s["demandeur"]["service_civique"] is True,
    "stagiaire": lambda s: s["demandeur"]["stagiaire"] is True,
    "situation_handicap": lambda s: s["demandeur"]["handicap"] is True,
    "parent": lambda s: bool(s["enfants"]),
}


def interest_key(flag: str) -> str:
    """``_interetPermisDeConduire`` → ``interet_permis_de_conduire`` (the import's question)."""
    words, word = [], ""
    for char in flag.removeprefix("_interet"):
        if char.isupper() and word:
            words.append(word)
            word = ""
        word += char.lower()
    return "interet_" + "_".join(words + [word])


def eligible(benefit: dict, s: dict) -> bool:
    """computeJavascriptBenefits for one benefit (interest flag, profiles, general conditions)."""
    flag = benefit.get("interestFlag")
    if flag and not s["demandeur"]["interests"].get(interest_key(flag)):
        return False
    profiles = benefit.get("profils") or []
    by_profile = not profiles or any(
        PROFILES[p["type"]](s) and all(test_condition(c, s, benefit) for c in p.get("conditions") or [])
        for p in profiles)
    return by_profile and all(test_condition(c, s, benefit) for c in benefit.get("conditions_generales") or [])
