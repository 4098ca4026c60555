"""The studio's page that maps a service's questions to the fields of a démarche of
démarches-simplifiées, for one link of an outcome (stored under the link as ``demarche``)."""

from __future__ import annotations

from builder.db import get_db
from builder.storage import workspace
from test_studio_editor import SERVICE, Studio, people, studio  # noqa: F401  (fixtures)

LINK = "Faire la demande | https://www.demarches-simplifiees.fr/commencer/aide-permis"


def with_link(studio: Studio) -> None:
    response = studio.post("resultats/aide-permis", {"title": "L'aide au permis", "links": LINK, "source_url": ""})
    assert response.status_code == 303


def test_the_outcome_page_leads_to_the_mapping_of_a_demarche_link(studio: Studio):
    with_link(studio)
    page = studio.page("resultats/aide-permis")
    assert "Préremplir la démarche « Faire la demande » avec les réponses" in page
    assert "resultats/aide-permis/liens/0/demarche" in page


def test_map_questions_to_the_fields_of_the_demarche(studio: Studio):
    with_link(studio)
    page = studio.page("resultats/aide-permis/liens/0/demarche")
    assert 'name="champ-age"' in page and 'name="champ-statut"' in page
    response = studio.post("resultats/aide-permis/liens/0/demarche",
                           {"champ-age": "Q2hhbXAtMQ==", "champ-statut": " champ_Q2hhbXAtMg== ", "number": "42"})
    assert response.status_code == 303
    link = studio.data()["outcomes"][0]["links"][0]
    assert link["demarche"] == {"champs": {"age": "Q2hhbXAtMQ==", "statut": "champ_Q2hhbXAtMg=="}, "number": 42}
    assert 'value="Q2hhbXAtMQ=="' in studio.page("resultats/aide-permis/liens/0/demarche")


def test_editing_the_links_keeps_the_demarche_of_a_link_kept(studio: Studio):
    with_link(studio)
    studio.post("resultats/aide-permis/liens/0/demarche", {"champ-age": "Q2hhbXAtMQ=="})
    studio.post("resultats/aide-permis", {"title": "L'aide au permis", "source_url": "",
                                           "links": LINK + "\nEn savoir plus | https://example.org"})
    links = studio.data()["outcomes"][0]["links"]
    assert links[0]["demarche"] == {"champs": {"age": "Q2hhbXAtMQ=="}} and "demarche" not in links[1]


def test_a_wrong_number_is_refused_and_nothing_is_saved(studio: Studio):
    with_link(studio)
    before = studio.copy().revision
    response = studio.post("resultats/aide-permis/liens/0/demarche", {"champ-age": "X", "number": "douze"})
    assert response.status_code == 422 and "en chiffres" in response.get_data(as_text=True)
    assert studio.copy().revision == before


def test_emptying_every_field_stops_the_prefill(studio: Studio):
    with_link(studio)
    studio.post("resultats/aide-permis/liens/0/demarche", {"champ-age": "Q2hhbXAtMQ=="})
    studio.post("resultats/aide-permis/liens/0/demarche", {"champ-age": ""})
    assert "demarche" not in studio.data()["outcomes"][0]["links"][0]


def test_the_questions_of_a_reusable_block_can_be_sent_too(studio: Studio):
    with studio.app.app_context():
        copy = studio.copy()
        workspace.save(get_db(), studio.service_id, SERVICE.replace(
            "        label: Avez-vous déjà le permis ?\n",
            "        label: Avez-vous déjà le permis ?\n      - use: coordonnees\n", 1), copy.revision)
    with_link(studio)
    page = studio.page("resultats/aide-permis/liens/0/demarche")
    assert 'name="champ-email"' in page and "Votre numéro de téléphone" in page
    assert 'name="champ-deja_permis"' in page
