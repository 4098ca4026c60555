"""The studio's « Réponses »: the table and its search, one submission in full, the
exports, and deletion (editors and owners only), on a real SQLite file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from email.message import EmailMessage

import openpyxl
import pytest

from tables import rows

from builder import mail
from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES
from builder.storage import accounts, drafts, services as published, submissions, workspace
from builder.storage.accounts import EDITOR, READER

PASSWORD = "une phrase assez longue"
CONTACT = "rappel-benevole"
UTC = dt.timezone.utc


class Studio:
    """An organisation with an owner, an editor and a reader, and the contact example published."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            db = get_db()
            self.people = {name: accounts.create_user(db, f"{name}@example.org", name.title(), PASSWORD)
                           for name in ("olga", "eddie", "rita", "oscar")}
            self.org = accounts.create_organisation(db, "Réseau Coup de pouce", self.people["olga"].id)
            accounts.add_member(db, self.org.id, self.people["eddie"].id, EDITOR)
            accounts.add_member(db, self.org.id, self.people["rita"].id, READER)
            accounts.create_organisation(db, "Ailleurs", self.people["oscar"].id)
            for service_id in (CONTACT, "aides-jeunes"):
                text = (EXAMPLES / f"{service_id}.yaml").read_text(encoding="utf-8")
                workspace.create(db, self.org.id, service_id, text)
                published.publish(db, service_id, text)

    def url(self, path="", service_id=CONTACT):
        return f"/studio/o/{self.org.slug}/services/{service_id}/reponses{path}"

    def client(self, name):
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["user_id"] = self.people[name].id
        return client

    def record(self, answers, *, service_id=CONTACT, key=None, now=None, **options):
        with self.app.app_context():
            return submissions.record(get_db(), service_id, answers, key or json.dumps(answers, sort_keys=True),
                                      service_version=options.pop("service_version", 1), now=now, **options)

    def count(self, service_id=CONTACT):
        with self.app.app_context():
            return submissions.count_for_service(get_db(), service_id)


@pytest.fixture
def studio(app):
    return Studio(app)


FATOU = {"sujet": "soutien_scolaire", "creneaux": ["soir", "samedi"], "message": "Mon fils est en 5e.",
         "prenom": "Fatou", "email": "fatou@example.org", "telephone": "06 12 34 56 78", "consentement": True}
HELENE = {**FATOU, "prenom": "Hélène", "sujet": "benevolat", "creneaux": ["midi"], "message": None,
          "email": "helene@example.org"}


def text(response):
    return response.get_data(as_text=True)


def table_rows(page):
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return re.findall(r"<tr>", body.group(1)) if body else []


# -- Through the mini-site ---------------------------------------------------------------

def send_through_the_site(app, answers):
    """Answer the contact example as a person would, then send; return the reference."""
    person = app.test_client()
    service = load_service(EXAMPLES / f"{CONTACT}.yaml")
    url = person.post(f"/s/{CONTACT}/commencer").headers["Location"]
    for step in service.steps:
        data = {}
        for block in step.questions:
            value = answers.get(block.id)
            data[block.id] = ("oui" if value else "non") if isinstance(value, bool) else (value or "")
        data["_shown"] = [block.id for block in step.questions]
        response = person.post(url, data=data)
        assert response.status_code == 303, text(response)[:2000]
        url = response.headers["Location"]
    assert url.endswith("/verifier")
    sent = person.post(f"/s/{CONTACT}/envoyer", data={})
    return sent.headers["Location"].rsplit("/", 1)[1]


def test_a_submission_sent_on_the_mini_site_is_in_the_table_and_in_full(app, studio):
    reference = send_through_the_site(app, FATOU)
    client = studio.client("rita")
    page = text(client.get(studio.url("/")))
    assert reference in page and "Fatou" not in page.split("<tbody>")[0]
    assert "<caption>" in page and 'scope="col"' in page
    detail = text(client.get(studio.url(f"/{reference}")))
    # labels of the version answered, answers written by their block type
    assert "De quoi voulez-vous parler ?" in detail
    assert "De l&#39;aide aux devoirs pour un enfant ou un jeune" in detail
    assert "Le soir, de 18 h à 20 h, Le samedi matin" in detail
    assert "Fatou" in detail and "Oui" in detail


def test_the_time_a_journey_took_is_recorded_with_its_submission(app, studio):
    reference = send_through_the_site(app, FATOU)
    with app.app_context():
        submission = submissions.get_by_reference(get_db(), reference)
    assert isinstance(submission.duration_seconds, int) and 0 <= submission.duration_seconds < 60


def test_a_draft_knows_when_it_was_begun(app):
    with app.app_context():
        begun = dt.datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
        draft = drafts.save_draft(get_db(), CONTACT, {"prenom": "Léa"}, now=begun)
        drafts.save_draft(get_db(), CONTACT, {"prenom": "Léa", "sujet": "autre"}, code=draft.code,
                          now=begun + dt.timedelta(minutes=5))
        loaded = drafts.load_draft(get_db(), draft.code, CONTACT, now=begun + dt.timedelta(minutes=6))
    assert draft.created_at == begun and loaded.created_at == begun


# -- The table and its search --------------------------------------------------------------

def test_search_ignores_case_and_accents_and_looks_in_references_and_answers(studio):
    fatou = studio.record(FATOU)
    helene = studio.record(HELENE)
    client = studio.client("rita")

    def found(query):
        page = text(client.get(studio.url("/"), query_string={"q": query}))
        return {ref for ref in (fatou.reference, helene.reference) if ref in page}

    assert found("helene") == {helene.reference}
    assert found("HÉLÈNE") == {helene.reference}
    assert found("fatou 5e") == {fatou.reference}          # every word must match
    assert found("fatou benevolat") == set()
    assert found(helene.reference.lower()) == {helene.reference}
    assert found(helene.reference.replace("-", "")[-5:]) == {helene.reference}
    assert found("%") == set() and found("t_u") == set()  # no SQL wildcards ("Fatou" has "tou")
    assert found("soutien_scol") == {fatou.reference}
    assert found("") == {fatou.reference, helene.reference}
    assert "Aucune réponse ne correspond" in text(client.get(studio.url("/"), query_string={"q": "zzz"}))


def test_search_in_python_matches_the_same(app, studio):
    studio.record(FATOU)
    studio.record(HELENE)
    with app.app_context():
        page = submissions.search(get_db(), CONTACT, "example.org helene")
    assert page.total == 1 and page.submissions[0].answers["prenom"] == "Hélène"


def test_the_table_shows_50_submissions_a_page_newest_first(studio):
    for number in range(120):
        studio.record({**FATOU, "message": f"Personne {number:03d}"}, key=f"k{number}")
    client = studio.client("rita")
    first = text(client.get(studio.url("/")))
    assert len(table_rows(first)) == 50
    assert first.index("Personne 119") < first.index("Personne 118")
    assert "Page 1 sur 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = text(client.get(studio.url("/"), query_string={"page": 3}))
    assert len(table_rows(last)) == 20 and "Personne 000" in last and 'rel="next"' not in last
    searched = text(client.get(studio.url("/"), query_string={"q": "Personne 11", "page": 1}))
    assert "11 réponses trouvées" in searched   # 011, 110…119
    beyond = text(client.get(studio.url("/"), query_string={"page": 9}))
    assert "pas de réponse sur cette page" in beyond


# -- One submission ---------------------------------------------------------------------------

def test_a_submission_is_shown_with_the_questions_of_the_version_it_answered(app, studio):
    old = studio.record({**FATOU, "ancienne": "gardée"})
    with app.app_context():
        text_v2 = (EXAMPLES / f"{CONTACT}.yaml").read_text(encoding="utf-8").replace(
            "De quoi voulez-vous parler ?", "Quel est le sujet ?")
        published.publish(get_db(), CONTACT, text_v2)
    new = studio.record({**FATOU, "prenom": "Hugo"}, service_version=2)
    client = studio.client("rita")
    before = text(client.get(studio.url(f"/{old.reference}")))
    assert "De quoi voulez-vous parler ?" in before and "Quel est le sujet ?" not in before
    assert "ancienne" in before and "gardée" in before and "que le service ne pose plus" in before
    after = text(client.get(studio.url(f"/{new.reference}")))
    assert "Quel est le sujet ?" in after


def test_the_outcomes_stored_with_a_submission_are_shown(studio):
    sent = studio.record({"date_naissance": "2009-05-10", "statut": "lyceen"}, service_id="aides-jeunes",
                         outcomes={"pass-culture-17": "yes", "service-civique": "unknown",
                                   "contrat-engagement-jeune": "no"})
    page = text(studio.client("rita").get(studio.url(f"/{sent.reference}", "aides-jeunes")))
    assert "Les résultats au moment de l’envoi" in page
    assert re.search(r"Le pass Culture à 17 ans</dt>\s*<dd>s’applique</dd>", page)
    assert "incertain" in page and "ne s’applique pas" in page
    assert "14/07" not in page and "10/05/2009" in page   # a date written by its block type


def test_a_submission_of_another_service_is_not_found(studio):
    other = studio.record({"statut": "lyceen"}, service_id="aides-jeunes")
    client = studio.client("olga")
    assert client.get(studio.url(f"/{other.reference}")).status_code == 404
    assert client.get(studio.url("/TRM-AAA-AAA")).status_code == 404
    assert client.post(studio.url(f"/{other.reference}/supprimer")).status_code == 404
    assert studio.count("aides-jeunes") == 1


def test_pages_with_submissions_are_never_cached(studio):
    sent = studio.record(FATOU)
    client = studio.client("rita")
    for path in ("/", f"/{sent.reference}", "/export/csv"):
        assert client.get(studio.url(path)).headers["Cache-Control"] == "no-store"


# -- Exports ------------------------------------------------------------------------------------

def download(studio, format_name, who="rita"):
    response = studio.client(who).get(studio.url(f"/export/{format_name}"))
    assert response.status_code == 200
    today = dt.datetime.now(dt.timezone.utc).astimezone().date()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(rf'filename="{CONTACT}-reponses-\d{{4}}-\d{{2}}-\d{{2}}\.{format_name}"', disposition)
    assert abs((dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", disposition).group(0)) - today).days) <= 1
    return response


def test_a_reader_downloads_csv(studio):
    studio.record(FATOU)
    studio.record(HELENE)
    response = download(studio, "csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Date d'envoi (heure de Paris)", "De quoi voulez-vous parler ?"]
    first_names = {row[rows[0].index("Votre prénom")] for row in rows[1:]}
    assert len(rows) == 3 and first_names == {"Fatou", "Hélène"}


def test_a_reader_downloads_xlsx(studio):
    studio.record(FATOU)
    response = download(studio, "xlsx")
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Référence" and sheet.max_row == 2
    assert sheet.cell(2, header.index("Votre prénom") + 1).value == "Fatou"


def test_a_reader_downloads_json(studio):
    sent = studio.record(FATOU)
    response = download(studio, "json")
    assert response.headers["Content-Type"] == "application/json"
    data = json.loads(response.data)
    assert data["service"]["id"] == CONTACT and data["service"]["version"] == 1
    assert [s["reference"] for s in data["submissions"]] == [sent.reference]
    assert data["submissions"][0]["answers"]["creneaux"] == ["soir", "samedi"]


def test_an_unknown_format_or_an_unpublished_service_has_no_export(app, studio):
    client = studio.client("olga")
    assert client.get(studio.url("/export/pdf")).status_code == 404
    with app.app_context():
        workspace.create(get_db(), studio.org.id, "brouillon", "tremplin: 1\nid: brouillon\n")
    assert client.get(studio.url("/export/csv", "brouillon")).status_code == 404
    page = text(client.get(studio.url("/", "brouillon")))
    assert "jamais été publié" in page


# -- Deleting ---------------------------------------------------------------------------------

def with_mail(studio, answers, key):
    def queue(db, submission):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Nouvelle demande"
        message.set_content("…")
        mail.enqueue(db, message, submission_id=submission.id)
    return studio.record(answers, key=key, within=queue)


def outbox_for(app):
    with app.app_context():
        return sorted(row["submission_id"] for row in rows(get_db(), "outbox"))


def test_a_reader_cannot_delete(studio):
    sent = studio.record(FATOU)
    client = studio.client("rita")
    assert client.get(studio.url(f"/{sent.reference}/supprimer")).status_code == 403
    assert client.post(studio.url(f"/{sent.reference}/supprimer")).status_code == 403
    assert client.get(studio.url("/supprimer")).status_code == 403
    assert client.post(studio.url("/supprimer"), data={"confirmation": CONTACT}).status_code == 403
    assert studio.count() == 1
    assert "Supprimer" not in text(client.get(studio.url(f"/{sent.reference}")))


def test_an_editor_deletes_one_submission_and_its_mails_after_confirming(app, studio):
    gone = with_mail(studio, FATOU, "one")
    kept = with_mail(studio, HELENE, "two")
    client = studio.client("eddie")
    confirm = client.get(studio.url(f"/{gone.reference}/supprimer"))
    assert confirm.status_code == 200 and f"Supprimer la réponse {gone.reference} ?" in text(confirm)
    assert outbox_for(app) == [gone.id, kept.id]
    response = client.post(studio.url(f"/{gone.reference}/supprimer"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/reponses/")
    assert "est supprimée" in text(client.get(response.headers["Location"]))
    assert client.get(studio.url(f"/{gone.reference}")).status_code == 404
    assert studio.count() == 1 and outbox_for(app) == [kept.id]


def test_deleting_everything_asks_to_type_the_service_id(app, studio):
    with_mail(studio, FATOU, "one")
    with_mail(studio, HELENE, "two")
    other = studio.record({"statut": "lyceen"}, service_id="aides-jeunes")
    client = studio.client("olga")
    assert "Tapez « rappel-benevole »" in text(client.get(studio.url("/supprimer")))
    wrong = client.post(studio.url("/supprimer"), data={"confirmation": "oui"})
    assert wrong.status_code == 422 and "Tapez exactement « rappel-benevole »" in text(wrong)
    assert 'href="#confirmation"' in text(wrong)
    assert studio.count() == 2
    done = client.post(studio.url("/supprimer"), data={"confirmation": f" {CONTACT} "})
    assert done.status_code == 302
    assert "2 réponses sont supprimées" in text(client.get(done.headers["Location"]))
    assert studio.count() == 0 and outbox_for(app) == []
    assert studio.count("aides-jeunes") == 1 and other.reference


def test_delete_in_python_is_scoped_to_its_service(app, studio):
    sent = studio.record(FATOU)
    with app.app_context():
        assert not submissions.delete(get_db(), "aides-jeunes", sent.reference)
        assert submissions.delete(get_db(), CONTACT, sent.reference.lower())
        assert submissions.delete_all(get_db(), CONTACT) == 0


def test_the_service_page_links_to_submissions_and_figures(studio):
    page = text(studio.client("rita").get(f"/studio/o/{studio.org.slug}/services/aides-jeunes/"))
    assert f'href="{studio.url("/", "aides-jeunes")}"' in page
    assert '/services/aides-jeunes/chiffres"' in page
