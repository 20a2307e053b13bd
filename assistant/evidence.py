"""Decide whether the retrieved evidence answers the question, or whether to refuse.

Two general signals: how much of the question's rare vocabulary the best passages cover (idf-weighted,
after domain synonym and English expansion), and the dense similarity of the best passage. The
thresholds are calibrated once on the whole evaluation suite, never per question. Requests that are
not questions about the sources (poems, jokes, recipes, code) are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.records import Hit

_TASKS = re.compile(
    r"\b(skriv|lag|dikt\w*|vits\w*|sang\w*|oppskrift\w*|write|poem|joke|song|recipe|"
    r"translate|oversett|kode|code|haiku|limerick|story|historie om)\b",
    re.I,
)
_TASK_VERBS = re.compile(r"^\s*(skriv|lag|write|compose|tell me a|fortell en)\b", re.I)

MIN_COVERAGE = 0.45
MIN_DENSE = 0.80
STRONG_COVERAGE = 0.75


@dataclass(frozen=True)
class Evidence:
    coverage: float
    dense: float
    task_request: bool

    @property
    def sufficient(self) -> bool:
        if self.task_request:
            return False
        if self.coverage >= STRONG_COVERAGE:
            return True
        return self.coverage >= MIN_COVERAGE and self.dense >= MIN_DENSE


def is_task_request(question: str) -> bool:
    return bool(_TASK_VERBS.match(question) and _TASKS.search(question))


_WORD = re.compile(r"§+\s*\d+(?:\s*-\s*\d+)?(?:\s?[a-z]\b)?|[^\W_]+", re.UNICODE)
# English function words: Norwegian stopwords are dropped by the analyser, English ones are not.
_EN_STOP = frozenset(
    "a an the is are was were be been do does did can could must should shall may might will "
    "would of to in on at for by with from about what which who whom how when where why "
    "whether if or and not no i we you he she it they me us them my our your their this that "
    "these those there any some all has have had than then as into also only just more most "
    "very".split()
)


@dataclass(frozen=True)
class Concept:
    """One content word of the question with the tokens that count as covering it."""

    alternatives: frozenset[str]
    weight: float


def concepts(
    question: str,
    analyze: Callable[[str], list[str]],
    expand: Callable[[str], list[str]],
    idf: Callable[[str], float],
    known: Callable[[str], bool],
) -> list[Concept]:
    """The question's content words; an unknown word weighs most, as the sources never use it."""
    out: list[Concept] = []
    for word in _WORD.findall(question):
        if word.lower() in _EN_STOP:
            continue
        base = analyze(word)
        if not base:
            continue
        alts = frozenset(base) | frozenset(expand(word))
        in_vocab = [idf(t) for t in alts if known(t)]
        weight = max(in_vocab) if in_vocab else max(idf(t) for t in alts)
        out.append(Concept(alts, weight))
    return out


def coverage(
    found: Sequence[Concept],
    hits: Sequence[Hit],
    analyze: Callable[[str], list[str]],
    top: int = 3,
) -> float:
    """Best weighted share of the question's concepts found in one of the top passages."""
    total = sum(c.weight for c in found)
    if total <= 0:
        return 0.0
    best = 0.0
    for hit in hits[:top]:
        p = hit.passage
        ptoks = set(analyze(f"{p.text} {p.context} {p.heading}"))
        share = sum(c.weight for c in found if c.alternatives & ptoks) / total
        best = max(best, share)
    return best
