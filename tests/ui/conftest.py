"""Fixtures for the page tests: the real app served once per session on a free port.

The page gets its own copy of the bundled corpus and its own data directory (indexed with the
session's warm embedding cache), because its tests upload and remove documents: the session's
shared index and the repository's corpus folder are never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from ui.live import LiveAssistant

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


def set_file(page: Any, field: str, path: Path, attempts: int = 3) -> None:
    """Put `path` into the Gradio file field `field` and wait until the page shows its name.

    Gradio's upload can miss a file set while the component is still settling (a tab just
    opened, a change event in flight): set it again, as a user would, up to `attempts` times.
    """
    box = page.locator(field)
    for attempt in range(attempts):
        box.locator("input[type=file]").first.set_input_files(str(path), timeout=30_000)
        try:
            box.get_by_text(path.name).first.wait_for(timeout=30_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


@dataclass(frozen=True)
class Served:
    url: str
    settings: Settings
    assistant: LiveAssistant


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def page_settings(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, embed_cache_dir: Path
) -> Settings:
    """A corpus copy and a data directory of the page's own, indexed with the real model."""
    from ingest.index import build_index
    from ingest.pipeline import load_corpus

    root = tmp_path_factory.mktemp("page")
    corpus = root / "corpus"
    shutil.copytree(corpus_dir, corpus)
    settings = Settings(home=root / "home", corpus=corpus)
    settings.cache_dir.mkdir(parents=True)
    cache = embed_cache_dir / "embeddings.sqlite3"
    if cache.is_file():  # warm: the bundled corpus is embedded once per machine, not per session
        shutil.copy(cache, settings.cache_dir / cache.name)
    build_index(load_corpus([corpus]), settings.index_dir, settings.embedder, settings.cache_dir)
    return settings


@pytest.fixture(scope="session")
def served(page_settings: Settings) -> Iterator[Served]:
    """The full page over its own real index, started once per session in this process (Gradio
    serves from a thread)."""
    from ui.app import build_app, launch

    # A login here would hide the page from the browser test; login is covered by test_auth.
    saved = os.environ.pop("HJEMMEL_USERS", None)
    port = free_port()
    live = LiveAssistant(page_settings)
    demo = build_app(live, page_settings)
    launch(demo, page_settings, host="127.0.0.1", port=port, block=False)
    try:
        yield Served(f"http://127.0.0.1:{port}/", page_settings, live)
    finally:
        demo.close()
        if saved is not None:
            os.environ["HJEMMEL_USERS"] = saved
