"""Nobody outside an organisation sees or changes what belongs to it.

The routes are discovered, not listed: every rule of the studio's blueprints (``auth``,
``orgs`` and any ``studio_*``) is walked, so that a blueprint added later is held to
the same rules as soon as it is registered. The contract each view keeps (see
:mod:`builder.studio.access`): a route with ``<org_slug>`` calls ``require_org`` before
anything else, so that whatever the rest of the URL says,

- someone not signed in is sent to the sign-in page (every ``orgs``/``studio*`` route
  but an invitation link, which explains itself first: :data:`EXPLAINED_SIGNED_OUT`);
- a signed-in outsider gets 403 (404 when the organisation does not exist);
- a reader gets 403 on every POST (a POST changes something);
- a helper (« accompagnant ») gets 403 on every POST but those that start filling in a
  service for someone and that follow a request (:data:`HELPER_POSTS`).
"""

from __future__ import annotations

import pytest

from tables import count
from flask import Blueprint, url_for

from builder.db import get_db
from builder.serving import EXAMPLES
from builder.storage import services as published, workspace
from builder.storage import submissions
from builder.storage import account_links, accounts
from builder.storage.accounts import EDITOR, HELPER, OWNER, READER
from builder.studio.access import login_required

STUDIO_PREFIXES = ("auth.", "orgs.", "studio")
CHECKED_METHODS = ("GET", "POST")
PASSWORD = "une phrase assez longue"
# Opened signed out, these say what they are before asking to sign in (their POST does not).
EXPLAINED_SIGNED_OUT = ("orgs.accept_invitation",)
# What a helper may post: starting a journey for someone else (builder.studio.assisting),
# and a request's follow-up (builder.studio.follow_up).
HELPER_POSTS = ("studio_assist.start", "studio_assist.paper", "studio_follow_up.update",
                "studio_follow_up.new_code")


def studio_rules(app):
    """Every URL rule of the studio's blueprints."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(STUDIO_PREFIXES)]


def org_rules(app):
    """The studio's rules that name an organisation."""
    return [rule for rule in studio_rules(app) if "org_slug" in rule.arguments]


def build_path(app, rule, samples):
    """A path for ``rule``: known argument names take real values, any other one ``1``
    (which every converter takes: an id, a slug, a token)."""
    values = {name: samples.get(name, 1) for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def methods(rule, checked=CHECKED_METHODS):
    return [method for method in checked if method in rule.methods]


def sign_in(client, user):
    with client.session_transaction() as session:
        session["user_id"] = user.id


class World:
    """An organisation with an owner, an editor, a helper and a reader, and an outsider with their own."""

    def __init__(self, app):
        with app.app_context():
            db = get_db()
            people = {name: accounts.create_user(db, f"{name}@example.org", name.title(), PASSWORD)
                      for name in ("olga", "eddie", "hana", "rita", "oscar")}
            self.org = accounts.create_organisation(db, "Mission locale", people["olga"].id)
            accounts.add_member(db, self.org.id, people["eddie"].id, EDITOR)
            accounts.add_member(db, self.org.id, people["rita"].id, READER)
            accounts.add_member(db, self.org.id, people["hana"].id, HELPER)
            accounts.create_organisation(db, "Club d’Oscar", people["oscar"].id)
            self.invitation_token, invitation = account_links.create_invitation(db, self.org.id, OWNER,
                                                                           created_by=people["olga"].id)
            service_text = (EXAMPLES / "avis.yaml").read_text(encoding="utf-8")
            workspace.create(db, self.org.id, "avis", service_text)
            published.publish(db, "avis", service_text)
            sent = submissions.record(db, "avis", {"activite": "atelier", "satisfaction": "5"}, "world-key",
                                      service_version=1)
        self.people = people
        self.samples = {"org_slug": self.org.slug, "user_id": people["olga"].id,
                        "invitation_id": invitation.id, "token": self.invitation_token,
                        "service_id": "avis", "kind": "svg",
                        "version": 1, "reference": sent.reference, "format_name": "csv",
                        # the editor's own (a step, a block, an outcome, a persona of avis.yaml)
                        "step_id": "experience", "block_id": "activite", "outcome_id": "rappel-responsable",
                        "index": 0}

    def state(self, app):
        """What an attacker would want to change: members, roles, invitations, services and
    the follow-up of the submissions."""
        with app.app_context():
            db = get_db()
            return ([(m.user.id, m.role) for m in accounts.members(db, self.org.id)],
                    [i.id for i in account_links.pending_invitations(db, self.org.id)],
                    count(db, "organisations"),
                    [(c.service_id, c.revision, c.archived_at) for c in workspace.for_org(db, self.org.id)],
                    [(v.service_id, v.version) for v in published.versions(db, "avis")],
                    count(db, "working_copies"),
                    [(s.status, s.handler_id, s.notes) for s in submissions.list_for_service(db, "avis")])


@pytest.fixture
def world(app):
    return World(app)


def walk(app, client, rules, samples, expected, checked=CHECKED_METHODS):
    """Request every rule with each method; return the (method, path, status) not ``expected``."""
    wrong = []
    for rule in rules:
        path = build_path(app, rule, samples)
        for method in methods(rule, checked):
            response = client.open(path, method=method)
            if not expected(response):
                wrong.append((method, path, response.status_code))
    return wrong


def test_the_walk_finds_the_studio_routes(app):
    endpoints = {rule.endpoint for rule in org_rules(app)}
    assert {"orgs.members", "orgs.invite", "orgs.change_role", "orgs.remove_member",
            "orgs.revoke_invitation", "studio_share.paper", "studio_share.paper_download",
            "studio_follow_up.update"} <= endpoints
    assert {"auth.login", "orgs.dashboard"} <= {rule.endpoint for rule in studio_rules(app)}


def test_someone_not_signed_in_is_sent_to_sign_in(app, client, world):
    before = world.state(app)
    rules = [rule for rule in studio_rules(app) if not rule.endpoint.startswith("auth.")]
    explained = [rule for rule in rules if rule.endpoint in EXPLAINED_SIGNED_OUT]
    rules = [rule for rule in rules if rule not in explained]

    def to_login(response):
        return response.status_code == 302 and response.location.startswith("/compte/connexion")

    assert walk(app, client, rules, world.samples, to_login) == []
    assert walk(app, client, explained, world.samples, to_login, checked=("POST",)) == []
    assert world.state(app) == before


def test_an_invitation_opened_signed_out_explains_itself_and_changes_nothing(app, client, world):
    before = world.state(app)
    page = client.get(f"/studio/invitation/{world.invitation_token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mission locale" in text and "Propriétaire" in text and "connectez-vous" in text
    assert "/compte/connexion?next=/studio/invitation/" in text and "/compte/inscription?next=" in text
    assert "<form" not in text.split("</header>")[1].split("<footer")[0]  # nothing to accept before signing in
    assert client.get("/studio/invitation/pas-un-jeton").status_code == 404
    assert world.state(app) == before


def test_an_outsider_is_refused_everywhere(app, client, world):
    before = world.state(app)
    sign_in(client, world.people["oscar"])
    wrong = walk(app, client, org_rules(app), world.samples,
                 lambda response: response.status_code == 403)
    assert wrong == []
    assert world.state(app) == before


def test_an_organisation_that_does_not_exist_is_not_found(app, client, world):
    sign_in(client, world.people["oscar"])
    samples = {**world.samples, "org_slug": "n-existe-pas"}
    assert walk(app, client, org_rules(app), samples,
                lambda response: response.status_code == 404) == []


def test_a_reader_can_look_but_not_change(app, client, world):
    before = world.state(app)
    sign_in(client, world.people["rita"])
    assert walk(app, client, org_rules(app), world.samples,
                lambda response: response.status_code == 403, checked=("POST",)) == []
    assert world.state(app) == before
    assert client.get(f"/studio/o/{world.org.slug}/membres").status_code == 200


def test_a_helper_fills_in_for_people_but_changes_nothing_else(app, client, world):
    before = world.state(app)
    sign_in(client, world.people["hana"])
    rules = [rule for rule in org_rules(app) if rule.endpoint not in HELPER_POSTS]
    assert walk(app, client, rules, world.samples,
                lambda response: response.status_code == 403, checked=("POST",)) == []
    assert world.state(app) == before
    assistants = [rule for rule in org_rules(app) if rule.endpoint in HELPER_POSTS]
    assert len(assistants) == len(HELPER_POSTS)
    assistants = [rule for rule in assistants if "GET" in rule.methods]  # the follow-up is posted from a page
    assert walk(app, client, assistants, world.samples,
                lambda response: response.status_code == 200, checked=("GET",)) == []


def test_an_editor_does_not_manage_members(app, client, world):
    before = world.state(app)
    sign_in(client, world.people["eddie"])
    rules = [rule for rule in org_rules(app)
             if rule.endpoint.startswith("orgs.") and rule.endpoint != "orgs.members"]
    assert walk(app, client, rules, world.samples,
                lambda response: response.status_code == 403) == []
    assert world.state(app) == before


def test_the_owner_gets_every_page_the_others_are_refused(app, client, world):
    """The refusals above come from access checks, not from URLs that lead nowhere."""
    sign_in(client, world.people["olga"])
    pages = [rule for rule in org_rules(app)
             if "GET" in rule.methods and set(rule.arguments) <= set(world.samples)]
    assert pages
    assert walk(app, client, pages, world.samples,
                lambda response: response.status_code == 200, checked=("GET",)) == []


def test_the_walk_catches_a_studio_blueprint_that_forgets_its_check(app_factory):
    """A ``studio_*`` blueprint added later is walked too, without being listed here."""
    leaky = Blueprint("studio_leaky", __name__, url_prefix="/studio/o/<org_slug>/fuite")

    @leaky.route("/<int:thing_id>", methods=("GET", "POST"))
    @login_required
    def peek(org_slug, thing_id):
        return "tout le monde voit tout"

    app = app_factory()
    app.register_blueprint(leaky)
    world = World(app)
    client = app.test_client()
    sign_in(client, world.people["oscar"])
    wrong = walk(app, client, org_rules(app), world.samples,
                 lambda response: response.status_code == 403)
    assert wrong == [("GET", f"/studio/o/{world.org.slug}/fuite/1", 200),
                     ("POST", f"/studio/o/{world.org.slug}/fuite/1", 200)]
