"""The llama-index peers an evaluation run scores beside hjemmel, over the same cleaned texts.

- `llamaindex_default`: llama-index as a user first writes it: `SentenceSplitter()` defaults
  (1024 tokens), an in-memory `VectorStoreIndex`, `similarity_top_k=2` (reported as «defaults
  (top-k 2)»).
- `llamaindex_hybrid`: what a competent engineer builds in an afternoon: `SentenceSplitter` of 256
  tokens with 32 overlapping, a `VectorStoreIndex` over a Chroma collection on disk, BM25 over the
  same chunks with the project's Norwegian analysis (`analysis.norwegian.analyze`, on chunks and
  questions alike), both fused by `QueryFusionRetriever` in reciprocal-rank mode, top-k 10 (each retriever's ties
  broken by chunk id, so runs repeat exactly).

Both embed with the project's embedder behind its embedding cache. BM25 is `bm25s` (the library
llama-index's `BM25Retriever` is built on) behind a small llama-index retriever:
llama-index-retrievers-bm25 pins PyStemmer < 3, which would change the project's stemmer. A chunk
holds gold when it overlaps an occurrence of a gold quote in its document (the rule hjemmel's
passages are scored by). These pipelines only retrieve: their «answer» is the retrieved chunks, they
never refuse, and the answer-level metrics are left undefined for them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.baselines import GoldRef, Outcome, Unit
from evals.metrics import contains_any, find_normalised, normalize_with_offsets

DEFAULT = "llamaindex_default"
HYBRID = "llamaindex_hybrid"


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
        # A plain retriever has no notion of roles or conversations: the question goes in alone.
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


def norwegian_bm25(nodes: Sequence[Any], top_k: int) -> Any:
    """A llama-index retriever: bm25s over the chunks, tokenised by the project's analyser."""
    import bm25s
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    from analysis.norwegian import analyze

    class NorwegianBM25(BaseRetriever):
        def __init__(self) -> None:
            super().__init__()
            self._nodes = list(nodes)
            self._bm25 = bm25s.BM25()
            self._bm25.index(
                [analyze(n.get_content()) or ["_"] for n in self._nodes], show_progress=False
            )

        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            tokens = analyze(query_bundle.query_str)
            if not tokens:
                return []
            k = min(top_k, len(self._nodes))
            docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)
            return [
                NodeWithScore(node=self._nodes[int(i)], score=float(s))
                for i, s in zip(docs[0], scores[0], strict=True)
                if s > 0
            ]

    return NorwegianBM25()


def tie_ordered(inner: Any, top_k: int) -> Any:
    """`inner`'s results best first, ties by chunk id, cut to top_k: runs repeat exactly even
    when two chunks score the same (Chroma returns ties in a varying order)."""
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    class TieOrdered(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            found = inner.retrieve(query_bundle)
            found.sort(key=lambda n: (-round(n.score or 0.0, 6), n.node.node_id))
            return list(found[:top_k])

    return TieOrdered()


class LlamaIndexHybrid(_RetrieverPipeline):
    """Small chunks, BM25 and Chroma vectors fused by reciprocal rank, top-k 10."""

    name = HYBRID
    top_k = 10
    chunk_size = 256
    chunk_overlap = 32

    def __init__(self, texts: Mapping[str, str], embedder: Any, chroma_dir: Path) -> None:
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ingest.store import HNSW, local_client

        nodes = _chunks(texts, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap)
        self._gold = ChunkGold(texts, nodes)
        client = local_client(chroma_dir)
        # One collection per chunking of these texts, built afresh so a run never reads stale
        # data; exact, repeatable search as in hjemmel's own store (see ingest.store).
        digest = hashlib.sha256("\n".join(n.get_content() for n in nodes).encode()).hexdigest()
        name = f"li-{digest[:16]}"
        if name in {c.name for c in client.list_collections()}:
            client.delete_collection(name)
        collection = client.create_collection(
            name, embedding_function=None, configuration={"hnsw": HNSW}
        )
        store = ChromaVectorStore(chroma_collection=collection)
        storage = StorageContext.from_defaults(vector_store=store)
        index = VectorStoreIndex(
            nodes, storage_context=storage, embed_model=project_embedding(embedder)
        )
        fusion = QueryFusionRetriever(
            [
                # A few more than needed, so a tie at the cut-off is broken by id, not by chance.
                tie_ordered(index.as_retriever(similarity_top_k=self.top_k + 5), self.top_k),
                tie_ordered(norwegian_bm25(nodes, self.top_k + 5), self.top_k),
            ],
            llm=MockLLM(),  # never asked: num_queries=1 generates no extra queries
            mode=FUSION_MODES.RECIPROCAL_RANK,
            similarity_top_k=2 * self.top_k,
            num_queries=1,
            use_async=False,
        )
        # Fused scores tie too (a chunk ranked n by one retriever only): order them by id as well.
        self._retriever = tie_ordered(fusion, self.top_k)


def build(
    name: str, texts: Mapping[str, str], embedder: Any, cache_dir: Path, chroma_dir: Path
) -> Any:
    """A llama-index pipeline by name, with the index's embedder behind the embedding cache;
    the hybrid's Chroma collection lives in `chroma_dir`."""
    from ingest.embed import CachedEmbedder

    cached = CachedEmbedder(embedder, cache_dir)
    if name == HYBRID:
        return LlamaIndexHybrid(texts, cached, chroma_dir)
    return LlamaIndexBaseline(texts, cached)
