"""Vector stores: embedded Chroma and a real Chroma server started by the test, same behaviour."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest.store import ChromaLocalStore, ChromaServerStore, VectorStore

CHROMA_CLI = Path(sys.executable).parent / "chroma"


def _vectors() -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(7)
    m = rng.normal(size=(20, 16)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return [f"doc:1:{i}" for i in range(20)], m


def _exercise(store: VectorStore) -> None:
    ids, m = _vectors()
    metas = [{"doc_id": "doc", "page": None, "n": i} for i in range(20)]
    store.upsert(ids, m, metas, [f"tekst {i}" for i in range(20)])
    assert store.count() == 20
    assert sorted(store.ids()) == sorted(ids)
    hits = store.query(m[3], k=5)
    assert hits[0][0] == "doc:1:3"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-4)
    expected = sorted(range(20), key=lambda i: -float(m[i] @ m[3]))[:5]
    assert [pid for pid, _ in hits] == [ids[i] for i in expected]
    assert [s for _, s in hits] == pytest.approx([float(m[i] @ m[3]) for i in expected], abs=1e-4)
    store.upsert(["doc:1:0"], m[5:6])  # upsert replaces, never duplicates
    assert store.count() == 20
    assert store.query(m[5], k=2)[1][1] == pytest.approx(1.0, abs=1e-4)
    # Two identical vectors tie: the order is by id, the same on every run.
    assert [pid for pid, _ in store.query(m[5], k=2)] == ["doc:1:0", "doc:1:5"]
    store.delete(["doc:1:0", "doc:1:1"])
    assert store.count() == 18 and "doc:1:1" not in store.ids()
    assert len(store.query(m[0], k=100)) == 18


def test_local_store(tmp_path: Path) -> None:
    _exercise(ChromaLocalStore(tmp_path / "chroma", "test-collection"))


def test_local_store_persists_and_answers_empty(tmp_path: Path) -> None:
    ids, m = _vectors()
    ChromaLocalStore(tmp_path / "c", "passages").upsert(ids, m)
    assert ChromaLocalStore(tmp_path / "c", "passages").count() == 20
    assert ChromaLocalStore(tmp_path / "c", "empty-one").query(m[0], k=3) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    if not CHROMA_CLI.exists() and not shutil.which("chroma"):
        pytest.skip("chroma-kommandoen finnes ikke i denne installasjonen")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    cli = str(CHROMA_CLI if CHROMA_CLI.exists() else shutil.which("chroma"))
    proc = subprocess.Popen(
        [cli, "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_heartbeat("127.0.0.1", port, proc)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_heartbeat(host: str, port: int, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail(f"chroma-serveren stoppet med kode {proc.returncode}")
        try:
            if httpx.get(f"http://{host}:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail("chroma-serveren svarte ikke")


def test_server_store(chroma_server: tuple[str, int]) -> None:
    host, port = chroma_server
    store = ChromaServerStore(host, port, "hjemmel-test")
    _exercise(store)
    store.drop()
    assert ChromaServerStore(host, port, "hjemmel-test").count() == 0
