"""destinations: and routes: in pantau.yaml: the issue's shape, clear errors, masked secrets."""

import textwrap

import pytest

from pantau.config import load_config
from pantau.core.errors import ConfigError
from pantau.streams.deliver.config import RouteSpec, parse_duration
from pantau.streams.deliver.destinations import build_destinations
from pantau.streams.deliver.destinations.webhook import WebhookSettings

ISSUE_SHAPE = """\
destinations:
  security-slack:
    type: slack
    url: ${SLACK_WEBHOOK_URL}
  desk-email:
    type: email
    smtp: smtp://user:${SMTP_PASSWORD}@mail.example.org:587
    from: pantau@example.org
    to: [desk@example.org]
  siem:
    type: webhook
    url: https://siem.example.org/hooks/pantau
    secret: ${PANTAU_WEBHOOK_SECRET}
routes:
  - topics: [north-korea]
    to: [security-slack, siem]
  - topics: [cybercrime, asean]
    to: [desk-email]
"""

ENV = {
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/xoxsecrettoken",
    "SMTP_PASSWORD": "mail-pa55",
    "PANTAU_WEBHOOK_SECRET": "whsec_c2VjcmV0LWZvci10ZXN0cw==",
}


def _write(tmp_path, text):
    path = tmp_path / "pantau.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_issue_shape_loads_and_builds_every_destination(tmp_path):
    cfg = load_config(_write(tmp_path, ISSUE_SHAPE), env=ENV)
    assert [d.type for d in cfg.destinations.values()] == ["slack", "email", "webhook"]
    assert cfg.destinations["desk-email"].from_ == "pantau@example.org"
    assert [r.to for r in cfg.routes] == [["security-slack", "siem"], ["desk-email"]]
    built = build_destinations(cfg)
    assert sorted(built) == ["console", "desk-email", "security-slack", "siem"]
    assert built["security-slack"].rate == 1.0  # Slack's 1 message/s per webhook by default


def test_secrets_never_show_in_repr_or_str(tmp_path):
    cfg = load_config(_write(tmp_path, ISSUE_SHAPE), env=ENV)
    shown = " ".join(repr(d) + str(d) for d in cfg.destinations.values()) + repr(cfg) + str(cfg)
    for secret in ("xoxsecrettoken", "mail-pa55", "c2VjcmV0LWZvci10ZXN0cw"):
        assert secret not in shown
    assert "mail.example.org:587" in shown  # but enough is shown to recognise the destination


def test_a_missing_type_field_names_the_destination(tmp_path):
    path = _write(tmp_path, "destinations:\n  desk-email:\n    type: email\n    smtp: smtp://mail.example.org\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert "desk-email" in str(err.value) and "needs from, to" in str(err.value)


def test_a_slack_url_that_is_not_http_is_refused(tmp_path):
    path = _write(tmp_path, "destinations:\n  chat:\n    type: slack\n    url: hooks.slack.com/x\n")
    with pytest.raises(ConfigError, match=r"chat.*https://"):
        load_config(path, env={})


def test_a_url_with_an_impossible_port_is_refused(tmp_path):
    path = _write(tmp_path, "destinations:\n  siem:\n    type: webhook\n    url: http://127.0.0.1:99999/h\n")
    with pytest.raises(ConfigError, match=r"siem.*invalid port"):
        load_config(path, env={})


def test_secret_file_is_read_relative_to_the_config_and_checked(tmp_path):
    (tmp_path / "hook.secret").write_text("raw-secret-value\n")
    text = (
        "destinations:\n  siem:\n    type: webhook\n    url: https://siem.example.org/h\n    secret_file: hook.secret\n"
    )
    cfg = load_config(_write(tmp_path, text), env={})
    built = build_destinations(cfg)
    assert built["siem"].spec.signing_secret() == "raw-secret-value"
    (tmp_path / "hook.secret").unlink()
    with pytest.raises(ConfigError, match="destination 'siem': secret_file"):
        build_destinations(cfg)


@pytest.mark.parametrize(
    "value,seconds", [(30, 30.0), ("30s", 30.0), ("5m", 300.0), ("4h", 14400.0), ("1d", 86400.0), ("1.5h", 5400.0)]
)
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


def test_bad_duration_is_refused_with_the_value():
    with pytest.raises(ValueError, match="'soon'"):
        parse_duration("soon")


def test_route_names_follow_the_matchers_not_the_position():
    a = RouteSpec(topics=["asean"], to=["x"])
    b = RouteSpec(topics=["asean"], to=["x"], group_wait="15m")
    c = RouteSpec(topics=["cybercrime"], to=["x"])
    d = RouteSpec(topics=["asean"], to=["y"])
    assert a.name == b.name and a.name.startswith("asean-")
    assert len({a.name, c.name, d.name}) == 3
    assert RouteSpec(name="desk", to=["x"]).name == "desk"
    assert b.grouped and not a.grouped and b.group_wait == 900.0


def test_retry_schedule_defaults_to_standard_webhooks():
    spec = WebhookSettings(url="https://x.example/h")
    assert spec.schedule == (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
    assert WebhookSettings(url="https://x.example/h", retry=[0, "1s"]).schedule == (0.0, 1.0)
