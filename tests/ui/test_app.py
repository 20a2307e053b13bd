"""ui.app / ui.serve without the real index: the missing-index page and the serve arguments."""

from __future__ import annotations

import argparse
import json
import socket
import urllib.request
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui import serve
from ui.app import MISSING_INDEX_TEXT, create_app, launch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_arguments_default_to_settings() -> None:
    parser = argparse.ArgumentParser()
    serve.configure(parser)
    args = parser.parse_args([])
    assert (args.host, args.port) == (None, None)
    args = parser.parse_args(["--host", "0.0.0.0", "--port", "8123"])
    assert (args.host, args.port) == ("0.0.0.0", 8123)


def test_bad_users_file_stops_serve_before_starting(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, users_file=tmp_path / "mangler.txt")
    assert serve.run(argparse.Namespace(host=None, port=free_port()), settings) == 2


def test_missing_index_serves_a_page_saying_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HJEMMEL_USERS", raising=False)
    settings = Settings(home=tmp_path / "tom")
    demo = create_app(settings)
    port = free_port()
    launch(demo, settings, host="127.0.0.1", port=port, block=False)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=10) as resp:
            config = json.loads(resp.read().decode("utf-8"))
    finally:
        demo.close()
    texts = json.dumps(config, ensure_ascii=False)
    assert MISSING_INDEX_TEXT in texts
    assert "Samtale" not in texts
