"""What publishing refuses and warns about (builder.editing.checklist), the same in the
studio and in ``tremplin validate --strict``; the stand-in texts of a new service; what
changed between two versions, in words (builder.editing.what_changed)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from builder.editing import checklist
from builder.editing.checklist import REFUSE, WARN, review, tasks, with_sending
from builder.editing.document import ServiceDocument
from builder.editing.placeholders import BLANK_SERVICE, placeholders
from builder.editing.what_changed import changes
from builder.format.loader import load_service_text
from builder.rules.personas import run_personas
from test_cli import ROOT, tremplin

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TODAY = dt.date(2026, 11, 1)


def reviewed(text: str, today: dt.date = TODAY) -> checklist.Review:
    service = load_service_text(text)
    return review(service.data, service, run_personas(service), today=today)


def codes(result: checklist.Review, level: str) -> list[str]:
    return [reason.problem.code for reason in result.reasons if reason.level == level]


def example(name: str) -> str:
    return (ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_example_could_be_published_without_a_warning(path):
    result = reviewed(path.read_text(encoding="utf-8"))
    assert result.refusals == [] and result.warnings == []


def test_a_new_blank_service_is_refused_for_its_stand_in_texts_and_nobody_to_contact():
    text = BLANK_SERVICE.format(id="essai", title="Essai")
    data = ServiceDocument.from_yaml(text).data
    result = review(data, load_service_text(text), today=TODAY)
    assert codes(result, REFUSE) == ["checklist.placeholder"] * 3 + ["checklist.no_human"]
    assert [path for path, _text in placeholders(data)] == [
        ("summary",), ("steps", 0, "title"), ("steps", 0, "blocks", 0, "label")]
    states = {task.key: task.state for task in tasks(result, data, checklist.NEVER)}
    assert states == {"questions": "a-faire", "aide": "a-faire", "envoi": "fait", "exemples": "a-revoir",
                      "langues": "fait", "publier": "a-faire"}


def test_stand_in_texts_are_found_in_any_language_and_in_the_answers_of_a_choice():
    data = ServiceDocument.from_yaml(example("aides-jeunes")).data
    data["steps"][0]["title"] = {"fr": "Vous", "en": "New step"}
    data["steps"][1]["blocks"][0]["options"] = ["Réponse 1", "Salarié"]
    found = dict(placeholders(data))
    assert found == {("steps", 0, "title"): "New step", ("steps", 1, "blocks", 0, "options", 0): "Réponse 1"}


def test_a_red_example_and_contact_details_sent_nowhere_are_refused():
    text = example("rappel-benevole")
    service = ServiceDocument.from_yaml(text).data
    service.pop("submission")
    service["tests"][0]["answers"]["email"] = "pas-une-adresse"  # refused: the example fails
    result = reviewed(ServiceDocument.from_yaml(text).with_data(service).to_yaml())
    assert set(codes(result, REFUSE)) >= {"checklist.contact_not_sent", "checklist.persona_failed"}
    contact = next(reason for reason in result.refusals if reason.problem.code == "checklist.contact_not_sent")
    assert contact.task == checklist.SENDING
    assert "(« Votre adresse e-mail », « Votre numéro de téléphone », « J'accepte" in contact.message()  # labels
    assert "(« Votre adresse e-mail »" in contact.message("en")


def test_contact_details_are_what_a_block_asks_not_its_type_name():
    assert checklist.asks_contact("email", {"id": "courriel"})
    assert checklist.asks_contact("text", {"id": "courriel", "autocomplete": "email"})
    assert checklist.asks_contact("consent", {"id": "accord"})
    assert not checklist.asks_contact("text", {"id": "prenom", "autocomplete": "given-name"})
    assert not checklist.asks_contact("nope", {})


def test_adding_a_contact_question_turns_sending_on_once():
    data = ServiceDocument.from_yaml(example("aides-jeunes")).data
    assert with_sending(data) is data
    data["steps"][0]["blocks"].append({"use": "coordonnees", "only": ["telephone"]})
    sending = with_sending(data)
    assert sending["submission"] == {"copy": True} and "submission" not in data
    assert with_sending(sending) is sending


def test_an_old_rule_source_is_a_warning_after_the_delay():
    text = example("aides-jeunes")
    assert codes(reviewed(text, dt.date(2027, 11, 1)), WARN) == []  # 365 days: not yet
    later = reviewed(text, dt.date(2027, 11, 2))
    assert codes(later, WARN) == ["checklist.source_old"] * 8 and later.publishable
    assert later.warnings[0].path == ("outcomes", 0, "source", "checked")
    service = load_service_text(text)
    sooner = review(service.data, service, today=dt.date(2026, 11, 12), source_max_age_days=10)
    assert codes(sooner, WARN) == ["checklist.source_old"] * 8


def test_a_step_with_two_unrelated_choices_is_a_warning_but_follow_ups_and_reusable_blocks_are_not():
    data = ServiceDocument.from_yaml(example("aides-jeunes")).data
    data["steps"][2]["blocks"] += data["steps"][3]["blocks"]  # « rqth » and « boursier » on one page
    del data["steps"][3]
    result = reviewed(ServiceDocument.from_yaml(example("aides-jeunes")).with_data(data).to_yaml())
    [crowded] = result.warnings
    assert crowded.path == ("steps", 2) and "(« Avez-vous une reconnaissance" in crowded.message()  # labels, not ids
    # soutien-scolaire asks « matieres » and what « autre » means on one page (a follow-up),
    # names and contact details together: no warning
    assert reviewed(example("soutien-scolaire")).warnings == []


def test_texts_missing_in_a_language_are_to_look_at_again():
    data = ServiceDocument.from_yaml(example("avis")).data
    data["languages"] = ["fr", "en"]
    result = review(data, today=TODAY)
    [note] = [reason for reason in result.notes if reason.task == checklist.LANGUAGES]
    assert "pas encore traduits dans toutes les langues du service : " in note.message()
    assert "(fr, en)" not in note.message()  # no language codes: the task's own line names them


# --- tremplin validate --strict ----------------------------------------------------------

def test_validate_strict_reports_what_publishing_refuses_with_lines(tmp_path):
    path = tmp_path / "essai.yaml"
    text = BLANK_SERVICE.format(id="essai", title="Essai")
    path.write_text(text, encoding="utf-8")
    assert tremplin("validate", str(path)).returncode == 0  # a valid file…
    result = tremplin("validate", "--strict", str(path))
    assert result.returncode == 1  # …that cannot be published
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (f"{path}:4: Un texte de départ est resté : « Expliquez en une ou deux phrases à quoi sert "
                        "ce service et pour qui. ». Remplacez-le par le vôtre.")
    assert any(line.startswith(f"{path}:5: Personne à contacter") for line in lines)
    english = tremplin("--lang", "en", "validate", "--strict", str(path))
    assert "Nobody to contact" in english.stderr


def test_validate_strict_prints_warnings_and_passes(tmp_path):
    path = tmp_path / "aides.yaml"
    path.write_text(example("aides-jeunes").replace("checked: 2026-11-01", "checked: 2019-01-01", 1),
                    encoding="utf-8")
    result = tremplin("validate", "--strict", str(path))
    assert result.returncode == 0, result.stderr
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith(f"{path}:123: attention : La règle du résultat") and "01/01/2019" in warning
    assert tremplin("validate", "--strict", *map(str, EXAMPLES)).returncode == 0


# --- what changed, in words ---------------------------------------------------------------

def test_what_changed_is_said_in_words_thing_by_thing():
    before = ServiceDocument.from_yaml(example("aides-jeunes")).data
    after = copy.deepcopy(before)
    after["steps"][1]["blocks"].append({"type": "text", "id": "ville", "label": "Votre ville ?"})
    after["outcomes"][0]["when"] = "age >= 17"
    after["steps"][0]["blocks"][0]["label"] = "Date de naissance ?"
    del after["tests"][-1]
    after["steps"].insert(0, {"id": "intro", "title": "Bienvenue", "blocks": []})
    after["help"]["phone"] = "00 00 00 00 00"
    after["submission"] = {"copy": True}
    said = [change.message() for change in changes(before, after)]
    assert said == [
        "Les réponses sont maintenant envoyées",
        "Encadré « Besoin d'aide ? » : modifié",
        "Étape ajoutée : « Bienvenue »",
        "Question reformulée : « Quelle est votre date de naissance ? » devient « Date de naissance ? »",
        "Question ajoutée : « Votre ville ? » dans l'étape « Votre situation »",
        "Condition du résultat « Le contrat d'engagement jeune (CEJ) » modifiée",
        "Exemple supprimé : « Salariée de 27 ans payée 2 600 €, sans RQTH (aucune aide) »",
    ]
    assert changes(after, after) == []
    assert changes(before, after)[2].message("en") == "Step added: “Bienvenue”"


def test_moves_and_deletions_are_said_too():
    before = ServiceDocument.from_yaml(example("soutien-scolaire")).data
    after = copy.deepcopy(before)
    after["steps"][0], after["steps"][1] = after["steps"][1], after["steps"][0]
    moved = after["steps"][2]["blocks"].pop(0)
    after["steps"][3]["blocks"].append(moved)
    del after["steps"][-1]
    said = [change.message() for change in changes(before, after)]
    assert "Ordre des étapes modifié" in said
    assert any(line.startswith("Question « ") and "déplacée dans l'étape" in line for line in said)
    assert any(line.startswith("Étape supprimée : ") for line in said)
    assert any(line.startswith("Question supprimée : « consentement »") for line in said)


def test_the_source_of_a_blank_service_uses_quoted_titles():
    text = BLANK_SERVICE.format(id="essai", title='"Aide : le permis"')
    assert load_service_text(text).data["title"] == "Aide : le permis"
