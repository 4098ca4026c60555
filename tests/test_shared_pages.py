"""A step page nobody has answered yet is rendered once and shared, each person with their own token."""

from __future__ import annotations

import re

import pytest

from builder.db import get_db
from builder.serving import EXAMPLES, publish_files
from builder.storage import services as published

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION = "/s/rappel-benevole/etape/demande"


@pytest.fixture
def site(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    return app


def arrive_at_question(site):
    """A new person: start page, « Commencer », the first question; returns (person, page)."""
    person = site.test_client()
    token = TOKEN.search(person.get("/s/rappel-benevole/").text).group(1)
    response = person.post("/s/rappel-benevole/commencer", data={"csrf_token": token})
    assert response.headers["Location"] == QUESTION
    return person, person.get(QUESTION).text


def test_two_people_see_the_same_page_each_with_a_token_that_works_for_them_only(site):
    camille, camille_page = arrive_at_question(site)
    hugo, hugo_page = arrive_at_question(site)
    camille_token, hugo_token = TOKEN.search(camille_page).group(1), TOKEN.search(hugo_page).group(1)
    assert camille_token != hugo_token
    assert TOKEN.sub("", camille_page) == TOKEN.sub("", hugo_page)
    assert "tremplin-csrf-token-placeholder" not in camille_page
    swapped = hugo.post(QUESTION, data={"csrf_token": camille_token, "sujet": "benevolat", "_shown": "sujet"})
    assert swapped.status_code == 400
    answered = camille.post(QUESTION, data={"csrf_token": camille_token, "sujet": "benevolat", "_shown": "sujet"})
    assert answered.status_code == 303


def test_a_page_with_the_persons_own_answer_is_theirs_alone(site):
    camille, page = arrive_at_question(site)
    token = TOKEN.search(page).group(1)
    camille.post(QUESTION, data={"csrf_token": token, "sujet": "logement", "_shown": "sujet"})
    back = camille.get(QUESTION).text
    assert 'checked id="sujet-2"' in back
    _, someone_else = arrive_at_question(site)
    assert "checked" not in someone_else


def test_a_new_published_version_is_shown_at_once(site):
    arrive_at_question(site)  # the page of version 1 is kept
    text = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")
    assert "De quoi voulez-vous parler ?" in text
    with site.app_context():
        published.publish(get_db(), "rappel-benevole", text.replace("De quoi voulez-vous parler ?",
                                                                     "Pour quoi nous appelez-vous ?"))
    _, page = arrive_at_question(site)
    assert "Pour quoi nous appelez-vous ?" in page and "De quoi voulez-vous parler ?" not in page


def test_what_is_kept_for_a_day_goes_when_the_next_day_comes():
    """A server running for months keeps one day's pages and forms, not one set per day."""
    import datetime as dt
    from builder.format.loader import load_service
    service = load_service(EXAMPLES / "rappel-benevole.yaml")
    monday, tuesday = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    service.derived_on(monday)["page"] = "lundi"
    assert service.derived_on(monday) == {"page": "lundi"}
    assert service.derived_on(tuesday) == {}
    assert [key for key in service.derived if key[0] == "on day"] == [("on day", tuesday)]


def test_an_author_text_cannot_take_the_place_of_the_token(site):
    """A title holding what looks like the placeholder stays as written; the form keeps the token."""
    text = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")
    title = "Être rappelé tremplin-csrf-token-placeholder"
    text = text.replace("title: Être rappelé·e par un·e bénévole", f"title: {title}")
    with site.app_context():
        published.publish(get_db(), "rappel-benevole", text.replace("De quoi voulez-vous parler ?", title))
    for _ in range(2):  # the first person's page is rendered, the second's is the kept one
        person, page = arrive_at_question(site)
        token = TOKEN.search(page).group(1)
        assert title in page and token not in page.replace(f'value="{token}"', "")
        answered = person.post(QUESTION, data={"csrf_token": token, "sujet": "benevolat", "_shown": "sujet"})
        assert answered.status_code == 303
