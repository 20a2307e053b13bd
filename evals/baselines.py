"""The pipelines an evaluation run scores, behind one small interface: gold ids + one outcome.

- `AssistantPipeline`: the product through its public API (`Assistant.ask`) with
  `pipeline="hybrid"` (reported as «hjemmel»), `"bm25"` or `"dense"`; its outcome carries the
  answer-level facts (`evals.answers`).
- the llama-index peers live in `evals.llamaindex`.

Each pipeline turns a question into an `Outcome` (ranked units, answer text, cited units, quote
checks, latency, answer facts). It deliberately does not score anything: `evals.metrics` and the
runner do.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from evals.answers import AnswerFacts, answer_facts
from evals.metrics import find_normalised, normalize_with_offsets

if TYPE_CHECKING:
    from assistant.api import Assistant
    from assistant.records import Answer, Turn
    from ingest.records import Passage

# Public pipeline name -> the assistant's internal retrieval mode.
ASSISTANT_MODES: dict[str, str] = {"hjemmel": "hybrid", "bm25": "bm25", "dense": "dense"}
LLAMAINDEX = ("llamaindex_default", "llamaindex_hybrid", "llamaindex_hybrid_short")
PIPELINES: tuple[str, ...] = (*ASSISTANT_MODES, *LLAMAINDEX)
# What each pipeline is, in reports.
PIPELINE_LABELS: dict[str, str] = {
    "hjemmel": "hjemmel (hybrid)",
    "bm25": "hjemmel, bare BM25",
    "dense": "hjemmel, bare vektorer",
    "llamaindex_default": "llama-index, defaults (top-k 2)",
    "llamaindex_hybrid": "llama-index, 256 tokens, BM25 + vektorer (RRF), top-k 10, avviser, "
    "samtale, statusprior",
    "llamaindex_hybrid_short": "llama-index som llamaindex_hybrid, biter like lange som hjemmels "
    "avsnitt (102 tokens)",
}
RETRIEVE_K = 10  # hit@10 and nDCG@10 read this much of `Answer.retrieved`


@dataclass(frozen=True)
class GoldRef:
    """One piece of gold evidence from the suite: an exact quote, optionally located, or a passage
    id (`passage`; the runner turns it into that passage's text before scoring)."""

    quote: str
    doc: str | None = None
    section: str | None = None
    passage: str | None = None


@dataclass(frozen=True)
class Unit:
    """A retrieved or cited unit: a corpus passage, or a llama-index chunk."""

    id: str
    doc_id: str
    section: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What a pipeline did with one question. `quotes` is (verified, total) or None (no quotes)."""

    ranked: tuple[Unit, ...]
    answer_text: str
    refused: bool
    cited: tuple[Unit, ...]
    quotes: tuple[int, int] | None
    latency_ms: float
    facts: AnswerFacts | None = None  # None: the pipeline makes no answers (retrieval only)


class EvalPipeline(Protocol):
    name: str

    def gold_ids(self, gold: Sequence[GoldRef]) -> tuple[frozenset[str], tuple[str, ...]]:
        """(ids of units holding gold evidence, quotes that matched no unit)."""
        ...

    def run(self, question: str, role: str, history: Sequence[str]) -> Outcome: ...

    def settings(self) -> dict[str, str]:
        """What the pipeline is, for the report's «Grunnlinjer»: units, retrieval, refusal,
        conversation, status prior (Norwegian labels and values)."""
        ...


class PassageGold:
    """Gold passages: those overlapping an occurrence of a gold quote in their document's text.

    Matching is on whitespace-collapsed, case-folded text, mapped back to character spans, so a
    quote spanning two passages marks both. A gold section narrows the matches when it can
    (a repeated phrase), and is ignored when nothing matches in it (sections may be renumbered).
    """

    def __init__(self, passages: Sequence[Passage], texts: Mapping[str, str]) -> None:
        self._by_doc: dict[str, list[Passage]] = {}
        for p in passages:
            self._by_doc.setdefault(p.doc_id, []).append(p)
        self._norm = {doc: normalize_with_offsets(text) for doc, text in texts.items()}
        # The three assistant pipelines ask for the same item's gold: resolve it once.
        self._memo: dict[tuple[GoldRef, ...], tuple[frozenset[str], tuple[str, ...]]] = {}

    def match(self, ref: GoldRef) -> list[Passage]:
        docs = [ref.doc] if ref.doc in self._norm else sorted(self._norm)
        found: list[Passage] = []
        for doc in docs:
            # A passage is its document's text[start:end], so a quote inside it overlaps its span.
            spans = find_normalised(self._norm[doc], ref.quote)
            found.extend(
                p
                for p in self._by_doc.get(doc, [])
                if any(p.start < e and s < p.end for s, e in spans)
            )
        if ref.section:
            narrowed = [
                p
                for p in found
                if p.section == ref.section or p.section.startswith(ref.section + ".")
            ]
            found = narrowed or found
        return found

    def ids(self, gold: Sequence[GoldRef]) -> tuple[frozenset[str], tuple[str, ...]]:
        key = tuple(gold)
        if key not in self._memo:
            ids: set[str] = set()
            missing: list[str] = []
            for ref in gold:
                matched = self.match(ref)
                if not matched:
                    missing.append(ref.quote)
                ids.update(p.id for p in matched)
            self._memo[key] = (frozenset(ids), tuple(missing))
        return self._memo[key]


def _unit(p: Passage) -> Unit:
    return Unit(id=p.id, doc_id=p.doc_id, section=p.section, text=p.text)


def verify_quotes(answer: Answer, texts: Mapping[str, str]) -> tuple[int, int]:
    """(verified, total) citations: quote verbatim in its passage, passage verbatim at its span."""
    ok = 0
    for c in answer.citations:
        p = c.passage
        in_passage = bool(c.quote) and c.quote in p.text
        at_span = texts.get(p.doc_id, "")[p.start : p.end] == p.text
        ok += in_passage and at_span
    return ok, len(answer.citations)


class AssistantPipeline:
    """The assistant's public API in one retrieval mode; history is asked through the same mode."""

    def __init__(self, name: str, assistant: Assistant, gold: PassageGold) -> None:
        self.name = name
        self._assistant = assistant
        self._mode = ASSISTANT_MODES[name]
        self._gold = gold

    def gold_ids(self, gold: Sequence[GoldRef]) -> tuple[frozenset[str], tuple[str, ...]]:
        return self._gold.ids(gold)

    def settings(self) -> dict[str, str]:
        passages = self._assistant.index.passages
        chars = sum(len(p.text) for p in passages) / len(passages) if passages else 0.0
        signals = {"hybrid": "BM25 + vektorer", "bm25": "bare BM25", "dense": "bare vektorer"}
        return {
            "enheter": f"avsnitt: {len(passages)}, snitt {chars:.0f} tegn",
            "henting": f"{signals[self._mode]}, setninger rangert av den lærte rangereren, "
            f"topp {RETRIEVE_K} avsnitt",
            "avvisning": "bevisporten (assistant/answer/evidence.py; satt på core og heldout)",
            "samtale": "tidligere spørsmål når spørsmålet er en oppfølging (ordvekt 0.3)",
            "statusprior": "lært av rangereren (trekk for gjeldende, utkast, innspill …), ikke "
            "for en kilde spørsmålet nevner",
        }

    def _history(self, role: str, questions: Sequence[str]) -> tuple[Turn, ...]:
        from assistant.records import Turn

        turns: list[Turn] = []
        for q in questions:
            earlier = self._assistant.ask(q, role=role, history=tuple(turns), pipeline=self._mode)
            turns.append(Turn(q, earlier.text, refused=earlier.refused))
        return tuple(turns)

    def run(self, question: str, role: str, history: Sequence[str]) -> Outcome:
        a = self._assistant
        turns = self._history(role, history)
        started = time.perf_counter()
        answer = a.ask(question, role=role, history=turns, pipeline=self._mode)
        latency = (time.perf_counter() - started) * 1000
        return Outcome(
            ranked=tuple(_unit(h.passage) for h in answer.retrieved[:RETRIEVE_K]),
            answer_text=answer.text,
            refused=answer.refused,
            cited=tuple(_unit(c.passage) for c in answer.citations),
            quotes=verify_quotes(answer, a.index.texts),
            latency_ms=latency,
            facts=answer_facts(answer),
        )
