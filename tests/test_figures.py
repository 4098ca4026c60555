"""The studio's « Chiffres »: the funnel from journey events, how often each outcome
applied (stored submissions, or result pages), and the median time to complete."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tables import rows

from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES
from builder.site import funnel
from builder.storage import accounts, events, figures, services as published, submissions, workspace
from builder.storage.accounts import READER

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
CONTACT, SIMULATOR, OPINION = "rappel-benevole", "aides-jeunes", "avis"


class Studio:
    """An organisation whose reader looks at the figures of three published examples."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            db = get_db()
            owner = accounts.create_user(db, "olga@example.org", "Olga", "une phrase assez longue")
            self.reader = accounts.create_user(db, "rita@example.org", "Rita", "une phrase assez longue")
            self.org = accounts.create_organisation(db, "Mission locale", owner.id)
            accounts.add_member(db, self.org.id, self.reader.id, READER)
            for service_id in (CONTACT, SIMULATOR, OPINION):
                text = (EXAMPLES / f"{service_id}.yaml").read_text(encoding="utf-8")
                workspace.create(db, self.org.id, service_id, text)
                published.publish(db, service_id, text)

    def page(self, service_id, suffix=""):
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["user_id"] = self.reader.id
        return client.get(f"/studio/o/{self.org.slug}/services/{service_id}/chiffres{suffix}")


@pytest.fixture
def studio(app_factory):
    return Studio(app_factory(TODAY="2026-11-01"))


def journey(db, service_id, *moves, at=NOW):
    """Record ``moves`` ("view:demande", "answer:demande", "submit"…) for a new journey."""
    journey_id = events.new_journey_id()
    for move in moves:
        kind, _, step = move.partition(":")
        events.record_event(db, service_id, step or None, kind, journey_id, now=at)
    return journey_id


def contact_journeys(db):
    """Six journeys through the contact form, three hours ago; then the idle ones are marked."""
    earlier = NOW - dt.timedelta(hours=3)
    done = ["view:demande", "answer:demande", "view:moment", "answer:moment", "view:precisions",
            "answer:precisions", "view:vous", "answer:vous", "view:contact", "answer:contact",
            "view:accord", "answer:accord"]
    journey(db, CONTACT, *done, "submit", at=earlier)
    journey(db, CONTACT, *done, "submit", at=earlier)
    journey(db, CONTACT, *done, at=earlier)                      # stopped on the check page
    journey(db, CONTACT, "view:demande", at=earlier)             # gave up on the first page
    journey(db, CONTACT, "view:demande", "answer:demande", "view:moment", "error:moment", at=earlier)
    journey(db, CONTACT, "view:demande", at=NOW)                 # still going: not abandoned
    events.mark_abandoned(db, now=NOW)


def test_the_funnel_counts_views_answers_and_where_people_give_up(studio):
    with studio.app.app_context():
        db = get_db()
        contact_journeys(db)
        service = load_service(EXAMPLES / f"{CONTACT}.yaml")
        funnel = figures.funnel(db, CONTACT, [step.id for step in service.steps])
    assert funnel.journeys == 6
    steps = {step.step_id: step for step in funnel.steps}
    assert list(steps) == [step.id for step in service.steps]
    assert (steps["demande"].viewed, steps["demande"].answered, steps["demande"].gave_up) == (6, 4, 1)
    assert (steps["moment"].viewed, steps["moment"].answered, steps["moment"].gave_up) == (4, 3, 1)
    assert (steps["accord"].viewed, steps["accord"].answered, steps["accord"].gave_up) == (3, 3, 0)
    assert funnel.gave_up_on_check == 1
    assert funnel.ended == {"result": 0, "submit": 2}


def test_the_funnel_page_is_an_accessible_table_with_numbers_and_percentages(studio):
    with studio.app.app_context():
        contact_journeys(get_db())
    response = studio.page(CONTACT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    row = re.search(r'<th scope="row">Votre demande</th>(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells == ["6 (100 %)", "4 (67 %)", "1 (17 %)"]
    assert 'class="bar__fill bar--100"' in row and 'aria-hidden="true"' in row
    check = re.search(r'<th scope="row">Vérifier vos réponses</th>(.*?)</tr>', page, re.S).group(1)
    assert "1 (17 %)" in check
    assert "figures.css" in page


def test_a_step_the_service_no_longer_has_keeps_its_line(studio):
    with studio.app.app_context():
        db = get_db()
        journey(db, CONTACT, "view:ancienne-etape")
    page = studio.page(CONTACT).get_data(as_text=True)
    assert "ancienne-etape" in page and "étape retirée depuis" in page


def drive(client, service, answers):
    """Go through ``service`` on its mini-site as a person would, to the check page."""
    url = client.post(f"/s/{service.id}/commencer").headers["Location"]
    for _ in range(len(service.steps) + 2):
        if url.endswith("/verifier"):
            return
        step = next(step for step in service.steps if step.id == url.rsplit("/", 1)[1])
        data = {block.id: answers.get(block.id, "") for block in step.questions}
        data["_shown"] = [block.id for block in step.questions]
        response = client.post(url, data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        url = response.headers["Location"]
    raise AssertionError("the journey did not end")


def test_outcomes_of_a_simulator_are_counted_from_its_result_pages(studio):
    service = load_service(EXAMPLES / f"{SIMULATOR}.yaml")
    lyceenne = studio.app.test_client()
    drive(lyceenne, service, {"date_naissance": "10/05/2009", "statut": "lyceen"})
    lyceenne.get(f"/s/{SIMULATOR}/resultat")
    lyceenne.get(f"/s/{SIMULATOR}/resultat")                    # seen twice: counted once
    neet = studio.app.test_client()
    drive(neet, service, {"date_naissance": "01/11/2010", "statut": "lyceen"})
    neet.get(f"/s/{SIMULATOR}/resultat")
    neet.post(f"/s/{SIMULATOR}/etape/situation", data={"statut": "sans_activite", "_shown": ["statut"]})
    neet.get(f"/s/{SIMULATOR}/resultat")                        # the last result is the one counted
    with studio.app.app_context():
        funnel.flush()  # events are written in batches (builder.site.funnel)
        counts = figures.outcomes_in_results(get_db(), SIMULATOR)
        kinds = {row["kind"] for row in rows(get_db(), "events", "kind = 'outcome'")}
    assert counts.total == 2
    assert counts.applied == {"pass-culture-17": 1, "service-civique": 2, "contrat-engagement-jeune": 1}
    assert kinds == {"outcome"}
    page = studio.page(SIMULATOR).get_data(as_text=True)
    assert "sur 2 parcours arrivés à la page de résultat" in page
    row = re.search(r'<th scope="row">Le service civique</th>(.*?)</tr>', page, re.S).group(1)
    assert "2 (100 %)" in row


@pytest.mark.both_engines
def test_following_an_outcomes_link_is_counted_per_outcome_without_the_journey(studio):
    service = load_service(EXAMPLES / f"{SIMULATOR}.yaml")
    person = studio.app.test_client()
    drive(person, service, {"date_naissance": "10/05/2009", "statut": "lyceen"})
    result = person.get(f"/s/{SIMULATOR}/resultat").get_data(as_text=True)
    assert 'href="/s/aides-jeunes/lien/pass-culture-17/0">Le site du pass Culture</a>' in result
    followed = person.get(f"/s/{SIMULATOR}/lien/pass-culture-17/0")
    assert (followed.status_code, followed.headers["Location"]) == (302, "https://pass.culture.fr/")
    person.get(f"/s/{SIMULATOR}/lien/pass-culture-17/0")          # twice: counted once
    person.get(f"/s/{SIMULATOR}/lien/service-civique/0")
    studio.app.test_client().get(f"/s/{SIMULATOR}/lien/service-civique/0")  # someone else, from a shared link
    with studio.app.app_context():
        funnel.flush()
        db = get_db()
        assert figures.links_followed(db, SIMULATOR) == {"pass-culture-17": 1, "service-civique": 2}
        mine = {row["journey_id"] for row in rows(db, "events", "kind != 'follow'")}
        clicks = [row["journey_id"] for row in rows(db, "events", "kind = 'follow'")]
        assert len(set(clicks)) == 3 and not set(clicks) & mine  # each click on its own, not the journey's
        assert figures.journeys(db, SIMULATOR) == 1
        assert events.mark_abandoned(db, now=dt.datetime.now(UTC) + dt.timedelta(days=1)) == 0  # a click is no unfinished journey
    page = studio.page(SIMULATOR).get_data(as_text=True)
    assert "Lien suivi" in page
    row = re.search(r'<th scope="row">Le pass Culture à 17 ans</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"\d+ \(\d+ %\)", row) == ["1 (100 %)", "1 (100 %)"]
    data = json.loads(studio.page(SIMULATOR, ".json").get_data(as_text=True))
    assert data["outcomes"]["followed"]["service-civique"] == 2


@pytest.mark.parametrize("path", ["/lien/pas-un-resultat/0", "/lien/pass-culture-17/1", "/lien/pass-culture-17/-1",
                                  "/lien/pass-culture-17/0?url=https://pirate.example"])
def test_only_the_links_written_in_the_service_are_followed(studio, path):
    response = studio.app.test_client().get(f"/s/{SIMULATOR}{path}")
    assert response.status_code == 404 or response.headers["Location"] == "https://pass.culture.fr/"


def test_a_journey_that_saw_its_result_is_not_abandoned(studio):
    with studio.app.app_context():
        db = get_db()
        journey(db, SIMULATOR, "view:naissance", "answer:naissance", "result", "outcome:service-civique",
                at=NOW - dt.timedelta(hours=5))
        assert events.mark_abandoned(db, now=NOW) == 0


def test_outcomes_of_a_service_that_sends_are_counted_from_its_submissions(studio):
    with studio.app.app_context():
        db = get_db()
        for number, status in enumerate(["yes", "no", "no", "unknown"]):
            submissions.record(db, OPINION, {"satisfaction": "1"}, f"k{number}",
                               outcomes={"rappel-responsable": status})
        submissions.record(db, OPINION, {"satisfaction": "5"}, "before-outcomes-were-stored")
        counts = figures.outcomes_in_submissions(db, OPINION)
    assert (counts.total, counts.applied) == (4, {"rappel-responsable": 1})
    page = studio.page(OPINION).get_data(as_text=True)
    assert "sur 4 réponses envoyées qui enregistrent leurs résultats" in page
    row = re.search(r'<th scope="row">Un ou une responsable vous appelle</th>(.*?)</tr>', page, re.S).group(1)
    assert "1 (25 %)" in row and "bar--25" in row


@pytest.mark.parametrize("durations, median", [([], None), ([60], 60), ([600, 60, 120], 120),
                                               ([60, 120, 180, 3600], 150)])
def test_the_median_time_to_complete(studio, durations, median):
    with studio.app.app_context():
        db = get_db()
        for number, seconds in enumerate(durations):
            submissions.record(db, CONTACT, {}, f"k{number}", duration_seconds=seconds)
        submissions.record(db, CONTACT, {}, "not-timed")
        assert figures.median_duration(db, CONTACT) == (median, len(durations))


def test_the_median_is_written_for_a_person(studio):
    with studio.app.app_context():
        for number, seconds in enumerate([185, 200, 3000]):
            submissions.record(get_db(), CONTACT, {}, f"k{number}", duration_seconds=seconds)
    page = studio.page(CONTACT).get_data(as_text=True)
    assert re.search(r"Durée médiane</th><td>3 min 20 s</td>", page)
    assert "Pas encore de mesure" in studio.page(SIMULATOR).get_data(as_text=True)


def test_the_figures_have_a_json_twin(studio):
    with studio.app.app_context():
        contact_journeys(get_db())
        submissions.record(get_db(), CONTACT, {}, "k", duration_seconds=90)
    data = json.loads(studio.page(CONTACT, ".json").get_data(as_text=True))
    assert data["journeys"] == 6 and data["gave_up_on_check"] == 1 and data["median_seconds"] == 90
    assert data["steps"][0] == {"id": "demande", "title": "Votre demande", "viewed": 6, "answered": 4,
                                "gave_up": 1, "current": True}
    assert data["outcomes"] == {"source": "submissions", "total": 0, "applied": {}, "followed": {}}
