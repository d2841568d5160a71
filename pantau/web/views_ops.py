"""Feeds and their health; silences (create, expire)."""

from __future__ import annotations

import time

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pantau.core.config import parse_duration as config_duration
from pantau.sources.health import verdict
from pantau.streams.deliver.silences import KINDS
from pantau.web import audit
from pantau.web.guard import action, page

__all__ = ["routes", "parse_duration"]

# A form's duration must name its unit (a bare "30" reads as seconds in pantau.yaml, a surprise in
# a silence form) and stays under ten years, so a typo cannot silence a topic for ever.
_LONGEST = 3650 * 86400.0


def parse_duration(text: str) -> float | None:
    """Seconds of a form's ``30m``, ``2h``, ``1d``, ``1w`` (None: unreadable, unitless, not positive, > 10 years)."""
    text = text.strip()
    if not text or text[-1].isdigit():
        return None
    try:
        seconds = config_duration(text)
    except ValueError:
        return None
    return seconds if 0 < seconds <= _LONGEST else None


async def feeds(request: Request) -> Response:
    """Every configured feed with its health verdict and last error."""
    web = request.app.state.web
    states = {s.feed: s for s in web.feed_states.load_all()}
    now = time.time()
    rows = []
    for spec in web.config.feeds:
        state = states.get(spec.key)
        rows.append(
            {"spec": spec, "state": state, "verdict": verdict(state, spec, now=now) if state is not None else "new"}
        )
    order = {"failing": 0, "gone": 1, "silent": 2, "new": 3, "ok": 4}
    rows.sort(key=lambda r: (order.get(r["verdict"], 5), (r["spec"].name or r["spec"].key).casefold()))
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in order}
    return web.templates.TemplateResponse(request, "feeds.html", {"rows": rows, "counts": counts, "now": now})


def _silences_page(request: Request, *, error: str = "", status: int = 200) -> Response:
    web = request.app.state.web
    now = time.time()
    everything = web.silences.all()
    return web.templates.TemplateResponse(
        request,
        "silences.html",
        {
            "active": [s for s in everything if s.active(now)],
            "ended": [s for s in everything if not s.active(now)][:50],
            "kinds": KINDS,
            "error": error,
            "now": now,
            "topics": web.rules().topics,
        },
        status_code=status,
    )


async def silences(request: Request) -> Response:
    """Active and recently ended silences, and the form to add one."""
    return _silences_page(request)


async def silence_add(request: Request, form: FormData) -> Response:
    """Create a silence (editors)."""
    web = request.app.state.web
    kind, value = str(form.get("kind") or ""), str(form.get("value") or "").strip()
    reason, duration = str(form.get("reason") or "").strip(), parse_duration(str(form.get("duration") or ""))
    if kind not in KINDS:
        return _silences_page(request, error=f"kind must be one of {', '.join(KINDS)}", status=422)
    if not value or not reason:
        return _silences_page(request, error="Say what to silence and why (both are required).", status=422)
    if duration is None:
        return _silences_page(request, error="Duration like 30m, 2h, 1d or 1w.", status=422)
    silence = web.silences.add(kind, value, duration, reason, created_by=request.state.user.name)
    audit.record(request, "silence.create", f"{silence.id}: {kind}={value} for {form.get('duration')} ({reason})")
    return RedirectResponse("/silences", status_code=303)


async def silence_expire(request: Request, form: FormData) -> Response:
    """End a silence now (editors)."""
    web = request.app.state.web
    silence_id = request.path_params["id"]
    if not web.silences.expire(silence_id):
        return _silences_page(request, error=f"No active silence {silence_id!r}.", status=404)
    audit.record(request, "silence.expire", silence_id)
    return RedirectResponse("/silences", status_code=303)


def routes() -> list[Route]:
    """Feeds and silences routes."""
    return [
        Route("/feeds", page(feeds), methods=["GET"]),
        Route("/silences", page(silences), methods=["GET"]),
        Route("/silences", action(silence_add, role="editor"), methods=["POST"]),
        Route("/silences/{id}/expire", action(silence_expire, role="editor"), methods=["POST"]),
    ]
