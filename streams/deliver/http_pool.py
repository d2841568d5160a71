"""Deliveries' POSTs on aiohttp's keep-alive connections, answers handed back as httpx Responses.

A webhook POST through httpx's transport crossed httpx's request and response models, httpcore's
connection pool, anyio's streams and h11's state machine; aiohttp's client (llhttp, its C parser),
which pantau already ships with Faust, does the same for less: ``make bench worker``'s
``deliver_alone`` measured 1.22-1.42 -> 1.03-1.28 ms of CPU per alert side by side (deploy/performance.md, round 10).

The destinations read answers as :class:`httpx.Response` and the dispatcher's error handling speaks
httpx's exceptions, so this module is where aiohttp's are translated: a refused connection is
``httpx.ConnectError``, a dropped or malformed answer ``httpx.RemoteProtocolError``, no answer within
the timeout ``httpx.ReadTimeout``, a URL that is not http(s) ``httpx.UnsupportedProtocol``. A
request that fails is not sent again here: the dispatcher retries it (same batch, same
``webhook-id``). An answer's body is read, decompressed, up to ``ANSWER_CAP`` bytes (a receiver can
send anything, a compression bomb included; only an excerpt is ever shown). Proxies are not spoken
here: with one named in the environment, :class:`~pantau.streams.deliver.transport.DeliveryClient`
uses httpx's client.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
import httpx

__all__ = ["ANSWER_CAP", "KEEPALIVE_S", "HttpPool"]

KEEPALIVE_S = 5.0
"""An idle connection older than this is closed rather than reused (httpcore's default expiry)."""
ANSWER_CAP = 1 << 20
"""Bytes of an answer's body read at most; the rest is dropped with the connection."""


class HttpPool:
    """Keep-alive connections by origin; ``post`` sends one request and reads its answer (up to ANSWER_CAP)."""

    def __init__(self, timeout: float, headers: dict[str, str], ssl_context: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self._headers = headers
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Made on first use: aiohttp binds a session to the running event loop.
        if self._session is None:
            context = self._ssl or httpx.create_ssl_context(trust_env=True)  # SSL_CERT_FILE as httpx reads it
            connector = aiohttp.TCPConnector(ssl=context, keepalive_timeout=KEEPALIVE_S, limit=100)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                trust_env=False,
            )
        return self._session

    async def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``content`` to ``url`` and read its answer, at most ANSWER_CAP bytes of body."""
        session = self._open()
        try:
            async with session.post(url, data=content, headers=headers, allow_redirects=False) as resp:
                body = bytearray()
                async for chunk in resp.content.iter_chunked(1 << 16):
                    body += chunk
                    if len(body) >= ANSWER_CAP:
                        del body[ANSWER_CAP:]
                        break
                return httpx.Response(resp.status, headers=_headers(resp.raw_headers), content=bytes(body))
        except aiohttp.NonHttpUrlClientError as exc:
            raise httpx.UnsupportedProtocol(f"request URL has an unsupported protocol: {exc}") from None
        except aiohttp.InvalidURL as exc:
            raise httpx.InvalidURL(f"invalid URL: {exc}") from None
        except aiohttp.ConnectionTimeoutError:
            raise httpx.ConnectTimeout(f"no connection within {self.timeout:g} s") from None
        except TimeoutError:
            raise httpx.ReadTimeout(f"no answer within {self.timeout:g} s") from None
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from None
        except (aiohttp.ClientError, asyncio.IncompleteReadError) as exc:
            raise httpx.RemoteProtocolError(f"server disconnected or answered badly: {exc!r}") from None

    async def aclose(self) -> None:
        """Close every pooled connection."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


_AS_READ = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def _headers(raw: tuple[tuple[bytes, bytes], ...]) -> list[tuple[str, str]]:
    # The body handed on is already as aiohttp decoded it (and capped): httpx must not decode it again.
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw if name.lower() not in _AS_READ]
