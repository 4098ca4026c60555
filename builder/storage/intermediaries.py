"""Who filled in a submission for someone else (« mode accompagnant »), and how.

A member of the organisation (a social worker, a volunteer) may fill in a request for a
person, or key in a paper form that came back by post. The submission then records the
intermediary's name and structure, optionally the name of the person it is for, and the
person's agreement (:data:`AGREEMENTS`). It is one row per such submission, beside the
submission's own row: written in the same transaction
(:func:`builder.storage.submissions.record`), deleted with it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping

from sqlalchemy import Column, ForeignKey, Integer, Table, Text, select

from builder.messages import register, render
from builder.storage.database import Database, metadata

PRESENT, MANDATE, PAPER = "present", "mandate", "paper"
AGREEMENTS = (PRESENT, MANDATE, PAPER)  # present and agreeing; a mandate; a signed paper form

register({
    "agreement.present": ("La personne est présente et d'accord", "The person is present and agrees"),
    "agreement.mandate": ("Mandat de la personne", "The person's mandate"),
    "agreement.paper": ("Formulaire papier signé", "Signed paper form"),
})


def agreement_label(agreement: str, lang: str = "fr") -> str:
    """The person's agreement in words, as the studio and the exports show it."""
    return render(f"agreement.{agreement}", lang) if agreement in AGREEMENTS else agreement

intermediaries = Table(
    "submission_intermediaries", metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("name", Text, nullable=False), Column("structure", Text, nullable=False),
    Column("person", Text), Column("agreement", Text, nullable=False),
    Column("user_id", Integer),  # the studio account that filled it in (None once it is deleted)
)


@dataclasses.dataclass(frozen=True)
class Intermediary:
    """Who filled in a submission for someone else, for whom, and with what agreement."""

    name: str
    structure: str
    agreement: str  # one of AGREEMENTS
    person: str | None = None  # the name of the person it is for, when given
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.agreement not in AGREEMENTS:
            raise ValueError(f"unknown agreement: {self.agreement!r}")

    def as_dict(self) -> dict[str, Any]:
        """The fields, to keep in a session or write to the table."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Intermediary:
        """The intermediary kept by :meth:`as_dict`."""
        return cls(**{field.name: values.get(field.name) for field in dataclasses.fields(cls)})


def insert(db: Database, submission_id: int, intermediary: Intermediary) -> None:
    """Record who filled in ``submission_id`` (inside the caller's transaction)."""
    db.execute(intermediaries.insert(), {"submission_id": submission_id, **intermediary.as_dict()})


_CHUNK = 500  # ids per query: far below SQLite's limit on bound parameters


def for_submissions(db: Database, ids: Iterable[int]) -> dict[int, Intermediary]:
    """The intermediary of each of these submissions that was filled in for someone."""
    wanted, found = list(ids), {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        rows = db.execute(select(intermediaries).where(intermediaries.c.submission_id.in_(chunk))).mappings()
        found.update({row["submission_id"]: Intermediary.from_dict(row) for row in rows})
    return found
