"""BM25: ranking behaviour, weights, partial selection against a full sort, and persistence."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("name", ["bm25.json", "bm25"])
def test_save_and_load_give_identical_results(tmp_path: Path, name: str) -> None:
    index = BM25Index.build(DOCS, k1=1.5, b=0.5)
    index.save(tmp_path / name)  # one JSON file (format 1) or a folder of arrays (format 2)
    loaded = BM25Index.load(tmp_path / name)
    assert (loaded.k1, loaded.b) == (1.5, 0.5)
    assert (tmp_path / name).is_dir() == (name == "bm25")
    for query in (["innsatte"], ["lege", "utelukkelse"], ["post", "helsehjelp"]):
        assert loaded.search(query, 10) == index.search(query, 10)
        assert loaded.idf(query[0]) == index.idf(query[0])
    assert BM25Index.load(tmp_path / name).to_json() == index.to_json()


def full_sort(
    docs: Sequence[tuple[str, Sequence[str]]],
    query: Mapping[str, float],
    k: int,
    k1: float = 1.2,
    b: float = 0.75,
) -> list[tuple[str, float]]:
    """The scalar BM25 this module replaced: score every posting in a loop, sort everything."""
    lengths = [len(tokens) for _, tokens in docs]
    postings: dict[str, dict[int, int]] = {}
    for n, (_, tokens) in enumerate(docs):
        for term, tf in Counter(tokens).items():
            postings.setdefault(term, {})[n] = tf
    avg = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0
    scores: dict[int, float] = {}
    for term, weight in query.items():
        posting = postings.get(term)
        if not posting or weight == 0:
            continue
        df = len(posting)
        idf = math.log(1.0 + (len(docs) - df + 0.5) / (df + 0.5))
        for n, tf in posting.items():
            norm = k1 * (1.0 - b + b * lengths[n] / avg)
            scores[n] = scores.get(n, 0.0) + weight * idf * tf * (k1 + 1.0) / (tf + norm)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [(docs[n][0], score) for n, score in ranked[:k] if score > 0]


# Few words, short passages: many passages score exactly the same (ties at the cut-off).
tied_words = st.sampled_from(["lege", "innsatt", "varsel", "post"])


@given(
    st.lists(st.lists(tied_words, max_size=5), min_size=1, max_size=40),
    st.dictionaries(tied_words, st.sampled_from([0.0, 0.3, 1.0]), min_size=1),
    st.integers(min_value=1, max_value=45),
)
def test_partial_selection_returns_the_full_sorts_top_k(
    tokens: list[list[str]], query: dict[str, float], k: int
) -> None:
    docs = [(f"p{i:02d}", t) for i, t in enumerate(tokens)]
    index = BM25Index.build(docs)
    expected = full_sort(docs, query, k)
    assert index.search(query, k) == expected  # same ids, same order, same scores bit for bit


def test_a_mapped_index_scores_the_real_corpus_as_the_full_sort_does(tmp_path: Path) -> None:
    from analysis.norwegian import analyze
    from ingest.index import passage_fields
    from ingest.pipeline import load_corpus
    from tests.conftest import CORPUS

    passages = [p for d in load_corpus([CORPUS]).documents for p in d.passages]
    docs = [(p.id, [t for f in passage_fields(p) for t in analyze(f)]) for p in passages]
    BM25Index.build(docs).save(tmp_path / "bm25")
    mapped = BM25Index.load(tmp_path / "bm25")
    for question in (
        "Må jeg varsle lege når en innsatt utelukkes?",
        "taushetsplikt helsepersonell",
    ):
        query = {t: 1.0 for t in analyze(question)}
        for k in (1, 10, 60, 10_000):
            assert mapped.search(query, k) == full_sort(docs, query, k)


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
