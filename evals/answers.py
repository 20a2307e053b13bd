"""Answer-level facts for the evaluation: what an answer shows, read off the `Answer` record.

For one answer: its length in words (the text as shown, without «Mer i kildene», which is not in
`Answer.text`), its citations as (passage id, quote, actor), and its back-reference violations:
quoted sentences that refer back («Dette …», «I slike tilfeller …») to a sentence the answer does
not show. A leaning sentence is fine when the sentence before it in the same passage is shown too
(in any citation of that passage), or when it opens its passage and the passage's lead-in
(`Passage.context`) is shown in the answer text, or the preceding paragraph's last sentence is. It deliberately scores nothing against gold:
`evals.runner` and `evals.metrics` do that with these facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.sentences import leans_back, split_sentences
from evals.metrics import normalize

if TYPE_CHECKING:
    from assistant.records import Answer, Citation
    from ingest.records import Passage

_MARKER = re.compile(r"\[\d+\]")
_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Cited:
    """One citation as the evaluation needs it."""

    passage_id: str
    quote: str
    actor: str


@dataclass(frozen=True)
class AnswerFacts:
    """What one (non-refused or refused) answer shows."""

    words: int
    citations: tuple[Cited, ...]
    backref_violations: tuple[str, ...]  # the offending quoted sentences
    short: str = ""  # the short answer line, "" when none
    direct: bool = True  # False when the answer opens «Kildene svarer ikke direkte»


def count_words(text: str) -> int:
    """Words of the answer as shown: whitespace-separated tokens holding a letter or digit
    («7.1.3» is one word; [n] markers, bullets and «§» alone are not words)."""
    return sum(1 for token in _MARKER.sub(" ", text).split() if _ALNUM.search(token))


def _shown_text(text: str) -> str:
    return normalize(text.replace("**", "").replace("*", ""))


def _sentences_shown(passage: Passage, quotes: Sequence[str]) -> dict[int, str]:
    """Index (in the passage) -> shown part of each passage sentence that a quote overlaps."""
    spans = split_sentences(passage.text)
    shown: dict[int, str] = {}
    for quote in quotes:
        start = passage.text.find(quote) if quote else -1
        if start < 0:
            continue
        end = start + len(quote)
        for i, (s, e) in enumerate(spans):
            if s < end and start < e:
                part = passage.text[max(s, start) : min(e, end)]
                if len(part) > len(shown.get(i, "")):
                    shown[i] = part
    return shown


def _previous_shown(passage: Passage, by_passage: dict[str, tuple[Passage, list[str]]]) -> bool:
    """True when the paragraph right before `passage` in its section (`<doc>:<section>:<n-1>`) is
    cited with its last sentence: a paragraph opening «I tillegg …» leans on it."""
    prefix, _, number = passage.id.rpartition(":")
    if not number.isdigit():
        return False
    before = by_passage.get(f"{prefix}:{int(number) - 1}")
    if before is None:
        return False
    previous, quotes = before
    last = len(split_sentences(previous.text)) - 1
    return last in _sentences_shown(previous, quotes)


def backref_violations(citations: Sequence[Citation], answer_text: str) -> tuple[str, ...]:
    """Quoted sentences that lean back on a sentence the answer does not show."""
    by_passage: dict[str, tuple[Passage, list[str]]] = {}
    for c in citations:
        by_passage.setdefault(c.passage.id, (c.passage, []))[1].append(c.quote)
    shown_text = _shown_text(answer_text)
    out: list[str] = []
    for passage, quotes in by_passage.values():
        shown = _sentences_shown(passage, quotes)
        for i, sentence in sorted(shown.items()):
            if not leans_back(sentence):
                continue
            if i > 0 and i - 1 in shown:
                continue
            lead_in = " ".join(passage.context.split())
            if i == 0 and lead_in and normalize(lead_in) in shown_text:
                continue
            if i == 0 and _previous_shown(passage, by_passage):
                continue
            out.append(f"{passage.id}: {sentence}")
    return tuple(out)


def answer_facts(answer: Answer) -> AnswerFacts:
    """The facts of one answer (a refusal shows no citations and has no violations)."""
    cited = tuple(Cited(c.passage.id, c.quote, c.actor) for c in answer.citations)
    return AnswerFacts(
        words=count_words(answer.text),
        citations=cited,
        backref_violations=backref_violations(answer.citations, answer.text),
        short=answer.short,
        direct=answer.direct,
    )
