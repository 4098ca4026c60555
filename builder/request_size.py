"""How large a request may be, counted on the bytes actually read.

Two limits: ``MAX_CONTENT_LENGTH`` (256 KiB by default) for everything but the studio,
and, under ``/studio/``, what it takes to send the largest service file the loader
accepts (:data:`builder.format.yaml_lines.MAX_BYTES`, set by ``TREMPLIN_MAX_SERVICE_BYTES``)
in a form: three times its size, as percent-encoding writes a byte as up to three
characters, plus :data:`FORM_MARGIN` for the other fields. So a file that ``tremplin
validate`` accepts is never refused by the studio for its size.

A body with a declared length is refused before it is read when that length is over the
limit (Werkzeug then reads no more than the declared length). A body without one
(``Transfer-Encoding: chunked``) is read by :class:`BodyLimit` up to the limit and one
byte more: over the limit, the request is answered 413 with the friendly page, never
handled with a body cut short.
"""

from __future__ import annotations

import io
from typing import Callable, Iterable

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from builder.format.yaml_lines import MAX_BYTES

FORM_MARGIN = 64 * 1024
STUDIO_PREFIX = "/studio/"
TOO_LARGE = "tremplin.body_too_large"
# What is read and thrown away of a body found too large, so that the client, still
# sending, reads the 413 page rather than a reset connection; a longer body is cut off.
DRAIN_LIMIT = 16 * 1024 * 1024
_CHUNK = 64 * 1024


def studio_limit() -> int:
    """The largest request under ``/studio/``: a service file of ``MAX_BYTES``, percent-encoded."""
    return 3 * MAX_BYTES + FORM_MARGIN


def limit_for(app: Flask, path: str) -> int | None:
    """The largest body a request to ``path`` may have (None: no limit)."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and path.startswith(STUDIO_PREFIX):
        return max(limit, studio_limit())
    return limit


class BodyLimit:
    """WSGI middleware: read a body of unknown length (chunked) up to its limit, then
    hand it on with its real ``Content-Length``, or mark the request too large."""

    def __init__(self, wsgi_app: Callable, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("wsgi.input_terminated") and not environ.get("CONTENT_LENGTH"):
            limit = limit_for(self.app, environ.get("PATH_INFO", ""))
            if limit is not None:
                body, too_large = read_at_most(environ["wsgi.input"], limit)
                if too_large:
                    read_at_most(environ["wsgi.input"], DRAIN_LIMIT, keep=False)
                environ[TOO_LARGE] = too_large
                environ["wsgi.input"] = io.BytesIO(b"" if too_large else body)
                environ["CONTENT_LENGTH"] = "0" if too_large else str(len(body))
        return self.wsgi_app(environ, start_response)


def read_at_most(stream, limit: int, keep: bool = True) -> tuple[bytes, bool]:
    """The body read from ``stream``, up to ``limit`` bytes (nothing when not ``keep``),
    and whether it had more."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        if keep:
            chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), size > limit


def refuse_large_requests() -> None:
    """Answer 413 (the friendly page) when the body is over this path's limit: declared
    so, or found so by :class:`BodyLimit`. Runs before anything else reads the body."""
    current = request._get_current_object()  # one look-up: this runs on every request
    environ = current.environ
    if environ.get(TOO_LARGE):
        raise RequestEntityTooLarge()
    if not environ.get("CONTENT_LENGTH"):
        return  # no body (a chunked one has its length by now)
    app = current_app._get_current_object()
    limit = limit_for(app, environ.get("PATH_INFO", ""))
    if limit is not None and (current.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if limit != app.config["MAX_CONTENT_LENGTH"]:
        current.max_content_length = limit  # what Werkzeug enforces while reading


def init_app(app: Flask) -> None:
    """Count every body against its limit, chunked or not."""
    app.wsgi_app = BodyLimit(app.wsgi_app, app)
    app.before_request(refuse_large_requests)
