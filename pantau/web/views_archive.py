"""Recent stories and alerts, archive search, one article with its story and alert fates.

Everything here reads the archive (``pantau.adapters.sqlite.archive``): in
embedded mode the monitor writes it, in distributed mode ``pantau web`` fills
its own copy from Kafka.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.web.guard import Refused, page

__all__ = ["routes", "archive", "archive_store", "parse_since"]

PAGE = 25


def archive_store(web) -> ArchiveStore:
    """The archive of this page's state file (made once per page context)."""
    store = getattr(web, "_archive", None)
    if store is None:
        store = web._archive = ArchiveStore(web.conn)
    return store


def archive(request: Request) -> ArchiveStore:
    """The archive for this request's app."""
    return archive_store(request.app.state.web)


def parse_since(text: str | None, *, default: float | None = 7 * 86400) -> float | None:
    """Unix time ``7d``/``12h``/``30m`` ago (``all``: None)."""
    from pantau.web.views_ops import parse_duration

    if text in ("all", ""):
        return None
    seconds = parse_duration(text) if text else default
    return time.time() - (seconds if seconds is not None else default or 0)


async def recent(request: Request) -> Response:
    """The newest matched articles with their alerts (or every article with ``?all=1``)."""
    web = request.app.state.web
    store = archive(request)
    topic = request.query_params.get("topic") or None
    everything = request.query_params.get("all") == "1"
    # Read-only: the monitor keeps alert fates current (sync_fates after deliveries).
    entries = store.recent(limit=50, matched_only=not everything, topic=topic)
    return web.templates.TemplateResponse(
        request,
        "recent.html",
        {
            "entries": entries,
            "topic": topic,
            "everything": everything,
            "topics": web.rules().topics,
            "running": web.rules(),
        },
    )


async def search(request: Request) -> Response:
    """Full-text search over the archive, newest first, hits marked."""
    web = request.app.state.web
    store = archive(request)
    q = request.query_params.get("q", "")[:500]
    topic = request.query_params.get("topic") or None
    since_text = request.query_params.get("since", "7d")
    since = parse_since(since_text)
    matched = request.query_params.get("matched") == "1"
    try:
        offset = max(0, int(request.query_params.get("offset", "0")))
    except ValueError:
        offset = 0
    hits = []
    if q or topic:
        hits = store.search(q, since=since, topic=topic, matched_only=matched, limit=PAGE, offset=offset)
    return web.templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "topic": topic,
            "since": since_text,
            "matched": matched,
            "hits": hits,
            "offset": offset,
            "page": PAGE,
            "topics": web.rules().topics,
        },
    )


async def article(request: Request) -> Response:
    """One archived article: its matches with hits, the story's outlets, each alert's fate."""
    web = request.app.state.web
    store = archive(request)
    entry = store.get(request.path_params["id"])
    if entry is None:
        raise Refused(404, "No such article in the archive (it may have been pruned).")
    story = store.story(entry.story_id) if entry.story_id else [entry]
    return web.templates.TemplateResponse(
        request,
        "article.html",
        {
            "entry": entry,
            "story": story,
            "missing": [t for t in web.rules().topics if t not in entry.topics],
            "marked": request.query_params.get("marked"),
        },
    )


def routes() -> list[Route]:
    """Archive routes (read-only)."""
    return [
        Route("/", page(recent), methods=["GET"]),
        Route("/search", page(search), methods=["GET"]),
        Route("/articles/{id}", page(article), methods=["GET"]),
    ]
