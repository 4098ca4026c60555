"""Every route of the application, mini-sites and studio, takes random and hostile requests
without a 500 or a traceback.

The routes come from ``app.url_map``, so a new route is covered as soon as it exists. Their
URL variables get the real ids of a seeded organisation (services, steps, blocks, outcomes,
examples, versions, members, invitations, submissions, drafts) as well as hostile ones.
Each request goes as the organisation's owner, as a reader or as nobody, with or without
the CSRF token, with a body that may be huge, empty, full of control characters or invalid
UTF-8, YAML tags, repeated fields, numbers of thousands of digits, or of the wrong type.
The database is put back as it was seeded before each request, so that a deleted service
or a signed-out owner does not hide the routes after it.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.datastructures import MultiDict

from builder.app import create_app
from builder.db import get_db
from builder.editing.locate import entries
from builder.format.loader import load_service
from builder.serving import EXAMPLES, publish_files
from builder.storage import account_links, accounts, drafts, submissions, workspace
from builder.storage.accounts import READER
from seeding import PASSWORD, owner_and_reader

SERVICES = ("aides-jeunes", "rappel-benevole", "avis", "soutien-scolaire")
NO_OUTCOMES = """\
tremplin: 1
id: vide
title: !!str Un service sans résultats
steps:
  - id: seule
    title: Seule
    blocks:
      - {type: text, id: prenom, label: Prénom, pattern: "[A-Z][a-z]+"}
      - {type: number, id: nombre, label: Un nombre}
"""
PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _rules() -> list[tuple[str, tuple[str, ...]]]:
    """(rule, methods) of every route, read from a throwaway application's url_map."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "INSTANCE_PATH": folder})
        rules = [(rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})))
                 for rule in app.url_map.iter_rules()]
    return sorted(rules)


RULES = _rules()
# Random requests per route after the fixed ones: a few in the ordinary suite (about a
# minute in all); set FUZZ_EXAMPLES=200 for a long hunt.
EXAMPLES_PER_ROUTE = int(os.environ.get("FUZZ_EXAMPLES", "6"))

HOSTILE_TEXTS = [
    "", " ", "\x00", "\r\n\t", "\x1b[31m", "\ud7ff\ufeff\u202e", "é" * 3, "!foo x", "!!python/name:os.system",
    "!!timestamp nope", "{a: [1, 2", "- - - -", "&a [*a, *a]", "1" * 4301, "9" * 20, "-1", "0", "1e400",
    "nan", "-inf", "0x" + "f" * 40, "../../etc/passwd", "<script>alert(1)</script>", "{{ 7 * 7 }}",
    "%(x)s {0} %s", "a" * 27 + "!", "(a+)+$", "(?=x)", "age >= 18 and", "[" * 60, "not " * 300 + "x",
    "x" * 20_000, "oui", "non", "true", "2007-02-30", "31/12/9999", "up", "down", "save", "clear",
    "add", "to_text", "to_rows", "remove-0", "remove-999999999999", "reader", "editor", "owner",
    "olga@example.org", "'; DROP TABLE users; --",
]
HOSTILE_PATH = ["x", "0", "-1", "99999999999999999999999", "\x00", "..", "é", "a" * 300, "%", "\u202e",
                "' OR 1=1 --", "apercu", "nouveau"]
RAW_PATH = ["%FF", "%C3%28"]  # invalid UTF-8, put in the URL as is


@dataclass
class World:
    """The seeded application: real ids for URL variables, each person's session, a snapshot."""

    app: object
    snapshot: sqlite3.Connection | None
    ids: dict[str, list[str]]
    sessions: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)


def _seed(app) -> dict[str, list[str]]:
    """An organisation with an owner and a reader, every example as a service (published),
    a service without outcomes, an invitation, a reset link, a submission and a draft."""
    with app.app_context():
        db = get_db()
        olga, rita, org = owner_and_reader(db)
        for path in sorted(EXAMPLES.glob("*.yaml")):
            workspace.create(db, org.id, path.stem, path.read_text(encoding="utf-8"), user_id=olga.id)
        workspace.create(db, org.id, "vide", NO_OUTCOMES, user_id=olga.id)
        invitation_token, invitation = account_links.create_invitation(db, org.id, READER, created_by=olga.id)
        reset_token = account_links.create_password_reset(db, rita.id)
        sent = submissions.record(db, "rappel-benevole", {"sujet": "benevolat"}, "graine", service_version=1)
        draft = drafts.save_draft(db, "aides-jeunes", {"situation": "etudiant"})
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    return {
        "org_slug": [org.slug], "service_id": [*SERVICES, "vide"],
        **_ids_in_examples(), "index": ["0", "1"],
        "version": ["1"], "user_id": [str(olga.id), str(rita.id)], "invitation_id": [str(invitation.id)],
        "token": [invitation_token, reset_token], "reference": [sent.reference], "code": [draft.code],
        "format_name": ["csv", "xlsx", "json"], "kind": ["svg", "png"], "filename": ["site.css", "studio.js"],
    }


def _ids_in_examples() -> dict[str, list[str]]:
    """The ids of the examples' steps, blocks (``use:`` entries too) and outcomes, those of
    the first service (the one the fixed requests use) first."""
    found: dict[str, list] = {"step_id": [], "block_id": [], "outcome_id": []}
    for service_id in SERVICES:
        service = load_service(EXAMPLES / f"{service_id}.yaml")
        found["step_id"] += [step.id for step in service.steps]
        found["block_id"] += [*service.blocks, *(key for _, _, key, _ in entries(service.data))]
        found["outcome_id"] += [outcome.id for outcome in service.outcomes]
    found["step_id"].append("seule")
    found["block_id"] += ["prenom", "nombre"]
    return {name: list(dict.fromkeys(ids)) for name, ids in found.items()}


def _session_of(app, email: str | None) -> tuple[dict, str]:
    """A browser's session (signed in as ``email``, or nobody) with a journey begun on every
    mini-site and in a preview, and its CSRF token."""
    client = app.test_client()
    page = client.get("/compte/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if email:
        client.post("/compte/connexion", data={"email": email, "password": PASSWORD, "csrf_token": token})
        page = client.get("/compte/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for service_id in SERVICES:
        client.post(f"/s/{service_id}/commencer", data={"csrf_token": token})
    if email:
        slug = accounts.slugify("Mission locale")
        client.post(f"/studio/o/{slug}/services/aides-jeunes/apercu/commencer", data={"csrf_token": token})
    with client.session_transaction() as session:
        return dict(session), token


def _harvest_fields(app, session: dict, ids: dict) -> list[str]:
    """The names of the fields of the studio's and mini-sites' forms, read from their pages."""
    client = app.test_client()
    with client.session_transaction() as kept:
        kept.update(session)
    names: set[str] = set()
    for rule, methods in RULES:
        if "GET" in methods and "<path:" not in rule:
            response = client.get(_path(rule, lambda name: ids.get(name, ["x"])[0]))
            page = response.get_data().decode("utf-8", "replace")  # some are files (xlsx, png)
            response.close()
            names |= set(re.findall(r'name="([^"]+)"', page))
    return sorted(names - {"csrf_token"})


def _path(rule: str, value_of) -> str:
    return PLACEHOLDER.sub(lambda match: value_of(match.group(1)), rule)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    limits = {f"{name}_RATE_LIMIT": 10 ** 9 for name in ("LOGIN", "SIGNUP", "RESET", "SUBMIT")}
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": True, **limits})
    ids = _seed(app)
    world = World(app, None, ids)
    for who, email in (("owner", "olga@example.org"), ("reader", "rita@example.org"), ("nobody", None)):
        world.sessions[who], world.tokens[who] = _session_of(app, email)
    world.fields = _harvest_fields(app, world.sessions["owner"], ids)
    world.snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    source = sqlite3.connect(app.config["DATABASE"])
    source.backup(world.snapshot)
    source.close()
    yield world
    world.snapshot.close()


def restore(world: World) -> None:
    """Put the database back as seeded (through SQLite's backup, which open connections see)."""
    live = sqlite3.connect(world.app.config["DATABASE"])
    try:
        world.snapshot.backup(live)
    finally:
        live.close()


@dataclass
class Attempt:
    """One request: who sends it, where, how, with what."""

    who: str
    method: str
    path: str
    csrf: bool
    pairs: list = field(default_factory=list)
    body: str = "form"  # form, multipart, raw, json
    raw: bytes = b""
    query: str = ""
    htmx: bool = False


def send(world: World, attempt: Attempt):
    """Send ``attempt``; fail on a 500 or a traceback."""
    restore(world)
    client = world.app.test_client()
    with client.session_transaction() as session:
        session.clear()
        session.update(world.sessions[attempt.who])
    pairs = list(attempt.pairs)
    if attempt.csrf:
        pairs.append(("csrf_token", world.tokens[attempt.who]))
    options: dict = {"headers": {"HX-Request": "true"} if attempt.htmx else {}}
    if attempt.body == "raw":
        extra = "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs).encode()
        options.update(data=attempt.raw + b"&" + extra, content_type="application/x-www-form-urlencoded")
    elif attempt.body == "json":
        options.update(json=dict(pairs))
    elif attempt.body == "multipart":
        files = [(name, (io.BytesIO(value.encode("utf-8", "surrogatepass")), "service.yaml")) for name, value in pairs]
        options.update(data=MultiDict(files), content_type="multipart/form-data")
    else:
        options.update(data=MultiDict(pairs))
    url = attempt.path + (f"?{attempt.query}" if attempt.query else "")
    response = client.open(url, method=attempt.method, **options)
    text = response.get_data().decode("utf-8", "replace")  # some answers are files
    response.close()
    assert response.status_code < 500, (attempt, response.status_code)
    assert "Traceback" not in text, attempt
    return response


def _fill(rule: str, ids: dict[str, list[str]], data) -> str:
    """``rule`` with each variable drawn among its real ids and hostile ones."""
    def value_of(name: str) -> str:
        choice = data.draw(st.sampled_from(ids.get(name, []) + HOSTILE_PATH + RAW_PATH), label=name)
        return choice if choice in RAW_PATH else quote(choice, safe="")
    return _path(rule, value_of)


def texts(world: World):
    """Values: hostile texts, real ids, random text (control characters included)."""
    real = [value for values in world.ids.values() for value in values]
    return st.one_of(st.sampled_from(HOSTILE_TEXTS + real), st.text(max_size=40),
                     st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str))


@pytest.mark.parametrize("rule, methods", RULES, ids=[rule for rule, _ in RULES])
def test_every_route_answers_hostile_requests_without_a_500(world, rule, methods):
    """Each route, as each person, with and without the token: a kitchen sink, then random."""
    real_path = _path(rule, lambda name: world.ids.get(name, ["x"])[0])
    sink = [(name, HOSTILE_TEXTS[index % len(HOSTILE_TEXTS)]) for index, name in enumerate(world.fields)]
    for who in world.sessions:
        for method in methods:
            for csrf in (True, False):
                send(world, Attempt(who, method, real_path, csrf))
                send(world, Attempt(who, method, real_path, csrf, pairs=sink))
    _random_requests(world, rule, methods)


def _random_requests(world: World, rule: str, methods: tuple[str, ...]) -> None:
    names = st.one_of(st.sampled_from(world.fields or ["x"]), st.text(max_size=12))

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def random_request(data):
        attempt = Attempt(
            who=data.draw(st.sampled_from(sorted(world.sessions))),
            method=data.draw(st.sampled_from(methods)),
            path=_fill(rule, world.ids, data),
            csrf=data.draw(st.booleans()),
            pairs=data.draw(st.lists(st.tuples(names, texts(world)), max_size=12)),
            body=data.draw(st.sampled_from(["form", "form", "multipart", "raw", "json"])),
            raw=data.draw(st.binary(max_size=64)),
            query=data.draw(st.sampled_from(["", "lang=en", "next=//evil.example", "page=-1", "page=9" * 30,
                                              "archives=1", "expire=1", "lang=%FF", "x=%C3%28"])),
            htmx=data.draw(st.booleans()),
        )
        send(world, attempt)

    random_request()
