"""Candidate quotes: a passage cut into units (list items whole, paragraphs by sentence), scored
against the question, and widened to what they lean on.

A unit's score is question-token coverage (idf-weighted; synonyms and conversation context count
less) × a prior from the passage's retrieval score, damped for long sentences, with small priors for
a paragraph's first sentence and a sentence citing a provision. `with_antecedent` widens a sentence
that refers back («Dette …», «I slike tilfeller …») to the sentences it leans on in its passage.
Every unit is a span of its passage's text, so every quote is verbatim. It does not choose which
units an answer shows (`assistant.answer.select`) or write text (`assistant.answer.render`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from analysis.concepts import other_situation
from analysis.sentences import leans_back, split_sentences
from analysis.shape import Shape, has_shape
from assistant.records import Hit
from ingest.records import Passage

CANDIDATE_PASSAGES = 8
# A passage's prior is (its retrieval score / the best) ** SCORE_POWER; passages under
# RETRIEVAL_CUTOFF of the best are not quoted. A follow-up's new aspect («under 18 år?») may sit
# in a passage the conversation ranks lower, so follow-ups use a flatter prior and lower cut-off.
SCORE_POWER, RETRIEVAL_CUTOFF = 8.0, 0.5
# A sentence that states a rule decides more than one that explains it: the first sentence of a
# paragraph and a sentence citing a provision get a small prior.
FIRST_SENTENCE_PRIOR = 1.15
PROVISION_PRIOR = 1.1
FOLLOW_UP_POWER, FOLLOW_UP_CUTOFF = 0.5, 0.3
# A unit holding the kind of answer the question asks for («hvor ofte» → «én gang per time»)
# covers the asking words and gets this prior (`analysis.shape`).
SHAPE_PRIOR = 1.5
# A list item whose lead-in sets a circumstance the question does not ask about («Ved utelukkelse
# skal kriminalomsorgen:» to a question about an inmate who will not eat) states a rule for
# another situation: its score is damped (`analysis.concepts.SITUATIONS`).
SITUATION_PENALTY = 0.8


@dataclass(frozen=True)
class Unit:
    """A candidate quote: a span of one passage with its score."""

    passage: Passage
    start: int
    end: int
    score: float
    rank: int
    cover: float = 0.0  # the score without the retrieval prior: how well it matches the question

    @property
    def quote(self) -> str:
        return self.passage.text[self.start : self.end]


def units_of(passage: Passage) -> list[tuple[int, int]]:
    if passage.kind in ("list_item", "footnote"):
        return [(0, len(passage.text))]
    return split_sentences(passage.text)


def score_units(
    hits: Sequence[Hit],
    focus: Sequence[str],
    context: Sequence[str],
    analyze: Callable[[str], list[str]],
    idf: Callable[[str], float],
    follow_up: bool = False,
    synonyms: dict[str, float] | None = None,
    shape: tuple[Shape, Sequence[str]] | None = None,
    asked: tuple[str, ...] | None = None,
    aspect: tuple[Sequence[str], frozenset[str]] | None = None,
) -> list[Unit]:
    """Score every unit of the top passages: question-token coverage × a retrieval-score prior.

    `shape` is the kind of answer asked for and the asking words' tokens (`analysis.shape`);
    `asked` the concepts recognised in the question and its context (None: concept layer off);
    `aspect` a follow-up's new words and the conversation's concepts: in a passage tagged with one
    of those concepts the new words weigh as asked words.
    """
    focus_w = {t: w * idf(t) for t, w in (synonyms or {}).items()}
    focus_w.update({t: idf(t) for t in set(focus)})
    context_w = {t: 0.4 * idf(t) for t in set(context) if t not in focus_w}
    total = sum(focus_w.values()) or 1.0
    on_topic_w = {**focus_w, **{t: idf(t) for t in aspect[0]}} if aspect else focus_w
    units: list[Unit] = []
    # The best score, not the first hit's: a passage citing a provision the question names is
    # ranked first whatever its score, and gets a full prior of its own.
    top = max((h.score for h in hits[:CANDIDATE_PASSAGES]), default=0.0)
    cutoff, power = (
        (FOLLOW_UP_CUTOFF, FOLLOW_UP_POWER) if follow_up else (RETRIEVAL_CUTOFF, SCORE_POWER)
    )
    kept = [h for h in hits[:CANDIDATE_PASSAGES] if h.cites_asked or h.score >= cutoff * top]
    for rank, hit in enumerate(kept, start=1):
        passage = hit.passage
        rank_prior = 1.0 if hit.cites_asked or top <= 0 else (hit.score / top) ** power
        ptoks = set(analyze(passage.context)) if passage.context else set()
        weights = on_topic_w if aspect and aspect[1] & set(passage.concepts) else focus_w
        elsewhere = (
            asked is not None
            and passage.kind == "list_item"
            and other_situation(passage.context, asked)
        )
        for i, (s, e) in enumerate(units_of(passage)):
            toks = set(analyze(passage.text[s:e])) | ptoks
            cover = sum(w for t, w in weights.items() if t in toks)
            cover += sum(w for t, w in context_w.items() if t in toks)
            shaped = shape is not None and has_shape(passage.text[s:e], shape[0])
            if shaped and shape is not None:
                cover += sum(focus_w.get(t, 0.0) for t in set(shape[1]) if t not in toks)
            # Long sentences cover more words by chance; damp by length.
            length_pen = 1.0 / math.sqrt(max(1.0, len(toks) / 12.0))
            score = (0.15 + cover / total) * rank_prior * length_pen
            if i == 0:
                score *= FIRST_SENTENCE_PRIOR
            if "§" in passage.text[s:e]:
                score *= PROVISION_PRIOR
            if shaped:
                score *= SHAPE_PRIOR
            if elsewhere:
                score *= SITUATION_PENALTY
            units.append(Unit(passage, s, e, score, rank, score / rank_prior if rank_prior else 0))
    return units


def list_key(passage: Passage) -> tuple[str, str, str] | None:
    """The list a list item belongs to: its document, section and lead-in; None for other passages.

    Two lists may share a lead-in («Kriminalomsorgen skal» in 5.2.1 and in 5.3.1): the section
    keeps them apart.
    """
    if passage.kind != "list_item" or not passage.context:
        return None
    return passage.doc_id, passage.section, passage.context


def with_antecedent(unit: Unit) -> Unit:
    """Widen a sentence that refers back to the sentences it leans on, within its passage."""
    if unit.passage.kind in ("list_item", "footnote"):
        return unit
    spans = split_sentences(unit.passage.text)
    i = next((k for k, (s, e) in enumerate(spans) if s <= unit.start < e), 0)
    start = unit.start
    while i > 0 and leans_back(unit.passage.text[spans[i][0] : spans[i][1]]):
        i -= 1
        start = spans[i][0]
    return replace(unit, start=start)


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
