"""Decompress response bodies in bounded steps and stop at the size cap.

httpx's own decoders have no output limit: a 1 MB gzip bomb read through
``iter_bytes()`` costs hundreds of MB before any cap can look at it. pantau
reads ``aiter_raw()`` and decompresses itself, never asking zlib or brotli for
more than :data:`STEP` bytes at a time, so memory stays near the cap however
well the body compresses.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

import brotli
import httpx

from pantau.core.errors import FetchError

__all__ = ["BoundedDecoder", "read_bounded", "STEP"]

STEP = 64 * 1024
"""Output requested from a decompressor per call (brotli may overshoot by one block)."""


class _Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``, each at most about STEP bytes."""


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        """``data`` unchanged."""
        if data:
            yield data


class _Zlib:
    """gzip (including concatenated members) and deflate, zlib-wrapped or raw."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in {"gzip", "x-gzip"}
        self._first = True
        self._plain = False
        self._obj = self._new(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    @staticmethod
    def _new(wbits: int):
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate ``data`` in STEP-sized pieces, across gzip members."""
        while data:
            if self._plain:
                yield data
                return
            try:
                out = self._obj.decompress(data, STEP)
            except zlib.error:
                if self._first and data.lstrip()[:1] == b"<":
                    # The server claims compression but sent the XML as it is.
                    self._plain = True
                    continue
                if self._first and not self._gzip:
                    # Many servers send raw deflate under "Content-Encoding: deflate".
                    self._first = False
                    self._obj = self._new(-zlib.MAX_WBITS)
                    continue
                raise
            self._first = False
            if out:
                yield out
            if self._obj.eof:
                data = self._obj.unused_data
                if data and self._gzip and data[:2] == b"\x1f\x8b":
                    self._obj = self._new(zlib.MAX_WBITS | 16)
                    continue
                return  # trailing garbage after the stream is ignored, as browsers do
            data = self._obj.unconsumed_tail


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress ``data`` in pieces of about STEP bytes."""
        if self._obj.is_finished():
            return
        out = self._obj.process(data, output_buffer_limit=STEP)
        if out:
            yield out
        # Output beyond the limit stays inside the decompressor: drain it with
        # empty input until a call yields nothing more.
        while out and not self._obj.is_finished():
            out = self._obj.process(b"", output_buffer_limit=STEP)
            if out:
                yield out


def _stage(encoding: str) -> _Stage:
    if encoding in {"gzip", "x-gzip", "deflate"}:
        return _Zlib(encoding)
    if encoding == "br":
        return _Brotli()
    return _Identity()


class BoundedDecoder:
    """Undo Content-Encoding step by step; refuse to produce more than ``max_bytes``."""

    def __init__(self, content_encoding: str | None, max_bytes: int, *, url: str) -> None:
        encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
        unknown = [e for e in encodings if e not in {"gzip", "x-gzip", "deflate", "br", "identity"}]
        if unknown:
            raise FetchError(url, f"unsupported Content-Encoding {unknown[0]!r}", outcome="error")
        # Encodings are listed in the order applied, so they are undone in reverse.
        self._stages = [_stage(e) for e in reversed(encodings)] or [_Identity()]
        self.max_bytes = max_bytes
        self.url = url
        self.produced = 0

    def _run(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._stages):
            yield data
            return
        for piece in self._stages[index].feed(data):
            yield from self._run(piece, index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``; raises FetchError(outcome=too_large) past the cap."""
        try:
            for piece in self._run(data, 0):
                self.produced += len(piece)
                if self.produced > self.max_bytes:
                    raise FetchError(
                        self.url,
                        f"body larger than {self.max_bytes} bytes after decompression",
                        hint="raise network.max_bytes if this feed is really that large",
                        outcome="too_large",
                    )
                yield piece
        except (zlib.error, brotli.error) as exc:
            raise FetchError(self.url, f"corrupt compressed body: {exc}", outcome="error") from None


async def read_bounded(response: httpx.Response, max_bytes: int, *, url: str) -> bytes:
    """Read a streamed response's body, decompressing in bounded steps, at most ``max_bytes``."""
    decoder = BoundedDecoder(response.headers.get("content-encoding"), max_bytes, url=url)
    body = bytearray()
    raw_seen = 0
    async for raw in response.aiter_raw():
        raw_seen += len(raw)
        if raw_seen > max_bytes:  # compressed bodies are never larger than the plain cap
            raise FetchError(
                url,
                f"body larger than {max_bytes} bytes",
                outcome="too_large",
                hint="raise network.max_bytes if this feed is really that large",
            )
        for piece in decoder.feed(raw):
            body += piece
    return bytes(body)
