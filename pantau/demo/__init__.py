"""``pantau demo``: the sample feeds in this folder, served locally, through the pipeline.

The ``*.xml`` files beside this module are RSS feeds of five fictional
outlets (Indonesian, English, Vietnamese, Korean) with articles written for
pantau: some for each topic, some for none (football, rice prices, a
hackathon, K-pop), and one story carried by two outlets, which must alert
once. The demo serves them on 127.0.0.1 with a free port, runs the embedded
pipeline once with the shipped rules and a throw-away state file, prints the
alerts and exits: no network, a few seconds.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

from defusedxml import ElementTree

from pantau.config import Config, load_config
from pantau.core.config import NetworkConfig
from pantau.core.errors import ConfigError
from pantau.sources.feeds import FeedSpec

__all__ = ["FEEDS_DIR", "DemoServer", "demo_feeds", "demo_config", "run_demo"]

FEEDS_DIR = Path(str(files("pantau.demo")))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # the demo's output is the alerts, not an access log


class DemoServer:
    """Serves the sample feeds on 127.0.0.1 (a free port) from a daemon thread."""

    def __init__(self, directory: Path = FEEDS_DIR) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-feeds", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def demo_feeds(base_url: str, directory: Path = FEEDS_DIR) -> list[FeedSpec]:
    """One FeedSpec per sample feed, named and language-tagged from its channel."""
    specs = []
    for path in sorted(directory.glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        channel = root.find("channel") if root is not None else None
        if channel is None:
            raise ConfigError(f"demo feed {path} has no <channel>", hint="demo feeds are RSS 2.0 files")
        specs.append(
            FeedSpec(
                url=f"{base_url}/{path.name}",
                id=f"demo-{path.stem}",
                name=channel.findtext("title", path.stem),
                language=channel.findtext("language"),
            )
        )
    return specs


def demo_config(base_url: str, state: Path) -> Config:
    """The shipped configuration's rules, the sample feeds, alerts to the console only."""
    shipped = load_config()
    return Config(
        feeds=demo_feeds(base_url),
        rules=shipped.rules,
        state=state,
        metrics=None,
        network=NetworkConfig(allow_private=True),  # the sample server is on 127.0.0.1
    )


def run_demo(*, keep_serving: bool = False) -> int:
    """Serve the sample feeds, run the embedded pipeline once, print alerts; returns the exit status."""
    from pantau.runtime.run_monitor import run_embedded

    with DemoServer() as server, tempfile.TemporaryDirectory(prefix="pantau-demo-") as tmp:
        print(
            f"pantau demo: serving {len(list(FEEDS_DIR.glob('*.xml')))} sample feeds on {server.url}", file=sys.stderr
        )
        status = run_embedded(demo_config(server.url, Path(tmp) / "state.db"), once=True)
        if keep_serving:
            print(
                f"pantau demo: still serving on {server.url}/ (try `pantau fetch "
                f"{server.url}/asia-wire.xml --allow-private`); Ctrl-C stops",
                file=sys.stderr,
            )
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
        return status
