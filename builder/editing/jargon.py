"""Administrative words that many readers do not know, each with a plain alternative.

Each entry lists the forms to look for, what to write instead (or how to explain the
word), and for an acronym the words of its long form: a text that says them (« la maison
départementale des personnes handicapées (MDPH) »), or that puts an explanation in
brackets right after the acronym, is not flagged. ``docs/plain-language.md`` shows the
list to people; the test suite keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Jargon:
    """One difficult word: its ``terms`` (acronyms are matched with their exact case,
    other words ignoring case and accents), the ``plain`` advice, and for an acronym the
    ``expansion`` whose presence in the text counts as an explanation."""

    terms: tuple[str, ...]
    plain: str
    expansion: str = ""

    @property
    def is_acronym(self) -> bool:
        """Whether the first form is written in capitals (RSA, CAF, Caf…)."""
        return self.terms[0][:2].isupper()


JARGON: tuple[Jargon, ...] = (
    Jargon(("quotient familial",), "Expliquez ce mot : un calcul qui tient compte des revenus et du "
           "nombre de personnes de la famille."),
    Jargon(("RSA",), "Écrivez « le revenu de solidarité active (RSA) », une aide pour les personnes "
           "qui ont peu ou pas d'argent.", "revenu de solidarite active"),
    Jargon(("ayant droit", "ayants droit", "ayant-droit", "ayants-droit"),
           "Écrivez plutôt « la personne qui a droit à l'aide »."),
    Jargon(("ressources",), "Écrivez plutôt « l'argent que vous recevez (salaire, aides…) » ou « vos revenus »."),
    Jargon(("foyer fiscal",), "Écrivez plutôt « les personnes déclarées ensemble aux impôts »."),
    Jargon(("CAF", "Caf"), "Écrivez la première fois « la caisse d'allocations familiales (Caf) ».",
           "caisse d'allocations familiales"),
    Jargon(("MDPH",), "Écrivez « la maison départementale des personnes handicapées (MDPH) ».",
           "maison departementale des personnes handicapees"),
    Jargon(("RQTH",), "Écrivez « la reconnaissance de travailleur handicapé (RQTH) ».",
           "travailleur handicape"),
    Jargon(("DSE",), "Écrivez « le dossier social étudiant (DSE) ».", "dossier social etudiant"),
    Jargon(("AAH",), "Écrivez « l'allocation aux adultes handicapés (AAH) ».",
           "allocation aux adultes handicapes"),
    Jargon(("AEEH",), "Écrivez « l'allocation d'éducation de l'enfant handicapé (AEEH) ».",
           "allocation d'education de l'enfant handicape"),
    Jargon(("APL",), "Écrivez « l'aide personnalisée au logement (APL) ».", "aide personnalisee au logement"),
    Jargon(("SMIC", "Smic"), "Écrivez « le salaire minimum (Smic) ».", "salaire minimum"),
    Jargon(("CMU", "CMU-C"), "Écrivez « la complémentaire santé solidaire » : la CMU n'existe plus sous ce nom.",
           "complementaire sante solidaire"),
    Jargon(("Pôle emploi",), "Écrivez « France Travail » : Pôle emploi a changé de nom en 2024."),
    Jargon(("allocataire", "allocataires"), "Écrivez plutôt « la personne qui reçoit l'aide »."),
    Jargon(("bénéficiaire", "bénéficiaires"), "Écrivez plutôt « la personne qui reçoit l'aide »."),
    Jargon(("bénéficier",), "Écrivez plutôt « avoir » ou « recevoir »."),
    Jargon(("prestation", "prestations"), "Écrivez plutôt « l'aide » ou « l'argent versé »."),
    Jargon(("éligible", "éligibles", "éligibilité"), "Écrivez plutôt « vous pouvez avoir l'aide »."),
    Jargon(("revenu fiscal de référence",), "Expliquez ce mot : dites où le trouver, sur l'avis d'impôt."),
    Jargon(("avis d'imposition",), "Écrivez plutôt « la feuille des impôts que vous recevez chaque année »."),
    Jargon(("justificatif", "justificatifs", "pièce justificative", "pièces justificatives"),
           "Écrivez plutôt « un papier qui prouve … » et donnez un exemple (facture, quittance de loyer…)."),
    Jargon(("à charge",), "Écrivez plutôt « qui vit avec vous et que vous faites vivre »."),
    Jargon(("domiciliation",), "Écrivez plutôt « une adresse pour recevoir votre courrier »."),
    Jargon(("ressortissant", "ressortissants"), "Écrivez plutôt « une personne qui a la nationalité … »."),
    Jargon(("préalablement", "au préalable"), "Écrivez plutôt « avant »."),
    Jargon(("afin de", "afin que"), "Écrivez plutôt « pour » ou « pour que »."),
    Jargon(("à compter du", "à compter de"), "Écrivez plutôt « à partir du » ou « à partir de »."),
    Jargon(("le cas échéant",), "Écrivez plutôt « si c'est le cas »."),
    Jargon(("conformément à", "conformément au", "conformément aux"), "Écrivez plutôt « comme le prévoit … »."),
    Jargon(("en vertu de", "en vertu du"), "Écrivez plutôt « selon »."),
    Jargon(("dûment",), "Enlevez ce mot : il n'apporte rien."),
    Jargon(("ci-joint", "ci-jointe", "ci-joints", "ci-jointes"), "Écrivez plutôt « avec ce message »."),
    Jargon(("susmentionné", "susmentionnée", "susvisé", "susvisée"), "Écrivez plutôt « dont nous avons parlé »."),
    Jargon(("nonobstant",), "Écrivez plutôt « malgré »."),
    Jargon(("sous réserve de", "sous réserve que"), "Écrivez plutôt « si » ou « à condition de »."),
)
