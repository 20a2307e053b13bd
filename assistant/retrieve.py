"""Hybrid retrieval: BM25 (Norwegian analysis) and dense vectors fused by reciprocal rank.

Adds a boost for the asker's role, a mild prior for binding sources over drafts and opinions, and an
exact lookup that puts passages citing a provision named in the question first. It ranks passages;
it does not pick sentences (compose) or decide whether to refuse (evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.records import Hit
from ingest.analysis import analyze, analyze_query
from ingest.legalrefs import extract_refs
from ingest.records import LegalRef, Passage

RRF_K = 60
POOL = 60  # candidates taken from each retriever before fusion
ROLE_BOOST = 1.25
STATUS_PRIOR = {
    "gjeldende": 1.0,
    "utkast": 0.9,
    "innspill": 0.85,
    "informasjon": 0.85,
    "historisk": 0.8,
}
KIND_PRIOR = {"footnote": 0.5, "heading": 0.7}
PIPELINES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class Query:
    """A question prepared for retrieval: its own tokens, tokens borrowed from the conversation."""

    text: str
    dense_text: str
    focus_tokens: tuple[str, ...]
    context_tokens: tuple[str, ...] = ()
    refs: tuple[LegalRef, ...] = ()

    @property
    def tokens(self) -> list[str]:
        return list(self.focus_tokens) + list(self.context_tokens)


def make_query(question: str, context: str = "") -> Query:
    refs = tuple(extract_refs(question))
    return Query(
        text=question,
        dense_text=f"{context} {question}".strip() if context else question,
        focus_tokens=tuple(analyze_query(question)),
        context_tokens=tuple(analyze(context)) if context else (),
        refs=refs,
    )


def _rrf(rankings: Sequence[Sequence[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _cites(passage: Passage, refs: Sequence[LegalRef]) -> bool:
    for want in refs:
        for have in passage.refs:
            same_provision = have.provision == want.provision
            if same_provision and (want.law in ("", have.law) or have.law == want.law):
                return True
    return False


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    dense_top: float  # cosine similarity of the best dense match (0.0 when dense was not run)


def retrieve(
    index: Any, query: Query, role: str = "alle", k: int = 10, pipeline: str = "hybrid"
) -> Retrieval:
    """Rank passages for `query`; `pipeline` chooses hybrid fusion or one retriever alone."""
    if pipeline not in PIPELINES:
        raise ValueError(f"Ukjent pipeline «{pipeline}». Gyldige: {', '.join(PIPELINES)}.")
    bm25: list[str] = []
    dense_hits: list[tuple[str, float]] = []
    if pipeline in ("hybrid", "bm25") and query.tokens:
        bm25 = [pid for pid, _ in index.bm25_search(query.tokens, POOL)]
    if pipeline in ("hybrid", "dense"):
        dense_hits = list(index.dense_search(query.dense_text, POOL))
    dense = [pid for pid, _ in dense_hits]
    fused = _rrf([r for r in (bm25, dense) if r])
    bm25_rank = {pid: i for i, pid in enumerate(bm25, start=1)}
    dense_rank = {pid: i for i, pid in enumerate(dense, start=1)}
    docs = index.documents
    scored: list[tuple[float, int, str]] = []
    for pid, score in fused.items():
        passage = index.by_id.get(pid)
        if passage is None:
            continue
        if pipeline == "hybrid":
            score *= STATUS_PRIOR.get(docs[passage.doc_id].status, 0.85)
            score *= KIND_PRIOR.get(passage.kind, 1.0)
            if role in passage.roles:
                score *= ROLE_BOOST
        order = 0 if (pipeline == "hybrid" and query.refs and _cites(passage, query.refs)) else 1
        scored.append((score, order, pid))
    scored.sort(key=lambda t: (t[1], -t[0], t[2]))
    hits = [
        Hit(
            passage=index.by_id[pid],
            score=score,
            bm25_rank=bm25_rank.get(pid),
            dense_rank=dense_rank.get(pid),
        )
        for score, _, pid in scored[:k]
    ]
    return Retrieval(hits, max((s for _, s in dense_hits), default=0.0))
