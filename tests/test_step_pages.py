"""The mini-site and the studio's preview draw every step of every example alike.

One person answers on the published mini-site while another answers the same in the
studio's preview of the same file, as the example's personas answer: each step as first
shown, each of its questions checked alone by htmx (with a wrong answer, the questions
below it still blank), the step sent empty and the step answered give the same form,
links aside.
"""

from __future__ import annotations

import re

import pytest

from builder.db import get_db
from builder.format.loader import load_service
from builder.serving import EXAMPLES, publish_files
from builder.storage import accounts, workspace
from test_site_journey import form_values

WRONG = "@@@"  # an answer only a text accepts


class Twins:
    """The same person on the mini-site and in the preview, posting the same forms."""

    def __init__(self, app, service, text: str):
        with app.app_context():
            db = get_db()
            user = accounts.create_user(db, "olga@example.org", "Olga", "une phrase assez longue")
            org = accounts.create_organisation(db, "Mission locale", user.id)
            workspace.create(db, org.id, service.id, text)
        self.site, self.preview = app.test_client(), app.test_client()
        with self.preview.session_transaction() as session:
            session["user_id"] = user.id
        self.roots = (f"/s/{service.id}/", f"/studio/o/{org.slug}/services/{service.id}/apercu/")

    def begin(self) -> str:
        """Start both journeys; the path of the first page."""
        locations = [client.post(root + "commencer").headers["Location"]
                     for client, root in zip((self.site, self.preview), self.roots)]
        return self.same_path(*locations)

    def same_path(self, site_url: str, preview_url: str) -> str:
        path = site_url.removeprefix(self.roots[0])
        assert preview_url.removeprefix(self.roots[1]) == path
        return path

    def get(self, path: str) -> str:
        """The page at ``path`` on both, which must draw the same form."""
        return self.same(self.site.get(self.roots[0] + path), self.preview.get(self.roots[1] + path))

    def post(self, path: str, data: dict, htmx: bool = False):
        """Post ``data`` to both; the two responses."""
        headers = {"HX-Request": "true"} if htmx else {}
        return [client.post(root + path, data=data, headers=headers)
                for client, root in zip((self.site, self.preview), self.roots)]

    def same(self, site, preview) -> str:
        """The form both responses draw (they must be the same, links aside), or where
        both lead."""
        assert site.status_code == preview.status_code
        if site.status_code == 303:  # a step whose questions may all be left blank
            return self.same_path(site.headers["Location"], preview.headers["Location"])
        forms = [form_of(response.get_data(as_text=True), root)
                 for response, root in zip((site, preview), self.roots)]
        assert forms[0] == forms[1]
        return site.get_data(as_text=True)


def form_of(html: str, root: str) -> str:
    """The step's form (with its error summary), its links made relative to ``root``."""
    found = re.search(r'(<div class="error-summary".*?)?<form method="post" action="[^"]*/etape/.*?</form>', html, re.S)
    assert found, html[:2000]
    form = found.group(0).replace(root, "/")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', form)


def shown(html: str) -> list[str]:
    return re.findall(r'name="_shown" value="([^"]+)"', html)


def answer_step(twins: Twins, path: str, page: str, answers: dict) -> str | None:
    """Check the step's questions one by one, send it empty, then answered; the next path."""
    ids = shown(page)
    for index, block_id in enumerate(ids):
        data = {key: form_values(answers[key]) for key in ids[:index] if key in answers}
        twins.same(*twins.post(path, {**data, block_id: WRONG, "_shown": ids, "_source": block_id}, htmx=True))
    twins.same(*twins.post(path, {"_shown": ids}))
    for _ in range(3):
        data = {key: form_values(answers[key]) for key in ids if key in answers}
        site, preview = twins.post(path, {**data, "_shown": ids})
        if site.status_code == 303:
            return twins.same_path(site.headers["Location"], preview.headers["Location"])
        ids = shown(twins.same(site, preview))
    raise AssertionError(f"the step {path} was not answered")


def walk(twins: Twins, answers: dict, steps: int) -> set[str]:
    """Go through the service as ``answers`` answer it; the steps seen."""
    seen, path = set(), twins.begin()
    for _ in range(steps + 1):
        if not path.startswith("etape/"):
            break
        seen.add(path.removeprefix("etape/"))
        path = answer_step(twins, path, twins.get(path), answers)
    return seen


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_step_is_drawn_alike_on_the_mini_site_and_in_the_preview(app_factory, tmp_path, path):
    service = load_service(path)
    seen: set[str] = set()
    for index, persona in enumerate(service.personas):
        today = persona.today.isoformat() if persona.today else "2026-11-01"
        app = app_factory(TODAY=today, INSTANCE_PATH=str(tmp_path / f"instance-{index}"))
        twins = Twins(app, service, path.read_text(encoding="utf-8"))
        publish_files(app, [path])
        seen |= walk(twins, persona.answers, len(service.steps))
        if seen == {step.id for step in service.steps}:
            return
    raise AssertionError(f"steps no persona reaches: {sorted({step.id for step in service.steps} - seen)}")
