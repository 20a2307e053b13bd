"""One writer per index: an exclusive, crash-safe ingest lock.

Contract (the page's upload and `hjemmel ingest` both use it):

    with ingest_lock(home: Path, wait: bool = False):      # HJEMMEL_HOME; locks <home>/index
        ...                                                # load, build_index, swap, prune
    with index_lock(index_dir: Path, wait: bool = False):  # the same, given the index folder

    IngestBusyError(RuntimeError)  raised at once when another writer holds the lock and wait is
                                   False; its Norwegian message names the folder and the holder.

The lock is an `fcntl.flock` on `.<index_dir name>.lock` beside the index folder (for the default
layout `<home>/.index.lock`), so taking it never creates the index folder itself: the kernel releases it when the holder
exits, however it dies (SIGKILL included), so there is never a stale lock to clean up. It is
re-entrant within a thread (`build_index` takes it again under a caller that already holds it)
and exclusive between threads and processes. It deliberately does not protect readers: they never
need it, because builds are written beside the live one and swapped in atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class IngestBusyError(RuntimeError):
    """Another ingest holds the lock on this index."""

    def __init__(self, index_dir: Path, holder: str) -> None:
        who = f" (prosess {holder})" if holder else ""
        super().__init__(
            f"En annen innlesing pågår allerede i {index_dir}{who}. Vent til den er ferdig, "
            "eller bruk --wait for å vente på den."
        )
        self.index_dir = index_dir


@dataclass
class _Held:
    rlock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    fd: int = -1


_HELD: dict[str, _Held] = {}
_GUARD = threading.Lock()


def lock_path(index_dir: Path) -> Path:
    return Path(index_dir).parent / f".{Path(index_dir).name}.lock"


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def index_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the ingest lock of `index_dir`; raise `IngestBusyError` when busy and not waiting."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(index_dir)
    key = str(path.resolve())
    with _GUARD:
        held = _HELD.setdefault(key, _Held())
    if not held.rlock.acquire(blocking=wait):
        raise IngestBusyError(index_dir, _holder(path))
    try:
        if held.depth == 0:
            held.fd = _flock(path, wait, index_dir)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0:
                fcntl.flock(held.fd, fcntl.LOCK_UN)
                os.close(held.fd)
                held.fd = -1
    finally:
        held.rlock.release()


def _flock(path: Path, wait: bool, index_dir: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise IngestBusyError(index_dir, _holder(path)) from None
    # Who holds it, for the busy message; written only once the lock is ours.
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def ingest_lock(home: Path, wait: bool = False) -> contextlib.AbstractContextManager[None]:
    """The ingest lock of HJEMMEL_HOME `home` (its index lives in `<home>/index`)."""
    return index_lock(Path(home) / "index", wait=wait)
