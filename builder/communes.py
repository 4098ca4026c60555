"""The communes of France, with their postcodes, département, région and EPCI.

The table is shipped with the package (``builder/data/communes.csv.gz``), derived by
``scripts/communes.py`` from Etalab's @etalab/decoupage-administratif; it is read once,
the first time it is needed. :func:`find` gives a commune by its INSEE code,
:func:`search` the communes a person may mean by a postcode or a name, :func:`name_of`
the name of a département, a région or an EPCI.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "communes.csv.gz"
INSEE_CODE = re.compile(r"(?:\d{2}|2[AB])\d{3}")
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Commune:
    """A current commune: INSEE ``code``, ``name``, ``postcodes``, ``departement``,
    ``region`` and ``epci`` (codes; ``epci`` is "" for a commune outside any EPCI)."""

    code: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    region: str
    epci: str

    def label(self) -> str:
        """``Saint-Denis (93200, 93210, 93380), Seine-Saint-Denis``: the name, its first
        postcodes and its département, to tell homonyms apart."""
        shown = ", ".join(self.postcodes[:3]) + ("…" if len(self.postcodes) > 3 else "")
        where = name_of("departement", self.departement)
        return ", ".join(part for part in (f"{self.name} ({shown})" if shown else self.name, where) if part)


@dataclass(frozen=True)
class Table:
    """The whole table: communes by code, names of the other territories, and its source."""

    communes: dict[str, Commune]
    names: dict[tuple[str, str], str]
    regions: dict[str, str]
    source: str
    index: tuple[tuple[str, Commune], ...]  # (normalized name, commune), sorted
    postcodes: tuple[tuple[str, Commune], ...]  # (postcode, commune), sorted


def normalize(text: str) -> str:
    """A name as searched: lowercase, without accents, words separated by one space,
    ``st``/``ste`` written out (« St-Étienne » finds Saint-Étienne)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(word, word) for word in words)


@cache
def table() -> Table:
    """The table, read once."""
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as text:
        source = text.readline().lstrip("# ").strip()
        reader = csv.DictReader(text, delimiter=";")
        communes, names, regions = {}, {}, {}
        for row in reader:
            if row["kind"] == "commune":
                communes[row["code"]] = Commune(row["code"], row["nom"], tuple(row["codes_postaux"].split()),
                                                row["departement"], row["region"], row["epci"])
            elif row["kind"] == "departement":
                regions[row["code"]] = row["region"]
            names[(row["kind"], row["code"])] = row["nom"]
    index = tuple(sorted(((normalize(c.name), c) for c in communes.values()), key=lambda pair: pair[0]))
    postcodes = tuple(sorted(((p, c) for c in communes.values() for p in c.postcodes), key=lambda pair: pair[0]))
    return Table(communes, names, regions, source, index, postcodes)


def find(code: object) -> Commune | None:
    """The commune whose INSEE code is ``code``, else None."""
    return table().communes.get(code) if isinstance(code, str) else None


def name_of(kind: str, code: str) -> str:
    """The name of a ``commune``, ``departement``, ``region`` or ``epci`` ("" if unknown)."""
    return table().names.get((kind, code), "")


def departements() -> dict[str, str]:
    """The région of each département, by their codes."""
    return dict(table().regions)


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Commune]:
    """The communes ``text`` may name: a postcode (or its first digits), else a name
    (those whose name is it first, then those whose name starts with it, then those
    where it is a word), at most ``limit``."""
    compact = re.sub(r"\s", "", text)
    if compact.isdigit() and 2 <= len(compact) <= 5:
        pairs = table().postcodes
        start = bisect.bisect_left(pairs, compact, key=lambda pair: pair[0])
        found: dict[str, Commune] = {}
        for postcode, commune in pairs[start:]:
            if not postcode.startswith(compact) or len(found) >= limit:
                break
            found.setdefault(commune.code, commune)
        return list(found.values())
    wanted = normalize(text)
    if len(wanted) < 2:
        return []
    exact, starts, inside = [], [], []
    for name, commune in table().index:
        if name == wanted:
            exact.append(commune)
        elif name.startswith(wanted):
            starts.append(commune)
        elif f" {wanted}" in f" {name}":
            inside.append(commune)
    return (exact + starts + inside)[:limit]


def matches(commune: Commune, text: str) -> bool:
    """Whether :func:`search` could give ``commune`` for ``text`` (limit aside)."""
    compact = re.sub(r"\s", "", text)
    if compact.isdigit():
        return any(postcode.startswith(compact) for postcode in commune.postcodes)
    wanted = normalize(text)
    return bool(wanted) and f" {wanted}" in f" {normalize(commune.name)}"


def is_exact(commune: Commune, text: str) -> bool:
    """Whether ``text`` is the commune's whole name (accents and case aside)."""
    return normalize(commune.name) == normalize(text)


def source() -> str:
    """Where the table comes from: ``@etalab/decoupage-administratif 6.0.0 2026-04-09``."""
    return table().source
