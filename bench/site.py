"""Benchmark of the mini-sites: page weight, requests per second, durable submissions.

    python bench/site.py              # the figures in bench/README.md (about 1 min 15)
    python bench/site.py --quick      # shorter durations, a smoke test (about 25 s)
    python bench/site.py --profile    # also print where the time goes (cProfile)
    python bench/site.py --python-client   # the Python load generator even if wrk is installed

Three measures, one table at the end (targets are reported, not asserted: a missed
target still exits 0; 1 only when something does not work, e.g. a journey fails):

1. **Weight of each page type on first load**: the examples are published into a
   temporary instance served by gunicorn; a real HTTP client (urllib + http.cookiejar,
   real CSRF tokens) goes through each example's journey and, for every page type that
   the example has, fetches the HTML and everything it loads (``<link rel=stylesheet>``
   and ``<script src>``), with no cache. Each body is gzipped at level 6 and summed.
2. **Requests per second of a question page**: ``/s/rappel-benevole/etape/demande`` as a
   real step of a started journey (the session cookie carries the draft), served by
   gunicorn with 2 workers, against a bare Flask + Jinja page with the same inputs
   (bench/bare_app.py, also 2 workers), with the same load generator (``wrk`` if
   installed, else a Python keep-alive client), alternately, after a warm-up.
3. **Durable submissions per second** (bench/submissions.py, which also runs alone):
   ``submissions.record`` into a SQLite file opened by ``builder.db.connect`` (WAL,
   synchronous=FULL) from 1 thread, from 8 and 16 threads of one process (group commit),
   from 2 processes × 1 and × 8 threads (the target is held against the last: the way
   ``gunicorn -w 2 --threads 8`` sends); with what one fsync costs on this disk, the WAL
   pages per commit, and one thread without fsync (synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import html.parser
import http.client
import http.cookiejar
import io
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package

from bench.load import CONNECTIONS, Load, load_generator  # noqa: E402
from bench.submissions import measure_submissions  # noqa: E402  (part 3)
from bench.submissions import report as submissions_report  # noqa: E402
from bench.submissions import table_rows as submissions_rows  # noqa: E402

GZIP_LEVEL = 6            # gzip's and zlib's default; nginx's own default (gzip_comp_level 1) is also shown
WEIGHT_TARGET = 20 * 1024  # bytes, gzipped, per page on first load
RATIO_TARGET = 0.7
QUESTION_SERVICE, QUESTION_STEP = "rappel-benevole", "demande"
PAGE_TYPES = ["start", "step", "step with errors", "check", "result", "confirmation", "save", "resume", "404"]


# --------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 2`` (or ``workers``) on a free loopback port, in its own process group."""

    def __init__(self, app_spec: str, env: dict[str, str], ready_path: str, log_dir: Path, name: str,
                 workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", app_spec]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            wait_until_answers(self.base + ready_path, self.process, deadline=time.monotonic() + 60)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def wait_until_answers(url: str, process: subprocess.Popen, deadline: float) -> None:
    """Poll ``url`` until it answers 200 (the process must stay alive), or fail at ``deadline``."""
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit code {process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in time")
        time.sleep(0.05)


def server_env(instance: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TREMPLIN_")}
    env.update({
        "TREMPLIN_INSTANCE_PATH": str(instance),
        "TREMPLIN_SESSION_COOKIE_SECURE": "false",  # plain http on the loopback
        "TREMPLIN_SUBMIT_RATE_LIMIT": "1000000",   # every request comes from 127.0.0.1
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    })
    return env


def publish_examples(instance: Path) -> None:
    from builder.app import create_app
    from builder.serving import EXAMPLES, publish_files
    app = create_app({"INSTANCE_PATH": str(instance)})
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))


# --------------------------------------------------------------------------------------
# A browser-less visitor: urllib with cookies, no redirects followed, CSRF read from pages
# --------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers["Location"]).path


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.csrf: str | None = None

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                result = Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                result = Response(error.code, error.headers, error.read())
        found = re.search(r'name="csrf_token" value="([^"]+)"', result.text)
        if found:
            self.csrf = found.group(1)
        return result

    def get(self, path: str) -> Response:
        return self.request(path)

    def post(self, path: str, data: list[tuple[str, str]] | None = None) -> Response:
        return self.request(path, [("csrf_token", self.csrf or ""), *(data or [])])

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)


def form_values(value: Any) -> list[str]:
    """A persona's answer as a browser posts it."""
    if isinstance(value, bool):
        return ["oui" if value else "non"]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [""] if value is None else [str(value)]


def step_data(step, answers: dict[str, Any] | None) -> list[tuple[str, str]]:
    data = []
    for block in step.questions:
        if answers is not None and block.id in answers:
            data += [(block.id, value) for value in form_values(answers[block.id])]
        data.append(("_shown", block.id))
    return data


# --------------------------------------------------------------------------------------
# 1. Page weight
# --------------------------------------------------------------------------------------

class _Assets(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


def gzipped(body: bytes, level: int = GZIP_LEVEL) -> int:
    return len(gzip.compress(body, compresslevel=level, mtime=0))


@dataclass
class Weight:
    service: str
    page: str
    path: str
    status: int
    html: int            # gzipped bytes of the HTML
    assets: dict[str, int] = field(default_factory=dict)   # url -> gzipped bytes
    raw: int = 0         # uncompressed bytes of everything
    level1: int = 0      # everything gzipped at level 1 (nginx's default gzip_comp_level)

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def weigh(visitor: Visitor, service_id: str, page: str, path: str, response: Response) -> Weight:
    """The page and everything it loads, fetched anew by a fresh client (no cache)."""
    parser = _Assets()
    parser.feed(response.text)
    weight = Weight(service_id, page, path, response.status, gzipped(response.body), raw=len(response.body),
                    level1=gzipped(response.body, 1))
    fresh = Visitor(visitor.base)
    for url in parser.urls:
        asset = fresh.get(urllib.parse.urljoin(path, url) if not url.startswith("/") else url)
        if asset.status != 200:
            raise RuntimeError(f"{path} loads {url}, which answers {asset.status}")
        weight.assets[url] = gzipped(asset.body)
        weight.raw += len(asset.body)
        weight.level1 += gzipped(asset.body, 1)
    return weight


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise RuntimeError(f"{what}: expected HTTP {status}, got {response.status}\n{response.text[:1500]}")
    return response


def weigh_example(base: str, path: Path) -> list[Weight]:
    """Go through one example as a person would, weighing every page type it has."""
    from builder.format.loader import load_service
    service = load_service(path)
    answers = service.personas[0].answers if service.personas else {}
    prefix = f"/s/{service.id}"
    visitor = Visitor(base)
    weights: list[Weight] = []

    def page(kind: str, url: str, status: int = 200, response: Response | None = None) -> Response:
        response = response or visitor.get(url)
        expect(response, status, f"{service.id}: {kind} {url}")
        weights.append(weigh(visitor, service.id, kind, url, response))
        return response

    page("start", prefix + "/")
    url = expect(visitor.post(prefix + "/commencer"), 303, f"{service.id}: « Commencer »").location
    steps = {step.id: step for step in service.steps}
    first = True
    for _ in range(len(service.steps) + 2):
        if url.endswith("/verifier"):
            break
        step = steps[url.rsplit("/", 1)[1]]
        page("step", url)
        if first:  # « Continuer » with nothing answered: the error summary
            page("step with errors", url, 422, visitor.post(url, step_data(step, None)))
            first = False
        url = expect(visitor.post(url, step_data(step, answers)), 303, f"{service.id}: step {step.id}").location
    else:
        raise RuntimeError(f"{service.id}: the journey did not reach the check page")
    page("check", url)
    page("save", prefix + "/sauvegarde")
    if service.outcomes:
        page("result", prefix + "/resultat")
    if "submission" in service.data:
        sent = expect(visitor.post(prefix + "/envoyer"), 303, f"{service.id}: « Envoyer »")
        page("confirmation", sent.location)
    visitor = Visitor(base)  # someone who comes back on another device, or follows a wrong link
    page("resume", prefix + "/reprendre")
    page("404", prefix + "/cette-page-n-existe-pas", 404)
    return weights


def measure_weights(base: str) -> list[Weight]:
    from builder.serving import EXAMPLES
    weights = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        weights += weigh_example(base, path)
    return weights


def worst_per_type(weights: list[Weight]) -> dict[str, Weight]:
    worst: dict[str, Weight] = {}
    for weight in weights:
        if weight.page not in worst or weight.total > worst[weight.page].total:
            worst[weight.page] = weight
    return {kind: worst[kind] for kind in PAGE_TYPES if kind in worst}


def print_weights(weights: list[Weight]) -> None:
    services = sorted({weight.service for weight in weights})
    worst: dict[tuple[str, str], Weight] = {}
    for weight in weights:
        key = (weight.service, weight.page)
        if key not in worst or weight.total > worst[key].total:
            worst[key] = weight
    print(f"\nFirst-load weight, gzip level {GZIP_LEVEL}, bytes (HTML + CSS + JS; the heaviest step when "
          "there are several):")
    width = max(len(s) for s in services)
    print(f"  {'page':<17}" + "".join(f"{s:>{width + 2}}" for s in services))
    for kind in PAGE_TYPES:
        cells = [f"{worst[(s, kind)].total:>{width + 2},}" if (s, kind) in worst else f"{'—':>{width + 2}}"
                 for s in services]
        print(f"  {kind:<17}" + "".join(cells))
    assets: dict[str, int] = {}
    for weight in weights:
        assets.update(weight.assets)
    for url, size in sorted(assets.items()):
        print(f"  asset {url}: {size:,} bytes gzipped")
    heaviest = max(weights, key=lambda w: w.total)
    print(f"  heaviest: {heaviest.service} {heaviest.page} {heaviest.path} = HTML {heaviest.html:,} + "
          f"assets {sum(heaviest.assets.values()):,} = {heaviest.total:,} bytes "
          f"({heaviest.raw:,} uncompressed, {heaviest.level1:,} at gzip level 1 as nginx does by default)")


# --------------------------------------------------------------------------------------
# 2. Requests per second
# --------------------------------------------------------------------------------------

def question_page_session(base: str) -> tuple[str, str]:
    """Start a journey on the question page; return its path and the session cookie."""
    visitor = Visitor(base)
    prefix = f"/s/{QUESTION_SERVICE}"
    expect(visitor.get(prefix + "/"), 200, "start page")
    path = expect(visitor.post(prefix + "/commencer"), 303, "« Commencer »").location
    if path != f"{prefix}/etape/{QUESTION_STEP}":
        raise RuntimeError(f"the journey starts at {path}, not at the question page")
    page = expect(visitor.get(path), 200, "question page")   # the session now holds the CSRF token too
    if 'type="radio"' not in page.text or "csrf_token" not in page.text:
        raise RuntimeError("the question page does not show its form")
    return path, visitor.cookie("session")


def measure_rps(tremplin: Gunicorn, bare: Gunicorn, seconds: float, rounds: int, warmup: float,
                python_client: bool = False):
    name, generate = load_generator(python_client)
    path, cookie = question_page_session(tremplin.base)
    targets = {
        "tremplin": (tremplin.base + path, {"Cookie": f"session={cookie}"}),
        "bare": (bare.base + "/etape/demande", {}),
    }
    sizes = {key: len(urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read())
             for key, (url, headers) in targets.items()}
    for url, headers in targets.values():
        generate(url, headers, warmup)
    totals = {key: Load(0, 0, 0.0) for key in targets}
    for _ in range(rounds):  # alternately, so that both see the same background load
        for key, (url, headers) in targets.items():
            load = generate(url, headers, seconds / rounds)
            total = totals[key]
            totals[key] = Load(total.requests + load.requests, total.errors + load.errors,
                               total.seconds + load.seconds)
    return name, path, sizes, totals


# --------------------------------------------------------------------------------------
# 3. Durable submissions
# --------------------------------------------------------------------------------------

# measure_submissions and its helpers live in bench/submissions.py, which runs alone too:
# python bench/submissions.py [--quick] [--profile]


# --------------------------------------------------------------------------------------
# Profile of the question page (in-process, through Flask's test client)
# --------------------------------------------------------------------------------------

def profile_question_page(instance: Path, requests: int) -> str:
    from builder.app import create_app
    app = create_app({"INSTANCE_PATH": str(instance), "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    prefix = f"/s/{QUESTION_SERVICE}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(prefix + "/").get_data(as_text=True))
    path = client.post(prefix + "/commencer", data={"csrf_token": token.group(1)}).headers["Location"]
    for _ in range(20):
        client.get(path)
    began = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    each = (time.perf_counter() - began) / requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(ct for (_, _, _, ct, _) in stats.stats.values())
    lines = [f"{path}: {each * 1000:.2f} ms per GET in-process (test client, without the profiler)",
             "  share of the request (cumulative, overlapping: the render includes the form's widgets):"]
    for label, where, name in PROFILE_PARTS:
        spent = sum(ct for (file, _, function), (_, _, _, ct, _) in stats.stats.items()
                    if function == name and file.replace(os.sep, "/").endswith(where))
        lines.append(f"    {label:<58} {spent / total:6.1%}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return "\n".join(lines) + "\n" + out.getvalue()


PROFILE_PARTS = [  # (label, file, function) measured in profile_question_page
    ("render_template (Jinja: layout, help box, fields)", "flask/templating.py", "render_template"),
    ("  of which WTForms widgets (html_params)", "wtforms/widgets/core.py", "html_params"),
    ("  of which gettext (Flask-Babel)", "jinja2/ext.py", "_gettext_alias"),
    ("  of which url_for", "flask/helpers.py", "url_for"),
    ("find the live service (url_value_preprocessor)", "builder/site/views.py", "load_service"),
    ("borrow a database connection (builder.db.get_db)", "builder/db.py", "get_db"),
    ("close the database (teardown)", "builder/db.py", "close_db"),
    ("load the draft (state.load)", "builder/site/state.py", "load"),
    ("evaluate the answers (state.evaluation_of)", "builder/site/state.py", "evaluation_of"),
    ("build the form (forms.step_form)", "builder/site/forms.py", "step_form"),
    ("record the funnel event (state.record)", "builder/site/state.py", "record"),
    ("save the session cookie", "flask/sessions.py", "save_session"),
    ("sqlite3 execute calls (hot paths, builder.storage.database.Prepared)", "~",
     "<method 'execute' of 'sqlite3.Connection' objects>"),
    ("sqlite3 execute calls (through SQLAlchemy)", "~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
]


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def row(table: list, figure: str, value: str, target: str = "", ok: bool | None = None) -> None:
    table.append((figure, value, target, "" if ok is None else ("ok" if ok else "NOT OK")))


def print_table(table: list) -> None:
    widths = [max(len(str(r[i])) for r in table + [("figure", "value", "target", "ok")]) for i in range(4)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print("\n" + line.format("figure", "value", "target", "ok"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table:
        print(line.format(*r))


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter durations (a smoke test)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile of the hot paths")
    parser.add_argument("--python-client", action="store_true",
                        help="load the servers with the Python client even when wrk is installed")
    return parser.parse_args(argv)


def measure_servers(folder: Path, instance: Path, options: argparse.Namespace, durations: tuple) -> tuple:
    """Parts 1 and 2 against Tremplin and the bare app, both under gunicorn: the weights,
    and the load generator's name, the page loaded, the pages' sizes and the loads."""
    rps_seconds, rounds, warmup = durations
    env = server_env(instance)
    tremplin = Gunicorn("builder.app:create_app()", env, "/healthz", folder, "tremplin")
    try:
        bare = Gunicorn("bench.bare_app:app", env, "/healthz", folder, "bare")
        try:
            weights = measure_weights(tremplin.base)
            print_weights(weights)
            rps = measure_rps(tremplin, bare, rps_seconds, rounds, warmup, options.python_client)
        finally:
            bare.stop()
    finally:
        tremplin.stop()
    for log in (tremplin.log, bare.log):
        text = log.read_text(errors="replace").strip()
        if "Traceback" in text:
            print(f"\n{log.name}:\n{text[-3000:]}")
    return weights, rps


def print_rps(rps: tuple, durations: tuple) -> None:
    """The figures of part 2 as measured."""
    name, path, sizes, loads = rps
    rps_seconds, rounds, warmup = durations
    print(f"\nRequests per second ({name}, {CONNECTIONS} connections, {rps_seconds / rounds:g} s × {rounds} "
          f"alternate rounds each, after {warmup:g} s of warm-up; gunicorn -w 2 sync workers):")
    print(f"  Tremplin {path} ({sizes['tremplin']:,} bytes): {loads['tremplin'].requests:,} answers, "
          f"{loads['tremplin'].errors} errors")
    print(f"  bare Flask + Jinja /etape/demande ({sizes['bare']:,} bytes): "
          f"{loads['bare'].requests:,} answers, {loads['bare'].errors} errors")


def summary_rows(weights: list[Weight], loads: dict[str, Load], subs) -> list:
    """The table at the end: every figure with its target."""
    table: list = []
    for kind, weight in worst_per_type(weights).items():
        row(table, f"first load, {kind} (worst: {weight.service})", f"{weight.total:,} B",
            f"≤ {WEIGHT_TARGET:,} B", weight.total <= WEIGHT_TARGET)
    heaviest = max(weights, key=lambda w: w.total)
    row(table, f"first load, heaviest page ({heaviest.service} {heaviest.page})", f"{heaviest.total:,} B",
        f"≤ {WEIGHT_TARGET:,} B", heaviest.total <= WEIGHT_TARGET)
    row(table, "  same page at gzip level 1 (nginx's default)", f"{heaviest.level1:,} B", "info")
    tremplin_rate, bare_rate = loads["tremplin"].rate, loads["bare"].rate
    ratio = tremplin_rate / bare_rate if bare_rate else 0.0
    row(table, "question page, Tremplin (gunicorn -w 2)", f"{tremplin_rate:,.0f} req/s")
    row(table, "same form, bare Flask + Jinja (gunicorn -w 2)", f"{bare_rate:,.0f} req/s")
    row(table, "ratio Tremplin / bare", f"{ratio:.2f}", f"≥ {RATIO_TARGET}",
        ratio >= RATIO_TARGET and not loads["tremplin"].errors)
    for figure in submissions_rows(subs):
        row(table, *figure)
    return table


def main(argv: list[str] | None = None) -> int:
    """Run the three measures and print their table (exit 0 even when a target is missed)."""
    options = parse_options(argv)
    rps_seconds, rounds, warmup, record_seconds = (4, 2, 1, 2) if options.quick else (20, 2, 3, 6)
    durations = (rps_seconds, rounds, warmup)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="tremplin-bench-") as folder:
        folder = Path(folder)
        instance = folder / "instance"
        publish_examples(instance)
        weights, rps = measure_servers(folder, instance, options, durations)
        print_rps(rps, durations)
        print(f"\nDurable submissions ({record_seconds:g} s per measure)…")
        subs = measure_submissions(folder, record_seconds, options.profile)
        print(submissions_report(subs))
        if options.profile:
            print("cProfile of the question page:\n" + profile_question_page(instance, 300))
    print_table(summary_rows(weights, rps[3], subs))
    print("\nLoad average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
