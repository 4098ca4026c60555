"""One machine on SQLite against two servers on one PostgreSQL, side by side.

    python bench/scale.py            # about 2 min
    python bench/scale.py --quick    # shorter durations, a smoke test, about 1 min

In one run, on this machine:

- **SQLite, one server**: an instance folder with its SQLite file.
- **PostgreSQL, two servers**: two instance folders (two servers as behind a load
  balancer), one secret key, one throwaway PostgreSQL server started for the run
  (Debian's binaries, ``tests/pgserver.py``) with every setting of a real one: ``fsync``
  and ``synchronous_commit`` on, every commit waits for the disk.

Measured for each:

1. **Durable submissions per second**: ``submissions.record`` as the mini-site calls it,
   from the processes of the servers, each server as it is served (``gunicorn -w 2
   --threads 8``: 2 processes × 8 threads, each thread on its own connection, as a
   request has). A submission counts once ``record`` returned, i.e. once the commit
   holding it is on disk. SQLite: 1 server (2 × 8); PostgreSQL: 2 servers (4 × 8).
2. **Question pages per second**: ``/s/rappel-benevole/etape/demande`` over HTTP with a
   journey's session cookie (the page loads the live version, the draft, evaluates, records
   the funnel event), as in ``bench/site.py``. SQLite: one ``gunicorn -w 2``; PostgreSQL:
   two ``gunicorn -w 1`` (the same two worker processes in all, on the same two cores),
   the load generator's connections spread over both servers.

Everything runs on 127.0.0.1 in temporary folders, removed at the end. Exit code 0 when
everything ran, even if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # pgserver: the tests' throwaway PostgreSQL

import pgserver  # noqa: E402
from bench.load import Load, python_load  # noqa: E402
from bench.site import Gunicorn, question_page_session, server_env  # noqa: E402
from bench.submissions import Run, record_in_processes  # noqa: E402

SUBMISSIONS_TARGET = 2000   # durable submissions per second, two servers on PostgreSQL
PAGE_RATIO_TARGET = 0.8     # question page on PostgreSQL / on SQLite
SECRET = "one secret key for every server of the benchmark"
PROCESSES, THREADS = 2, 8   # per server: gunicorn -w 2 --threads 8


def prepare(instance: Path, database_url: str | None) -> str:
    """Publish the examples on the instance's database; return the database's target."""
    from builder.app import create_app
    from builder.serving import EXAMPLES, publish_files
    config = {"INSTANCE_PATH": str(instance)}
    if database_url:
        config.update(DATABASE_URL=database_url, SECRET_KEY=SECRET)
    app = create_app(config)
    publish_files(app, sorted(EXAMPLES.glob("*.yaml")))
    return app.config["DATABASE"]


def submissions_per_second(target: str, servers: int, seconds: float) -> Run:
    """Every server's processes recording at once into ``target``."""
    runs = []

    def server() -> None:
        runs.append(record_in_processes(target, seconds, PROCESSES, THREADS))

    threads = [threading.Thread(target=server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Run()
    for run in runs:
        total = total.add(run)
    return total


def start_servers(folder: Path, instances: list[Path], database_url: str | None, workers: int) -> list[Gunicorn]:
    servers = []
    for instance in instances:
        env = server_env(instance)
        if database_url:
            env.update(TREMPLIN_DATABASE_URL=database_url, TREMPLIN_SECRET_KEY=SECRET)
        servers.append(Gunicorn("builder.app:create_app()", env, "/healthz", folder, instance.name,
                                workers=workers))
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter durations (a smoke test)")
    options = parser.parse_args(argv)
    record_seconds, page_seconds, rounds, warmup = (3, 4, 2, 1) if options.quick else (8, 20, 2, 3)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="tremplin-scale-") as folder, \
            pgserver.running(durable=True) as postgres:
        folder = Path(folder)
        database_url = postgres.create_database("tremplin")
        sqlite_target = prepare(folder / "sqlite", None)
        prepare(folder / "pg-first", database_url)
        figures = {
            "sqlite_submissions": submissions_per_second(sqlite_target, 1, record_seconds),
            "pg_submissions": submissions_per_second(database_url, 2, record_seconds),
        }
        figures.update(measure_pages(folder, database_url, page_seconds, rounds, warmup))
    report(figures, options)
    return 0


def measure_pages(folder: Path, database_url: str, seconds: float, rounds: int, warmup: float) -> dict:
    """Question pages per second: one server on SQLite, two on PostgreSQL, alternate rounds."""
    sqlite_servers = start_servers(folder, [folder / "sqlite"], None, 2)
    pg_servers = start_servers(folder, [folder / "pg-first", folder / "pg-second"], database_url, 1)
    try:
        totals = {"sqlite": Load(0, 0, 0.0), "pg": Load(0, 0, 0.0)}
        sessions = {key: question_page_session(servers[0].base)
                    for key, servers in (("sqlite", sqlite_servers), ("pg", pg_servers))}
        targets = {"sqlite": sqlite_servers, "pg": pg_servers}
        for key, servers in targets.items():
            python_load([server.base + sessions[key][0] for server in servers],
                        {"Cookie": f"session={sessions[key][1]}"}, warmup)
        for _ in range(rounds):  # alternately, so that both see the same background load
            for key, servers in targets.items():
                load = python_load([server.base + sessions[key][0] for server in servers],
                                   {"Cookie": f"session={sessions[key][1]}"}, seconds / rounds)
                total = totals[key]
                totals[key] = Load(total.requests + load.requests, total.errors + load.errors,
                                   total.seconds + load.seconds)
    finally:
        for server in sqlite_servers + pg_servers:
            server.stop()
    for server in sqlite_servers + pg_servers:
        text = server.log.read_text(errors="replace")
        if "Traceback" in text:
            print(f"\n{server.log.name}:\n{text[-3000:]}")
    return {"sqlite_pages": totals["sqlite"], "pg_pages": totals["pg"]}


def report(figures: dict, options: argparse.Namespace) -> None:
    sqlite_subs, pg_subs = figures["sqlite_submissions"], figures["pg_submissions"]
    sqlite_pages, pg_pages = figures["sqlite_pages"], figures["pg_pages"]
    ratio = pg_pages.rate / sqlite_pages.rate if sqlite_pages.rate else 0.0
    rows = [
        ("durable submissions/s", f"{sqlite_subs.rate:,.0f}", f"{pg_subs.rate:,.0f}",
         f"PG ≥ {SUBMISSIONS_TARGET:,}", pg_subs.rate >= SUBMISSIONS_TARGET),
        ("  submissions per commit", f"{sqlite_subs.per_commit:.1f}", f"{pg_subs.per_commit:.1f}", "info", None),
        ("  wait after « Envoyer », median / p99", f"{sqlite_subs.wait(0.5) * 1000:.0f} / "
         f"{sqlite_subs.wait(0.99) * 1000:.0f} ms", f"{pg_subs.wait(0.5) * 1000:.0f} / "
         f"{pg_subs.wait(0.99) * 1000:.0f} ms", "info", None),
        ("question pages/s", f"{sqlite_pages.rate:,.0f}", f"{pg_pages.rate:,.0f}", "", None),
        ("  errors", str(sqlite_pages.errors), str(pg_pages.errors), "0", not (sqlite_pages.errors or pg_pages.errors)),
        ("  ratio PostgreSQL / SQLite", "", f"{ratio:.2f}", f"≥ {PAGE_RATIO_TARGET}", ratio >= PAGE_RATIO_TARGET),
    ]
    header = ("figure", "SQLite, 1 server", "PostgreSQL, 2 servers", "target", "ok")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)] + [6]
    line = "| " + " | ".join(f"{{:<{width}}}" for width in widths) + " |"
    print("\n" + line.format(*header))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in rows:
        print(line.format(*row[:4], "" if row[4] is None else ("ok" if row[4] else "NOT OK")))
    print("\nLoad average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    sys.exit(main())
