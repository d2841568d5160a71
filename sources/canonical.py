"""Canonical article URLs and the keys article ids are derived from.

The same story reaches pantau through several feeds and with campaign
parameters glued on (``?utm_source=rss``, ``fbclid=...``). Ids are hashes of
the canonical form so that every copy of one link gets one id.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from pantau.core.article import article_id

__all__ = ["canonical_url", "item_key", "TRACKING_PARAMS"]

# Exact names of parameters that only track the reader, never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "spm",
        "vero_id",
        "mkt_tok",
        "s_cid",
        "wt_mc",
        "rss",
        "from_rss",
    }
)
# Prefixes of tracking families (utm_source, utm_medium, ..., pk_campaign, hsa_*).
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "mtm_", "itm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, drop default port, fragment and tracking parameters."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # Re-quote the path so that %7E and ~ (and other equivalent spellings) agree.
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=~%-._") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def item_key(link: str | None, guid: str | None, feed: str) -> str | None:
    """The id source of an item: its canonical link, else its guid scoped to the feed."""
    if link and urlsplit(link.strip()).scheme in {"http", "https"}:
        return article_id(canonical_url(link))
    if guid and guid.strip():
        guid = guid.strip()
        # A guid that is a URL is as global as a link; otherwise it is only unique per feed.
        if urlsplit(guid).scheme in {"http", "https"}:
            return article_id(canonical_url(guid))
        return article_id(f"{feed}#{guid}")
    return None
