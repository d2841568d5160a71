"""``pantau status``: what ops need to know, on a terminal, without Grafana.

Reads the SQLite state file named in the configuration (feed states, the
alert outbox, dead letters, silences, the inbox) through the owning modules'
query functions, and asks the running process's /readyz and /metrics, when
one answers on the ``metrics:`` address, for what only it knows: readiness,
the rule set version in force and disabled destinations.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from dataclasses import asdict, dataclass, field

import httpx
import msgspec
from prometheus_client.parser import text_string_to_metric_families

from pantau.cli.options import add_config_option, positive_int
from pantau.cli.terminal import ago, one_line
from pantau.config import Config
from pantau.core.errors import RulesError
from pantau.sources.health import FeedHealth

__all__ = ["register", "handle", "collect_status", "StatusReport", "DestinationLine", "AlertLine", "Live"]

EPILOG = """\
examples:
  pantau status                        the shipped configuration's state
  pantau status --config pantau.yaml   your monitor's feeds, destinations and queues
  pantau status --json | jq .feeds     the same report as JSON for scripts

A feed never fetched successfully is unreachable (its last error is shown).
Feeds are failing after 3 failed polls in a row, silent when they gave no new
item for longer than their silent_after. Readiness, the rule set in force and
disabled destinations come from the running process, when it answers on the
configuration's metrics address.
"""


@dataclass(frozen=True)
class DestinationLine:
    """One destination: state (ok, retrying, disabled), queue sizes, last delivery."""

    name: str
    type: str
    state: str
    pending: int
    dead: int
    sent: int
    last_sent: float | None
    last_error: str


@dataclass(frozen=True)
class AlertLine:
    """One recent alert from the outbox (title unknown once sent: the payload is dropped)."""

    at: float
    destination: str
    route: str
    status: str
    title: str


@dataclass(frozen=True)
class Live:
    """What the running process reports; ``running`` False when nothing answered."""

    running: bool
    ready: bool = False
    reasons: list[str] = field(default_factory=list)
    """Why it is not ready (503), or what is degraded while ready (a refused rule edit)."""
    rules_version: str | None = None
    disabled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatusReport:
    """Everything ``pantau status`` prints."""

    state: str
    feeds: list[FeedHealth]
    """One per configured feed: its verdict (ok, unreachable, failing, silent, gone, new, disabled) and why."""
    destinations: list[DestinationLine]
    alerts: list[AlertLine]
    queues: dict[str, int]
    rules_version: str | None
    rules_problem: str | None
    live: Live

    def count(self, verdict: str) -> int:
        """How many feeds have this verdict."""
        return sum(1 for f in self.feeds if f.verdict == verdict)


def _live(metrics_address: str | None) -> Live:
    """Ask the running process on the metrics address; not running when nothing answers."""
    if not metrics_address:
        return Live(running=False)
    host, _, port = metrics_address.rpartition(":")
    host = host.strip("[]")
    host = "127.0.0.1" if host in {"", "0.0.0.0"} else "::1" if host == "::" else host
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    try:
        ready = httpx.get(f"{base}/readyz", timeout=1.0)
        page = httpx.get(f"{base}/metrics", timeout=2.0).text
    except httpx.HTTPError:
        return Live(running=False)
    # 503 "not ready:" or 200 "ready, degraded:" (a refused rule edit), then one "- reason" per line
    reasons = [line[2:] for line in ready.text.splitlines() if line.startswith("- ")]
    version, disabled = None, []
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == "pantau_rules_info" and sample.labels.get("version"):
                version = sample.labels["version"]
            if sample.name == "pantau_alerts_destination_enabled" and sample.value == 0:
                disabled.append(sample.labels["destination"])
    return Live(
        running=True, ready=ready.status_code == 200, reasons=reasons, rules_version=version, disabled=sorted(disabled)
    )


def _feeds(config: Config, conn: sqlite3.Connection, now: float) -> list[FeedHealth]:
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.sources.health import feed_health

    states = {s.feed: s for s in SqliteFeedStateStore(conn).load_all()}
    return [feed_health(states.get(spec.key), spec, now=now) for spec in config.feeds]


def collect_status(
    config: Config, *, now: float | None = None, limit: int = 10, ask_process: bool = True
) -> StatusReport:
    """Gather the report from the state file (and the running process when ``ask_process``)."""
    from pantau.adapters.sqlite.inbox import Inbox
    from pantau.adapters.sqlite.outbox import SqliteOutbox
    from pantau.adapters.sqlite.silences import SqliteSilences
    from pantau.adapters.sqlite.state import open_state, require_state

    now = time.time() if now is None else now
    require_state(config.state)  # a read-only command: never leaves an empty state file behind
    live = _live(config.metrics) if ask_process else Live(running=False)
    conn = open_state(config.state, create=False)
    try:
        feeds = _feeds(config, conn, now)
        outbox = SqliteOutbox(conn)
        pending, dead, sent = outbox.pending(), outbox.dead(), outbox.sent_counts()
        destinations = []
        for name, spec in sorted(config.destinations.items()):
            mine = [e for e in pending if e.alert.destination == name]
            failing = [e.error for e in mine if e.attempts and e.error]
            graves = [d for d in dead if d.alert.destination == name]
            state = "disabled" if name in live.disabled else "retrying" if failing else "ok"
            count, last = sent.get(name, (0, None))
            error = failing[-1] if failing else graves[-1].error if graves else ""
            destinations.append(DestinationLine(name, spec.type, state, len(mine), len(graves), count, last, error))
        alerts = [AlertLine(r.updated, r.destination, r.route, r.status, r.title) for r in outbox.recent(limit)]
        queues = {
            "inbox": Inbox(conn).count_pending(),
            "outbox": len(pending),
            "dead_letters": len(dead),
            "silences": len(SqliteSilences(conn).active(now)),
        }
    finally:
        conn.close()
    version, problem = _rules_on_disk(config)
    return StatusReport(
        str(config.state), feeds, destinations, alerts, queues, live.rules_version or version, problem, live
    )


def _rules_on_disk(config: Config) -> tuple[str | None, str | None]:
    from pantau.streams.classify import load_ruleset

    try:
        return load_ruleset(config.rules).version, None
    except RulesError as exc:
        more = f" (and {len(exc.problems) - 1} more; `pantau rules check` lists them)" if len(exc.problems) > 1 else ""
        return None, f"{exc.problems[0]}{more}" if exc.problems else exc.message
    except Exception as exc:  # status must report, not crash, whatever the files hold
        return None, f"rules in {config.rules} could not be read: {exc}"


def render(report: StatusReport, console, now: float) -> None:
    """Print the report as a few short tables."""
    from rich.table import Table

    live = report.live
    if live.running:
        state = "[green]ready[/]" if live.ready else "[red]not ready[/]: " + "; ".join(live.reasons)
        if live.ready and live.reasons:
            state = "[yellow]ready, degraded[/]: " + "; ".join(live.reasons)
        console.print(f"pantau process: running, {state}")
    else:
        console.print("pantau process: [yellow]not answering[/] on the metrics address (state file only)")
    rules = report.rules_version or "[red]none loaded[/]"
    console.print(
        f"rule set: {rules}"
        + (f"  [red]rules on disk refused:[/] {report.rules_problem}" if report.rules_problem else "")
    )
    q = report.queues
    console.print(
        f"queues: {q['inbox']} articles to classify, {q['outbox']} alerts to deliver, "
        f"{q['dead_letters']} dead letters, {q['silences']} silences active",
        soft_wrap=True,
    )
    verdicts = ("ok", "unreachable", "failing", "silent", "gone", "new", "disabled")
    counts = ", ".join(f"{report.count(v)} {v}" for v in verdicts)
    console.print(f"feeds: {len(report.feeds)} ({counts})")
    # Also feeds with a failure or two: not "failing" yet, but worth a look.
    trouble = [f for f in report.feeds if f.verdict in {"unreachable", "failing", "silent", "gone"} or f.failures]
    if trouble:
        # Two lines per feed rather than a table: URLs and errors are long, and a
        # table squeezed into 80 columns wraps them into unreadable slivers.
        console.print("[bold]feeds needing attention[/]")
        for f in trouble:
            colour = {"failing": "red", "gone": "red", "unreachable": "red", "silent": "yellow"}.get(
                f.verdict, "default"
            )
            error = (f.last_error or "").removeprefix(f"{f.feed}: ")  # errors start with the URL already shown
            console.print(f"  [{colour}]{f.verdict:<11}[/] {f.feed}", soft_wrap=True)
            console.print(
                f"              {f.failures} failure(s), last success {ago(f.last_success, now)}, "
                f"last new item {ago(f.last_new_item, now)}" + (f": {one_line(error, 120)}" if error else ""),
                soft_wrap=True,
                highlight=False,
            )
    table = Table(
        "destination", "type", "state", "pending", "dead", "sent", "last sent", "last error", title="Destinations"
    )
    for d in report.destinations:
        colour = {"ok": "green", "retrying": "yellow"}.get(d.state, "red")
        table.add_row(
            d.name,
            d.type,
            f"[{colour}]{d.state}[/]",
            str(d.pending),
            str(d.dead),
            str(d.sent),
            ago(d.last_sent, now),
            d.last_error,
        )
    console.print(table)
    table = Table("when", "destination", "route", "status", "title", title="Last alerts")
    for a in report.alerts:
        table.add_row(ago(a.at, now), a.destination, a.route, a.status, a.title)
    console.print(table)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``status`` command to the CLI."""
    parser = subparsers.add_parser(
        "status",
        help="feeds, destinations, queues and rules at a glance, without Grafana",
        description="Summarise the monitor's state: feeds healthy, failing or silent; destinations and their "
        "queues; the last alerts; the rule set version; queue depths.",
        epilog=EPILOG,
    )
    add_config_option(parser, help="pantau.yaml of the monitor (default: the shipped one)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--limit", type=positive_int, default=10, metavar="N", help="how many recent alerts to list (default: 10)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the status report; returns 0."""
    from rich.console import Console

    from pantau.config import load_config

    config = load_config(args.config)
    now = time.time()
    report = collect_status(config, now=now, limit=args.limit)
    if args.json:
        # FeedHealth is a msgspec record: written with the names it has in Python (name, verdict).
        print(json.dumps(asdict(report), indent=2, sort_keys=True, default=msgspec.structs.asdict))
    else:
        render(report, Console(), now)
    return 0
