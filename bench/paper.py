"""How long the paper version of the aid simulator takes (examples/aides-jeunes.yaml).

    python bench/paper.py           # the figures in bench/README.md, about 20 s
    python bench/paper.py --quick   # 2 runs of each, a smoke test

Three measures, one table at the end:

1. ``tremplin paper examples/aides-jeunes.yaml -o …pdf --url …`` as a person runs it: a
   new process each time (Python's start, the imports, the application, WeasyPrint's
   import and the PDF), wall time, best and median of the runs.
2. In one process, WeasyPrint already imported: the content (``paper_of``), the HTML and
   the PDF (``paper_pdf``), best and median; this is what a mini-site's first « Version
   papier » costs (it then keeps the PDF with the published version).
3. The HTML page alone (``paper_page``), what ``/s/aides-jeunes/papier`` costs.

Targets are reported, not asserted: a missed target still exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "aides-jeunes.yaml"
ADDRESS = "https://tremplin.example.org/s/aides-jeunes/"
TARGET_S = 2.0

sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package


def timed(run: Callable[[], object], times: int) -> list[float]:
    """The wall time of each of ``times`` runs, in seconds."""
    found = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return found


def command_runs(times: int, folder: Path) -> list[float]:
    """``tremplin paper`` in a new process each time."""
    command = [sys.executable, "-m", "builder.cli", "paper", str(EXAMPLE), "-o", str(folder / "aides.pdf"),
               "--url", ADDRESS, "--instance", str(folder / "instance")]
    return timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT), times)


def in_process_runs(times: int, folder: Path) -> tuple[list[float], list[float], str]:
    """The PDF, then the HTML page, in one warm process; and the PDF's number of pages."""
    from builder.app import create_app
    from builder.format.loader import load_service
    from builder.paper import paper_of
    from builder.paper.pdf import paper_page, paper_pdf

    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "TESTING": True})
    service = load_service(EXAMPLE)
    with app.test_request_context("/"):
        import weasyprint  # noqa: F401  (its import is counted in the command's figure, not here)
        pdf = paper_pdf(paper_of(service, "fr", ADDRESS))  # the first layout warms fonts up
        pdfs = timed(lambda: paper_pdf(paper_of(service, "fr", ADDRESS)), times)
        pages = timed(lambda: paper_page(paper_of(service, "fr", ADDRESS)), times * 10)
    (folder / "aides.pdf").write_bytes(pdf)
    return pdfs, pages, page_count(folder / "aides.pdf")


def page_count(pdf: Path) -> str:
    """How many pages the PDF has, as pdfinfo (poppler-utils) reads it; "?" without it."""
    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def row(name: str, values: list[float], target: float | None) -> tuple[str, str, str, str]:
    best, median = min(values), statistics.median(values)
    ok = "" if target is None else ("ok" if median < target else "NOT OK")
    return name, f"best {best:.2f} s, median {median:.2f} s ({len(values)} runs)", \
        "" if target is None else f"< {target:g} s", ok


def main() -> None:
    """Run the measures and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs of each measure")
    arguments = parser.parse_args()
    times = 2 if arguments.quick else 5
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        command = command_runs(times, folder)
        pdfs, pages, count = in_process_runs(times, folder)
    rows = [row("tremplin paper (a new process)", command, TARGET_S),
            row("PDF in a warm process", pdfs, TARGET_S),
            row("HTML page (/papier)", pages, None)]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; examples/aides-jeunes.yaml gives {count} A4 pages\n")
    widths = [max(len(str(r[i])) for r in rows + [("figure", "value", "target", "ok")]) for i in range(4)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(line.format("figure", "value", "target", "ok"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for item in rows:
        print(line.format(*item))


if __name__ == "__main__":
    main()
