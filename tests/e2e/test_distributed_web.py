"""`pantau web` beside a real `pantau worker` on the real broker: alert fates and stories, signed feedback links.

The worker delivers to two webhook receivers (``desk`` answers, ``down``
never does, so its alert dies); `pantau web` follows the topics into its own
view. The page must show what the worker did (arrived, failed, the outlets of
a story) and accept the "not relevant" link the worker signed with the
shared ``web.secret``, recording the verdict only on the confirming POST.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import httpx
import pytest
from processes import (
    PantauProcess,
    free_port,
    http_status,
    pantau_env,
    private_prefix,
    publish,
    start_worker,
    wait_until,
)
from servers import WebhookReceiver

from pantau.core.article import Article, article_id
from tests.web.webpage import csrf_of

pytestmark = pytest.mark.kafka

TOKEN = "distributed-web-e2e-token-01"
RULES = "topic: cybercrime\ntitle: Cybercrime\nowner: e2e\nrules:\n  - id: cyber-terms\n    any: [peretas]\n"
BODY = (
    "Kelompok peretas membobol sistem sebuah bank daerah dan mencuri data nasabah dalam jumlah besar. "
    "Polisi menyebut pelaku masuk lewat akun pegawai yang kata sandinya bocor di forum gelap, lalu "
    "menjual data itu kepada sindikat penipuan yang menghubungi nasabah satu per satu untuk menguras tabungan."
)


def _article(feed: str, title: str, text: str) -> Article:
    url = f"https://{feed}.example/{uuid.uuid4().hex[:8]}"
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        content=text,
        fetched=datetime.now(timezone.utc),
        feed=feed,
        feed_name=feed.title(),
        language="id",
    )


def test_the_web_view_shows_the_workers_fates_and_stories_and_takes_its_signed_links(
    kafka_bootstrap, tmp_path, worker_config, write_rules
):
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    desk, down = WebhookReceiver(), WebhookReceiver()
    down.fail(times=10**6, status=503)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config, metrics = worker_config(
        tmp_path,
        web={"listen": f"127.0.0.1:{port}", "token": TOKEN, "secret": "shared-feedback-secret-0123456789"},
        destinations={
            "desk": {"type": "webhook", "url": desk.url},
            "down": {"type": "webhook", "url": down.url, "retry": [0, 0.2]},
        },
        routes=[
            {"name": "desk", "feeds": ["kabar", "warta"], "to": ["desk"]},
            {"name": "down", "feeds": ["lain"], "to": ["down"]},
        ],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    worker = start_worker(config, env=env, metrics=metrics, timeout=120)
    web: PantauProcess | None = None
    try:
        # Only now: the worker has made the topics the page follows.
        web = PantauProcess(["web", "--config", str(config)], cwd=tmp_path, env=env, name="web")
        wait_until(lambda: http_status(base + "/login") == 200, "pantau web", timeout=60, procs=[worker, web])
        first = _article("kabar", "Peretas bobol bank daerah", BODY)
        copy = _article("warta", "Bank daerah dibobol peretas", "JAKARTA - " + BODY)
        doomed = _article("lain", "Peretas serang situs kampus", "Situs sebuah kampus diserang peretas pagi ini.")
        publish(kafka_bootstrap, prefix, [first])
        desk.wait_for(1, timeout=90)
        publish(kafka_bootstrap, prefix, [copy, doomed])
        wait_until(
            lambda: "alert_dead_lettered" in worker.output(),
            "the down destination's alert to be given up",
            timeout=90,
            procs=[worker, web],
        )

        with httpx.Client(base_url=base, timeout=30) as client:
            client.get(f"/login?token={TOKEN}")

            def page_of(article: Article, text: str) -> str | bool:
                page = client.get(f"/articles/{article.id}")
                return page.status_code == 200 and text in page.text and page.text

            # 5. the fates and the story, as the worker decided them
            shown = _wait(lambda: page_of(first, "arrived") and page_of(first, copy.title), [worker, web])
            assert "desk</span> via desk" in shown and "Outlets carrying the story (2)" in shown
            assert "arrived" in _wait(lambda: page_of(copy, "arrived"), [worker, web])  # the copy shows its story's
            assert "failed (dead letter)" in _wait(lambda: page_of(doomed, "failed (dead letter)"), [worker, web])

        # 6. the link the worker signed opens in pantau web; only the POST records
        link = desk.received[0].json()["alerts"][0]["feedback"]["not_relevant"]
        assert link.startswith(base + "/feedback/")
        with httpx.Client(timeout=30) as anonymous:
            confirm = anonymous.get(link)
            assert confirm.status_code == 200 and "Was this alert not relevant?" in confirm.text
            forged = anonymous.get(re.sub(r"sig=[0-9a-f]+", "sig=" + "0" * 64, link))
            assert forged.status_code == 403
            with httpx.Client(base_url=base, timeout=30) as admin:
                admin.get(f"/login?token={TOKEN}")
                # Two alerts (desk, down); the GET recorded nothing.
                assert _rule_row(admin.get("/quality").text) == (2, 0, 0)
                recorded = anonymous.post(
                    link.split("?")[0],
                    data={"csrf_token": csrf_of(confirm.text), **dict(httpx.URL(link).params)},
                    headers={"origin": base},
                )
                assert recorded.status_code == 200 and "Recorded: this alert was" in recorded.text
                assert "cybercrime/cyber-terms" in recorded.text
                assert _rule_row(admin.get("/quality").text) == (2, 0, 1)
    finally:
        if web is not None:
            web.stop()
        worker.stop()
        desk.stop()
        down.stop()


def _wait(probe, procs: list[PantauProcess], timeout: float = 60.0):
    found: list = []
    wait_until(lambda: bool(found.append(probe()) or found[-1]), "the web view", timeout=timeout, procs=procs)
    return found[-1]


def _rule_row(quality_html: str) -> tuple[int, int, int]:
    """(alerts, relevant, not relevant) of the rule cyber-terms on the quality page."""
    found = re.search(
        r'data-rule="cyber-terms"><th scope="row">cybercrime/cyber-terms</th>'
        r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>",
        quality_html,
    )
    assert found, quality_html[:2000]
    return int(found.group(1)), int(found.group(2)), int(found.group(3))
