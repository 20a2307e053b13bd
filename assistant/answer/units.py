"""Candidate quotes: a sentence (or a whole list item) of a passage, with its score, and the spans
it must be quoted with.

A `Unit` is a span of its passage's text, so every quote is verbatim. `with_antecedent` widens a
sentence that refers back («Dette …», «I slike tilfeller …») to the sentences it leans on in its
passage; `with_continuation` brings the sentence after it when that one leans on it and carries
the legal basis, the scope or the author's verdict («Hjemmelen for dette er …», «Dette unntaket
omfatter …»). It does not choose which units an answer shows (`assistant.answer.select`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.records import Frame
from analysis.sentences import carries_on, leans_back, split_sentences
from ingest.records import Passage


@dataclass(frozen=True)
class Unit:
    """A candidate quote: a span of one passage, its score and the frame it was scored by."""

    passage: Passage
    start: int
    end: int
    score: float
    rank: int  # the passage's place in the ranking (1 = best)
    frame: Frame | None = None
    features: tuple[float, ...] = ()

    @property
    def quote(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def cover(self) -> float:
        return self.score


def list_key(passage: Passage) -> tuple[str, str, str] | None:
    """The list a list item belongs to: its document, section and lead-in; None for other passages.

    Two lists may share a lead-in («Kriminalomsorgen skal» in 5.2.1 and in 5.3.1): the section
    keeps them apart.
    """
    if passage.kind != "list_item" or not passage.context:
        return None
    return passage.doc_id, passage.section, passage.context


def whole(unit: Unit) -> Unit:
    """A footnote is quoted whole (a list item by its sentences, under its lead-in)."""
    if unit.passage.kind == "footnote":
        return replace(unit, start=0, end=len(unit.passage.text))
    return unit


def with_antecedent(unit: Unit) -> Unit:
    """Widen a sentence that refers back to the sentences it leans on, within its passage (a list
    item's first sentence leans on its lead-in, which is shown with it)."""
    if unit.passage.kind == "footnote":
        return whole(unit)
    spans = split_sentences(unit.passage.text)
    i = next((k for k, (s, e) in enumerate(spans) if s <= unit.start < e), 0)
    start = unit.start
    while i > 0 and leans_back(unit.passage.text[spans[i][0] : spans[i][1]]):
        i -= 1
        start = spans[i][0]
    return replace(unit, start=start)


def with_continuation(unit: Unit) -> Unit:
    """Bring the sentence after the unit when it leans on it and carries its basis, scope or
    verdict (`analysis.sentences.carries_on`)."""
    if unit.passage.kind == "footnote":
        return unit
    text = unit.passage.text
    spans = split_sentences(text)
    end = unit.end
    for s, e in spans:
        if s >= end and not text[end:s].strip():
            if carries_on(text[s:e]):
                end = e
            break
    return replace(unit, end=end)


def opens_leaning(unit: Unit) -> bool:
    """True when the unit's first sentence leans back and nothing in its passage precedes it."""
    # A list item leans on its lead-in, which is shown with it; a comment's context is the text it
    # comments on, not what its first sentence refers back to.
    if unit.passage.kind in ("list_item", "footnote"):
        return False
    first = split_sentences(unit.passage.text)[:1]
    if not first or unit.start != first[0][0]:
        return False
    return leans_back(unit.passage.text[first[0][0] : first[0][1]])


def last_sentence(passage: Passage, score: float, rank: int) -> Unit:
    spans = split_sentences(passage.text) or [(0, len(passage.text))]
    return with_antecedent(Unit(passage, spans[-1][0], spans[-1][1], score, rank))
