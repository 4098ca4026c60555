"""Write the table of communes shipped with Tremplin (builder/data/communes.csv.gz)
from the official data published by Etalab in the npm package
@etalab/decoupage-administratif (licence ouverte / MIT), the same way every time:

    cd "$(mktemp -d)" && npm pack @etalab/decoupage-administratif && tar xzf etalab-*.tgz
    python scripts/communes.py "$PWD/package" [DATE]

DATE is the date of the package's version on the npm registry (``npm view
@etalab/decoupage-administratif time`` gives it), written into the table with the
package's version. The table has one line per current commune (``commune-actuelle``:
arrondissements, delegated and associated communes are left out, as in Aides Jeunes):
its INSEE code, its name, its postcodes (separated by spaces), its département, its
région and its EPCI (SIREN, empty when it has none), then one line per département,
région and EPCI with its name (and a département's région). Lines are sorted, so that two runs on the same package
give the same file, byte for byte.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "builder" / "data" / "communes.csv.gz"


def _read(package: Path, name: str) -> list[dict]:
    return json.loads((package / "data" / f"{name}.json").read_text(encoding="utf-8"))


def rows(package: Path) -> list[list[str]]:
    """The table's rows: ``commune`` lines, then ``departement``, ``region`` and ``epci``."""
    epci_of = {member["code"]: epci["code"] for epci in _read(package, "epci") for member in epci["membres"]}
    communes = sorted(
        ["commune", c["code"], c["nom"], " ".join(sorted(c.get("codesPostaux", []))),
         c.get("departement", ""), c.get("region", ""), epci_of.get(c["code"], "")]
        for c in _read(package, "communes") if c.get("type") == "commune-actuelle")
    others = [[kind, item["code"], item["nom"], "", "", item.get("region", "") if kind == "departement" else "", ""]
              for kind, name in (("departement", "departements"), ("region", "regions"), ("epci", "epci"))
              for item in sorted(_read(package, name), key=lambda item: item["code"])]
    return communes + others


def write(package: Path, date: str, target: Path = TARGET) -> int:
    """Write the table (gzip with no time stamp, for reproducible bytes); the number of communes."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    text = io.StringIO()
    text.write(f"# @etalab/decoupage-administratif {version} {date}\n")
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(["kind", "code", "nom", "codes_postaux", "departement", "region", "epci"])
    table = rows(package)
    writer.writerows(table)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.getvalue().encode("utf-8"))
    return sum(1 for row in table if row[0] == "commune")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    count = write(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) == 3 else "")
    print(f"{count} communes written to {TARGET}")
