"""Write the table of Aides Jeunes' institutions shipped with Tremplin
(builder/data/aides_jeunes_institutions.csv), which the import of benefit files reads
(a benefit names its institution; ``attached_to_institution`` needs its territory):

    python scripts/aides_jeunes_institutions.py AIDES_JEUNES_CHECKOUT [DATE]

AIDES_JEUNES_CHECKOUT is a copy of github.com/betagouv/aides-jeunes (its
``data/institutions/*.yml``, AGPL-3.0); DATE, the date of that copy, is written in the
first line. One line per institution, sorted by its file name: the name of the file
(what ``institution:`` gives), its type (``region``, ``departement``, ``epci``,
``commune``, ``caf``…), its name, its INSEE code and its SIREN number.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import yaml

TARGET = Path(__file__).resolve().parent.parent / "builder" / "data" / "aides_jeunes_institutions.csv"


def rows(checkout: Path) -> list[list[str]]:
    """``[slug, type, name, code_insee, code_siren]`` for each institution file."""
    found = []
    for path in sorted((checkout / "data" / "institutions").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.append([path.stem, str(data.get("type") or ""), " ".join(str(data.get("name") or path.stem).split()),
                      str(data.get("code_insee") or ""), str(data.get("code_siren") or "")])
    return found


def write(checkout: Path, date: str, target: Path = TARGET) -> int:
    """Write the table; the number of institutions."""
    text = io.StringIO()
    text.write(f"# betagouv/aides-jeunes data/institutions {date}\n")
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(["slug", "type", "name", "code_insee", "code_siren"])
    table = rows(checkout)
    writer.writerows(table)
    target.write_text(text.getvalue(), encoding="utf-8")
    return len(table)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    count = write(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) == 3 else "")
    print(f"{count} institutions written to {TARGET}")
