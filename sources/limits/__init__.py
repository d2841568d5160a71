"""Hard limits on what one fetch may cost: bytes after decompression, and time."""

from pantau.sources.limits.decompress import BoundedDecoder, read_bounded

__all__ = ["BoundedDecoder", "read_bounded"]
