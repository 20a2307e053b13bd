"""ui.live: the holder re-opens the assistant when `current` points to another build, once.

The builds here are bare folders and the loader a counter (what is under test is when the holder
switches); the real switch after an upload is in test_upload_served.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from ingest.records import Document
from ui.live import LiveAssistant, current_build, unlisted_documents

MANIFEST = """[[document]]
id = "a"
title = "A"
type = "rundskriv"
issuer = "JD"
date = ""
status = "gjeldende"
file = "a.txt"
"""


@dataclass
class _Index:
    documents: dict[str, Document] = field(default_factory=dict)


@dataclass
class _Assistant:
    build: str
    index: _Index = field(default_factory=_Index)


def _point(index_dir: Path, build: str) -> None:
    (index_dir / "builds" / build).mkdir(parents=True, exist_ok=True)
    tmp = index_dir / ".current-tmp"
    os.symlink(Path("builds") / build, tmp)
    os.replace(tmp, index_dir / "current")


def test_the_holder_switches_when_current_changes_and_not_before(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, corpus=tmp_path / "corpus")
    _point(settings.index_dir, "b1")
    loads: list[str] = []

    def loader(_settings: Settings) -> _Assistant:
        loads.append(current_build(settings.index_dir))
        return _Assistant(loads[-1])

    live = LiveAssistant(settings, loader)
    held = live.get()
    assert live.get() is held and loads == ["b1"]  # no change, no re-open
    _point(settings.index_dir, "b2")
    fresh = live.get()
    assert fresh is not held and fresh.build == "b2" and held.build == "b1"
    assert live.get() is fresh and loads == ["b1", "b2"]


def test_a_build_that_cannot_be_opened_keeps_the_old_one(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, corpus=tmp_path / "corpus")
    _point(settings.index_dir, "b1")
    live = LiveAssistant(settings, lambda _s: _Assistant("b1"))
    held = live.get()

    def broken(_settings: Settings) -> _Assistant:
        raise OSError("half written")

    live._loader = broken
    _point(settings.index_dir, "b2")
    assert live.get() is held


def test_documents_without_a_manifest_entry_are_unlisted(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (corpus / "a.txt").write_text("Tekst.", encoding="utf-8")
    listed = Document("a", "A", "rundskriv", "JD", None, "gjeldende", "a.txt", "")
    loose = Document("b", "B", "rundskriv", "", None, "gjeldende", "b.txt", "")
    assert unlisted_documents([listed, loose], corpus) == {"b"}
    assert unlisted_documents([listed, loose], tmp_path / "mangler") == frozenset()


@dataclass
class _Closable:
    build: str
    closed: bool = False
    index: Any = None

    def __post_init__(self) -> None:
        outer = self

        class _Idx:
            documents: dict[str, Document] = {}  # noqa: RUF012
            path = None

            def close(self) -> None:
                outer.closed = True

        self.index = _Idx()


def test_an_old_build_is_released_when_no_answer_uses_it_any_more(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, corpus=tmp_path / "corpus")
    _point(settings.index_dir, "b1")
    live = LiveAssistant(settings, lambda _s: _Closable(current_build(settings.index_dir)))
    with live.use() as first:
        _point(settings.index_dir, "b2")
        second = live.get()
        assert second is not first and not first.closed  # an answer still runs on b1
    assert first.closed  # released when that answer ended
    _point(settings.index_dir, "b3")
    third = live.get()
    assert second.closed and not third.closed  # nothing used b2: released at the swap
    assert live.closed == 2
