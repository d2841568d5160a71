"""The web page in a real browser (Debian's Chromium) against a running ``pantau run``.

The editor story of issue 12, end to end, with a local feed server and a
local webhook receiver: log in; find an article that did not alert; see why;
edit the rule with a typo and see the located error inline; fix it; preview
the backtest; save (a git commit by the editor); see the new version running
and the next matching article alert; mark that alert "not relevant" from its
signed link (a GET records nothing, the confirmation does) and see the
rule's quality change. Every page is saved as a screenshot
under the test's output folder (``tmp_path/screenshots``). Also: a viewer
cannot save rules, and a forged CSRF token is refused.
"""

from __future__ import annotations

import subprocess

import pytest
from browser import Page
from browser import chromium as start_chromium
from processes import free_port
from selenium.webdriver.common.keys import Keys
from servers import Item, rss

from pantau.web.auth import hash_password

PASSWORD = "sandi-editor-panjang"
RULE = """\
# Cybercrime, as the desk keeps it for this story (the save must keep this comment)
topic: cybercrime
title: Cybercrime
owner: desk
rules:
  - id: online-fraud
    title: Fraud carried out online
    query: 'penipuan AND (daring OR online)'
"""
NK = "topic: north-korea\ntitle: North Korea\nowner: desk\nrules:\n  - id: nk-names\n    any: [Korea Utara, Korut]\n"
T0 = Item("x", "x", "x").published

ALERTING = Item(
    "Penipuan Daring Kuras Rekening Nasabah",
    "https://kabar.example/penipuan-daring",
    "Polisi membongkar sindikat penipuan daring yang menguras rekening ratusan nasabah di Surabaya.",
    T0,
)
QUIET = Item(
    "Sindikat Penipuan Lewat Aplikasi Pesan Dibongkar",
    "https://kabar.example/aplikasi-pesan",
    "Pelaku penipuan menyebarkan aplikasi pesan palsu berkedok undangan pernikahan kepada warga Makassar.",
    T0,
)
# Long Indonesian words, diacritics and Hangul: the page must wrap them, never scroll sideways.
UNRELATED = Item(
    "Ketidakbertanggungjawabannya Pemerintahkabupatenpenyelenggarapemilihanumum: 김치 축제 Đà Nẵng",
    "https://kabar.example/cabai",
    "Pedagang di pasar induk menyebut pasokan cabai rawit dari Jawa Timur berkurang; "
    "memperjualbelikannyalah-ketidakbertanggungjawabannya-pertanggungjawabannya 서울특별시 강남구.",
    T0,
)
NEXT = Item(
    "Penipuan Lewat Aplikasi Investasi Bodong Meningkat",
    "https://lain.example/investasi",
    "Otoritas mencatat lonjakan penipuan melalui aplikasi investasi bodong sepanjang bulan ini.",
    T0,
)


@pytest.fixture
def browser(tmp_path, chromium):
    """Headless Chromium (Debian's, from deploy/test-env.sh) with a fresh profile."""
    driver = start_chromium(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def monitor(tmp_path, feed_server, webhook_receiver, write_config, write_rules, pantau_process):
    """``pantau run`` with the page on a free port, a git rules folder, an editor and a viewer."""
    rules = write_rules(tmp_path, {"cybercrime.yaml": RULE, "north-korea.yaml": NK})
    git = ["git", "-C", str(rules), "-c", "user.name=desk", "-c", "user.email=desk@example.org"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "rules as the desk left them"], check=True)
    feed_server.put("/kabar.xml", rss("Kabar", [ALERTING, QUIET, UNRELATED]))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {feed_server.url('/kabar.xml')}\n    name: Kabar\n    interval: 1\n")
    port = free_port()
    hashed = hash_password(PASSWORD)
    config = write_config(
        tmp_path,
        feeds="feeds.yaml",
        rules="rules",
        state="state/pantau.db",
        metrics=None,
        network={"allow_private": True},
        web={
            "listen": f"127.0.0.1:{port}",
            "public_url": f"http://127.0.0.1:{port}",
            "users": [
                {"name": "sari", "role": "editor", "password_hash": hashed, "email": "sari@desk.example"},
                {"name": "budi", "role": "viewer", "password_hash": hashed},
            ],
        },
        destinations={
            "siem": {
                "type": "webhook",
                "url": webhook_receiver.url,
                "secret": "whsec_cGFudGF1LWUyZS1zZWNyZXQtMDEyMzQ1Njc4OWFiY2Q=",
            }
        },
        routes=[{"name": "desk", "topics": ["cybercrime", "north-korea"], "to": ["siem"]}],
    )
    process = pantau_process("run", "--config", str(config), cwd=tmp_path)
    process.logged("web_started")
    webhook_receiver.wait_for(1, timeout=30)
    return {"base": f"http://127.0.0.1:{port}", "rules": rules, "feeds": feeds, "process": process, "tmp": tmp_path}


def test_the_editor_story(monitor, browser, feed_server, webhook_receiver, tmp_path):
    page = Page(browser, monitor["base"], tmp_path / "screenshots")

    # Log in (the keyboard reaches the skip link first).
    page.open("/")
    page.wait(lambda: "/login" in browser.current_url, what="the login redirect")
    page.find("body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    page.shot("login")
    page.log_in(name="sari", password=PASSWORD)

    # Find an article that did not alert: the recent page with unmatched articles, then "why not?".
    page.open("/?all=1")
    page.wait_text(QUIET.title, timeout=20)
    page.shot("recent")
    assert "Ketidakbertanggungjawabannya" in page.text() and "김치 축제" in page.text()
    assert not page.overflows()  # long words and Hangul wrap on a laptop screen
    row = next(li for li in page.all("li.entry") if QUIET.title in li.text)
    assert "no topic" in row.text
    row.find_element("link text", "why not?").click()

    # See why: the fraud rule found "penipuan" but its condition wants "daring" or "online".
    text = page.wait_text("Near misses")
    assert "online-fraud" in text and "penipuan" in text and "penipuan AND (daring OR online)" in text
    page.shot("why-not")

    # Edit the rule with a typo: the located error appears inline, as the editor types.
    page.open("/rules/cybercrime.yaml")
    page.find("#text")
    typo = RULE.replace(
        "    query: 'penipuan AND (daring OR online)'", "    qeury: 'penipuan AND (daring OR online OR aplikasi)'"
    )
    page.set_value("#text", typo)
    problems = page.wait_text("cybercrime.yaml:8:5")
    assert "qeury" in problems and "did you mean 'query'" in problems
    page.shot("rule-typo")

    # Fix it: no errors, and the version the edit would make.
    fixed = typo.replace("qeury:", "query:")
    page.set_value("#text", fixed)
    page.wait_text("No errors")
    proposed = page.find("#proposed-version").text

    # Preview the backtest: the quiet article would now alert.
    page.find("#backtest-button").click()
    backtest = page.wait_text("gained", timeout=20)
    assert "+1 gained" in backtest and QUIET.title in backtest
    page.shot("backtest")

    # Save: written as typed (comment kept), a commit by the editor, and the new version running.
    page.find("#save-button").click()
    page.wait_text(f"Version {proposed} is now running", timeout=20)
    page.shot("saved")
    assert (monitor["rules"] / "cybercrime.yaml").read_text(encoding="utf-8") == fixed
    author = subprocess.run(
        ["git", "-C", str(monitor["rules"]), "log", "-1", "--format=%an <%ae>"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert author == "sari <sari@desk.example>"

    # The next matching article alerts (a feed added to the list: feeds are polled at most once a minute).
    before = len(webhook_receiver.received)
    feed_server.put("/lain.xml", rss("Lain", [NEXT]))
    with monitor["feeds"].open("a") as fh:
        fh.write(f"  - url: {feed_server.url('/lain.xml')}\n    name: Lain\n    interval: 1\n")
    received = webhook_receiver.wait_for(before + 1, timeout=30)
    assert len(received) == before + 1 and NEXT.title in received[-1].body.decode()
    page.open("/")
    # The monitor records the delivery's fate in the archive after its next pass (within seconds).
    page.wait(
        lambda: (
            (NEXT.title in page.find("li.entry").text and "arrived" in page.find("li.entry").text) or browser.refresh()
        ),
        timeout=30,
        what="the new alert, arrived, on the page",
    )
    page.shot("recent-after")

    # Mark the alert "not relevant" from its signed link (the webhook's feedback field) and see the quality change.
    page.open("/quality?since=all")
    row = page.find('#quality-rule tr[data-rule="online-fraud"]')
    before_quality = row.text
    assert "no verdicts" in before_quality
    link = received[-1].json()["alerts"][0]["feedback"]["not_relevant"]
    assert link.startswith(monitor["base"] + "/feedback/")
    browser.get(link)
    page.wait_text("Was this alert not relevant?")
    page.shot("feedback-confirm")
    page.open("/quality?since=all")  # opening the link recorded nothing
    assert page.find('#quality-rule tr[data-rule="online-fraud"]').text == before_quality
    browser.get(link)
    page.find("#confirm").click()
    page.wait_text("Recorded: this alert was not relevant")
    page.shot("feedback-recorded")
    page.open("/quality?since=all")
    after = page.find('#quality-rule tr[data-rule="online-fraud"]').text
    assert after != before_quality and "0 %" in after
    page.shot("quality")

    # The other pages an editor uses, for the record.
    for path, name, needle in (
        ("/search?q=penipuan&since=all", "search", ALERTING.title),
        ("/feeds", "feeds", "Kabar"),
        ("/silences", "silences", "Silence alerts"),
        ("/rules", "rules", "Running"),
    ):
        page.open(path)
        page.wait_text(needle)
        page.shot(name)
    assert len(list((tmp_path / "screenshots").glob("*.png"))) >= 10
    assert page.console_errors() == []  # no script refused by the content security policy, none failing


def test_a_viewer_cannot_save_and_a_forged_token_is_refused(monitor, browser, tmp_path):
    page = Page(browser, monitor["base"], tmp_path / "screenshots")
    page.log_in(name="budi", password=PASSWORD)
    page.open("/rules/cybercrime.yaml")
    page.find("#text")
    assert not page.all("#save-button") and page.find("#text").get_attribute("readonly") is not None
    # The form posted anyway (as a crafted request would) is refused: the role, not the button, decides.
    browser.execute_script("document.getElementById('editor').submit()")
    page.wait_text("this needs the editor role")
    page.shot("viewer-refused")
    assert (monitor["rules"] / "cybercrime.yaml").read_text(encoding="utf-8") == RULE

    # A forged CSRF token on an otherwise fine form is refused.
    page.open("/try")
    browser.execute_script("document.querySelector('form[action=\"/try\"] input[name=csrf_token]').value = 'forged'")
    page.fill("#text", "Penipuan daring\nPenipuan daring marak.")
    page.find("#text").submit()
    page.wait_text("security token is missing or wrong")
    page.shot("csrf-refused")
