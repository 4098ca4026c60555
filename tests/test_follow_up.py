"""« Suivre ma demande » on a mini-site: the reference and the follow-up code show the status
the association set; nothing shows without the code; wrong codes are rate-limited; the
person corrects their answers until the request is « Traitée », each correction kept
as a revision and told to the association. Every test runs on both engines."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from tables import rows

from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES, publish_files
from builder.storage import followup, submissions
from test_site_journey import drive

pytestmark = pytest.mark.both_engines

SERVICE_FILE = EXAMPLES / "rappel-benevole.yaml"
BASE = "/s/rappel-benevole"


@pytest.fixture
def site(app_factory):
    app = app_factory(FOLLOW_RATE_LIMIT=4)
    publish_files(app, [SERVICE_FILE])
    return app


@pytest.fixture
def service():
    return load_service(SERVICE_FILE)


def send(app, service, **changed):
    """A person goes through the service and sends; return (their client, reference, code)."""
    person = app.test_client()
    answers = {**service.personas[0].answers, **changed}
    person.get(drive(person, service, answers))
    response = person.post(f"{BASE}/envoyer", data={"copie": "oui"})
    response.close()
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", page).group(0)
    code = re.search(r'class="follow-code">([A-Z0-9-]+)<', page).group(1)
    return person, reference, code


def follow(client, reference, code):
    return client.post(f"{BASE}/suivre", data={"reference": reference, "code": code})


def submission(app, reference):
    with app.app_context():
        return submissions.get_by_reference(get_db(), reference)


def outbox_mails(app) -> list[tuple[str, str, str]]:
    """(recipients, subject, body) of every mail in the outbox."""
    with app.app_context():
        found = rows(get_db(), "outbox", order_by="id")
    mails = [message_from_bytes(bytes(row["message"]), policy=policy.default) for row in found]
    return [(row["recipients"], mail["Subject"], mail.get_content()) for row, mail in zip(found, mails)]


def test_the_confirmation_gives_a_code_and_the_mail_copy_carries_it(site, service):
    person, reference, code = send(site, service)
    assert len(code) == 7
    with site.app_context():
        stored = rows(get_db(), "submissions")[0]["follow_hash"]
    copy = next(body for recipients, _, body in outbox_mails(site) if "fatou" in recipients)
    assert code in copy and "/suivre" in copy
    assert code not in stored and code.replace("-", "") not in stored and stored.startswith("hmac-sha256$")


def test_a_code_is_checked_against_the_current_key_then_the_former_ones():
    stored = followup.hash_code("K7Q-42M", "ancienne clé")
    assert followup.code_matches(stored, "k7q 42m", ["nouvelle clé", "ancienne clé"])
    assert not followup.code_matches(stored, "K7Q-42M", ["nouvelle clé"])
    assert not followup.code_matches(stored, "K7Q-42N", ["ancienne clé"])
    assert not followup.code_matches(None, "K7Q-42M", ["ancienne clé"])


def test_reference_and_code_show_the_status_from_another_device(site, service):
    _, reference, code = send(site, service)
    other = site.test_client()
    response = follow(other, reference.lower().replace("-", " "), code.lower().replace("-", " "))
    assert response.status_code == 303
    page = other.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reçue" in page and "Fatou" in page and "Corriger ma demande" in page


def test_nothing_of_the_answers_shows_without_the_code(site, service):
    _, reference, code = send(site, service)
    stranger = site.test_client()
    page = stranger.get(f"{BASE}/suivre/{reference}")
    assert page.status_code == 302 and "/suivre?reference=" in page.headers["Location"]
    wrong = follow(stranger, reference, "ABC-DEF")
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Fatou" not in text and "Il y a un problème" in text
    assert 'href="#code"' in text
    assert stranger.post(f"{BASE}/suivre/{reference}/corriger").status_code == 303
    assert submission(site, reference).answers["prenom"] == "Fatou"


def test_an_empty_form_names_each_missing_field(site):
    page = site.test_client().post(f"{BASE}/suivre", data={}).get_data(as_text=True)
    assert "Tapez le numéro de votre demande." in page and "Tapez votre code de suivi." in page


def test_wrong_codes_are_rate_limited(site, service):
    _, reference, code = send(site, service)
    guesser = site.test_client()
    statuses = [follow(guesser, reference, "ABC-DEF").status_code for _ in range(4)]
    assert statuses == [422] * 4
    assert follow(guesser, reference, code).status_code == 429  # even the right one, for a while


def test_one_request_tried_from_many_addresses_is_closed_for_the_day(app_factory, service):
    site = app_factory(FOLLOW_REFERENCE_LIMIT=3)
    publish_files(site, [SERVICE_FILE])
    _, reference, code = send(site, service)
    _, other_reference, other_code = send(site, service, prenom="Inès")
    for number in range(3):  # each address stays far below its own limit
        guesser = site.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"203.0.113.{number}"
        assert follow(guesser, reference.lower(), "ABC-DEF").status_code == 422
    person = site.test_client()
    person.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    refused = follow(person, reference, code)
    assert refused.status_code == 429
    assert "Trop d’essais pour cette demande" in refused.get_data(as_text=True)
    assert follow(person, other_reference, other_code).status_code == 303  # the others stay open


def test_the_status_the_association_sets_shows_with_its_message(site, service):
    _, reference, code = send(site, service)
    with site.app_context():
        followup.set_follow_up(get_db(), submission(site, reference), status=followup.IN_PROGRESS,
                               handler_id=None, message="Nous vous appelons jeudi.", notes="Rappeler après 18 h")
    other = site.test_client()
    page = other.get(follow(other, reference, code).headers["Location"]).get_data(as_text=True)
    assert "En cours" in page and "Nous vous appelons jeudi." in page
    assert "Rappeler après 18 h" not in page  # the association's notes stay its own


def correct(person, reference, **data):
    """From the follow-up page: « Corriger », change the first step, save; return the response."""
    start = person.post(f"{BASE}/suivre/{reference}/corriger")
    assert start.headers["Location"].endswith("/verifier")
    check = person.get(start.headers["Location"]).get_data(as_text=True)
    assert "Enregistrer la correction" in check and "Fatou" in check
    if data:
        step = person.post(f"{BASE}/etape/vous", data=data)
        assert step.status_code == 303, step.get_data(as_text=True)[:2000]
    return person.post(f"{BASE}/suivre/{reference}/enregistrer")


def test_a_correction_is_saved_as_a_revision_and_told_to_the_association(site, service):
    person, reference, code = send(site, service)
    saved = correct(person, reference, prenom="Fatoumata", _shown=["prenom"])
    assert saved.status_code == 303
    page = person.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Votre correction est enregistrée" in page and "Fatoumata" in page
    corrected = submission(site, reference)
    assert corrected.answers["prenom"] == "Fatoumata"
    with site.app_context():
        history = followup.revisions_of(get_db(), [corrected.id])[corrected.id]
    notices = [body for _, subject, body in outbox_mails(site) if "corrigée" in subject]
    assert [(c.key, c.before, c.after) for c in history[0].changes] == [("prenom", "Fatou", "Fatoumata")]
    assert history[0].author == followup.PERSON
    assert len(notices) == 1 and "Fatoumata" in notices[0]
    assert person.post(f"{BASE}/envoyer").status_code in (302, 303)  # no second submission
    with site.app_context():
        assert submissions.count_for_service(get_db(), "rappel-benevole") == 1


def test_no_correction_once_the_request_is_treated(site, service):
    person, reference, code = send(site, service)
    start = person.post(f"{BASE}/suivre/{reference}/corriger")
    person.post(f"{BASE}/etape/vous", data={"prenom": "Awa", "_shown": ["prenom"]})
    with site.app_context():
        followup.set_follow_up(get_db(), submission(site, reference), status=followup.TREATED,
                               handler_id=None, message="", notes="")
    assert start.status_code == 303
    saved = person.post(f"{BASE}/suivre/{reference}/enregistrer")
    page = person.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Traitée" in page and "Corriger ma demande" not in page and "ne peut plus être corrigée" in page
    assert submission(site, reference).answers["prenom"] == "Fatou"
    assert person.post(f"{BASE}/suivre/{reference}/corriger").headers["Location"].endswith(f"/suivre/{reference}")


def test_the_follow_up_page_speaks_english_on_a_bilingual_service(app_factory, tmp_path):
    bilingual = tmp_path / "rappel-benevole.yaml"
    bilingual.write_text(SERVICE_FILE.read_text(encoding="utf-8").replace("languages: [fr]", "languages: [fr, en]"),
                         encoding="utf-8")
    app = app_factory()
    publish_files(app, [bilingual])
    page = app.test_client().post(f"{BASE}/suivre?lang=en", data={}).get_data(as_text=True)
    assert "Follow my request" in page and "Type your follow-up code." in page
    assert "Suivre ma demande" not in page
