"""Editing a service by clicking: each edit gives new data, never breaks what it does not
touch, refuses the impossible in French, and deletes can be undone exactly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from blocks import REGISTRY
from builder.editing import operations as ops
from builder.editing.document import ServiceDocument
from builder.editing.ids import question_id, slugify, taken_ids
from builder.editing.locate import block_key, entries
from builder.editing.references import usages
from builder.messages import Problem

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


def example(name: str) -> dict:
    path = Path(__file__).parent.parent / "examples" / f"{name}.yaml"
    return ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).data


@pytest.fixture
def aides():
    return example("aides-jeunes")


@pytest.fixture
def small():
    return {"tremplin": 1, "id": "essai", "title": "Essai", "steps": [
        {"id": "vous", "title": "Vous", "blocks": [
            {"type": "number", "id": "age", "label": "Votre âge"},
            {"type": "yesno", "id": "boursier", "label": "Êtes-vous boursier ?", "show_if": "age >= 18"}]}],
        "outcomes": [{"id": "aide", "title": "Une aide", "when": {"all": ["age >= 18", "boursier"]}}],
        "tests": [{"name": "Boursier de 20 ans", "answers": {"age": 20, "boursier": True}, "expect": ["aide"]}]}


def messages(data):
    return [located.message() for located in ops.validate(data)]


def block(data, key):
    step_index, index = next((s, b) for s, b, k, _ in entries(data) if k == key)
    return data["steps"][step_index]["blocks"][index]


# --- ids -------------------------------------------------------------------------------------

def test_ids_are_made_from_titles_and_labels():
    assert slugify("Votre situation") == "votre-situation"
    assert slugify("Études & Œuvres !") == "etudes-oeuvres"
    assert slugify("") == "etape"
    assert question_id("Quelle est votre date de naissance ?") == "date_naissance"
    assert question_id("18 ans ou plus ?") == "q_18_ans_plus"


# --- steps -------------------------------------------------------------------------------------

def test_add_step_makes_a_unique_slug_and_places_it(small):
    data, first = ops.add_step(small, "Vous")
    data, second = ops.add_step(data, "Vous", after="vous")
    assert (first, second) == ("vous-2", "vous-3")
    assert [step["id"] for step in data["steps"]] == ["vous", "vous-3", "vous-2"]
    assert data["steps"][1] == {"id": "vous-3", "title": "Vous", "blocks": []}


def test_a_new_step_asks_for_a_block(small):
    data, step_id = ops.add_step(small, "Votre logement")
    [located] = ops.validate(data)
    assert (located.step_id, located.field) == (step_id, "blocks")
    assert "ajoutez une question" in located.message()


def test_rename_move_and_delete_steps(aides):
    data = ops.rename_step(aides, "bourse", "Votre bourse du Crous")
    assert data["steps"][3]["title"] == "Votre bourse du Crous" and data["steps"][3]["id"] == "bourse"
    data = ops.move_step(data, "bourse", 0)
    assert data["steps"][0]["id"] == "bourse"
    data = ops.update_step(data, "bourse", {"show_if": None})
    assert "show_if" not in data["steps"][0]
    with pytest.raises(Problem, match="La place n° 9 n'existe pas"):
        ops.move_step(data, "bourse", 8)
    with pytest.raises(Problem, match="L'étape « nulle-part » n'existe pas"):
        ops.rename_step(data, "nulle-part", "x")


def test_the_last_step_cannot_be_deleted(small):
    with pytest.raises(Problem, match="au moins une étape"):
        ops.delete_step(small, "vous")


# --- blocks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("type_name", REGISTRY.names())
def test_every_block_type_is_added_ready_to_use(small, type_name):
    data, block_id = ops.add_block(small, "vous", type_name)
    assert block(data, block_id)["type"] == type_name
    assert messages(data) == []


def test_new_blocks_have_unique_snake_case_ids_and_defaults(small):
    data, first = ops.add_block(small, "vous", "text")
    data, second = ops.add_block(data, "vous", "choice", index=0)
    assert (first, second) == ("nouvelle_question", "nouvelle_question_2")
    assert data["steps"][0]["blocks"][0] == {"type": "choice", "id": "nouvelle_question_2",
                                             "label": "Nouvelle question", "options": ["Réponse 1", "Réponse 2"]}
    data, text_id = ops.add_block(data, "vous", "content")
    assert block(data, text_id) == {"type": "content", "id": "texte", "body": "Écrivez ici le texte à lire."}


def test_unknown_block_type_is_refused_with_a_suggestion(small):
    with pytest.raises(Problem, match="Vouliez-vous dire « choice »"):
        ops.add_block(small, "vous", "choise")


def test_a_new_question_gets_an_id_from_its_first_label(small):
    data, block_id = ops.add_block(small, "vous", "date")
    data = ops.update_block(data, block_id, {"label": "Quelle est votre date de naissance ?"})
    assert block(data, "date_naissance")["label"] == "Quelle est votre date de naissance ?"
    data = ops.update_block(data, "date_naissance", {"label": "Votre date de naissance"})
    assert block(data, "date_naissance")["label"] == "Votre date de naissance"


def test_update_block_sets_removes_and_orders_parameters(small):
    data = ops.update_block(small, "age", {"max": 30, "min": 16, "hint": "En années", "label": "Âge"})
    assert list(block(data, "age")) == ["type", "id", "label", "hint", "min", "max"]
    data = ops.update_block(data, "age", {"hint": "", "max": None})
    assert block(data, "age") == {"type": "number", "id": "age", "label": "Âge", "min": 16}
    with pytest.raises(Problem, match="Il manque le paramètre « label »"):
        ops.update_block(data, "age", {"label": ""})
    with pytest.raises(Problem, match="Vouliez-vous dire « max_length »|n'existe pas pour un bloc"):
        ops.update_block(data, "age", {"max_lenght": 3})


def test_renaming_a_question_renames_its_uses(small):
    data = ops.update_block(small, "age", {"id": "age_annees"})
    assert data["steps"][0]["blocks"][1]["show_if"] == "age_annees >= 18"
    assert data["outcomes"][0]["when"] == {"all": ["age_annees >= 18", "boursier"]}
    assert data["tests"][0]["answers"] == {"age_annees": 20, "boursier": True}
    assert messages(data) == []
    with pytest.raises(Problem, match="« boursier » est déjà utilisé"):
        ops.update_block(data, "age_annees", {"id": "boursier"})
    with pytest.raises(Problem, match="ne convient pas comme identifiant"):
        ops.update_block(data, "age_annees", {"id": "Âge"})


def test_change_block_type_keeps_what_fits(small):
    data = ops.update_block(small, "age", {"max": 30, "unit": "ans"})
    data = ops.change_block_type(data, "age", "choice")
    assert block(data, "age") == {"type": "choice", "id": "age", "label": "Votre âge",
                                  "options": ["Réponse 1", "Réponse 2"]}


def test_library_blocks_are_added_as_use_entries(small):
    data, key = ops.add_library_block(small, "vous", "coordonnees")
    assert key == "use:coordonnees" and data["steps"][0]["blocks"][-1] == {"use": "coordonnees"}
    with pytest.raises(Problem, match="existent déjà dans ce service : ajoutez-le avec un préfixe"):
        ops.add_library_block(data, "vous", "coordonnees")
    data, key = ops.add_library_block(data, "vous", "coordonnees", only=["telephone"], prefix="parent_")
    assert key == "use:coordonnees:parent_[telephone]"
    assert "parent_telephone" in taken_ids(data) and messages(data) == []
    with pytest.raises(Problem, match="n'existe pas. Vouliez-vous dire « identite »"):
        ops.add_library_block(data, "vous", "identité")


def test_changing_a_library_prefix_renames_its_questions(small):
    data, key = ops.add_library_block(small, "vous", "coordonnees", prefix="parent_")
    data = ops.update_step(data, "vous", {"show_if": "answered(parent_email)"})
    data = ops.update_block(data, "parent_email", {"prefix": "tuteur_"})
    assert data["steps"][0]["show_if"] == "answered(tuteur_email)"
    assert block(data, "use:coordonnees:tuteur_") == {"use": "coordonnees", "prefix": "tuteur_"}


def test_move_block_within_and_across_steps(aides):
    data = ops.move_block(aides, "boursier", "naissance", 0)
    assert [b["id"] for b in data["steps"][0]["blocks"]] == ["boursier", "date_naissance"]
    assert data["steps"][3]["blocks"] == []
    data = ops.move_block(data, "boursier", "naissance", 1)
    assert [b["id"] for b in data["steps"][0]["blocks"]] == ["date_naissance", "boursier"]
    with pytest.raises(Problem, match="La place n° 3 n'existe pas : choisissez entre 1 et 2"):
        ops.move_block(data, "boursier", "naissance", 2)


def test_duplicate_block_puts_a_renamed_copy_after_it(aides):
    data, copy_id = ops.duplicate_block(aides, "statut")
    blocks = data["steps"][1]["blocks"]
    assert copy_id == "statut_2" and [b["id"] for b in blocks] == ["statut", "statut_2"]
    assert {**blocks[1], "id": "statut"} == blocks[0]
    with pytest.raises(Problem, match="ne se copie pas tel quel"):
        ops.duplicate_block(example("avis"), "use:avis")


def test_deleting_a_question_points_at_what_used_it(aides):
    used = usages(aides, "statut")
    assert {where.step_id for where in used if where.step_id} == {"bourse", "salaire"}
    assert len([where for where in used if where.section == "tests"]) == len(aides["tests"])
    data, _ = ops.delete_block(aides, "statut")
    located = ops.validate(data)
    assert {(item.step_id, item.field) for item in located if item.step_id} >= \
        {("situation", "blocks"), ("bourse", "show_if"), ("salaire", "show_if")}
    assert {item.outcome_id for item in located if item.outcome_id} >= {"aide-permis-apprenti"}


# --- undo --------------------------------------------------------------------------------------

def every_deletion(data):
    for _, _, key, _ in entries(data):
        yield ops.delete_block, key
    for step in data["steps"]:
        yield ops.delete_step, step["id"]
    for outcome in data.get("outcomes", []):
        yield ops.delete_outcome, outcome["id"]
    for index in range(len(data.get("tests", []))):
        yield ops.delete_persona, index


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_undo_restores_exactly_whatever_was_deleted(path):
    data = ServiceDocument.from_yaml(path.read_text(encoding="utf-8")).data
    for delete, what in every_deletion(data):
        deleted, token = delete(data, what)
        token = json.loads(json.dumps(token))  # what a session would keep
        assert deleted != data
        assert ops.undo(deleted, token) == data


def test_undo_refuses_when_the_id_is_taken_again(small):
    data, token = ops.delete_block(small, "boursier")
    data, block_id = ops.add_block(data, "vous", "yesno")
    data = ops.update_block(data, block_id, {"id": "boursier"})
    with pytest.raises(Problem, match="« boursier » est déjà utilisé"):
        ops.undo(data, token)
    with pytest.raises(Problem, match="n'est plus possible"):
        ops.undo(data, {"kind": "block", "index": "0", "item": ""})


# --- outcomes and personas -----------------------------------------------------------------------

def test_outcomes_are_added_edited_moved_and_deleted(small):
    data, outcome_id = ops.add_outcome(small, "L'aide au permis")
    assert outcome_id == "l-aide-au-permis"
    [located] = ops.validate(data)
    assert (located.outcome_id, located.message()) == (outcome_id, "Dites quand ce résultat s'applique : "
                                                                    "ajoutez une condition.")
    data = ops.update_outcome(data, outcome_id, {"when": "age >= 18", "amount": "500 €", "body": "Texte"})
    assert list(data["outcomes"][1]) == ["id", "title", "when", "body", "amount"]
    data = ops.move_outcome(data, outcome_id, 0)
    assert [o["id"] for o in data["outcomes"]] == [outcome_id, "aide"]
    data = ops.update_outcome(data, "aide", {"id": "aide-bourse"})
    assert data["tests"][0]["expect"] == ["aide-bourse"] and messages(data) == []
    with pytest.raises(Problem, match="n'est pas un identifiant valable"):
        ops.update_outcome(data, "aide-bourse", {"id": "Aide bourse"})
    with pytest.raises(Problem, match="La clé « titel » n'est pas connue ici"):
        ops.update_outcome(data, "aide-bourse", {"titel": "x"})


def test_personas_are_added_edited_and_deleted(small):
    data, index = ops.add_persona(small, "Non boursier", {"age": 19, "boursier": False}, [])
    assert index == 1 and messages(data) == []
    data = ops.update_persona(data, 1, {"expect": ["aide"], "today": None})
    assert data["tests"][1] == {"name": "Non boursier", "answers": {"age": 19, "boursier": False},
                                "expect": ["aide"]}
    data, token = ops.delete_persona(data, 0)
    assert [p["name"] for p in data["tests"]] == ["Non boursier"]
    with pytest.raises(Problem, match="L'exemple n° 5 n'existe pas"):
        ops.delete_persona(data, 4)


def test_update_service_fields(small):
    data = ops.update_service(small, {"summary": "Bonjour", "title": "Nouveau titre"})
    assert (data["title"], data["summary"]) == ("Nouveau titre", "Bonjour")
    with pytest.raises(Problem, match="« title » est obligatoire"):
        ops.update_service(data, {"title": None})


# --- validation and purity ----------------------------------------------------------------------

def test_problems_are_placed_next_to_what_caused_them(aides):
    data = ops.update_block(aides, "revenus", {"min": 100, "max": 10})
    data = ops.update_outcome(data, "pass-culture-17", {"when": "agee == 17"})
    data = ops.update_step(data, "bourse", {"show_if": "statut = 'etudiant'"})
    found = {(item.step_id, item.block_id, item.outcome_id, item.field) for item in ops.validate(data)}
    assert found == {("salaire", "revenus", None, "min"), (None, None, "pass-culture-17", "when"),
                     ("bourse", None, None, "show_if")}


def test_library_entries_are_named_by_their_key():
    data = example("soutien-scolaire")
    keys = [key for _, _, key, _ in entries(data)]
    assert "use:coordonnees:parent_" in keys and "use:consentement" in keys
    assert block_key({"use": "identite", "only": ["prenom"]}) == "use:identite[prenom]"


def test_edits_never_change_what_they_were_given(aides):
    before = copy.deepcopy(aides)
    ops.add_step(aides, "x")
    ops.add_block(aides, "situation", "text")
    ops.update_block(aides, "statut", {"id": "situation_pro", "label": "Autre"})
    ops.move_block(aides, "statut", "naissance", 0)
    ops.duplicate_block(aides, "statut")
    ops.delete_block(aides, "statut")
    ops.update_outcome(aides, "service-civique", {"id": "civique"})
    ops.delete_step(aides, "naissance")
    ops.add_persona(aides, "x")
    assert aides == before


def test_an_id_follows_its_label_until_the_service_is_published():
    from builder.editing.block_operations import update_block
    data = {"steps": [{"id": "vous", "blocks": [{"type": "text", "id": "question_1", "label": "Nouvelle question"},
                                                {"type": "text", "id": "ville", "label": "Votre ville ?"},
                                                {"type": "text", "id": "mon_nom", "label": "Votre nom ?"}]}]}
    data = update_block(data, "question_1", {"label": "Votre prénom ?"})
    data = update_block(data, "ville", {"label": "Votre commune ?"})   # made from the label: it follows
    data = update_block(data, "mon_nom", {"label": "Votre nom de famille ?"})  # chosen by hand: it stays
    assert [block["id"] for block in data["steps"][0]["blocks"]] == ["prenom", "commune", "mon_nom"]
    kept = update_block(data, "prenom", {"label": "Votre premier prénom ?"}, published={"prenom"})
    assert kept["steps"][0]["blocks"][0]["id"] == "prenom"  # online: answers are kept under it
