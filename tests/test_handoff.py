"""Handing a person over to a booking page: an appointment link (help box or outcome)
carries their reference, and their chosen answers only when they pick the link that says
so (builder.site.handoff)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from builder.db import get_db
from builder.format.loader import ServiceFileError, load_service, load_service_text
from builder.serving import EXAMPLES
from builder.storage import accounts, workspace
from builder.storage import services as published
from test_figures import drive

BOOKING = "https://www.rdv-service-public.fr/org/1234/reseau-coup-de-pouce"
TEXT = (EXAMPLES / "soutien-scolaire.yaml").read_text(encoding="utf-8").replace(
    "  appointment_url: https://example.org/rendez-vous\n",
    f"  appointment_url: {BOOKING}?motif=soutien\n"
    "  appointment_handoff: {reference: ref, answers: [classe, matieres]}\n").replace(
    "    amount: Gratuit\n\n  - id: binome",
    "    amount: Gratuit\n    links:\n      - label: Prendre rendez-vous avec un ou une bénévole\n"
    f"        url: {BOOKING}\n        handoff: {{reference: dossier, answers: [classe]}}\n"
    "      - {label: Le collège, url: https://example.org/college}\n\n  - id: binome", 1)
COLLEGIEN = {"prenom_eleve": "Yanis", "date_naissance": "20/06/2013", "classe": "quatrieme",
             "matieres": ["maths", "francais"], "disponibilites": ["mercredi"], "parent_prenom": "Samira",
             "parent_nom": "Benali", "parent_email": "samira@example.org", "parent_telephone": "06 12 34 56 78",
             "consentement": "oui"}


@pytest.fixture
def site(app_factory):
    app = app_factory(TODAY="2026-11-01")
    with app.app_context():
        published.publish(get_db(), "soutien-scolaire", TEXT)
    return app


def query(response) -> dict[str, list[str]]:
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["Location"]).query)


def test_the_help_box_offers_the_appointment_with_and_without_the_answers(site):
    page = site.test_client().get("/s/soutien-scolaire/").get_data(as_text=True)
    box = page.split('<aside class="help"')[1]
    assert '<a href="/s/soutien-scolaire/rendez-vous">Prendre rendez-vous</a>' in box
    assert '<a href="/s/soutien-scolaire/rendez-vous?transmettre=oui">Prendre rendez-vous, en transmettant mes ' \
           'réponses</a>' in box and "« En quelle classe est l&#39;élève cette année ? »" in box


def test_the_reference_goes_once_sent_and_the_answers_only_when_chosen(site):
    person = site.test_client()
    assert query(person.get("/s/soutien-scolaire/rendez-vous")) == {"motif": ["soutien"]}  # nothing to carry yet
    drive(person, load_service(EXAMPLES / "soutien-scolaire.yaml"), COLLEGIEN)
    assert query(person.get("/s/soutien-scolaire/rendez-vous")) == {"motif": ["soutien"]}
    chosen = query(person.get("/s/soutien-scolaire/rendez-vous?transmettre=oui"))
    assert chosen == {"motif": ["soutien"], "classe": ["quatrieme"], "matieres": ["francais; maths"]}
    reference = person.post("/s/soutien-scolaire/envoyer").headers["Location"].rsplit("/", 1)[1]
    assert query(person.get("/s/soutien-scolaire/rendez-vous")) == {"motif": ["soutien"], "ref": [reference]}
    assert query(person.get("/s/soutien-scolaire/rendez-vous?transmettre=oui"))["classe"] == ["quatrieme"]
    stranger = site.test_client()
    assert query(stranger.get("/s/soutien-scolaire/rendez-vous?transmettre=oui")) == {"motif": ["soutien"]}


def test_after_sending_the_outcomes_links_carry_the_reference(site):
    person = site.test_client()
    drive(person, load_service(EXAMPLES / "soutien-scolaire.yaml"), COLLEGIEN)
    result = person.get("/s/soutien-scolaire/resultat").get_data(as_text=True)
    assert '<a href="/s/soutien-scolaire/lien/petit-groupe/0?transmettre=oui">' in result
    assert "/lien/petit-groupe/1?transmettre=oui" not in result  # a link without hand-off is only a link
    sent = person.post("/s/soutien-scolaire/envoyer").headers["Location"]
    reference = sent.rsplit("/", 1)[1]
    confirmation = person.get(sent).get_data(as_text=True)
    assert "Ce que vous pouvez demander ensuite" in confirmation and "/s/soutien-scolaire/lien/petit-groupe/0" in confirmation
    assert query(person.get("/s/soutien-scolaire/lien/petit-groupe/0")) == {"dossier": [reference]}
    chosen = query(person.get("/s/soutien-scolaire/lien/petit-groupe/0?transmettre=oui"))
    assert chosen == {"dossier": [reference], "classe": ["quatrieme"]}
    plain = person.get("/s/soutien-scolaire/lien/petit-groupe/1?transmettre=oui")
    assert plain.headers["Location"] == "https://example.org/college"


def test_the_paper_version_writes_the_booking_address_itself(site):
    page = site.test_client().get("/s/soutien-scolaire/papier").get_data(as_text=True)
    assert f'<a href="{BOOKING}?motif=soutien">Prendre rendez-vous</a>' in page


@pytest.mark.parametrize("handoff, message", [
    ("{reference: ref, answers: [classe, clase]}", "« clase » n'est pas une question de ce service"),
    ("{reference: 'ma référence'}", "ne peut pas être le nom d'un paramètre d'adresse"),
    ("{answers: [Classe]}", "n'est pas un identifiant de question"),
])
def test_a_hand_off_names_questions_of_the_service_and_a_plain_parameter(handoff, message):
    text = TEXT.replace("{reference: ref, answers: [classe, matieres]}", handoff)
    with pytest.raises(ServiceFileError) as error:
        load_service_text(text, "soutien.yaml")
    line = text.splitlines().index(next(line for line in text.splitlines() if "appointment_handoff" in line)) + 1
    assert f"soutien.yaml:{line}: " in error.value.format() and message in error.value.format()


def offers_contact_service(app, contact_org: str) -> bool:
    """Whether the simulator's result page offers « Être rappelé·e » through the contact
    service, when that service belongs to ``contact_org`` and the simulator to « Mission »."""
    simulator = (EXAMPLES / "aides-jeunes.yaml").read_text(encoding="utf-8") + \
        "settings:\n  contact_service: rappel-benevole\n"
    contact = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")
    with app.app_context():
        db = get_db()
        owner = accounts.create_user(db, "awa@example.org", "Awa", "une phrase assez longue")
        orgs = {name: accounts.create_organisation(db, name, owner.id) for name in ("Mission", "Ailleurs")}
        for service_id, text, org in (("aides-jeunes", simulator, "Mission"), ("rappel-benevole", contact, contact_org)):
            workspace.create(db, orgs[org].id, service_id, text)
            published.publish(db, service_id, text)
    person = app.test_client()
    drive(person, load_service_text(simulator, "aides-jeunes.yaml"), {"date_naissance": "10/05/2009", "statut": "lyceen"})
    page = person.get("/s/aides-jeunes/resultat").get_data(as_text=True)
    return 'action="/s/rappel-benevole/' in page


def test_the_result_hands_over_to_the_contact_service_of_its_own_organisation(app_factory):
    assert offers_contact_service(app_factory(), "Mission")


def test_the_answers_never_go_to_another_organisation_s_service(app_factory):
    assert not offers_contact_service(app_factory(), "Ailleurs")
