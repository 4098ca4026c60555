"""The load generators of the benchmarks: ``wrk`` when installed, else a keep-alive
Python client (http.client) in 2 processes; both give a :class:`Load`.

Used by bench/site.py (requests per second of a question page) and bench/scale.py
(several servers behind one database).
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

CONNECTIONS = 4           # load generator connections (2 per gunicorn worker)


@dataclass
class Load:
    """What a load gave: the answers, the errors, and how long it took."""

    requests: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_load(url: str, headers: dict[str, str], seconds: float) -> Load:
    """``url`` loaded by wrk (1 thread, CONNECTIONS connections) for ``seconds``."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(m?s|m)\b", output)
    requests = int(total.group(1))
    duration = float(total.group(2)) * {"s": 1, "ms": 0.001, "m": 60}[total.group(3)]
    errors = 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        errors += int(bad.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:  # "read" counts the connections gunicorn's sync workers close after each answer
        errors += int(socket_errors.group(1)) + int(socket_errors.group(3)) + int(socket_errors.group(4))
    return Load(requests - errors, errors, duration)


def _python_load_worker(host: str, port: int, path: str, headers: dict[str, str], seconds: float,
                        threads: int, results) -> None:
    counts = [[0, 0] for _ in range(threads)]

    def run(count: list[int], deadline: float) -> None:
        connection = None
        while time.monotonic() < deadline:
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                count[0 if response.status == 200 else 1] += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                count[1] += 1
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()

    deadline = time.monotonic() + seconds
    workers = [threading.Thread(target=run, args=(count, deadline)) for count in counts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((sum(c[0] for c in counts), sum(c[1] for c in counts)))


def python_load(url: str | list[str], headers: dict[str, str], seconds: float) -> Load:
    """A keep-alive client (http.client) in 2 processes of CONNECTIONS/2 threads each; given
    several URLs (servers behind a load balancer), each process loads one of them in turn."""
    urls = [url] if isinstance(url, str) else url
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    results = context.Queue()
    processes = []
    for number in range(2):
        parts = urllib.parse.urlsplit(urls[number % len(urls)])
        processes.append(context.Process(target=_python_load_worker, args=(
            parts.hostname, parts.port, parts.path, headers, seconds, CONNECTIONS // 2, results)))
    started = time.monotonic()
    for process in processes:
        process.start()
    counts = [results.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return Load(sum(c[0] for c in counts), sum(c[1] for c in counts), time.monotonic() - started)


def load_generator(python_client: bool = False) -> tuple[str, Callable[[str, dict[str, str], float], Load]]:
    """The name and function of the load generator to use: wrk when installed."""
    if shutil.which("wrk") and not python_client:
        return "wrk", wrk_load
    return "python (http.client, 2 processes)", python_load
