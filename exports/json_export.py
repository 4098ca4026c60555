"""JSON: the submissions of a service for programs (a dashboard, a data team, an import).

::

    {"service": {"id", "title", "version", "questions": [{"id", "label", "type"}, …]},
     "exported_at": "2026-09-01T14:05:00+02:00",
     "submissions": [{"reference", "submitted_at", "service_version", "lang",
                      "answers": {id: value, …}, "outcomes": {id: "yes"|"no"|"unknown"},
                      "follow_up": {"status", "status_at", "handler", "revisions"},
                      "intermediary": null | {"name", "structure", "person", "agreement"}}]}

Answers are formatted by each block type's ``format_json`` (a date is
``"2006-07-14"``, a number a number, a yes/no a boolean); every question of the
service appears (``null`` when unanswered), then the ids it no longer asks, as stored.
``outcomes`` is empty for a submission that stored none. ``intermediary`` is who filled
it in for someone else (``agreement``: ``present``, ``mandate`` or ``paper``), null when
the person sent it. ``follow_up`` is the status the
association set (``received``, ``in_progress``, ``treated``, ``closed``), its date, the
name of who handles it ("" for nobody) and the person's corrections
(``[{"at", "author", "changes": [{"question", "before", "after"}]}]``, answers as
stored). UTF-8, accents kept as is.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from builder.format.model import Service
from exports.table import INTERMEDIARY_FIELDS, AnswerColumn, FollowUpColumn, OutcomeColumn, Record, Table, build_table

media_type = "application/json"
extension = "json"


def export(
    service: Service,
    submissions: Iterable[Any],
    lang: str = "fr",
    *,
    version: int | None = None,
    history: Iterable[Service] = (),
) -> bytes:
    """The submissions to ``service`` as JSON bytes (see the module docstring)."""
    table = build_table(service, submissions, lang, version=version, history=history)
    text = json.dumps(document(table), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def document(table: Table) -> dict[str, Any]:
    """The whole export as a JSON-able mapping."""
    return {
        "service": {
            "id": table.service.id,
            "title": table.service.text("title", table.lang),
            "version": table.version,
            "questions": [_question(column) for column in table.columns_of(AnswerColumn)],
        },
        "exported_at": table.exported_at.isoformat(timespec="seconds"),
        "submissions": [_submission(table, record) for record in table.records],
    }


def _question(column: AnswerColumn) -> dict[str, Any]:
    return {"id": column.key, "label": column.header,
            "type": column.block.type.name if column.block else None,
            "current": column.current}


def _submission(table: Table, record: Record) -> dict[str, Any]:
    submission = record.submission
    outcomes = table.columns_of(OutcomeColumn) if record.outcomes is not None else []
    return {
        "reference": submission.reference,
        "submitted_at": record.submitted_at.isoformat(timespec="seconds"),
        "service_version": submission.service_version,
        "lang": submission.lang,
        "answers": {column.key: column.json(column.value(record))
                    for column in table.columns_of(AnswerColumn)},
        "outcomes": {column.key: column.value(record) for column in outcomes
                     if column.key in record.outcomes},
        "intermediary": _intermediary(getattr(submission, "intermediary", None)),
        "follow_up": {column.json_name: column.json(column.value(record)) for column in table.columns_of(FollowUpColumn)},
    }


def _intermediary(intermediary: Any) -> dict[str, Any] | None:
    """Who filled it in for someone else (the agreement as a code), or None."""
    if intermediary is None:
        return None
    return {key: getattr(intermediary, key) for key in INTERMEDIARY_FIELDS}
