"""Bounded work per question: what of a question and its conversation may reach retrieval.

Contract (one call at the start of `Assistant.ask` and `Assistant.retrieve`):

    prepare(question, history) -> (question, list[Turn])
        question with personal data removed (`assistant.redact.strip_personal_data`: a name or a
        fødselsnummer must neither be searched for nor make the question refused), and
        `bound_history(history)`.
    bound_history(history) -> list[Turn]
        the last MAX_TURNS turns that were answered (a refused turn, or one whose question is
        over MAX_TURN_QUESTION_CHARS, never becomes context), each answer cut to
        MAX_TURN_ANSWER_CHARS, and at most MAX_HISTORY_CHARS in all (oldest dropped first).

A refused 32,000-character question used to become context for the next one (27 s per answer); now
the work per question is bounded whatever a client sends. It deliberately does not check the
question's own length: `Assistant.ask` refuses an over-long question with a message.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.records import Turn
from assistant.redact import strip_personal_data

MAX_TURNS = 6
MAX_TURN_QUESTION_CHARS = 2000
MAX_TURN_ANSWER_CHARS = 2000
MAX_HISTORY_CHARS = 8000
# How the assistant's refusals begin (a client that sends plain text history has no flag).
REFUSAL_OPENINGS = (
    "Jeg finner ikke dette i kildene",
    "Jeg svarer bare på spørsmål om kildene",
    "Spørsmålet er for langt",
    "Spørsmålet er tomt",
)


def was_refused(turn: Turn) -> bool:
    return bool(getattr(turn, "refused", False)) or turn.answer.lstrip().startswith(
        REFUSAL_OPENINGS
    )


def bound_history(history: Sequence[Turn]) -> list[Turn]:
    """The turns that may serve as context, newest kept, within the caps above."""
    kept: list[Turn] = []
    total = 0
    for turn in reversed(list(history[-4 * MAX_TURNS :])):
        if len(kept) == MAX_TURNS:
            break
        if was_refused(turn) or len(turn.question) > MAX_TURN_QUESTION_CHARS:
            continue
        if not turn.question.strip():
            continue
        answer = turn.answer[:MAX_TURN_ANSWER_CHARS]
        size = len(turn.question) + len(answer)
        if total + size > MAX_HISTORY_CHARS:
            break
        total += size
        kept.append(Turn(strip_personal_data(turn.question), answer))
    kept.reverse()
    return kept


def prepare(question: str, history: Sequence[Turn]) -> tuple[str, list[Turn]]:
    """The question without personal data, and the history bounded (see the module docstring)."""
    if not question or len(question) > MAX_TURN_QUESTION_CHARS:
        # Refused for its length anyway: no work on it, and stripping personal data must not
        # shrink it under the limit.
        return question, bound_history(history)
    return strip_personal_data(question), bound_history(history)
