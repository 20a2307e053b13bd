"""BM25: ranking behaviour, weights, and the JSON round trip."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ingest.bm25 import BM25Index

DOCS = [
    ("a", "lege skal varsles ved utelukkelse".split()),
    ("b", "innsatte har rett til helsehjelp helsehjelp helsehjelp".split()),
    ("c", "kriminalomsorgen skal varsle helsetjenesten om utelukkelse av innsatte".split()),
    ("d", "besøk og post".split()),
]


def test_ranks_matching_passages_and_omits_the_rest() -> None:
    index = BM25Index.build(DOCS)
    hits = index.search(["utelukkelse", "lege"], k=10)
    assert [pid for pid, _ in hits] == ["a", "c"]
    assert hits[0][1] > hits[1][1] > 0


def test_rare_terms_outweigh_common_ones() -> None:
    index = BM25Index.build(DOCS)
    # «innsatte» occurs in two passages, «post» in one: the rarer term scores higher.
    assert index.idf("post") > index.idf("innsatte") > 0
    assert index.search(["innsatte", "post"], k=1)[0][0] == "d"


def test_weights_change_the_order() -> None:
    index = BM25Index.build(DOCS)
    assert index.search({"lege": 0.1, "helsehjelp": 1.0}, k=1)[0][0] == "b"
    assert index.search({"lege": 1.0, "helsehjelp": 0.1}, k=1)[0][0] == "a"


def test_k_limits_and_unknown_terms_give_nothing() -> None:
    index = BM25Index.build(DOCS)
    assert len(index.search(["innsatte"], k=1)) == 1
    assert index.search(["ukjentord"], k=5) == []
    assert BM25Index.build([]).search(["x"], k=3) == []


def test_save_and_load_give_identical_results(tmp_path: Path) -> None:
    index = BM25Index.build(DOCS, k1=1.5, b=0.5)
    index.save(tmp_path / "bm25.json")
    loaded = BM25Index.load(tmp_path / "bm25.json")
    assert (loaded.k1, loaded.b) == (1.5, 0.5)
    for query in (["innsatte"], ["lege", "utelukkelse"], ["post", "helsehjelp"]):
        assert loaded.search(query, 10) == index.search(query, 10)


words = st.sampled_from(["lege", "innsatt", "varsel", "post", "helse", "plan"])


@given(st.lists(st.lists(words, max_size=12), min_size=1, max_size=12), st.lists(words, min_size=1))
def test_scores_are_sorted_and_only_for_passages_with_a_query_term(
    docs: list[list[str]], query: list[str]
) -> None:
    index = BM25Index.build((str(i), tokens) for i, tokens in enumerate(docs))
    hits = index.search(query, k=len(docs))
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert {pid for pid, _ in hits} == {
        str(i) for i, tokens in enumerate(docs) if set(tokens) & set(query)
    }
