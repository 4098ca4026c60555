"""Two forms of the editor (issue 4): change a block's type, keeping what the new type
also declares and saying what will be lost; and edit an example (persona) — its name,
answers, expected outcomes and date — after which every example runs again."""

from __future__ import annotations

import datetime as dt

from test_studio_editor import Studio, people, section, studio, text_of  # noqa: F401  (fixtures)


# --- a block's type -----------------------------------------------------------------------

def test_the_type_form_says_type_by_type_what_would_be_lost(studio: Studio):
    assert "/blocs/statut/type" in studio.page() and "/blocs/statut/type" in studio.page("blocs/statut")
    page = text_of(studio.page("blocs/statut/type"))
    assert "Type actuel : Choix unique." in page
    assert "Choix multiples Rien n’est perdu." in page  # the options are kept
    assert "Oui ou non Sera perdu : Réponses possibles (une par ligne)." in page


def test_changing_a_type_keeps_id_texts_condition_and_shared_parameters(studio: Studio):
    studio.post("blocs/statut", {"label": "Quelle est votre situation ?", "hint": "Une seule réponse",
                                 "id": "statut", "required": ["non"],
                                 "options": "apprenti | En apprentissage\netudiant | Étudiant ou étudiante"})
    block = studio.step("vous")["blocks"][1]
    assert block["hint"] == "Une seule réponse" and block["required"] is False

    response = studio.post("blocs/statut/type", {"type": "choices"})
    assert response.status_code == 303 and response.location.endswith("#bloc-statut")
    changed = studio.step("vous")["blocks"][1]
    assert changed["type"] == "choices" and changed["id"] == "statut" and changed["required"] is False
    assert changed["label"] == "Quelle est votre situation ?" and changed["hint"] == "Une seule réponse"
    assert changed["options"] == block["options"]
    assert "Le bloc est maintenant : Choix multiples." in text_of(studio.page())

    studio.post("blocs/statut/type", {"type": "text"})
    assert "options" not in studio.step("vous")["blocks"][1]  # a short text has no options


def test_changing_a_type_with_htmx_answers_with_what_changed(studio: Studio):
    response = studio.post("blocs/age/type", {"type": "text"}, htmx=True)
    assert response.status_code == 200 and 'hx-swap-oob' in response.get_data(as_text=True)
    assert studio.step("vous")["blocks"][0]["type"] == "text"


def test_no_type_chosen_is_refused_and_nothing_is_saved(studio: Studio):
    revision = studio.copy().revision
    response = studio.post("blocs/age/type", {})
    assert response.status_code == 422 and "Choisissez le nouveau type du bloc." in response.get_data(as_text=True)
    assert studio.copy().revision == revision


def test_a_reader_cannot_change_a_type(people):
    people.create()
    reader = people.studio("rita", "aide-permis")
    assert reader.get("blocs/age/type").status_code == 403
    assert reader.post("blocs/age/type", {"type": "text"}).status_code == 403
    assert "Changer de type" not in reader.page()


# --- an example ---------------------------------------------------------------------------

def test_the_example_form_shows_its_answers_outcomes_and_date(studio: Studio):
    assert "/exemples/0/modifier" in studio.page()
    page = studio.page("exemples/0/modifier")
    assert 'name="reponse-age" value="19"' in page and 'name="reponse-statut" value="apprenti"' in page
    assert 'name="reponse-deja_permis" value="non"' in page
    assert 'value="aide-permis" checked' in page and 'name="today" value=""' in page


def test_editing_an_example_saves_it_and_runs_the_examples_again(studio: Studio):
    response = studio.post("exemples/0/modifier", {
        "name": "Apprentie de 19 ans", "reponse-age": "17", "reponse-statut": "apprenti",
        "reponse-deja_permis": "non", "expect": "aide-permis", "today": "2026-09-01"})
    assert response.status_code == 303 and response.location.endswith("#exemple-0")
    assert studio.data()["tests"][0] == {"name": "Apprentie de 19 ans",
                                         "answers": {"age": 17, "statut": "apprenti", "deja_permis": False},
                                         "expect": ["aide-permis"], "today": dt.date(2026, 9, 1)}
    page = text_of(studio.page())
    assert "✗ L’exemple « Apprentie de 19 ans » ne passe plus." in page
    assert "✗ Ne passe pas" in text_of(section(studio.page(), "exemple-0"))

    studio.post("exemples/0/modifier", {"name": "Apprentie de 19 ans", "reponse-age": "17",
                                        "reponse-statut": "apprenti", "today": ""})
    persona = studio.data()["tests"][0]
    assert persona["answers"] == {"age": 17, "statut": "apprenti"} and persona["expect"] == []
    assert "today" not in persona
    assert "✓ L’exemple « Apprentie de 19 ans » passe de nouveau." in text_of(studio.page())


def test_a_wrong_answer_is_shown_next_to_its_question_and_nothing_is_saved(studio: Studio):
    revision = studio.copy().revision
    response = studio.post("exemples/0/modifier", {"name": "", "reponse-age": "dix-neuf",
                                                   "reponse-statut": "chomeur", "today": "demain"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and studio.copy().revision == revision
    for field in ("name", "reponse-age", "reponse-statut", "today"):
        assert f'href="#champ-{field}"' in page and f'id="champ-{field}-error"' in page
    assert 'value="dix-neuf"' in page  # nothing typed is lost


def test_an_example_with_htmx_answers_with_what_changed(studio: Studio):
    response = studio.post("exemples/0/modifier", {"name": "Apprentie", "reponse-age": "19",
                                                   "reponse-statut": "apprenti"}, htmx=True)
    assert response.status_code == 200 and 'hx-swap-oob' in response.get_data(as_text=True)
    assert studio.data()["tests"][0]["name"] == "Apprentie"


def test_an_example_that_does_not_exist_is_not_found(studio: Studio):
    assert studio.get("exemples/5/modifier").status_code == 404
