"""An intermediary fills a request in for someone, in a real Chromium (issue « Nobody left
behind », item 4): from the service's page, « Remplir pour une autre personne »,
their name, structure and the person's agreement; the journey on the mini-site with the
banner on every page; the slip to print; « Arrêter »; then the studio shows who filled it
in, for whom and how. axe-core checks the new pages.
"""

from __future__ import annotations

import re
import uuid

import pytest

from test_studio_journey import Studio

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
BANNER = "Demande remplie pour une autre personne par Amina Benali (CCAS de Lille)."


def publish_contact_form(page, studio: Studio) -> None:
    """Sign up, create an organisation, the contact form from its template, published."""
    page.goto("/compte/inscription")
    page.get_by_label("Votre nom").fill("Amina Benali")
    page.get_by_label("Adresse e-mail").fill(f"amina-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase assez longue")
    page.get_by_label("Confirmez le mot de passe").fill("une phrase assez longue")
    studio.click("button", "Créer mon compte")
    page.get_by_label("Nom de l’organisation").fill(f"Coup de pouce {uuid.uuid4().hex[:6]}")
    studio.click("button", "Créer l’organisation")
    page.get_by_label("À partir d’un modèle").check()
    page.get_by_label("Modèle", exact=True).select_option("rappel-benevole")
    studio.click("button", "Créer le service")
    studio.click("link", "Publier")
    studio.click("button", "Publier")
    assert "est en ligne" in page.content()
    studio.click("link", "Retour au service")


def next_page(page, name: str = "Continuer") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_an_intermediary_fills_in_for_someone_and_the_studio_shows_it(new_page, inspect):
    page = new_page(viewport=LAPTOP)
    studio = Studio(page)
    publish_contact_form(page, studio)
    studio.click("link", "Remplir pour une autre personne")  # among the service's tools
    studio.axe("fill in for someone")
    page.get_by_label("Votre nom").fill("Amina Benali")
    page.get_by_label("Votre structure").fill("CCAS de Lille")
    page.get_by_label("Nom de la personne (facultatif)").fill("Fatou Diallo")
    studio.click("button", "Commencer")
    assert page.locator(".error-summary").inner_text().count("Dites si la personne est présente") == 1
    page.get_by_label("La personne est présente et d’accord").check()
    studio.click("button", "Commencer")

    banner = page.locator(".assisted-banner")
    assert BANNER in banner.inner_text() and "Pour : Fatou Diallo." in banner.inner_text()
    inspect(page, "assisted step")
    page.get_by_label("De l'aide aux devoirs pour un enfant ou un jeune").check()
    next_page(page)
    assert BANNER in banner.inner_text()
    page.get_by_label("Le soir, de 18 h à 20 h").check()
    next_page(page)
    assert BANNER in banner.inner_text()
    next_page(page)  # « Voulez-vous nous en dire plus ? » may stay empty
    page.get_by_label("Votre prénom").fill("Fatou")
    next_page(page)
    assert BANNER in banner.inner_text()
    page.get_by_label("Votre adresse e-mail").fill("fatou.diallo@example.org")
    page.get_by_label("Votre numéro de téléphone").fill("06 12 34 56 78")
    next_page(page)
    page.locator("input[name=consentement]").first.check()
    next_page(page)
    assert page.locator("h1").inner_text().strip() == "Vérifier vos réponses" and BANNER in banner.inner_text()
    next_page(page, "Envoyer")
    assert BANNER in banner.inner_text()
    reference = re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", page.locator("main").inner_text()).group(0)

    studio.click("link", "Fiche à remettre à la personne")
    inspect(page, "slip")
    slip = page.locator("main").inner_text()
    assert reference in slip and "Être rappelé·e par un·e bénévole" in slip and "CCAS de Lille" in slip
    page.emulate_media(media="print")
    assert not banner.is_visible() and page.get_by_text(reference).is_visible()
    page.emulate_media(media="screen")
    studio.click("button", "Arrêter et revenir au studio")

    assert studio.heading() == "Réponses reçues"
    row = page.locator("tr", has_text=reference)
    assert "Amina Benali (CCAS de Lille)" in row.inner_text()
    studio.click(row.get_by_role("link", name=reference))
    studio.axe("submission filled in for someone")
    detail = page.locator("main").inner_text()
    assert "Remplie pour une autre personne" in detail and "Fatou Diallo" in detail
    assert "La personne est présente et d'accord" in detail
