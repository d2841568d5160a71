"""`pantau silence` and `pantau alerts` through the real CLI entry point."""

import textwrap

import pytest

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.silences import SqliteSilences
from pantau.adapters.sqlite.state import open_state
from pantau.cli.main import main
from pantau.config import load_config
from pantau.streams.deliver.route import Router

# cli.main() points logging at pytest's captured stderr: undo that after each test.
pytestmark = pytest.mark.usefixtures("restore_logging")


@pytest.fixture
def config_file(tmp_path, receiver):
    path = tmp_path / "pantau.yaml"
    path.write_text(
        textwrap.dedent(f"""\
        state: state.db
        destinations:
          siem:
            type: webhook
            url: {receiver.url}
            secret: cli-test-secret
        routes:
          - topics: [asean]
            to: [siem]
        """)
    )
    return path


def test_silence_add_list_expire(config_file, capsys):
    assert (
        main(
            [
                "silence",
                "add",
                "--config",
                str(config_file),
                "--topic",
                "asean",
                "--for",
                "4h",
                "--reason",
                "summit week",
            ]
        )
        == 0
    )
    added = capsys.readouterr().out
    silence_id = added.split()[1].rstrip(":")
    assert "topic 'asean' until" in added
    assert main(["silence", "list", "--config", str(config_file)]) == 0
    listed = capsys.readouterr().out
    assert silence_id in listed and "active" in listed and "summit week" in listed
    (s,) = SqliteSilences(open_state(load_config(config_file).state)).active()
    assert s.expires - s.created == 4 * 3600
    assert main(["silence", "expire", "--config", str(config_file), silence_id]) == 0
    assert main(["silence", "list", "--config", str(config_file)]) == 0
    assert "no silences in force" in capsys.readouterr().out
    assert main(["silence", "expire", "--config", str(config_file), silence_id]) == 1
    assert "no active silence" in capsys.readouterr().err


def test_silence_add_refuses_a_bad_duration(config_file, capsys):
    assert main(["silence", "add", "--config", str(config_file), "--rule", "r", "--for", "soon", "--reason", "x"]) == 1
    assert "--for 'soon'" in capsys.readouterr().err


def test_alerts_dead_lists_and_replay_sends(config_file, receiver, classified, capsys):
    config = load_config(config_file)
    outbox = SqliteOutbox(open_state(config.state))
    (alert,) = Router(config.routes, config.destinations).alerts_for(classified())
    outbox.enqueue([alert], [0.0])
    outbox.mark_retry([alert.key], 60.0, "destination 'siem': http://127.0.0.1/*** answered 503", batch=alert.key)
    assert main(["alerts", "pending", "--config", str(config_file)]) == 0
    pending = capsys.readouterr().out
    assert alert.key in pending and "attempts=1" in pending and "answered 503" in pending
    assert "1970-01-01 00:01:00 UTC" in pending
    outbox.mark_dead([alert.key], "destination 'siem': http://127.0.0.1/*** answered 500", 1.0)
    assert main(["alerts", "dead", "--config", str(config_file)]) == 0
    listed = capsys.readouterr().out
    assert alert.key in listed and "answered 500" in listed and "1 dead letter(s)" in listed and "attempts=2" in listed
    assert main(["alerts", "replay", "--config", str(config_file), "--all"]) == 0
    assert "sent 1, still queued 0, dead again 0" in capsys.readouterr().out
    (got,) = receiver.requests
    assert got.headers["webhook-id"] == alert.key
    assert outbox.dead() == [] and outbox.pending() == []
    assert main(["alerts", "replay", "--config", str(config_file), "nope"]) == 1
    assert "no dead letter with key 'nope'" in capsys.readouterr().err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["silence", "--help"])
    assert "pantau silence add --topic asean --for 4h" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["alerts", "--help"])
    assert "pantau alerts replay --all" in capsys.readouterr().out
