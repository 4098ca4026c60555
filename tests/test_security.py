"""Security: headers, CSRF, request size, error pages, rate limit, secret key, honeypot."""

from __future__ import annotations

import io
import os
import re
import stat

import pytest
from flask import render_template_string, request
from tables import rows

from builder import security
from builder.db import get_db

FORM = '<form method="post"><input name="csrf_token" value="{{ csrf_token() }}"></form>'


def add_form_routes(app):
    """A form page and the view it posts to, as the mini-sites have."""

    @app.get("/formulaire")
    def form():
        return render_template_string(FORM)

    @app.post("/envoyer")
    def send():
        security.limit_rate("submit:demo")
        return "Merci"

    @app.post("/longueur")
    def length():
        return str(len(request.form.get("message", "")))

    @app.get("/panne")
    def broken():
        raise RuntimeError("boom")


@pytest.fixture
def app(app_factory):
    app = app_factory()
    add_form_routes(app)
    return app


# -- Headers and cookies ----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/healthz", "/formulaire", "/page-qui-n-existe-pas"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "http" not in csp  # no third-party origin, no web font service
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_outside_development(app_factory):
    production = app_factory(TESTING=False)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app_factory(TESTING=False, DEBUG=True).config["SESSION_COOKIE_SECURE"] is False


def test_session_cookie_is_not_readable_by_scripts(client):
    client.get("/healthz?lang=en")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_https_responses_ask_browsers_to_stay_on_https(app_factory):
    app = app_factory(PROXY_FIX_X_FOR=1)
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    direct = client.get("/healthz", base_url="https://localhost")
    proxied = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    for response in (direct, proxied):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("path", ["/compte/connexion", "/studio/", "/studio/o/x/membres"])
def test_studio_and_account_pages_are_never_kept_by_a_cache(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_members_page_with_addresses_is_never_kept(signed_in_owner):
    client, org = signed_in_owner
    response = client.get(f"/studio/o/{org.slug}/membres")
    assert response.status_code == 200 and "olga@example.org" in response.text
    assert response.headers["Cache-Control"] == "no-store"


# -- CSRF ------------------------------------------------------------------------------------

@pytest.fixture
def csrf_client(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    add_form_routes(app)
    return app.test_client()


def test_post_without_csrf_token_is_refused_in_french(csrf_client):
    response = csrf_client.post("/envoyer", data={"prenom": "Camille"})
    assert response.status_code == 400
    assert "La page a expiré" in response.text
    assert "Traceback" not in response.text


def test_post_with_csrf_token_goes_through(csrf_client):
    page = csrf_client.get("/formulaire").text
    token = re.search(r'value="([^"]+)"', page).group(1)
    response = csrf_client.post("/envoyer", data={"csrf_token": token})
    assert response.status_code == 200


def test_a_form_part_without_a_name_is_a_bad_request_not_a_crash(csrf_client):
    body = b"--b\r\nContent-Disposition: form-data\r\n\r\nvaleur\r\n--b--\r\n"
    response = csrf_client.post("/envoyer", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400 and "Traceback" not in response.text


# -- Error pages ------------------------------------------------------------------------------

def test_too_large_a_request_gets_a_french_page(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    response = client.post("/envoyer", data={"message": "x" * 300_000})
    assert response.status_code == 413
    assert '<html lang="fr">' in response.text
    assert "Votre envoi est trop volumineux" in response.text


def chunked(client, path: str, body: bytes):
    """POST ``body`` with no declared length, as a server that reads chunked bodies hands it on."""
    return client.post(path, input_stream=io.BytesIO(body), content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})


def test_a_chunked_body_over_the_limit_is_refused_not_cut(client):
    response = chunked(client, "/longueur", b"message=" + b"x" * 1_000_000)
    assert response.status_code == 413 and "Votre envoi est trop volumineux" in response.text
    assert chunked(client, "/longueur", b"message=" + b"x" * 200_000).text == "200000"


def test_a_chunked_body_is_refused_even_where_nothing_reads_it(client):
    assert chunked(client, "/envoyer", b"x" * 300_000).status_code == 413


def test_the_studio_takes_any_service_file_the_command_line_takes(app, client):
    from builder.format.yaml_lines import MAX_BYTES
    from builder.request_size import limit_for
    studio = limit_for(app, "/studio/o/x/services/nouveau")
    assert studio >= 3 * MAX_BYTES  # a file of MAX_BYTES, every byte percent-encoded
    assert limit_for(app, "/s/aide/etape/vous") == app.config["MAX_CONTENT_LENGTH"]
    big = chunked(client, "/studio/o/x/services/nouveau", b"text=" + b"%C3%A9" * 200_000)
    assert big.status_code != 413
    too_big = chunked(client, "/studio/o/x/services/nouveau", b"text=" + b"x" * (studio + 1))
    assert too_big.status_code == 413


def test_unknown_page_gets_a_french_page(client):
    response = client.get("/page-qui-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert '<main id="contenu">' in response.text


def test_a_crash_never_shows_a_traceback(app_factory):
    app = app_factory(TESTING=False)
    add_form_routes(app)
    response = app.test_client().get("/panne")
    assert response.status_code == 500
    assert "le service rencontre un problème" in response.text
    assert "Traceback" not in response.text and "boom" not in response.text


def test_method_not_allowed_keeps_its_allow_header(client):
    response = client.get("/envoyer")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Une erreur est survenue" in response.text


# -- Rate limit --------------------------------------------------------------------------------

def test_sending_is_rate_limited_per_address(app, client):
    for _ in range(5):
        assert client.post("/envoyer").status_code == 200
    response = client.post("/envoyer")
    assert response.status_code == 429
    assert "Trop d’envois" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 600
    other = client.post("/envoyer", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    with app.app_context():
        keys = {row["key"] for row in rows(get_db(), "rate_hits")}
    assert not any("127.0.0.1" in key or "192.0.2.7" in key for key in keys)


# -- Secret key ----------------------------------------------------------------------------------

def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(app_factory):
    first = app_factory()
    path = os.path.join(first.instance_path, "secret_key")
    assert re.fullmatch(r"[0-9a-f]{64}", first.config["SECRET_KEY"])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert app_factory().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secret_key_from_the_environment_wins(app_factory, monkeypatch):
    monkeypatch.setenv("TREMPLIN_SECRET_KEY", "a-key-from-the-environment")
    app = app_factory()
    assert app.config["SECRET_KEY"] == "a-key-from-the-environment"
    assert not os.path.exists(os.path.join(app.instance_path, "secret_key"))


# -- Honeypot and languages ------------------------------------------------------------------

def test_honeypot_field_is_hidden_from_people_and_catches_robots(app):
    with app.test_request_context():
        html = render_template_string("{{ honeypot_field() }}")
    assert 'class="hp"' in html and 'tabindex="-1"' in html
    assert f'name="{security.HONEYPOT_FIELD}"' in html
    with app.test_request_context(method="POST", data={security.HONEYPOT_FIELD: "http://spam"}):
        assert security.is_spam()
    with app.test_request_context(method="POST", data={security.HONEYPOT_FIELD: ""}):
        assert not security.is_spam()


@pytest.mark.parametrize("query, accept, expected", [
    ("", "", "fr"),
    ("", "en-GB,en;q=0.8", "en"),
    ("", "de-DE", "fr"),
    ("?lang=en", "fr", "en"),
    ("?lang=xx", "", "fr"),
])
def test_language_is_french_unless_asked(client, query, accept, expected):
    response = client.get("/page-qui-n-existe-pas" + query, headers={"Accept-Language": accept})
    assert f'<html lang="{expected}">' in response.text


def test_chosen_language_is_remembered(client):
    client.get("/healthz?lang=en")
    assert '<html lang="en">' in client.get("/page-qui-n-existe-pas").text


def test_a_new_secret_key_takes_effect_at_once_for_sessions(app):
    """The session serializer is kept between requests, but never past a key change."""
    @app.get("/_remember")
    def remember():
        from flask import session
        session["seen"] = session.get("seen", 0) + 1
        return str(session["seen"])

    client = app.test_client()
    assert client.get("/_remember").text == "1"
    assert client.get("/_remember").text == "2"
    app.secret_key = "une toute nouvelle clé, après une fuite"
    assert client.get("/_remember").text == "1"  # the old cookie is no longer trusted


def test_a_remembered_session_cookie_still_expires(app, monkeypatch):
    """Verified cookies are remembered (builder.security.SessionInterface), never past their age."""
    @app.get("/_count")
    def count():
        from flask import session
        session["seen"] = session.get("seen", 0) + 1
        return str(session["seen"])

    client = app.test_client()
    assert client.get("/_count").text == "1"
    assert client.get("/_count").text == "2"   # this cookie is now remembered
    stale = client.get_cookie("session").value
    assert client.get("/_count").text == "3"
    client.set_cookie("session", stale)
    assert client.get("/_count").text == "3"   # the remembered cookie, read again
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = __import__("time").time() + lifetime + 60
    monkeypatch.setattr("builder.security.time.time", lambda: later)
    client.set_cookie("session", stale)
    assert client.get("/_count").text == "1"   # too old: a new session


def test_a_forged_session_cookie_is_not_trusted_even_after_a_good_one(app):
    @app.get("/_login")
    def login():
        from flask import session
        session["user"] = "camille"
        return "ok"

    @app.get("/_who")
    def who():
        from flask import session
        return session.get("user", "personne")

    client = app.test_client()
    client.get("/_login")
    good = client.get_cookie("session").value
    assert client.get("/_who").text == "camille"
    assert client.get("/_who").text == "camille"  # remembered now
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    client.set_cookie("session", forged)
    assert client.get("/_who").text == "personne"
