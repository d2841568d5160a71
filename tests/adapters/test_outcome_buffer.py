"""OutcomeBuffer: the deliverer's alert fates, held for a moment and sent once per alert and fate."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec

from pantau.adapters.kafka.outcomes import OutcomeBuffer, decode_outcome
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Match
from pantau.streams.deliver.alert import Alert, StoryUpdate

T0 = datetime(2026, 11, 20, 7, 30, tzinfo=timezone.utc)


def alert(n: int, key: str) -> Alert:
    url = f"https://kabar.example/{n}"
    article = Article(id=article_id(url), url=url, title=f"Berita {n}", fetched=T0, feed="kabar", language="id")
    match = Match(rule="asean-name", topic="asean", score=1.0, severity="low", ruleset_version="v1")
    classified = Classified(article=article, matches=(match,), ruleset_version="v1")
    return Alert(key=key, destination="siem", route="asean", classified=classified, story=article.id, created=1.0)


def test_an_alert_queued_and_sent_within_the_moment_is_one_record_in_arrival_order():
    sent: list[tuple[bytes, bytes]] = []
    buffer = OutcomeBuffer(lambda key, raw: sent.append((key, raw)))
    a, b, copy = alert(1, "k-a"), alert(2, "k-b"), alert(3, "k-a")
    buffer.put(a, "pending", 1.0)
    buffer.put(b, "silenced", 1.5)
    buffer.put(copy, None, 2.0)  # another outlet's copy of a's story
    buffer.put(a, "sent", 3.0)
    assert sent == [] and len(buffer) == 3
    assert buffer.flush() == 3 and len(buffer) == 0
    fates = [(key.decode(), o.article, o.status, o.at) for key, o in ((k, decode_outcome(r)) for k, r in sent)]
    assert fates == [
        ("k-a", a.article.id, "sent", 3.0),  # in place of its "pending": the fate comes before the copy
        ("k-b", b.article.id, "silenced", 1.5),
        ("k-a", copy.article.id, None, 2.0),
    ]
    buffer.put(a, "dead", 9.0)  # after a flush a fate is a record of its own again
    buffer.flush()
    assert decode_outcome(sent[-1][1]).status == "dead" and len(sent) == 4


def test_updates_and_ops_events_have_no_outcome_and_a_full_buffer_flushes_itself():
    sent: list[tuple[bytes, bytes]] = []
    buffer = OutcomeBuffer(lambda key, raw: sent.append((key, raw)), limit=3)
    update = msgspec.structs.replace(alert(1, "k-u"), update=StoryUpdate(of="k-a", seq=1, title="Berita 1"))
    buffer.put(update, "sent", 1.0)
    assert len(buffer) == 0
    for n in range(4):
        buffer.put(alert(n, f"k-{n}"), "pending", float(n))
    assert len(sent) == 3 and len(buffer) == 1


def test_on_first_is_called_when_an_empty_buffer_takes_a_fate_and_not_for_the_next_ones():
    calls: list[int] = []
    buffer = OutcomeBuffer(lambda key, raw: None, on_first=lambda: calls.append(len(buffer)))
    buffer.put(alert(1, "k-a"), "pending", 1.0)
    buffer.put(alert(2, "k-b"), "pending", 1.5)
    buffer.put(alert(1, "k-a"), "sent", 2.0)
    assert calls == [1]  # the worker schedules one flush for the lot
    buffer.flush()
    buffer.put(alert(3, "k-c"), "sent", 3.0)
    assert calls == [1, 1]
