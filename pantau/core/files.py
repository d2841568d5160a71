"""Reading the files users name (configs, feed lists, article files) with errors that say what and where.

Every ``OSError`` and ``UnicodeDecodeError`` becomes one of pantau's errors
naming the file, what is wrong with it in plain words, and what to do, so no
command ever shows a traceback for a mistyped path.
"""

from __future__ import annotations

from pathlib import Path

from pantau.core.errors import ConfigError, PantauError

__all__ = ["read_text", "why_unreadable"]


def why_unreadable(path: Path, exc: BaseException) -> str:
    """Plain words for why ``path`` could not be read: missing, a folder, no permission, binary..."""
    if isinstance(exc, UnicodeDecodeError):
        return f"is not UTF-8 text (byte {exc.start}: {exc.object[exc.start : exc.start + 1]!r}; a binary file?)"
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, NotADirectoryError):
        return "is not reachable: a part of the path is a file, not a folder"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    if isinstance(exc, OSError):
        return f"cannot be read: {exc.strerror or exc}"
    return f"cannot be read: {exc}"


def read_text(path: str | Path, *, what: str, hint: str, error: type[PantauError] = ConfigError) -> str:
    """The UTF-8 text of ``path``; a located ``error`` (ConfigError by default) when it cannot be read."""
    path = Path(path)
    if path.is_dir():  # open() on a folder fails differently per platform; say it plainly
        raise error(f"{what} {path} is a folder, not a file", hint=hint)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{what} {path} {why_unreadable(path, exc)}", hint=hint) from None
