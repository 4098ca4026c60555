"""A server killed mid-load keeps every submission it had confirmed.

The real application runs in gunicorn (2 workers: sync ones, then 8 threads each, the
way the docs recommend to serve, where concurrent sends share commits) on 127.0.0.1
with a temporary instance. Threads fill in the contact form ``rappel-benevole`` over HTTP as people would
(real CSRF tokens, cookies kept by http.cookiejar), then all of them press « Envoyer »
at once. As soon as enough confirmations have come back, the whole server (master and
workers) is killed with SIGKILL while the other sends are still under way. Then:

- every reference a client saw (the 303 to ``/confirmation/<reference>``) is in the
  database, which is intact;
- no idempotency key and no person has two rows;
- after a restart, the people whose « Envoyer » got no answer send again with the same
  cookies: each gets one reference (the one recorded before the kill if there was one),
  and still nobody has two rows.

On PostgreSQL, two servers (two instance folders, one secret key, one database) take
the requests in turn, as behind a load balancer with no stickiness: each person's pages
alternate between them. One server is killed mid-load; the people it left without an
answer press « Envoyer » again on the other one, at once, with the same cookies.

Nothing waits on a fixed sleep: the test waits for the port to answer and for the count
of confirmations, each with a deadline, and ends by itself within a minute.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from builder.db import connect
from builder.format.loader import load_service
from builder.serving import EXAMPLES, publish_files
from tables import rows

ROOT = Path(__file__).resolve().parent.parent
SERVICE = load_service(EXAMPLES / "rappel-benevole.yaml")
PREFIX = f"/s/{SERVICE.id}"
SENDERS = 6               # client threads
PEOPLE = 24               # journeys filled in, then sent all at once
CONFIRMED_BEFORE_KILL = 10
DEADLINE_SECONDS = 50     # for the whole test

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")


# -- The server -------------------------------------------------------------------------

class Server:
    """``gunicorn -w 2 [--threads N]`` serving the application on ``instance``, in its own process group."""

    def __init__(self, instance: Path, log: Path, deadline: float, threads: int = 1, database_url: str | None = None):
        with closing(socket.socket()) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("TREMPLIN_")}
        env.update({
            "TREMPLIN_INSTANCE_PATH": str(instance),
            "TREMPLIN_SESSION_COOKIE_SECURE": "false",   # plain http on the loopback
            "TREMPLIN_SUBMIT_RATE_LIMIT": "100000",      # every sender is 127.0.0.1
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        if database_url:  # one of several servers of one database: the same secret for all
            env.update({"TREMPLIN_DATABASE_URL": database_url, "TREMPLIN_SECRET_KEY": "one secret, every server"})
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", str(threads),
                   "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "builder.app:create_app()"]
        with open(log, "ab") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            self._wait_until_ready(deadline, log)
        except BaseException:
            self.kill()
            raise

    def _wait_until_ready(self, deadline: float, log: Path) -> None:
        while True:
            if self.process.poll() is not None:
                output = log.read_text(errors="replace")[-5000:]
                raise AssertionError(f"the server stopped before answering:\n{output}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:
                error.close()
            except (OSError, http.client.HTTPException):
                pass  # not listening yet
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.05)  # polling the port, bounded by the deadline

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once (no chance to finish anything)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


# -- A person with a browser-less client -------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    def __init__(self, base: str | list[str], answers: dict):
        self.bases = [base] if isinstance(base, str) else list(base)  # several: taken in turn
        self.turn = 0
        self.answers = answers
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
        self.csrf = ""

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        """(status, Location path, body); the CSRF token of the page is kept for the next form."""
        body = None if data is None else urllib.parse.urlencode([("csrf_token", self.csrf), *data]).encode()
        base, self.turn = self.bases[self.turn % len(self.bases)], self.turn + 1
        try:
            with self.opener.open(urllib.request.Request(base + path, data=body), timeout=15) as response:
                status, headers, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                status, headers, text = error.code, error.headers, error.read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        return status, urllib.parse.urlsplit(headers.get("Location", "")).path, text

    def fill_in(self) -> None:
        """From the start page to « Vérifier vos réponses », one page at a time."""
        assert self.request(PREFIX + "/")[0] == 200
        status, url, _ = self.request(PREFIX + "/commencer", [])
        assert status == 303
        steps = {step.id: step for step in SERVICE.steps}
        for _ in range(len(SERVICE.steps) + 1):
            if url.endswith("/verifier"):
                break
            assert self.request(url)[0] == 200
            step = steps[url.rsplit("/", 1)[1]]
            data = []
            for block in step.questions:
                value = self.answers.get(block.id)
                values = value if isinstance(value, list) else [value]
                data += [(block.id, "oui" if v is True else "" if v is None else str(v)) for v in values]
                data.append(("_shown", block.id))
            status, url, text = self.request(url, data)
            assert status == 303, text[:2000]
        assert url.endswith("/verifier")
        assert self.request(url)[0] == 200

    def send(self) -> str:
        """« Envoyer »: the reference in the 303 to the confirmation page."""
        status, url, text = self.request(PREFIX + "/envoyer", [])
        assert status == 303, text[:2000]
        found = re.fullmatch(rf"{PREFIX}/confirmation/(TRM-[A-Z0-9]{{3}}-[A-Z0-9]{{3}})", url)
        assert found, url
        return found.group(1)


def answers_of(number: int) -> dict:
    base = SERVICE.personas[number % len(SERVICE.personas)].answers
    return {**base, "prenom": f"Personne {number}"}   # who sent what, to find doubles


# -- The test ----------------------------------------------------------------------------

def load_until_killed(bases: list[str], log: Path, deadline: float, kill) -> tuple[dict[str, str], list[Person]]:
    """Many people fill in the form at once (their pages taken by ``bases`` in turn), then
    all of them press « Envoyer »; once enough are confirmed, ``kill()`` a server mid-load.
    Returns who was shown which reference, and who got no answer."""
    lock = threading.Condition()
    ready: list[Person] = []             # at « Vérifier vos réponses », about to send
    seen: dict[str, str] = {}            # prenom -> the reference that person was shown
    unanswered: list[Person] = []        # pressed « Envoyer », got no answer: the server died
    failures: list[BaseException] = []  # anything that went wrong before the kill
    killed = threading.Event()

    def fail(error: BaseException) -> None:
        with lock:
            failures.append(error)
            lock.notify_all()

    def fill_in(numbers: range) -> None:
        for number in numbers:
            person = Person(bases[number % len(bases):] + bases[:number % len(bases)], answers_of(number))
            try:
                person.fill_in()
            except Exception as error:  # noqa: BLE001  (told to the main thread)
                return fail(error)
            with lock:
                ready.append(person)

    def send() -> None:
        while not killed.is_set():
            with lock:
                if not ready:
                    return
                person = ready.pop()
            try:
                reference = person.send()
            except Exception as error:  # noqa: BLE001
                if not killed.is_set():
                    return fail(error)
                with lock:
                    unanswered.append(person)  # maybe recorded, never confirmed
                return
            with lock:
                seen[person.answers["prenom"]] = reference
                lock.notify_all()

    try:
        _run([threading.Thread(target=fill_in, args=(range(i, PEOPLE, SENDERS),)) for i in range(SENDERS)],
             deadline)
        assert not failures, (failures, log.read_text(errors="replace")[-5000:])
        assert len(ready) == PEOPLE
        senders = [threading.Thread(target=send) for _ in range(SENDERS)]
        for thread in senders:
            thread.start()
        with lock:
            reached = lock.wait_for(lambda: len(seen) >= CONFIRMED_BEFORE_KILL or failures,
                                    timeout=max(0.0, deadline - time.monotonic()))
            killed.set()
        kill()                           # mid-load: the other senders are waiting for their answer
        _run(senders, deadline, started=True)
        assert not failures, (failures, log.read_text(errors="replace")[-5000:])
        assert reached, f"only {len(seen)} confirmations before the deadline"
    finally:
        killed.set()
    return dict(seen), unanswered


@pytest.mark.parametrize("threads", [1, 8], ids=["sync workers", "8 threads per worker (group commit)"])
def test_a_server_killed_mid_load_keeps_every_confirmed_submission(app, tmp_path, threads):
    deadline = time.monotonic() + DEADLINE_SECONDS
    publish_files(app, [EXAMPLES / "rappel-benevole.yaml"])
    instance, log = Path(app.instance_path), tmp_path / "gunicorn.log"
    server = Server(instance, log, deadline, threads)
    try:
        seen, unanswered = load_until_killed([server.base], log, deadline, server.kill)
    finally:
        server.kill()

    confirmed = dict(seen)
    database = instance / "tremplin.sqlite3"
    stored = _submissions(database)
    assert CONFIRMED_BEFORE_KILL <= len(confirmed) < PEOPLE
    for prenom, reference in confirmed.items():
        assert stored.get(reference) == prenom, f"{prenom} was shown {reference}, which the database lost"
    _assert_no_doubles(database)

    # Restart: those who got no answer press « Envoyer » again, with the same cookies.
    recorded = {prenom: reference for reference, prenom in stored.items()}
    server = Server(instance, log, deadline, threads)
    try:
        send_again(unanswered, server.base, recorded, confirmed)
    finally:
        server.kill()
    stored = _submissions(database)
    for prenom, reference in confirmed.items():
        assert stored.get(reference) == prenom
    _assert_no_doubles(database)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-5000:]


def test_two_servers_on_postgresql_one_killed_mid_load_every_confirmed_submission_stored_once(
        app_factory, postgres, tmp_path):
    deadline = time.monotonic() + DEADLINE_SECONDS
    url = postgres.create_schema("durability")
    app = app_factory(DATABASE_URL=url, SECRET_KEY="one secret, every server")
    publish_files(app, [EXAMPLES / "rappel-benevole.yaml"])
    log = tmp_path / "gunicorn.log"
    servers = [Server(tmp_path / name, log, deadline, 8, url) for name in ("first", "second")]
    try:
        seen, unanswered = load_until_killed([server.base for server in servers], log, deadline, servers[0].kill)
        recorded = {prenom: reference for reference, prenom in _submissions(url).items()}
        send_again(unanswered, servers[1].base, recorded, seen)  # the load balancer: to the server still up
    finally:
        for server in servers:
            server.kill()
    stored = _submissions(url)
    assert len(seen) >= CONFIRMED_BEFORE_KILL
    for prenom, reference in seen.items():
        assert stored.get(reference) == prenom, f"{prenom} was shown {reference}, which the database lost"
    _assert_no_doubles(url)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-5000:]


def send_again(unanswered: list[Person], base: str, recorded: dict[str, str], confirmed: dict[str, str]) -> None:
    """Those who got no answer press « Envoyer » again on ``base``, with the same cookies: someone
    recorded before the kill (never told) gets that same reference."""
    for person in unanswered:
        person.bases = [base]
        reference = person.send()
        prenom = person.answers["prenom"]
        if prenom in recorded:
            assert reference == recorded[prenom]
        confirmed[prenom] = reference


def _run(threads: list[threading.Thread], deadline: float, started: bool = False) -> None:
    if not started:
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "the clients did not finish in time"


def _stored(database: Path | str) -> list[dict]:
    """Every submission row, read straight from the file (the server is down) or from PostgreSQL."""
    if isinstance(database, Path):
        with closing(sqlite3.connect(database)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM submissions")]
    with closing(connect(database)) as db:
        return rows(db, "submissions")


def _submissions(database: Path | str) -> dict[str, str]:
    """reference -> prenom."""
    return {row["reference"]: re.search(r'"prenom": "([^"]+)"', row["answers"]).group(1) for row in _stored(database)}


def _assert_no_doubles(database: Path | str) -> None:
    stored = _stored(database)
    keys = [row["idempotency_key"] for row in stored]
    assert len(keys) == len(set(keys))
    people = [re.search(r'"prenom": "([^"]+)"', row["answers"]).group(1) for row in stored]
    assert len(people) == len(set(people)), "someone's answers were recorded twice"
