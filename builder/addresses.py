"""The addresses given to people elsewhere (a link to share, a QR code, a mail), built on
``PUBLIC_URL`` when it is set, and whether an address only works on this computer."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

LOCAL_HOSTS = ("localhost", "0.0.0.0", "::1")


def external_url(endpoint: str, **values) -> str:
    """The full address of a page, for someone elsewhere (a link to share, a QR code, a
    mail): on ``PUBLIC_URL`` when it is set (« https://tremplin.example.org »), else on
    the address this request came to."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def only_here(url: str) -> bool:
    """Whether ``url`` only works on this computer (127.0.0.1, localhost…): a phone or
    anyone else cannot open it."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")
