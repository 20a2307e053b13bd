"""Resolve a follow-up question against the conversation so far.

A question that leans on earlier turns («Og for dem under 18 år?», «Hvilke unntak finnes?», «Hva med DPS?») borrows the previous questions as retrieval context; a self-contained
question is left alone so history cannot drag it off topic. This is a heuristic over the wording,
not a language model; it never rewrites the user's words, it only adds context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.norwegian import analyze
from assistant.records import Turn

_OPENERS = re.compile(
    r"^\s*(og|men|så|hva med|hva om|hva hvis|gjelder (det|dette|det samme)|hvordan med|"
    r"enn|også|and|what about|what if|does (that|this|it)|how about|same for)\b",
    re.I,
)
_ANAPHORA = re.compile(
    r"\b(det|dette|dem|disse|den|denne|slike|sånne|samme|unntak|unntakene|da|der|"
    r"it|this|that|those|them|exceptions?)\b",
    re.I,
)
# Words so common in the domain that a question made only of them is not self-contained.
_GENERIC = frozenset(
    analyze(
        "hva hvilke hvem hvordan når hvor ofte skal må bør kan gjelder finnes unntak regler "
        "innsatte innsatt fengsel fengselet tjenesten tjenestene ansvar plikt what which how "
        "when who exceptions"
    )
)
MAX_CONTEXT_TURNS = 2


def is_follow_up(question: str) -> bool:
    tokens = [t for t in analyze(question) if not t.startswith("§")]
    content = [t for t in tokens if t not in _GENERIC]
    if _OPENERS.match(question):
        return True
    if len(content) <= 1 and _ANAPHORA.search(question):
        return True
    return len(content) == 0


def resolve(question: str, history: Sequence[Turn]) -> str:
    """Context text to add for retrieval ("" when the question stands alone)."""
    if not history or not is_follow_up(question):
        return ""
    earlier = [t.question for t in history[-MAX_CONTEXT_TURNS:] if t.question.strip()]
    return " ".join(earlier)
