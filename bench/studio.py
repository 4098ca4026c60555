"""Time of one edit in the studio on a large service: adding a block to a 200-block service.

Measures the whole request as the server sees it (the Flask application in process,
a real SQLite file): read the working copy, apply the edit, check the service, re-run
its personas, save with the revision check, render the editor. Prints the median and
the 95th percentile, against the target (p95 under 50 ms). With HX-Request (the
editor's partial, as a browser with JavaScript gets it) and without (a full page).

    python bench/studio.py [--edits N]
"""

from __future__ import annotations

import argparse
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
TYPES = ["text", "number", "yesno", "choice", "date"]


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


def prepare():
    """An application with a user, an organisation and the large service; returns (client, url, app)."""
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="tremplin-bench-"), "WTF_CSRF_ENABLED": False,
                      "TESTING": True})
    with app.app_context():
        db = get_db()
        user = accounts.create_user(db, "bench@example.org", "Bench", "un mot de passe assez long")
        org = accounts.create_organisation(db, "Bench", user.id)
        workspace.create(db, org.id, "grand-service", service_text(), user_id=user.id)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user.id
    return client, f"/studio/o/{org.slug}/services/grand-service/etapes/etape-1/blocs", app


def revision(app) -> int:
    with app.app_context():
        return workspace.get(get_db(), "grand-service").revision


def time_edits(client, url, app, edits: int, htmx: bool) -> list[float]:
    """Milliseconds of each « add a text block » request."""
    headers = {"HX-Request": "true"} if htmx else {}
    timings = []
    for _ in range(edits):
        data = {"type": "text", "revision": str(revision(app))}
        started = time.perf_counter()
        response = client.post(url, data=data, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"edit refused: {response.status_code}")
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60)
    args = parser.parse_args()
    print(f"Adding a block to a 200-block service, {args.edits} edits each (after 5 warm-up edits)…")
    print(f"{'figure':<36}{'median':>10}{'p95':>10}{'target p95':>12}  ok")
    for htmx in (True, False):
        client, url, app = prepare()
        time_edits(client, url, app, 5, htmx)
        timings = time_edits(client, url, app, args.edits, htmx)
        p95 = percentile(timings, 0.95)
        name = "edit, htmx partial" if htmx else "edit, full page"
        print(f"{name:<36}{statistics.median(timings):>8.1f}ms{p95:>8.1f}ms{TARGET_P95_MS:>10.0f}ms  "
              f"{'ok' if p95 < TARGET_P95_MS else 'not ok'}")


if __name__ == "__main__":
    main()
