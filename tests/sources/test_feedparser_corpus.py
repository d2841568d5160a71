"""pantau's ingestion over feedparser's own real-world test corpus (~2,200 feed files).

The corpus ships in feedparser's PyPI sdist; it is downloaded once with pip
into pytest's cache. For every file: no crash, and an Article for every
item feedparser itself finds. A second pass serves the files from a local
server through the Poller, with the HTTP headers each file declares.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import tarfile
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import feedparser
import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.core.errors import ParseError
from pantau.sources.feeds import FeedSpec
from pantau.sources.normalise import normalise
from pantau.sources.parse import parse_feed
from pantau.sources.poller import Poller
from tests.conftest import require

HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
FETCHED = datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def corpus(request, tmp_path_factory) -> list[tuple[Path, bytes, dict[str, str]]]:
    """(path, bytes, declared headers) of every corpus file in the installed feedparser's sdist."""
    wanted = version("feedparser")
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    base = cache.mkdir("feedparser-sdist") if cache is not None else tmp_path_factory.mktemp("fp")
    tests_dir = base / f"feedparser-{wanted}" / "tests"
    if not tests_dir.exists():
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                "--quiet",
                f"feedparser=={wanted}",
                "-d",
                str(base),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        archives = list(base.glob(f"feedparser-{wanted}.tar.gz"))
        require(
            proc.returncode == 0 and bool(archives),
            f"feedparser {wanted} sdist from PyPI ({proc.stderr.strip()[-300:]})",
        )
        with tarfile.open(archives[0]) as tar:
            tar.extractall(base, filter="data")
    files = []
    for path in sorted(tests_dir.rglob("*")):
        if not path.is_file() or path.suffix not in {".xml", ".rdf", ".gz", ".z"}:
            continue
        data = path.read_bytes()
        headers = {k.decode().strip().lower(): v.decode("latin-1").strip() for k, v in HEADER.findall(data)}
        if path.parent.name == "compression":
            headers["content-encoding"] = "gzip" if path.suffix == ".gz" else "deflate"
        files.append((path, data, headers))
    require(len(files) > 2000, f"the feedparser test corpus (found {len(files)} files)")
    return files


def test_an_article_for_every_item_feedparser_finds(corpus):
    missing, crashed = [], []
    spec = FeedSpec(url="https://corpus.example/feed.xml")
    for path, data, headers in corpus:
        if "content-encoding" in headers:
            continue  # compressed bodies are the fetcher's business: covered by the Poller pass
        reference = len(feedparser.parse(data, response_headers=headers).entries)
        try:
            parsed = parse_feed(data, url=path.name, content_type=headers.get("content-type", ""))
            articles = [normalise(item, feed=spec, fetched=FETCHED) for item in parsed.items]
        except ParseError:
            articles = []
        except Exception as exc:  # noqa: BLE001 - the point is to find any crash
            crashed.append(f"{path.name}: {exc!r}")
            continue
        if len(articles) != reference:
            missing.append(f"{path.relative_to(path.parents[1])}: {len(articles)} of {reference}")
    assert crashed == []
    assert missing == []


def test_the_poller_survives_the_corpus_served_over_http(corpus, feed_server, local_network, tmp_path):
    specs = []
    for index, (path, data, headers) in enumerate(corpus):
        route = f"/c/{index}"
        feed_server.feed(
            route,
            data,
            content_type=headers.get("content-type", "application/xml"),
            headers={k: v for k, v in headers.items() if k == "content-encoding"},
        )
        specs.append(FeedSpec(url=feed_server.url(route), id=f"{path.parent.name}/{path.name}#{index}"))
    store = SqliteFeedStateStore(open_state(tmp_path / "state.db"))
    published = []

    async def publish(articles):
        published.extend(articles)

    async def go():
        # Generous deadline: this is about parsing, and 2,200 parses share one event loop.
        network = local_network.model_copy(update={"concurrency": 16, "per_host": 16, "total_timeout": 60})
        async with Poller(specs, store, publish, network=network) as poller:
            return await poller.poll_once()

    summary = asyncio.run(go())
    crashed = [o.error for o in summary.outcomes if o.error and "internal error" in o.error]
    errors = {o.feed: o.error for o in summary.outcomes if o.outcome not in {"ok", "parse_error"}}
    assert crashed == []
    # The one file whose gzip checksum is wrong on purpose is refused with a clear error.
    assert [feed.split("#")[0] for feed in errors] == ["compression/gzip-struct-error.gz"], errors
    assert all("corrupt compressed body" in error for error in errors.values())
    assert summary.feeds == len(corpus) and summary.ok > 0.9 * len(corpus)
    assert summary.published == len({a.id for a in published}) == len(published)
