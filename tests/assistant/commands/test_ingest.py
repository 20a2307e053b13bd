"""`hjemmel ingest`, `hjemmel passages` and `hjemmel bench`, run in-process with HJEMMEL_HOME in tmp.

The fake embedder keeps these fast; the real model is covered by tests/ingest/test_index.py.
"""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.settings import Settings
from ingest.index import Index, embed_text


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_dir: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray hjemmel.toml from the working directory
    monkeypatch.setenv("HJEMMEL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HJEMMEL_EMBEDDER", "fake")
    shutil.copytree(corpus_dir, tmp_path / "corpus")
    monkeypatch.setenv("HJEMMEL_CORPUS", str(tmp_path / "corpus"))
    return tmp_path / "home"


def _summary_counts(out: str) -> dict[str, int]:
    counts = {}
    for line in out.splitlines():
        if line.startswith("  ") and line.endswith(" avsnitt"):
            doc, n = line.strip().removesuffix(" avsnitt").rsplit(": ", 1)
            counts[doc] = int(n)
    return counts


def test_ingest_summary_then_if_stale_then_warm_rebuild(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    counts = _summary_counts(out)
    assert {"rundskriv", "temaside", "horingsinnspill-nkrop"} <= set(counts)
    total = sum(counts.values())
    assert f"({total} avsnitt)" in out
    assert "gjenbrukt fra mellomlageret: 0" in out and "Tid: " in out
    embedded = int(out.split("Embeddet: ")[1].split(" avsnitt")[0])
    assert embedded == total  # one passage count: every passage, identical texts included

    assert main(["ingest", "--if-stale"]) == 0
    assert "ingenting å gjøre" in capsys.readouterr().out

    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert f"Embeddet: 0 avsnitt, gjenbrukt fra mellomlageret: {total}" in out


def test_ingest_if_stale_rebuilds_after_a_change(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--if-stale"]) == 0
    assert "Indeksen er bygd" in capsys.readouterr().out
    before = {embed_text(p) for p in Index.open(home / "index").passages}
    doc = tmp_path / "corpus" / "003_360cfa3845265d13.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\nEt nytt avsnitt om samtykke.\n")
    assert main(["ingest", "--if-stale"]) == 0
    out = capsys.readouterr().out
    after = {embed_text(p) for p in Index.open(home / "index").passages}
    assert "Indeksen er bygd" in out
    assert any("Et nytt avsnitt om samtykke." in t for t in after - before)
    assert f"Embeddet: {len(after - before)} avsnitt" in out


def test_ingest_reports_skipped_files_and_paths(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "egne"
    folder.mkdir()
    (folder / "notat.txt").write_text("Helsepersonell har taushetsplikt.\n", encoding="utf-8")
    (folder / "bilde.xyz").write_bytes(b"\x00\x01\x02")
    assert main(["ingest", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Hoppet over:" in out and "bilde.xyz" in out
    assert set(_summary_counts(out)) == {"notat"}


def test_ingest_unknown_path_or_embedder(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "finnes-ikke"]) == 2
    assert "finner ikke" in capsys.readouterr().err
    assert main(["ingest", "--embedder", "tull"]) == 2
    assert "Ukjent embedder" in capsys.readouterr().err


def test_ingest_broken_manifest_is_a_clear_error(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "corpus" / "manifest.toml").write_text("[[document]\nid = ", encoding="utf-8")
    assert main(["ingest"]) == 2
    assert "manifest" in capsys.readouterr().err.lower()
    assert not (home / "index").exists()


def test_passages_without_index(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["passages"]) == 1
    assert "Fant ingen indeks" in capsys.readouterr().err


def test_passages_listing_and_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["passages", "--doc", "rundskriv", "--section", "5", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(r["doc_id"] == "rundskriv" for r in rows)
    assert all(r["section"] == "5" or r["section"].startswith("5.") for r in rows)
    assert {"id", "heading", "page", "kind", "roles", "refs", "text"} <= set(rows[0])
    assert main(["passages", "--doc", "rundskriv", "--section", "5"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("[rundskriv:") == len(rows)
    assert rows[0]["text"][:40] in listing.replace("\n    ", " ")
    assert main(["passages", "--doc", "ukjent"]) == 1
    assert "ukjent dokument" in capsys.readouterr().err


def test_bench_ingest_reports_cold_and_warm(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "ingest"]) == 0
    out = capsys.readouterr().out
    assert "Kald ingest" in out and "Varm ingest" in out and "avsnitt/s" in out
    assert "embeddet 0," in out  # the warm run reuses every vector
    assert not (home / "index").exists()  # the user's own index is never touched


def test_bench_ingest_over_a_scaled_corpus_keeps_its_vectors(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "ingest", "--corpus-scale", "2"]) == 0
    out = capsys.readouterr().out
    scaled = home / "bench" / "scale-2"
    assert f"Korpus: {scaled / 'corpus'}" in out and "tråder" in out
    cold = next(line for line in out.splitlines() if line.startswith("Kald ingest"))
    bundled = sum(len(d.passages) for d in __import__("ingest.pipeline").pipeline.load_corpus(
        [home.parent / "corpus"]).documents)  # fmt: skip
    assert int(cold.split(", ")[1].split()[0]) > 1.9 * bundled
    assert (scaled / "cache" / "embeddings.sqlite3").is_file()  # reused by `bench ask`
    assert not (home / "index").exists()


def test_bench_ask_dispatches(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Settings, int, object]] = []

    def run_ask_bench(settings: Settings, rounds: int, scaled: object) -> int:
        seen.append((settings, rounds, scaled))
        return 0

    fake = types.ModuleType("assistant.bench")
    fake.run_ask_bench = run_ask_bench  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.bench", fake)
    assert main(["bench", "ask", "--rounds", "2"]) == 0
    assert len(seen) == 1 and seen[0][0].embedder == "fake" and seen[0][1:] == (2, None)
    assert main(["bench", "ask", "--corpus-scale", "1"]) == 2  # a scale below 2 is refused
