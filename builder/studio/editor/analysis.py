"""The analyses of working copies (:class:`builder.editing.analysis.Analysis`), kept per revision.

Each is worked out once per revision and kept (:func:`analyse`), so that the
editor page, its htmx partials and every preview page of the same revision share it.
The last revision that compiled is also kept per service, so that the preview still
works while an edit in progress leaves the service with a problem (an empty step…).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app

from builder.editing.analysis import Analysis, work_out
from builder.editing.fragments import WrittenText
from builder.format.model import Service
from builder.storage.workspace import WorkingCopy

CACHE_SIZE = 64  # revisions kept in memory (each is one service, compiled), two at most per service

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple, Analysis] = OrderedDict()
_LAST_GOOD: dict[tuple, tuple[int, Service]] = {}


def analyse(copy: WorkingCopy, written: WrittenText | None = None) -> Analysis:
    """The analysis of this revision of the working copy (worked out once, then kept).

    It is found by the revision and the text read from the database with the request,
    never by anything kept in this process: a save by anyone else (another tab, another
    worker) makes a new revision, hence a new analysis. ``written`` is how the studio
    wrote that text, when it just did: what reading it gives is then worked out from
    the parts that changed (:mod:`builder.editing.fragments`)."""
    key = (current_app.config["DATABASE"], copy.service_id, copy.revision)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None and found.text == copy.yaml:
            _CACHE.move_to_end(key)
            return found
    analysis = work_out(copy, written)
    with _LOCK:
        _CACHE[key] = analysis
        for older in [kept for kept in _CACHE if kept[:2] == key[:2] and kept[2] < key[2] - 1]:
            del _CACHE[older]  # only the latest revision is ever asked for, and the one before during an edit
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        if analysis.service is not None:
            _LAST_GOOD[key[:2]] = (copy.revision, analysis.service)
    return analysis


def preview_service(copy: WorkingCopy) -> tuple[Service | None, bool]:
    """The service the preview shows, and whether it is this very revision (False: the
    last revision without problems, shown while this one has some)."""
    analysis = analyse(copy)
    if analysis.service is not None:
        return analysis.service, True
    with _LOCK:
        last = _LAST_GOOD.get((current_app.config["DATABASE"], copy.service_id))
    return (last[1], False) if last else (None, False)
