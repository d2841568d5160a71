"""What ``pantau web`` reads in distributed mode: the archive view, silences and feed states from Kafka.

The pipeline's workers keep no SQLite the page could read, so ``pantau web``
follows the topics itself, as a reader that never holds the pipeline up: the
archive view (``ArchiveReader``: articles, matches, dead letters into the
page's own state file), the silences topic (read whole, then followed; the
page writes silences there, as ``pantau silence --kafka`` does) and the feed
states the sources workers share (read to the end when the feeds page asks).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pantau.adapters.kafka.archive_reader import ArchiveReader
from pantau.adapters.kafka.feed_states import read_record
from pantau.adapters.kafka.silences import TopicSilences
from pantau.adapters.kafka.topic_reader import TopicReader
from pantau.adapters.kafka.topics import FEEDS_STATE
from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.state import open_state
from pantau.config import Config
from pantau.core.logs import get_logger
from pantau.sources.feed_state import FeedState

__all__ = ["TopicFeedStates", "Followers", "follow"]

log = get_logger(component="web")


class TopicFeedStates:
    """The feed states the sources workers share, brought up to date on each ``load_all``."""

    def __init__(self, bootstrap: str, *, prefix: str = "") -> None:
        topic = FEEDS_STATE.name(prefix)
        self._reader = TopicReader(bootstrap, topic, client_id="pantau-web-feeds")
        self._states: dict[str, FeedState] = {}
        self._lock = threading.Lock()

    def load_all(self) -> list[FeedState]:
        """Every feed's latest shared state (reads what was written since the last call)."""
        with self._lock:
            for message in self._reader.read_to_end(timeout=10):
                key = (message.key or b"").decode("utf-8", "replace")
                if message.value is None:
                    self._states.pop(key, None)
                    continue
                record = read_record(message.value, message.offset, log)
                if record is not None:
                    self._states[record.state.feed] = record.state
            return list(self._states.values())

    def close(self) -> None:
        """Close the consumer."""
        self._reader.close()


@dataclass
class Followers:
    """The distributed page's Kafka readers; ``stop`` ends them."""

    archive: ArchiveReader
    silences: TopicSilences
    feed_states: TopicFeedStates

    def stop(self) -> None:
        """Stop following and close the clients."""
        self.archive.stop()
        self.silences.close()
        self.feed_states.close()


def follow(config: Config) -> Followers:
    """Start the archive view reader and the silences follower for ``config``'s broker."""
    kafka = config.broker
    reader = ArchiveReader(
        kafka.bootstrap, ArchiveStore(open_state(config.state)), prefix=kafka.prefix, retention=config.archive
    )
    reader.start()
    return Followers(
        reader,
        TopicSilences(kafka.bootstrap, prefix=kafka.prefix).start(),
        TopicFeedStates(kafka.bootstrap, prefix=kafka.prefix),
    )
