"""Time of one edit in the studio on a large service: adding a block to a 200-block service;
and the editor page of a 1,000-block service, shown (target: under 500 ms).

Measures the whole request as the server sees it (the Flask application in process,
a real SQLite file): read the working copy, apply the edit, check the service, re-run
its personas, save with the revision check, render the editor. Prints the median and
the 95th percentile, against the target (p95 under 50 ms). With HX-Request (the
editor's partial, as a browser with JavaScript gets it) and without (a full page).

The application is built as a server builds it (not for testing: CSRF checked, the
loaded application frozen out of the garbage collector's reach, see
``builder.app.freeze_loaded_objects``); ``--no-gc-freeze`` turns that off, to compare.
The garbage collections run during the timed edits are counted by generation.

    python bench/studio.py [--edits N] [--no-gc-freeze]
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.app import create_app  # noqa: E402
from builder.db import get_db  # noqa: E402
from builder.storage import accounts, workspace  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_PAGE_MS = 500.0
PAGE_BLOCKS = 1000
TYPES = ["text", "number", "yesno", "choice", "date"]
BASE_URL = "https://localhost"  # session cookies are sent over HTTPS only, as in production


def service_text(blocks: int = 200, per_step: int = 5) -> str:
    """A valid service file with ``blocks`` questions, ``per_step`` to a step, and a few conditions."""
    lines = ["tremplin: 1", "id: grand-service", "title: Un grand service", "steps:"]
    for index in range(blocks):
        if index % per_step == 0:
            lines += [f"  - id: etape-{index // per_step + 1}", f"    title: Étape {index // per_step + 1}",
                      "    blocks:"]
        kind = TYPES[index % len(TYPES)]
        lines += [f"      - type: {kind}", f"        id: q{index}", f"        label: Question numéro {index} ?"]
        if kind == "choice":
            lines.append("        options: [oui, non, peut-être]")
        if kind == "number":
            lines += ["        min: 0", "        max: 100"]
        if index % 10 == 7:
            lines.append(f"        show_if: q{index - 6} >= 18")
    lines += ["outcomes:"] + [f"  - id: resultat-{n}\n    title: Résultat {n}\n    when: q{n * 5 + 1} >= {n}"
                              for n in range(10)]
    lines += ["tests:", "  - name: Personne", "    answers: {q1: 20, q2: true}", "    expect: [resultat-0, resultat-1,"
              " resultat-2, resultat-3, resultat-4, resultat-5, resultat-6, resultat-7, resultat-8, resultat-9]"]
    return "\n".join(lines) + "\n"


def prepare(freeze: bool = True, blocks: int = 200):
    """An application with a user, an organisation and the large service, built as a
    server builds it; returns (client, url, app, the CSRF token of the editor page)."""
    instance = tempfile.mkdtemp(prefix="tremplin-bench-")
    with create_app({"INSTANCE_PATH": instance, "GC_FREEZE": False}).app_context():
        db = get_db()
        user = accounts.create_user(db, "bench@example.org", "Bench", "un mot de passe assez long")
        org = accounts.create_organisation(db, "Bench", user.id)
        workspace.create(db, org.id, "grand-service", service_text(blocks), user_id=user.id)
    app = create_app({"INSTANCE_PATH": instance, "GC_FREEZE": freeze})  # the serving process's application
    client = app.test_client()
    with client.session_transaction(base_url=BASE_URL) as session:
        session["user_id"] = user.id
    editor = f"/studio/o/{org.slug}/services/grand-service/"
    page = client.get(editor, base_url=BASE_URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client, f"{editor}etapes/etape-1/blocs", app, token


def time_pages(client, url: str, shows: int) -> tuple[list[float], list[float], int]:
    """Milliseconds of each GET of the editor page (wall clock, and this process's CPU
    time: the figure that holds on a machine shared with other work), and how many
    elements the page has."""
    timings, cpu, body = [], [], ""
    for _ in range(shows):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, base_url=BASE_URL)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        body = response.get_data(as_text=True)
    return timings, cpu, len(re.findall(r"<[a-zA-Z]", body))


def revision(app) -> int:
    with app.app_context():
        return workspace.get(get_db(), "grand-service").revision


def time_edits(client, url, app, token: str, edits: int, htmx: bool) -> list[float]:
    """Milliseconds of each « add a text block » request."""
    headers = {"Referer": BASE_URL + url, **({"HX-Request": "true"} if htmx else {})}  # HTTPS: CSRF checks it
    timings = []
    for _ in range(edits):
        data = {"type": "text", "revision": str(revision(app)), "csrf_token": token}
        started = time.perf_counter()
        response = client.post(url, data=data, headers=headers, base_url=BASE_URL)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"edit refused: {response.status_code}")
    return timings


class Collections:
    """The garbage collections run while it is active: how many, and their time, by generation."""

    def __init__(self):
        self.count, self.ms, self._started = [0, 0, 0], [0.0, 0.0, 0.0], 0.0

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count[info["generation"]] += 1
            self.ms[info["generation"]] += (time.perf_counter() - self._started) * 1000

    def __str__(self) -> str:
        return ", ".join(f"gen {g}: {n} ({ms:.0f} ms)" for g, (n, ms) in enumerate(zip(self.count, self.ms)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--no-gc-freeze", dest="freeze", action="store_false",
                        help="do not freeze the loaded application (GC_FREEZE off), to compare")
    args = parser.parse_args()
    print(f"Adding a block to a 200-block service, {args.edits} edits each (after 5 warm-up edits), "
          f"GC_FREEZE {'on' if args.freeze else 'off'}…")
    print(f"{'figure':<36}{'median':>10}{'p95':>10}{'target p95':>12}  ok")
    for htmx in (True, False):
        client, url, app, token = prepare(args.freeze)
        time_edits(client, url, app, token, 5, htmx)
        with Collections() as collections:
            timings = time_edits(client, url, app, token, args.edits, htmx)
        p95 = percentile(timings, 0.95)
        name = "edit, htmx partial" if htmx else "edit, full page"
        print(f"{name:<36}{statistics.median(timings):>8.1f}ms{p95:>8.1f}ms{TARGET_P95_MS:>10.0f}ms  "
              f"{'ok' if p95 < TARGET_P95_MS else 'not ok'}   collections: {collections}")
    client, url, app, token = prepare(args.freeze, PAGE_BLOCKS)
    editor = url.rsplit("etapes/", 1)[0]
    time_pages(client, editor, 2)
    timings, cpu, elements = time_pages(client, editor, max(5, args.edits // 6))
    for name, figures in ((f"editor page, {PAGE_BLOCKS} blocks", timings), ("  the same, CPU time", cpu)):
        p95 = percentile(figures, 0.95)
        print(f"{name:<36}{statistics.median(figures):>8.1f}ms{p95:>8.1f}ms{TARGET_PAGE_MS:>10.0f}ms  "
              f"{'ok' if p95 < TARGET_PAGE_MS else 'not ok'}   {elements} elements")


if __name__ == "__main__":
    main()
