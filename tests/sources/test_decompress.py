"""Bounded decompression: output is capped however well the body compresses."""

import gzip
import os
import zlib

import brotli
import pytest

from pantau.core.errors import FetchError
from pantau.sources.limits.decompress import STEP, BoundedDecoder

PLAIN = b"<rss>" + os.urandom(50_000).hex().encode() + b"</rss>"


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("gzip, br", lambda d: brotli.compress(gzip.compress(d))),
        (None, lambda d: d),
    ],
)
def test_round_trip_in_small_chunks(encoding, compress):
    body = compress(PLAIN)
    decoder = BoundedDecoder(encoding, len(PLAIN), url="u")
    out = b"".join(p for i in range(0, len(body), 777) for p in decoder.feed(body[i : i + 777]))
    assert out == PLAIN


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_bomb_stops_at_the_cap_without_large_pieces(encoding):
    zeros = b"\0" * (64 * 1024 * 1024)
    body = {"gzip": gzip.compress, "br": lambda d: brotli.compress(d, quality=5), "deflate": zlib.compress}[encoding](
        zeros
    )
    decoder = BoundedDecoder(encoding, 1024 * 1024, url="http://bomb")
    pieces = []
    with pytest.raises(FetchError) as err:
        for piece in decoder.feed(body):
            pieces.append(len(piece))
    assert err.value.outcome == "too_large"
    # brotli may overshoot its output_buffer_limit by one internal block.
    assert max(pieces) <= 2 * STEP
    assert sum(pieces) <= 1024 * 1024


def test_concatenated_gzip_members_are_all_read():
    body = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    assert b"".join(BoundedDecoder("gzip", 100, url="u").feed(body)) == b"<rss></rss>"


def test_corrupt_and_unknown_encodings_are_fetch_errors():
    with pytest.raises(FetchError, match="corrupt"):
        list(BoundedDecoder("gzip", 100, url="u").feed(b"not gzip at all"))
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'zstd'"):
        BoundedDecoder("zstd", 100, url="u")
