"""Slack Block Kit: the blocks and fallback text of an alert, digest, storm, update or ops event.

Every piece of article text is escaped (``&``, ``<``, ``>``), which also
defuses ``<!channel>``, ``<!here>`` and ``<@U123>`` smuggled into a headline;
``verbatim: true`` stops Slack from linkifying names. Every text is cut to
Slack's limits (3,000 characters a text, 150 a header, 50 blocks), and a
plain ``text`` fallback goes with every message for notifications. Ops
events get a header, their message and details, escaped and cut the same way.
"""

from __future__ import annotations

from typing import Any

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.events import EventView, event_view
from pantau.streams.deliver.render import AlertView, Segment, shorten, view

__all__ = ["slack_payload", "escape", "TEXT_LIMIT", "HEADER_LIMIT", "MAX_BLOCKS"]

TEXT_LIMIT = 3000
HEADER_LIMIT = 150
FIELD_LIMIT = 2000  # section fields (slack-sdk does not check this one)
MAX_BLOCKS = 50


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """Cut already-escaped mrkdwn to ``limit`` without splitting an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _link(url: str, label: str) -> str:
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def _snippet(segments: tuple[Segment, ...]) -> str:
    # Bold marks the matched terms; the marker goes outside the escaped text.
    return "".join(f"*{escape(s.text)}*" if s.marked else escape(s.text) for s in segments)


def _meta(v: AlertView) -> str:
    parts = [escape(v.outlet)] + ([v.published] if v.published else [])
    return " · ".join(parts)


def _mrkdwn(text: str, limit: int = TEXT_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _fit(text, limit), "verbatim": True}


def _header(text: str) -> dict[str, Any]:
    # Slack decodes entities in plain_text too, so headers are escaped like the rest.
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": _fit(escape(shorten(text, HEADER_LIMIT)), HEADER_LIMIT), "emoji": False},
    }


def _alert_blocks(v: AlertView) -> list[dict[str, Any]]:
    fields = [
        _mrkdwn(f"*Topics*\n{escape(', '.join(v.topics))}", FIELD_LIMIT),
        _mrkdwn(
            f"*Rule*\n{escape(', '.join(v.rules))}" + (f" ({escape(v.severity)})" if v.severity else ""), FIELD_LIMIT
        ),
    ]
    blocks = [
        _header(v.title),
        {"type": "section", "text": _mrkdwn(f"*{_link(v.url, shorten(v.title, 300))}*\n{_meta(v)}"), "fields": fields},
    ]
    if v.snippet:
        blocks.append({"type": "section", "text": _mrkdwn(_snippet(v.snippet))})
    footer = f"{_feedback(v)}rule set {escape(v.ruleset_version)} · pantau"
    blocks.append({"type": "context", "elements": [_mrkdwn(footer)]})
    return blocks


def _feedback(v: AlertView) -> str:
    # Links, not buttons: buttons need a Slack app with interactivity, links work from any incoming webhook.
    if v.feedback is None:
        return ""
    return f"{_link(v.feedback.relevant, 'Relevant')} · {_link(v.feedback.not_relevant, 'Not relevant')} · "


def _digest_blocks(message: Message, views: list[AlertView]) -> list[dict[str, Any]]:
    word = "Alert storm" if message.kind == "storm" else "Digest"
    head = f"{word}: {len(views)} alerts ({message.route})"
    blocks: list[dict[str, Any]] = [_header(head)]
    room = MAX_BLOCKS - 2  # the header and the closing context
    shown = views[:room]
    for v in shown:
        line = f"*{_link(v.url, shorten(v.title, 200))}*\n{_meta(v)} · {escape(', '.join(v.topics))}"
        if v.snippet and message.kind == "digest":
            line += "\n" + _snippet(v.snippet)
        if v.feedback is not None:
            line += "\n" + _feedback(v).removesuffix(" · ")
        blocks.append({"type": "section", "text": _mrkdwn(line)})
    more = len(views) - len(shown)
    tail = f"{more} more not shown · " if more else ""
    version = views[0].ruleset_version if views else ""
    blocks.append({"type": "context", "elements": [_mrkdwn(f"{tail}rule set {escape(version)} · pantau")]})
    return blocks


_ICON = {"error": "🔴", "warning": "🟠", "info": "🟢"}


def _event_blocks(v: EventView) -> list[dict[str, Any]]:
    fields = [_mrkdwn(f"*{escape(label)}*\n{escape(shorten(value, 600))}", FIELD_LIMIT) for label, value in v.details]
    return [
        _header(f"{_ICON.get(v.severity, '')} {v.title}".strip()),
        {"type": "section", "text": _mrkdwn(escape(shorten(v.message, 2500))), "fields": fields[:10]},
        {
            "type": "context",
            "elements": [_mrkdwn(f"{escape(v.kind)} · {escape(v.severity)} · since {v.at} · pantau ops")],
        },
    ]


def _event_payload(message: Message) -> dict[str, Any]:
    views = [event_view(a.event, a.key) for a in message.alerts if a.event is not None]
    # Ops routes send one event per message; a list keeps this total anyway.
    blocks = [block for v in views for block in _event_blocks(v)]
    text = "; ".join(f"{v.title}: {v.message}" for v in views)
    return {"text": _fit(escape(shorten(text, 1000))), "blocks": blocks[:MAX_BLOCKS], "unfurl_links": False}


def _update_payload(message: Message, threaded: bool = False) -> dict[str, Any]:
    # Incoming webhooks cannot reply in a thread: a compact follow-up naming the story instead.
    # In the thread the story is known: the summary alone.
    update = message.alerts[0].update
    assert update is not None
    head = update.summary() if threaded else f"↳ Update on “{shorten(update.title, 200)}”: {update.summary()}"
    links = " · ".join(_link(i.url, shorten(f"{i.outlet}: {i.title}", 120)) for i in update.items[:20])
    blocks = [
        {"type": "context", "elements": [_mrkdwn(f"*{escape(head)}*")]},
        {"type": "context", "elements": [_mrkdwn(links or " ")]},
    ]
    return {"text": _fit(escape(shorten(head, 1000))), "blocks": blocks, "unfurl_links": False}


def slack_payload(message: Message, threaded: bool = False) -> dict[str, Any]:
    """The JSON body Slack receives for this message (``threaded``: an update posted in the story's thread)."""
    if message.kind == "ops_event":
        return _event_payload(message)
    if message.kind == "update":
        return _update_payload(message, threaded)
    views = [view(a, snippet_chars=400 if message.kind == "alert" else 160) for a in message.alerts]
    if message.kind == "alert" and len(views) == 1:
        v = views[0]
        text = f"[{', '.join(v.topics)}] {v.title} ({v.outlet})"
        blocks = _alert_blocks(v)
    else:
        text = f"{len(views)} alerts on {message.route}: " + "; ".join(v.title for v in views[:5])
        blocks = _digest_blocks(message, views)
    return {"text": _fit(escape(shorten(text, 1000))), "blocks": blocks[:MAX_BLOCKS], "unfurl_links": False}
