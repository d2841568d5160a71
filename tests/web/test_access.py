"""Who gets in and what they may do: login, roles, CSRF on every POST, cookies, login limits."""

from __future__ import annotations

from webpage import PASSWORD, csrf_of

from pantau.web.app import routes


def test_every_page_needs_a_login(client):
    anonymous = client(None)
    for path in ("/", "/search", "/try", "/rules", "/rules/asean.yaml", "/feeds", "/silences"):
        reply = anonymous.get(path, follow_redirects=False)
        assert reply.status_code == 303, path
        assert reply.headers["location"].startswith("/login?next=")


def test_every_route_is_guarded():
    for route in routes():
        guard = getattr(getattr(route, "endpoint", None), "guard", None)
        if route.path == "/static":
            continue
        assert guard is not None, f"{route.path} has no login/CSRF guard"
        if "POST" in (route.methods or ()):
            assert guard[0] == "action", route.path


def test_a_forged_or_missing_csrf_token_is_refused_on_every_post(client, app):
    editor = client("editor")
    posts = [r.path for r in routes() if "POST" in (getattr(r, "methods", None) or ())]
    assert len(posts) >= 8
    for path in posts:
        path = path.replace("{name}", "asean.yaml").replace("{id}", "x").replace("{token}", "x")
        for data in ({"csrf_token": "forged"}, {}):
            reply = editor.post(
                path, data={**data, "text": "x", "kind": "topic", "value": "a", "reason": "r", "duration": "1h"}
            )
            assert reply.status_code == 403, (path, data, reply.status_code)
            assert "security token" in reply.text


def test_a_post_from_another_site_is_refused_even_with_the_token(client):
    editor = client("editor")
    token = csrf_of(editor.get("/silences").text)
    reply = editor.post(
        "/silences",
        data={"csrf_token": token, "kind": "topic", "value": "asean", "reason": "r", "duration": "1h"},
        headers={"Origin": "https://evil.example"},
    )
    assert reply.status_code == 403 and "another site" in reply.text


def test_session_cookie_is_httponly_and_samesite_strict(client):
    c = client(None)
    reply = c.get("/login")
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie


def test_cookies_are_secure_behind_https(site, small_rules):
    from webpage import TestClient

    from pantau.web.app import build_app, make_context

    config, live = site
    config.web.public_url = "https://pantau.example.org"
    c = TestClient(build_app(make_context(config, lambda: live.current)))
    assert "secure" in c.get("/login").headers["set-cookie"].lower()


def test_a_viewer_cannot_save_rules_or_silence(client, app):
    viewer = client("viewer")
    page = viewer.get("/rules/asean.yaml").text
    assert "save-button" not in page and "readonly" in page
    text = (app.state.web.rules_dir / "asean.yaml").read_text()
    token = csrf_of(page)
    reply = viewer.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": text + "\n# edit\n", "base": "x"})
    assert reply.status_code == 403 and "viewer" in reply.text
    assert (app.state.web.rules_dir / "asean.yaml").read_text() == text
    reply = viewer.post(
        "/silences", data={"csrf_token": token, "kind": "topic", "value": "asean", "reason": "r", "duration": "1h"}
    )
    assert reply.status_code == 403


def test_wrong_passwords_are_rate_limited_per_name_and_address(client):
    c = client(None)
    token = csrf_of(c.get("/login").text)
    statuses = [
        c.post("/login", data={"name": "edi", "password": "wrong", "csrf_token": token}).status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # Even the right password waits now: the limit is on attempts, not on failures alone.
    reply = c.post("/login", data={"name": "edi", "password": PASSWORD, "csrf_token": token})
    assert reply.status_code == 429 and int(reply.headers["retry-after"]) > 0


def test_the_shared_token_logs_in_as_admin(site):
    from webpage import TestClient

    from pantau.web.app import build_app, make_context

    config, live = site
    config.web.users = []
    context = make_context(config, lambda: live.current)
    token = context.accounts.token
    assert token and (config.state.parent / "web-token").read_text().strip() == token
    c = TestClient(build_app(context))
    assert "admin" in c.get(f"/login?token={token}").text
    bad = TestClient(build_app(context)).get("/login?token=nope")
    assert bad.status_code == 401


def test_login_never_redirects_off_site(client):
    c = client(None)
    token = csrf_of(c.get("/login").text)
    reply = c.post(
        "/login",
        data={"name": "edi", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/"


def test_pages_forbid_framing_foreign_scripts_and_referrers(client):
    reply = client("viewer").get("/rules")
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert reply.headers["x-frame-options"] == "DENY" and reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["cache-control"] == "no-store"
    assert "<script>" not in reply.text  # everything the CSP allows comes from /static
    static = client(None).get("/static/htmx.min.js")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_behind_a_proxy_the_public_url_is_this_site(client, app):
    app.state.web.config.web.public_url = "https://pantau.example.org"
    editor = client("editor")
    token = csrf_of(editor.get("/silences").text)
    reply = editor.post(
        "/silences",
        data={"csrf_token": token, "kind": "topic", "value": "asean", "reason": "r", "duration": "1h"},
        headers={"Origin": "https://pantau.example.org"},
    )
    assert reply.status_code == 200 and "topic = asean" in reply.text
