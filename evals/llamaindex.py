"""The llama-index peers an evaluation run scores beside hjemmel, over the same cleaned texts.

- `llamaindex_default`: llama-index as a user first writes it: `SentenceSplitter()` defaults
  (1024 tokens), an in-memory `VectorStoreIndex`, `similarity_top_k=2` (reported as «defaults
  (top-k 2)»); it never refuses and reads only a conversation's last question.
- `llamaindex_hybrid` and `llamaindex_hybrid_short`: BM25 and Chroma vectors fused by reciprocal
  rank, with refusal, the conversation and a status prior (`evals.llamaindex_hybrid`,
  `evals.llamaindex_fair`); the short one has chunks as long as hjemmel's passages.

Here: what they share. All embed with the project's embedder behind its embedding cache. A chunk
holds gold when it overlaps an occurrence of a gold quote in its document (the rule hjemmel's
passages are scored by). These pipelines only retrieve: their «answer» is the retrieved chunks
(none when a hybrid refuses), and the answer-level metrics are left undefined for them. Each
describes its settings for the report (`settings()`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from evals.baselines import GoldRef, Outcome, Unit
from evals.metrics import contains_any, find_normalised, normalize_with_offsets

if TYPE_CHECKING:
    from ingest.records import Document

DEFAULT = "llamaindex_default"
HYBRID = "llamaindex_hybrid"
HYBRID_SHORT = "llamaindex_hybrid_short"


class ChunkGold:
    """Gold chunks: those overlapping a gold quote's occurrence in their document."""

    def __init__(self, texts: Mapping[str, str], nodes: Sequence[Any]) -> None:
        self._norm = {doc: normalize_with_offsets(text) for doc, text in texts.items()}
        self.units: dict[str, Unit] = {}
        self._spans: dict[str, tuple[str, int | None, int | None]] = {}
        for n in nodes:
            doc = n.metadata["doc_id"]
            self.units[n.node_id] = Unit(n.node_id, doc, "", n.get_content())
            self._spans[n.node_id] = (doc, n.start_char_idx, n.end_char_idx)

    def _match(self, ref: GoldRef) -> set[str]:
        docs = [ref.doc] if ref.doc in self._norm else sorted(self._norm)
        found: set[str] = set()
        for doc in docs:
            spans = find_normalised(self._norm[doc], ref.quote)
            for cid, (cdoc, start, end) in self._spans.items():
                if cdoc != doc:
                    continue
                if start is None or end is None:  # not located in its document: compare text
                    if contains_any(self.units[cid].text, [ref.quote]):
                        found.add(cid)
                elif any(start < e and s < end for s, e in spans):
                    found.add(cid)
        return found

    def ids(self, gold: Sequence[GoldRef]) -> tuple[frozenset[str], tuple[str, ...]]:
        ids: set[str] = set()
        missing: list[str] = []
        for ref in gold:
            matched = self._match(ref)
            if not matched:
                missing.append(ref.quote)
            ids |= matched
        return frozenset(ids), tuple(missing)


def _as_floats(vector: Any) -> list[float]:
    return [float(x) for x in vector]


def project_embedding(embedder: Any) -> Any:
    """Wrap a project embedder (`embed_query`, `embed_passages`) as a llama-index BaseEmbedding."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class ProjectEmbedding(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Any) -> None:
            super().__init__(model_name="hjemmel", embed_batch_size=64)
            self._embedder = inner

        @classmethod
        def class_name(cls) -> str:
            return "HjemmelEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return _as_floats(self._embedder.embed_query(query))

        def _get_text_embedding(self, text: str) -> list[float]:
            return _as_floats(self._embedder.embed_passages([text])[0])

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [_as_floats(v) for v in self._embedder.embed_passages(list(texts))]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

    return ProjectEmbedding(embedder)


def _documents(texts: Mapping[str, str]) -> list[Any]:
    from llama_index.core import Document

    return [Document(text=texts[d], metadata={"doc_id": d}, id_=d) for d in sorted(texts)]


def _chunks(texts: Mapping[str, str], **splitter_args: Any) -> list[Any]:
    from llama_index.core.node_parser import SentenceSplitter

    # Stable ids make runs comparable; the chunking itself is llama-index's.
    splitter = SentenceSplitter(
        id_func=lambda i, doc: f"{doc.metadata['doc_id']}#{i}", **splitter_args
    )
    return list(splitter.get_nodes_from_documents(_documents(texts)))


def mean_chars(units: Mapping[str, Unit]) -> float:
    """Mean characters of a pipeline's retrieval units (chunks or passages)."""
    return sum(len(u.text) for u in units.values()) / len(units) if units else 0.0


class _RetrieverPipeline:
    """Shared behaviour: gold on chunks, an outcome from the retrieved nodes."""

    name: str
    _retriever: Any
    _gold: ChunkGold

    @property
    def chunks(self) -> dict[str, Unit]:
        return self._gold.units

    def gold_ids(self, gold: Sequence[GoldRef]) -> tuple[frozenset[str], tuple[str, ...]]:
        return self._gold.ids(gold)

    def run(self, question: str, role: str, history: Sequence[str]) -> Outcome:
        # llama-index's defaults have no notion of roles or conversations: the question goes in alone.
        started = time.perf_counter()
        found = self._retriever.retrieve(question)
        latency = (time.perf_counter() - started) * 1000
        units = tuple(self.chunks[n.node.node_id] for n in found)
        return Outcome(
            ranked=units,
            answer_text="\n\n".join(u.text for u in units),
            refused=False,
            cited=units,
            quotes=None,
            latency_ms=latency,
        )


class LlamaIndexBaseline(_RetrieverPipeline):
    """llama-index with its defaults: 1024-token chunks, in-memory vectors, top-k 2."""

    name = DEFAULT
    top_k = 2

    def __init__(self, texts: Mapping[str, str], embedder: Any) -> None:
        from llama_index.core import VectorStoreIndex

        nodes = _chunks(texts)
        self._gold = ChunkGold(texts, nodes)
        index = VectorStoreIndex(nodes, embed_model=project_embedding(embedder))
        self._retriever = index.as_retriever(similarity_top_k=self.top_k)

    def settings(self) -> dict[str, str]:
        return {
            "enheter": f"SentenceSplitter() (1024 tokens, 200 overlapp): {len(self.chunks)} "
            f"biter, snitt {mean_chars(self.chunks):.0f} tegn",
            "henting": f"vektorer i minnet, topp {self.top_k}",
            "avvisning": "ingen (kan ikke avvise)",
            "samtale": "bare det siste spørsmålet",
            "statusprior": "ingen",
        }


def build(
    name: str,
    texts: Mapping[str, str],
    embedder: Any,
    cache_dir: Path,
    chroma_dir: Path,
    documents: Mapping[str, Document] | None = None,
    cutoff: float | Literal["fitted"] | None = "fitted",
) -> Any:
    """A llama-index pipeline by name, with the index's embedder behind the embedding cache;
    the hybrids' Chroma collections live in `chroma_dir`, their status prior reads `documents`,
    and `cutoff` replaces their fitted refusal cutoff (None: never refuse; for fitting it)."""
    from evals.llamaindex_hybrid import LlamaIndexHybrid, LlamaIndexHybridShort
    from ingest.embed import CachedEmbedder

    cached = CachedEmbedder(embedder, cache_dir)
    if name == HYBRID:
        return LlamaIndexHybrid(texts, cached, chroma_dir, documents, cutoff)
    if name == HYBRID_SHORT:
        return LlamaIndexHybridShort(texts, cached, chroma_dir, documents, cutoff)
    return LlamaIndexBaseline(texts, cached)
