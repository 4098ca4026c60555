"""The editor's blocks: add from the palette, the parameter form generated from the
block type, reorder, move to another step, duplicate, delete and undo."""

from __future__ import annotations

import re

import pytest

from blocks import REGISTRY
from test_studio_editor import Studio, people, studio, text_of  # noqa: F401  (fixtures)


@pytest.mark.parametrize("type_name", REGISTRY.names())
def test_every_block_type_can_be_added_and_its_form_shown(studio: Studio, type_name):
    response = studio.post("etapes/permis/blocs", {"type": type_name})
    assert response.status_code == 303
    new_id = studio.block_ids("permis")[-1]
    assert response.location.endswith(f"/blocs/{new_id}")  # without JavaScript, its form is the next page
    page = studio.page(f"blocs/{new_id}")
    assert "Le bloc est ajouté. Écrivez sa question." in page
    for param in REGISTRY.get(type_name).all_params():
        if param.kind == "condition":  # the condition has its own page, linked from the form
            assert f"blocs/{new_id}/condition" in page
        else:
            assert f'champ-{param.name}' in page, param.name  # one field per declared parameter
    assert "<h1>" in page and page.count("<h1>") == 1


def test_a_reusable_block_is_added_as_it_is_and_edited_with_its_own_form(studio: Studio):
    studio.post("etapes/permis/blocs", {"library": "coordonnees"})
    assert studio.step("permis")["blocks"][-1] == {"use": "coordonnees"}
    page = studio.page("blocs/use:coordonnees")
    assert "Questions à garder" in page and 'value="telephone"' in page
    response = studio.post("blocs/use:coordonnees", {"only_shown": "1", "only": ["telephone"], "prefix": ""})
    assert response.status_code == 303
    assert studio.step("permis")["blocks"][-1] == {"use": "coordonnees", "only": ["telephone"]}


def test_a_reusable_block_whose_questions_exist_is_refused_in_french(studio: Studio):
    studio.post("etapes/permis/blocs", {"library": "identite"})
    before = studio.copy().revision
    studio.post("etapes/vous/blocs", {"library": "identite"})
    assert studio.copy().revision == before
    assert "existent déjà dans ce service" in text_of(studio.page())


def test_editing_parameters_saves_them_and_the_id_follows_a_new_label(studio: Studio):
    studio.post("etapes/permis/blocs", {"type": "number"})
    form = {"id": "nouvelle_question", "label": "Combien gagnez-vous par mois ?", "hint": "En euros",
            "required": ["non", "oui"], "min": "0", "max": "10 000", "step": "", "unit": "€"}
    response = studio.post("blocs/nouvelle_question", form)
    assert response.status_code == 303
    block = studio.step("permis")["blocks"][-1]
    new_id = block["id"]
    assert new_id != "nouvelle_question" and "gagnez" in new_id  # an id made from the label
    assert block == {"type": "number", "id": new_id, "label": "Combien gagnez-vous par mois ?",
                     "hint": "En euros", "min": 0, "max": 10000, "unit": "€"}
    assert response.location.endswith(f"#bloc-{new_id}")
    assert "Le bloc est enregistré." in studio.page()


@pytest.mark.parametrize("value", ["1e400", "1" * 30, "nan", "-inf"])
def test_a_bound_beyond_15_digits_is_refused_on_its_field(studio: Studio, value):
    before = studio.copy().revision
    response = studio.post("blocs/age", {"label": "Quel est votre âge ?", "min": "0", "max": value})
    assert response.status_code == 422
    assert "« max » : écrivez un nombre de 15 chiffres au plus." in text_of(response.get_data(as_text=True))
    assert studio.copy().revision == before


def test_an_optional_question_and_answers_one_per_line(studio: Studio):
    form = {"label": "Quelle est votre situation ?", "options": "apprenti | En apprentissage\nAutre",
            "required": "non"}
    studio.post("blocs/statut", form)
    block = next(b for b in studio.step("vous")["blocks"] if b["id"] == "statut")
    assert block["options"] == [{"value": "apprenti", "label": "En apprentissage"}, "Autre"]
    assert block["required"] is False


def test_a_mistake_in_the_form_is_shown_with_a_summary_linked_to_the_field(studio: Studio):
    before = studio.copy().revision
    response = studio.post("blocs/age", {"label": "Quel âge avez-vous ?", "min": "beaucoup"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#champ-min"' in page and 'id="champ-min"' in page
    assert 'value="beaucoup"' in page and 'value="Quel âge avez-vous ?"' in page  # nothing typed is lost
    assert page.startswith("<!doctype html>") and "<title>Erreur :" in page
    assert studio.copy().revision == before


def test_an_id_already_taken_is_refused_next_to_the_id_field(studio: Studio):
    response = studio.post("blocs/age", {"id": "statut"})
    assert response.status_code == 422
    assert 'href="#champ-id"' in response.get_data(as_text=True)


def test_renaming_a_question_renames_it_in_conditions_and_examples(studio: Studio):
    studio.post("blocs/age", {"id": "age_annees"})
    data = studio.data()
    assert data["outcomes"][0]["when"] == {"all": ['statut == "apprenti"', "age_annees >= 18", "not deja_permis"]}
    assert "age_annees" in data["tests"][0]["answers"]
    assert "✓ Passe" in studio.page()


def test_reorder_and_move_a_block_to_another_step(studio: Studio):
    studio.post("blocs/statut/deplacer", {"direction": "up"})
    assert studio.block_ids("vous") == ["statut", "age"]
    studio.post("blocs/statut/deplacer", {"direction": "down"})
    assert studio.block_ids("vous") == ["age", "statut"]
    response = studio.post("blocs/age/deplacer", {"to_step": "permis"})
    assert response.status_code == 303 and response.location.endswith("#bloc-age")
    assert studio.block_ids("vous") == ["statut"] and studio.block_ids("permis") == ["deja_permis", "age"]
    assert "Le bloc est déplacé dans une autre étape." in studio.page()


def test_moving_past_the_end_is_refused_plainly(studio: Studio):
    before = studio.copy().revision
    studio.post("blocs/statut/deplacer", {"direction": "down"})
    assert studio.copy().revision == before
    assert "La place n° 3 n'existe pas" in text_of(studio.page())


def test_duplicate_then_delete_and_undo(studio: Studio):
    studio.post("blocs/statut/dupliquer")
    assert studio.block_ids("vous") == ["age", "statut", "statut_2"]
    response = studio.post("blocs/age/supprimer")
    page = response.get_data(as_text=True)
    assert studio.block_ids("vous") == ["statut", "statut_2"]
    assert "Le bloc est supprimé." in page and ">Annuler</button>" in page
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    studio.post("annuler", {"undo": token})
    assert studio.block_ids("vous") == ["age", "statut", "statut_2"]


def test_htmx_edits_swap_the_editor_and_keep_the_undo(studio: Studio):
    response = studio.post("blocs/age/supprimer", htmx=True)
    body = response.get_data(as_text=True)
    assert '<li id="bloc-age" hx-swap-oob="delete">' in body and ">Annuler</button>" in body
    assert 'hx-post="' in body and 'hx-target="#editeur"' in body
    token = re.search(r'name="undo" value="([^"]+)"', body).group(1)
    body = studio.post("annuler", {"undo": token}, htmx=True).get_data(as_text=True)
    assert "C’est annulé" in body and "age" in studio.block_ids("vous")


def test_a_reader_can_see_a_block_form_but_not_save_it(people):
    people.create()
    reader = people.studio("rita", "aide-permis")
    page = reader.page("blocs/age")
    assert "readonly" in page and "Enregistrer" not in page
    assert reader.post("blocs/age", {"label": "Piraté"}).status_code == 403


def test_an_unknown_block_is_not_found(studio: Studio):
    assert studio.get("blocs/n_existe_pas").status_code == 404
    assert studio.post("blocs/n_existe_pas", {"label": "x"}).status_code == 404


def test_a_dropped_block_goes_to_the_position_it_was_dropped_at(studio):
    response = studio.post("blocs/statut/deplacer", {"to_step": "vous", "position": "0"})
    assert response.status_code == 303
    assert studio.block_ids("vous") == ["statut", "age"]
    studio.post("blocs/age/deplacer", {"to_step": "permis", "position": "0"})
    assert studio.block_ids("permis") == ["age", "deja_permis"] and studio.block_ids("vous") == ["statut"]
    refused = studio.post("blocs/age/deplacer", {"to_step": "permis", "position": "9"})
    assert refused.status_code == 303 and studio.block_ids("permis") == ["age", "deja_permis"]  # nothing moved


def test_a_form_opened_in_place_shows_its_mistakes_in_place(studio):
    response = studio.post("blocs/age", {"label": "", "min": "douze"}, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#formulaire-bloc" and response.headers["HX-Reswap"] == "outerHTML"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form") and 'id="formulaire-bloc"' in body and "<html" not in body
    assert 'aria-invalid="true"' in body
    assert studio.data()["steps"][0]["blocks"][0]["label"] == "Quel est votre âge ?"  # nothing saved
