"""A steady stream of articles from one long-lived sources publisher, for the e2e tests of a changing group.

Every other article is about hackers (``RULES`` matches it), each with words of its own (its own story).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from datetime import datetime, timezone

from pantau.adapters.kafka.publisher import KafkaPublisher
from pantau.core.article import Article, article_id


def cyber_rules(*terms: str) -> str:
    """A cybercrime rules file with one rule (``cyber-terms``) matching any of ``terms``: the e2e tests' rules."""
    head = "topic: cybercrime\ntitle: Cybercrime\nowner: e2e\nrules:\n  - id: cyber-terms\n"
    return f"{head}    any: [{', '.join(terms)}]\n"


RULES = cyber_rules("peretas")
LETTERS = "abdegiklmnoprstu"


def article(i: int, rng: random.Random, run: str) -> Article:
    """Article ``i``: words of its own (its own story); every other one is about hackers."""
    words = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9))) for _ in range(60)]
    if i % 2 == 0:
        words[5] = "peretas"
    url = f"https://kabar.example/{run}/{i}"
    return Article(
        id=article_id(url),
        url=url,
        title=" ".join(words[:8]),
        content=" ".join(words),
        fetched=datetime.now(timezone.utc),
        feed="kabar",
        language="id",
    )


class Stream:
    """Publishes one article every ``every`` seconds on a thread until stopped."""

    def __init__(self, bootstrap: str, prefix: str, every: float = 0.05) -> None:
        self.publisher = KafkaPublisher(bootstrap, prefix=prefix)
        self.every, self.run = every, uuid.uuid4().hex[:6]
        self.sent: list[Article] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        rng, loop = random.Random(14), asyncio.new_event_loop()
        try:
            while not self._stop.is_set():
                item = article(len(self.sent), rng, self.run)
                loop.run_until_complete(self.publisher.publish([item]))
                self.sent.append(item)
                time.sleep(self.every)
        finally:
            loop.close()

    def stop(self) -> list[Article]:
        """Stop publishing; every article sent, in order."""
        self._stop.set()
        self._thread.join(timeout=30)
        self.publisher.close()
        return self.sent
