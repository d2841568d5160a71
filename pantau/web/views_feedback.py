"""Feedback from a signed alert link: a GET shows a confirmation form, only the POST records.

Link unfurlers and mail scanners fetch every URL in a message, so opening a
link must change nothing. The link's signature and expiry are checked on both
requests; whoever holds a genuine link may answer (the desk member in Slack
need not have an account), and the answer is recorded with their name when
they are logged in. ``/quality`` shows alerts, verdicts and observed
precision per topic and rule.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pantau.core.errors import FeedbackLinkError
from pantau.streams.deliver.feedback import signer_for
from pantau.web import audit
from pantau.web.guard import Refused, action, current_user, page

__all__ = ["routes"]

LABELS = {"relevant": "relevant", "not_relevant": "not relevant"}


def _verified(request: Request, exp: str, sig: str) -> tuple[str, str]:
    """(alert key, verdict) of a genuine, current link; Refused (nothing recorded) otherwise."""
    key, verdict = request.path_params["key"], request.path_params["verdict"]
    signer = signer_for(request.app.state.web.config)
    try:
        signer.verify(key, verdict, exp, sig)
    except FeedbackLinkError as exc:
        raise Refused(403, f"{exc.message}. Nothing was recorded. ({exc.hint})") from None
    return key, verdict


def _entry(request: Request, key: str):
    from pantau.web.views_archive import archive

    store = archive(request)
    row = store.conn.execute("SELECT article_id FROM archive_alerts WHERE key = ?", (key,)).fetchone() if store else None
    return store.get(row[0]) if row else None


async def confirm(request: Request) -> Response:
    """The confirmation form for a feedback link (records nothing)."""
    exp, sig = request.query_params.get("exp", ""), request.query_params.get("sig", "")
    key, verdict = _verified(request, exp, sig)
    web = request.app.state.web
    return web.templates.TemplateResponse(request, "feedback.html", {
        "key": key, "verdict": verdict, "label": LABELS[verdict], "exp": exp, "sig": sig,
        "entry": _entry(request, key), "recorded": None})


async def record(request: Request, form: FormData) -> Response:
    """Record the verdict of a genuine link (CSRF-checked POST from the confirmation form)."""
    key, verdict = _verified(request, str(form.get("exp") or ""), str(form.get("sig") or ""))
    web = request.app.state.web
    user = current_user(request)
    request.state.user = user
    who = user.name if user is not None else "signed link"
    entry = _entry(request, key)
    recorded = _store_verdict(web, key, verdict, who, str(form.get("note") or "")[:500])
    audit.record(request, "feedback", f"alert {key}: {verdict}")
    return web.templates.TemplateResponse(request, "feedback.html", {
        "key": key, "verdict": verdict, "label": LABELS[verdict], "entry": entry, "recorded": recorded})


def _store_verdict(web, key: str, verdict: str, who: str, note: str):
    from pantau.adapters.sqlite.verdicts import VerdictStore  # type: ignore[import-not-found]

    return VerdictStore(web.conn).record(key, verdict, who=who, note=note)


async def quality(request: Request) -> Response:
    """Alerts, verdicts and observed precision per topic and rule."""
    from pantau.adapters.sqlite.verdicts import VerdictStore  # type: ignore[import-not-found]

    web = request.app.state.web
    report = VerdictStore(web.conn).quality()
    return web.templates.TemplateResponse(request, "quality.html", {"report": report})


confirm.guard = ("public", "")  # type: ignore[attr-defined]


def routes() -> list[Route]:
    """Feedback (public, link-signed) and quality (viewers)."""
    return [
        Route("/feedback/{key}/{verdict}", confirm, methods=["GET"]),
        Route("/feedback/{key}/{verdict}", action(record, public=True), methods=["POST"]),
        Route("/quality", page(quality), methods=["GET"]),
    ]
