"""Login, role and CSRF checks wrapped around every handler, so no route can forget them.

``page(handler, role)`` serves GETs to logged-in users of at least ``role``;
``action(handler, role)`` does the same for POSTs and also checks the CSRF
token (a form field ``csrf_token`` or the ``X-CSRF-Token`` header htmx sends)
against the one in the signed session cookie, and that the request comes from
this site (``Origin``/``Sec-Fetch-Site``). ``public=True`` actions (the
feedback form reached from a signed link) skip the login, never the CSRF check.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from pantau.web.auth import User

__all__ = ["page", "action", "current_user", "csrf_token", "log_in", "log_out", "Refused"]

Page = Callable[[Request], Awaitable[Response]]
Action = Callable[[Request, FormData], Awaitable[Response]]


class Refused(Exception):
    """A request the guard turns away: status and a message for the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


def current_user(request: Request) -> User | None:
    """The logged-in user of this request, or None."""
    name, role = request.session.get("user"), request.session.get("role")
    if not name or not role:
        return None
    return request.app.state.web.accounts.user(name, role)


def log_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token: no fixation)."""
    request.session.clear()
    request.session.update({"user": user.name, "role": user.role, "csrf": secrets.token_urlsafe(24)})


def log_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _authorise(request: Request, role: str) -> User | Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    if not user.may(role):
        raise Refused(403, f"{user.name} is a {user.role}; this needs the {role} role. Ask an admin.")
    request.state.user = user
    return user


def page(handler: Page, role: str = "viewer") -> Page:
    """A GET endpoint for logged-in users of at least ``role``."""

    async def endpoint(request: Request) -> Response:
        found = _authorise(request, role)
        if isinstance(found, Response):
            return found
        return await handler(request)

    endpoint.__name__ = handler.__name__
    endpoint.guard = ("page", role)  # type: ignore[attr-defined]  # a function attribute
    return endpoint


def _same_site(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        # This host as the browser reached it, or as configured (a TLS proxy may rewrite Host).
        public = request.app.state.web.config.web.public_url
        allowed = {request.headers.get("host", ""), urlsplit(public).netloc if public else ""}
        return urlsplit(origin).netloc in allowed - {""}
    return True


async def check_csrf(request: Request) -> FormData:
    """The posted form, once its CSRF token and origin are checked (Refused otherwise)."""
    form = await request.form()
    sent = str(form.get("csrf_token") or request.headers.get("x-csrf-token") or "")
    expected = request.session.get("csrf") or ""
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Refused(
            403,
            "The form's security token is missing or wrong (an old tab, or a forged request). "
            "Reload the page and try again.",
        )
    if not _same_site(request):
        raise Refused(403, "This form was posted from another site; pantau refuses cross-site posts.")
    return form


def action(handler: Action, role: str = "editor", *, public: bool = False) -> Page:
    """A POST endpoint: CSRF-checked always, and for logged-in users of ``role`` unless ``public``."""

    async def endpoint(request: Request) -> Response:
        if not public:
            found = _authorise(request, role)
            if isinstance(found, Response):
                return found
        form = await check_csrf(request)
        return await handler(request, form)

    endpoint.__name__ = handler.__name__
    endpoint.guard = ("action", "public" if public else role)  # type: ignore[attr-defined]  # a function attribute
    return endpoint


def refused_response(request: Request, exc: Refused) -> Response:
    """The page (or htmx fragment) shown for a refused request."""
    templates = request.app.state.web.templates
    if "text/html" in request.headers.get("accept", "") or request.headers.get("hx-request"):
        return templates.TemplateResponse(
            request, "refused.html", {"message": exc.message, "status": exc.status}, status_code=exc.status
        )
    return PlainTextResponse(exc.message, status_code=exc.status)
