"""Leases: a reader's claim on the build it has open, so that pruning never removes it.

Contract:

    take_lease(build: Path) -> Path | None     writes <build>/.leases/<host>-<pid>-<random>
    drop_lease(lease: Path | None) -> None
    is_leased(build: Path) -> bool             any lease whose holder may still be alive

`Index.open` takes a lease on the build it pins and drops it when the Index is closed or garbage
collected; `ingest.index` prunes only builds that are neither live nor leased. A lease of a dead
process on this host (SIGKILL, crash) is stale: ignored and removed. A lease from another host
cannot be checked and counts as live. A read-only index folder (replicas sharing one) cannot hold
leases: the reader then reads without one, and whoever writes that folder must not prune it
under them. It deliberately knows nothing about what a build contains.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from pathlib import Path

LEASES = ".leases"


def _host() -> str:
    return socket.gethostname().replace("-", "_") or "localhost"


def take_lease(build: Path) -> Path | None:
    """A new lease file in `build`, or None when the folder cannot be written.

    Never creates the build folder itself: a lease on a build pruned meanwhile fails, and the
    caller looks again.
    """
    folder = Path(build) / LEASES
    lease = folder / f"{_host()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(exist_ok=True)  # no parents: a removed build must stay removed
        lease.write_text("", encoding="utf-8")
    except FileNotFoundError:
        raise
    except OSError:  # read-only folder: read without a lease
        return None
    return lease


def drop_lease(lease: Path | None) -> None:
    if lease is not None:
        with contextlib.suppress(OSError):
            lease.unlink()


def _alive(name: str) -> bool:
    host, _, rest = name.partition("-")
    pid_text = rest.partition("-")[0]
    if host != _host():
        return True
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_leased(build: Path) -> bool:
    """True when a possibly living reader holds `build`; stale leases are removed on the way."""
    folder = Path(build) / LEASES
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return False
    live = False
    for name in names:
        if _alive(name):
            live = True
        else:
            drop_lease(folder / name)
    return live
