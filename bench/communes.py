"""The table of communes and the Aides Jeunes import: how long they take.

    python bench/communes.py                       # the table and its searches
    python bench/communes.py AIDES_JEUNES_CHECKOUT # and importing every benefit file

Prints figures; asserts nothing. The table is read once per process (the first call);
a search runs on each keystroke of the commune block when htmx suggests communes.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import communes  # noqa: E402


def best(function, repeat: int = 5) -> float:
    """The best of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    start = time.perf_counter()
    table = communes.table()
    print(f"table read: {(time.perf_counter() - start) * 1000:.0f} ms, {len(table.communes)} communes "
          f"({communes.source()})")
    for text in ("75020", "69", "Saint-Denis", "st etienne", "Lyon", "ab"):
        print(f"search {text!r}: {best(lambda: communes.search(text)):.1f} ms")
    if len(sys.argv) > 1:
        from exports.aidesjeunes_import import import_service
        from exports.notes import Source
        files = sorted((Path(sys.argv[1]) / "data" / "benefits" / "javascript").glob("*.yml"))
        sources = [Source(path.name, path.read_bytes()) for path in files]
        start = time.perf_counter()
        result = import_service(sources, today=dt.date(2026, 9, 1))
        print(f"import of {len(files)} benefits as one simulator: {time.perf_counter() - start:.1f} s, "
              f"{len(result.text) // 1024} KiB, {len(result.notes)} notes")


if __name__ == "__main__":
    main()
