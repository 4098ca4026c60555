"""« Donnez votre avis »: a rating from 1 to 5 and a comment at the end of a service whose
file asks for it (``settings.feedback``), kept without any tie to the answers and
summarised in the studio's « Chiffres ». On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES
from builder.storage import feedback, retention, workspace
from builder.storage import services as published
from tables import count, rows
from test_figures import SIMULATOR, Studio, drive

pytestmark = pytest.mark.both_engines

UTC = dt.timezone.utc


def asking(text: str) -> str:
    """The service file with « Donnez votre avis » turned on."""
    return re.sub(r"^(steps:)", "settings:\n  feedback: true\n\\1", text, count=1, flags=re.M)


@pytest.fixture
def site(app_factory):
    """The examples of the studio's figures (test_figures.Studio), the aid simulator asking
    for opinions from its second version on, and the tutoring sign-up asking too; the other
    examples do not ask."""
    studio = Studio(app_factory(TODAY="2026-11-01"))
    with studio.app.app_context():
        db = get_db()
        tutoring = asking((EXAMPLES / "soutien-scolaire.yaml").read_text(encoding="utf-8"))
        workspace.create(db, studio.org.id, "soutien-scolaire", tutoring)
        published.publish(db, "soutien-scolaire", tutoring)
        published.publish(db, SIMULATOR, asking((EXAMPLES / f"{SIMULATOR}.yaml").read_text(encoding="utf-8")))
    return studio


def figures(site, suffix=""):
    return site.page(SIMULATOR, suffix).get_data(as_text=True)


def test_a_simulator_asks_for_an_opinion_under_its_result(site):
    person = site.app.test_client()
    drive(person, load_service(EXAMPLES / "aides-jeunes.yaml"), {"date_naissance": "10/05/2009", "statut": "lyceen"})
    page = person.get("/s/aides-jeunes/resultat").get_data(as_text=True)
    section = page.split('<section class="feedback"')[1]
    assert "Donnez votre avis" in section and 'action="/s/aides-jeunes/avis"' in section
    assert 'name="avis_satisfaction" type="radio" value="5"' in section and 'name="avis_commentaire"' in section
    sent = person.post("/s/aides-jeunes/avis", data={"avis_satisfaction": "4", "avis_commentaire": " Très clair. "})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/s/aides-jeunes/avis/merci")
    assert "Merci pour votre avis" in person.get(sent.headers["Location"]).get_data(as_text=True)
    with site.app.app_context():
        kept = rows(get_db(), "feedback")
    assert [(row["service_id"], row["rating"], row["comment"]) for row in kept] == [("aides-jeunes", 4, "Très clair.")]
    assert set(kept[0]) == {"id", "service_id", "rating", "comment", "day"}  # no journey, no draft, no hour
    assert kept[0]["day"] == dt.datetime.now(UTC).date().isoformat()


def test_a_service_that_sends_asks_after_its_confirmation_not_under_its_result(site):
    person = site.app.test_client()
    service = load_service(EXAMPLES / "soutien-scolaire.yaml")
    answers = dict(service.personas[1].answers)  # an 18-year-old who signs up alone
    answers.update(date_naissance=answers["date_naissance"].strftime("%d/%m/%Y"), consentement="oui")
    drive(person, service, answers)
    assert 'class="feedback"' not in person.get("/s/soutien-scolaire/resultat").get_data(as_text=True)
    confirmation = person.post("/s/soutien-scolaire/envoyer")
    assert 'class="feedback"' in person.get(confirmation.headers["Location"]).get_data(as_text=True)


def test_a_service_that_does_not_ask_has_no_opinion_page(site):
    assert site.app.test_client().get("/s/avis/avis").status_code == 404
    assert site.app.test_client().post("/s/avis/avis", data={"avis_satisfaction": "5"}).status_code == 404


def test_a_missing_rating_is_said_on_the_opinion_page_and_nothing_is_kept(site):
    answer = site.app.test_client().post("/s/aides-jeunes/avis", data={"avis_commentaire": "Bien"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'class="error-summary"' in html
    assert 'href="#avis_satisfaction">Cette question est obligatoire : choisissez une réponse.</a>' in html
    assert "<h1>Donnez votre avis</h1>" in html and re.search(r">\s*Bien</textarea>", html)
    robot = site.app.test_client().post("/s/aides-jeunes/avis", data={"avis_satisfaction": "1", "website": "x"})
    assert robot.status_code == 303  # told all is well, as a person would be
    with site.app.app_context():
        assert count(get_db(), "feedback") == 0


def test_the_figures_summarise_the_opinions(site):
    with site.app.app_context():
        db = get_db()
        for rating, comment in [(5, "Parfait"), (4, None), (4, "Le mot « RQTH » m'a perdu"), (1, None)]:
            feedback.record(db, "aides-jeunes", rating, comment)
    page = figures(site)
    assert "Les avis" in page and "4 avis, note moyenne : 3,5 sur 5." in page
    row = re.search(r'<th scope="row">4</th>(.*?)</tr>', page, re.S).group(1)
    assert "2 (50 %)" in row
    assert "Le mot « RQTH » m&#39;a perdu" in page and "Parfait" in page
    assert page.index("RQTH") < page.index("Parfait")  # the latest first
    data = json.loads(figures(site, ".json"))["feedback"]
    assert data["count"] == 4 and data["average"] == 3.5 and data["ratings"]["4"] == 2
    assert [comment["text"] for comment in data["comments"]] == ["Le mot « RQTH » m'a perdu", "Parfait"]


def test_opinions_go_with_the_services_submissions(site):
    with site.app.app_context():
        db = get_db()
        feedback.record(db, "aides-jeunes", 3, "Il y a longtemps", now=dt.datetime(2020, 1, 1, tzinfo=UTC))
        feedback.record(db, "aides-jeunes", 5, "Hier")
        done = retention.purge(db)
        assert done.feedback == 1
        assert [comment.text for comment in feedback.summary(db, "aides-jeunes").comments] == ["Hier"]
        with pytest.raises(ValueError):
            feedback.record(db, "aides-jeunes", 6)
