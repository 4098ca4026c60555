"""Save every page a person and the studio see for every example and every persona.

    python scripts/dump_pages.py OUT_DIR          # every file of examples/
    python scripts/dump_pages.py OUT_DIR FILE...  # only these service files

For each service file and each of its personas (``tests:``), a fresh application on a
temporary instance publishes the file and puts it in an organisation's studio, then:

- the mini-site is walked as the persona answers (``site/``): the start page, each step
  as first shown, each of its questions checked alone by htmx (with the persona's answer,
  then with a wrong one), the step posted empty, the step posted with the answers (and
  again when it shows a question it revealed), the check page, the result page; for a
  service that collects submissions, the confirmation, the studio's page of the
  submission and the CSV export;
- the studio's preview is walked the same way (``preview/``);
- the studio's form of the persona is saved (``studio/``).

Every page is normalised before it is written (CSRF tokens, draft codes, references,
times of day and static file versions masked), so that two runs, before and after a
change, can be compared with ``diff -r``. The date the rules use is the persona's
``today``, else 2026-11-01. Nothing is asserted: this is a tool to compare runs.
"""

from __future__ import annotations

import atexit
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.app import create_app  # noqa: E402
from builder.db import get_db  # noqa: E402
from builder.format.loader import load_service  # noqa: E402
from builder.serving import EXAMPLES, publish_files  # noqa: E402
from builder.storage import accounts, workspace  # noqa: E402

DEFAULT_TODAY = "2026-11-01"
WRONG = "@@@"  # an answer no question but a text accepts
MASKS = (
    (re.compile(r'(name="csrf_token" value=")[^"]*'), r"\1CSRF"),
    (re.compile(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}\b"), "REFERENCE"),
    (re.compile(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b"), "CODE"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"), "SENT-AT"),
    (re.compile(r"\d{2}/\d{2}/\d{4},? (à )?\d{2}:\d{2}"), "SENT-AT"),
    (re.compile(r"\d{2}:\d{2}(:\d{2})?"), "HH:MM"),
    (re.compile(r"([?&](amp;)?v=)\d+"), r"\1V"),
)


def normalise(text: str) -> str:
    """``text`` with what changes from one run to the next masked."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


class Walker:
    """A client walking one site (the mini-site or the preview), saving each page."""

    def __init__(self, client, root: str, folder: Path, extra: dict | None = None):
        self.client, self.root, self.folder, self.extra = client, root, folder, extra or {}
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def save(self, name: str, response) -> str:
        """Write the response's body as the next numbered page; return the body."""
        self.count += 1
        body = response.get_data(as_text=True)
        path = self.folder / f"{self.count:03d}-{name}.html"
        path.write_text(f"<!-- {response.status_code} -->\n{normalise(body)}", encoding="utf-8")
        return body

    def get(self, path: str, name: str):
        """GET a page of this site and save it."""
        response = self.client.get(self.root + path)
        self.save(name, response)
        return response

    def post(self, url: str, data: dict, htmx: bool = False):
        """POST a form as a browser does (plus the studio's revision in the preview)."""
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(url, data={**self.extra, **data}, headers=headers)


def posted_value(value: Any) -> Any:
    """A persona's answer as a browser posts it."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return [str(item) for item in value]
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def shown_ids(body: str) -> list[str]:
    """The questions a step page shows (its ``_shown`` fields)."""
    return re.findall(r'name="_shown" value="([^"]+)"', body)


def step_id_of(url: str) -> str | None:
    """The step of a step URL, else None."""
    match = re.search(r"/etape/([^/?#]+)$", url)
    return match.group(1) if match else None


def check_fields(walker: Walker, url: str, step_id: str, shown: list[str], answers: dict) -> None:
    """Each shown question checked by htmx as a person filling the page from the top
    changes it: with the persona's answer, then a wrong one (the questions above it
    answered, those below still blank)."""
    for index, block_id in enumerate(shown):
        for label, value in (("answer", posted_value(answers.get(block_id))), ("wrong", WRONG)):
            data = {key: posted_value(answers.get(key)) for key in shown[:index]}
            data.update({block_id: value, "_shown": shown, "_source": block_id})
            walker.save(f"{step_id}-htmx-{block_id}-{label}", walker.post(url, data, htmx=True))


def answer_step(walker: Walker, url: str, step_id: str, body: str, answers: dict):
    """Post the step empty, then with the answers until it moves on; the last response."""
    shown = shown_ids(body)
    check_fields(walker, url, step_id, shown, answers)
    walker.save(f"{step_id}-empty", walker.post(url, {"_shown": shown}))
    for attempt in range(3):
        data = {key: posted_value(answers[key]) for key in shown if key in answers}
        response = walker.post(url, {**data, "_shown": shown})
        if response.status_code in (302, 303):
            return response
        body = walker.save(f"{step_id}-again{attempt}", response)
        shown = shown_ids(body)
    return response


def walk(walker: Walker, answers: dict, steps: int) -> str:
    """From the start page to the check page; the last URL reached."""
    walker.get("", "start")
    response = walker.post(walker.root + "commencer", {})
    for _ in range(steps + 2):
        url = response.headers.get("Location", "")
        step_id = step_id_of(url)
        if step_id is None:
            return url
        page = walker.client.get(url)
        body = walker.save(f"{step_id}", page)
        response = answer_step(walker, url, step_id, body, answers)
        if response.status_code not in (302, 303):
            return url
    return response.headers.get("Location", "")


def walk_all(walker: Walker, service, answers: dict) -> None:
    """The journey, then the check and result pages (and the sending, when asked)."""
    walk(walker, answers, len(service.steps))
    walker.get("verifier", "check")
    if service.outcomes:
        walker.get("resultat", "result")
    if "submission" in service.data:
        sent = walker.post(walker.root + "envoyer", {})
        location = sent.headers.get("Location")
        walker.save("sent", walker.client.get(location) if location else sent)


def studio_pages(client, studio: str, folder: Path, index: int, submitted: bool) -> None:
    """The studio's form of the persona, and what it shows of a submission."""
    walker = Walker(client, studio, folder)
    walker.get(f"exemples/{index}/modifier", "persona")
    if submitted:
        table = walker.get("reponses/", "submissions")
        reference = re.search(r'reponses/([A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3})"', table.get_data(as_text=True))
        if reference:
            walker.get(f"reponses/{reference.group(1)}", "submission")
        export = client.get(studio + "reponses/export/csv")
        (folder / "export.csv").write_text(normalise(export.get_data(as_text=True)), encoding="utf-8")


def studio_client(app, service_id: str, text: str):
    """A client signed in as the owner of an organisation holding the service; its URL."""
    with app.app_context():
        db = get_db()
        user = accounts.create_user(db, "olga@example.org", "Olga", "une phrase assez longue")
        org = accounts.create_organisation(db, "Mission locale", user.id)
        workspace.create(db, org.id, service_id, text)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user.id
    return client, f"/studio/o/{org.slug}/services/{service_id}/"


def dump_persona(path: Path, service, index: int, persona, out: Path, make_app: Callable) -> None:
    """Every page of ``service`` for one persona, under ``out``."""
    today = (persona.today.isoformat() if persona.today else DEFAULT_TODAY)
    app = make_app(today)
    client, studio = studio_client(app, service.id, path.read_text(encoding="utf-8"))
    publish_files(app, [path])
    folder = out / service.id / f"{index:02d}"
    walk_all(Walker(app.test_client(), f"/s/{service.id}/", folder / "site"), service, persona.answers)
    preview = Walker(client, studio + "apercu/", folder / "preview", {"revision": "1"})
    walk_all(preview, service, persona.answers)
    studio_pages(client, studio, folder / "studio", index, "submission" in service.data)


def app_maker(folder: str) -> Callable[[str], Any]:
    """``make(today)``: a new application on its own instance folder under ``folder``."""
    counter = iter(range(10**6))

    def make(today: str):
        instance = Path(folder) / f"instance-{next(counter)}"
        return create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "TODAY": today,
                           "WTF_CSRF_ENABLED": False, "SUBMIT_RATE_LIMIT": 10**6,
                           "GC_FREEZE": False})
    return make


def main(argv: list[str]) -> int:
    """Dump the pages of the files named (every example by default) into ``argv[0]``."""
    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    paths = [Path(name) for name in argv[1:]] or sorted(EXAMPLES.glob("*.yaml"))
    temporary = tempfile.mkdtemp(prefix="dump-pages-")
    # removed last, after the funnel's own exit hook has written its events
    atexit.register(shutil.rmtree, temporary, True)
    make_app = app_maker(temporary)
    for path in paths:
        service = load_service(path)
        for index, persona in enumerate(service.personas):
            dump_persona(path, service, index, persona, out, make_app)
        print(f"{path.name}: {len(service.personas)} personas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
