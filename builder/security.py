"""What protects the mini-sites and the people who use them.

- CSRF on every form (Flask-WTF's ``CSRFProtect``; templates put
  ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`` in each form);
- response headers: a Content-Security-Policy with no ``unsafe-inline`` and nothing
  from another site, no MIME sniffing, no framing, a discreet referrer; over HTTPS,
  Strict-Transport-Security; on the studio's and accounts' pages, ``Cache-Control:
  no-store`` (they show members' addresses, submissions, services being written);
- cookies that scripts cannot read, sent over HTTPS only outside development;
- request bodies bounded on the bytes actually read, chunked or not (:mod:`builder.request_size`);
- a per-address rate limit on sending, kept in SQLite (:func:`limit_rate`);
- a honeypot field that people do not see and robots fill in (:func:`honeypot_field`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from flask_babel import gettext
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest, TooManyRequests

from builder import request_size
from builder.db import get_db
from builder.storage import ratelimit

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",  # QR codes are drawn as data: URIs
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"  # a year: browsers come back over HTTPS only
PRIVATE_PREFIXES = ("/studio/", "/compte/")  # pages that no browser or proxy may keep
HONEYPOT_FIELD = "website"

DEFAULTS = {
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: HTTPS only, except in debug and testing
    # A form may take a person longer than Flask-WTF's default hour: the token lives
    # as long as the session cookie, which SameSite=Lax already keeps on this site.
    "WTF_CSRF_TIME_LIMIT": None,
    "SUBMIT_RATE_LIMIT": 5,
    "SUBMIT_RATE_WINDOW": 600,
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, verified once per cookie rather than once per request.

    Flask builds the signing serializer again on every request and checks the cookie's
    signature, then decodes it, each time: a third of a question page's own work. Here
    the serializer is kept until the secret keys change, and a cookie already verified
    is remembered (its payload and signing time, :data:`MAX_REMEMBERED` at most) so that
    the next request with the very same cookie only decodes its JSON. The age limit is
    checked every time, as itsdangerous does; a key change forgets everything.
    """

    MAX_REMEMBERED = 4096

    def _kept(self, app: Flask):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("tremplin.sessions")
        if kept is None or kept[0] != keys:
            kept = app.extensions["tremplin.sessions"] = (keys, super().get_signing_serializer(app), {})
        return kept

    def get_signing_serializer(self, app: Flask):
        """The serializer for the application's current secret keys."""
        return self._kept(app)[1] if app.secret_key else None

    def open_session(self, app: Flask, request):
        """The session in the request's cookie; an empty one when it is missing, forged or too old."""
        if not app.secret_key:
            return None
        _, serializer, remembered = self._kept(app)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = remembered.get(cookie)
        if known is None:
            try:
                data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(remembered) >= self.MAX_REMEMBERED:
                remembered.clear()
            remembered[cookie] = (signed_at.timestamp(), self.serializer.dumps(data))
            return self.session_class(data)
        age = time.time() - known[0]
        if not 0 <= age <= max_age:
            return self.session_class()
        return self.session_class(self.serializer.loads(known[1]))


def init_app(app: Flask) -> None:
    """CSRF protection, cookie settings and response headers (defaults: :data:`DEFAULTS`)."""
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    app.session_interface = SessionInterface()
    request_size.init_app(app)
    # Flask-WTF checks every request (and looks for exempt views first, of which there
    # are none); checking only the methods that change something is the same protection
    # without its cost on every page view
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(check_csrf)
    app.after_request(add_security_headers)
    app.jinja_env.globals["honeypot_field"] = honeypot_field


def check_csrf() -> None:
    """Refuse a POST (PUT, PATCH, DELETE) without a valid CSRF token (Flask-WTF's check),
    and a form with a part that has no name (400: every view expects named fields)."""
    config = current_app.config
    if request.method not in config["WTF_CSRF_METHODS"]:
        return
    if request.mimetype == "multipart/form-data" and (None in request.form or None in request.files):
        raise BadRequest()  # a part without a usable name
    if config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def add_security_headers(response: Response) -> Response:
    """Add :data:`SECURITY_HEADERS` to ``response`` (a view may set its own first), HSTS
    over HTTPS, and ``Cache-Control: no-store`` under :data:`PRIVATE_PREFIXES`."""
    # one pass over the headers already set: looking each name up raises and catches an
    # exception inside werkzeug when it is absent, which is the common case
    present = {name.lower() for name, _ in response.headers}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    environ = request.environ
    if environ.get("wsgi.url_scheme") == "https" and "strict-transport-security" not in present:
        response.headers.add("Strict-Transport-Security", HSTS)
    if environ.get("PATH_INFO", "").startswith(PRIVATE_PREFIXES) and "cache-control" not in present:
        response.headers.add("Cache-Control", "no-store")
    return response


def allow_framing_by_same_site(response: Response) -> Response:
    """Let pages of this same site show ``response`` in a frame (the studio's live
    preview), and no other site: ``frame-ancestors 'self'`` and ``SAMEORIGIN`` for this
    response only; :func:`add_security_headers` then keeps them (it only fills in)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def client_key() -> str:
    """A stable, keyed hash of the client's address: rate limits never store the IP.

    Behind a reverse proxy, set ``PROXY_FIX_X_FOR`` so that the address is the
    client's, not the proxy's.
    """
    return keyed_hash(request.remote_addr or "unknown")


def keyed_hash(text: str) -> str:
    """A stable hash of ``text`` keyed with the secret key, for rate-limit keys."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def limit_rate(scope: str, *, limit: int | None = None, window: int | None = None) -> None:
    """Count one action of ``scope`` for this address; answer 429 when over the limit.

    ``scope`` names what is limited, e.g. ``f"submit:{service_id}"``. The limit
    defaults to ``SUBMIT_RATE_LIMIT`` actions per ``SUBMIT_RATE_WINDOW`` seconds.
    """
    limit = limit if limit is not None else current_app.config["SUBMIT_RATE_LIMIT"]
    seconds = window if window is not None else current_app.config["SUBMIT_RATE_WINDOW"]
    span = dt.timedelta(seconds=seconds)
    key = f"{scope}:{client_key()}"
    db = get_db()
    if not ratelimit.hit(db, key, limit=limit, window=span):
        raise TooManyRequests(retry_after=ratelimit.retry_after(db, key, window=span))


def within_rate_on(scope: str, thing: str, *, limit: int, window: int) -> bool:
    """Count one action of ``scope`` on ``thing``, from whatever address; False when over.

    For a limit on what is tried rather than on who tries, such as the codes tried on
    one request from many addresses. ``thing`` is stored only as a keyed hash.
    """
    key = f"{scope}:{keyed_hash(thing)}"
    return ratelimit.hit(get_db(), key, limit=limit, window=dt.timedelta(seconds=window))


def honeypot_field() -> Markup:
    """A text field hidden from people (off screen, out of the tab order) for robots.

    Put ``{{ honeypot_field() }}`` in a form and check :func:`is_spam` in the view.
    The label tells anyone who still reaches it, with a screen reader, to leave it.
    """
    label = escape(gettext("Ne remplissez pas ce champ."))
    return Markup(
        '<div class="hp"><label for="{name}">{label}</label>'
        '<input type="text" id="{name}" name="{name}" value=""'
        ' tabindex="-1" autocomplete="off"></div>'
    ).format(name=HONEYPOT_FIELD, label=label)


def is_spam() -> bool:
    """True when the honeypot field came back filled in.

    Answer such a request as if all went well, without recording anything: a
    robot learns nothing, and no person ever fills a field they cannot see.
    """
    return bool(request.form.get(HONEYPOT_FIELD, "").strip())
