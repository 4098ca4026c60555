"""htmx only enhances: a question appears as soon as its answer changes, a field is
checked when it is left; nothing is submitted, the focus stays, and the strict
Content-Security-Policy holds (no violation in the console)."""

from __future__ import annotations

import pytest

from browsing import KeyboardPerson, path_of

pytestmark = pytest.mark.browser

HTMX_POST = "r => r.request.method === 'POST'"


def htmx_answer(page):
    return page.expect_response(lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true")


def settled(page):
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def mark_document(page):
    """A mark that a page load would wipe out."""
    page.evaluate("window.sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def to_subjects_step(page) -> KeyboardPerson:
    person = KeyboardPerson(page)
    page.goto("/s/soutien-scolaire/")
    person.activate("Commencer")
    person.type_into("#prenom_eleve", "Awa")
    person.type_into("#date_naissance", "02/03/2008")
    person.activate("Continuer")
    person.choose_radio("classe", "terminale")
    person.activate("Continuer")
    assert path_of(page).endswith("/etape/besoins")
    page.wait_for_function("() => window.htmx !== undefined")
    return person


def test_ticking_autre_shows_the_question_without_submitting(page, inspect, console):
    person = to_subjects_step(page)
    url = page.url
    other = page.locator("#matiere_autre")
    assert other.count() == 0
    mark_document(page)
    person.tab_to('input[name="matieres"][value="autre"]')
    with htmx_answer(page):
        page.keyboard.press("Space")
    settled(page)
    assert other.is_visible()
    assert page.url == url and same_document(page)
    assert person.focused('input[name="matieres"][value="autre"]')  # the focus stays on the box
    assert page.locator("#bloc-matiere_autre .error-message").count() == 0  # no error before it is answered
    inspect(page, "step-revealed-htmx")
    # the next Tab goes to the new question; unticking hides it again
    page.keyboard.press("Tab")
    assert person.focused("#matiere_autre")
    page.keyboard.type("Philosophie")
    person.tab_to('input[name="matieres"][value="autre"]', backwards=True)
    with htmx_answer(page):
        page.keyboard.press("Space")
    settled(page)
    assert other.count() == 0
    assert page.url == url and same_document(page)
    assert console.csp_violations == []


def test_a_field_is_checked_when_it_is_left(page, inspect, console):
    person = KeyboardPerson(page)
    page.goto("/s/soutien-scolaire/")
    person.activate("Commencer")
    page.wait_for_function("() => window.htmx !== undefined")
    url = page.url
    mark_document(page)
    person.type_into("#date_naissance", "31/02/2008")
    with htmx_answer(page):
        page.keyboard.press("Tab")
    settled(page)
    error = page.locator("#date_naissance-erreur")
    assert error.is_visible()
    assert "Cette date n'existe pas" in error.inner_text()
    assert page.url == url and same_document(page)
    field = page.locator("#date_naissance")
    assert field.get_attribute("aria-invalid") == "true"
    assert "date_naissance-erreur" in field.get_attribute("aria-describedby")
    assert page.locator("#date_naissance-erreur-zone").get_attribute("aria-live") == "polite"
    assert "field--error" in page.locator("#bloc-date_naissance").get_attribute("class")
    assert person.focused(text="Continuer")  # the keyboard focus went on, not lost
    assert page.locator("#prenom_eleve-erreur").count() == 0  # only the field left is checked
    inspect(page, "step-field-error-htmx")
    # corrected, the error goes away
    person.tab_to("#date_naissance", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("02/03/2008")
    with htmx_answer(page):
        page.keyboard.press("Tab")
    settled(page)
    assert error.count() == 0
    assert field.get_attribute("aria-invalid") is None
    assert console.csp_violations == []


def test_the_content_security_policy_is_strict_and_violations_would_be_seen(page, console):
    response = page.goto("/s/soutien-scolaire/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    KeyboardPerson(page).activate("Commencer")
    page.wait_for_function("() => window.htmx !== undefined")
    assert console.csp_violations == []
    # the listener does see a violation: an inline script is refused
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.append(script);
    }""")
    page.wait_for_function("() => true")
    assert page.evaluate("window.inlineRan") is None
    assert console.csp_violations, console.messages
    console.messages.clear()
