"""Log in (name and password, or the shared token) and out; failed attempts are rate limited."""

from __future__ import annotations

import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pantau.core.logs import get_logger
from pantau.web.guard import action, current_user, log_in, log_out

__all__ = ["routes"]

log = get_logger(component="web")


def _next(value: str | None) -> str:
    # Only paths on this site: never an open redirect to another host.
    value = value or "/"
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def _keys(request: Request, name: str) -> list[str]:
    client = request.client.host if request.client else "?"
    return [f"address:{client}", f"name:{name.casefold()}"] if name else [f"address:{client}"]


def _form(request: Request, *, error: str = "", status: int = 200, name: str = "", retry: int = 0) -> Response:
    web = request.app.state.web
    return web.templates.TemplateResponse(
        request,
        "login.html",
        {
            "error": error,
            "next": _next(request.query_params.get("next")),
            "name": name,
            "users": bool(web.config.web.users),
            "token": bool(web.accounts.token),
        },
        status_code=status,
        headers={"Retry-After": str(retry)} if retry else None,
    )


async def login_page(request: Request) -> Response:
    """The login form; ``?token=`` (the link printed at start) logs in directly."""
    if request.query_params.get("token"):
        return _attempt(request, "", "", request.query_params["token"], _next(request.query_params.get("next")))
    if current_user(request) is not None:
        return RedirectResponse(_next(request.query_params.get("next")), status_code=303)
    return _form(request)


def _attempt(request: Request, name: str, password: str, token: str, target: str) -> Response:
    web = request.app.state.web
    keys = _keys(request, name)
    wait = web.limiter.retry_after(keys)
    if wait > 0:
        log.warning("web_login_throttled", name=name, client=keys[0])
        return _form(
            request,
            error=f"Too many failed logins. Try again in {math.ceil(wait)} s.",
            status=429,
            name=name,
            retry=math.ceil(wait),
        )
    user = web.accounts.login_token(token) if token else web.accounts.login(name, password) if name else None
    if user is None:
        web.limiter.failed(keys)
        log.warning("web_login_failed", name=name or "(token)", client=keys[0])
        return _form(request, error="Wrong name, password or token.", status=401, name=name)
    web.limiter.succeeded(keys)
    log_in(request, user)
    log.info("web_login", user=user.name, role=user.role)
    return RedirectResponse(target, status_code=303)


async def login(request: Request, form: FormData) -> Response:
    """Check the posted name and password (or token) and start a session."""
    return _attempt(
        request,
        str(form.get("name") or "").strip(),
        str(form.get("password") or ""),
        str(form.get("token") or "").strip(),
        _next(str(form.get("next") or "")),
    )


async def logout(request: Request, form: FormData) -> Response:
    """End the session."""
    log_out(request)
    return RedirectResponse("/login", status_code=303)


login_page.guard = ("public", "")  # type: ignore[attr-defined]  # a function attribute


def routes() -> list[Route]:
    """The login routes."""
    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", action(login, public=True), methods=["POST"]),
        Route("/logout", action(logout, role="viewer"), methods=["POST"]),
    ]
