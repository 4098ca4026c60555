"""Filling in for someone else (« mode accompagnant »): started from the studio by a
member with the role, a banner on every page, the intermediary and the person's agreement
recorded with the submission, shown in the studio and exported; nobody else can start it."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES
from builder.storage import accounts, services as published, submissions, workspace
from builder.storage.accounts import EDITOR, HELPER, READER
from builder.studio.access import has_role
from test_site_journey import form_values
from test_studio_submissions import CONTACT, PASSWORD, Studio as SubmissionsStudio

pytestmark = pytest.mark.both_engines

BANNER = "Demande remplie pour une autre personne"


class Studio(SubmissionsStudio):
    """The organisation of the « Réponses » tests (an owner, an editor, a reader, an outsider,
    the contact form online), with a helper too."""

    def __init__(self, app):
        super().__init__(app)
        with app.app_context():
            db = get_db()
            self.people["amina"] = accounts.create_user(db, "amina@example.org", "Amina", PASSWORD)
            accounts.add_member(db, self.org.id, self.people["amina"].id, HELPER)

    def url(self, path):
        return f"/studio/o/{self.org.slug}/services/{CONTACT}{path}"


@pytest.fixture
def studio(app):
    return Studio(app)


AGREED = {"name": "Amina Benali", "structure": "CCAS de Lille", "person": "Fatou Diallo", "agreement": "present"}


def fill_in(client, first_url):
    """Answer the contact form from its first persona, checking the banner on each page;
    return the confirmation page."""
    service = load_service(EXAMPLES / f"{CONTACT}.yaml")
    answers, url = service.personas[0].answers, first_url
    while not url.endswith("/verifier"):
        page = client.get(url)
        assert page.status_code == 200 and BANNER in page.get_data(as_text=True), url
        step = next(step for step in service.steps if step.id == url.rsplit("/", 1)[1])
        data = {block.id: form_values(answers[block.id]) for block in step.questions if block.id in answers}
        response = client.post(url, data={**data, "_shown": [block.id for block in step.questions]})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        url = response.headers["Location"]
    assert BANNER in client.get(url).get_data(as_text=True)
    sent = client.post(f"/s/{CONTACT}/envoyer", data={})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    return client.get(sent.headers["Location"])


def reference_in(page) -> str:
    return re.search(r"TRM-[A-Z0-9]{3}-[A-Z0-9]{3}", page.get_data(as_text=True)).group(0)


def stored(app, reference):
    with app.app_context():
        db = get_db()
        return submissions.with_intermediaries(db, [submissions.get_by_reference(db, reference)])[0]


def test_the_helper_role_sits_between_reader_and_editor():
    assert accounts.ROLES == (READER, HELPER, EDITOR, accounts.OWNER)
    assert has_role(HELPER, READER) and not has_role(HELPER, EDITOR) and not has_role(READER, HELPER)


def test_a_helper_fills_in_for_someone_with_a_banner_on_every_page(app, studio):
    client = studio.client("amina")
    form = client.get(studio.url("/accompagner")).get_data(as_text=True)
    assert "Amina" in form and "Réseau Coup de pouce" in form  # their name and structure, to correct
    started = client.post(studio.url("/accompagner"), data=AGREED)
    assert started.status_code == 303 and started.headers["Location"] == f"/s/{CONTACT}/etape/demande"
    confirmation = fill_in(client, started.headers["Location"])
    text = confirmation.get_data(as_text=True)
    assert BANNER in text and "Amina Benali (CCAS de Lille)" in text and "Fiche à remettre à la personne" in text
    kept = stored(app, reference_in(confirmation))
    assert (kept.intermediary.name, kept.intermediary.structure, kept.intermediary.person,
            kept.intermediary.agreement) == ("Amina Benali", "CCAS de Lille", "Fatou Diallo", "present")
    assert kept.intermediary.user_id == studio.people["amina"].id


def test_the_slip_gives_the_service_the_reference_the_date_and_the_help(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data={**AGREED, "agreement": "mandate"})
    reference = reference_in(fill_in(client, started.headers["Location"]))
    slip = client.get(f"/s/{CONTACT}/accompagnement/fiche/{reference}")
    text = slip.get_data(as_text=True)
    assert slip.status_code == 200 and "Fiche à remettre à la personne" in text
    assert reference in text and "Être rappelé·e par un·e bénévole" in text and "03 20 00 00 00" in text
    assert re.search(r"envoyée le \d+ \w+ 20\d\d", text)
    assert app.test_client().get(f"/s/{CONTACT}/accompagnement/fiche/{reference}").status_code == 404
    code = re.search(r"<strong class=\"follow-code\">([\w-]+)</strong>", text).group(1)  # for the person
    assert f"/s/{CONTACT}/suivre" in text
    followed = app.test_client().post(f"/s/{CONTACT}/suivre", data={"reference": reference, "code": code})
    assert followed.status_code == 303  # the person opens their request with it, elsewhere


def test_the_agreement_is_required(app, studio):
    client = studio.client("amina")
    refused = client.post(studio.url("/accompagner"), data={**AGREED, "agreement": ""})
    assert refused.status_code == 422
    assert "Dites si la personne est présente et d’accord" in refused.get_data(as_text=True)
    forged = client.post(studio.url("/accompagner"), data={**AGREED, "agreement": "paper"})
    assert forged.status_code == 422  # « paper » is only for keying in a paper form
    with client.session_transaction() as session:
        assert "journeys" not in session


def test_a_paper_form_is_recorded_as_such(app, studio):
    client = studio.client("olga")
    page = client.get(studio.url("/saisie-papier")).get_data(as_text=True)
    assert "Saisie d’un formulaire papier" in page and 'name="agreement"' not in page
    started = client.post(studio.url("/saisie-papier"), data={"name": "Olga", "structure": "Coup de pouce"})
    first = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Saisie d’un formulaire papier" in first
    kept = stored(app, reference_in(fill_in_paper(client, started.headers["Location"])))
    assert kept.intermediary.agreement == "paper" and kept.intermediary.person is None


def fill_in_paper(client, url):
    global BANNER
    banner, BANNER = BANNER, "Saisie d’un formulaire papier"
    try:
        return fill_in(client, url)
    finally:
        BANNER = banner


def test_stop_leaves_the_mode_and_goes_back_to_the_studio(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data=AGREED)
    assert BANNER in client.get(started.headers["Location"]).get_data(as_text=True)
    stopped = client.post(f"/s/{CONTACT}/accompagnement/arreter")
    assert stopped.status_code == 303 and stopped.headers["Location"] == studio.url("/reponses/")
    start = client.get(f"/s/{CONTACT}/").get_data(as_text=True)
    assert BANNER not in start
    with app.app_context():
        from tables import count
        assert count(get_db(), "drafts") == 0  # what was typed for the person is not kept


def test_shared_pages_never_carry_the_banner_to_someone_else(app, studio):
    helper = studio.client("amina")
    helper.post(studio.url("/accompagner"), data=AGREED)
    assert BANNER in helper.get(f"/s/{CONTACT}/etape/demande").get_data(as_text=True)
    visitor = app.test_client()
    begun = visitor.post(f"/s/{CONTACT}/commencer")
    page = visitor.get(begun.headers["Location"]).get_data(as_text=True)
    assert "De quoi voulez-vous parler" in page and BANNER not in page


@pytest.mark.parametrize("name, status", [("rita", 403), ("oscar", 403)])
def test_a_reader_or_an_outsider_cannot_start_the_mode(app, studio, name, status):
    client = studio.client(name)
    for path in ("/accompagner", "/saisie-papier"):
        assert client.get(studio.url(path)).status_code == status
        assert client.post(studio.url(path), data=AGREED).status_code == status
    with client.session_transaction() as session:
        assert "journeys" not in session


def test_a_visitor_cannot_become_an_intermediary(app, studio):
    visitor = app.test_client()
    begun = visitor.post(f"/s/{CONTACT}/commencer", data={"assisted": json.dumps(AGREED), **AGREED})
    assert BANNER not in visitor.get(begun.headers["Location"]).get_data(as_text=True)
    signed_out = visitor.post(studio.url("/accompagner"), data=AGREED)
    assert signed_out.status_code == 302 and "/compte/connexion" in signed_out.headers["Location"]


def test_sending_is_refused_once_the_helper_lost_the_role(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data=AGREED)
    with app.app_context():
        accounts.change_role(get_db(), studio.org.id, studio.people["amina"].id, READER)
    with pytest.raises(AssertionError):
        fill_in(client, started.headers["Location"])  # « Envoyer » is refused
    assert client.post(f"/s/{CONTACT}/envoyer", data={}).status_code == 403
    with app.app_context():
        assert submissions.count_for_service(get_db(), CONTACT) == 0


def test_the_studio_shows_who_filled_it_in_and_exports_it(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data=AGREED)
    reference = reference_in(fill_in(client, started.headers["Location"]))
    reader = studio.client("rita")
    table = reader.get(studio.url("/reponses/")).get_data(as_text=True)
    assert "Amina Benali (CCAS de Lille)" in table and "Remplir pour une autre personne" not in table
    detail = reader.get(studio.url(f"/reponses/{reference}")).get_data(as_text=True)
    assert "Fatou Diallo" in detail and "La personne est présente et d&#39;accord" in detail
    exported = reader.get(studio.url("/reponses/export/csv")).get_data().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))
    line = dict(zip(header, row))
    assert (line["Remplie par"], line["Structure de l'intermédiaire"], line["Pour la personne"],
            line["Accord de la personne"]) == ("Amina Benali", "CCAS de Lille", "Fatou Diallo",
                                               "La personne est présente et d'accord")
    document = json.loads(reader.get(studio.url("/reponses/export/json")).get_data())
    assert document["submissions"][0]["intermediary"] == {
        "name": "Amina Benali", "structure": "CCAS de Lille", "person": "Fatou Diallo", "agreement": "present"}
    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(reader.get(studio.url("/reponses/export/xlsx")).get_data())).active
    assert [cell.value for cell in sheet[1]][2:6] == ["Remplie par", "Structure de l'intermédiaire",
                                                      "Pour la personne", "Accord de la personne"]
    assert sheet["F2"].value == "La personne est présente et d'accord"


def test_deleting_a_submission_deletes_who_filled_it_in(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data=AGREED)
    reference = reference_in(fill_in(client, started.headers["Location"]))
    with app.app_context():
        db = get_db()
        assert submissions.delete(db, CONTACT, reference)
        from tables import count
        assert count(db, "submission_intermediaries") == 0


def test_the_helper_cannot_edit_the_service(app, studio):
    client = studio.client("amina")
    overview = client.get(studio.url("/")).get_data(as_text=True)
    assert "Remplir pour une autre personne" in overview and "Dupliquer" not in overview
    assert client.post(studio.url("/yaml"), data={"yaml": "tremplin: 1"}).status_code == 403
    assert client.get(f"/studio/o/{studio.org.slug}/services/nouveau").status_code == 403


def test_owners_give_the_role_on_the_members_page(app, studio):
    owner = studio.client("olga")
    members = f"/studio/o/{studio.org.slug}/membres"
    page = owner.get(members).get_data(as_text=True)
    assert '<option value="helper"' in page and "remplit des demandes pour d’autres personnes" in page
    changed = owner.post(f"{members}/{studio.people['rita'].id}/role", data={"role": HELPER})
    assert changed.status_code in (302, 303)
    with app.app_context():
        assert accounts.role_of(get_db(), studio.people["rita"].id, studio.org.id) == HELPER
    assert studio.client("rita").get(studio.url("/accompagner")).status_code == 200


def saved_code(client) -> str:
    """« Enregistrer et reprendre plus tard »: the code the page gives."""
    saved = client.get(f"/s/{CONTACT}/sauvegarde").get_data(as_text=True)
    return re.search(r"<strong>([A-Z0-9]{3}-[A-Z0-9]{3})</strong>", saved).group(1)


def test_a_draft_filled_in_for_someone_goes_on_in_the_mode_on_the_helpers_other_device(app, studio):
    office = studio.client("amina")  # the helper, signed in at the office
    office.post(studio.url("/accompagner"), data=AGREED)
    code = saved_code(office)
    laptop = studio.client("amina")
    resumed = laptop.post(f"/s/{CONTACT}/reprendre", data={"code": code})
    assert resumed.status_code == 303 and resumed.headers["Location"] == f"/s/{CONTACT}/etape/demande"
    kept = stored(app, reference_in(fill_in(laptop, resumed.headers["Location"])))
    assert (kept.intermediary.name, kept.intermediary.person) == ("Amina Benali", "Fatou Diallo")
    stopped = laptop.post(f"/s/{CONTACT}/accompagnement/arreter")
    assert stopped.headers["Location"] == studio.url("/reponses/")


def test_a_draft_filled_in_for_someone_is_anyone_elses_own_journey(app, studio):
    helper = studio.client("amina")
    helper.post(studio.url("/accompagner"), data=AGREED)
    code = saved_code(helper)
    person = app.test_client()  # the person, at home, with the code written down
    resumed = person.get(f"/s/{CONTACT}/reprendre/{code}")
    assert BANNER not in person.get(resumed.headers["Location"]).get_data(as_text=True)
    visitor = app.test_client()  # and a mode never passes to someone else's draft
    visitor.post(f"/s/{CONTACT}/commencer")
    own = saved_code(visitor)
    taken = helper.post(f"/s/{CONTACT}/reprendre", data={"code": own})
    assert BANNER not in helper.get(taken.headers["Location"]).get_data(as_text=True)


def test_stop_leaves_a_persons_own_journey_alone(app, studio):
    visitor = app.test_client()
    begun = visitor.post(f"/s/{CONTACT}/commencer")
    assert visitor.post(f"/s/{CONTACT}/accompagnement/arreter").headers["Location"] == f"/s/{CONTACT}/"
    assert visitor.get(begun.headers["Location"]).status_code == 200  # the draft is still theirs


BILINGUAL = """\
tremplin: 1
id: rappel-bilingue
title: {fr: Être rappelé, en: Get a call back}
languages: [fr, en]
steps:
  - id: vous
    title: {fr: Vous, en: You}
    blocks:
      - type: text
        id: prenom
        label: {fr: Votre prénom, en: Your first name}
submission: {}
"""


def test_the_mode_speaks_english_on_an_english_page(app, studio, engine):
    if engine != "sqlite":
        pytest.skip("the pages' language does not depend on the database")
    with app.app_context():
        workspace.create(get_db(), studio.org.id, "rappel-bilingue", BILINGUAL)
        published.publish(get_db(), "rappel-bilingue", BILINGUAL)
    client = studio.client("amina")
    form = client.get(f"/studio/o/{studio.org.slug}/services/rappel-bilingue/accompagner?lang=en")
    assert "The person is here and agrees" in form.get_data(as_text=True)
    started = client.post(f"/studio/o/{studio.org.slug}/services/rappel-bilingue/accompagner", data=AGREED)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Your first name" in page and "Request filled in for someone else" in page
    assert "by Amina Benali (CCAS de Lille)." in page and "Stop and go back to the studio" in page
    assert "Demande remplie" not in page and "Arrêter" not in page


def test_the_organisations_notice_says_who_filled_it_in(app, studio):
    client = studio.client("amina")
    started = client.post(studio.url("/accompagner"), data={**AGREED, "agreement": "mandate"})
    fill_in(client, started.headers["Location"])
    with app.app_context():
        from email import message_from_bytes, policy
        from tables import rows
        notices = [message_from_bytes(bytes(row["message"]), policy=policy.default)
                   for row in rows(get_db(), "outbox")]
    bodies = [notice.get_body(("plain",)).get_content() for notice in notices]
    assert any("Demande remplie pour une autre personne par Amina Benali (CCAS de Lille). "
               "Accord de la personne : Mandat de la personne." in body for body in bodies), bodies
