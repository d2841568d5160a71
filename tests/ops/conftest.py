"""Fixtures for the operator kit: the registry rendered with every metric family filled in."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from prometheus_client.parser import text_string_to_metric_families
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def exposition() -> str:
    """The whole registry as /metrics serves it, every family with at least one sample.

    Rendered in a fresh interpreter that imports only pantau's metrics, so that
    whatever other tests registered in this one (a Faust app's sensors) stays out.
    """
    code = "import sys, exported; sys.stdout.write(exported.render_exercised())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parents[1]), str(HERE)])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def exported_names(exposition: str) -> set[str]:
    """Every series name pantau can export (``_total``, ``_bucket``, ``_info`` ... included)."""
    return {s.name for f in text_string_to_metric_families(exposition) for s in f.samples}


def _load(name: str, path: Path) -> ModuleType:
    """Import a file under its own module name.

    Every conftest.py is a module called "conftest" to pytest, so a plain
    ``from conftest import ...`` may pick up another directory's.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


TESTS = HERE.parent
require = _load("pantau_tests_conftest", TESTS / "conftest.py").require
# The end-to-end tests' feed server and webhook receiver, reused as they are.
E2E = _load("pantau_e2e_servers", TESTS / "e2e" / "servers.py")


@pytest.fixture
def e2e() -> ModuleType:
    """tests/e2e/servers.py: ``Item``, ``rss``, ``FeedServer``, ``WebhookReceiver``."""
    return E2E


@pytest.fixture(scope="session")
def prometheus_binary() -> str:
    """Path of the Prometheus server (Debian package `prometheus`)."""
    path = shutil.which("prometheus")
    require(path is not None, "prometheus (Debian package prometheus)")
    return path


@pytest.fixture
def feed_server() -> Iterator[object]:
    """The end-to-end tests' local feed server (``put(path, rss(...))``, ``url(path)``)."""
    server = E2E.FeedServer()
    yield server
    server.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[object]:
    """The end-to-end tests' local webhook receiver (``url``, ``wait_for(n)``)."""
    server = E2E.WebhookReceiver()
    yield server
    server.stop()


RANSOMWARE_RULE = (
    "topic: cybercrime\ntitle: Cybercrime\nowner: ops-tests\nrules:\n  - id: ransomware\n    any: [ransomware]\n"
)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """``tmp_path/rules`` with one cybercrime rule: any article saying "ransomware"."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "cybercrime.yaml").write_text(RANSOMWARE_RULE)
    return rules


@pytest.fixture
def write_monitor(tmp_path: Path, rules_dir: Path, feed_server, webhook_receiver):
    """Returns ``write(items)``: serve ``items`` as feed "outlet" and write ``tmp_path/pantau.yaml``.

    The monitor also polls a feed "gone" that answers 404, and routes
    cybercrime to the webhook receiver as destination "siem".
    """

    def write(items: list) -> Path:
        feed_server.put("/feed.xml", E2E.rss("Outlet", items))
        config = {
            "feeds": [
                {"url": feed_server.url("/feed.xml"), "id": "outlet"},
                {"url": feed_server.url("/404"), "id": "gone"},
            ],
            "rules": rules_dir.name,
            "state": "state.db",
            "metrics": None,
            "network": {"allow_private": True},
            "destinations": {"siem": {"type": "webhook", "url": webhook_receiver.url}},
            "routes": [{"topics": ["cybercrime"], "to": ["siem"]}],
        }
        path = tmp_path / "pantau.yaml"
        with path.open("w") as fh:
            YAML(typ="safe", pure=True).dump(config, fh)
        return path

    return write
