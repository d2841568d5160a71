"""OPML, the feed list format every feed reader imports and exports.

Parsed with defusedxml: an OPML file from the internet may carry
billion-laughs or external entities like any other XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import ValidationError

from pantau.core.errors import ConfigError
from pantau.sources.feeds import FeedSpec

__all__ = ["parse_opml", "to_opml"]


def parse_opml(text: str | bytes, *, where: str = "OPML") -> list[FeedSpec]:
    """Feeds of every ``<outline xmlUrl=...>``; enclosing outlines' titles become tags."""
    try:
        root = fromstring(text)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise ConfigError(
            f"{where}: not usable OPML: {exc}", hint="export the list again from your feed reader"
        ) from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigError(
            f"{where}: not an OPML document (root <{root.tag}>, no <body>)",
            hint="pantau imports OPML 1.0/2.0 subscription lists",
        )
    feeds: list[FeedSpec] = []
    seen: set[str] = set()

    def walk(node: ET.Element, tags: list[str]) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            label = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                if url in seen:
                    continue
                seen.add(url)
                try:
                    feeds.append(
                        FeedSpec(
                            url=url,
                            name="" if label == url else label,
                            tags=list(tags),
                            language=outline.get("language") or None,
                        )
                    )
                except ValidationError as exc:
                    raise ConfigError(f"{where}: outline {url!r}: {exc.errors()[0]['msg']}") from None
            else:
                walk(outline, [*tags, label] if label else tags)

    walk(body, [])
    return feeds


def to_opml(feeds: list[FeedSpec], *, title: str = "pantau feeds") -> str:
    """An OPML 2.0 document listing the feeds, grouped by their first tag."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for spec in feeds:
        parent = body
        if spec.tags:
            group = groups.get(spec.tags[0])
            if group is None:
                group = groups[spec.tags[0]] = ET.SubElement(body, "outline", text=spec.tags[0])
            parent = group
        attrs = {"type": "rss", "text": spec.name or spec.url, "title": spec.name or spec.url, "xmlUrl": spec.url}
        if spec.language:
            attrs["language"] = spec.language
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
