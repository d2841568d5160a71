"""pantau.streams.deliver's lazy exports: what type checkers see is what the module gives, loaded on first use."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import pantau.streams.deliver as deliver


def _type_checking_imports() -> dict[str, str]:
    """Name -> submodule, from the ``if TYPE_CHECKING:`` block of the package's source."""
    tree = ast.parse(Path(deliver.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.module is not None
                for alias in stmt.names:
                    found[alias.name] = stmt.module.removeprefix("pantau.streams.deliver.")
    return found


def test_every_export_is_declared_for_type_checkers_and_loaded_from_the_same_module():
    declared = _type_checking_imports()
    assert sorted(declared) == sorted(deliver.__all__) == sorted(deliver._WHERE)
    assert declared == deliver._WHERE
    for name in deliver.__all__:
        module = importlib.import_module(f"pantau.streams.deliver.{deliver._WHERE[name]}")
        assert getattr(deliver, name) is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="'Nope'"):
        deliver.Nope  # noqa: B018 - the lookup is the test


def test_loading_the_delivery_config_does_not_import_the_destinations():
    code = "import sys, pantau.streams.deliver.config; print('pantau.streams.deliver.destinations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
