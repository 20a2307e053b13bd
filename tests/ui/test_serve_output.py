"""What `hjemmel serve` prints: the address and how to stop it, and nothing about share links.

A real `hjemmel serve` subprocess over a tiny fake-embedder index (tests/faultkit.py), stopped
with SIGINT as Ctrl+C would; its whole output is read afterwards.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from ingest.index import build_index
from ingest.pipeline import load_corpus
from tests.faultkit import cli, env, write_corpus
from tests.ui.conftest import free_port
from tests.ui.test_replicas import _wait

pytestmark = pytest.mark.fault


def test_serve_prints_the_address_and_how_to_stop_and_no_share_hint(tmp_path: Path) -> None:
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    build_index(load_corpus([corpus]), home / "index", "fake", home / "cache")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cli("serve", "--port", str(port)),
            env=env(home, corpus, HJEMMEL_EMBEDDER="fake"),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(f"http://127.0.0.1:{port}/", proc, log)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert f"Åpne http://127.0.0.1:{port}/ i nettleseren. Stopp siden med Ctrl+C." in printed
    assert "share=True" not in printed and "public link" not in printed
