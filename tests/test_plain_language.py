"""Plain-language hints: found on jargon, long sentences, double negatives and the passive
voice, silent on plain French, never a reason to refuse a service."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.editing import operations as ops
from builder.editing.jargon import JARGON
from builder.editing.plain_language import (MAX_WORDS, readability, sentences, service_hints, syllables,
                                            text_hints, words)

DOC = Path(__file__).parent.parent / "docs" / "plain-language.md"


def codes(text: str, lang: str = "fr") -> list[str]:
    return [hint.code for hint in text_hints(text, lang)]


@pytest.mark.parametrize("text", [
    "Quel âge avez-vous ?",
    "Vous pouvez avoir 500 € pour passer le permis.",
    "Je n'ai ni emploi, ni études, ni formation.",
    "Vous n'avez pas de bourse. Vous pouvez peut-être en avoir une.",
    "Elle est payée chaque mois, de septembre à juin.",
    "La MDPH (maison départementale des personnes handicapées) décide.",
    "Avez-vous une reconnaissance de travailleur handicapé (RQTH) ?",
    "Pour une première demande, il faut avoir moins de 28 ans.",
])
def test_plain_sentences_get_no_hint(text):
    assert text_hints(text) == []


@pytest.mark.parametrize("text, term", [
    ("Le montant dépend de votre quotient familial.", "quotient familial"),
    ("Vous touchez le RSA ?", "RSA"),
    ("Les ayants droit sont prévenus.", "ayants droit"),
    ("Indiquez vos RESSOURCES du mois.", "RESSOURCES"),
    ("Qui est dans votre foyer fiscal ?", "foyer fiscal"),
    ("Demandez à la CAF.", "CAF"),
    ("La MDPH décide.", "MDPH"),
    ("Avez-vous la RQTH ?", "RQTH"),
    ("Remplissez le DSE.", "DSE"),
    ("Êtes-vous allocataire ?", "allocataire"),
    ("Inscrivez-vous à Pole Emploi.", "Pole Emploi"),
])
def test_jargon_is_found_with_a_plain_alternative(text, term):
    [hint] = text_hints(text)
    assert (hint.code, hint.excerpt) == ("jargon", term)
    assert hint.message_fr.startswith(f"« {term} » est un mot que beaucoup de personnes ne connaissent pas.")
    assert "Écrivez" in hint.message_fr or "Expliquez" in hint.message_fr


def test_acronyms_are_matched_with_their_case_only():
    assert codes("Le rsa, la caf et les apl.") == []
    assert codes("Il ressort du dossier que la cafétéria est ouverte.") == []


def test_sentences_longer_than_twenty_words_get_a_hint():
    twenty = " ".join(["mot"] * MAX_WORDS) + "."
    assert codes(twenty) == []
    [hint] = text_hints(twenty.replace(".", " encore."))
    assert hint.code == "long_sentence" and "21 mots" in hint.message_fr


def test_markdown_lists_and_paragraphs_are_separate_sentences():
    text = "Il faut :\n\n- avoir 18 ans ;\n- avoir un contrat\n  en cours ;\n\n**Comment faire ?** Demandez."
    assert sentences(text) == ["Il faut :", "avoir 18 ans ;", "avoir un contrat en cours ;",
                               "Comment faire ?", "Demandez."]
    assert sentences("Lisez [la fiche](https://example.org/une-tres-longue-adresse).") == ["Lisez la fiche."]


@pytest.mark.parametrize("text", [
    "Ce n'est pas impossible.",
    "Vous ne pouvez pas partir sans payer.",
    "Il n'est jamais inutile de demander.",
    "Le résultat est non négligeable.",
])
def test_double_negatives_are_found(text):
    assert "double_negative" in codes(text)


def test_passive_voice_with_an_agent_is_found():
    [hint] = text_hints("L'aide est versée chaque mois par la caisse.")
    assert hint.code == "passive" and "dites qui fait quoi" in hint.message_fr
    assert codes("L'aide est versée par mois.") == []
    assert codes("Le dossier a été envoyé par erreur ? Appelez-nous.") == ["passive"]


def test_french_syllables_are_estimated_by_vowel_groups():
    assert [syllables(word) for word in ("aide", "quelle", "étudiantes", "aujourd'hui", "l'aide", "2026",
                                         "peut-être", "rappelé·e")] == [1, 1, 3, 3, 1, 4, 2, 3]
    assert words("l'aide, peut-être, 1 100 €") == ["l'aide", "peut-être", "1", "100"]


def test_the_readability_score_is_kandel_and_moles_formula():
    score = readability("Le chat dort. Il fait beau.")
    # 6 words, 2 sentences, 6 syllables: 207 − 1,015 × 3 − 73,6 × 1
    assert (score.words, score.sentences, score.syllables) == (6, 2, 6)
    assert score.score == round(207 - 1.015 * 3 - 73.6, 1) and score.level == "très facile"
    assert readability("") is None and readability("**  **") is None


def test_a_long_difficult_text_gets_a_readability_hint():
    hard = ("Conformément aux dispositions réglementaires applicables, l'administration procède "
            "systématiquement à l'instruction approfondie des demandes individualisées. ") * 3
    found = [hint for hint in text_hints(hard) if hint.code == "hard_to_read"]
    assert found and "difficile" in found[0].message_fr
    assert readability(hard).level in ("difficile", "très difficile")


def test_other_languages_only_get_the_sentence_length_rule():
    assert codes("Ask the CAF about your RSA.", "en") == []
    assert codes(" ".join(["word"] * 25) + ".", "en") == ["long_sentence"]


def test_service_hints_are_placed_next_to_their_text():
    data = {"tremplin": 1, "id": "essai", "title": "Essai", "languages": ["fr", "en"],
            "steps": [{"id": "vous", "title": "Vous", "blocks": [
                {"type": "choice", "id": "situation", "label": "Êtes-vous allocataire ?",
                 "hint": {"fr": "Votre quotient familial", "en": "Your CAF number"},
                 "options": [{"value": "oui", "label": "Je touche le RSA"}, "Non"]},
                {"use": "coordonnees"}]}],
            "outcomes": [{"id": "aide", "title": "Une aide", "when": "situation == 'oui'",
                          "body": "L'aide est versée par la caisse."}]}
    found = {(where.block_id or where.outcome_id, where.field, where.path[-1], hint.code)
             for where, hints in service_hints(data).items() for hint in hints}
    assert found == {("situation", "label", "label", "jargon"), ("situation", "hint", "hint", "jargon"),
                     ("situation", "options", "label", "jargon"), ("aide", "body", "body", "passive")}
    assert ops.validate(data) == []  # hints never block


def test_every_jargon_entry_is_in_the_documentation():
    table = DOC.read_text(encoding="utf-8").split("### Double négation")[0]
    documented = {cell.strip() for line in table.splitlines() if line.startswith("| ")
                  for cell in re.split(r",\s*", line.split("|")[1])}
    missing = [entry.terms[0] for entry in JARGON if entry.terms[0] not in documented]
    assert missing == []


def test_hints_for_hostile_texts_take_linear_time():
    """A 100,000-letter word took minutes (``\\S+@`` scanned on from every letter); the
    timeout only keeps a regression from hanging the suite."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path
    code = textwrap.dedent("""
        from builder.editing.plain_language import text_hints
        for text in ("a" * 100_000, "." * 100_000, "[" * 100_000, "[a](" * 25_000, "a@" * 50_000):
            text_hints(text)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "ok"


def test_addresses_are_left_out_of_the_words():
    from builder.editing.plain_language import plain_text
    text = plain_text("Voir [le site](https://x.fr), www.x.fr ou contact@asso.fr ; @tous et a@b restent.")
    assert "x.fr" not in text and "asso" not in text and "le site" in text
    assert "@tous" in text and "a@b" in text
