"""The pages an editor works with: rules (check, save, commit, version), try, feeds, silences."""

from __future__ import annotations

import re
import subprocess

import pytest
from webpage import csrf_of

from pantau.streams.classify import load_ruleset

EDITED = """\
# ASEAN: the association and its meetings (a comment the save must keep)
topic: asean
title: ASEAN
owner: tests
rules:
  - id: asean-name
    any: [ASEAN, KTT]   # summits too
"""


def _edit_page(c, name="asean.yaml"):
    page = c.get(f"/rules/{name}").text
    return page, csrf_of(page), re.search(r'name="base" value="([^"]+)"', page).group(1)


def test_a_typo_is_located_as_file_line_col_while_typing(client, app):
    editor = client("editor")
    _page, token, _base = _edit_page(editor)
    typo = EDITED.replace("any: [ASEAN, KTT]", "anyy: [ASEAN, KTT]")
    reply = editor.post("/rules/asean.yaml/check", data={"csrf_token": token, "text": typo})
    assert reply.status_code == 200
    assert "asean.yaml:7:5" in reply.text and "anyy" in reply.text and "did you mean" in reply.text
    fixed = editor.post("/rules/asean.yaml/check", data={"csrf_token": token, "text": EDITED})
    assert "No errors" in fixed.text
    # Problems from another file of the folder (a cross-file check) are named by that file too.
    assert re.search(r'id="proposed-version">([0-9a-f]{12})<', fixed.text)


def test_save_writes_the_text_as_typed_and_the_live_reload_takes_it(client, site, app):
    config, live = site
    editor = client("editor")
    _page, token, base = _edit_page(editor)
    before = live.current.version
    crlf = EDITED.replace("\n", "\r\n")  # as browsers post a textarea
    reply = editor.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": crlf, "base": base})
    assert reply.status_code == 200, reply.text[:800]
    assert (config.rules / "asean.yaml").read_text(encoding="utf-8") == EDITED  # comments, order, LF
    saved = re.search(r'id="saved-version">([0-9a-f]{12})<', reply.text).group(1)
    assert saved == load_ruleset(config.rules).version != before
    assert "Waiting for the monitor" in reply.text  # not yet reloaded: this test's LiveRules is not watching
    live.reload()
    version = editor.get(f"/rules/version?expect={saved}").text
    assert f"Version {saved} is now running" in version


def test_a_save_with_errors_is_refused_and_nothing_is_written(client, site):
    config, _live = site
    editor = client("editor")
    _page, token, base = _edit_page(editor)
    original = (config.rules / "asean.yaml").read_text()
    typo = EDITED.replace("any:", "anyy:")
    reply = editor.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": typo, "base": base})
    assert reply.status_code == 409 and "Not saved" in reply.text and "asean.yaml:7:5" in reply.text
    assert (config.rules / "asean.yaml").read_text() == original


def test_a_save_over_someone_elses_newer_save_is_refused(client, site):
    config, _live = site
    editor = client("editor")
    _page, token, base = _edit_page(editor)
    (config.rules / "asean.yaml").write_text(EDITED.replace("KTT", "Sekretariat ASEAN"), encoding="utf-8")
    reply = editor.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": EDITED, "base": base})
    assert reply.status_code == 409 and "changed since you opened it" in reply.text
    assert "Sekretariat ASEAN" in (config.rules / "asean.yaml").read_text()


def test_no_path_tricks_in_the_file_name(client):
    editor = client("editor")
    assert editor.get("/rules/..%2Fpantau.yaml").status_code == 404
    assert editor.get("/rules/nope.yaml").status_code == 404


def test_in_a_git_folder_a_save_is_a_commit_by_the_editor(client, site):
    config, _live = site
    git = ["git", "-C", str(config.rules)]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["-c", "user.name=t", "-c", "user.email=t@t", "add", "."], check=True)
    subprocess.run(git + ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], check=True)
    editor = client("editor")
    _page, token, base = _edit_page(editor)
    reply = editor.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": EDITED, "base": base})
    assert reply.status_code == 200 and "commit" in reply.text
    log = subprocess.run(git + ["log", "-1", "--format=%an <%ae>|%s", "--stat"], capture_output=True, text=True).stdout
    assert log.startswith("edi <edi@pantau.invalid>|rules: asean.yaml edited on the web page by edi")
    assert "asean.yaml" in log


def test_every_save_is_audited_with_its_diff(client, site, caplog):
    import structlog

    editor = client("editor")
    _page, token, base = _edit_page(editor)
    with structlog.testing.capture_logs() as logs:
        editor.post("/rules/asean.yaml/save", data={"csrf_token": token, "text": EDITED, "base": base})
    change = next(e for e in logs if e["event"] == "web_change")
    assert change["who"] == "edi" and change["action"] == "rules.save" and change["diff_lines"] > 3


def test_try_explains_a_match_and_a_near_miss(client, app, site):
    config, _live = site
    (config.rules / "north-korea.yaml").write_text(
        "topic: north-korea\ntitle: North Korea\nowner: tests\nrules:\n  - id: nk-missile\n"
        "    title: Missile launches\n    query: 'Korut AND rudal'\n",
        encoding="utf-8",
    )
    _live.reload()
    viewer = client("viewer")
    token = csrf_of(viewer.get("/try").text)
    reply = viewer.post(
        "/try",
        data={
            "csrf_token": token,
            "text": "Peretas Korut bobol bursa\nKelompok peretas dari Korut membobol bursa kripto.",
        },
    )
    assert reply.status_code == 200
    html = reply.text
    assert "Cybercrime" in html and "cyber-terms" in html and "<mark>peretas</mark>" in html.lower()
    near = html[html.index("Near misses") :]
    assert "nk-missile" in near and "Korut AND rudal" in near and "conditions are not met" in near


def test_silences_are_created_listed_and_expired_by_editors(client):
    editor = client("editor")
    token = csrf_of(editor.get("/silences").text)
    page = editor.post(
        "/silences",
        data={"csrf_token": token, "kind": "topic", "value": "asean", "duration": "2h", "reason": "KTT week"},
    ).text
    assert "topic = asean" in page and "KTT week" in page and "by edi" in page
    silence_id = re.search(r'action="/silences/([0-9a-f]+)/expire"', page).group(1)
    page = editor.post(f"/silences/{silence_id}/expire", data={"csrf_token": token}).text
    assert "No alert is silenced" in page
    bad = editor.post(
        "/silences", data={"csrf_token": token, "kind": "topic", "value": "asean", "duration": "forever", "reason": "x"}
    )
    assert bad.status_code == 422 and "30m, 2h" in bad.text


def test_feeds_show_their_health(client, site, app):
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.sources.feed_state import FeedState
    from pantau.sources.feeds import FeedSpec

    config, _live = site
    config.feeds = [
        FeedSpec(url="https://kabar.example/rss", name="Kabar"),
        FeedSpec(url="https://warta.example/rss", name="Warta"),
    ]
    store = SqliteFeedStateStore(app.state.web.conn)
    store.save(FeedState(feed=config.feeds[0].key, url=config.feeds[0].url, failures=5, last_error="HTTP 503"))
    html = client("viewer").get("/feeds").text
    assert html.index("Kabar") < html.index("Warta")  # failing first
    assert "failing" in html and "HTTP 503" in html and "new" in html


@pytest.mark.parametrize("path", ["/", "/search?q=siber", "/try", "/rules", "/feeds", "/silences"])
def test_pages_have_landmarks_and_labels(client, path):
    html = client("viewer").get(path).text
    assert '<main id="main"' in html and '<nav aria-label="Main">' in html and 'lang="en"' in html
    for field in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
        assert f'for="{field}"' in html, f"{path}: #{field} has no label"
