"""Structured logs: JSON lines with --log-format json, and every line about a feed,
article or destination carries its id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Event-name prefixes and the id field each must carry.
IDS_BY_PREFIX = {"feed_": "feed", "article_": "article", "alert_": "destination", "destination_": "destination"}


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PANTAU_LOG_FORMAT", None)
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=30)


def test_a_logger_made_at_import_time_still_follows_the_chosen_format() -> None:
    # Modules create their logger when imported, before the CLI configures logging.
    code = (
        "from pantau.core.logs import get_logger, configure_logging\n"
        "log = get_logger(feed='antara')\n"
        "configure_logging('json')\n"
        "log.bind(article='a1').warning('feed_item_skipped', reason='no link')\n"
    )
    line = json.loads(_python(code).stderr.strip())
    assert line == {
        **line,
        "feed": "antara",
        "article": "a1",
        "event": "feed_item_skipped",
        "level": "warning",
        "reason": "no link",
    }
    assert line["timestamp"].endswith("Z")


def test_console_format_is_readable_text_not_json() -> None:
    code = (
        "from pantau.core.logs import get_logger, configure_logging\n"
        "configure_logging('console')\n"
        "get_logger(destination='siem').info('alert_delivered', attempt=1)\n"
    )
    text = _python(code).stderr
    assert "alert_delivered" in text and "destination=siem" in text and not text.lstrip().startswith("{")


def test_library_logs_through_stdlib_come_out_as_json_too() -> None:
    code = (
        "import logging\n"
        "from pantau.core.logs import configure_logging\n"
        "configure_logging('json')\n"
        "logging.getLogger('aiokafka.consumer').warning('heartbeat failed')\n"
    )
    line = json.loads(_python(code).stderr.strip())
    assert (line["event"], line["level"], line["logger"]) == ("heartbeat failed", "warning", "aiokafka.consumer")


def test_every_line_of_a_real_run_is_json_and_names_its_feed_article_or_destination(
    tmp_path: Path, e2e, write_monitor, webhook_receiver
) -> None:
    write_monitor([e2e.Item("Ransomware lumpuhkan layanan publik", "https://news.example/l/1", "Sistem diserang.")])
    webhook_receiver.fail(times=1, status=503)  # one retry: delivery logs a failure, then a success
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ran = subprocess.run(
        [sys.executable, "-m", "pantau.cli.main", "--log-format", "json", "run", "--once", "--config", "pantau.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert ran.returncode == 0, ran.stderr
    # The run ends with plain summary lines meant for people (prefixed "pantau:"); every log line is JSON.
    lines = [json.loads(line) for line in ran.stderr.splitlines() if not line.startswith("pantau:")]
    assert lines, ran.stderr
    events = {line["event"] for line in lines}
    missing = [
        (line["event"], field)
        for line in lines
        for prefix, field in IDS_BY_PREFIX.items()
        if line["event"].startswith(prefix) and not line.get(field)
    ]
    assert missing == []
    assert any(line.get("feed") == "gone" for line in lines), events  # the failing feed is named
    assert any(line.get("destination") == "siem" for line in lines), events  # so is the destination
    assert all({"event", "level", "timestamp"} <= line.keys() for line in lines)


def test_lines_from_pantau_and_library_threads_never_interleave() -> None:
    # kafka-python and aiokafka log from their own threads through stdlib logging while
    # pantau logs through structlog: every stderr line must still be one whole JSON object.
    code = (
        "import logging, threading\n"
        "from pantau.core.logs import get_logger, configure_logging\n"
        "configure_logging('json')\n"
        "log = get_logger()\n"
        "lib = logging.getLogger('kafka.net.selector')\n"
        "def ours():\n"
        "    for i in range(400): log.warning('feed_poll_slow', feed='f' * 300, n=i)\n"
        "def theirs():\n"
        "    for i in range(400): lib.warning('connection reset ' + 'x' * 300)\n"
        "threads = [threading.Thread(target=t) for t in (ours, theirs, ours, theirs)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
    )
    lines = _python(code).stderr.splitlines()
    assert len(lines) == 1600
    events = [json.loads(line) for line in lines]
    assert sum(e.get("logger") == "kafka.net.selector" for e in events) == 800
