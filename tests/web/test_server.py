"""The page's server thread: serves on the address asked, and a taken port is logged, not fatal."""

from __future__ import annotations

import socket
import urllib.request

import structlog

from pantau.web.server import start_in_thread


def test_the_page_serves_from_its_own_thread_and_stops(app):
    server = start_in_thread(app, "127.0.0.1:0")
    assert server is not None and server.thread.is_alive()
    try:
        with urllib.request.urlopen(server.url + "/login", timeout=10) as reply:
            assert reply.status == 200 and b"Log in to pantau" in reply.read()
    finally:
        server.stop()
    assert not server.thread.is_alive()


def test_a_taken_port_is_logged_and_the_caller_goes_on(app):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with structlog.testing.capture_logs() as logs:
            assert start_in_thread(app, f"127.0.0.1:{port}") is None
    event = next(e for e in logs if e["event"] == "web_not_started")
    assert event["listen"] == f"127.0.0.1:{port}" and "web.listen" in event["hint"]
