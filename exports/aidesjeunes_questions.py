"""The questions an Aides Jeunes import may ask, one per page, in the order of the
simulator of 1jeune1solution (age, commune, activity, studies, resources…).

Each is a Tremplin block, asked only when one of the imported benefits needs it
(:class:`Questions` collects them); choice questions offer the values of Aides Jeunes'
situation (``activite``, ``scolarite``, ``_contratAlternance``…) with their labels.
"""

from __future__ import annotations

import copy
from typing import Any

ACTIVITE = [("etudiant", "En études (au collège, au lycée, dans le supérieur, en apprentissage…)"),
            ("salarie", "Salarié·e"), ("independant", "Indépendant·e"),
            ("chomeur", "En recherche d'emploi"), ("inactif", "Sans emploi et sans études (inactif·ve)"),
            ("autre", "Autre situation")]
SCOLARITE = [("college", "Au collège"), ("lycee", "Au lycée, en CAP ou en CPA"),
             ("enseignement_superieur", "Dans l'enseignement supérieur"), ("inconnue", "Autre")]
ALTERNANCE = [("apprenti", "Oui, en contrat d'apprentissage"),
              ("professionnalisation", "Oui, en contrat de professionnalisation"), ("aucun", "Non")]
ANNEES = {"seconde": "Seconde", "premiere": "Première", "terminale": "Terminale",
          "cap_1": "CAP, 1re année", "cap_2": "CAP, 2e année", "bts_1": "BTS, 1re année",
          "bts_2": "BTS, 2e année", "but_1": "BUT, 1re année", "but_2": "BUT, 2e année",
          "but_3": "BUT, 3e année", "cpge_1": "Classe préparatoire, 1re année",
          "cpge_2": "Classe préparatoire, 2e année", "licence_1": "Licence, 1re année",
          "licence_2": "Licence, 2e année", "licence_3": "Licence, 3e année",
          "master_1": "Master, 1re année", "master_2": "Master, 2e année", "doctorat_1": "Doctorat, 1re année",
          "doctorat_2": "Doctorat, 2e année", "doctorat_3": "Doctorat, 3e année"}
MENTIONS = {"mention_assez_bien": "Mention assez bien", "mention_bien": "Mention bien",
            "mention_tres_bien": "Mention très bien",
            "mention_tres_bien_felicitations_jury": "Mention très bien avec félicitations du jury",
            "non_renseignee": "Autre, ou pas de baccalauréat"}
REGIMES = {"regime_general": "Le régime général (la CPAM)", "regime_agricole": "Le régime agricole (la MSA)",
           "autre": "Un autre régime"}
LOGEMENTS = {"locataire": "Locataire", "proprietaire": "Propriétaire", "heberge": "Hébergé·e (chez vos parents, des proches…)",
             "sans_domicile": "Sans domicile stable", "autre": "Autre"}
INTERESTS = {"_interetBafa": "Voulez-vous passer le BAFA ou le BAFD (animation) ?",
             "_interetPermisDeConduire": "Voulez-vous passer le permis de conduire ?",
             "_interetEtudesEtranger": "Voulez-vous partir étudier à l'étranger ?",
             "_interetAidesSanitaireSocial": "Êtes-vous en formation sanitaire ou sociale, ou voulez-vous en suivre une ?"}


def _options(pairs: Any) -> list[dict[str, str]]:
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [{"value": value, "label": label} for value, label in items]


def _yesno(identifier: str, label: str, hint: str = "") -> dict[str, Any]:
    block = {"type": "yesno", "id": identifier, "label": label}
    return {**block, "hint": hint} if hint else block


CATALOGUE: dict[str, dict[str, Any]] = {
    "date_naissance": {"type": "date", "id": "date_naissance", "label": "Quelle est votre date de naissance ?",
                       "hint": "Par exemple 14 07 2006", "min": "1900-01-01", "max": "today"},
    "commune": {"type": "commune", "id": "commune", "label": "Dans quelle commune habitez-vous ?",
                "hint": "Écrivez votre code postal ou le nom de votre commune."},
    "activite": {"type": "choice", "id": "activite", "label": "Que faites-vous en ce moment ?",
                 "options": _options(ACTIVITE)},
    "scolarite": {"type": "choice", "id": "scolarite", "label": "Où étudiez-vous ?", "options": _options(SCOLARITE),
                  "show_if": 'activite == "etudiant"'},
    "alternance": {"type": "choice", "id": "alternance", "label": "Êtes-vous en alternance ?",
                   "options": _options(ALTERNANCE), "show_if": 'activite == "etudiant"'},
    "annee_etude": {"type": "choice", "id": "annee_etude", "label": "En quelle classe ou quelle année êtes-vous ?",
                    "options": [], "show_if": 'activite == "etudiant"'},
    "boursier": _yesno("boursier", "Avez-vous une bourse cette année ?",
                       "Une bourse du lycée, ou une bourse du Crous sur critères sociaux."),
    "mention_baccalaureat": {"type": "choice", "id": "mention_baccalaureat",
                             "label": "Quelle mention avez-vous eue au baccalauréat ?", "options": _options(MENTIONS)},
    "formation_sanitaire_social": _yesno("formation_sanitaire_social",
                                         "Suivez-vous une formation du domaine sanitaire et social ?",
                                         "Par exemple infirmier·e, aide-soignant·e, éducateur·rice spécialisé·e."),
    "stagiaire": _yesno("stagiaire", "Êtes-vous en stage ?"),
    "service_civique": _yesno("service_civique", "Faites-vous un service civique ?"),
    "handicap": _yesno("handicap", "Êtes-vous en situation de handicap ?"),
    "taux_incapacite": {"type": "number", "id": "taux_incapacite", "label": "Quel est votre taux d'incapacité ?",
                        "hint": "Il est écrit sur la décision de la MDPH. Écrivez 0 si vous n'en avez pas.",
                        "min": 0, "max": 100, "unit": "%"},
    "enfants": _yesno("enfants", "Avez-vous des enfants ?"),
    "beneficiaire_rsa": _yesno("beneficiaire_rsa", "Touchez-vous le RSA (revenu de solidarité active) ?"),
    "agence_travail_temporaire": _yesno("agence_travail_temporaire", "Travaillez-vous pour une agence d'intérim ?"),
    "regime_securite_sociale": {"type": "choice", "id": "regime_securite_sociale",
                                "label": "À quel régime de sécurité sociale êtes-vous rattaché·e ?",
                                "options": _options(REGIMES)},
    "statut_occupation_logement": {"type": "choice", "id": "statut_occupation_logement",
                                   "label": "Quelle est votre situation de logement ?", "options": _options(LOGEMENTS)},
    "difficultes_logement": _yesno("difficultes_logement",
                                   "Avez-vous des difficultés pour trouver un logement ou pour en payer les frais ?"),
    "parts_fiscales": {"type": "number", "id": "parts_fiscales",
                       "label": "Combien de parts a le foyer fiscal dont vous dépendez ?",
                       "hint": "C'est le nombre de parts écrit sur l'avis d'impôt (le vôtre, ou celui de vos parents "
                               "s'ils vous déclarent). Par exemple 2.5.", "min": 1, "max": 20},
    "revenu_fiscal": {"type": "number", "id": "revenu_fiscal",
                      "label": "Quel est le revenu fiscal de référence de ce foyer ?",
                      "hint": "Il est écrit sur l'avis d'impôt, en euros par an.", "min": 0, "unit": "€ par an"},
}
ORDER = list(CATALOGUE)  # interests come after the activity, children after the handicap (see below)


class Questions:
    """The questions the imported benefits need, and the values their choices must offer."""

    def __init__(self) -> None:
        self.needed: dict[str, dict[str, Any]] = {}
        self.computed: dict[str, str] = {}
        self.computed_labels: dict[str, str] = {}  # their words for people (format 1's computed_labels)

    def need(self, identifier: str) -> str:
        """Ask the catalogue's question ``identifier`` (and what it depends on); its id."""
        if identifier not in self.needed:
            block = copy.deepcopy(CATALOGUE[identifier])
            self.needed[identifier] = block
            if "show_if" in block:
                self.need("activite")
        return identifier

    def interest(self, flag: str) -> str:
        """A yes/no question for an interest flag (``_interetBafa`` → ``interet_bafa``)."""
        identifier = "interet_" + "".join(f"_{c.lower()}" if c.isupper() else c for c in flag.removeprefix("_interet")).strip("_")
        label = INTERESTS.get(flag, f"Êtes-vous intéressé·e par : {flag} ?")
        self.needed.setdefault(identifier, _yesno(identifier, label))
        return identifier

    def children(self, low: int, high: int) -> str:
        """A number question: how many children between ``low`` and ``high`` years old."""
        identifier = f"enfants_{low}_{high}"
        self.needed.setdefault(identifier, {
            "type": "number", "id": identifier, "min": 0, "max": 20, "step": 1,
            "label": f"Combien d'enfants de {low} à {high} ans avez-vous ?"})
        return identifier

    def offer(self, identifier: str, values: list[str], labels: dict[str, str]) -> None:
        """Make sure the choice question ``identifier`` offers each of ``values``."""
        block = self.needed[identifier]
        known = {option["value"] for option in block["options"]}
        for value in values:
            if value not in known:
                block["options"].append({"value": value, "label": labels.get(value, value.replace("_", " "))})
                known.add(value)

    def blocks(self) -> list[dict[str, Any]]:
        """The needed questions, in the simulator's order (the school year also offers « Autre »)."""
        rank = {identifier: index for index, identifier in enumerate(ORDER)}
        ordered = sorted(self.needed.values(), key=lambda block: (rank.get(block["id"], len(ORDER)), block["id"]))
        if "annee_etude" in self.needed:
            self.offer("annee_etude", ["autre"], {"autre": "Une autre classe ou année"})
        return ordered
