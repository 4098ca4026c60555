"""Flask extensions that views use directly, created here once and attached by the
application factory (``init_app``).

- :data:`htmx` (flask-htmx) is how a view knows that htmx sent the request: ``if htmx:``
  is true for a request with ``HX-Request: true``. It is the one way Tremplin recognises
  an htmx request, on the mini-sites as in the studio.
"""

from __future__ import annotations

from flask_htmx import HTMX

htmx = HTMX()
