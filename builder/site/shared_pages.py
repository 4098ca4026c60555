"""Pages that hold nothing of the person's, rendered once and served to everyone.

A step page seen for the first time (none of its questions answered yet) is the same
for every person who reaches it by the same path: only the CSRF token differs. It is
rendered once per service version and day, with a placeholder for the token, kept with
the compiled service (``Service.derived_on(day)``) and served with the person's own token put in
its place. A page that shows one of the person's answers is never kept: nothing
personal stays in memory, and the kept pages are a small, bounded set (steps ×
languages × the blocks shown × where « Retour » leads).
"""

from __future__ import annotations

import secrets
from typing import Any, Callable, Hashable

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from builder.format.model import Service

# Random for each process, so that no author's text can contain it (a title holding a
# fixed placeholder got each person's token, and the form none).
TOKEN_PLACEHOLDER = f"csrf-{secrets.token_urlsafe(24)}"


def shared_page(service: Service, key: Hashable, render: Callable[..., str], day: Any) -> str:
    """The page ``key`` of ``service`` on ``day``, rendered by ``render(csrf_token=...)`` the first time.

    Pages are kept for the day they were made on (a date question's limits can show
    it); in debug mode, where templates change while the server runs, never.
    """
    kept = service.derived_on(day)
    page = None if current_app.debug else kept.get(("shared page", key))
    if page is None:
        page = render(csrf_token=lambda: TOKEN_PLACEHOLDER)
        if TOKEN_PLACEHOLDER not in page:
            return page  # a page without a form: nothing to put the token in, nothing kept
        if not current_app.debug:
            kept[("shared page", key)] = page
    return page.replace(TOKEN_PLACEHOLDER, csrf_token())


_SIGNED_TOKENS = "tremplin.signed_csrf_tokens"
_MAX_SIGNED_TOKENS = 4096


def csrf_token() -> str:
    """The person's CSRF token (Flask-WTF's), signed once per session rather than per page.

    Flask-WTF signs the session's secret with a timestamp on every request. Tokens here
    never expire (``WTF_CSRF_TIME_LIMIT`` is None: the session cookie bounds them), so
    the token signed for a secret stays valid and can be given again: a few hundred
    microseconds saved on every question page. With a time limit, it is signed each time.
    """
    secret = session.get("csrf_token")
    if secret is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed = current_app.extensions.setdefault(_SIGNED_TOKENS, {})
    token = signed.get(secret)
    if token is None:
        if len(signed) >= _MAX_SIGNED_TOKENS:
            signed.clear()
        token = signed[secret] = generate_csrf()
    g.csrf_token = token  # what generate_csrf gives for the rest of this request
    return token
