"""hjemmel from llama-index: a retriever, a response synthesizer and a query engine (public API).

    from llama_index.core.query_engine import RetrieverQueryEngine
    from assistant.llamaindex import HjemmelRetriever, HjemmelSynthesizer

    retriever = HjemmelRetriever.load(role="kriminalomsorgen")  # the index in HJEMMEL_HOME
    engine = RetrieverQueryEngine(retriever, HjemmelSynthesizer(retriever))
    print(engine.query("Må vi varsle lege ved utelukkelse?"))

- `HjemmelRetriever` is a llama-index `BaseRetriever`: hjemmel's Norwegian retrieval (BM25 with
  Norwegian analysis, one e5 vector, the concept layer, the learned sentence ranker, the asker's
  role and the conversation) returns `NodeWithScore`s, one per passage, best first. Each node's
  id is the passage id («rundskriv:7.1.2:1»), its text the passage's exact source text, and its
  metadata what a citation needs (`NODE_METADATA`): document, status, section, the place as a
  reference names it, page (only where the source has one), roles, the lead-in, the formal
  reference and `quote`, the text that may be quoted verbatim. Use it in any llama-index query
  engine, router or agent, or under llama-index's own evaluators.
- `HjemmelSynthesizer` is a `BaseSynthesizer` whose response is hjemmel's cited answer: it asks
  hjemmel (`Assistant.ask`, no LLM) with the retriever's role, conversation and document filter,
  and returns a `Response` with the answer's Markdown text, the cited passages as `source_nodes`
  in marker order ([1], [2] …; `metadata["quote"]` is the quoted span) and
  `metadata["answer"]`, the whole `Answer.to_json()` (refused, notes, short line, «Mer i kildene»).
  hjemmel chooses its quotes from its own ranking of sentences, so the nodes handed to it are not
  re-read: a synthesizer that needs an LLM belongs to llama-index, and takes these same nodes.
- `hjemmel_query_engine(...)` builds that `RetrieverQueryEngine` in one call.

It deliberately adds no retrieval or answer logic of its own: everything comes from
`assistant.api.Assistant`. Bad input (an unknown role or document, a top-k below 1) raises a
`ValueError` with a Norwegian message naming what was wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from llama_index.core.base.response.schema import RESPONSE_TYPE, Response
from llama_index.core.callbacks import CallbackManager
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers import BaseSynthesizer
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, QueryType, TextNode

from assistant.api import Assistant
from assistant.legal.cite import formal_reference, section_place
from assistant.records import Answer, Citation, Hit, Turn, check_role
from assistant.settings import Settings
from ingest.records import STATUS_LABELS, Document, Passage

__all__ = [
    "NODE_METADATA",
    "HjemmelRetriever",
    "HjemmelSynthesizer",
    "hjemmel_query_engine",
    "passage_node",
]

DEFAULT_TOP_K = 10
# The metadata every node carries (values are flat: str, int or None, as vector stores want).
NODE_METADATA = (
    "doc_id", "document", "doc_title", "doc_type", "status", "status_label", "section", "place",
    "heading", "page", "kind", "roles", "context", "reference", "quote",
)  # fmt: skip
# What an LLM reading a node sees beside its text: which source, how binding, where, the lead-in.
_FOR_LLM = ("document", "status_label", "place", "context")
_HIDDEN = tuple(k for k in NODE_METADATA if k not in _FOR_LLM)


def passage_node(passage: Passage, document: Document, index: Any, quote: str = "") -> TextNode:
    """A llama-index node for one passage: id and text exactly the passage's, citation metadata.

    `quote` is the span to quote (a citation's); the whole passage text when not given."""
    place = section_place(document, passage)
    metadata: dict[str, Any] = {
        "doc_id": document.id,
        "document": document.display_title,
        "doc_title": document.title,
        "doc_type": document.type,
        "status": document.status,
        "status_label": STATUS_LABELS.get(document.status, document.status),
        "section": passage.section,
        "place": place,
        "heading": passage.heading,
        "page": passage.page,
        "kind": passage.kind,
        "roles": ",".join(passage.roles),
        "context": passage.context,
        "reference": formal_reference(document, passage, index),
        "quote": quote or passage.text,
    }
    return TextNode(
        id_=passage.id,
        text=passage.text,
        metadata=metadata,
        excluded_llm_metadata_keys=list(_HIDDEN),
        excluded_embed_metadata_keys=list(NODE_METADATA),
    )


def _check_documents(documents: Collection[str] | None, known: Collection[str]) -> None:
    if documents is None:
        return
    unknown = sorted(set(documents) - set(known))
    if unknown:
        raise ValueError(
            f"Ukjent dokument: {', '.join(unknown)}. Kjente dokumenter: {', '.join(sorted(known))}."
        )


class HjemmelRetriever(BaseRetriever):
    """hjemmel's retrieval as a llama-index retriever: passages as `NodeWithScore`, best first."""

    def __init__(
        self,
        assistant: Assistant,
        role: str = "alle",
        history: Sequence[Turn] = (),
        similarity_top_k: int = DEFAULT_TOP_K,
        documents: Collection[str] | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        check_role(role)  # UnknownRoleError (a ValueError) names the valid roles
        if similarity_top_k < 1:
            raise ValueError(f"similarity_top_k må være minst 1 (fikk {similarity_top_k}).")
        _check_documents(documents, assistant.index.documents)
        self.assistant = assistant
        self.role = role
        self.history = tuple(history)
        self.similarity_top_k = similarity_top_k
        self.documents = None if documents is None else frozenset(documents)
        super().__init__(callback_manager=callback_manager)

    @classmethod
    def load(cls, settings: Settings | None = None, **kwargs: Any) -> HjemmelRetriever:
        """Open the index (settings from HJEMMEL_* and hjemmel.toml when not given)."""
        return cls(Assistant.load(settings), **kwargs)

    def node(self, hit: Hit) -> NodeWithScore:
        index = self.assistant.index
        passage = hit.passage
        return NodeWithScore(
            node=passage_node(passage, index.documents[passage.doc_id], index), score=hit.score
        )

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = query_bundle.query_str
        if not question.strip():
            return []
        hits = self.assistant.retrieve(
            question,
            role=self.role,
            history=self.history,
            k=self.similarity_top_k,
            documents=self.documents,
        )
        return [self.node(h) for h in hits]


class HjemmelSynthesizer(BaseSynthesizer):
    """A response synthesizer whose response is hjemmel's cited answer (no LLM)."""

    def __init__(self, retriever: HjemmelRetriever) -> None:
        # MockLLM: the base class wants an LLM and would otherwise resolve llama-index's default
        # (OpenAI), which this offline tool never calls.
        super().__init__(llm=MockLLM(), callback_manager=retriever.callback_manager)
        self.retriever = retriever

    def _get_prompts(self) -> dict[str, Any]:
        return {}

    def _update_prompts(self, prompts: dict[str, Any]) -> None:
        return None

    def answer(self, question: str) -> Answer:
        r = self.retriever
        return r.assistant.ask(question, role=r.role, history=r.history, documents=r.documents)

    def response(self, answer: Answer, retrieved: Sequence[NodeWithScore] = ()) -> Response:
        """The llama-index Response of an answer: text, cited passages, the answer as JSON."""
        scores = {n.node.node_id: n.score for n in retrieved}
        sources = [self._cited(c, scores.get(c.passage.id)) for c in answer.citations]
        metadata: dict[str, Any] = {n.node.node_id: n.node.metadata for n in sources}
        metadata["answer"] = answer.to_json()
        return Response(answer.text, source_nodes=sources, metadata=metadata)

    def _cited(self, citation: Citation, score: float | None) -> NodeWithScore:
        index = self.retriever.assistant.index
        node = passage_node(citation.passage, citation.document, index, quote=citation.quote)
        node.metadata["n"] = citation.n
        node.metadata["actor"] = citation.actor
        return NodeWithScore(node=node, score=score)

    def get_response(self, query_str: str, text_chunks: Sequence[str], **kwargs: Any) -> str:
        return self.answer(query_str).text

    async def aget_response(self, query_str: str, text_chunks: Sequence[str], **kwargs: Any) -> str:
        return self.get_response(query_str, text_chunks)

    def synthesize(
        self,
        query: QueryType,
        nodes: list[NodeWithScore],
        additional_source_nodes: Sequence[NodeWithScore] | None = None,
        **response_kwargs: Any,
    ) -> RESPONSE_TYPE:
        question = query if isinstance(query, str) else str(getattr(query, "query_str", query))
        return self.response(self.answer(question), nodes)

    async def asynthesize(
        self,
        query: QueryType,
        nodes: list[NodeWithScore],
        additional_source_nodes: Sequence[NodeWithScore] | None = None,
        **response_kwargs: Any,
    ) -> RESPONSE_TYPE:
        return self.synthesize(query, nodes, additional_source_nodes)


def hjemmel_query_engine(
    assistant: Assistant | None = None, settings: Settings | None = None, **kwargs: Any
) -> RetrieverQueryEngine:
    """A `RetrieverQueryEngine` over `HjemmelRetriever` answering with `HjemmelSynthesizer`;
    `kwargs` go to the retriever (role, history, similarity_top_k, documents)."""
    retriever = HjemmelRetriever(assistant or Assistant.load(settings), **kwargs)
    return RetrieverQueryEngine(retriever, HjemmelSynthesizer(retriever))
