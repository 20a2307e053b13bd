"""The llama-index hybrid peers: BM25 and Chroma vectors fused by reciprocal rank, made fair.

`LlamaIndexHybrid` is what a competent engineer builds in an afternoon (`SentenceSplitter` of 256
tokens with 32 overlapping, a `VectorStoreIndex` over a Chroma collection on disk, BM25 over the
same chunks with the project's Norwegian analysis, `QueryFusionRetriever` in reciprocal-rank mode,
top-k 10), given what hjemmel has (`evals.llamaindex_fair`): the conversation's earlier questions,
hjemmel's status prior on the fused scores, and a refusal when the best dense hit is below a cutoff
fitted on core. `LlamaIndexHybridShort` is the same with chunks as long as hjemmel's passages, so
hit@5 compares about as much text. Each retriever's ties are broken by chunk id, so runs repeat
exactly. Shared parts (gold on chunks, the embedding adapter, chunking) are in `evals.llamaindex`.

BM25 is `bm25s` (the library llama-index's `BM25Retriever` is built on) behind a small llama-index
retriever: llama-index-retrievers-bm25 pins PyStemmer < 3, which would change the project's stemmer.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from evals import llamaindex_fair as fair
from evals.baselines import Outcome
from evals.llamaindex import (
    HYBRID,
    HYBRID_SHORT,
    ChunkGold,
    _chunks,
    _RetrieverPipeline,
    mean_chars,
    project_embedding,
)

if TYPE_CHECKING:
    from ingest.records import Document


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


def recorded(inner: Any) -> Any:
    """`inner` as a retriever that keeps its last results (`.last`): the fusion retriever asks it,
    and the refusal check reads its best dense hit without embedding the query twice."""
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    class Recorded(BaseRetriever):
        def __init__(self) -> None:
            super().__init__()
            self.last: list[NodeWithScore] = []

        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            found = inner.retrieve(query_bundle)
            # Copies: reciprocal-rank fusion overwrites the scores of the nodes it is given.
            self.last = [NodeWithScore(node=n.node, score=n.score) for n in found]
            return list(found)

    return Recorded()


class LlamaIndexHybrid(_RetrieverPipeline):
    """Small chunks, BM25 and Chroma vectors fused by reciprocal rank, top-k 10; the conversation's
    earlier questions in the query, hjemmel's status prior on the fused scores, and a refusal when
    the best dense hit is below a cutoff fitted on core (`evals.llamaindex_fair`)."""

    name = HYBRID
    top_k = 10
    chunk_size = 256
    chunk_overlap = 32
    cutoff: float | None = fair.HYBRID_CUTOFF

    def __init__(
        self,
        texts: Mapping[str, str],
        embedder: Any,
        chroma_dir: Path,
        documents: Mapping[str, Document] | None = None,
        cutoff: float | Literal["fitted"] | None = "fitted",
    ) -> None:
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ingest.store import HNSW, local_client

        if cutoff != "fitted":
            self.cutoff = cutoff
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
        # A few more than needed, so a tie at the cut-off is broken by id, not by chance.
        dense = tie_ordered(index.as_retriever(similarity_top_k=self.top_k + 5), self.top_k)
        self._dense = recorded(dense)
        self._fusion = QueryFusionRetriever(
            [self._dense, tie_ordered(norwegian_bm25(nodes, self.top_k + 5), self.top_k)],
            llm=MockLLM(),  # never asked: num_queries=1 generates no extra queries
            mode=FUSION_MODES.RECIPROCAL_RANK,
            similarity_top_k=2 * self.top_k,
            num_queries=1,
            use_async=False,
        )
        # No documents (a unit test over bare texts): every chunk counts as binding.
        self._prior = fair.status_prior(documents or {})

    def settings(self) -> dict[str, str]:
        cutoff = "ingen" if self.cutoff is None else f"beste vektorlikhet (cosinus) < {self.cutoff}"
        return {
            "enheter": f"SentenceSplitter(chunk_size={self.chunk_size}, "
            f"chunk_overlap={self.chunk_overlap}): {len(self.chunks)} biter, "
            f"snitt {mean_chars(self.chunks):.0f} tegn",
            "henting": f"BM25 (norsk analyse) + vektorer i Chroma, QueryFusionRetriever "
            f"(reciprocal rank), topp {self.top_k}",
            "avvisning": f"{cutoff} (SimilarityPostprocessor; satt på core, beste F1 for "
            "avvisning)",
            "samtale": "tidligere spørsmål foran det siste i søket",
            "statusprior": "poeng × "
            + ", ".join(f"{s} {v}" for s, v in fair.STATUS_PRIOR.items())
            + " (hjemmels tabell før rangereren), ikke for en kilde spørsmålet nevner",
        }

    def dense_top(self) -> float | None:
        """The best dense cosine of the last query (None when the vector retriever found none)."""
        last = self._dense.last
        return fair.chroma_cosine(last[0].score or 0.0) if last else None

    def run(self, question: str, role: str, history: Sequence[str]) -> Outcome:
        from llama_index.core.schema import QueryBundle

        started = time.perf_counter()
        bundle = QueryBundle(fair.conversation_query(question, history))
        fused = self._fusion.retrieve(bundle)
        # Fused scores tie (a chunk ranked n by one retriever only): the prior orders them by id.
        found = self._prior.postprocess_nodes(fused, query_bundle=bundle)[: self.top_k]
        refused = fair.refuses(self._dense.last[:1], self.cutoff)
        latency = (time.perf_counter() - started) * 1000
        units = tuple(self.chunks[n.node.node_id] for n in found)
        # Like hjemmel, a refusal keeps its ranking (hit@k still reads it) but shows no text.
        return Outcome(
            ranked=units,
            answer_text="" if refused else "\n\n".join(u.text for u in units),
            refused=refused,
            cited=() if refused else units,
            quotes=None,
            latency_ms=latency,
        )


class LlamaIndexHybridShort(LlamaIndexHybrid):
    """`LlamaIndexHybrid` with chunks as long as hjemmel's passages on average (measured on the
    bundled corpus: 102 tokens with 12 overlapping give 362 chunks of 211.6 characters against 327
    passages of 212.0), so hit@5 compares about as much text; its own cutoff, fitted the same way."""

    name = HYBRID_SHORT
    chunk_size = 102
    chunk_overlap = 12
    cutoff = fair.HYBRID_SHORT_CUTOFF
