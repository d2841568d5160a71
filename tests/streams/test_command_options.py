"""Shared command options: --config and --allow-private mean the same everywhere."""

import argparse

from pantau.cli.options import add_allow_private_option, add_config_option, config_from_args


def _parser():
    parser = argparse.ArgumentParser()
    add_config_option(parser)
    add_allow_private_option(parser)
    return parser


def test_allow_private_overrides_the_file(tmp_path):
    path = tmp_path / "pantau.yaml"
    path.write_text("network:\n  allow_private: false\n", encoding="utf-8")
    assert config_from_args(_parser().parse_args(["--config", str(path)])).network.allow_private is False
    args = _parser().parse_args(["--config", str(path), "--allow-private"])
    assert config_from_args(args).network.allow_private is True


def test_without_config_the_shipped_file_is_used():
    config = config_from_args(_parser().parse_args([]))
    assert config.feeds and config.source is not None and config.source.name == "pantau.yaml"
