"""Lighthouse (mobile) on Tremplin's pages, served as the README says: gunicorn, no proxy.

    python bench/lighthouse.py [--runs N]

A temporary instance gets the examples published and, in the studio, an account with an
organisation and a copy of the example « aides-jeunes »; gunicorn serves it on a free port of
127.0.0.1 (2 workers, 8 threads each); Lighthouse (the version pinned in
bench/lighthouse/package.json, installed into bench/.cache/lighthouse/ by npm on the
first run) loads each page in headless Chromium (``CHROME_PATH``, else
/usr/bin/chromium) with its mobile defaults (a slow 4G line, a slowed-down CPU).
Pages behind a sign-in or a started journey get the session cookie a real browser
would have, through a real sign-in and a real « Commencer ».

Prints, for each page, the four scores (the median of ``--runs``), what was sent
(every request, compressed), the HTML page alone (sent / uncompressed) and the number of
elements. Exit code 0 whatever the scores (they are reported, not asserted).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from npm_cache import ensure_package  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PASSWORD = "un mot de passe assez long"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_instance(instance: str) -> str:
    """Publish the examples, create the studio account and service; the editor's path."""
    from builder.app import create_app
    from builder.db import get_db
    from builder.serving import EXAMPLES, publish_files
    from builder.storage import accounts, workspace

    app = create_app({"INSTANCE_PATH": instance, "GC_FREEZE": False})
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    with app.app_context():
        db = get_db()
        user = accounts.create_user(db, "bench@example.org", "Bench", PASSWORD)
        org = accounts.create_organisation(db, "Maison des jeunes", user.id)
        # The example as a draft of its own (the published one keeps its id).
        text = (EXAMPLES / "aides-jeunes.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^id: aides-jeunes$", "id: mes-aides", text, count=1, flags=re.MULTILINE)
        workspace.create(db, org.id, "mes-aides", text, user_id=user.id)
    return f"/studio/o/{org.slug}/services/mes-aides/"


@contextlib.contextmanager
def gunicorn(instance: str, port: int):
    """gunicorn serving the instance on 127.0.0.1:``port`` until the block ends."""
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "builder.app:create_app()"]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "TREMPLIN_INSTANCE_PATH": instance})
    try:
        deadline = time.monotonic() + 60
        while Client(port).status("/healthz") != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


class Client:
    """A few requests as a browser makes them, keeping the session cookie."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.read().decode("utf-8", "replace")
        except OSError:
            return 0, ""
        finally:
            connection.close()

    def status(self, path: str) -> int:
        return self.request("GET", path)[0]

    def post_form(self, path: str, page: str, fields: dict) -> int:
        """Post ``fields`` with the CSRF token of ``page`` (the page the form was on)."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return self.request("POST", path, {"csrf_token": token, **fields})[0]


def signed_in_cookie(port: int) -> str:
    client = Client(port)
    _, page = client.request("GET", "/compte/connexion")
    status = client.post_form("/compte/connexion", page, {"email": "bench@example.org", "password": PASSWORD})
    if status not in (302, 303):
        raise SystemExit(f"sign-in refused ({status})")
    return client.cookie


def journey_cookie(port: int, service_id: str) -> str:
    client = Client(port)
    _, page = client.request("GET", f"/s/{service_id}/")
    client.post_form(f"/s/{service_id}/commencer", page, {})
    return client.cookie


def run_lighthouse(lighthouse: Path, url: str, cookie: str) -> dict:
    """Lighthouse's report (LHR) of one load of ``url``."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [str(lighthouse), url, "--quiet", "--output=json", f"--output-path={output}",
                   "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        chrome = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome})
        return json.loads(output.read_text())


def figures(reports: list[dict]) -> dict:
    """The median scores of the runs, and the weights of the last one."""
    scores = {name: statistics.median(round(report["categories"][name]["score"] * 100) for report in reports)
              for name in CATEGORIES}
    last = reports[-1]
    requests = last["audits"]["network-requests"]["details"]["items"]
    document = next(item for item in requests if item.get("resourceType") == "Document")
    failed = [audit["id"] for audit in last["audits"].values()
              if audit.get("score") is not None and audit["score"] < 0.9
              and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    return {**scores, "sent": sum(item.get("transferSize", 0) for item in requests),
            "html_sent": document.get("transferSize", 0), "html": document.get("resourceSize", 0),
            "elements": last["audits"]["dom-size"].get("numericValue"), "flagged": failed}


def report(rows: list[tuple[str, dict]]) -> None:
    print(f"\n{'page':<22} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5} {'sent':>9} {'HTML sent/raw':>15}"
          f" {'elements':>9}")
    for name, row in rows:
        html = f"{row['html_sent'] / 1024:.1f}/{row['html'] / 1024:.1f} KiB"
        print(f"{name:<22} {row['performance']:>5} {row['accessibility']:>5} {row['best-practices']:>5}"
              f" {row['seo']:>5} {row['sent'] / 1024:>5.1f} KiB {html:>15} {row['elements']:>9.0f}")
    for name, row in rows:
        if row["flagged"]:
            print(f"{name}: audits under 0.9: {', '.join(row['flagged'])}")


def pages(port: int, editor: str) -> list[tuple[str, str, str]]:
    """(name, path, cookie) of each page measured."""
    studio, journey = signed_in_cookie(port), journey_cookie(port, "aides-jeunes")
    return [
        ("site: services", "/", ""),
        ("site: start", "/s/aides-jeunes/", ""),
        ("site: a step", "/s/aides-jeunes/etape/naissance", journey),
        ("studio: sign in", "/compte/connexion", ""),
        ("studio: dashboard", "/studio/", studio),
        ("studio: editor", editor, studio),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is shown)")
    args = parser.parse_args()
    if shutil.which("node") is None:
        raise SystemExit("node is needed to run Lighthouse.")
    lighthouse = ensure_package("lighthouse", "lighthouse") / "node_modules" / ".bin" / "lighthouse"
    print("load average: {:.1f} {:.1f} {:.1f} (scores of performance drop on a busy machine)".format(
        *os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory(prefix="tremplin-lighthouse-") as instance:
        editor = prepare_instance(instance)
        port = free_port()
        with gunicorn(instance, port):
            rows = []
            for name, path, cookie in pages(port, editor):
                url = f"http://127.0.0.1:{port}{path}"
                print(f"{name}: {url}", flush=True)
                rows.append((name, figures([run_lighthouse(lighthouse, url, cookie) for _ in range(args.runs)])))
    report(rows)


if __name__ == "__main__":
    main()
