"""Hostile requests against the application served as the README says (gunicorn, two
workers of eight threads, on 127.0.0.1): no 500, no traceback, no session alive after
signing out or a password reset, nothing cut short in silence.

Each request below was, before the hardening, a 500, a worker held for seconds, a session
that outlived its end, an answer stored truncated or a page whose form no longer worked.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from builder.app import create_app
from builder.db import get_db
from builder.serving import EXAMPLES
from builder.storage import account_links, services, workspace
from mailserver import free_port
from seeding import PASSWORD, owner_and_reader
from test_number_bounds import SERVICE

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
# a number without max, its square, a pattern that backtracks, a long text, and a title
# holding what the shared page's placeholder once was
CALCUL = SERVICE.replace("title: Un calcul", "title: Un calcul tremplin-csrf-token-placeholder").replace(
    "      - {type: number, id: nombre, label: Un nombre}\n",
    "      - {type: number, id: nombre, label: Un nombre}\n"
    "      - {type: text, id: code, label: Un code, pattern: \"(a+)+\", required: false}\n"
    "      - {type: textarea, id: message, label: Un message, required: false}\n")
NO_OUTCOMES = """\
tremplin: 1
id: vide
title: Sans résultats
steps:
  - id: seule
    title: Seule
    blocks:
      - {type: text, id: prenom, label: Prénom}
submission: {confirmation: Merci}
"""


class Browser:
    """A browser with one cookie (the session) and the CSRF token of the last page."""

    def __init__(self, port: int):
        self.port, self.cookie, self.token = port, None, None

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """(status, headers, body) of one request; the token is added to every form."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = f"session={self.cookie}"
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token or ""}, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        self._keep(response.getheader("Set-Cookie") or "", text)
        assert response.status < 500 and "Traceback" not in text, (method, path, response.status)
        return response.status, response, text

    def _keep(self, set_cookie: str, text: str) -> None:
        found = re.search(r"session=([^;]*)", set_cookie)
        if found:
            self.cookie = found.group(1) or None
        token = TOKEN.search(text)
        if token:
            self.token = token.group(1)

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict | None = None):
        return self.request("POST", path, form or {})

    def sign_in(self, email: str) -> None:
        self.get("/compte/connexion")
        status, _, _ = self.post("/compte/connexion", {"email": email, "password": PASSWORD})
        assert status == 302
        self.get("/compte/")  # a page with a form: the token of the new session


def _seed(instance: Path) -> dict:
    app = create_app({"INSTANCE_PATH": str(instance), "GC_FREEZE": False})
    with app.app_context():
        db = get_db()
        olga, _, org = owner_and_reader(db)
        workspace.create(db, org.id, "vide", NO_OUTCOMES)
        workspace.create(db, org.id, "avis", (EXAMPLES / "avis.yaml").read_text(encoding="utf-8"))
        services.publish(db, "calcul", CALCUL)
        reset = account_links.create_password_reset(db, olga.id)
    return {"slug": org.slug, "reset": reset, "database": app.config["DATABASE"]}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn -w 2 --threads 8 on 127.0.0.1, as the README serves Tremplin."""
    instance = tmp_path_factory.mktemp("instance")
    seeded = _seed(instance)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TREMPLIN_")}
    env["TREMPLIN_INSTANCE_PATH"] = str(instance)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}",
         "builder.app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_ready(port, server)
        yield {"port": port, **seeded}
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1].decode("utf-8", "replace")
    assert "Traceback" not in log, log[-3000:]


def _wait_until_ready(port: int, server: subprocess.Popen) -> None:
    for _ in range(600):  # the workers import the application: a few seconds
        assert server.poll() is None, "gunicorn stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


def test_outcome_pages_of_a_service_without_outcomes_are_not_found(served):
    reader = Browser(served["port"])
    reader.sign_in("rita@example.org")
    base = f"/studio/o/{served['slug']}/services/vide/resultats/x"
    for path in (base, f"{base}/condition"):
        assert reader.get(path)[0] == 404
        assert reader.post(path, {"title": "x"})[0] in (403, 404)


def test_numbers_patterns_and_a_title_with_the_placeholder(served):
    person = Browser(served["port"])
    person.get("/s/calcul/")
    assert person.post("/s/calcul/commencer")[0] == 303
    step = "/s/calcul/etape/vous"
    status, _, page = person.get(step)
    assert status == 200 and page.count(person.token) == 1  # in the form, not in <title>
    shown = ["nombre", "code", "message"]
    status, _, page = person.post(step, {"nombre": "1" * 4301, "_shown": shown})
    assert status == 422 and "15 chiffres au plus" in page
    # (a+)+ backtracks for ever in Python's re on this answer; RE2 answers at once
    status, _, page = person.post(step, {"nombre": "1", "code": "a" * 60 + "!", "_shown": shown})
    assert status == 422
    assert person.post(step, {"nombre": "100000000000000", "_shown": shown})[0] == 303
    status, _, page = person.get("/s/calcul/resultat")
    assert status == 200 and "nombre trop grand pour être calculé" in page


def test_a_chunked_body_over_the_limit_is_refused_and_nothing_is_stored(served):
    person = Browser(served["port"])
    person.get("/s/calcul/")
    person.post("/s/calcul/commencer")
    person.get("/s/calcul/etape/vous")
    body = urlencode({"csrf_token": person.token, "nombre": "1", "_shown": ["nombre", "code", "message"]},
                     doseq=True).encode()
    body += b"&message=" + b"x" * 1_000_000
    head = (f"POST /s/calcul/etape/vous HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: session={person.cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n").encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part)
                      for part in (body[i:i + 65536] for i in range(0, len(body), 65536)))
    with socket.create_connection(("127.0.0.1", served["port"]), timeout=60) as sock:
        sock.sendall(head + chunks + b"0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "Votre envoi est trop volumineux".encode() in answer
    with sqlite3.connect(served["database"]) as db:
        stored = [row[0] for row in db.execute("SELECT answers FROM drafts")]
    assert not any("xxxx" in answers for answers in stored)


def test_yaml_tags_in_the_yaml_tab_are_refused_on_their_line(served):
    owner = Browser(served["port"])
    owner.sign_in("olga@example.org")
    tab = f"/studio/o/{served['slug']}/services/vide/yaml"
    owner.get(tab)
    for value in ("!foo x", "!!timestamp nope", "!!python/name:os.system"):
        text = NO_OUTCOMES.replace("title: Sans résultats", f"title: {value}")
        status, _, page = owner.post(tab, {"yaml": text, "revision": "1"})
        assert status == 422 and '<a href="#ligne-3">Ligne 3 :' in page


def test_the_studio_imports_a_file_the_command_line_accepts(served):
    owner = Browser(served["port"])
    owner.sign_in("olga@example.org")
    text = (EXAMPLES / "avis.yaml").read_text(encoding="utf-8")
    text += "".join(f"# Ligne {n} de présentation, écrite à la main.\n" for n in range(8000))  # ~389 kB
    assert len(text.encode()) > 389_000
    new = f"/studio/o/{served['slug']}/services/nouveau"
    owner.get(new)
    assert owner.post(new, {"source": "import", "text": text})[0] == 302


def test_no_session_outlives_signing_out_or_a_password_reset(served):
    owner = Browser(served["port"])
    owner.sign_in("olga@example.org")
    kept = owner.cookie
    assert owner.get("/studio/")[0] == 200
    owner.post("/compte/deconnexion")
    thief = Browser(served["port"])
    thief.cookie = kept
    assert thief.get("/studio/")[0] == 302
    owner.sign_in("olga@example.org")
    kept = owner.cookie
    stranger = Browser(served["port"])
    reset = f"/compte/nouveau-mot-de-passe/{served['reset']}"
    stranger.get(reset)
    assert stranger.post(reset, {"password": PASSWORD, "confirm": PASSWORD})[0] == 302
    thief.cookie = kept
    assert thief.get("/studio/")[0] == 302


def test_private_pages_are_not_cached_and_https_is_remembered(served):
    owner = Browser(served["port"])
    owner.sign_in("olga@example.org")
    status, response, page = owner.get(f"/studio/o/{served['slug']}/membres")
    assert status == 200 and "olga@example.org" in page
    assert response.getheader("Cache-Control") == "no-store"
    # gunicorn trusts X-Forwarded-Proto from 127.0.0.1, as from a proxy on the same machine
    _, response, _ = Browser(served["port"]).get("/healthz", **{"X-Forwarded-Proto": "https"})
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
