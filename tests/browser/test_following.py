"""Following and correcting a request, in a real Chromium: a young person sends « Être
rappelé·e par un·e bénévole », follows it on another device (JavaScript off) with the
reference and the code, corrects their first name, and sees the new status and message
once a volunteer changed them in the studio. axe-core checks the follow-up pages.
"""

from __future__ import annotations

import os
import re
import threading

import pytest

from browsing import REFERENCE, ClickingPerson, axe_violations, path_of, walk

from builder.app import create_app
from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES, publish_files
from builder.storage import accounts, workspace

pytestmark = pytest.mark.browser

SERVICE = EXAMPLES / "rappel-benevole.yaml"
VOLUNTEER, PASSWORD = "camille@example.org", "une phrase assez longue"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live Tremplin on 127.0.0.1 whose organisation « Coup de pouce » runs the service."""
    from werkzeug.serving import make_server

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("TREMPLIN_"):
                patch.delenv(name)
        app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("follow") / "instance"),
                          "SESSION_COOKIE_SECURE": False, "GC_FREEZE": False})
    with app.app_context():
        db = get_db()
        camille = accounts.create_user(db, VOLUNTEER, "Camille", PASSWORD)
        org = accounts.create_organisation(db, "Coup de pouce", camille.id)
        workspace.create(db, org.id, "rappel-benevole", SERVICE.read_text(encoding="utf-8"))
    publish_files(app, [SERVICE])
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="follow-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}", org.slug
    finally:
        http.shutdown()
        http.server_close()
        thread.join(timeout=10)


@pytest.fixture
def device(browser, server):
    """``device(javascript=True, viewport=None)``: a page in a new browser context."""
    contexts = []

    def make(javascript: bool = True, viewport: dict | None = None):
        context = browser.new_context(base_url=server[0], java_script_enabled=javascript, locale="fr-FR",
                                      viewport=viewport or {"width": 360, "height": 740})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_person_follows_and_corrects_and_sees_the_volunteers_status(server, device):
    base, org_slug = server
    service = load_service(SERVICE)
    sender = ClickingPerson(device())
    sent = walk(sender, service, service.personas[0].answers)
    reference = sent["reference"]
    code = sender.page.locator(".follow-code").inner_text().strip()
    assert REFERENCE.fullmatch(reference) and re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    sender.activate("Suivre ma demande")  # the form, its reference filled in (axe needs JavaScript)
    assert sender.page.input_value("#reference") == reference
    sender.activate("Voir ma demande")
    assert "Il y a un problème" in sender.page.locator(".error-summary").inner_text()  # no code typed
    assert axe_violations(sender.page) == []

    # another device, without JavaScript: the start page, « Suivre ma demande », a wrong code first
    person = ClickingPerson(device(javascript=False))
    page = person.page
    page.goto("/s/rappel-benevole/")
    person.activate("Suivre ma demande")
    page.fill("#reference", reference)
    page.fill("#code", "ABC-DEF")
    person.activate("Voir ma demande")
    assert "Il y a un problème" in page.locator(".error-summary").inner_text()
    assert "Fatou" not in page.locator("main").inner_text()
    page.fill("#code", code.lower())
    person.activate("Voir ma demande")
    assert path_of(page).endswith(f"/suivre/{reference}")
    assert "Reçue" in page.locator("main").inner_text()

    # the correction: the same journey, prefilled, ending on « Vérifier vos réponses »
    person.activate("Corriger ma demande")
    assert path_of(page).endswith("/verifier")
    page.locator("a", has_text="Modifier").filter(has_text="prénom").click()
    page.wait_for_load_state()
    assert page.input_value("#prenom") == "Fatou"
    page.fill("#prenom", "Fatoumata")
    person.activate("Continuer")
    assert path_of(page).endswith("/verifier")
    person.activate("Enregistrer la correction")
    main = page.locator("main").inner_text()
    assert "Votre correction est enregistrée" in main and "Fatoumata" in main

    # a volunteer signs in to the studio, sees the correction, marks the request « Traitée »
    volunteer = ClickingPerson(device(viewport=DESKTOP))
    studio = volunteer.page
    studio.goto("/compte/connexion")
    studio.fill("#email", VOLUNTEER)
    studio.fill("#password", PASSWORD)
    volunteer.activate("Se connecter")
    studio.goto(f"/studio/o/{org_slug}/services/rappel-benevole/reponses/")
    assert "Reçue" in studio.locator("table").inner_text()
    volunteer.activate(reference)
    corrections = studio.locator("main").inner_text()
    assert "Les corrections" in corrections and "Fatoumata" in corrections
    studio.select_option("#status", "treated")
    studio.select_option("#handler", label="Camille")
    studio.fill("#message", "Une bénévole vous appelle jeudi soir.")
    studio.check("#notify")
    volunteer.activate("Enregistrer le suivi")
    assert "La personne est prévenue par e-mail." in studio.locator("main").inner_text()
    assert axe_violations(studio) == []
    sender.page.fill("#code", code)
    sender.activate("Voir ma demande")
    assert "Traitée" in sender.page.locator("main").inner_text()
    assert axe_violations(sender.page) == []

    # the person reloads their follow-up page: the new status, its message, no more correcting
    page.reload()
    main = page.locator("main").inner_text()
    assert "Traitée" in main and "Une bénévole vous appelle jeudi soir." in main
    assert page.locator("button", has_text="Corriger ma demande").count() == 0

    # the person lost their code and calls: the volunteer gives a new one; the old one stops
    volunteer.activate("Donner un nouveau code de suivi")
    given = studio.locator(".follow-code").inner_text().strip()
    assert given != code and "l’ancien ne marche plus" in studio.locator("main").inner_text()
    assert axe_violations(studio) == []
    again = ClickingPerson(device(javascript=False))
    again.page.goto(f"/s/rappel-benevole/suivre?reference={reference}")
    again.page.fill("#code", code)
    again.activate("Voir ma demande")
    assert "Il y a un problème" in again.page.locator(".error-summary").inner_text()
    again.page.fill("#code", given)
    again.activate("Voir ma demande")
    assert "Traitée" in again.page.locator("main").inner_text()
