"""`pantau fetch`, `pantau poll --once`, `pantau feeds ...` end to end against a local server."""

import json

import pytest

from pantau.cli.main import main
from pantau.core.article import decode
from tests.sources.conftest import rss

# main() points logging at the captured stderr: put things back after each test.
pytestmark = pytest.mark.usefixtures("restore_logging")


OPML = """<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Keamanan"><outline type="rss" text="Satu" xmlUrl="https://satu.example/rss"/></outline>
</body></opml>"""


def test_fetch_prints_articles_and_a_status_line(feed_server, capfd):
    url = feed_server.feed("/f", rss([{"title": "Peretas &amp; bank", "link": "https://x.id/1?utm_source=rss"}]))
    assert main(["fetch", url, "--allow-private"]) == 0
    out, err = capfd.readouterr()
    (article,) = [decode(line) for line in out.splitlines()]
    assert (article.title, article.url, article.feed) == ("Peretas & bank", "https://x.id/1", url)
    assert "200 rss20" in err and "1 items" in err and "bytes" in err


def test_fetch_failure_is_one_line_and_non_zero(feed_server, capfd):
    url = feed_server.feed("/f", rss(1))
    assert main(["fetch", url]) == 1  # 127.0.0.1 without --allow-private
    out, err = capfd.readouterr()
    assert out == ""
    first, *rest = [line for line in err.splitlines() if line.startswith(("pantau:", "  hint"))]
    assert first.startswith("pantau: error: ") and "non-public address 127.0.0.1" in first
    assert rest and "--allow-private" in rest[0]
    assert main(["fetch", feed_server.url("/missing"), "--allow-private"]) == 1
    assert "HTTP 404" in capfd.readouterr().err


def test_poll_once_prints_every_article_and_a_summary(feed_server, tmp_path, capfd):
    good = feed_server.feed("/good", rss(3), etag='"e"')
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {good}\n    name: Baik\n  - url: {feed_server.url('/404')}\n")
    state = tmp_path / "poll.db"
    assert main(["poll", "--once", "--feeds", str(feeds), "--allow-private", "--state", str(state)]) == 0
    out, err = capfd.readouterr()
    assert len([json.loads(line) for line in out.splitlines()]) == 3
    assert "2 feeds" in err and "1 ok" in err and "1 failed" in err and "HTTP 404" in err
    assert main(["poll", "--once", "--feeds", str(feeds), "--allow-private", "--state", str(state)]) == 0
    out, err = capfd.readouterr()
    assert out == "" and "1 not modified" in err
    config = tmp_path / "pantau.yaml"
    config.write_text("feeds: feeds.yaml\nstate: poll.db\n")
    assert main(["feeds", "status", "--config", str(config)]) == 0
    rows = [line for line in capfd.readouterr().out.splitlines() if "│" in line]
    good_row = next(r for r in rows if "Baik" in r)
    assert "ok" in good_row and "│ 3 " in good_row
    assert any("failing" in r or "HTTP 404" in r for r in rows if "Baik" not in r)


def test_feeds_import_merges_and_export_round_trips(tmp_path, capfd):
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML)
    target = tmp_path / "feeds.yaml"
    target.write_text("# my feeds\nfeeds:\n  - url: https://ada.example/rss  # keep me\n")
    assert main(["feeds", "import", str(opml), "--into", str(target)]) == 0
    assert "1 feeds added" in capfd.readouterr().err
    assert main(["feeds", "import", str(opml), "--into", str(target)]) == 0
    assert "0 feeds added" in capfd.readouterr().err
    assert "# my feeds" in target.read_text() and "# keep me" in target.read_text()
    assert main(["feeds", "export", "--feeds", str(target)]) == 0
    exported = capfd.readouterr().out
    assert 'xmlUrl="https://ada.example/rss"' in exported and 'text="Keamanan"' in exported


def test_broken_opml_is_a_clear_error(tmp_path, capfd):
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body>")
    assert main(["feeds", "import", str(bad)]) == 1
    assert "not usable OPML" in capfd.readouterr().err
