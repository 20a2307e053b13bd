"""The fair llama-index peer: refusal under a cutoff, the conversation in the query, the status
prior's order, the cutoff fit, and the equal-text variant's chunk length on the real corpus.

Through the real library (llama-index's `SimilarityPostprocessor`, node postprocessors, Chroma) with
the project's deterministic fake embedder; no model is loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import llamaindex_fair as fair
from evals.llamaindex import _chunks, build, mean_chars
from evals.llamaindex_hybrid import LlamaIndexHybrid, LlamaIndexHybridShort
from ingest.pipeline import CorpusLoad
from ingest.records import Document

TEXTS = {
    "a": " ".join(
        f"Tilsyn nr. {i} med innsatte i sikkerhetscelle skjer jevnlig." for i in range(60)
    ),
    "b": " ".join(f"Taushetsplikt {i} gjelder også overfor kriminalomsorgen." for i in range(60)),
}


def _doc(doc_id: str, doc_type: str, status: str) -> Document:
    return Document(doc_id, f"Tittel {doc_id}", doc_type, "Helsedirektoratet", None, status, "", "")


def _hybrid(tmp_path: Path, cutoff: float | None) -> LlamaIndexHybrid:
    from ingest.embed import CachedEmbedder, FakeEmbedder

    cached = CachedEmbedder(FakeEmbedder(), tmp_path / "cache")
    return LlamaIndexHybrid(TEXTS, cached, tmp_path / "chroma", cutoff=cutoff)


def test_conversation_query_puts_the_earlier_questions_first() -> None:
    query = fair.conversation_query("Og hvis han er 16?", [" Hvor ofte er tilsyn? ", ""])
    assert query == "Hvor ofte er tilsyn? Og hvis han er 16?"
    assert fair.conversation_query("Hva nå?", ()) == "Hva nå?"


def test_refusal_uses_llamaindex_similarity_cutoff_on_chroma_scores() -> None:
    from llama_index.core.schema import NodeWithScore, TextNode

    assert fair.chroma_cosine(fair.chroma_score(0.87)) == pytest.approx(0.87)
    node = NodeWithScore(node=TextNode(text="x", id_="x"), score=fair.chroma_score(0.86))
    assert fair.refuses([node], 0.87) and not fair.refuses([node], 0.85)
    assert fair.refuses([], 0.5)  # nothing found: nothing reaches the cutoff
    assert not fair.refuses([], None)  # no cutoff: never refuses


def test_fit_cutoff_takes_the_best_f1_midway_between_neighbours() -> None:
    tops = [0.70, 0.80, 0.82, 0.90, 0.95]
    expected = [True, True, False, False, False]
    assert fair.fit_cutoff(tops, expected) == (0.81, 1.0)
    # Refusing everything below 0.85 also catches one answerable question: worse F1.
    assert fair.refusal_f1(tops, expected, 0.85) == pytest.approx(0.8)


def test_status_prior_puts_the_rule_first_unless_the_question_names_the_draft() -> None:
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    docs = {
        "rundskriv": _doc("rundskriv", "rundskriv", "gjeldende"),
        "utkast": _doc("utkast", "høringsutkast", "utkast"),
    }
    prior = fair.status_prior(docs)

    def nodes() -> list[NodeWithScore]:
        draft = TextNode(text="d", id_="utkast#0", metadata={"doc_id": "utkast"})
        rule = TextNode(text="r", id_="rundskriv#0", metadata={"doc_id": "rundskriv"})
        return [NodeWithScore(node=draft, score=0.033), NodeWithScore(node=rule, score=0.030)]

    plain = prior.postprocess_nodes(nodes(), query_bundle=QueryBundle("Hvor ofte er tilsyn?"))
    assert [n.node.node_id for n in plain] == ["rundskriv#0", "utkast#0"]
    assert plain[1].score == pytest.approx(0.033 * fair.STATUS_PRIOR["utkast"])
    named = prior.postprocess_nodes(
        nodes(), query_bundle=QueryBundle("Hva sier høringsutkastet om tilsyn?")
    )
    assert [n.node.node_id for n in named] == ["utkast#0", "rundskriv#0"]


def test_hybrid_refuses_under_its_cutoff_and_keeps_its_ranking(tmp_path: Path) -> None:
    question = "Gjelder taushetsplikten overfor kriminalomsorgen?"
    answering = _hybrid(tmp_path, None).run(question, "alle", ())
    assert not answering.refused and answering.cited and answering.answer_text
    refusing = _hybrid(tmp_path, 1.01).run(question, "alle", ())  # no cosine exceeds 1
    assert refusing.refused and refusing.cited == () and refusing.answer_text == ""
    assert [u.id for u in refusing.ranked] == [u.id for u in answering.ranked]  # hit@k still read


def test_hybrid_reads_the_conversation(tmp_path: Path) -> None:
    peer = _hybrid(tmp_path, None)
    alone = peer.run("Og overfor hvem gjelder den?", "alle", ())
    followed = peer.run("Og overfor hvem gjelder den?", "alle", ["Hva med taushetsplikten?"])
    assert {u.doc_id for u in followed.ranked[:3]} == {"b"}
    assert [u.id for u in alone.ranked] != [u.id for u in followed.ranked]
    assert peer.dense_top() is not None and -1.0 <= peer.dense_top() <= 1.0  # type: ignore[operator]


def test_short_variant_is_the_hybrid_with_shorter_chunks(tmp_path: Path) -> None:
    from ingest.embed import FakeEmbedder

    short = build("llamaindex_hybrid_short", TEXTS, FakeEmbedder(), tmp_path / "c", tmp_path / "ch")
    assert isinstance(short, LlamaIndexHybridShort) and short.name == "llamaindex_hybrid_short"
    assert short.cutoff == fair.HYBRID_SHORT_CUTOFF != LlamaIndexHybrid.cutoff
    long = build("llamaindex_hybrid", TEXTS, FakeEmbedder(), tmp_path / "c", tmp_path / "ch")
    assert mean_chars(short.chunks) < mean_chars(long.chunks) / 2
    assert set(short.settings()) == {"enheter", "henting", "avvisning", "samtale", "statusprior"}
    assert "chunk_size=102" in short.settings()["enheter"]


def test_short_chunks_are_about_as_long_as_the_passages(corpus_load: CorpusLoad) -> None:
    """On the bundled corpus the equal-text variant's chunks average within 5 % of the passages."""
    texts = {d.document.id: d.clean.text for d in corpus_load.documents}
    passages = [p for d in corpus_load.documents for p in d.passages]
    target = sum(len(p.text) for p in passages) / len(passages)
    size, overlap = LlamaIndexHybridShort.chunk_size, LlamaIndexHybridShort.chunk_overlap
    nodes = _chunks(texts, chunk_size=size, chunk_overlap=overlap)
    chars = sum(len(n.get_content()) for n in nodes) / len(nodes)
    assert abs(chars - target) / target < 0.05, (chars, target)
