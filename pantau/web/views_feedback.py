"""Feedback: a signed alert link shows a confirmation form and only its POST records; quality and candidates.

Link unfurlers and mail scanners fetch every URL in a message, so opening a
link changes nothing. The link's signature and expiry are checked on both
requests; whoever holds a genuine link may answer (a desk member reading Slack
need not have an account), and the answer is recorded under their name when
they are logged in. ``/quality`` shows alerts, verdicts and observed precision
per topic and rule, and the articles offered as rule examples; editors mark
"should have alerted" on an article's page.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pantau.adapters.sqlite.feedback import FeedbackStore
from pantau.core.errors import ConfigError, FeedbackLinkError
from pantau.streams.deliver.feedback import signer_for
from pantau.web import audit
from pantau.web.guard import Refused, action, current_user, page
from pantau.web.views_archive import archive_store, parse_since

__all__ = ["routes"]

LABELS = {"relevant": "relevant", "not_relevant": "not relevant"}
ANONYMOUS = "anonymous (signed link)"


def _feedback(request: Request) -> FeedbackStore:
    web = request.app.state.web
    return FeedbackStore(web.conn, archive_store(web))


def _verified(request: Request, params) -> tuple[str, str, str, str, str]:
    """(alert key, verdict, article id, exp, sig) of a genuine, current link; Refused (nothing recorded) otherwise."""
    key, verdict = request.path_params["key"], request.path_params["verdict"]
    article, exp, sig = str(params.get("a") or ""), str(params.get("exp") or ""), str(params.get("sig") or "")
    try:
        signer_for(request.app.state.web.config).verify(key, verdict, exp, sig, article=article)
    except FeedbackLinkError as exc:
        raise Refused(403, f"{exc.message}. Nothing was recorded. ({exc.hint})") from None
    return key, verdict, article, exp, sig


async def confirm(request: Request) -> Response:
    """The confirmation form for a feedback link (records nothing)."""
    key, verdict, article, exp, sig = _verified(request, request.query_params)
    context = _feedback(request).describe(key, article)
    return request.app.state.web.templates.TemplateResponse(
        request,
        "feedback.html",
        {
            "key": key,
            "verdict": verdict,
            "label": LABELS[verdict],
            "a": article,
            "exp": exp,
            "sig": sig,
            "context": context,
            "recorded": None,
        },
    )


async def record(request: Request, form: FormData) -> Response:
    """Record the verdict of a genuine link (the CSRF-checked POST of the confirmation form)."""
    key, verdict, article, _exp, _sig = _verified(request, form)
    user = current_user(request)
    request.state.user = user
    store = _feedback(request)
    try:
        recorded = store.record(key, verdict, who=user.name if user else ANONYMOUS, article_id=article)
    except ConfigError as exc:
        raise Refused(404, f"{exc.message} ({exc.hint})") from None
    note = str(form.get("note") or "").strip()[:500]
    audit.record(
        request,
        "feedback",
        f"alert {key}: {verdict} ({', '.join('/'.join(r) for r in recorded.rules)})"
        + (f"; note: {note}" if note else ""),
    )
    return request.app.state.web.templates.TemplateResponse(
        request,
        "feedback.html",
        {
            "key": key,
            "verdict": verdict,
            "label": LABELS[verdict],
            "context": store.describe(key, article),
            "recorded": recorded,
        },
    )


async def quality(request: Request) -> Response:
    """Alerts, verdicts and observed precision per topic and rule; example candidates."""
    since_text = request.query_params.get("since", "30d")
    topic = request.query_params.get("topic") or None
    store = _feedback(request)
    web = request.app.state.web
    return web.templates.TemplateResponse(
        request,
        "quality.html",
        {
            "report": store.quality(since=parse_since(since_text, default=30 * 86400), topic=topic),
            "candidates": store.candidates(topic=topic, limit=50),
            "since": since_text,
            "topic": topic,
            "topics": web.rules().topics,
        },
    )


async def should_have_alerted(request: Request, form: FormData) -> Response:
    """An editor marks an archived article as one a topic should have taken (a should_match candidate)."""
    article_id, topic = request.path_params["id"], str(form.get("topic") or "")
    try:
        _feedback(request).should_have_alerted(
            article_id, topic, who=request.state.user.name, note=str(form.get("note") or "")[:500]
        )
    except ConfigError as exc:
        raise Refused(422, f"{exc.message} ({exc.hint})") from None
    audit.record(request, "feedback.missed", f"article {article_id} should have alerted {topic}")
    return RedirectResponse(f"/articles/{article_id}?marked={topic}", status_code=303)


async def dismiss(request: Request, form: FormData) -> Response:
    """Stop offering a candidate example."""
    candidate = str(form.get("candidate") or "")
    _feedback(request).dismiss(candidate, who=request.state.user.name)
    audit.record(request, "feedback.dismiss", candidate)
    return RedirectResponse("/quality", status_code=303)


async def audit_page(request: Request) -> Response:
    """The audit log: who changed what, when (admins)."""
    entries = audit.recent(request, 200)
    return request.app.state.web.templates.TemplateResponse(request, "audit.html", {"entries": entries})


confirm.guard = ("public", "")  # type: ignore[attr-defined]  # a function attribute


def routes() -> list[Route]:
    """Feedback (public, link-signed), quality, candidates, audit."""
    return [
        Route("/feedback/{key}/{verdict}", confirm, methods=["GET"]),
        Route("/feedback/{key}/{verdict}", action(record, public=True), methods=["POST"]),
        Route("/quality", page(quality), methods=["GET"]),
        Route("/quality/dismiss", action(dismiss, role="editor"), methods=["POST"]),
        Route("/articles/{id}/missed", action(should_have_alerted, role="editor"), methods=["POST"]),
        Route("/audit", page(audit_page, role="admin"), methods=["GET"]),
    ]
