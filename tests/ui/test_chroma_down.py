"""A Chroma server that stops answering: one Norwegian line in the CLI (exit code 3) and in the
page, never a traceback or «still spørsmålet annerledes». A real `chroma run` on loopback, an
index built into it with the fake embedder, then the server stopped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faultkit import cli, env, write_corpus
from tests.ingest.test_store import CHROMA_CLI, _free_port, _wait_for_heartbeat
from tests.servekit import client, functions, run, serving

pytestmark = pytest.mark.fault

QUESTION = "Hvor ofte skal det være tilsyn på sikkerhetscelle?"


def test_a_chroma_outage_is_one_line_in_the_cli_and_the_page(tmp_path: Path) -> None:
    if not CHROMA_CLI.exists() and not shutil.which("chroma"):
        pytest.fail("chroma-kommandoen mangler (chromadb er installert av pyproject.toml)")
    port = _free_port()
    chroma = subprocess.Popen(
        [str(CHROMA_CLI), "run", "--path", str(tmp_path / "chroma"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    corpus, home = write_corpus(tmp_path / "corpus"), tmp_path / "home"
    extra = {"HJEMMEL_CHROMA_HOST": "127.0.0.1", "HJEMMEL_CHROMA_PORT": str(port)}
    try:
        _wait_for_heartbeat("127.0.0.1", port, chroma)  # type: ignore[arg-type]
        built = subprocess.run(
            cli("ingest"), env=env(home, corpus, **extra), capture_output=True, text=True,
            timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
    finally:
        chroma.terminate()
        chroma.wait(timeout=30)
    line = f"Søketjenesten (Chroma på 127.0.0.1:{port}) svarer ikke."
    asked = subprocess.run(
        cli("ask", QUESTION), env=env(home, corpus, **extra), capture_output=True, text=True,
        timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert asked.returncode == 3, asked.stderr
    assert asked.stderr.strip() == f"hjemmel ask: {line}"
    with serving(home, corpus, **extra) as server:
        http = client(server)
        fns = functions(http)
        session = "chromadown1"
        run(http, fns["begin"], [QUESTION, ""], session=session)
        out, _ = run(http, fns["finish"], [QUESTION, "alle", "", False, []], session=session)
        bubble = json.dumps(out[1][-1]["content"], ensure_ascii=False)
        assert line in bubble and "annerledes" not in bubble
        with pytest.raises(AssertionError, match="svarer ikke"):
            run(http, fns["ask"], [QUESTION, "alle", None])
        assert "Traceback" not in server.log_text()
