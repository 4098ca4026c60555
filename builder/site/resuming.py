"""« Enregistrer et reprendre plus tard »: a link and a short code, no account needed."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import security
from builder.site import assisted, bp, flow, state
from builder.site.places import MiniSite


@bp.route("/sauvegarde")
def saved() -> ResponseReturnValue:
    """The code to write down and the link that brings the person back, on any device."""
    draft = state.load(g.service)
    if draft is None:
        return redirect(url_for("site.start", expire="1"))
    link = url_for("site.resume_code", code=draft.code, _external=True)
    return render_template("site/saved.html", draft=draft, link=link, days=state.draft_ttl(g.service),
                           back_url=request.referrer if _same_site(request.referrer) else url_for("site.start"))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/reprendre", methods=["GET", "POST"])
def resume() -> ResponseReturnValue:
    """Type the code written down to take up the answers again."""
    error = None
    if request.method == "POST":
        security.limit_rate(f"resume:{g.service.id}", limit=10)
        draft = _take_up(request.form.get("code", ""))
        if draft is not None:
            return redirect(_continue_url(draft), 303)
        error = True
    return render_template("site/resume.html", error=error, back_url=url_for("site.start")), (422 if error else 200)


@bp.route("/reprendre/<code>")
def resume_code(code: str) -> ResponseReturnValue:
    """The link of « Enregistrer et reprendre plus tard »."""
    draft = _take_up(code)
    if draft is None:
        return render_template("site/resume.html", error=True, back_url=url_for("site.start")), 404
    return redirect(_continue_url(draft))


def _take_up(code: str):
    """The draft ``code``, taken up on this device (and its mode « accompagnant », when it
    was filled in for someone: :func:`builder.site.assisted.take_up`); None if unknown."""
    draft = state.resume(g.service, code)
    if draft is not None:
        assisted.take_up(g.service, draft)
    return draft


def _continue_url(draft) -> str:
    return flow.next_url(MiniSite(g.service, g.lang, draft), state.answers_of(draft))
