"""Typed records of the answer stage: Turn, Hit, Citation, Answer.

These are what the API returns and what the CLI, the chat page and the evaluation suite consume.
They carry no retrieval or composition logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.records import Document, Passage

ROLES: tuple[str, ...] = ("kriminalomsorgen", "kommunehelse", "spesialisthelse", "jurist", "alle")

# Who a quoted sentence binds: the three services, health personnel as such, or both services
# together («Både kriminalomsorgen og helsetjenesten …»).
ACTOR_LABELS: dict[str, str] = {
    "kriminalomsorgen": "Kriminalomsorgen",
    "kommunehelse": "Kommunal helse- og omsorgstjeneste",
    "spesialisthelse": "Spesialisthelsetjenesten",
    "helsepersonell": "Helsepersonell",
    "felles": "Begge",
    "domstol": "Domstolen",
    "politi": "Politiet",
    "koordinerende_enhet": "Koordinerende enhet",
}

ROLE_LABELS: dict[str, str] = {
    "kriminalomsorgen": "Kriminalomsorgen",
    "kommunehelse": "Kommunal helse- og omsorgstjeneste",
    "spesialisthelse": "Spesialisthelsetjenesten",
    "jurist": "Jurist",
    "alle": "Alle",
}


class UnknownRoleError(ValueError):
    def __init__(self, role: str) -> None:
        super().__init__(f"Ukjent rolle «{role}». Gyldige roller: {', '.join(ROLES)}.")
        self.role = role


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRoleError(role)
    return role


@dataclass(frozen=True)
class Turn:
    """One earlier exchange in a conversation."""

    question: str
    answer: str = ""
    refused: bool = False  # a refused turn never becomes context (assistant.limits)


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the ranks that produced it (None: not found)."""

    passage: Passage
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    cites_asked: bool = False  # it cites a provision the question names (ranked first for that)


@dataclass(frozen=True)
class Citation:
    """A numbered citation: `quote` is always an exact substring of `passage.text`."""

    n: int
    passage: Passage
    document: Document
    quote: str
    verified: bool
    # The actor the quoted sentence binds (a key of ACTOR_LABELS), read off the sentence itself,
    # not its section; "" when it binds no one in particular.
    actor: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "passage_id": self.passage.id,
            "doc_id": self.passage.doc_id,
            "doc_title": self.document.title,
            "doc_type": self.document.type,
            "status": self.document.status,
            "section": self.passage.section,
            "heading": self.passage.heading,
            "page": self.passage.page,
            "quote": self.quote,
            "text": self.passage.text,
            "actor": self.actor,
        }


@dataclass(frozen=True)
class Answer:
    """An answer: Markdown `text` with [n] markers, the citations they point to, and notes."""

    question: str
    role: str
    text: str
    citations: tuple[Citation, ...]
    refused: bool
    notes: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    resolved_question: str = ""
    # The ranking the answer was drawn from (at least RETRIEVED_KEPT passages), best first: for
    # evaluation and for showing what was considered. Not part of the JSON answer.
    retrieved: tuple[Hit, ...] = ()
    # «Mer i kildene»: further passages the retrieval found, shown folded and never part of
    # `citations` (their numbers continue after the answer's own).
    further: tuple[Citation, ...] = ()
    # The legal concepts the question was recognised as being about («taushetsplikt», …).
    topics: tuple[str, ...] = ()
    # False when the sources do not answer the exact point and the answer shows what is nearest.
    direct: bool = True
    language: str = "nb"  # "en" when the frame text is English (quotes stay Norwegian)
    # The short answer line («Ja – … [1].»), "" when the frames do not settle the question.
    short: str = ""

    def to_json(self, item_id: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {} if item_id is None else {"id": item_id}
        data.update(
            {
                "question": self.question,
                "role": self.role,
                "answer": self.text,
                "refused": self.refused,
                "notes": list(self.notes),
                "citations": [c.to_json() for c in self.citations],
                "further": [c.to_json() for c in self.further],
                "topics": list(self.topics),
                "direct": self.direct,
                "short": self.short,
                "language": self.language,
                "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            }
        )
        return data
