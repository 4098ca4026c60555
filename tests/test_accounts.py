"""Accounts: sign up, sign in and out, forgotten passwords, organisations, invitations, roles."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tables import rows

from builder import mail
from builder.db import get_db
from builder.storage import account_links, accounts, utcnow
from builder.storage.accounts import EDITOR, OWNER, READER

PASSWORD = "une phrase assez longue"


def make_user(app, email="camille@example.org", name="Camille", password=PASSWORD):
    with app.app_context():
        return accounts.create_user(get_db(), email, name, password)


def make_org(app, owner, name="Mission locale de l’Est"):
    with app.app_context():
        return accounts.create_organisation(get_db(), name, owner.id)


def sign_in(client, user):
    """Sign in without the form (the login form has its own tests)."""
    with client.session_transaction() as session:
        session["user_id"] = user.id


def login(client, email="camille@example.org", password=PASSWORD, next_path=None):
    query = {"next": next_path} if next_path is not None else {}
    return client.post("/compte/connexion", query_string=query,
                       data={"email": email, "password": password})


def in_db(app, function, *args, **kwargs):
    with app.app_context():
        return function(get_db(), *args, **kwargs)


# -- Storage -----------------------------------------------------------------------------

def test_email_is_unique_whatever_its_case_and_the_password_is_hashed(app):
    user = make_user(app, email=" Camille@Example.ORG ")
    assert user.email == "camille@example.org"
    with pytest.raises(accounts.EmailTaken):
        make_user(app, email="CAMILLE@example.org")
    with app.app_context():
        stored = rows(get_db(), "users", "id = ?", [user.id])[0]["password_hash"]
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert in_db(app, accounts.authenticate, "CAMILLE@EXAMPLE.org", PASSWORD) == user
    assert in_db(app, accounts.authenticate, "camille@example.org", "mauvais mot") is None
    assert in_db(app, accounts.authenticate, "personne@example.org", PASSWORD) is None


def test_the_creator_owns_the_organisation_and_slugs_stay_unique(app):
    camille = make_user(app)
    first = make_org(app, camille, "Mission locale d'Évry")
    second = make_org(app, camille, "Mission locale d’Évry")
    assert (first.slug, second.slug) == ("mission-locale-d-evry", "mission-locale-d-evry-2")
    assert in_db(app, accounts.role_of, camille.id, first.id) == OWNER
    assert [org.slug for org, _ in in_db(app, accounts.organisations_of, camille.id)] == [
        "mission-locale-d-evry", "mission-locale-d-evry-2"]
    assert accounts.slugify("!!!") == "organisation"


def test_an_organisation_always_keeps_an_owner(app):
    camille, dominique = make_user(app), make_user(app, "dominique@example.org", "Dominique")
    org = make_org(app, camille)
    with pytest.raises(accounts.LastOwner):
        in_db(app, accounts.change_role, org.id, camille.id, EDITOR)
    with pytest.raises(accounts.LastOwner):
        in_db(app, accounts.remove_member, org.id, camille.id)
    in_db(app, accounts.add_member, org.id, dominique.id, OWNER)
    assert in_db(app, accounts.change_role, org.id, camille.id, READER)
    assert in_db(app, accounts.remove_member, org.id, camille.id)
    assert [m.user.name for m in in_db(app, accounts.members, org.id)] == ["Dominique"]
    assert not in_db(app, accounts.remove_member, org.id, camille.id)  # gone already


def test_an_invitation_works_once_before_it_expires_and_never_demotes(app):
    camille, dominique = make_user(app), make_user(app, "dominique@example.org", "Dominique")
    org = make_org(app, camille)
    token, invitation = in_db(app, account_links.create_invitation, org.id, EDITOR,
                              created_by=camille.id)
    with app.app_context():
        assert token not in str(list(rows(get_db(), "invitations")))  # only its hash is kept
    assert in_db(app, account_links.accept_invitation, token, dominique.id).id == invitation.id
    assert in_db(app, account_links.accept_invitation, token, dominique.id) is None
    assert in_db(app, accounts.role_of, dominique.id, org.id) == EDITOR
    later, _ = in_db(app, account_links.create_invitation, org.id, READER, created_by=camille.id)
    in_db(app, account_links.accept_invitation, later, dominique.id)
    assert in_db(app, accounts.role_of, dominique.id, org.id) == EDITOR
    old, _ = in_db(app, account_links.create_invitation, org.id, READER, created_by=camille.id,
                   now=utcnow() - dt.timedelta(days=8))
    assert in_db(app, account_links.get_invitation, old) is None


def test_a_reset_token_lasts_an_hour_works_once_and_retires_older_ones(app):
    camille = make_user(app)
    t0 = utcnow()
    older = in_db(app, account_links.create_password_reset, camille.id, now=t0)
    token = in_db(app, account_links.create_password_reset, camille.id, now=t0)
    late = t0 + dt.timedelta(minutes=61)
    assert in_db(app, account_links.reset_password, token, "nouveau mot de passe", now=late) is None
    assert in_db(app, account_links.reset_password, token, "nouveau mot de passe", now=t0) == camille
    assert in_db(app, account_links.reset_password, token, "encore un autre mot", now=t0) is None
    assert in_db(app, account_links.password_reset_user, older, now=t0) is None
    assert in_db(app, accounts.authenticate, camille.email, "nouveau mot de passe") == camille


# -- Signing up, in and out --------------------------------------------------------------

def test_signing_up_signs_in_and_goes_on(client, app):
    response = client.post("/compte/inscription",
                           query_string={"next": "/studio/nouvelle-organisation"},
                           data={"name": "Camille", "email": "Camille@example.org",
                                 "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/studio/nouvelle-organisation"
    assert client.get("/studio/").status_code == 200
    assert in_db(app, accounts.get_user_by_email, "camille@example.org").name == "Camille"


def test_signup_errors_are_in_french_and_lead_to_their_fields(client, app):
    make_user(app)
    page = client.post("/compte/inscription", data={
        "name": "", "email": "CAMILLE@example.org", "password": "court", "confirm": "autre"}).text
    summary = page[page.index('class="error-summary"'):page.index("<h1")]
    assert 'href="#name"' in summary and "Entrez votre nom." in summary
    assert 'href="#password"' in summary and "au moins 10 caractères" in summary
    assert 'href="#confirm"' in summary and "pas identiques" in summary
    assert "<title>Erreur :" in page
    page = client.post("/compte/inscription", data={
        "name": "C", "email": "CAMILLE@example.org", "password": PASSWORD,
        "confirm": PASSWORD}).text
    assert "Un compte existe déjà avec cette adresse" in page
    assert 'aria-describedby="email-hint email-error"' in page


def test_signing_in_goes_back_where_one_was(client, app):
    make_user(app)
    assert client.get("/studio/").location == "/compte/connexion?next=/studio/"
    response = login(client, email="CAMILLE@example.org", next_path="/studio/")
    assert response.location == "/studio/"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "studio/"])
def test_signing_in_never_sends_to_another_site(client, app, target):
    make_user(app)
    assert login(client, next_path=target).location == "/studio/"


def test_a_wrong_password_says_so_without_saying_which(client, app):
    make_user(app)
    for email in ("camille@example.org", "personne@example.org"):
        page = login(client, email=email, password="pas le bon mot").text
        assert "L’adresse e-mail ou le mot de passe est incorrect." in page
    assert client.get("/studio/").status_code == 302


def test_signing_in_starts_a_new_session_holding_the_user_id_and_its_generation_only(client, app):
    user = make_user(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "en"
    login(client)
    with client.session_transaction() as session:
        assert dict(session) == {"user_id": user.id, "session_generation": 0, "lang": "en"}


def test_signing_out_is_a_post_and_forgets_the_user(client, app):
    sign_in(client, make_user(app))
    assert client.get("/compte/deconnexion").status_code == 405
    assert client.post("/compte/deconnexion").location == "/compte/connexion"
    assert client.get("/studio/").status_code == 302


def test_signing_in_is_rate_limited(app_factory):
    app = app_factory(LOGIN_RATE_LIMIT=3)
    client = app.test_client()
    codes = [login(client, password="pas le bon mot").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_login_form_needs_its_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    make_user(app)
    client = app.test_client()
    assert login(client).status_code == 400
    page = client.get("/compte/connexion").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/compte/connexion", data={
        "csrf_token": token, "email": "camille@example.org", "password": PASSWORD})
    assert response.location == "/studio/"


# -- Forgotten password ------------------------------------------------------------------

@pytest.fixture
def mail_app(app_factory, smtp_inbox):
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_inbox.port,
                       MAIL_SENDER="Tremplin <ne-pas-repondre@tremplin.example>")


def ask_for_reset(client, email):
    response = client.post("/compte/mot-de-passe-oublie", data={"email": email})
    response.close()  # the mail leaves once the response is sent
    return response


def test_a_forgotten_password_is_replaced_through_a_mailed_link(mail_app, smtp_inbox):
    make_user(mail_app)
    client = mail_app.test_client()
    assert ask_for_reset(client, "CAMILLE@example.org").status_code == 200
    [message] = smtp_inbox.messages()
    assert message["To"] == "camille@example.org"
    link = re.search(r"http://localhost(/compte/nouveau-mot-de-passe/\S+)",
                     message.get_content()).group(1)
    assert "Choisir un nouveau mot de passe" in client.get(link).text
    new = "un tout nouveau mot de passe"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.location == "/compte/connexion"
    assert client.get(link).status_code == 404  # used once
    assert login(client, password=PASSWORD).status_code == 200  # the old one is refused
    assert login(client, password=new).location == "/studio/"


def test_the_forgotten_password_page_does_not_tell_who_has_an_account(mail_app, smtp_inbox):
    make_user(mail_app)
    client = mail_app.test_client()
    known = ask_for_reset(client, "camille@example.org")
    unknown = ask_for_reset(client, "personne@example.org")
    assert known.status_code == unknown.status_code == 200
    assert (known.text.replace("camille@example.org", "ADDRESS")
            == unknown.text.replace("personne@example.org", "ADDRESS"))
    assert len(smtp_inbox.envelopes) == 1
    with mail_app.app_context():
        assert mail.outbox_counts(get_db())["sent"] == 1


def test_an_expired_reset_link_explains_what_to_do(client, app):
    user = make_user(app)
    token = in_db(app, account_links.create_password_reset, user.id,
                  now=utcnow() - dt.timedelta(hours=2))
    response = client.get(f"/compte/nouveau-mot-de-passe/{token}")
    assert response.status_code == 404
    assert "Ce lien ne marche plus" in response.text
    assert "/compte/mot-de-passe-oublie" in response.text


# -- Organisations, invitations, roles ---------------------------------------------------

def test_a_new_account_goes_on_to_its_organisation_then_its_first_service(client, app):
    response = client.post("/compte/inscription", data={"name": "Camille", "email": "camille@example.org",
                                                        "password": PASSWORD, "confirm": PASSWORD})
    assert response.location == "/studio/nouvelle-organisation"
    response = client.post("/studio/nouvelle-organisation", data={"name": "Club Jeunes",
                                                                  "time_zone": "Indian/Reunion"})
    assert response.location == "/studio/o/club-jeunes/services/nouveau"
    page = client.get(response.location).text
    assert "<h1>Créer votre premier service</h1>" in page
    org = in_db(app, accounts.get_organisation_by_slug, "club-jeunes")
    assert org.time_zone == "Indian/Reunion"
    client.post("/studio/o/club-jeunes/services/nouveau", data={"source": "vide", "title": "Essai"})
    assert "<h1>Créer un service</h1>" in client.get("/studio/o/club-jeunes/services/nouveau").text


def test_creating_an_organisation_makes_me_its_owner(client, app):
    sign_in(client, make_user(app))
    response = client.post("/studio/nouvelle-organisation", data={"name": "Club Jeunes"})
    assert response.location == "/studio/o/club-jeunes/services/nouveau"
    page = client.get("/studio/o/club-jeunes/membres").text
    assert "Membres de Club Jeunes" in page and "Propriétaire" in page
    assert "Club Jeunes" in client.get("/studio/").text
    assert in_db(app, accounts.get_organisation_by_slug, "club-jeunes").time_zone == "Europe/Paris"


def invite(app, client, email="dominique@example.org"):
    """An owner invites Dominique; the page and its link (a path)."""
    camille = make_user(app)
    org = make_org(app, camille)
    sign_in(client, camille)
    page = client.post(f"/studio/o/{org.slug}/membres/inviter", data={"role": EDITOR, "email": email}).text
    return org, page, re.search(r'value="http://localhost(/studio/invitation/[^"]+)"', page).group(1)


def test_an_invitation_says_no_mail_left_when_no_mail_server_is_set(client, app):
    _org, page, _link = invite(app, client)
    assert "Aucun e-mail n’est parti vers dominique@example.org" in page and "MAIL_SERVER" in page
    with app.app_context():
        assert mail.pending_mails(get_db()) == []  # nothing waits to leave much later


def test_an_invitation_says_its_mail_left_once_the_server_took_it(mail_app, smtp_inbox):
    _org, page, link = invite(mail_app, mail_app.test_client())
    assert "Un e-mail avec ce lien est parti vers dominique@example.org" in page
    [message] = smtp_inbox.messages()
    assert message["To"] == "dominique@example.org" and link in message.get_content()
    assert "vous pourrez consulter et modifier les services" in message.get_content()


def test_an_invitation_says_its_mail_did_not_leave_when_the_server_does_not_answer(app_factory):
    from mailserver import free_port
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # nobody listens there
    _org, page, _link = invite(app, app.test_client())
    assert "L’e-mail vers dominique@example.org n’est pas parti" in page and "Tremplin réessaiera" in page
    with app.app_context():
        [waiting] = mail.pending_mails(get_db())
    assert waiting["attempts"] == 1 and waiting["last_error"]


def test_an_invitation_link_brings_a_newcomer_in(client, app):
    org, page, link = invite(app, client)
    newcomer = app.test_client()
    welcome = newcomer.get(link)
    assert welcome.status_code == 200 and "Ce lien est une invitation à rejoindre" in welcome.text
    assert "vous pourrez consulter et modifier les services" in welcome.text
    assert newcomer.post(link).location == f"/compte/connexion?next={link}"
    signup = newcomer.post(f"/compte/inscription?next={link}", data={
        "name": "Dominique", "email": "dominique@example.org",
        "password": PASSWORD, "confirm": PASSWORD})
    assert signup.location == link
    page = newcomer.get(link).text
    assert "Rejoindre" in page and "Vous êtes invité·e à rejoindre" in page
    assert "vous pourrez consulter et modifier les services." in page
    assert newcomer.post(link).location == f"/studio/o/{org.slug}/membres"
    assert newcomer.get(link).status_code == 404  # used
    dominique = in_db(app, accounts.get_user_by_email, "dominique@example.org")
    assert in_db(app, accounts.role_of, dominique.id, org.id) == EDITOR


def test_owners_change_roles_but_never_demote_the_last_owner(client, app):
    camille, dominique = make_user(app), make_user(app, "dominique@example.org", "Dominique")
    org = make_org(app, camille)
    in_db(app, accounts.add_member, org.id, dominique.id, READER)
    sign_in(client, camille)
    base = f"/studio/o/{org.slug}/membres"
    client.post(f"{base}/{dominique.id}/role", data={"role": EDITOR})
    assert in_db(app, accounts.role_of, dominique.id, org.id) == EDITOR
    page = client.post(f"{base}/{camille.id}/role", data={"role": READER},
                       follow_redirects=True).text
    assert "au moins un propriétaire" in page
    assert in_db(app, accounts.role_of, camille.id, org.id) == OWNER


def test_removing_a_member_asks_first(client, app):
    camille, dominique = make_user(app), make_user(app, "dominique@example.org", "Dominique")
    org = make_org(app, camille)
    in_db(app, accounts.add_member, org.id, dominique.id, EDITOR)
    sign_in(client, camille)
    url = f"/studio/o/{org.slug}/membres/{dominique.id}/retirer"
    assert "Retirer Dominique" in client.get(url).text
    assert in_db(app, accounts.role_of, dominique.id, org.id) == EDITOR
    client.post(url)
    assert in_db(app, accounts.role_of, dominique.id, org.id) is None
    page = client.post(f"/studio/o/{org.slug}/membres/{camille.id}/retirer",
                       follow_redirects=True).text
    assert "seul propriétaire" in page


def test_owners_can_cancel_an_invitation(client, app):
    camille = make_user(app)
    org = make_org(app, camille)
    token, invitation = in_db(app, account_links.create_invitation, org.id, READER,
                              created_by=camille.id)
    sign_in(client, camille)
    client.post(f"/studio/o/{org.slug}/invitations/{invitation.id}/annuler")
    assert in_db(app, account_links.get_invitation, token) is None


def test_every_studio_page_has_one_h1_and_labelled_fields(client, app):
    camille, dominique = make_user(app), make_user(app, "dominique@example.org", "Dominique")
    org = make_org(app, camille)
    in_db(app, accounts.add_member, org.id, dominique.id, READER)
    token, _ = in_db(app, account_links.create_invitation, org.id, READER, created_by=camille.id)
    reset = in_db(app, account_links.create_password_reset, camille.id)
    anonymous = ["/compte/inscription", "/compte/connexion", "/compte/mot-de-passe-oublie",
                 f"/compte/nouveau-mot-de-passe/{reset}", f"/studio/invitation/{token}"]
    pages = [client.get(url).text for url in anonymous]
    sign_in(client, camille)
    for url in ["/studio/", "/studio/nouvelle-organisation", f"/studio/o/{org.slug}/membres",
                f"/studio/o/{org.slug}/membres/inviter",
                f"/studio/o/{org.slug}/membres/{dominique.id}/retirer",
                f"/studio/o/{org.slug}/reglages", f"/studio/invitation/{token}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.text)
    for page in pages:
        assert page.count("<h1") == 1
        assert '<html lang="fr">' in page
        labels = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
        fields = re.findall(
            r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
        assert set(fields) <= labels, set(fields) - labels
