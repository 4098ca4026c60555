"""The list of published services, at / when Tremplin runs every service."""

from __future__ import annotations

from flask import Blueprint, render_template

from builder.db import get_db
from builder.site.catalog import get_live_service
from builder.storage import services as published

index_bp = Blueprint("index", __name__)


@index_bp.route("/")
def home() -> str:
    """Every published service, with its title and summary."""
    rows = published.list_published(get_db())
    services = [get_live_service(row.service_id).service for row in rows]
    return render_template("site/index.html", services=services)
