"""The mini-sites: each published service as a standalone, accessible site.

``tremplin run`` serves every published service at ``/s/<service_id>/``;
``tremplin serve FILE`` serves one service file at ``/``. Both use the same
blueprint, registered with a different URL prefix.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("site", __name__)

from builder.site import views, sending, following, resuming, paper, links, feedback, demarche, assisting  # noqa: E402,F401,E501  (routes register on bp)


def init_app(app: Flask) -> None:
    """Register the mini-site routes: at / for one served file, else under /s/<id>/."""
    from builder.site.catalog import served_file_service_id
    from builder.site.index import index_bp

    served = app.config.get("SERVE_FILE")
    if served:
        app.register_blueprint(bp, url_prefix="", url_defaults={"service_id": served_file_service_id(served)})
    else:
        app.register_blueprint(bp, url_prefix="/s/<service_id>")
        app.register_blueprint(index_bp)
