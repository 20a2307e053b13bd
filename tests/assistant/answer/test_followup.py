"""Follow-up detection: dependent questions borrow context, self-contained ones do not."""

from __future__ import annotations

import pytest

from assistant.answer.followup import is_follow_up, resolve
from assistant.records import Turn

FIRST = Turn("Hvor ofte skal kriminalomsorgen føre tilsyn med utelukkede innsatte?", "…")


@pytest.mark.parametrize(
    "question",
    [
        "Og for dem under 18 år?",
        "Hvilke unntak finnes?",
        "Hva med spesialisthelsetjenesten?",
        "Gjelder det også i varetekt?",
        "And for minors?",
    ],
)
def test_dependent_questions_are_follow_ups(question: str) -> None:
    assert is_follow_up(question)
    assert FIRST.question in resolve(question, [FIRST])


@pytest.mark.parametrize(
    "question",
    [
        "Kan fengselet dele taushetsbelagte opplysninger med helsetjenesten?",
        "Hva er reglene for samtykke fra innsatte?",
        "Hvem har ansvar for oppfølging etter løslatelse?",
    ],
)
def test_self_contained_questions_are_not_dragged_off(question: str) -> None:
    assert not is_follow_up(question)
    assert resolve(question, [FIRST]) == ""


def test_no_history_no_context() -> None:
    assert resolve("Og for dem under 18 år?", []) == ""
