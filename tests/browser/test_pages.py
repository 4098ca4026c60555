"""Pages off the happy path: the error summary, saving, a wrong code, 404, the index.

Each passes axe-core and has no horizontal scroll at 320 px (``inspect``); the error
summary works with the keyboard.
"""

from __future__ import annotations

import re

import pytest

from browsing import KeyboardPerson, path_of
from builder.format.loader import load_service
from builder.serving import EXAMPLES

pytestmark = pytest.mark.browser

SERVICES = [pytest.param(load_service(path), id=path.stem) for path in sorted(EXAMPLES.glob("*.yaml"))]


@pytest.mark.parametrize("service", SERVICES)
def test_an_empty_step_shows_an_error_summary_linked_to_the_fields(page, inspect, service):
    person = KeyboardPerson(page)
    page.goto(f"/s/{service.id}/")
    person.activate("Commencer")
    step_url = page.url
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        person.activate("Continuer")
    assert posted.value.status == 422
    assert page.url == step_url
    assert page.title().startswith("Erreur :")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert links.count() >= 1
    inspect(page, "step-error-summary")
    # each link leads to its field; Enter on the first one puts the keyboard focus there
    targets = [link.get_attribute("href") for link in links.all()]
    for target in targets:
        assert page.locator(target).count() == 1, target
    person.tab_to(".error-summary a")
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=targets[0][1:])


def test_the_save_page(page, inspect):
    page.goto("/s/aides-jeunes/")
    person = KeyboardPerson(page)
    person.activate("Commencer")
    person.activate("Enregistrer et reprendre plus tard")
    assert path_of(page).endswith("/sauvegarde")
    assert re.search(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b", page.locator(".panel").inner_text())
    inspect(page, "saved")


def test_a_wrong_code_is_a_clear_error(page, inspect):
    page.goto("/s/avis/reprendre")
    person = KeyboardPerson(page)
    person.type_into("#code", "ZZZ-999")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        person.activate("Reprendre")
    assert posted.value.status == 422
    assert page.get_by_text("Ce code ne correspond à aucune réponse enregistrée").is_visible()
    assert page.title().startswith("Erreur :")
    inspect(page, "resume-error")


def test_the_404_page(page, inspect):
    response = page.goto("/s/ce-service-n-existe-pas/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    inspect(page, "404")


def test_the_index_lists_every_example(page, inspect):
    page.goto("/")
    for path in EXAMPLES.glob("*.yaml"):
        assert page.locator(f'a[href="/s/{path.stem}/"]').count() == 1
    inspect(page, "index")


def test_a_question_revealed_without_htmx_comes_with_a_note(new_page, inspect):
    """The page as it is without JavaScript (htmx never loads), checked by axe."""
    page = new_page()
    page.route("**/htmx.min.js*", lambda route: route.abort())
    page.goto("/s/soutien-scolaire/")
    person = KeyboardPerson(page)
    person.activate("Commencer")
    person.type_into("#prenom_eleve", "Awa")
    person.type_into("#date_naissance", "02/03/2008")
    person.activate("Continuer")
    person.choose_radio("classe", "terminale")
    person.activate("Continuer")
    assert page.locator("#matiere_autre").count() == 0  # not asked before « Autre » is ticked
    person.tick('input[name="matieres"][value="autre"]')
    person.activate("Continuer")
    assert path_of(page).endswith("/etape/besoins")
    assert page.get_by_role("status").filter(has_text="Une nouvelle question est apparue").is_visible()
    assert page.locator("#matiere_autre").is_visible()
    assert page.locator(".error-summary").count() == 0  # a new question is not a mistake
    inspect(page, "step-revealed-without-htmx")


@pytest.mark.parametrize("service", SERVICES)
def test_the_paper_version_is_an_accessible_page_reached_from_the_start_page(page, inspect, service):
    page.goto(f"/s/{service.id}/")
    KeyboardPerson(page).activate("Version papier")
    assert path_of(page) == f"/s/{service.id}/papier"
    assert page.locator("h1").inner_text() == service.text("title")
    assert page.locator("img.paper-qr").get_attribute("alt").startswith("QR code qui mène à http")
    inspect(page, "paper")
