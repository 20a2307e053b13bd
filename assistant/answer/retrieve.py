"""Retrieve: the candidate passages of a question from BM25 (Norwegian analysis) and dense vectors.

Each retriever returns its pool (POOL passages); a passage's scores are min-max normalised within
its retriever's pool, its ranks kept, and the best dense cosine reported (the refusal gate reads
it). The question is embedded once, as asked, by the caller (`Assistant.trace`), and the vector is
passed in, so a second pool (within a named source) searches with the same vector; an English
question's glossary translation goes to BM25 (its words are Norwegian legal terms), not into a
second embedding. How long each retriever took is kept with the candidates. Which candidate answers is
not decided here but by the ranker (`assistant.answer.rank`), over every sentence of these
passages. Also here: how a question names a source (`mentioned_documents`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.records import Document, LegalRef, Passage

# Candidates taken from each retriever (the ranker scores every sentence of their union).
POOL = 60
PIPELINES = ("hybrid", "bm25", "dense")
# How people name each type of source, in Norwegian and English: the definite or specific forms
# and phrases only. A bare «rapport», «utkast», «report» or «draft» is an everyday word («skrive
# rapport», «report to the doctor»), not a source.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "rundskriv": ("rundskriv", "rundskrivet", "circular", "the circular"),
    "veileder": ("veilederen", "the guide", "national guide", "the guideline"),
    "høringsutkast": ("høringsutkast", "høringsutkastet", "utkastet", "the draft",
                      "draft advice", "consultation draft"),
    "høringsinnspill": ("høringsinnspill", "høringsinnspillet", "høringssvar", "høringssvaret",
                        "consultation response"),
    "rapport": ("rapporten", "årsrapport", "årsrapporten", "annual report", "the report"),
    "nettside": ("nettsiden", "nettsida", "temaside", "temasiden", "the website", "web page"),
}  # fmt: skip


def source_aliases(doc: Document) -> set[str]:
    """Words that name a document: its type's names and acronyms of its issuer (e.g. NKROP)."""
    names = set(TYPE_ALIASES.get(doc.type, ()))
    names |= {w.lower() for w in re.findall(r"\b[A-ZÆØÅ]{3,}\b", f"{doc.issuer} {doc.title}")}
    return names


# «Helsedirektoratets nettside», «departementenes rundskriv»: an owner's indefinite type noun
# names a source as surely as the definite form does.
_POSSESSED = re.compile(
    r"\b[^\W\d_]{3,}s (nettside|rapport|årsrapport|veileder|høringsutkast|utkast|rundskriv|"
    r"høringsinnspill|innspill|høringssvar)\b"
)
_POSSESSED_TYPE = {
    "nettside": "nettside",
    "rapport": "rapport",
    "årsrapport": "rapport",
    "veileder": "veileder",
    "høringsutkast": "høringsutkast",
    "utkast": "høringsutkast",
    "rundskriv": "rundskriv",
    "høringsinnspill": "høringsinnspill",
    "innspill": "høringsinnspill",
    "høringssvar": "høringsinnspill",
}


def mentioned_documents(question: str, documents: Mapping[str, Document]) -> set[str]:
    """The documents a question names: a word alias, an issuer acronym, a phrase («the draft») or
    an owner's type noun («Helsedirektoratets nettside»)."""
    lowered = " ".join(question.lower().split())
    words = set(re.findall(r"[^\W\d_]+", lowered))
    possessed = {_POSSESSED_TYPE[m] for m in _POSSESSED.findall(lowered)}
    found: set[str] = set()
    for doc_id, doc in documents.items():
        aliases = source_aliases(doc)
        phrases = {a for a in aliases if " " in a}
        if (
            aliases & words
            or doc.type in possessed
            or any(re.search(rf"\b{re.escape(p)}\b", lowered) for p in phrases)
        ):
            found.add(doc_id)
    return found


@dataclass(frozen=True)
class Candidates:
    """The passages BM25 and the dense search found for one question, with their signals."""

    ids: tuple[str, ...]  # the union, BM25's order first, then dense-only ones
    bm25: dict[str, float]  # min-max normalised within BM25's pool (absent: not found)
    dense: dict[str, float]  # the same for the dense pool
    bm25_rank: dict[str, int]
    dense_rank: dict[str, int]
    cosine: dict[str, float]  # the dense similarity itself
    dense_top: float  # the best cosine (0.0 when dense was not run)
    timings_ms: dict[str, float] = field(default_factory=dict)  # «bm25», «dense»


def _normalised(hits: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Min-max normalise one retriever's scores over its candidates to [0, 1]."""
    if not hits:
        return {}
    scores = [s for _, s in hits]
    lo, hi = min(scores), max(scores)
    span = (hi - lo) or 1.0
    return {pid: (s - lo) / span for pid, s in hits}


def candidates(
    index: Any,
    tokens: Mapping[str, float],
    dense: Any,
    pipeline: str = "hybrid",
    documents: Collection[str] | None = None,
) -> Candidates:
    """Pool the passages of `tokens` (BM25) and `dense` (the question's vector, or a text that is
    then embedded), within `documents` (None: every document); `pipeline` «bm25» or «dense» runs
    one retriever alone."""
    if pipeline not in PIPELINES:
        raise ValueError(f"Ukjent pipeline «{pipeline}». Gyldige: {', '.join(PIPELINES)}.")
    pool = POOL if documents is None else 8 * POOL  # a filter needs a deeper pool to fill k
    bm25_hits: list[tuple[str, float]] = []
    dense_hits: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    if pipeline in ("hybrid", "bm25") and tokens:
        bm25_hits = list(index.bm25_search(tokens, pool))
    t1 = time.perf_counter()
    if pipeline in ("hybrid", "dense"):
        dense_hits = list(index.dense_search(dense, pool))
    t2 = time.perf_counter()

    def kept(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
        if documents is None:
            return hits
        return [(pid, s) for pid, s in hits if index.by_id[pid].doc_id in documents]

    bm25_hits, dense_hits = kept(bm25_hits), kept(dense_hits)
    ids = list(dict.fromkeys([pid for pid, _ in bm25_hits] + [pid for pid, _ in dense_hits]))
    return Candidates(
        ids=tuple(pid for pid in ids if pid in index.by_id),
        bm25=_normalised(bm25_hits),
        dense=_normalised(dense_hits),
        bm25_rank={pid: i for i, (pid, _) in enumerate(bm25_hits, start=1)},
        dense_rank={pid: i for i, (pid, _) in enumerate(dense_hits, start=1)},
        cosine=dict(dense_hits),
        dense_top=max((s for _, s in dense_hits), default=0.0),
        timings_ms={"bm25": (t1 - t0) * 1000, "dense": (t2 - t1) * 1000},
    )


def cites_level(passage: Passage, refs: Sequence[LegalRef]) -> int:
    """2: the passage cites an asked provision down to the asked ledd; 1: the provision with
    another or no ledd («§ 37» when «§ 37 syvende ledd» is asked); 0: none."""
    level = 0
    for want in refs:
        for have in passage.refs:
            if have.provision == want.provision and want.law in ("", have.law):
                level = max(level, 2 if want.ledd in (None, have.ledd) else 1)
    return level
