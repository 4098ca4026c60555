"""The table every export format shares: one row per submission, one column per fact.

Columns, in this order:

1. the submission's reference;
2. when it was sent, in Paris time (:data:`TIMEZONE`, the studio's own time zone);
   then, when one submission at least was filled in by an intermediary for someone else
   (:mod:`builder.storage.intermediaries`), who filled it in, their structure, for whom,
   and the person's agreement (:class:`IntermediaryColumn`);
3. one column per question of the service, in the order of the file, headed by the
   question's label in the export language (followed by ``(id)`` when two headers
   would otherwise read the same);
4. one column per outcome of the service (``oui``, ``non`` or ``?`` as stored with each
   submission; blank for a submission that stored none), then one per outcome id
   stored by older submissions that the service no longer has;
5. the follow-up (:class:`FollowUpColumn`): the status the association set, its date,
   who handles the request, and the corrections the person made (when, and which
   answers changed from what to what);
6. one column per answer id the service no longer asks (a question renamed or
   deleted after people answered it), so that nothing sent is ever lost. Its header
   is the label it had in the most recent older version given in ``history``, or
   the id itself.

Stored answers are JSON; each is turned back into its typed value with the block
type's own ``clean`` (a date becomes a :class:`datetime.date`), with the day it was
sent as ``today``. An answer the block no longer accepts (an option removed since)
is kept as it was stored (:class:`Kept`). Each column then formats a value for one
use: :meth:`Column.csv` (text), :meth:`Column.native` (a typed spreadsheet cell) and
:meth:`Column.json`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo

from builder.format.model import Block, Service, localize
from builder.messages import Problem, register, render
from builder.statuses import status_label
from builder.storage import as_utc
from builder.storage.intermediaries import agreement_label

TIMEZONE = ZoneInfo("Europe/Paris")  # as BABEL_DEFAULT_TIMEZONE in builder.app
OUTCOME_WORDS = {"yes": "oui", "no": "non"}  # any other stored status reads "?"

register({
    "exports.reference": ("Référence", "Reference"),
    "exports.submitted_at": ("Date d'envoi (heure de Paris)", "Submitted at (Paris time)"),
    "exports.intermediary.name": ("Remplie par", "Filled in by"),
    "exports.intermediary.structure": ("Structure de l'intermédiaire", "Intermediary's organisation"),
    "exports.intermediary.person": ("Pour la personne", "For the person"),
    "exports.intermediary.agreement": ("Accord de la personne", "Person's agreement"),
    "exports.status": ("Statut du suivi", "Follow-up status"),
    "exports.status_at": ("Date du statut (heure de Paris)", "Status date (Paris time)"),
    "exports.handler": ("Suivie par", "Handled by"),
    "exports.revisions": ("Corrections de la personne", "Corrections by the person"),
    "exports.revision": ("{at} : {changes}", "{at}: {changes}"),
})
INTERMEDIARY_FIELDS = ("name", "structure", "person", "agreement")


@dataclass(frozen=True)
class Kept:
    """An answer its block no longer accepts (or no block knows), kept as stored."""

    raw: Any


@dataclass(frozen=True)
class Record:
    """One submission made ready for export."""

    submission: Any  # builder.storage.submissions.Submission, or alike
    submitted_at: dt.datetime  # aware, in TIMEZONE
    answers: dict[str, Any]  # id → typed value, None when blank, or Kept
    outcomes: dict[str, str] | None  # outcome id → "yes" | "no" | "unknown"; None if none stored


def plain_text(value: Any) -> str:
    """A stored value as readable text: lists joined by « ; », yes/no as oui/non."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return "; ".join(plain_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def is_number(value: Any) -> bool:
    """True for an int or a float (a bool is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- Columns ---------------------------------------------------------------------

@dataclass
class Column:
    """A column of the table: a key, a header, and how to format its values."""

    key: str
    header: str

    def value(self, record: Record) -> Any:
        """This column's value in ``record``."""
        raise NotImplementedError

    def csv(self, value: Any) -> str:
        """The value as CSV text ("" when blank)."""
        return plain_text(value)

    def native(self, value: Any) -> Any:
        """The value as a typed spreadsheet cell: str, int, float, date, datetime or None."""
        text = self.csv(value)
        return text or None

    def json(self, value: Any) -> Any:
        """The value as a JSON-able value."""
        return value


class ReferenceColumn(Column):
    """The reference the person was given."""

    def value(self, record: Record) -> str:
        """The submission's reference."""
        return record.submission.reference


class SubmittedAtColumn(Column):
    """When the submission was sent, in Paris time."""

    def value(self, record: Record) -> dt.datetime:
        """The aware local time of sending."""
        return record.submitted_at

    def csv(self, value: dt.datetime) -> str:
        """``2026-09-01 14:05:00``: local time, which spreadsheets read as a date-time."""
        return value.strftime("%Y-%m-%d %H:%M:%S")

    def native(self, value: dt.datetime) -> dt.datetime:
        """A naive local date-time (spreadsheets know no time zones)."""
        return value.replace(tzinfo=None)

    def json(self, value: dt.datetime) -> str:
        """``2026-09-01T14:05:00+02:00``: ISO 8601 with the offset."""
        return value.isoformat(timespec="seconds")


@dataclass
class AnswerColumn(Column):
    """The answers to one question; ``block`` is None for an id no version knows."""

    block: Block | None = None
    current: bool = True  # False for an id the service no longer asks

    def value(self, record: Record) -> Any:
        """The typed answer, None when blank or absent, or :class:`Kept`."""
        return record.answers.get(self.key)

    def csv(self, value: Any) -> str:
        """The block type's CSV formatting (plain text for what it cannot read)."""
        if value is None or isinstance(value, Kept) or self.block is None:
            return plain_text(value.raw if isinstance(value, Kept) else value)
        return self.block.type.format_csv(self.block.params, value)

    def native(self, value: Any) -> Any:
        """Dates stay dates and numbers stay numbers; the rest is the CSV text."""
        if isinstance(value, dt.date) or is_number(value):
            return value
        return super().native(value)

    def json(self, value: Any) -> Any:
        """The block type's JSON formatting (the stored value for what it cannot read)."""
        if isinstance(value, Kept):
            return value.raw
        if value is None or self.block is None:
            return value
        return self.block.type.format_json(self.block.params, value)


@dataclass
class IntermediaryColumn(Column):
    """Who filled the submission in for someone else, for whom, and with what agreement."""

    lang: str = "fr"

    def value(self, record: Record) -> str | None:
        """The field ``key`` of the submission's intermediary; None when the person sent it."""
        intermediary = getattr(record.submission, "intermediary", None)
        return getattr(intermediary, self.key) if intermediary else None

    def csv(self, value: str | None) -> str:
        """The text; the agreement in words."""
        if value is not None and self.key == "agreement":
            return agreement_label(value, self.lang)
        return plain_text(value)


class OutcomeColumn(Column):
    """Whether an outcome applied, as stored with the submission."""

    def value(self, record: Record) -> str | None:
        """``yes``, ``no``, ``unknown``, or None when the submission stored no outcomes."""
        if record.outcomes is None:
            return None
        return record.outcomes.get(self.key)

    def csv(self, value: str | None) -> str:
        """``oui``, ``non``, ``?``, or "" when nothing was stored."""
        if value is None:
            return ""
        return OUTCOME_WORDS.get(value, "?")


class FollowUpColumn(Column):
    """A fact of the request's follow-up; ``json_name`` names it in the JSON export."""

    json_name = ""


class StatusColumn(FollowUpColumn):
    """The status the association set (« Reçue » until it sets one)."""

    json_name = "status"

    def __init__(self, key: str, header: str, lang: str):
        super().__init__(key, header)
        self.lang = lang

    def value(self, record: Record) -> str:
        """The stored status: ``received``, ``in_progress``, ``treated`` or ``closed``."""
        return getattr(record.submission, "status", None) or "received"

    def csv(self, value: str) -> str:
        """The status in words, in the export's language."""
        return status_label(value, self.lang)


class StatusAtColumn(FollowUpColumn, SubmittedAtColumn):
    """When the status was set (when it was sent, for one never changed)."""

    json_name = "status_at"

    def value(self, record: Record) -> dt.datetime:
        """The aware local time of the status."""
        moment = getattr(record.submission, "status_at", None)
        return local_time(moment) if moment else record.submitted_at


class HandlerColumn(FollowUpColumn):
    """The name of the member of the organisation who handles the request ("" for nobody)."""

    json_name = "handler"

    def value(self, record: Record) -> str:
        """The handler's name, as the storage filled it in."""
        return getattr(record.submission, "handler", "") or ""


@dataclass
class RevisionsColumn(FollowUpColumn):
    """The corrections the person made, oldest first, with the labels of the questions."""

    json_name = "revisions"
    labels: dict[str, str] = field(default_factory=dict)
    lang: str = "fr"

    def value(self, record: Record) -> tuple:
        """The submission's revisions (:class:`builder.storage.followup.Revision`)."""
        return tuple(getattr(record.submission, "revisions", ()) or ())

    def csv(self, value: tuple) -> str:
        """One line per correction: when, then « question : before → after » for each change."""
        return "\n".join(render("exports.revision", self.lang, at=local_time(revision.at).strftime("%Y-%m-%d %H:%M"),
                                 changes="; ".join(f"{self.labels.get(change.key, change.key)} : "
                                                   f"{plain_text(change.before) or '—'} → {plain_text(change.after) or '—'}"
                                                   for change in revision.changes))
                         for revision in value)

    def json(self, value: tuple) -> list[dict[str, Any]]:
        """``[{"at", "author", "changes": [{"question", "before", "after"}]}]``, as stored."""
        return [{"at": local_time(revision.at).isoformat(timespec="seconds"), "author": revision.author,
                 "changes": [{"question": change.key, "before": change.before, "after": change.after}
                             for change in revision.changes]} for revision in value]


def follow_up_columns(service: Service, lang: str) -> list[Column]:
    """The follow-up's columns, last in every export."""
    labels = {key: block.text("label", lang, service.languages) or key for key, block in service.questions.items()}
    return [StatusColumn("follow_up_status", render("exports.status", lang), lang),
            StatusAtColumn("follow_up_status_at", render("exports.status_at", lang)),
            HandlerColumn("follow_up_handler", render("exports.handler", lang)),
            RevisionsColumn("follow_up_revisions", render("exports.revisions", lang), labels, lang)]


# --- The table -------------------------------------------------------------------

@dataclass
class Table:
    """The columns and the prepared submissions of one export."""

    service: Service
    lang: str
    columns: list[Column]
    records: list[Record]
    version: int | None = None
    exported_at: dt.datetime = field(default_factory=lambda: local_time(None))

    def header(self) -> list[str]:
        """The header of every column."""
        return [column.header for column in self.columns]

    def rows(self, cell: Callable[[Column, Any], Any]) -> Iterator[list[Any]]:
        """One list per submission: ``cell(column, value)`` for every column."""
        for record in self.records:
            yield [cell(column, column.value(record)) for column in self.columns]

    def columns_of(self, kind: type[Column]) -> list[Column]:
        """The columns of one kind (answers, outcomes…), in order."""
        return [column for column in self.columns if isinstance(column, kind)]


def build_table(
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    *,
    version: int | None = None,
    history: Iterable[Service] = (),
) -> Table:
    """The table of ``submissions`` to ``service`` (see the module docstring).

    ``history`` gives older versions of the service, newest first; it is only read
    when some answer has an id the service no longer asks, to find its label.
    """
    submissions = list(submissions)
    questions = service.questions
    former_ids = [key for key in _first_seen(s.answers for s in submissions) if key not in questions]
    former = _former_blocks(history, set(former_ids)) if former_ids else {}
    readers = {key: block for key, (block, _) in former.items()} | questions
    records = [_record(submission, readers) for submission in submissions]
    columns: list[Column] = [
        ReferenceColumn("reference", render("exports.reference", lang)),
        SubmittedAtColumn("submitted_at", render("exports.submitted_at", lang)),
        *_intermediary_columns(records, lang),
        *(_answer_column(block, service, lang) for block in questions.values()),
        *_outcome_columns(service, records, lang),
        *follow_up_columns(service, lang),
        *(_answer_column(*former[key], lang, current=False) if key in former
          else AnswerColumn(key, key, None, current=False) for key in former_ids),
    ]
    _disambiguate(columns)
    return Table(service, lang, columns, records, version)


def local_time(moment: dt.datetime | None) -> dt.datetime:
    """``moment`` (UTC when naive; now when None) in :data:`TIMEZONE`, to the second."""
    return as_utc(moment).astimezone(TIMEZONE).replace(microsecond=0)


def _record(submission: Any, readers: Mapping[str, Block]) -> Record:
    """``submission`` with its answers read by ``readers`` (block by answer id)."""
    submitted_at = local_time(submission.created_at)
    answers = {key: typed_answer(readers.get(key), raw, submitted_at.date())
               for key, raw in submission.answers.items()}
    outcomes = getattr(submission, "outcomes", None)
    return Record(submission, submitted_at, answers, dict(outcomes) if outcomes else None)


def typed_answer(block: Block | None, raw: Any, today: dt.date) -> Any:
    """The stored answer ``raw`` cleaned by ``block``'s type; None when blank.

    What the block does not accept (or an answer no block knows) comes back as
    :class:`Kept`, never as an error: an export must not fail on an old answer.
    """
    if raw is None:
        return None
    if block is None:
        return Kept(raw)
    if block.type.is_blank(raw):
        return None
    try:
        return block.type.clean(block.params, raw, today)
    except (Problem, TypeError, ValueError):
        return Kept(raw)


def _answer_column(block: Block, service: Service, lang: str, current: bool = True) -> AnswerColumn:
    label = block.text("label", lang, service.languages) or block.id
    return AnswerColumn(block.id, label, block, current)


def _intermediary_columns(records: list[Record], lang: str) -> list[Column]:
    """Who filled them in for someone, when one of the submissions was (else no column)."""
    if not any(getattr(record.submission, "intermediary", None) for record in records):
        return []
    return [IntermediaryColumn(key, render(f"exports.intermediary.{key}", lang), lang)
            for key in INTERMEDIARY_FIELDS]


def _outcome_columns(service: Service, records: list[Record], lang: str) -> list[Column]:
    """The service's outcomes, then the stored outcome ids it no longer has."""
    columns = [OutcomeColumn(outcome.id, localize(outcome.title, lang, service.languages))
               for outcome in service.outcomes]
    known = {outcome.id for outcome in service.outcomes}
    stored = _first_seen(record.outcomes for record in records if record.outcomes)
    return columns + [OutcomeColumn(key, key) for key in stored if key not in known]


def _former_blocks(history: Iterable[Service], wanted: set[str]) -> dict[str, tuple[Block, Service]]:
    """For each wanted id, its block in the most recent older version that has it."""
    found: dict[str, tuple[Block, Service]] = {}
    for older in history:
        for key, block in older.questions.items():
            if key in wanted and key not in found:
                found[key] = (block, older)
        if len(found) == len(wanted):
            break  # older versions are compiled lazily: stop as soon as possible
    return found


def _first_seen(mappings: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every key of ``mappings``, in the order it first appears."""
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)


def _disambiguate(columns: list[Column]) -> None:
    """Add ``(id)`` to the header of answer and outcome columns sharing a header."""
    counts: dict[str, int] = {}
    for column in columns:
        counts[column.header] = counts.get(column.header, 0) + 1
    for column in columns:
        if counts[column.header] > 1 and isinstance(column, (AnswerColumn, OutcomeColumn)):
            if column.header != column.key:
                column.header = f"{column.header} ({column.key})"
