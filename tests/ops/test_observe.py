"""streams/observe.py over real HTTP: /metrics, /healthz, /readyz on a bound port."""

from __future__ import annotations

import re
import socket

import httpx
import pytest

from pantau.core.errors import ConfigError
from pantau.runtime.observe import parse_address, start_observer

# A series name ending in _created (label values, such as a test's folder name, may contain the word).
CREATED = re.compile(r"^[a-z_:]+_created[{ ]", re.M)


def test_healthz_is_live_while_readyz_reports_each_reason_until_ready() -> None:
    reasons = ["kafka unreachable", "no rule set loaded"]
    with start_observer("127.0.0.1:0", lambda: list(reasons), mode="worker") as obs:
        assert obs.port > 0
        health = httpx.get(f"{obs.url}/healthz")
        assert (health.status_code, health.text) == (200, "ok\n")

        not_ready = httpx.get(f"{obs.url}/readyz")
        assert not_ready.status_code == 503
        assert not_ready.text.splitlines() == ["not ready:", "- kafka unreachable", "- no rule set loaded"]

        reasons.clear()
        ready = httpx.get(f"{obs.url}/readyz")
        assert (ready.status_code, ready.text) == (200, "ready\n")


def test_metrics_page_serves_the_registry_with_build_info() -> None:
    with start_observer("127.0.0.1:0", lambda: [], mode="sources") as obs:
        page = httpx.get(f"{obs.url}/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain")
    build = [line for line in page.text.splitlines() if line.startswith("pantau_build_info{")]
    assert len(build) == 1 and 'mode="sources"' in build[0] and 'version="' in build[0]
    assert "# TYPE pantau_sources_fetches_total counter" in page.text
    assert not CREATED.search(page.text)  # no shadow series doubling every counter


def test_prometheus_gets_openmetrics_when_it_asks_for_it() -> None:
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
    with start_observer("127.0.0.1:0") as obs:
        page = httpx.get(f"{obs.url}/metrics", headers={"Accept": accept})
    assert page.headers["content-type"].startswith("application/openmetrics-text")
    assert page.text.rstrip().endswith("# EOF") and not CREATED.search(page.text)


def test_a_crashing_readiness_check_means_not_ready_not_a_dead_server() -> None:
    def broken() -> list[str]:
        raise RuntimeError("probe exploded")

    with start_observer("127.0.0.1:0", broken) as obs:
        answer = httpx.get(f"{obs.url}/readyz")
        assert answer.status_code == 503 and "probe exploded" in answer.text
        assert httpx.get(f"{obs.url}/healthz").status_code == 200


def test_unknown_paths_are_404_and_name_the_real_ones() -> None:
    with start_observer("127.0.0.1:0") as obs:
        answer = httpx.get(f"{obs.url}/nope")
    assert answer.status_code == 404 and "/metrics" in answer.text


def test_stop_releases_the_port() -> None:
    obs = start_observer("127.0.0.1:0")
    port = obs.port
    obs.stop()
    obs.stop()  # twice is harmless
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))


def test_a_port_already_taken_is_a_config_error_with_a_hint() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(ConfigError) as err:
            start_observer(f"127.0.0.1:{port}")
    assert str(port) in err.value.message and "metrics:" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1:9464", ("127.0.0.1", 9464)), (":9464", ("0.0.0.0", 9464)), ("[::1]:0", ("::1", 0))],
)
def test_parse_address_accepts_host_port_forms(address: str, expected: tuple[str, int]) -> None:
    assert parse_address(address) == expected


@pytest.mark.parametrize("address", ["9464", "localhost:http", "127.0.0.1:70000"])
def test_parse_address_refuses_what_is_not_host_port(address: str) -> None:
    with pytest.raises(ConfigError, match="host:port"):
        parse_address(address)


def test_a_degraded_process_stays_ready_and_says_what_is_wrong() -> None:
    problems = ["rules on disk refused, still running version abc: rules/asean.yaml:97:12: unknown list '@sprot'"]
    with start_observer("127.0.0.1:0", lambda: [], degraded=lambda: list(problems)) as obs:
        answer = httpx.get(f"{obs.url}/readyz")
        assert answer.status_code == 200
        assert answer.text.splitlines() == ["ready, degraded:", f"- {problems[0]}"]
        problems.clear()
        assert httpx.get(f"{obs.url}/readyz").text == "ready\n"
