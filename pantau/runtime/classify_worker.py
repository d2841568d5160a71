"""``pantau worker --role classify``: the batch classifier on its own, until SIGINT/SIGTERM.

The classifier itself (a plain aiokafka consumer group reading the articles in batches, no Faust)
is :class:`pantau.adapters.kafka.batch_classifier.BatchClassifier`; ``--role all`` runs the same
classifier inside the Faust worker beside delivery. Run any number of ``classify`` processes
beside the delivering worker(s): they share the articles' partitions, and the place where every
copy of a story meets (the owner of the matches partition) carries no classification it does not
want.
"""

from __future__ import annotations

import asyncio
import signal

from pantau.adapters.kafka.batch_classifier import CLASSIFY_GROUP, BatchClassifier, classify_forever
from pantau.streams.classify import LiveRules

__all__ = ["CLASSIFY_GROUP", "Classifier", "run_classifier"]

Classifier = BatchClassifier
"""The name earlier releases used for :class:`BatchClassifier`."""


async def run_classifier(rules: LiveRules, bootstrap: str, prefix: str, *, exactly_once: bool = False) -> None:
    """Classify until SIGINT/SIGTERM."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    if main is None:  # only when called outside a task, which asyncio.run never does
        raise RuntimeError("run_classifier must run inside an asyncio task (asyncio.run(run_classifier(...)))")
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main.cancel)
    try:
        await classify_forever(BatchClassifier(rules, bootstrap, prefix, exactly_once=exactly_once))
    except asyncio.CancelledError:
        pass
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
