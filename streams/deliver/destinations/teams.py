"""Microsoft Teams: an Adaptive Card posted to an incoming webhook or a Workflows (Power Automate) URL.

Both endpoints take the same body: a ``message`` whose one attachment is an
Adaptive Card (version 1.4, the highest Workflows renders in every Teams
client). The card has the headline, outlet and time, a FactSet of topics,
rule and severity, the snippet with matched terms in bold and an "Open the
article" button. Article text is escaped for the card's Markdown subset
(backslash before ``*``, ``_``, ``[``, ``]``...), so a headline cannot add
formatting or links; Teams mentions need ``<at>`` entities pantau never
sends, and ``@everyone`` is defused anyway. A card stays under Teams' 28 KB
by dropping snippets, then digest entries. The legacy connector answers 200
with an error text inside instead of a status (e.g. "Microsoft Teams
endpoint returned HTTP error 429"): that is read as the status it names. The
URL carries the webhook's secret: errors name "Teams webhook", not the URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

import httpx
from pydantic import model_validator

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.channel import SECRET_CONFIG, defuse_mentions, mask_secret_url
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import event_view
from pantau.streams.deliver.render import AlertView, Segment, shorten, view
from pantau.streams.deliver.transport import DeliveryClient, make_client, request

__all__ = ["TeamsSettings", "TeamsDestination", "teams_payload", "card_escape", "MAX_BYTES"]

MAX_BYTES = 27_000
"""Teams refuses messages over about 28 KB; keep a margin for the envelope."""
_MD = re.compile(r"([\\*_\[\]~`>#])")
_EMBEDDED = re.compile(r"HTTP error (\d{3})")
Json = dict[str, Any]
"""A JSON object of the card."""


class TeamsSettings(DestinationSettings):
    """``type: teams``: the incoming-webhook or Workflows URL (a secret: from ``${ENV}``)."""

    model_config = SECRET_CONFIG
    type: Literal["teams"] = "teams"
    url: str | None = None
    """The URL Teams gave for the incoming webhook or the Workflows trigger."""

    @model_validator(mode="after")
    def _checked(self) -> TeamsSettings:
        self.check(needs=("url",))
        self.url = (self.url or "").strip()
        if not re.match(r"^https?://[^/\s]+/\S", self.url):
            raise ValueError(
                "teams destination: url must be the https:// URL Teams gave for the incoming "
                "webhook or Workflows trigger"
            )
        return self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, mask_secret_url(value) if name == "url" else value


def card_escape(text: str) -> str:
    """Escape text for an Adaptive Card TextBlock (Markdown subset) and defuse mentions."""
    text = _MD.sub(r"\\\1", defuse_mentions(text))
    # A line starting with "- ", "+ " or "1. " would turn into a list.
    text = re.sub(r"(?m)^(\s*)([-+])(\s)", r"\1\\\2\3", text)
    return re.sub(r"(?m)^(\s*\d+)\.(\s)", r"\1\\.\2", text)


def _text(text: str, **extra: object) -> Json:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _snippet(segments: tuple[Segment, ...]) -> str:
    return "".join(f"**{card_escape(s.text)}**" if s.marked else card_escape(s.text) for s in segments)


def _alert_body(v: AlertView, with_snippet: bool) -> list[Json]:
    rule = ", ".join(v.rules) + (f" ({v.severity})" if v.severity else "")
    body = [
        _text(card_escape(shorten(v.title, 300)), weight="Bolder", size="Medium"),
        _text(card_escape(" · ".join(p for p in (v.outlet, v.published) if p)), isSubtle=True, spacing="None"),
        {
            "type": "FactSet",
            "facts": [
                {"title": "Topics", "value": card_escape(", ".join(v.topics))},
                {"title": "Rule", "value": card_escape(rule)},
            ],
        },
    ]
    if with_snippet and v.snippet:
        body.append(_text(_snippet(v.snippet)))
    body.append(_text(card_escape(f"rule set {v.ruleset_version} · pantau"), isSubtle=True, size="Small"))
    return body


def _digest_body(message: Message, views: list[AlertView], with_snippet: bool) -> list[Json]:
    word = "Alert storm" if message.kind == "storm" else "Digest"
    body = [_text(card_escape(f"{word}: {len(views)} alerts ({message.route})"), weight="Bolder", size="Medium")]
    for v in views:
        link = f"[{card_escape(shorten(v.title, 200))}]({v.url.replace(')', '%29').replace(' ', '%20')})"
        items = [_text(f"{link}  \n{card_escape(v.outlet)} · {card_escape(', '.join(v.topics))}")]
        if with_snippet and v.snippet:
            items.append(_text(_snippet(v.snippet), isSubtle=True, spacing="None"))
        body.append({"type": "Container", "separator": True, "items": items})
    return body


def _card(body: list[Json], actions: list[Json]) -> Json:
    content = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        content["actions"] = actions
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": content}
        ],
    }


def _size(payload: Json) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def teams_payload(message: Message) -> Json:
    """The webhook body (a message with one Adaptive Card) for this message, under Teams' size limit."""
    if message.kind == "ops_event":
        body = []
        for a in message.alerts:
            if a.event is not None:
                v = event_view(a.event, a.key)
                body += [
                    _text(card_escape(shorten(v.title, 300)), weight="Bolder", size="Medium"),
                    _text(card_escape(shorten(v.message, 2000))),
                    {
                        "type": "FactSet",
                        "facts": [
                            {"title": card_escape(k), "value": card_escape(shorten(x, 300))} for k, x in v.details
                        ],
                    },
                    _text(card_escape(f"{v.kind} · {v.severity} · since {v.at} · pantau ops"), isSubtle=True),
                ]
        return _card(body, [])
    if message.kind == "update" and message.alerts[0].update is not None:
        update = message.alerts[0].update
        body = [
            _text(card_escape(f"↳ {update.summary()}"), weight="Bolder"),
            _text(card_escape(f"Update on: {shorten(update.title, 200)}"), isSubtle=True, spacing="None"),
        ]
        body += [
            _text(
                f"[{card_escape(shorten(i.title, 200))}]({i.url.replace(')', '%29').replace(' ', '%20')})"
                f" — {card_escape(i.outlet)}"
            )
            for i in update.items[:40]
        ]
        return _card(body, [])
    views = [view(a, snippet_chars=600 if message.kind == "alert" else 200) for a in message.alerts]
    if message.kind == "alert" and len(views) == 1:
        only = views[0]
        action = [{"type": "Action.OpenUrl", "title": "Open the article", "url": only.url}]
        if only.feedback is not None:  # plain links: the page asks to confirm, nothing is recorded by opening one
            action += [
                {"type": "Action.OpenUrl", "title": "Relevant", "url": only.feedback.relevant},
                {"type": "Action.OpenUrl", "title": "Not relevant", "url": only.feedback.not_relevant},
            ]
        for with_snippet in (True, False):
            payload = _card(_alert_body(only, with_snippet), action)
            if _size(payload) <= MAX_BYTES:
                return payload
        return payload
    for with_snippet in (True, False):
        payload = _card(_digest_body(message, views, with_snippet), [])
        if _size(payload) <= MAX_BYTES:
            return payload
    # Still too big: keep as many entries as fit, and say how many were left out.
    shown = len(views)
    while shown > 1 and _size(payload) > MAX_BYTES:
        shown = shown * 3 // 4
        body = _digest_body(message, views[:shown], False)
        body.append(_text(card_escape(f"… and {len(views) - shown} more not shown"), isSubtle=True))
        payload = _card(body, [])
    return payload


def _teams_answer(resp: httpx.Response) -> tuple[int, str, float | None]:
    """Status as Teams means it: the legacy connector's "200 + error text" becomes the status it names."""
    from pantau.sources.politeness import parse_retry_after

    text = " ".join(resp.text[:300].split())
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if 200 <= resp.status_code < 300 and text and text != "1" and "error" in text.lower():
        m = _EMBEDDED.search(text)
        return (int(m.group(1)) if m else 502), text, retry_after
    return resp.status_code, text if resp.status_code >= 300 else "", retry_after


class TeamsDestination:
    """Posts Adaptive Cards to one Teams channel (incoming webhook or Workflows)."""

    kind = "teams"

    def __init__(self, name: str, spec: TeamsSettings, client: DeliveryClient | None = None) -> None:
        self.name = name
        self.spec = spec
        self.settings = spec
        # Teams throttles a webhook beyond about 4 requests a second; 1/s keeps a channel readable.
        self.rate = spec.rate if spec.rate is not None else 1.0
        self._client = client or make_client(spec.timeout)

    async def send(self, message: Message) -> None:
        """Post one card; raises RetryableDelivery / PermanentDelivery naming the Teams webhook, not its URL."""
        body = json.dumps(teams_payload(message), ensure_ascii=False).encode("utf-8")
        await request(
            self._client,
            self.name,
            self.settings.url or "",
            body,
            {"Content-Type": "application/json; charset=utf-8"},
            shown="Teams webhook",
            answer=_teams_answer,
        )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
