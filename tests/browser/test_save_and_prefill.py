"""Saving to finish on another device, and answers carried by the start link."""

from __future__ import annotations

import re

import pytest

from browsing import KeyboardPerson, path_of

pytestmark = pytest.mark.browser


def test_save_on_step_two_and_resume_on_another_device(new_page):
    page = new_page()
    person = KeyboardPerson(page)
    page.goto("/s/soutien-scolaire/")
    person.activate("Commencer")
    person.type_into("#prenom_eleve", "Awa")
    person.type_into("#date_naissance", "02/03/2008")
    person.activate("Continuer")
    step_two = path_of(page)
    assert step_two.endswith("/etape/niveau")
    person.activate("Enregistrer et reprendre plus tard")
    code = re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", page.locator(".panel").inner_text()).group(0)
    link = page.locator("main a", has_text="/reprendre/").first.inner_text().strip()
    assert link.endswith(f"/s/soutien-scolaire/reprendre/{code}")
    person.activate("Continuer maintenant")  # back where the person was
    assert path_of(page) == step_two

    # the link, on another device (a new browser context: no cookie)
    other = new_page()
    other.goto(link)
    assert path_of(other) == step_two
    KeyboardPerson(other).activate("Retour")
    assert other.input_value("#prenom_eleve") == "Awa"
    assert other.input_value("#date_naissance") == "02/03/2008"

    # the code, typed on a third device
    third = new_page()
    third.goto("/s/soutien-scolaire/")
    typist = KeyboardPerson(third)
    typist.activate("Vous avez un code pour reprendre ?")
    typist.type_into("#code", code)
    typist.activate("Reprendre")
    assert path_of(third) == step_two
    typist.activate("Retour")
    assert third.input_value("#prenom_eleve") == "Awa"


def test_prefilled_status_skips_its_question(page):
    page.goto("/s/aides-jeunes/?statut=apprenti")
    person = KeyboardPerson(page)
    person.activate("Commencer")
    assert path_of(page).endswith("/etape/naissance")
    person.type_into("#date_naissance", "20/04/2008")
    person.activate("Continuer")
    assert "/etape/situation" not in path_of(page)  # the status came with the link
    assert page.locator('input[name="statut"]').count() == 0
    person.type_into("#revenus", "850")
    person.activate("Continuer")
    assert path_of(page).endswith("/verifier")
    assert "Je suis en apprentissage" in page.locator(".summary-list").inner_text()
