"""The synthetic scaled corpus: every copy its own document, structure kept, text altered."""

from __future__ import annotations

import tomllib
from pathlib import Path

from assistant.bench_corpus import write_scaled_corpus
from ingest.pipeline import load_corpus
from tests.conftest import CORPUS


def test_a_scaled_corpus_has_altered_copies_with_their_own_entries(tmp_path: Path) -> None:
    out = write_scaled_corpus(CORPUS, 3, tmp_path / "x3")
    manifest = tomllib.loads((out / "manifest.toml").read_text(encoding="utf-8"))["document"]
    ids = [d["id"] for d in manifest]
    assert len(ids) == len(set(ids)) == 3 * 5 and "rundskriv-k2" in ids
    copy = next(d for d in manifest if d["id"] == "rundskriv-k1")
    assert "syntetisk kopi 1" in copy["title"] and copy["status"] == "gjeldende"
    original = (CORPUS / "002_b859f804772c84c8.txt").read_text(encoding="utf-8")
    assert (out / "002_b859f804772c84c8.txt").read_text(encoding="utf-8") == original
    altered = (out / copy["file"]).read_text(encoding="utf-8")
    assert altered != original and len(altered.splitlines()) == len(original.splitlines())

    load = load_corpus([out])
    assert not load.skipped and not load.warnings
    counts = {d.document.id: len(d.passages) for d in load.documents}
    originals = sum(counts[d["id"]] for d in manifest[:5])
    # Headings and lists are kept, so a copy is cut into about as many passages (the web page's
    # repeated navigation lines, once altered, are no longer dropped as boilerplate).
    assert 3 * originals * 0.95 <= sum(counts.values()) <= 3 * originals * 1.15
    assert abs(counts["rundskriv-k2"] - counts["rundskriv"]) <= 5
    sections = {
        p.section for d in load.documents if d.document.id == "rundskriv" for p in d.passages
    }
    copied = {
        p.section for d in load.documents if d.document.id == "rundskriv-k1" for p in d.passages
    }
    assert sections == copied
    passages = [p.text for d in load.documents for p in d.passages]
    assert len(set(passages)) > 0.95 * len(passages)  # nearly every passage is new text


def test_the_same_scale_writes_the_same_files(tmp_path: Path) -> None:
    a = write_scaled_corpus(CORPUS, 2, tmp_path / "a")
    b = write_scaled_corpus(CORPUS, 2, tmp_path / "b")
    for path in sorted(a.iterdir()):
        assert path.read_bytes() == (b / path.name).read_bytes()
