"""fetch_feed against a real HTTP server on 127.0.0.1."""

import asyncio
import gzip
import time

import brotli
import pytest

from pantau.core.errors import BlockedAddressError, FetchError
from pantau.sources.feeds import FeedAuth
from pantau.sources.fetch import MAX_REDIRECTS, USER_AGENT, fetch_feed, make_client
from tests.sources.conftest import rss, trickle


def fetch(url, network, **kwargs):
    async def go():
        async with make_client(network) as client:
            return await fetch_feed(client, url, network=network, **kwargs)

    return asyncio.run(go())


def test_etag_makes_the_second_fetch_a_304(feed_server, local_network):
    url = feed_server.feed("/f", rss(2), etag='"v1"')
    first = fetch(url, local_network)
    assert first.status == 200 and first.etag == '"v1"' and b"Berita 1" in first.body
    second = fetch(url, local_network, etag=first.etag)
    assert second.not_modified and second.body == b""
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'


def test_last_modified_makes_the_second_fetch_a_304(feed_server, local_network):
    url = feed_server.feed("/f", rss(1), last_modified=time.time() - 60)
    first = fetch(url, local_network)
    assert first.last_modified
    assert fetch(url, local_network, last_modified=first.last_modified).status == 304


def test_user_agent_names_pantau_and_its_url(feed_server, local_network):
    fetch(feed_server.feed("/f", rss(1)), local_network)
    agent = feed_server.requests[-1][1]["User-Agent"]
    assert agent == USER_AGENT and agent.startswith("pantau/") and "github.com/pantau-news/pantau" in agent


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_bodies_are_decoded(feed_server, local_network, encoding):
    plain = rss(30).encode()
    packed = gzip.compress(plain) if encoding == "gzip" else brotli.compress(plain)
    url = feed_server.feed("/f", packed, headers={"Content-Encoding": encoding})
    assert fetch(url, local_network).body == plain
    assert encoding in feed_server.requests[-1][1]["Accept-Encoding"]


def test_permanent_redirects_report_the_new_address(feed_server, local_network):
    feed_server.status("/old", 301, {"Location": "/older"})
    feed_server.status("/older", 308, {"Location": feed_server.url("/new")})
    feed_server.feed("/new", rss(1))
    result = fetch(feed_server.url("/old"), local_network)
    assert result.status == 200 and result.moved_to == feed_server.url("/new")


def test_a_temporary_hop_keeps_the_stored_address(feed_server, local_network):
    feed_server.status("/old", 302, {"Location": "/tmp"})
    feed_server.status("/tmp", 301, {"Location": "/new"})
    feed_server.feed("/new", rss(1))
    result = fetch(feed_server.url("/old"), local_network)
    assert result.final_url == feed_server.url("/new") and result.moved_to is None


def test_five_redirects_are_followed_six_are_not(feed_server, local_network):
    for i in range(MAX_REDIRECTS + 1):
        feed_server.status(f"/r{i}", 302, {"Location": f"/r{i + 1}"})
    feed_server.feed(f"/r{MAX_REDIRECTS}", rss(1))
    assert fetch(feed_server.url("/r0"), local_network).status == 200
    feed_server.status(f"/r{MAX_REDIRECTS}", 302, {"Location": "/end"})
    feed_server.feed("/end", rss(1))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(feed_server.url("/r0"), local_network)


def test_redirect_loop_ends_with_a_clear_error(feed_server, local_network):
    feed_server.status("/a", 301, {"Location": "/b"})
    feed_server.status("/b", 301, {"Location": "/a"})
    with pytest.raises(FetchError, match="redirects") as err:
        fetch(feed_server.url("/a"), local_network)
    assert feed_server.hits("/a") + feed_server.hits("/b") == MAX_REDIRECTS + 1
    assert err.value.hint


@pytest.mark.parametrize(("code", "outcome"), [(404, "error"), (410, "gone"), (500, "error")])
def test_error_statuses(feed_server, local_network, code, outcome):
    with pytest.raises(FetchError) as err:
        fetch(feed_server.status("/x", code), local_network)
    assert (err.value.status, err.value.outcome) == (code, outcome)


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_seconds_and_date(feed_server, local_network, code):
    with pytest.raises(FetchError) as err:
        fetch(feed_server.status("/s", code, {"Retry-After": "120"}), local_network)
    assert (err.value.outcome, err.value.retry_after) == ("throttled", 120)
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    with pytest.raises(FetchError) as err:
        fetch(feed_server.status("/d", code, {"Retry-After": stamp}), local_network)
    assert 3500 < err.value.retry_after <= 3600


def test_size_cap_applies_after_decompression(feed_server, local_network):
    bomb = gzip.compress(b"<rss>" + b" " * (30 * 1024 * 1024))
    url = feed_server.feed("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError) as err:
        fetch(url, local_network)
    assert err.value.outcome == "too_large" and "after decompression" in str(err.value)


def test_trickling_server_is_cut_by_the_whole_request_deadline(feed_server, local_network):
    url = feed_server.route("/slow", lambda req: trickle(req, every=0.3))
    network = local_network.model_copy(update={"total_timeout": 1.5, "read_timeout": 1.0})
    with pytest.raises(FetchError) as err:
        fetch(url, network)
    assert err.value.outcome == "timeout" and "1.5s" in str(err.value)


def test_private_addresses_are_refused_by_default(feed_server, local_network):
    strict = local_network.model_copy(update={"allow_private": False})
    for host in ("127.0.0.1", "localhost"):
        with pytest.raises(BlockedAddressError) as err:
            fetch(feed_server.feed("/f", rss(1)).replace("127.0.0.1", host), strict)
        assert err.value.outcome == "blocked" and "allow_private" in err.value.hint
    assert feed_server.requests == []  # refused before connecting: the server saw nothing


def test_hostname_is_kept_in_the_host_header_when_connecting_by_address(feed_server, local_network):
    url = feed_server.feed("/f", rss(1))
    fetch(url.replace("127.0.0.1", "localhost"), local_network)
    assert feed_server.requests[-1][1]["Host"] == f"localhost:{feed_server.port}"


def test_credentials_and_headers_stay_on_the_feeds_host(feed_server, local_network):
    feed_server.status("/private", 302, {"Location": feed_server.url("/elsewhere", host="localhost")})
    feed_server.feed("/elsewhere", rss(1))
    fetch(
        feed_server.url("/private"),
        local_network,
        auth=FeedAuth(username="u", password="p"),
        headers={"X-Api-Key": "k"},
    )
    (first, first_headers), (second, second_headers) = feed_server.requests
    assert first_headers["Authorization"] == "Basic dTpw" and first_headers["X-Api-Key"] == "k"
    assert "Authorization" not in second_headers and "X-Api-Key" not in second_headers


def test_bearer_token(feed_server, local_network):
    fetch(feed_server.feed("/f", rss(1)), local_network, auth=FeedAuth(token="t0k"))
    assert feed_server.requests[-1][1]["Authorization"] == "Bearer t0k"


def test_connection_refused_is_a_fetch_error(local_network):
    with pytest.raises(FetchError, match="network error"):
        fetch("http://127.0.0.1:9/feed", local_network)


def test_malformed_redirect_target_is_a_fetch_error(feed_server, local_network):
    url = feed_server.status("/bad", 302, {"Location": "http://[not-an-address/feed"})
    with pytest.raises(FetchError) as err:
        fetch(url, local_network)
    assert err.value.outcome == "error"


def test_garbage_instead_of_http_is_a_fetch_error(local_network):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer():
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01garbage\r\n\r\n")
        conn.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        with pytest.raises(FetchError, match="network error"):
            fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/feed", local_network)
    finally:
        listener.close()


def test_https_connects_to_the_checked_address_with_the_hostname_in_sni_and_host(local_network):
    import ssl

    import trustme

    from tests.sources.conftest import running_server

    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_ctx)
    names = []
    server_ctx.sni_callback = lambda sock, name, ctx: names.append(name)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    async def go(url):
        async with make_client(local_network, ssl_context=client_ctx) as client:
            return await fetch_feed(client, url, network=local_network)

    with running_server(server_ctx) as server:
        url = server.feed("/f", rss(2)).replace("http://127.0.0.1", "https://localhost")
        result = asyncio.run(go(url))
        assert result.status == 200 and b"Berita 1" in result.body
        assert names == ["localhost"]
        assert server.requests[-1][1]["Host"] == f"localhost:{server.port}"
        strict = local_network.model_copy(update={"allow_private": False})
        with pytest.raises(BlockedAddressError):
            asyncio.run(_fetch_with(strict, client_ctx, url))


async def _fetch_with(network, ssl_context, url):
    async with make_client(network, ssl_context=ssl_context) as client:
        return await fetch_feed(client, url, network=network)
