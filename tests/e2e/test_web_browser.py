"""The web page in a real browser (Debian's Chromium) against a running ``pantau run``.

The editor story of issue 12, end to end, with a local feed server and a
local webhook receiver: log in; find an article that did not alert; see why;
edit the rule with a typo and see the located error inline; fix it; preview
the backtest; save (a git commit by the editor); see the new version running
and the next matching article alert. Every page is saved as a screenshot
under the test's output folder (``tmp_path/screenshots``). Also: a viewer
cannot save rules, and a forged CSRF token is refused.
"""

from __future__ import annotations

import socket
import subprocess

import pytest
from browser import Page
from browser import chromium as start_chromium
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

ALERTING = Item("Penipuan Daring Kuras Rekening Nasabah", "https://kabar.example/penipuan-daring",
                "Polisi membongkar sindikat penipuan daring yang menguras rekening ratusan nasabah di Surabaya.", T0)
QUIET = Item("Sindikat Penipuan Lewat Aplikasi Pesan Dibongkar", "https://kabar.example/aplikasi-pesan",
             "Pelaku penipuan menyebarkan aplikasi pesan palsu berkedok undangan pernikahan kepada warga Makassar.", T0)
UNRELATED = Item("Harga Cabai Rawit Naik Jelang Natal", "https://kabar.example/cabai",
                 "Pedagang di pasar induk menyebut pasokan cabai rawit dari Jawa Timur berkurang.", T0)
NEXT = Item("Penipuan Lewat Aplikasi Investasi Bodong Meningkat", "https://lain.example/investasi",
            "Otoritas mencatat lonjakan penipuan melalui aplikasi investasi bodong sepanjang bulan ini.", T0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def browser(tmp_path, chromium):
    """Headless Chromium (Debian's, from deploy/test-env.sh) with a fresh profile."""
    driver = start_chromium(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def monitor(tmp_path, feed_server, webhook_receiver, write_config, pantau_process):
    """``pantau run`` with the page on a free port, a git rules folder, an editor and a viewer."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "cybercrime.yaml").write_text(RULE, encoding="utf-8")
    (rules / "north-korea.yaml").write_text(NK, encoding="utf-8")
    git = ["git", "-C", str(rules), "-c", "user.name=desk", "-c", "user.email=desk@example.org"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "rules as the desk left them"], check=True)
    feed_server.put("/kabar.xml", rss("Kabar", [ALERTING, QUIET, UNRELATED]))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {feed_server.url('/kabar.xml')}\n    name: Kabar\n    interval: 1\n")
    port = _free_port()
    hashed = hash_password(PASSWORD)
    config = write_config(
        tmp_path, feeds="feeds.yaml", rules="rules", state="state/pantau.db", metrics=None,
        network={"allow_private": True},
        web={"listen": f"127.0.0.1:{port}", "public_url": f"http://127.0.0.1:{port}",
             "users": [{"name": "sari", "role": "editor", "password_hash": hashed, "email": "sari@desk.example"},
                       {"name": "budi", "role": "viewer", "password_hash": hashed}]},
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url,
                               "secret": "whsec_cGFudGF1LWUyZS1zZWNyZXQtMDEyMzQ1Njc4OWFiY2Q="}},
        routes=[{"name": "desk", "topics": ["cybercrime", "north-korea"], "to": ["siem"]}],
    )
    process = pantau_process("run", "--config", str(config), cwd=tmp_path)
    process.logged("web_started")
    webhook_receiver.wait_for(1, timeout=30)
    return {"base": f"http://127.0.0.1:{port}", "rules": rules, "feeds": feeds, "process": process, "tmp": tmp_path}


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
