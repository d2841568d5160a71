""" "Try": paste a text or a URL (or pick an archived article) and see how each topic judges it."""

from __future__ import annotations

import msgspec
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pantau.core.errors import PantauError
from pantau.web.guard import action, page
from pantau.web.tryout import judge, text_article

__all__ = ["routes"]

MAX_TEXT = 200_000
"""Characters of pasted text judged (a whole long article; more is cut)."""


def _render(
    request: Request, *, verdicts=None, article=None, text: str = "", url: str = "", error: str = "", status: int = 200
) -> Response:
    web = request.app.state.web
    return web.templates.TemplateResponse(
        request,
        "try.html",
        {
            "verdicts": verdicts,
            "article": article,
            "text": text,
            "url": url,
            "error": error,
            "version": web.rules().version,
        },
        status_code=status,
    )


async def try_page(request: Request) -> Response:
    """The form; ``?article=ID`` judges an archived article (why did it (not) alert?)."""
    article_id = request.query_params.get("article")
    if not article_id:
        return _render(request)
    from pantau.web.views_archive import archive

    store = archive(request)
    entry = store.get(article_id)
    if entry is None:
        return _render(request, error=f"No archived article {article_id!r} (pruned, or not taken in yet).", status=404)
    web = request.app.state.web
    verdicts = judge(web.rules(), entry.article, directory=web.rules_dir)
    return _render(request, verdicts=verdicts, article=entry.article)


async def try_text(request: Request, form: FormData) -> Response:
    """Judge the pasted text, or the page at the URL."""
    web = request.app.state.web
    text = str(form.get("text") or "")[:MAX_TEXT]
    url = str(form.get("url") or "").strip()
    if url:
        try:
            text = await _fetch(web.config, url)
        except PantauError as exc:
            return _render(request, url=url, error=str(exc), status=422)
        if not text:
            return _render(request, url=url, error=f"{url}: no article text found on the page", status=422)
    if not text.strip():
        return _render(request, error="Paste a text (first line = title) or give a URL.", status=422)
    article = text_article(text, url=url)
    if url:
        article = msgspec.structs.replace(article, title="", content=text)
    verdicts = judge(web.rules(), article, directory=web.rules_dir)
    return _render(request, verdicts=verdicts, article=article, text=str(form.get("text") or ""), url=url)


async def _fetch(config, url: str) -> str:
    """The main text of the page, fetched within the feeds' network limits (private addresses refused)."""
    from pantau.sources.fetch import make_client
    from pantau.sources.fulltext import fetch_full_text

    async with make_client(config.network) as client:
        return (await fetch_full_text(client, url, network=config.network))[:MAX_TEXT]


def routes() -> list[Route]:
    """The try routes (judging changes nothing: viewers may use it)."""
    return [
        Route("/try", page(try_page), methods=["GET"]),
        Route("/try", action(try_text, role="viewer"), methods=["POST"]),
    ]
