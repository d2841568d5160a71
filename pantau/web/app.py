"""Assemble the web page: routes, sessions, templates, error pages.

``build_app(context)`` is all a server needs; the context carries what the
page reads and writes (the configuration, the rule set in force, a SQLite
connection of its own to the state file) so that the same app serves the
embedded monitor and the distributed ``pantau web``.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pantau.config import Config
from pantau.streams.classify import RuleSet
from pantau.web import views_archive, views_feedback, views_login, views_ops, views_rules, views_try
from pantau.web.auth import Accounts, LoginLimiter, stored_secret
from pantau.web.guard import Refused, csrf_token, current_user, refused_response

__all__ = ["WebContext", "build_app", "cookie_key", "login_token"]

HERE = Path(str(files("pantau.web")))


@dataclass
class WebContext:
    """What the page reads and writes; one per server."""

    config: Config
    rules: Callable[[], RuleSet]
    """The rule set in force now (LiveRules.current)."""
    conn: sqlite3.Connection
    """The page's own connection to the state file (WAL: it never blocks the monitor)."""
    accounts: Accounts
    limiter: LoginLimiter
    mode: str = "embedded"
    rules_problem: Callable[[], str | None] = lambda: None
    """Why the last edit on disk was refused by the live reload, if it was."""
    silences: Any = None
    """Where silences are read and written: the state file (embedded) or the silences topic (distributed)."""
    feed_states: Any = None
    """Where feed health comes from: the state file (embedded) or the shared feed-states topic (distributed)."""
    templates: Jinja2Templates = field(init=False)

    @property
    def rules_dir(self) -> Path:
        """The rules folder editors change."""
        return Path(self.config.rules)


def _state_folder(config: Config) -> Path:
    return Path(config.state).parent


def cookie_key(config: Config) -> str:
    """The session cookie key: derived from ``web.secret``, else a random key kept with the state."""
    if config.web.secret:
        secret = config.web.secret.get_secret_value()
    else:
        secret = stored_secret(_state_folder(config), "web-cookie-key")
    return hmac.new(secret.encode(), b"pantau session cookie", hashlib.sha256).hexdigest()


def login_token(config: Config) -> str | None:
    """The shared login token: configured, else (no users either) one kept with the state."""
    if config.web.token:
        return config.web.token.get_secret_value()
    if config.web.users:
        return None
    return stored_secret(_state_folder(config), "web-token")


def _secure(config: Config) -> bool:
    if config.web.secure_cookies is not None:
        return config.web.secure_cookies
    return bool(config.web.public_url and config.web.public_url.startswith("https://"))


_HEADERS = [
    # Scripts and styles only from this site (htmx is vendored); no framing; no referrer leaves the
    # page (feedback links carry signatures); forms post only here.
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds the page's security headers to every response (static files may be cached)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k, v) for k, v in _HEADERS if k not in names and not (static and k == b"cache-control")]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _context(request: Request) -> dict:
    return {
        "csrf_token": csrf_token(request),
        "user": current_user(request),
        "path": request.url.path,
        "mode": request.app.state.web.mode,
    }


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return refused_response(request, exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    return refused_response(request, Refused(404, f"There is no page at {request.url.path}."))


def routes() -> list:
    """Every route of the page (each handler wrapped by guard.page or guard.action)."""
    return [
        *views_login.routes(),
        *views_archive.routes(),
        *views_try.routes(),
        *views_rules.routes(),
        *views_ops.routes(),
        *views_feedback.routes(),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]


def build_app(context: WebContext) -> Starlette:
    """The Starlette app for ``context``."""
    config = context.config
    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_context])
    templates.env.globals["static_version"] = _static_version()
    from pantau.web import filters

    filters.install(templates.env)
    context.templates = templates
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=cookie_key(config),
            session_cookie="pantau_session",
            max_age=int(config.web.session_hours * 3600),
            same_site="strict",
            https_only=_secure(config),
        ),
    ]
    app = Starlette(routes=routes(), middleware=middleware, exception_handlers={Refused: _refused, 404: _not_found})
    app.state.web = context
    return app


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted((HERE / "static").iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def check_route(route: Route) -> tuple[str, str] | None:
    """How a route is guarded (``("page", role)`` / ``("action", role)``), None for static files."""
    return getattr(route.endpoint, "guard", None) if isinstance(route, Route) else None


def make_context(
    config: Config,
    rules: Callable[[], RuleSet],
    *,
    mode: str = "embedded",
    rules_problem: Callable[[], str | None] = lambda: None,
    silences: Any = None,
    feed_states: Any = None,
) -> WebContext:
    """A context with its own connection to the state file, the accounts and a login limiter.

    Silences and feed states default to the state file's (embedded mode).
    """
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.adapters.sqlite.silences import SqliteSilences
    from pantau.adapters.sqlite.state import open_state

    web = config.web
    conn = open_state(config.state)
    return WebContext(
        config=config,
        rules=rules,
        conn=conn,
        accounts=Accounts(web, token=login_token(config)),
        limiter=LoginLimiter(web.login_attempts, web.login_window),
        mode=mode,
        rules_problem=rules_problem,
        silences=silences or SqliteSilences(conn),
        feed_states=feed_states or SqliteFeedStateStore(conn),
    )


def start_page(config: Config, *, mode: str = "embedded"):
    """Start the page in a child process (None when ``web.listen`` is null or the port is taken); logs its address.

    The child (pantau.web.process) watches the rules directory itself and shows the
    version its files hold, as the monitor's own watcher loads them.
    """
    from pantau.core.logs import get_logger
    from pantau.web.process import start_in_process

    if not config.web.listen:
        return None
    token = login_token(config)  # made (when generated) before the child reads it
    server = start_in_process(config, config.web.listen, mode=mode)
    if server is not None:
        extra = {}
        if not config.web.token and not config.web.users:  # a generated token: say how to get in
            extra["login"] = f"{server.url}/login?token={token}"
        get_logger(component="web").info("web_started", url=server.url, **extra)
    return server
