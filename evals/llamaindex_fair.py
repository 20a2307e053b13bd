"""What makes the llama-index hybrid peer a fair comparison: refusal, the conversation, a status prior.

- **Refusal**: the peer refuses when its best dense hit is below a similarity cutoff, checked with
  llama-index's own `SimilarityPostprocessor` on the vector retriever's nodes. The cutoffs are
  fitted on the core suite only (`fit_cutoff`, run by `python -m evals.peer_fit`), as hjemmel's
  refusal gate was, and never on another suite.
- **Conversation**: a follow-up is retrieved with the conversation's earlier questions before it
  (`conversation_query`), the way hjemmel reads a follow-up in the light of its conversation.
- **Status prior**: `StatusPrior`, a llama-index node postprocessor, multiplies a fused score by the
  prior of its document's status (the table hjemmel's retrieval used before its ranker learnt status
  weights, commit e9a7f08), unless the question names that document (hjemmel's own rule,
  `assistant.answer.retrieve.mentioned_documents`).

It deliberately holds no retriever: `evals.llamaindex` builds the peers and calls these.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.records import Document

# Best dense cosine below which a peer refuses, one per chunking (a chunk's length moves its
# cosines). Fitted on core only by `python -m evals.peer_fit` (the cutoff with the best refusal F1
# over core's 157 questions, midway between two neighbouring cosines) and never on another suite.
# On core (2026-11-24): 256-token chunks refuse 12 of the 14 to refuse and 30 of 143 answerable
# (F1 0.429, precision 0.286, recall 0.857); 102-token chunks 14 of 14 and 27 of 143 (F1 0.509,
# precision 0.341, recall 1.000). A dense cosine alone separates poorly: off-topic questions
# («Skriv et dikt …») reach 0.82–0.84 and many English questions on the sources stay below 0.85.
HYBRID_CUTOFF = 0.8715
HYBRID_SHORT_CUTOFF = 0.8741
# hjemmel's status prior as its retrieval applied it (commit e9a7f08, measured on core and held-out)
# before the learned ranker took status as features: the rule before a draft, an opinion, an
# information page or a historical report.
STATUS_PRIOR: dict[str, float] = {
    "innspill": 0.6,
    "utkast": 0.8,
    "informasjon": 0.8,
    "historisk": 0.8,
}


def conversation_query(question: str, history: Sequence[str]) -> str:
    """The text a follow-up is retrieved with: the earlier questions, then the last one."""
    return " ".join([*(h.strip() for h in history if h.strip()), question.strip()])


def chroma_score(cosine: float) -> float:
    """llama-index's Chroma store reports a hit's score as exp(−cosine distance): the score a
    cosine has there, so a cutoff stated as a cosine can be handed to `SimilarityPostprocessor`."""
    return math.exp(cosine - 1.0)


def chroma_cosine(score: float) -> float:
    """The cosine behind a Chroma store's score (the inverse of `chroma_score`)."""
    return 1.0 + math.log(score) if score > 0 else -1.0


def refuses(dense_nodes: Sequence[Any], cosine_cutoff: float | None) -> bool:
    """True when no dense node reaches the cutoff (`SimilarityPostprocessor` keeps none of them);
    never with no cutoff."""
    if cosine_cutoff is None:
        return False
    from llama_index.core.postprocessor import SimilarityPostprocessor

    keep = SimilarityPostprocessor(similarity_cutoff=chroma_score(cosine_cutoff))
    return not keep.postprocess_nodes(list(dense_nodes))


def refusal_f1(tops: Sequence[float], expected: Sequence[bool], cutoff: float) -> float:
    """F1 of «refuse when the best cosine is below `cutoff`» against the expected refusals."""
    hits = sum(1 for t, e in zip(tops, expected, strict=True) if e and t < cutoff)
    refused = sum(1 for t in tops if t < cutoff)
    wanted = sum(expected)
    return 2 * hits / (refused + wanted) if refused + wanted else 0.0


def fit_cutoff(tops: Sequence[float], expected: Sequence[bool]) -> tuple[float, float]:
    """(cutoff, F1): the cutoff with the best refusal F1, midway between two neighbouring best
    cosines (the lowest such cutoff when several tie, so fewer answerable questions are refused)."""
    values = sorted(set(tops))
    candidates = [values[0] - 1e-3] + [(a + b) / 2 for a, b in itertools.pairwise(values)]
    candidates.append(values[-1] + 1e-3)
    best = max(candidates, key=lambda c: (refusal_f1(tops, expected, c), -c))
    return round(best, 4), round(refusal_f1(tops, expected, best), 4)


def status_prior(documents: Mapping[str, Document]) -> Any:
    """A llama-index node postprocessor: each node's score times its document's status prior
    (`STATUS_PRIOR`, 1.0 for a binding source), unless the query names the document; reordered
    best first, ties by node id."""
    from llama_index.core.bridge.pydantic import PrivateAttr
    from llama_index.core.postprocessor.types import BaseNodePostprocessor
    from llama_index.core.schema import NodeWithScore, QueryBundle

    from assistant.answer.retrieve import mentioned_documents

    class StatusPrior(BaseNodePostprocessor):
        _documents: dict[str, Document] = PrivateAttr()

        def __init__(self) -> None:
            super().__init__()
            self._documents = dict(documents)

        @classmethod
        def class_name(cls) -> str:
            return "StatusPrior"

        def _postprocess_nodes(
            self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
        ) -> list[NodeWithScore]:
            query = query_bundle.query_str if query_bundle else ""
            named = mentioned_documents(query, self._documents) if query else set()
            out = []
            for n in nodes:
                doc_id = n.node.metadata.get("doc_id", "")
                doc = self._documents.get(doc_id)
                factor = (
                    1.0 if doc is None or doc_id in named else STATUS_PRIOR.get(doc.status, 1.0)
                )
                out.append(NodeWithScore(node=n.node, score=(n.score or 0.0) * factor))
            out.sort(key=lambda n: (-round(n.score or 0.0, 9), n.node.node_id))
            return out

    return StatusPrior()
