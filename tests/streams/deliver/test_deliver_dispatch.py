"""Dispatcher against real receivers: retries, Retry-After, outages, restarts, bad destinations, 410."""

import asyncio
import threading
import time

import msgspec
import pytest
from prometheus_client import REGISTRY
from standardwebhooks import Webhook

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.silences import SqliteSilences
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router

SECRET = "a raw test secret"
FAST = [0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]


def _metric(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Setup:
    """A router, an SQLite outbox and a dispatcher over real destinations."""

    def __init__(self, tmp_path, destinations: dict, routes: list[dict] | None = None, silences=False):
        self.path = tmp_path / "state.db"
        self.specs = {n: parse_destination(s) for n, s in destinations.items()}
        self.routes = [
            RouteSpec.model_validate(r) for r in (routes or [{"topics": ["asean"], "to": list(destinations)}])
        ]
        self.router = Router(self.routes, self.specs)
        self.conn = open_state(self.path)
        self.silences = SqliteSilences(self.conn) if silences else None
        self.dispatcher = self.fresh()

    def fresh(self, conn=None):
        """A new dispatcher over the same state file (a restarted process)."""
        dests = {n: build_destination(n, s) for n, s in self.specs.items()}
        return Dispatcher(
            dests, SqliteOutbox(conn or self.conn), routes=self.routes, silences=self.silences, jitter=0.0
        )

    def run(self, classifieds, max_wait=10.0, dispatcher=None):
        d = dispatcher or self.dispatcher

        async def go():
            for c in classifieds:
                await d.submit(self.router.alerts_for(c))
            try:
                return await d.drain(max_wait)
            finally:
                await d.aclose()

        return asyncio.run(go())


def _hook(url, **kw):
    return {"type": "webhook", "url": url, "secret": SECRET, "retry": FAST, **kw}


def test_500_twice_then_200_is_delivered_exactly_once(classified, receiver, tmp_path):
    receiver.script = [(500, {}), (500, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    sent0, retried0 = (
        _metric("pantau_alerts_total", destination="siem", outcome="sent"),
        _metric("pantau_alerts_total", destination="siem", outcome="retried"),
    )
    story = classified()
    summary = s.run([story])
    assert summary.sent == 1 and summary.pending == 0 and summary.dead == 0
    (got,) = receiver.requests
    Webhook(SECRET.encode()).verify(got.body, got.headers)
    assert [f.headers["webhook-id"] for f in receiver.failures] == [got.headers["webhook-id"]] * 2  # stable id
    assert _metric("pantau_alerts_total", destination="siem", outcome="sent") - sent0 == 1
    assert _metric("pantau_alerts_total", destination="siem", outcome="retried") - retried0 == 2
    # the same story again (another outlet's copy, a restart...) is not delivered twice
    again = s.run([story], dispatcher=s.fresh())
    assert again.sent == 0 and len(receiver.requests) == 1


def test_429_with_retry_after_waits_then_delivers(classified, receiver, tmp_path):
    receiver.script = [(429, {"Retry-After": "1"})]
    s = Setup(tmp_path, {"chat": {"type": "slack", "url": receiver.url, "retry": [0, 0.05, 0.05]}})
    assert s.run([classified()]).sent == 1
    (failed,), (got,) = receiver.failures, receiver.requests
    assert got.at - failed.at >= 1.0  # not before the receiver said


def test_a_receiver_down_for_a_while_gets_the_alert_when_it_returns(classified, make_receiver, tmp_path):
    down = make_receiver()  # not listening yet
    s = Setup(tmp_path, {"siem": _hook(down.url)})
    timer = threading.Timer(0.7, down.start)
    timer.start()
    try:
        summary = s.run([classified()])
    finally:
        timer.join()
    assert summary.sent == 1 and len(down.requests) == 1


def test_restart_mid_retry_delivers_once_and_loses_nothing(classified, receiver, tmp_path):
    receiver.script = [(503, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url, retry=[0, 0.5])})
    first = s.run([classified()], max_wait=0)  # one failed attempt, then the process "dies"
    assert first.sent == 0 and first.pending == 1
    s.conn.close()
    conn = open_state(s.path)  # a new process opens the same state file
    summary = s.run([], dispatcher=s.fresh(conn))
    assert summary.sent == 1 and summary.pending == 0
    (failed,), (got,) = receiver.failures, receiver.requests
    assert failed.headers["webhook-id"] == got.headers["webhook-id"]


def test_bad_destinations_fail_clearly_and_others_are_unaffected(classified, receiver, unused_port, tmp_path):
    s = Setup(
        tmp_path,
        {
            "chat": {"type": "slack", "url": receiver.url},
            "nowhere-hook": _hook(f"http://127.0.0.1:{unused_port}/hook", retry=[0, 0.1]),
            "desk-mail": {
                "type": "email",
                "smtp": f"smtp://127.0.0.1:{unused_port}",
                "from": "p@example.org",
                "to": ["d@example.org"],
                "retry": [0, 0.1],
                "timeout": 2,
            },
            "typo-hook": _hook("http://no-such-host.invalid/hook", retry=[0]),
        },
    )
    summary = s.run([classified()])
    assert summary.sent == 1 and len(receiver.requests) == 1
    dead = {d.alert.destination: d.error for d in s.dispatcher.outbox.dead()}
    assert set(dead) == {"nowhere-hook", "desk-mail", "typo-hook"}
    assert dead["nowhere-hook"].startswith("destination 'nowhere-hook': cannot reach http://127.0.0.1:")
    assert dead["desk-mail"].startswith("destination 'desk-mail': cannot reach SMTP server smtp://127.0.0.1:")
    assert dead["typo-hook"].startswith("destination 'typo-hook': cannot reach http://no-such-host.invalid/")
    assert "/hook" not in dead["nowhere-hook"]  # paths (Slack's carry the token) are masked in errors


def test_410_gone_disables_the_destination(classified, receiver, make_receiver, tmp_path):
    gone = make_receiver().start()
    gone.script = [(410, {})]
    s = Setup(tmp_path, {"old": _hook(gone.url), "siem": _hook(receiver.url)})
    summary = s.run([classified(url="https://kabar.example/a"), classified(url="https://kabar.example/b")])
    assert len(gone.failures) == 1 and gone.requests == []  # no second try at a gone receiver
    # The two alerts were due together: one request carries both (the webhook's batch).
    assert [len(r.json()["alerts"]) for r in receiver.requests] == [2] and summary.sent == 2
    assert "old" in s.dispatcher.disabled
    assert _metric("pantau_alerts_destination_enabled", destination="old") == 0
    assert _metric("pantau_alerts_destination_enabled", destination="siem") == 1
    assert sorted(d.alert.destination for d in s.dispatcher.outbox.dead()) == ["old", "old"]


def test_exhausted_retries_become_dead_letters_that_replay_delivers(classified, receiver, tmp_path):
    receiver.script = [(500, {}), (500, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url, retry=[0, 0.1])})
    first = s.run([classified()])
    assert first.dead == 1 and receiver.requests == []
    (letter,) = s.dispatcher.outbox.dead()
    assert letter.attempts == 2 and "answered 500" in letter.error
    assert _metric("pantau_alerts_dead_letters", destination="siem") == 1
    d = s.fresh()
    assert d.outbox.replay(None, 0.0) == 1
    assert s.run([], dispatcher=d).sent == 1 and len(receiver.requests) == 1


def test_drain_parks_long_retries_for_the_next_run(classified, receiver, tmp_path):
    receiver.script = [(500, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url, retry=[0, 3600])})
    summary = s.run([classified()], max_wait=1)
    assert summary.sent == 0 and summary.pending == 1 and summary.dead == 0
    assert _metric("pantau_alerts_pending", destination="siem") == 1


def test_grouped_routes_send_one_digest_and_drain_flushes_it(classified, receiver, tmp_path):
    s = Setup(
        tmp_path,
        {"siem": _hook(receiver.url)},
        routes=[{"topics": ["asean"], "to": ["siem"], "group_wait": "1h", "group_interval": "1h"}],
    )
    summary = s.run([classified(url=f"https://kabar.example/{i}") for i in range(3)])
    assert summary.sent == 3
    (got,) = receiver.requests
    body = got.json()
    assert body["type"] == "digest" and len(body["alerts"]) == 3


def test_rate_limit_spaces_messages(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"chat": {"type": "slack", "url": receiver.url, "rate": 4}})
    s.run([classified(url=f"https://kabar.example/{i}") for i in range(3)])
    times = [r.at for r in receiver.requests]
    # 4 messages/s: sends start >= 0.25 s apart; compare warm-connection arrivals
    # (the first request also sets up the client and connection, so it arrives late)
    assert len(times) == 3 and times[2] - times[1] >= 0.2


def test_silenced_alerts_are_counted_not_sent(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url)}, silences=True)
    s.silences.add("topic", "asean", 3600, "summit week")
    before = _metric("pantau_alerts_total", destination="siem", outcome="silenced")
    summary = s.run([classified()])
    assert summary.sent == 0 and receiver.requests == []
    assert _metric("pantau_alerts_total", destination="siem", outcome="silenced") - before == 1
    assert _metric("pantau_alerts_silences_active") == 1


WORKER = """
import asyncio, sys
from pathlib import Path
from pantau.streams.deliver.alert import decode_alert
from pantau.streams.deliver.destinations import build_destination
from pantau.streams.deliver.destinations.webhook import WebhookSettings
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state

db, url, alert_file, secret = sys.argv[1:]
spec = WebhookSettings(url=url, secret=secret, retry=[0, 1.0, 1.0])
dispatcher = Dispatcher({"siem": build_destination("siem", spec)}, SqliteOutbox(open_state(db)), jitter=0.0)

async def main():
    await dispatcher.submit([decode_alert(Path(alert_file).read_bytes())])
    await dispatcher.run_forever()

asyncio.run(main())
"""


def test_a_process_killed_mid_retry_delivers_once_after_restart(classified, receiver, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from pantau.streams.deliver.alert import encode_alert

    receiver.script = [(503, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url, retry=[0, 0.3, 0.3])})
    (alert,) = s.router.alerts_for(classified())
    (tmp_path / "alert.json").write_bytes(encode_alert(alert))
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(s.path), receiver.url, str(tmp_path / "alert.json"), SECRET],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # the worker's first attempt fails; kill it while it waits to retry
            if receiver.failures or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert receiver.failures and proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert receiver.requests == []
    summary = s.run([], dispatcher=s.fresh(open_state(s.path)))
    assert summary.sent == 1 and summary.pending == 0
    (got,) = receiver.requests
    assert got.headers["webhook-id"] == receiver.failures[0].headers["webhook-id"] == alert.key
    Webhook(SECRET.encode()).verify(got.body, got.headers)


def test_run_forever_serves_each_destination_on_its_own(classified, receiver, make_receiver, tmp_path):
    slow = make_receiver().start()
    slow.delay = 1.0
    s = Setup(tmp_path, {"slow": _hook(slow.url), "fast": _hook(receiver.url)})

    async def go():
        task = asyncio.create_task(s.dispatcher.run_forever())
        await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/1")))
        for _ in range(500):
            if receiver.requests:
                break
            await asyncio.sleep(0.02)
        # the slow receiver is still busy with alert 1; alert 2 must reach "fast" meanwhile
        await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/2")))
        for _ in range(500):
            if len(receiver.requests) >= 2 and not s.dispatcher.outbox.pending():
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError(
                f"stuck: fast={len(receiver.requests)} slow={len(slow.requests)} "
                f"pending={[(e.alert.destination, e.due, e.attempts, e.error) for e in s.dispatcher.outbox.pending()]} "
                f"task={task}"
            )
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await s.dispatcher.aclose()

    asyncio.run(go())
    assert receiver.requests[1].at < slow.answered[0]
    assert s.dispatcher.outbox.pending() == []


@pytest.mark.parametrize(
    ("batch", "first"),
    [(1, [("alert", 1), ("alert", 1)]), (10, [("digest", 2)])],
    ids=["one-per-request", "batched"],
)
def test_a_storm_sends_the_first_alerts_then_one_summary(classified, receiver, tmp_path, batch, first):
    s = Setup(
        tmp_path,
        {"siem": _hook(receiver.url, batch=batch)},
        routes=[{"topics": ["asean"], "to": ["siem"], "storm": {"max": 2, "window": "10m"}}],
    )
    summary = s.run([classified(url=f"https://kabar.example/{i}") for i in range(6)])
    assert summary.sent == 6
    kinds = [(r.json()["type"], len(r.json()["alerts"])) for r in receiver.requests]
    assert kinds == [*first, ("storm", 4)]


def test_alerts_due_together_share_requests_of_at_most_batch(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url, batch=3)})
    summary = s.run([classified(url=f"https://kabar.example/{i}") for i in range(7)])
    assert summary.sent == 7
    bodies = [r.json() for r in receiver.requests]
    assert [(b["type"], len(b["alerts"])) for b in bodies] == [("digest", 3), ("digest", 3), ("alert", 1)]
    keys = [a["key"] for b in bodies for a in b["alerts"]]
    assert len(set(keys)) == 7  # each alert once, none left out
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 3


def test_a_busy_batching_destination_gathers_a_burst_and_an_idle_one_sends_at_once(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url, batch=5)})
    s.dispatcher.gather = 0.5  # wide, so that a slow machine cannot miss it

    async def until(n: int) -> None:
        for _ in range(500):
            if len(receiver.requests) >= n:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(receiver.requests)} requests, not {n}")

    async def go():
        task = asyncio.create_task(s.dispatcher.run_forever())
        try:
            started = time.monotonic()
            await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/0")))
            await until(1)
            first = time.monotonic() - started
            # A burst right after: each alert arrives before the last has gone, all share one request.
            for i in range(1, 4):
                await s.dispatcher.submit(s.router.alerts_for(classified(url=f"https://kabar.example/{i}")))
                await asyncio.sleep(0.05)
            await until(2)
            await asyncio.sleep(1.0)  # idle for longer than the gather
            started = time.monotonic()
            await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/4")))
            await until(3)
            last = time.monotonic() - started
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await s.dispatcher.aclose()
        return first, last

    first, last = asyncio.run(go())
    assert [len(r.json()["alerts"]) if r.json()["type"] == "digest" else 1 for r in receiver.requests] == [1, 3, 1]
    assert first < 0.5 and last < 0.5, (first, last)  # an idle destination does not wait for the gather


def test_disabling_is_an_ops_event_in_the_logs(classified, make_receiver, tmp_path):
    from structlog.testing import capture_logs

    gone = make_receiver().start()
    gone.script = [(410, {})]
    with capture_logs() as logs:
        s = Setup(tmp_path, {"old": _hook(gone.url)})
        s.run([classified()])
    (event,) = [e for e in logs if e["event"] == "destination_disabled"]
    assert event["destination"] == "old" and "410" in event["reason"] and event["log_level"] == "error"


def test_delivery_latency_is_measured_from_the_fetch(classified, receiver, tmp_path):
    from datetime import datetime, timedelta, timezone

    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    before = _metric("pantau_alerts_delivery_latency_seconds_count", destination="siem")
    slow_bucket = _metric("pantau_alerts_delivery_latency_seconds_bucket", destination="siem", le="30.0")
    s.run([classified(fetched=datetime.now(timezone.utc) - timedelta(seconds=45))])
    assert _metric("pantau_alerts_delivery_latency_seconds_count", destination="siem") - before == 1
    # 45 s since the fetch: counted above the 30 s bucket
    assert _metric("pantau_alerts_delivery_latency_seconds_bucket", destination="siem", le="30.0") == slow_bucket


def test_run_forever_honours_retry_after_and_holds_storms(classified, receiver, tmp_path):
    receiver.script = [(429, {"Retry-After": "1"})]
    s = Setup(
        tmp_path,
        {"siem": _hook(receiver.url)},
        routes=[{"topics": ["asean"], "to": ["siem"], "storm": {"max": 1, "window": "1s"}}],
    )
    served = []
    serve = s.dispatcher._serve

    async def counting(name, entries, flush):
        served.append(name)
        return await serve(name, entries, flush)

    s.dispatcher._serve = counting

    async def go():
        task = asyncio.create_task(s.dispatcher.run_forever())
        await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/1")))
        await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/2")))
        await s.dispatcher.submit(s.router.alerts_for(classified(url="https://kabar.example/3")))
        for _ in range(500):
            if not s.dispatcher.outbox.pending():
                break
            await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await s.dispatcher.aclose()

    asyncio.run(go())
    assert [(r.json()["type"], len(r.json()["alerts"])) for r in receiver.requests] == [("alert", 1), ("storm", 2)]
    (failed,) = receiver.failures
    assert receiver.requests[0].at - failed.at >= 1.0
    assert len(served) < 20  # woken by due times, not spinning while paused or holding a storm


def test_redirects_are_failures_not_followed(classified, receiver, make_receiver, tmp_path):
    elsewhere = make_receiver().start()
    receiver.script = [(302, {"Location": elsewhere.url})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    assert s.run([classified()]).sent == 1
    assert elsewhere.requests == [] and elsewhere.failures == []  # never chased
    assert len(receiver.failures) == 1 and len(receiver.requests) == 1


def test_a_refusing_4xx_goes_to_the_dead_letters_without_retries(classified, receiver, tmp_path):
    receiver.script = [(400, {})]
    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    assert s.run([classified()]).dead == 1
    (letter,) = s.dispatcher.outbox.dead()
    assert letter.attempts == 1 and "answered 400" in letter.error and len(receiver.failures) == 1


def test_a_receiver_that_does_not_answer_in_time_is_retried_then_dead(classified, receiver, tmp_path):
    receiver.delay = 1.0
    s = Setup(tmp_path, {"siem": _hook(receiver.url, timeout=0.3, retry=[0, 0.1])})
    assert s.run([classified()]).dead == 1
    (letter,) = s.dispatcher.outbox.dead()
    assert letter.attempts == 2 and "no answer from" in letter.error and "within 0.3 s" in letter.error


def test_an_email_digest_route_sends_one_mail_for_the_group(classified, smtp_server, tmp_path):
    import email
    import email.policy

    box = smtp_server(mode="starttls", users={"desk": "pw"})
    s = Setup(
        tmp_path,
        {
            "desk": {
                "type": "email",
                "smtp": f"smtp://desk:pw@127.0.0.1:{box.port}",
                "ca_file": str(box.ca_file),
                "from": "pantau@example.org",
                "to": ["desk@example.org"],
            }
        },
        routes=[{"topics": ["asean"], "to": ["desk"], "group_wait": "15m", "group_interval": "1d"}],
    )
    stories = [classified(url=f"https://kabar.example/{i}", title=f"ASEAN berita {i}") for i in range(3)]
    assert s.run(stories).sent == 3
    ((raw, tls, _),) = box.messages
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    text = msg.get_body(("plain",)).get_content()
    assert tls and msg["Subject"].startswith("[pantau] 3 alerts on")
    assert all(c.article.url in text for c in stories)


def test_copies_of_one_story_from_several_outlets_alert_once(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    copies = [
        classified(url=f"https://{outlet}.example/berita/1", feed=f"https://{outlet}.example/rss")
        for outlet in ("kabar", "warta", "harian")
    ]

    async def go():
        stored = []
        for c in copies:
            stored += await s.dispatcher.submit(s.router.alerts_for(c, story="story-asean-1"))
        summary = await s.dispatcher.drain(5)
        await s.dispatcher.aclose()
        return stored, summary

    stored, summary = asyncio.run(go())
    assert len(stored) == 1 and summary.sent == 1
    (got,) = receiver.requests
    assert got.json()["alerts"][0]["story"] == "story-asean-1"
    assert got.json()["alerts"][0]["article"]["url"] == "https://kabar.example/berita/1"  # the first copy


class _Counting(SqliteOutbox):
    """The SQLite outbox, counting the entries it decodes and hands out."""

    read = 0

    def _entries(self, where, params=()):
        found = super()._entries(where, params)
        self.read += len(found)
        return found


def test_a_filling_digest_is_not_read_back_per_alert_and_still_goes_out_whole(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url)}, routes=[{"topics": ["asean"], "to": ["siem"], "group_wait": 2}])
    outbox = _Counting(s.conn)
    d = Dispatcher({"siem": build_destination("siem", s.specs["siem"])}, outbox, routes=s.routes, jitter=0.0)
    stories = [classified(url=f"https://kabar.example/{n}") for n in range(40)]

    async def go():
        task = asyncio.create_task(d.run_forever())
        await asyncio.sleep(0.05)  # the loop's first pass: nothing waits yet
        for story in stories:  # as the embedded runner does: one match at a time, the loop running beside it
            assert len(await d.submit(s.router.alerts_for(story))) == 1
            await asyncio.sleep(0)
        read_while_taking_in = outbox.read
        for _ in range(400):
            if receiver.requests:
                break
            await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await d.aclose()
        return read_while_taking_in

    # Before: each alert taken in read every waiting alert back, twice (40 alerts: 1,640 entries decoded).
    assert asyncio.run(go()) == 0
    (digest,) = receiver.requests
    body = msgspec.json.decode(digest.body)
    assert body["type"] == "digest" and len(body["alerts"]) + body["omitted"] == 40
    assert outbox.pending() == [] and _metric("pantau_alerts_pending", destination="siem") == 0


def test_wake_sends_what_was_put_in_the_outbox_behind_the_loops_back(classified, receiver, tmp_path):
    s = Setup(tmp_path, {"siem": _hook(receiver.url)})
    s.dispatcher.idle = 3600.0  # its own idle pass would not come within the test

    async def go() -> tuple[int, int]:
        task = asyncio.create_task(s.dispatcher.run_forever())
        try:
            await asyncio.sleep(0.2)  # the loop has made its first pass and waits
            # Stored without submit() (as a replay moves a dead letter back): nothing wakes the loop.
            s.dispatcher.intake.take(s.router.alerts_for(classified()), s.dispatcher.clock())
            await asyncio.sleep(0.5)
            before = len(receiver.requests)
            s.dispatcher.wake()
            for _ in range(500):
                if receiver.requests:
                    break
                await asyncio.sleep(0.01)
            return before, len(receiver.requests)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await s.dispatcher.aclose()

    assert asyncio.run(go()) == (0, 1)
