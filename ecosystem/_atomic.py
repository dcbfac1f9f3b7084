"""Writes that either finish or leave the old file as it was.

Every file ecobelt writes goes first to a temporary file in the target's own
folder (so the final step is a rename on one file system, which POSIX and
Windows make atomic) and is renamed over the target only once it is complete
and flushed to disk. A failure half-way (a value that cannot be encoded, a
full disk, an exception, Ctrl-C) removes the temporary file and leaves the
previous file byte-identical. Several files that belong together (the CSV
pair) are all written before any of them is renamed.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Iterator, Sequence

__all__ = ["atomic_path", "atomic_paths", "atomic_open"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(target: Path) -> Path:
    # the same suffix as the target, so writers that pick a format from the name
    # (matplotlib's savefig) still do
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                                    dir=target.parent)
    os.close(handle)
    return Path(name)


def _commit(temporary: Path, target: Path) -> None:
    try:  # keep the permissions of the file being replaced, or the usual ones for a new file
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(temporary, mode)
    with open(temporary, "rb+") as handle:  # on disk before the rename makes it visible
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def _discard(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_paths(targets: Sequence[str | os.PathLike]) -> Iterator[list[Path]]:
    """Temporary paths to write instead of ``targets``; renamed over them together on success.

    Each temporary file lies in its target's folder and exists (empty) on
    entry. If the block raises, every temporary file is removed and no target
    is touched; otherwise every target is replaced, after all were written.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> target = os.path.join(folder, "a.txt")
    >>> with open(target, "w") as handle:
    ...     _ = handle.write("old")
    >>> try:
    ...     with atomic_paths([target]) as (temporary,):
    ...         with open(temporary, "w") as handle:
    ...             _ = handle.write("half of the new")
    ...         raise RuntimeError("the disk is full")
    ... except RuntimeError:
    ...     pass
    >>> open(target).read(), os.listdir(folder)
    ('old', ['a.txt'])
    """
    finals = [Path(os.fspath(target)) for target in targets]
    temporaries: list[Path] = []
    try:
        for final in finals:
            temporaries.append(_temporary(final))
        yield list(temporaries)
        for temporary, final in zip(temporaries, finals):
            _commit(temporary, final)
    finally:
        for temporary in temporaries:  # after a commit, these are gone already
            _discard(temporary)


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """One temporary path to write instead of ``target`` (see :func:`atomic_paths`)."""
    with atomic_paths([target]) as (temporary,):
        yield temporary


@contextmanager
def atomic_open(target: str | os.PathLike, mode: str = "w", **options) -> Iterator[IO]:
    """``open(target, mode, **options)`` on a temporary file renamed over ``target`` on success.

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "b.txt")
    >>> with atomic_open(target, encoding="utf-8") as handle:
    ...     _ = handle.write("new")
    >>> open(target).read()
    'new'
    """
    if not mode.startswith(("w", "x")) or "+" in mode:
        raise ValueError(f"atomic_open writes new files; mode {mode!r} is not one of w, wb")
    with atomic_path(target) as temporary, ExitStack() as stack:
        yield stack.enter_context(open(temporary, mode.replace("x", "w"), **options))
