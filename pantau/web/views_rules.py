"""Rules: read and edit a topic file, validation as you type, a backtest of the edit, save.

The editor page posts the text to ``check`` as the editor types (htmx, after
a pause) and shows every ``file:line:col`` problem next to the text; ``backtest``
compares the rules in force with the edit over archived articles; ``save``
(editors only) writes the file, records the diff in the audit log and commits
when the folder is a git repository; the page then follows the running
version until the live reload has taken the edit.
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pantau.core.errors import RulesError
from pantau.web import audit
from pantau.web.guard import Refused, action, page
from pantau.web.rules_edit import EditRefused, check_edit, git_root, read_topic, save_edit, text_sha, topic_names

__all__ = ["routes"]


def _name(request: Request) -> str:
    name = request.path_params["name"]
    if name not in topic_names(request.app.state.web.rules_dir):
        raise Refused(404, f"There is no rule file {name!r}; pick one from the rules page.")
    return name


async def rules_index(request: Request) -> Response:
    """The rule files, the version running and any refused reload."""
    web = request.app.state.web
    running = web.rules()
    return web.templates.TemplateResponse(
        request,
        "rules.html",
        {
            "files": topic_names(web.rules_dir),
            "running": running,
            "problem": web.rules_problem(),
            "directory": web.rules_dir,
            "git": git_root(web.rules_dir),
        },
    )


def _editor(request: Request, name: str, text: str, *, base: str, status_code: int = 200, **shown: object) -> Response:
    """The editor page of one topic file holding ``text``, with what ``shown`` adds (a refusal, a save)."""
    web = request.app.state.web
    return web.templates.TemplateResponse(
        request,
        "rule_edit.html",
        {"name": name, "text": text, "base": base, "running": web.rules(), "git": git_root(web.rules_dir), **shown},
        status_code=status_code,
    )


async def rules_edit(request: Request) -> Response:
    """The editor for one topic file."""
    name = _name(request)
    text = read_topic(request.app.state.web.rules_dir, name)
    return _editor(request, name, text, base=text_sha(text))


async def rules_check(request: Request, form: FormData) -> Response:
    """The problems of the edited text (an htmx fragment)."""
    web = request.app.state.web
    name = _name(request)
    text = str(form.get("text") or "").replace("\r\n", "\n")
    checked = await asyncio.to_thread(check_edit, web.rules_dir, name, text)
    return web.templates.TemplateResponse(request, "_check.html", {"check": checked, "name": name})


async def rules_backtest(request: Request, form: FormData) -> Response:
    """The edit against the rules in force over the archive (an htmx fragment)."""
    web = request.app.state.web
    name = _name(request)
    text = str(form.get("text") or "").replace("\r\n", "\n")
    days = _days(form.get("days"))
    result, error = await asyncio.to_thread(_backtest, web, name, text, days)
    return web.templates.TemplateResponse(request, "_backtest.html", {"result": result, "error": error, "days": days})


def _days(value) -> float:
    try:
        return min(max(float(value or 7), 0.1), 90.0)
    except ValueError:
        return 7.0


def _backtest(web, name: str, text: str, days: float):
    from pantau.web.backtest_view import run_backtest

    try:
        return run_backtest(web, name, text, days=days), None
    except RulesError as exc:
        return None, f"the edit has {len(exc.problems)} error(s); fix them before a backtest"


async def rules_save(request: Request, form: FormData) -> Response:
    """Write the edit (editors only), audit it, commit it; then follow the running version."""
    web = request.app.state.web
    name = _name(request)
    text = str(form.get("text") or "")
    try:
        saved = await asyncio.to_thread(
            save_edit, web.rules_dir, name, text, base=str(form.get("base") or ""), user=request.state.user
        )
    except EditRefused as exc:
        checked = await asyncio.to_thread(check_edit, web.rules_dir, name, text.replace("\r\n", "\n"))
        return _editor(
            request, name, text, base=str(form.get("base") or ""), status_code=409, refused=exc, check=checked
        )
    if saved.diff:
        audit.record(
            request,
            "rules.save",
            f"{name} -> version {saved.version}" + (f" (commit {saved.commit[:10]})" if saved.commit else ""),
            diff=saved.diff,
        )
    text = read_topic(web.rules_dir, name)
    return _editor(request, name, text, base=text_sha(text), saved=saved)


async def rules_version(request: Request) -> Response:
    """The running version (an htmx fragment polled after a save until it shows ``expect``)."""
    web = request.app.state.web
    return web.templates.TemplateResponse(
        request,
        "_version.html",
        {"running": web.rules(), "expect": request.query_params.get("expect", ""), "problem": web.rules_problem()},
    )


def routes() -> list[Route]:
    """The rules routes: reading and checking for viewers, saving for editors."""
    return [
        Route("/rules", page(rules_index), methods=["GET"]),
        Route("/rules/version", page(rules_version), methods=["GET"]),
        Route("/rules/{name}", page(rules_edit), methods=["GET"]),
        Route("/rules/{name}/check", action(rules_check, role="viewer"), methods=["POST"]),
        Route("/rules/{name}/backtest", action(rules_backtest, role="viewer"), methods=["POST"]),
        Route("/rules/{name}/save", action(rules_save, role="editor"), methods=["POST"]),
    ]
