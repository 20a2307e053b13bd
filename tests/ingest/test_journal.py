"""ingest.journal: a corpus edit a crash interrupted is rolled back unless the live build holds it.

Real files in a temporary corpus folder; the «live build» is a documents.json behind a
`current` link, which is all `recover` reads of the index.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest.journal import ADD, JOURNAL, REMOVE, corpus_edit, recover

MANIFEST = '[[document]]\nid = "a"\nfile = "a.txt"\n'


def _live(index_dir: Path, ids: list[str]) -> None:
    build = index_dir / "builds" / "b"
    build.mkdir(parents=True, exist_ok=True)
    (build / "documents.json").write_text(json.dumps([{"id": i} for i in ids]))
    link = index_dir / "current"
    if link.is_symlink():
        link.unlink()
    os.symlink(Path("builds") / "b", link)


def _site(tmp_path: Path) -> tuple[Path, Path, Path]:
    home, corpus = tmp_path / "home", tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (corpus / "a.txt").write_text("A", encoding="utf-8")
    return home, corpus, home / "index"


_NEVER_ENDED: list[object] = []


def _crash_during(home: Path, corpus: Path, action: str, doc: str, file: str) -> None:
    """The edit begins and the process dies (kill -9): the block never ends, nothing cleans up."""
    edit = corpus_edit(home, corpus, action, doc, file)
    edit.__enter__()
    _NEVER_ENDED.append(edit)  # kept alive: a collected generator would run its cleanup
    if action == ADD:
        (corpus / file).write_text("B", encoding="utf-8")
        with (corpus / "manifest.toml").open("a") as fh:
            fh.write(f'\n[[document]]\nid = "{doc}"\nfile = "{file}"\n')
    else:
        (corpus / file).unlink()
        (corpus / "manifest.toml").write_text("", encoding="utf-8")


def test_an_upload_no_build_holds_is_rolled_back(tmp_path: Path) -> None:
    home, corpus, index = _site(tmp_path)
    _live(index, ["a"])
    _crash_during(home, corpus, ADD, "b", "opplastet-b.txt")
    assert (corpus / "opplastet-b.txt").exists()
    assert "rullet tilbake" in recover(home, corpus, index)
    assert not (corpus / "opplastet-b.txt").exists()
    assert (corpus / "manifest.toml").read_text() == MANIFEST
    assert recover(home, corpus, index) == ""  # once


def test_an_upload_the_live_build_holds_is_kept(tmp_path: Path) -> None:
    home, corpus, index = _site(tmp_path)
    _crash_during(home, corpus, ADD, "b", "opplastet-b.txt")
    _live(index, ["a", "b"])  # the swap happened before the crash
    assert recover(home, corpus, index) == ""
    assert (corpus / "opplastet-b.txt").exists() and '"b"' in (corpus / "manifest.toml").read_text()


def test_a_removal_is_undone_unless_the_build_dropped_the_document(tmp_path: Path) -> None:
    home, corpus, index = _site(tmp_path)
    _live(index, ["a"])
    _crash_during(home, corpus, REMOVE, "a", "a.txt")
    assert not (corpus / "a.txt").exists()
    assert "Fjerningen" in recover(home, corpus, index)
    assert (corpus / "a.txt").read_text() == "A" and (
        corpus / "manifest.toml"
    ).read_text() == MANIFEST
    _crash_during(home, corpus, REMOVE, "a", "a.txt")
    _live(index, [])
    assert recover(home, corpus, index) == "" and not (corpus / "a.txt").exists()


def test_a_failure_inside_the_block_restores_at_once(tmp_path: Path) -> None:
    home, corpus, _ = _site(tmp_path)
    with pytest.raises(RuntimeError), corpus_edit(home, corpus, ADD, "b", "opplastet-b.txt"):
        (corpus / "opplastet-b.txt").write_text("B")
        raise RuntimeError("build failed")
    assert not (corpus / "opplastet-b.txt").exists() and not (home / JOURNAL).exists()
