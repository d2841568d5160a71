"""The import layering contract: dependencies point one way, and the pure core stays free of technology.

    pantau.core   (the shared kernel)
        imports nothing of pantau: not sources, streams, adapters, runtime, cli, web,
        nor pantau.config (the whole file's model, composed above the parts)
    pantau.core, pantau.streams.{classify,deliver,stories,pipeline}   (pure core)
        never import Kafka, Faust, SQLite, pantau.adapters, pantau.runtime or pantau.cli
    pantau.sources, pantau.streams
        never import pantau.config, pantau.web, pantau.adapters, pantau.runtime or pantau.cli (all above them)
    pantau.sources
        never imports the streams runtime, pantau.adapters, pantau.runtime or pantau.cli
    pantau.adapters
        never import pantau.runtime or pantau.cli (the runtime wires adapters, not the reverse)

Checked on the source (every import statement, including those inside
functions and TYPE_CHECKING blocks), so a lazy import cannot hide a violation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"pantau": ROOT / "pantau", "pantau.sources": ROOT / "sources", "pantau.streams": ROOT / "streams"}

TECH = ("kafka", "faust", "aiokafka", "mode", "sqlite3")
SHELLS = ("pantau.adapters", "pantau.runtime", "pantau.cli")
PURE_CORE = (
    "pantau.core",
    "pantau.streams.classify",
    "pantau.streams.deliver",
    "pantau.streams.stories",
    "pantau.streams.pipeline",
)
KERNEL_ABOVE = ("pantau.sources", "pantau.streams", "pantau.web", "pantau.config", "pantau.demo", "pantau.rules")
CONTRACTS = [
    # (modules under these names, must not import these)
    (("pantau.core",), KERNEL_ABOVE + SHELLS),
    (("pantau.sources", "pantau.streams"), ("pantau.config", "pantau.web") + SHELLS),
    (PURE_CORE, TECH + SHELLS),
    (("pantau.sources",), ("faust", "aiokafka", "mode", "sqlite3", "kafka") + SHELLS),
    (("pantau.adapters",), ("pantau.runtime", "pantau.cli")),
    (("pantau.runtime",), ("pantau.cli",)),
]


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts and parts[0] in ("sources", "streams", "rules") and package == "pantau":
                continue  # not part of pantau/ (mapped separately)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module name an import statement in ``path`` names, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.append((node.lineno, base))
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return names


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations() -> list[str]:
    """``file:line: module imports forbidden`` for every broken contract."""
    found = []
    for module, path in sorted(_modules().items()):
        for owners, forbidden in CONTRACTS:
            if not _under(module, owners):
                continue
            for line, name in imports_of(path, module):
                if _under(name, forbidden):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {name}")
    return sorted(set(found))


def test_the_layers_hold():
    broken = violations()
    assert not broken, "import layering broken (see tests/test_layers.py):\n" + "\n".join(broken)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import sqlite3\n", "sqlite3"),
        ("from kafka.errors import KafkaError\n", "kafka.errors"),
        ("def f():\n    from pantau.runtime import embedded\n", "pantau.runtime"),
        ("if TYPE_CHECKING:\n    from pantau.config import Config\n", "pantau.config"),
    ],
)
def test_the_check_sees_every_kind_of_import(tmp_path, source, expected):
    path = tmp_path / "mod.py"
    path.write_text(source)
    assert any(name.startswith(expected) for _, name in imports_of(path, "pantau.core.mod"))


def test_the_kernel_rule_catches_an_upward_import(tmp_path, monkeypatch):
    # A kernel module importing a part above it (as pantau/core/config.py once imported feeds) is reported.
    kernel = tmp_path / "pantau" / "core"
    kernel.mkdir(parents=True)
    (kernel / "config.py").write_text("from pantau.sources.feeds import FeedSpec\n")
    here = sys.modules[__name__]
    monkeypatch.setattr(here, "FOLDERS", {"pantau": tmp_path / "pantau"})
    monkeypatch.setattr(here, "ROOT", tmp_path)
    assert any("pantau.core.config imports pantau.sources.feeds" in line for line in violations())
