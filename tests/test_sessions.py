"""Sessions that can be ended: signing out, a password reset, a password change and
« Se déconnecter partout » end the account's sessions, checked by replaying the cookie a
browser (or a thief) kept from before."""

from __future__ import annotations

import pytest

from builder.db import get_db
from builder.storage import account_links, accounts

pytestmark = pytest.mark.both_engines

PASSWORD = "une phrase assez longue"
NEW_PASSWORD = "une autre phrase assez longue"


def make_user(app):
    with app.app_context():
        return accounts.create_user(get_db(), "camille@example.org", "Camille", PASSWORD)


def signed_in(app):
    """A browser signed in through the form; returns it and a copy of its cookie."""
    browser = app.test_client()
    response = browser.post("/compte/connexion", data={"email": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 302
    return browser, browser.get_cookie("session").value


def opens_the_studio(app, cookie: str) -> bool:
    """Whether a browser holding only ``cookie`` gets into the studio."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/studio/").status_code == 200


def test_a_cookie_copied_before_signing_out_opens_nothing_after(app):
    make_user(app)
    browser, cookie = signed_in(app)
    assert opens_the_studio(app, cookie)
    browser.post("/compte/deconnexion")
    assert not opens_the_studio(app, cookie)
    assert browser.get("/studio/").status_code == 302


def test_signing_out_ends_the_sessions_on_other_devices_too(app):
    make_user(app)
    phone, phone_cookie = signed_in(app)
    laptop, laptop_cookie = signed_in(app)
    laptop.post("/compte/deconnexion")
    assert not opens_the_studio(app, phone_cookie) and not opens_the_studio(app, laptop_cookie)
    _, fresh = signed_in(app)
    assert opens_the_studio(app, fresh)  # signing in again works at once


def test_signing_out_everywhere_ends_every_session(app):
    make_user(app)
    _, phone_cookie = signed_in(app)
    laptop, laptop_cookie = signed_in(app)
    page = laptop.get("/compte/")
    assert page.status_code == 200 and "Se déconnecter partout" in page.text
    response = laptop.post("/compte/deconnexion-partout")
    assert response.location == "/compte/connexion"
    assert not opens_the_studio(app, phone_cookie) and not opens_the_studio(app, laptop_cookie)


def test_a_password_reset_ends_every_session(app):
    user = make_user(app)
    _, cookie = signed_in(app)
    with app.app_context():
        token = account_links.create_password_reset(get_db(), user.id)
    stranger = app.test_client()
    response = stranger.post(f"/compte/nouveau-mot-de-passe/{token}",
                             data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not opens_the_studio(app, cookie)


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app):
    make_user(app)
    _, phone_cookie = signed_in(app)
    laptop, before_change = signed_in(app)
    response = laptop.post("/compte/", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/studio/").status_code == 200  # still signed in here
    assert not opens_the_studio(app, phone_cookie) and not opens_the_studio(app, before_change)
    with app.app_context():
        assert accounts.authenticate(get_db(), "camille@example.org", NEW_PASSWORD) is not None


def test_a_wrong_current_password_changes_nothing(app):
    make_user(app)
    _, phone_cookie = signed_in(app)
    laptop, _ = signed_in(app)
    response = laptop.post("/compte/", data={"current": "pas le bon", "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert response.status_code == 422 and "Ce n’est pas votre mot de passe actuel." in response.text
    assert opens_the_studio(app, phone_cookie)


def test_the_account_page_needs_to_be_signed_in(client):
    assert client.get("/compte/").status_code == 302
    assert client.post("/compte/deconnexion-partout").status_code == 302

