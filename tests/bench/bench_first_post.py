"""The first alert's webhook POST in a fresh process, with and without warming anyio at start.

httpcore imports anyio's asyncio backend on its first request; DeliveryClient loads it when it is
built (``_warm_anyio``) so that import is not paid inside the first alert's delivery. Each round
starts one fresh process per variant, side by side, against the same local receiver; the figure is
the median first-POST time over the rounds and its ratio (warm / cold; target < 0.5).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_CHILD = """
import asyncio, sys, time
from pantau.streams.deliver import transport
if sys.argv[2] == "cold":
    transport._warm_anyio = lambda: None
async def main():
    client = transport.make_client(5.0)
    started = time.perf_counter()
    await transport.post(client, "bench", sys.argv[1], b"{}", {})
    print(time.perf_counter() - started)
    await client.aclose()
asyncio.run(main())
"""


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _first_post(url: str, variant: str) -> float:
    out = subprocess.run([sys.executable, "-c", _CHILD, url, variant], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def cases(args):
    """First POST in a fresh process: warm vs cold, median over rounds."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    rounds = 3 if args.quick else 7
    times: dict[str, list[float]] = {"warm": [], "cold": []}
    try:
        for _ in range(rounds):
            for variant in times:
                times[variant].append(_first_post(url, variant))
    finally:
        server.shutdown()
    warm, cold = (statistics.median(times[v]) * 1000 for v in ("warm", "cold"))
    yield {
        "bench": "first_post",
        "rounds": rounds,
        "first_post_warm_ms": round(warm, 2),
        "first_post_cold_ms": round(cold, 2),
        "ratio": round(warm / cold, 3),
        "meets_target": warm / cold < 0.5,
    }
