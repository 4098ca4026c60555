"""How responses travel when no proxy stands in front: compressed, and static files
fingerprinted and kept by browsers for a year.

- Text responses (HTML, CSS, JavaScript, JSON, SVG…) go out compressed with
  Flask-Compress, in the best encoding the browser accepts (zstd, Brotli or gzip),
  static files included. ``Vary: Accept-Encoding`` tells caches. Streamed responses
  are left as they are (``COMPRESS_STREAMS`` off: Flask-Compress would never close
  the file behind them); static files, a few kilobytes each, are read whole instead
  of streamed, so that they are compressed like pages.
- ``static_url("site.css")`` is ``/static/site.css?v=<hash of the file's content>``.
  A request carrying the file's current hash is answered with ``Cache-Control: public,
  max-age=31536000, immutable``: the browser never asks again, and a changed file gets
  a new URL. Any other static request keeps Flask's ``SEND_FILE_MAX_AGE_DEFAULT``.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, current_app, request, url_for
from flask_compress import Compress

YEAR = 365 * 24 * 3600
compress = Compress()
_FINGERPRINTS: dict[str, str | None] = {}


def init_app(app: Flask) -> None:
    """Compress responses, cache fingerprinted static files, offer ``static_url``."""
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.after_request(prepare_static)  # runs before Flask-Compress's, registered earlier
    app.jinja_env.globals["static_url"] = static_url


def fingerprint(filename: str) -> str | None:
    """A short hash of the static file's content (None when there is no such file).

    Read once per process; on every call in debug mode, where files change while the
    server runs.
    """
    path = os.path.join(current_app.static_folder, filename)
    if current_app.debug or path not in _FINGERPRINTS:
        try:
            with open(path, "rb") as file:
                _FINGERPRINTS[path] = hashlib.sha256(file.read()).hexdigest()[:16]
        except OSError:  # missing, or a folder: no fingerprint, no long cache
            _FINGERPRINTS[path] = None
    return _FINGERPRINTS[path]


def static_url(filename: str) -> str:
    """The URL of a static file, changing whenever its content does."""
    return url_for("static", filename=filename, v=fingerprint(filename))


def prepare_static(response: Response) -> Response:
    """A static file is read whole (to be compressed), and when asked for by its
    current fingerprint, it is kept a year, unchanged."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    if response.status_code == 200:
        response.direct_passthrough = False
        response.get_data()  # the file is read, and closed with the response
    version = request.args.get("v")
    if version and version == fingerprint((request.view_args or {}).get("filename", "")):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response
