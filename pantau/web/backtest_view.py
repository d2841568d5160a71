"""The backtest under the rule editor: the edit against the rules in force, over the archive.

Runs :func:`pantau.streams.backtest.backtest` (the same as ``pantau rules
backtest``) on its own connection to the state file, in a worker thread, so a
long backtest neither blocks other pages nor shares a cursor with them.
"""

from __future__ import annotations

import time

from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.streams.backtest import BacktestResult, backtest, proposal

__all__ = ["run_backtest"]


def run_backtest(web, name: str, text: str, *, days: float) -> BacktestResult:
    """What replacing rule file ``name`` by ``text`` would have changed over the last ``days`` days.

    Raises RulesError (located problems) when the edit does not load.
    """
    config = web.config
    proposed, scope = proposal(config.rules, {name: text})
    until = time.time()
    since = until - days * 86400
    conn = open_state(config.state)
    try:
        store = ArchiveStore(conn)
        return backtest(
            store.scan(since, until),
            web.rules(),
            proposed,
            routes=config.routes,
            destinations={n: s.type for n, s in config.destinations.items()},
            since=since,
            until=until,
            samples=5,
            scope=scope,
            # One process: forking a server that runs threads (its loop, the rules watcher) can
            # leave a worker waiting on a lock some thread held at the fork. `pantau rules backtest` forks.
            workers=1,
            members=SqliteStoryStore(conn),
        )
    finally:
        conn.close()
