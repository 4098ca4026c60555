"""Benchmark of durable submissions: ``submissions.record`` into a real SQLite file.

    python bench/submissions.py              # this part alone (about 50 s)
    python bench/submissions.py --quick      # shorter durations (about 20 s)
    python bench/submissions.py --profile    # also cProfile of one thread recording

``bench/site.py`` runs the same measures as its third part. Every submission is durable:
the file is opened by ``builder.db.connect`` (WAL, ``synchronous=FULL``) and ``record``
returns once the commit holding the row has returned. Each thread has its own
connection, as a request of the server has. Measured:

- one thread recording one submission after the other (one person at a time);
- 8 and 16 threads of one process at once (``gunicorn --threads``, ``tremplin run``):
  they share commits (group commit, :mod:`builder.storage.group_commit`);
- 2 processes × 1 thread (``gunicorn -w 2``, sync workers) and 2 processes × 8 threads
  (``gunicorn -w 2 --threads 8``, the recommended way to serve, against the target);
- how many pages a commit appends to the WAL, one submission per commit and in batches;
- what one fdatasync costs on this disk (before and after the measures), and one thread
  with ``synchronous=NORMAL`` (no fsync) to show what the disk costs.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import multiprocessing
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

SUBMISSIONS_TARGET = 2000  # durable submissions per second, when a server sends concurrently
SERVED = (2, 8)            # processes × threads of the row held to the target
RUNS = [  # (label, processes, threads)
    ("1 thread, one after the other", 1, 1),
    ("8 threads, 1 process", 1, 8),
    ("16 threads, 1 process", 1, 16),
    ("2 processes × 1 thread (gunicorn -w 2)", 2, 1),
    ("2 processes × 8 threads (gunicorn -w 2 --threads 8)", *SERVED),
]

ANSWERS = [
    {"sujet": "soutien_scolaire", "creneaux": ["soir", "samedi"],
     "message": "Mon fils est en 5e. Il a du mal en mathématiques et il perd confiance.",
     "prenom": "Fatou", "email": "fatou.diallo@example.org", "telephone": "06 12 34 56 78",
     "consentement": True},
    {"sujet": "benevolat", "creneaux": ["midi"], "message": None, "prenom": "Hugo",
     "email": "hugo.petit@example.org", "telephone": "+33 7 11 22 33 44", "consentement": True},
    {"sujet": "logement", "creneaux": ["matin", "apres_midi"], "message": None, "prenom": "Léa",
     "email": "lea.moreau@example.org", "telephone": "07 65 43 21 09", "consentement": True},
]


@dataclass
class Run:
    """What some writers recorded: submissions, seconds, commits, seconds inside COMMIT, and how
    long each ``record`` call took (what the person waits for after « Envoyer »)."""

    count: int = 0
    elapsed: float = 0.0
    commits: int = 0
    committing: float = 0.0
    waits: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    @property
    def per_commit(self) -> float:
        return self.count / self.commits if self.commits else 0.0

    def wait(self, share: float) -> float:
        """The ``share`` quantile of the waits (0.5: median; 1: the longest)."""
        ordered = sorted(self.waits)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def add(self, other: "Run") -> "Run":
        return Run(self.count + other.count, max(self.elapsed, other.elapsed), self.commits + other.commits,
                   self.committing + other.committing, self.waits + other.waits)


def new_database(folder: Path) -> Path:
    """A fresh Tremplin database in a new folder under ``folder``."""
    from builder.db import connect, init_db
    path = Path(tempfile.mkdtemp(dir=folder)) / "tremplin.sqlite3"
    with contextlib.closing(connect(str(path))) as db:
        init_db(db)
    return path


def timed_connection(path: Path | str, run: Run, synchronous: str = "FULL"):
    """A connection (to a SQLite file, or a URL) whose commits are counted and timed into ``run``."""
    from builder.db import connect
    db = connect(str(path))
    if db.is_sqlite:
        db.execute_sql(f"PRAGMA synchronous={synchronous}")
    execute_sql = db.execute_sql

    def timed(text: str):   # builder.db.transaction commits through db.execute_sql("COMMIT")
        if text != "COMMIT":
            return execute_sql(text)
        began = time.perf_counter()
        result = execute_sql(text)
        run.committing += time.perf_counter() - began
        run.commits += 1
        return result

    db.execute_sql = timed
    return db


def record_some(db, number: int, deadline: float | None = None, count: int | None = None,
                waits: list[float] | None = None) -> int:
    """Record new submissions until ``deadline`` (or ``count`` of them); return how many."""
    from builder.storage import submissions
    done = 0
    while (count is None or done < count) and (deadline is None or time.perf_counter() < deadline):
        answers = dict(ANSWERS[done % len(ANSWERS)], prenom=f"Personne {number}-{done}")
        began = time.perf_counter()
        submissions.record(db, "rappel-benevole", answers, secrets.token_urlsafe(16), service_version=1,
                           lang="fr", outcomes={})
        if waits is not None:
            waits.append(time.perf_counter() - began)
        done += 1
    return done


def record_for(path: Path | str, seconds: float, threads: int = 1, synchronous: str = "FULL", start: Any = None) -> Run:
    """``threads`` threads of this process, each on its own connection, recording for ``seconds``."""
    run, counts = Run(), [0] * threads
    ready = threading.Barrier(threads + 1)
    began: list[float] = []

    def writer(number: int) -> None:
        with contextlib.closing(timed_connection(path, run, synchronous)) as db:
            ready.wait()
            counts[number] = record_some(db, number, deadline=began[0] + seconds, waits=run.waits)

    workers = [threading.Thread(target=writer, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    if start is not None:
        start.wait()
    began.append(time.perf_counter())
    ready.wait()
    for worker in workers:
        worker.join()
    run.count, run.elapsed = sum(counts), time.perf_counter() - began[0]
    return run


def _record_child(path: str, seconds: float, threads: int, start, results) -> None:
    results.put(record_for(path, seconds, threads, start=start))


def record_in_processes(path: Path | str, seconds: float, processes: int, threads: int) -> Run:
    """``processes`` processes × ``threads`` threads recording at once into the same file."""
    if processes == 1:
        return record_for(path, seconds, threads)
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    start, results = context.Event(), context.Queue()
    children = [context.Process(target=_record_child, args=(str(path), seconds, threads, start, results))
                for _ in range(processes)]
    for child in children:
        child.start()
    start.set()
    runs = [results.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join(timeout=30)
    total = Run()
    for run in runs:
        total = total.add(run)
    return total


def fsync_cost(folder: Path, count: int, size: int = 4096) -> tuple[float, float]:
    """Median and mean seconds of one fdatasync (what SQLite calls on Linux) after appending ``size``
    bytes. The mean is what bounds a rate: a shared disk has a long tail."""
    sync = getattr(os, "fdatasync", os.fsync)
    times = []
    fd = os.open(folder / "fsync-probe", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for _ in range(count):
            os.write(fd, b"\0" * size)
            began = time.perf_counter()
            sync(fd)
            times.append(time.perf_counter() - began)
    finally:
        os.close(fd)
        os.unlink(folder / "fsync-probe")
    return statistics.median(times), statistics.fmean(times)


WAL_HEADER, WAL_FRAME_HEADER, PAGE = 32, 24, 4096


def wal_pages(folder: Path, threads: int, count: int = 160) -> tuple[float, float]:
    """Pages appended to the WAL per submission and per commit, ``count`` submissions from ``threads``.

    Under SQLite's automatic checkpoint (1,000 pages) so that the WAL only grows.
    """
    from builder.db import connect
    path = new_database(folder)
    run = Run()
    with contextlib.closing(connect(str(path))) as keeper:   # holds the WAL open throughout
        record_some(keeper, 0, count=5)   # the tables' first pages exist
        keeper.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")

        def writer(number: int) -> None:
            with contextlib.closing(timed_connection(path, run, "FULL")) as db:
                record_some(db, number, count=count // threads)

        workers = [threading.Thread(target=writer, args=(number,)) for number in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        frames = (os.path.getsize(str(path) + "-wal") - WAL_HEADER) / (PAGE + WAL_FRAME_HEADER)
    return frames / count, frames / run.commits


def profile_record(path: Path, seconds: float) -> str:
    """cProfile of one thread recording (a pass of its own: the profiler slows what it watches)."""
    from builder.db import connect
    profiler = cProfile.Profile()
    with contextlib.closing(connect(str(path))) as db:
        profiler.enable()
        record_some(db, 0, deadline=time.perf_counter() + seconds)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return out.getvalue()


def measure_submissions(folder: Path, seconds: float, profile: bool = False) -> dict[str, Any]:
    """Every figure of this benchmark, in a dict (see :func:`report` and :func:`table_rows`)."""
    figures: dict[str, Any] = {"load_before": os.getloadavg()}
    probes = 50 if seconds < 3 else 200
    figures["pages"], _ = wal_pages(folder, 1)
    figures["pages_batched"], figures["pages_per_batch"] = wal_pages(folder, 16)
    commit_bytes = round(figures["pages"]) * (PAGE + WAL_FRAME_HEADER)
    figures["fsync"] = fsync_cost(folder, probes, commit_bytes)
    figures["runs"] = {label: record_in_processes(new_database(folder), seconds, processes, threads)
                       for label, processes, threads in RUNS}
    figures["no_fsync"] = record_for(new_database(folder), seconds / 2, synchronous="NORMAL")
    figures["fsync_after"] = fsync_cost(folder, probes, commit_bytes)
    if profile:
        figures["profile"] = profile_record(new_database(folder), seconds / 2)
    figures["load_after"] = os.getloadavg()
    return figures


def report(figures: dict[str, Any]) -> str:
    """The figures as lines to print under the table."""
    load = " ".join(f"{x:.2f}" for x in figures["load_before"])
    after = " ".join(f"{x:.2f}" for x in figures["load_after"])
    (median, mean), (median_after, mean_after) = figures["fsync"], figures["fsync_after"]
    lines = [
        f"  load average {load} before, {after} after",
        f"  one submission per commit appends {figures['pages']:.1f} WAL pages (the row, the table's b-tree, "
        f"3 indexes); 16 threads: {figures['pages_per_batch']:.1f} pages per commit, "
        f"{figures['pages_batched']:.2f} per submission",
        f"  one fdatasync of a commit's pages: median {median * 1e6:,.0f} µs (mean {mean * 1e6:,.0f}) before, "
        f"median {median_after * 1e6:,.0f} µs (mean {mean_after * 1e6:,.0f}) after",
        "  wait = how long one record() call took: median / 99th percentile / longest",
    ]
    for label, run in figures["runs"].items():
        lines.append(f"  {label:<52} {run.rate:7,.0f} /s  {run.commits / run.elapsed:6,.0f} commits/s  "
                     f"{run.per_commit:5.1f} per commit  COMMIT {run.committing / run.elapsed:4.0%} of the time  "
                     f"wait {run.wait(0.5) * 1e3:.1f} / {run.wait(0.99) * 1e3:.1f} / {run.wait(1) * 1e3:.0f} ms")
    normal = figures["no_fsync"]
    lines.append(f"  {'1 thread, synchronous=NORMAL (no fsync)':<52} {normal.rate:7,.0f} /s "
                 f"({1e6 / normal.rate:,.0f} µs of CPU per submission)")
    if "profile" in figures:
        lines.append("\n  cProfile of one thread recording, synchronous=FULL:\n" + figures["profile"])
    return "\n".join(lines)


def table_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(figure, value, target, ok) rows; the target is held against the way a server sends."""
    rows = []
    for (label, processes, threads), run in zip(RUNS, figures["runs"].values()):
        served = (processes, threads) == SERVED
        rows.append((f"durable submissions, {label}", f"{run.rate:,.0f} /s",
                     f"≥ {SUBMISSIONS_TARGET:,}" if served else "info", run.rate >= SUBMISSIONS_TARGET if served else None))
        if served:
            rows.append(("  one record() there, median / p99 / longest",
                         f"{run.wait(0.5) * 1e3:.1f} / {run.wait(0.99) * 1e3:.1f} / {run.wait(1) * 1e3:.0f} ms",
                         "info", None))
    median, mean = figures["fsync"]
    rows += [
        ("one fdatasync of a commit's WAL pages, median", f"{median * 1e6:,.0f} µs", "info", None),
        ("same, mean (the tail of a shared disk)", f"{mean * 1e6:,.0f} µs", "info", None),
        ("ceiling at one fdatasync per submission (mean)", f"{1 / mean:,.0f} /s", "info", None),
        ("WAL pages per commit, 1 / 16 threads", f"{figures['pages']:.1f} / {figures['pages_per_batch']:.1f}",
         "info", None),
        ("submissions without fsync (synchronous=NORMAL)", f"{figures['no_fsync'].rate:,.0f} /s", "info", None),
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter durations (a smoke test)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile of one thread recording")
    options = parser.parse_args(argv)
    seconds = 2 if options.quick else 6
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; durable submissions, {seconds:g} s per measure…")
    with tempfile.TemporaryDirectory(prefix="tremplin-bench-") as folder:
        figures = measure_submissions(Path(folder), seconds, options.profile)
    print(report(figures))
    rows = table_rows(figures)
    width, value_width = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for figure, value, target, ok in rows:
        print(f"| {figure:<{width}} | {value:>{value_width}} | {target:<7} | {'' if ok is None else 'ok' if ok else 'NOT OK'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
