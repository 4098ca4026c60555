"""Outcomes and personas in the editor: edit an outcome's texts, links and source; make
an example from the answers given in the preview; every example runs again after each
edit and shows ✓ or ✗ in words, with why."""

from __future__ import annotations

import datetime as dt
import re

from test_studio_editor import Studio, people, section, studio, text_of  # noqa: F401  (fixtures)


def fill_preview(studio: Studio, age: str, statut: str, permis: str = "non") -> None:
    """Answer the draft's questions in the preview, as a person in the frame would."""
    assert studio.post("apercu/commencer").status_code == 303
    assert studio.post("apercu/etape/vous", {"age": age, "statut": statut, "_shown": ["age", "statut"]}) \
        .status_code == 303
    assert studio.post("apercu/etape/permis", {"deja_permis": permis, "_shown": "deja_permis"}).status_code == 303


def test_add_an_outcome_then_give_it_a_condition(studio: Studio):
    response = studio.post("resultats", {"title": "Le pass Culture"})
    assert response.status_code == 303 and response.location.endswith("#resultat-le-pass-culture")
    page = studio.page()
    outcome = section(page, "resultat-le-pass-culture")
    assert "pas encore de condition" in text_of(outcome)
    assert "Dites quand ce résultat s'applique" in text_of(outcome)  # the problem, next to it


def test_edit_an_outcome_title_amount_body_links_and_source(studio: Studio):
    form = {"title": "L'aide au permis de conduire", "amount": "600 €",
            "body": "Demandez-la **avant** de passer le code.",
            "links": "Faire la demande | https://example.org/demande\nEn savoir plus | https://example.org",
            "source_url": "https://example.org/texte", "source_label": "Délibération du 1er juillet",
            "source_checked": "01/09/2026"}
    response = studio.post("resultats/aide-permis", form)
    assert response.status_code == 303 and response.location.endswith("#resultat-aide-permis")
    outcome = studio.data()["outcomes"][0]
    assert outcome["title"] == "L'aide au permis de conduire" and outcome["amount"] == "600 €"
    assert outcome["body"] == "Demandez-la **avant** de passer le code."
    assert outcome["links"] == [{"label": "Faire la demande", "url": "https://example.org/demande"},
                                {"label": "En savoir plus", "url": "https://example.org"}]
    assert outcome["source"] == {"url": "https://example.org/texte", "label": "Délibération du 1er juillet",
                                 "checked": dt.date(2026, 9, 1)}
    page = studio.page("resultats/aide-permis")
    assert "Faire la demande | https://example.org/demande" in page and 'value="01/09/2026"' in page


def test_an_outcome_form_speaks_the_studio_s_language(studio: Studio):
    assert "Gras avec **…**" in text_of(studio.page("resultats/aide-permis"))
    english = text_of(studio.page("resultats/aide-permis?lang=en"))
    assert "Bold with **…**" in english and "Gras" not in english


def test_an_outcome_form_with_mistakes_keeps_what_was_typed(studio: Studio):
    before = studio.copy().revision
    response = studio.post("resultats/aide-permis", {"title": "", "links": "un lien sans adresse",
                                                     "source_url": "", "source_checked": "hier"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("champ-links", "champ-source_url"):
        assert f'href="#{field}"' in page
    assert "un lien sans adresse" in page and studio.copy().revision == before


def test_reorder_and_delete_outcomes_with_undo(studio: Studio):
    studio.post("resultats", {"title": "Le pass Culture"})
    studio.post("resultats/le-pass-culture/deplacer", {"direction": "up"})
    assert [o["id"] for o in studio.data()["outcomes"]] == ["le-pass-culture", "aide-permis"]
    page = studio.post("resultats/aide-permis/supprimer").get_data(as_text=True)
    assert [o["id"] for o in studio.data()["outcomes"]] == ["le-pass-culture"]
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    studio.post("annuler", {"undo": token})
    assert [o["id"] for o in studio.data()["outcomes"]] == ["le-pass-culture", "aide-permis"]


def test_examples_are_shown_passing_in_words(studio: Studio):
    example = section(studio.page(), "exemple-0")
    assert "✓ Passe" in text_of(example) and "persona--ok" in example


def test_an_example_made_from_the_preview_goes_red_then_green_again(studio: Studio):
    fill_preview(studio, "17", "apprenti")
    page = studio.page("exemples/nouveau")
    assert "Quel est votre âge ?" in text_of(page) and "17" in text_of(page)
    assert 'value="aide-permis"' in page and 'value="aide-permis" checked' not in page  # it does not apply at 17

    response = studio.post("exemples/nouveau", {"name": "Apprenti de 17 ans"})
    assert response.status_code == 303 and response.location.endswith("#exemple-1")
    persona = studio.data()["tests"][1]
    assert persona == {"name": "Apprenti de 17 ans", "answers": {"age": 17, "statut": "apprenti",
                                                                   "deja_permis": False}, "expect": []}
    assert "✓ Passe" in text_of(section(studio.page(), "exemple-1"))

    # an edit that gives the aid from 16: the new example now fails, and says why
    studio.post("resultats/aide-permis/condition", {"mode": "text", "expression": 'statut == "apprenti" and age >= 16',
                                                   "action": "save", "count": "0"})
    page = studio.page()
    example = text_of(section(page, "exemple-1"))
    assert "✗ Ne passe pas" in example and "obtenu : « L'aide au permis »" in example  # its title, not its id
    assert "✗ L’exemple « Apprenti de 17 ans » ne passe plus." in text_of(page)

    # expecting the aid now makes it pass again
    studio.post("exemples/1", {"name": "Apprenti de 17 ans", "expect_shown": "1", "expect": "aide-permis"})
    assert studio.data()["tests"][1]["expect"] == ["aide-permis"]
    page = text_of(studio.page())
    assert "✓ L’exemple « Apprenti de 17 ans » passe de nouveau." in page


def test_the_outcomes_that_apply_are_expected_by_default(studio: Studio):
    fill_preview(studio, "19", "apprenti")
    assert 'value="aide-permis" checked' in studio.page("exemples/nouveau")
    studio.post("exemples/nouveau", {"name": "Apprentie de 20 ans", "expect": "aide-permis"})
    assert studio.data()["tests"][1]["expect"] == ["aide-permis"]


def test_an_example_needs_a_name_and_answers(studio: Studio):
    response = studio.post("exemples/nouveau", {"name": "Sans réponse"})
    assert response.status_code == 303 and len(studio.data()["tests"]) == 1
    assert "Remplissez d'abord l'aperçu" in text_of(studio.page())
    fill_preview(studio, "19", "apprenti")
    response = studio.post("exemples/nouveau", {"name": " "})
    assert response.status_code == 422 and 'href="#champ-name"' in response.get_data(as_text=True)


def test_a_date_answer_becomes_a_date_and_the_example_keeps_its_day(people):
    people.create(SERVICE_WITH_DATE, "date-service")
    studio = people.studio("olga", "date-service")
    studio.post("apercu/commencer")
    assert studio.post("apercu/etape/vous", {"naissance": "02/03/2007", "_shown": "naissance"}).status_code == 303
    studio.post("exemples/nouveau", {"name": "Née en 2007"})
    persona = studio.data()["tests"][0]
    assert persona["answers"] == {"naissance": dt.date(2007, 3, 2)} and isinstance(persona["today"], dt.date)
    assert "naissance: 2007-03-02" in studio.copy().yaml


def test_delete_an_example_and_undo(studio: Studio):
    page = studio.post("exemples/0/supprimer").get_data(as_text=True)
    assert studio.data().get("tests") == []
    token = re.search(r'name="undo" value="([^"]+)"', page).group(1)
    studio.post("annuler", {"undo": token})
    assert studio.data()["tests"][0]["name"] == "Apprentie de 19 ans"


SERVICE_WITH_DATE = """\
tremplin: 1
id: date-service
title: Votre âge
steps:
  - id: vous
    title: Vous
    blocks:
      - type: date
        id: naissance
        label: Votre date de naissance
"""


NO_OUTCOMES = """\
tremplin: 1
id: contact
title: Nous écrire
steps:
  - id: vous
    title: Vous
    blocks:
      - {type: text, id: prenom, label: Votre prénom}
submission: {confirmation: Merci}
"""


def test_an_outcome_of_a_service_without_outcomes_is_not_found(people):
    """A service with no ``outcomes`` key: any outcome URL is a 404, for every role and method."""
    people.create(NO_OUTCOMES, "contact")
    for who in ("olga", "rita"):
        studio = people.studio(who, "contact")
        for path in ("resultats/x", "resultats/x/condition"):
            assert studio.get(path).status_code == 404
            assert studio.post(path, {"title": "Oui"}).status_code in (403, 404)
    owner = people.studio("olga", "contact")
    assert owner.post("resultats/x", {"title": "Oui"}).status_code == 404
    assert owner.post("resultats/x/condition", {"expression": "prenom"}).status_code == 404
