"""The page's server (a thread, or the child process `pantau run` starts): serves, stops, a taken port is logged."""

from __future__ import annotations

import os
import socket
import urllib.request

import httpx
import structlog
from webpage import PASSWORD, csrf_of

from pantau.web.server import start_in_thread


def test_the_page_serves_from_its_own_thread_and_stops(app):
    server = start_in_thread(app, "127.0.0.1:0")
    assert server is not None and server.thread.is_alive()
    try:
        with urllib.request.urlopen(server.url + "/login", timeout=10) as reply:
            assert reply.status == 200 and b"Log in to pantau" in reply.read()
            assert reply.headers.get("server") is None  # uvicorn_config: no server header
    finally:
        server.stop()
    assert not server.thread.is_alive()


def test_one_uvicorn_config_for_a_thread_and_a_handed_socket(app):
    from pantau.web.server import uvicorn_config

    bound, handed = uvicorn_config(app, "127.0.0.1:8123"), uvicorn_config(app)
    assert (bound.host, bound.port) == ("127.0.0.1", 8123)
    for config in (bound, handed):
        assert (config.access_log, config.lifespan, config.server_header, config.ws) == (False, "off", False, "none")
        assert config.log_config is None and config.proxy_headers is False


def test_a_taken_port_is_logged_and_the_caller_goes_on(app):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with structlog.testing.capture_logs() as logs:
            assert start_in_thread(app, f"127.0.0.1:{port}") is None
    event = next(e for e in logs if e["event"] == "web_not_started")
    assert event["listen"] == f"127.0.0.1:{port}" and "web.listen" in event["hint"]


def test_the_page_serves_from_a_child_process_with_the_rules_version_on_disk(site):
    from pantau.streams.classify.loader import fingerprint
    from pantau.web.app import start_page

    config, _live = site
    config = config.model_copy(update={"web": config.web.model_copy(update={"listen": "127.0.0.1:0"})})
    with structlog.testing.capture_logs() as logs:
        page = start_page(config)
    assert page is not None and page.process.pid != os.getpid()
    try:
        assert any(e["event"] == "web_started" and e["url"] == page.url for e in logs)
        with httpx.Client(base_url=page.url, timeout=30) as client:
            login = client.get("/login")
            assert "Log in to pantau" in login.text
            assert "server" not in login.headers  # the child serves with the same uvicorn_config
            csrf = csrf_of(client.get("/login").text)
            reply = client.post("/login", data={"name": "vie", "password": PASSWORD, "csrf_token": csrf})
            assert reply.status_code in (200, 303)
            assert fingerprint(config.rules) in client.get("/rules").text  # the child loaded the files itself
    finally:
        page.stop()
    assert page.process.returncode == 0


def test_the_child_stops_when_its_parent_goes(site):
    from pantau.web.process import start_in_process

    config, _live = site
    page = start_in_process(config, "127.0.0.1:0")
    assert page is not None
    page.process.stdin.close()  # what the parent's exit does to the pipe
    assert page.process.wait(30) == 0
    with socket.socket() as probe:
        host, port = page.url.removeprefix("http://").rsplit(":", 1)
        assert probe.connect_ex((host, int(port))) != 0  # nothing listens any more


def test_a_taken_port_is_logged_for_the_child_page_too(site):
    from pantau.web.process import start_in_process

    config, _live = site
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with structlog.testing.capture_logs() as logs:
            assert start_in_process(config, f"127.0.0.1:{port}") is None
    assert any(e["event"] == "web_not_started" and e["listen"] == f"127.0.0.1:{port}" for e in logs)
