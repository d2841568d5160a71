"""pantau.yaml loading: env substitution, located errors, relative paths."""

import textwrap

import pytest

from pantau.config import load_config
from pantau.core.config import default_config_path
from pantau.core.errors import ConfigError, MissingEnvError


def _write(tmp_path, text):
    path = tmp_path / "pantau.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_issue_shape_loads_with_env_values(tmp_path):
    path = _write(
        tmp_path,
        """\
        feeds:
          - url: https://example.org/rss.xml
            name: Example
            language: id
        rules: rules/
        state: .pantau/state.db
        kafka: 127.0.0.1:9092
        metrics: 127.0.0.1:9464
        network:
          allow_private: false
        destinations:
          siem:
            type: webhook
            url: https://siem.example.org/hooks/pantau
            secret: ${PANTAU_WEBHOOK_SECRET}
        routes:
          - topics: [north-korea, cybercrime]
            to: [siem]
        """,
    )
    cfg = load_config(path, env={"PANTAU_WEBHOOK_SECRET": "s3cret"})
    assert cfg.feeds[0].url == "https://example.org/rss.xml"
    assert cfg.feeds[0].language == "id"
    assert cfg.destinations["siem"].secret is not None
    assert cfg.rules == (tmp_path / "rules").resolve()
    assert cfg.state == tmp_path / ".pantau/state.db"


def test_missing_env_value_is_named(tmp_path):
    path = _write(tmp_path, "destinations:\n  siem:\n    type: webhook\n    url: ${NOPE_NOT_SET}\n")
    with pytest.raises(MissingEnvError, match="NOPE_NOT_SET"):
        load_config(path, env={})


def test_unknown_key_is_located_with_a_suggestion(tmp_path):
    path = _write(tmp_path, "rules: rules/\nmetrcs: 127.0.0.1:1\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert f"{path}:2:1: unknown field 'metrcs' (did you mean 'metrics'?)" in str(err.value)


def test_route_to_unknown_destination_is_refused(tmp_path):
    path = _write(
        tmp_path,
        "destinations:\n  siem:\n    type: webhook\n    url: https://x.example\nroutes:\n  - topics: [asean]\n    to: [sime]\n",  # noqa: E501
    )
    with pytest.raises(ConfigError, match="unknown destination 'sime'") as err:
        load_config(path, env={})
    assert "siem" in (err.value.hint or "")


def test_missing_file_says_how_to_start(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "absent.yaml")


def test_the_shipped_default_config_loads():
    cfg = load_config(default_config_path(), env={})
    assert cfg.feeds, "the default config ships a curated feed list"
    assert (cfg.rules / "cybercrime.yaml").exists()


def test_errors_about_a_destination_never_echo_its_secrets(tmp_path):
    path = _write(
        tmp_path,
        """\
        destinations:
          desk:
            type: email
            smtp: smtp://u:topsecretpw@mail.example.org:587
            secret: whsec_c2VjcmV0c2VjcmV0
            bogus: 1
        """,
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert "destinations.desk" in str(err.value)
    assert "topsecretpw" not in str(err.value) and "whsec_" not in str(err.value)


def test_a_misspelt_destination_field_gets_a_suggestion(tmp_path):
    path = _write(tmp_path, "destinations:\n  siem:\n    type: webhook\n    ulr: https://x.example\n")
    with pytest.raises(ConfigError, match=r"unknown field 'ulr' in destinations.siem \(did you mean 'url'\?\)"):
        load_config(path, env={})


def test_the_shipped_configs_state_is_kept_where_pantau_runs(tmp_path, monkeypatch):
    # Every command without --config (run, alerts, silence, status) must share one state file.
    monkeypatch.chdir(tmp_path)
    assert load_config(env={}).state == tmp_path / ".pantau" / "state.db"
    named = load_config(default_config_path(), env={})
    assert named.state == default_config_path().parent / ".pantau" / "state.db"


def test_a_feed_list_file_is_remembered_for_watching(tmp_path):
    (tmp_path / "feeds.yaml").write_text("feeds:\n  - url: https://example.org/rss.xml\n", encoding="utf-8")
    listed = load_config(_write(tmp_path, "feeds: feeds.yaml\n"), env={})
    assert listed.feeds_file == tmp_path / "feeds.yaml"
    assert [f.url for f in listed.feeds] == ["https://example.org/rss.xml"]
    inline = load_config(_write(tmp_path, "feeds:\n  - url: https://example.org/rss.xml\n"), env={})
    assert inline.feeds_file is None
