"""Fixtures for the page tests: the real app served on a free port over the session's real index."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from assistant.api import Assistant
from assistant.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Served:
    url: str
    settings: Settings
    assistant: Assistant


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def served(real_settings: Settings, real_assistant: Assistant) -> Iterator[Served]:
    """The full page over the real index, started once per session in this process (Gradio serves
    from a thread)."""
    from ui.app import build_app, launch

    # A login here would hide the page from the browser test; login is covered by test_auth.
    saved = os.environ.pop("HJEMMEL_USERS", None)
    port = free_port()
    demo = build_app(real_assistant, real_settings)
    launch(demo, real_settings, host="127.0.0.1", port=port, block=False)
    try:
        yield Served(f"http://127.0.0.1:{port}/", real_settings, real_assistant)
    finally:
        demo.close()
        if saved is not None:
            os.environ["HJEMMEL_USERS"] = saved
