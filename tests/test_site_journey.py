"""A person goes through a mini-site: start, steps, check, result, send, confirmation."""

from __future__ import annotations

import re

import pytest

from builder.db import connect
from builder.serving import EXAMPLES, publish_files
from builder.storage import submissions

pytestmark = pytest.mark.both_engines


@pytest.fixture
def site(app):
    """The application with every example published."""
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    return app


@pytest.fixture
def person(site):
    """A browser-less visitor (its cookies keep the journey)."""
    return site.test_client()


def follow(person, response):
    """Follow redirects by hand; return the final response and the path it is at."""
    while response.status_code in (302, 303):
        location = response.headers["Location"]
        response = person.get(location)
    return response


def begin(person, service_id, **prefill):
    response = person.post(f"/s/{service_id}/commencer", data=prefill)
    assert response.status_code == 303
    return response.headers["Location"]


def answer(person, url, data):
    response = person.post(url, data={**data, "_shown": list(data)})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


def test_start_page_shows_title_help_and_start_button(person):
    page = person.get("/s/aides-jeunes/").get_data(as_text=True)
    assert "Les aides pour les jeunes" in page
    assert 'href="tel:0123456789"' in page
    assert "Commencer" in page


def test_first_question_is_the_h1_and_back_goes_to_start(person):
    url = begin(person, "aides-jeunes")
    page = person.get(url)
    assert h1(page) == "Quelle est votre date de naissance ?"
    assert 'class="back-link" href="/s/aides-jeunes/"' in page.get_data(as_text=True)


def test_error_summary_links_to_the_field(person):
    url = begin(person, "aides-jeunes")
    response = person.post(url, data={"date_naissance": "32/13/2000", "_shown": ["date_naissance"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il y a un problème" in page
    assert 'href="#date_naissance"' in page
    assert "<title>Erreur :" in page


def test_eligibility_journey_skips_what_is_not_needed_and_explains(person):
    url = begin(person, "aides-jeunes")
    url = answer(person, url, {"date_naissance": "02/03/2007"})
    url = answer(person, url, {"statut": "apprenti"})
    page = person.get(url)
    assert "Combien gagnez-vous" in h1(page)
    url = answer(person, url, {"revenus": "850"})
    assert url.endswith("/verifier")
    check = person.get(url).get_data(as_text=True)
    assert "Modifier" in check and "02/03/2007" in check
    result = person.get("/s/aides-jeunes/resultat").get_data(as_text=True)
    assert "aide au permis" in result.lower()
    assert "Pourquoi ?" in result


SIMULATOR = """\
tremplin: 1
id: mini-aide
title: Mini aide
steps:
  - id: votre-age
    blocks: [{type: number, id: age, label: Quel âge avez-vous ?}]
  - id: ville
    blocks: [{type: postcode, id: code_postal, label: Votre code postal ?}]
outcomes:
  - id: aide
    title: Aide locale
    when: {all: ["age >= 18", "code_postal == '75020'"]}
"""


@pytest.mark.parametrize("age, skipped", [("15", True), ("19", False)])
def test_a_question_that_cannot_change_any_outcome_is_skipped(app, age, skipped):
    from builder.storage import services as published
    database = connect(app.config["DATABASE"])
    published.publish(database, "mini-aide", SIMULATOR)
    database.close()
    person = app.test_client()
    url = answer(person, begin(person, "mini-aide"), {"age": age})
    assert url.endswith("/verifier") is skipped


def test_a_service_can_ask_every_question_anyway(app):
    from builder.storage import services as published
    database = connect(app.config["DATABASE"])
    published.publish(database, "mini-aide", SIMULATOR + "settings: {ask_only_needed: false}\n")
    database.close()
    person = app.test_client()
    url = answer(person, begin(person, "mini-aide"), {"age": "15"})
    assert url.endswith("/etape/ville")


def test_prefill_from_the_link_is_checked_like_any_answer(person):
    start = person.get("/s/aides-jeunes/?statut=apprenti&date_naissance=nonsense").get_data(as_text=True)
    assert 'name="statut" value="apprenti"' in start
    url = begin(person, "aides-jeunes", statut="apprenti", date_naissance="nonsense")
    page = person.get(url)
    assert h1(page) == "Quelle est votre date de naissance ?"   # the bad date is asked again
    url = answer(person, url, {"date_naissance": "02/03/2007"})
    assert "situation" not in url                              # the prefilled status is kept


def test_save_and_resume_on_another_device(site, person):
    url = begin(person, "aides-jeunes")
    answer(person, url, {"date_naissance": "02/03/2007"})
    saved = person.get("/s/aides-jeunes/sauvegarde").get_data(as_text=True)
    code = re.search(r"<strong>([A-Z0-9]{3}-[A-Z0-9]{3})</strong>", saved).group(1)
    other = site.test_client()
    response = other.post("/s/aides-jeunes/reprendre", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/etape/situation")


def test_unknown_resume_code_is_a_clear_error(person):
    response = person.post("/s/aides-jeunes/reprendre", data={"code": "AAA-AAA"})
    assert response.status_code == 422
    assert "Ce code ne correspond" in response.get_data(as_text=True)


def form_values(value):
    """A persona's answer as a browser would post it."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def drive(person, service, answers):
    """Go through ``service`` answering from ``answers``; return the check page URL."""
    url = begin(person, service.id)
    for _ in range(len(service.steps) + 2):
        if url.endswith("/verifier"):
            return url
        step_id = url.rsplit("/", 1)[1]
        step = next(step for step in service.steps if step.id == step_id)
        page = person.get(url)
        assert page.status_code == 200, (step_id, page.get_data(as_text=True)[:2000])
        data = {block.id: form_values(answers[block.id]) for block in step.questions if block.id in answers}
        data["_shown"] = [block.id for block in step.questions]
        response = person.post(url, data=data)
        assert response.status_code == 303, (step_id, response.get_data(as_text=True)[:3000])
        url = response.headers["Location"]
    raise AssertionError("the journey did not end")


def example_personas():
    from builder.format.loader import load_service
    for path in sorted(EXAMPLES.glob("*.yaml")):
        service = load_service(path)
        for persona in service.personas:
            yield pytest.param(service, persona, id=f"{service.id}:{persona.name}")


@pytest.mark.parametrize("service, persona", list(example_personas()))
def test_every_persona_gets_its_outcomes_through_the_site(app_factory, service, persona):
    app = app_factory(TODAY=(persona.today or __import__("datetime").date.today()).isoformat())
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    person = app.test_client()
    check = drive(person, service, persona.answers)
    assert "Vérifier vos réponses" in person.get(check).get_data(as_text=True)
    if service.outcomes:
        result = person.get(f"/s/{service.id}/resultat").get_data(as_text=True)
        shown = set(re.findall(r'id="resultat-([a-z0-9-]+)"', result))
        assert shown == set(persona.expect)


def send_contact_form(site, person):
    from builder.format.loader import load_service
    service = load_service(EXAMPLES / "rappel-benevole.yaml")
    drive(person, service, service.personas[0].answers)
    return person.post("/s/rappel-benevole/envoyer", data={})


def test_sending_shows_a_reference_and_the_answers(site, person):
    sent = send_contact_form(site, person)
    assert sent.status_code == 303
    confirmation = person.get(sent.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", confirmation).group(0)
    assert "Vos réponses" in confirmation
    database = connect(site.config["DATABASE"])
    try:
        assert submissions.get_by_reference(database, reference).service_id == "rappel-benevole"
    finally:
        database.close()


def test_sending_twice_keeps_one_submission(site, person):
    from builder.format.loader import load_service
    service = load_service(EXAMPLES / "rappel-benevole.yaml")
    drive(person, service, service.personas[0].answers)
    with person.session_transaction() as saved_session:
        before_send = dict(saved_session)
    first = person.post("/s/rappel-benevole/envoyer", data={})
    with person.session_transaction() as replayed:   # the back button: the old page, the old cookie
        replayed.clear()
        replayed.update(before_send)
    second = person.post("/s/rappel-benevole/envoyer", data={})
    assert first.status_code == 303 and second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    database = connect(site.config["DATABASE"])
    try:
        assert submissions.count_for_service(database, "rappel-benevole") == 1
    finally:
        database.close()


def test_unknown_service_is_a_404_page_in_french(person):
    response = person.get("/s/nexiste-pas/")
    assert response.status_code == 404
    assert "<html lang=" in response.get_data(as_text=True)
