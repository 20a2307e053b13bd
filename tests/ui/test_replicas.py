"""Scale-out: two `hjemmel serve` processes sharing one index folder and a real Chroma server
(`chroma run` on loopback) answer identically. Tiny corpus, fake embedder, bounded traffic."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.index import Index, build_index
from ingest.pipeline import load_corpus
from tests.faultkit import cli, env, write_corpus
from tests.ingest.test_store import chroma_server  # noqa: F401  (fixture)
from tests.ui.conftest import free_port

pytestmark = pytest.mark.fault

QUESTIONS = [
    "Hvor ofte skal det være tilsyn på sikkerhetscelle?",
    "Kan helsepersonell dele opplysninger om en innsatt?",
    "Må kriminalomsorgen varsle helsetjenesten ved utelukkelse?",
]


def _start(
    home: Path, corpus: Path, host: str, port: int, chroma_port: int
) -> subprocess.Popen[bytes]:
    extra = {"HJEMMEL_CHROMA_HOST": host, "HJEMMEL_CHROMA_PORT": str(chroma_port)}
    with (home.parent / f"serve-{port}.log").open("wb") as log:
        return subprocess.Popen(
            cli("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env(home, corpus, **extra),
            cwd=home.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(240):
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"hjemmel serve stoppet med kode {proc.returncode}:\n{tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("hjemmel serve svarte ikke")


@pytest.fixture
def replicas(tmp_path: Path, chroma_server: tuple[str, int]) -> Iterator[list[str]]:  # noqa: F811
    host, port = chroma_server
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    build_index(
        load_corpus([corpus]),
        home / "index",
        "fake",
        home / "cache",
        store="server",
        chroma_host=host,
        chroma_port=port,
    )
    ports = [free_port(), free_port()]
    procs = [_start(home, corpus, host, p, port) for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}/" for p in ports]
        for url, proc, p in zip(urls, procs, ports, strict=True):
            _wait(url, proc, home.parent / f"serve-{p}.log")
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    index = Index.open(home / "index", chroma_host=host, chroma_port=port)
    assert index.format["store"] == "server"
    index.close()


def test_two_replicas_and_a_chroma_server_answer_identically(replicas: list[str]) -> None:
    from gradio_client import Client

    clients = [Client(url, verbose=False) for url in replicas]
    for question in QUESTIONS:
        answers = [
            json.dumps(
                {
                    k: v
                    for k, v in c.predict(question, "alle", None, api_name="/ask")["answer"].items()
                    if k != "timings_ms"
                },
                ensure_ascii=False,
            )
            for c in clients
        ]
        assert answers[0] == answers[1] and question in answers[0]
    assert "tilsyn" in answers_for(clients[1], QUESTIONS[0]).lower()


def answers_for(client: object, question: str) -> str:
    result = client.predict(question, "alle", None, api_name="/ask")  # type: ignore[attr-defined]
    return json.dumps(result["answer"], ensure_ascii=False)
