"""ingest.lock (one writer per index) and ingest.leases (readers' claims on builds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.leases import LEASES, is_leased, take_lease
from ingest.lock import IngestBusyError, index_lock, ingest_lock


def test_lock_is_reentrant_in_a_thread_and_exclusive_across_processes(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from ingest.lock import ingest_lock, IngestBusyError\n"
        "try:\n    ingest_lock(Path(sys.argv[1])).__enter__()\nexcept IngestBusyError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    with ingest_lock(tmp_path), index_lock(tmp_path / "index"):
        other = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
        )
        assert other.returncode == 3 and "En annen innlesing pågår" in other.stdout
    assert not (tmp_path / "index").exists()  # taking the lock creates no index folder
    free = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True)
    assert free.returncode == 0


def test_busy_error_names_the_holder(tmp_path: Path) -> None:
    import threading

    got: list[BaseException] = []
    with ingest_lock(tmp_path):

        def other() -> None:
            try:
                with ingest_lock(tmp_path):
                    pass
            except IngestBusyError as exc:
                got.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert got and "prosess" in str(got[0])


def test_stale_leases_are_ignored_and_removed(tmp_path: Path) -> None:
    build = tmp_path / "b"
    build.mkdir()
    assert not is_leased(build)
    lease = take_lease(build)
    assert lease is not None and is_leased(build)
    lease.unlink()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = build / LEASES / lease.name.replace(lease.name.split("-")[1], str(dead.pid), 1)
    stale.write_text("")
    assert not is_leased(build) and not stale.exists()


def test_a_lease_never_recreates_a_removed_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        take_lease(tmp_path / "gone")
    assert not (tmp_path / "gone").exists()
