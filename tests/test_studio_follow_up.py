"""The association's follow-up in the studio: status, handler, message and internal notes
on a submission's page (« Accompagnement » members, editors and owners change them,
readers only see them), « Prévenir la personne » by mail through the outbox, filters by
status and handler, the requests waiting too long, corrections shown, and the follow-up
in the exports. Both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from email import message_from_bytes, policy

import openpyxl
import pytest

from tables import rows

from builder.db import get_db
from builder.storage import accounts, followup, submissions
from test_studio_submissions import CONTACT, FATOU, HELENE, Studio, text

pytestmark = pytest.mark.both_engines

LONG_AGO = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def studio(app):
    return Studio(app)


def outbox(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = rows(get_db(), "outbox", order_by="id")
    mails = [message_from_bytes(bytes(row["message"]), policy=policy.default) for row in found]
    return [(row["recipients"], mail["Subject"], mail.get_content()) for row, mail in zip(found, mails)]


def change(client, studio, reference, **data):
    form = {"status": "received", "handler": "0", "message": "", "notes": "", **data}
    return client.post(studio.url(f"/{reference}/suivi"), data=form)


def current(studio, reference):
    with studio.app.app_context():
        return submissions.get_by_reference(get_db(), reference)


def test_an_editor_sets_status_handler_message_and_notes(studio):
    sent = studio.record(FATOU)
    eddie = studio.people["eddie"]
    response = change(studio.client("eddie"), studio, sent.reference, status="in_progress",
                      handler=str(eddie.id), message="Nous vous appelons jeudi.", notes="Préfère le soir")
    assert response.status_code == 302
    page = text(studio.client("rita").get(response.headers["Location"]))
    assert "En cours" in page and "Eddie" in page and "Nous vous appelons jeudi." in page
    assert "Préfère le soir" in page
    assert "Enregistrer le suivi" not in page  # a reader sees, does not change
    saved = current(studio, sent.reference)
    assert (saved.status, saved.handler_id, saved.notes) == ("in_progress", eddie.id, "Préfère le soir")
    assert saved.status_at > sent.created_at - dt.timedelta(seconds=1)
    assert outbox(studio.app) == []  # nobody told unless asked


def test_a_reader_and_an_outsider_cannot_change_the_follow_up(studio):
    sent = studio.record(FATOU)
    assert change(studio.client("rita"), studio, sent.reference, status="closed").status_code == 403
    assert change(studio.client("oscar"), studio, sent.reference, status="closed").status_code == 403
    assert current(studio, sent.reference).status == "received"


def test_a_handler_outside_the_organisation_or_an_unknown_status_is_refused(studio):
    sent = studio.record(FATOU)
    client = studio.client("eddie")
    change(client, studio, sent.reference, handler=str(studio.people["oscar"].id))
    change(client, studio, sent.reference, status="perdue")
    assert (current(studio, sent.reference).status, current(studio, sent.reference).handler_id) == ("received", None)


def test_prevenir_la_personne_puts_a_mail_in_the_outbox(studio):
    sent = studio.record(FATOU)
    client = studio.client("eddie")
    response = change(client, studio, sent.reference, status="treated", message="Un bénévole est trouvé.", notify="y")
    assert "La personne est prévenue par e-mail." in text(client.get(response.headers["Location"]))
    [(recipients, subject, body)] = outbox(studio.app)
    assert json.loads(recipients) == [FATOU["email"]] and "Traitée" in subject and sent.reference in subject
    assert "Un bénévole est trouvé." in body and f"/s/{CONTACT}/suivre" in body
    change(studio.client("eddie"), studio, sent.reference, status="treated", notify="y")
    assert len(outbox(studio.app)) == 1  # the status did not change: nobody told again


def test_the_list_filters_by_status_and_handler(studio):
    fatou, helene = studio.record(FATOU), studio.record(HELENE)
    client = studio.client("olga")
    change(client, studio, helene.reference, status="in_progress", handler=str(studio.people["olga"].id))
    by_status = text(client.get(studio.url("/?statut=in_progress")))
    assert helene.reference in by_status and fatou.reference not in by_status
    nobody = text(client.get(studio.url("/?suivi=0")))
    assert fatou.reference in nobody and helene.reference not in nobody
    everyone = text(client.get(studio.url("/")))
    assert fatou.reference in everyone and helene.reference in everyone and "Reçue" in everyone


def test_the_service_page_counts_the_requests_waiting_too_long(app_factory):
    app = app_factory(FOLLOW_UP_WAITING_DAYS=10)
    studio = Studio(app)
    old = studio.record(FATOU, now=LONG_AGO)
    studio.record(HELENE, now=LONG_AGO, key="other")
    studio.record({**FATOU, "prenom": "Awa"})  # sent today: not waiting
    client = studio.client("rita")
    page = text(client.get(f"/studio/o/{studio.org.slug}/services/{CONTACT}/"))
    assert "2 demandes attendent depuis plus de 10 jours" in page
    change(studio.client("eddie"), studio, old.reference, status="closed")
    assert "1 demande attend depuis plus de 10 jours" in text(client.get(studio.url("/")))


def test_corrections_show_on_the_submission_page_and_in_the_exports(studio):
    sent = studio.record(FATOU)
    with studio.app.app_context():
        followup.correct(get_db(), sent, {**FATOU, "prenom": "Fatoumata"}, {})
    client = studio.client("rita")
    page = text(client.get(studio.url(f"/{sent.reference}")))
    assert "Les corrections" in page and "par la personne" in page and "Fatoumata" in page
    change(studio.client("eddie"), studio, sent.reference, status="in_progress",
           handler=str(studio.people["eddie"].id))
    exported = client.get(studio.url("/export/csv")).data.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert (row["Statut du suivi"], row["Suivie par"]) == ("En cours", "Eddie")
    assert "Votre prénom : Fatou → Fatoumata" in row["Corrections de la personne"] and row["Date du statut (heure de Paris)"]
    document = json.loads(client.get(studio.url("/export/json")).data)
    follow = document["submissions"][0]["follow_up"]
    assert (follow["status"], follow["handler"]) == ("in_progress", "Eddie")
    assert follow["revisions"][0]["changes"] == [{"question": "prenom", "before": "Fatou", "after": "Fatoumata"}]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(studio.url("/export/xlsx")).data)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert values["Statut du suivi"] == "En cours" and values["Suivie par"] == "Eddie"
    assert isinstance(values["Date du statut (heure de Paris)"], dt.datetime)


def test_a_request_whose_handler_left_can_still_change_status(studio):
    sent = studio.record(FATOU)
    eddie = studio.people["eddie"]
    change(studio.client("olga"), studio, sent.reference, handler=str(eddie.id))
    with studio.app.app_context():
        accounts.remove_member(get_db(), studio.org.id, eddie.id)
    change(studio.client("olga"), studio, sent.reference, status="closed", handler=str(eddie.id))
    assert (current(studio, sent.reference).status, current(studio, sent.reference).handler_id) == ("closed", eddie.id)


def test_an_accompagnant_follows_requests_too(studio):
    with studio.app.app_context():
        db = get_db()
        hana = accounts.create_user(db, "hana@example.org", "Hana", "une phrase assez longue")
        accounts.add_member(db, studio.org.id, hana.id, accounts.HELPER)
    studio.people["hana"] = hana
    sent = studio.record(FATOU)
    client = studio.client("hana")
    assert "Enregistrer le suivi" in text(client.get(studio.url(f"/{sent.reference}")))
    response = change(client, studio, sent.reference, status="in_progress", handler=str(hana.id))
    assert response.status_code == 302
    assert (current(studio, sent.reference).status, current(studio, sent.reference).handler_id) == ("in_progress", hana.id)


def test_a_person_who_lost_their_code_is_given_a_new_one_and_the_old_one_stops(studio):
    sent = studio.record(FATOU)

    def new_code():
        response = studio.client("eddie").post(studio.url(f"/{sent.reference}/nouveau-code"))
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
        page = response.get_data(as_text=True)
        assert f"/s/{CONTACT}/suivre" in page and sent.reference in page
        return re.search(r'class="follow-code">([\w-]+)<', page).group(1)

    first, second = new_code(), new_code()
    person = studio.app.test_client()
    follow = f"/s/{CONTACT}/suivre"
    assert person.post(follow, data={"reference": sent.reference, "code": first}).status_code == 422
    assert person.post(follow, data={"reference": sent.reference, "code": second}).status_code == 303
    for name in ("rita", "oscar"):
        assert studio.client(name).post(studio.url(f"/{sent.reference}/nouveau-code")).status_code == 403
    assert "Donner un nouveau code de suivi" in text(studio.client("eddie").get(studio.url(f"/{sent.reference}")))
    assert "Donner un nouveau code de suivi" not in text(studio.client("rita").get(studio.url(f"/{sent.reference}")))
