"""The built wheel works anywhere: installed in a fresh venv outside the checkout, run from another folder.

The rules, their labelled corpus, the default configuration and the demo feeds
are package data; nothing may be read from the checkout. The fresh venv sees
the test venv's third-party packages through a .pth line (no network needed)
but not its editable pantau, which is only activated by a .pth file of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import tomllib
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where setuptools finds each package's folder (see [tool.setuptools] in pyproject.toml).
FOLDERS = {
    "pantau": ROOT / "pantau",
    "pantau.sources": ROOT / "sources",
    "pantau.streams": ROOT / "streams",
    "pantau.rules": ROOT / "rules",
}


def _run(*cmd: str | Path, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**clean, **(env or {})}
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of this checkout (a stale build/ folder must not leak into it)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".cache", ".run", ".pantau"
        ),
    )
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--quiet",
        "-w",
        tmp / "dist",
        source,
        cwd=tmp,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = (tmp / "dist").glob("pantau-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel built from this checkout."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=tmp)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    added = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp)
    assert added.returncode == 0, added.stderr[-3000:]
    site = _run(bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp)
    # Third-party dependencies from the test venv, without its editable pantau (a .pth of its own).
    (Path(site.stdout.strip()) / "test-venv-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return bin_dir


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working folder far from the checkout."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, elsewhere):
    shown = _run(
        installed / "python",
        "-c",
        "import pantau.rules, pantau.sources; print(pantau.rules.__file__); print(pantau.sources.__file__)",
        cwd=elsewhere,
    )
    assert shown.returncode == 0, shown.stderr
    for line in shown.stdout.split():
        assert str(installed.parent) in line and str(ROOT) not in line


def test_help_lists_the_commands(installed, elsewhere):
    shown = _run(installed / "pantau", "--help", cwd=elsewhere)
    assert shown.returncode == 0, shown.stderr
    for command in ("run", "demo", "rules", "worker", "sources"):
        assert command in shown.stdout


def test_demo_prints_alerts_offline(installed, elsewhere):
    shown = _run(installed / "pantau", "demo", cwd=elsewhere, env={"PANTAU_LOG_FORMAT": "json"})
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert "sample feeds" in shown.stderr
    assert "cybercrime" in shown.stdout and "north-korea" in shown.stdout


def test_rules_check_and_test_use_the_shipped_rules_and_corpus(installed, elsewhere):
    checked = _run(installed / "pantau", "rules", "check", cwd=elsewhere)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = checked.stdout + checked.stderr
    assert "ok:" in shown and "site-packages/pantau/rules" in shown and "(asean, cybercrime, north-korea)" in shown
    tested = _run(installed / "pantau", "rules", "test", cwd=elsewhere)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    shown = tested.stdout + tested.stderr
    assert "site-packages/pantau/rules/corpus" in shown
    for topic in ("asean", "cybercrime", "north-korea"):
        assert topic in shown


@pytest.fixture
def feed_server():
    """The checkout's demo feeds served on 127.0.0.1 (a feed server of the test's own, no network)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(ROOT / "pantau" / "demo"))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_run_once_polls_a_local_feed_and_prints_its_alerts(installed, elsewhere, feed_server):
    config = elsewhere / "pantau.yaml"
    config.write_text(
        "feeds:\n"
        f"  - url: {feed_server}/asia-wire.xml\n"
        f"  - url: {feed_server}/kabar-nusantara.xml\n"
        "state: state.db\nmetrics: null\nnetwork:\n  allow_private: true\n",
        encoding="utf-8",
    )
    shown = _run(
        installed / "pantau", "run", "--once", "--config", config, cwd=elsewhere, env={"PANTAU_LOG_FORMAT": "json"}
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert (elsewhere / "state.db").exists()
    assert any(topic in shown.stdout for topic in ("cybercrime", "north-korea", "asean")), shown.stdout[-2000:]


def _declared_packages() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(pyproject["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_listed_in_pyproject():
    found = set()
    for name, folder in FOLDERS.items():
        for init in folder.rglob("__init__.py"):
            relative = init.parent.relative_to(folder)
            found.add(".".join([name, *relative.parts]))
    missing = sorted(found - _declared_packages())
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    stale = sorted(_declared_packages() - found)
    assert not stale, f"listed in pyproject.toml but no folder with an __init__.py: {stale}"


def _package_files() -> set[str]:
    """Every file of the checkout's packages (modules and data), as the wheel should name it."""
    files = set()
    for name, folder in FOLDERS.items():
        for path in folder.rglob("*"):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            if name == "pantau" and path.relative_to(folder).parts[0] in ("sources", "streams", "rules"):
                continue  # not these packages' folders (see the next test)
            files.add("/".join([*name.split("."), *path.relative_to(folder).parts]))
    return files


def test_the_wheel_holds_every_module_and_data_file_of_the_checkout(wheel):
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    missing = sorted(_package_files() - packed)
    assert not missing, (
        "not in the wheel (a folder missing from pyproject's packages, "
        f"or a data file pattern from package-data?): {missing}"
    )
    assert any(n.startswith("pantau/rules/corpus/") and n.endswith(".yaml") for n in packed)


def test_no_module_hides_under_a_folder_name_mapped_elsewhere():
    # pantau.sources/streams/rules live in the top-level folders; a file at pantau/streams/x.py is
    # importable from a checkout but left out of the wheel.
    hidden = sorted(
        str(p.relative_to(ROOT))
        for name in ("sources", "streams", "rules")
        for p in (ROOT / "pantau" / name).rglob("*.py")
    )
    assert not hidden, f"move these to the top-level folder of the same name: {hidden}"
