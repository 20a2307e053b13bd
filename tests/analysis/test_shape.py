"""analysis.shape: the kind of answer a question asks for, and texts holding that kind."""

from __future__ import annotations

import pytest

from analysis.shape import has_shape, question_shape


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Hvor ofte må vi se til ham?", "frequency"),
        ("How often must staff check on him?", "frequency"),
        ("Hvor lenge kan en innsatt sitte på isolat?", "duration"),
        ("Hvor raskt må legen komme?", "deadline"),
        ("Når må vi varsle helsetjenesten?", None),
        ("Kan vi dele opplysninger?", None),
        ("Hvem har ansvaret for medisinene?", None),
    ],
)
def test_question_shape(question: str, shape: str | None) -> None:
    found = question_shape(question)
    assert (found[0] if found else None) == shape


def test_question_shape_returns_the_asking_words() -> None:
    assert question_shape("Vel, hvor ofte skal det skje?") == ("frequency", "hvor ofte")


@pytest.mark.parametrize(
    ("text", "shape", "expected"),
    [
        ("ha tilsyn med innsatte minimum én gang per time", "frequency", True),
        (
            "Ved bruk av sikkerhetsseng skal det gjennomføres kontinuerlig tilsyn.",
            "frequency",
            True,
        ),
        ("føre protokoll for tilsyn og hvilken kontakt det har vært", "frequency", False),
        ("utelukkelse i inntil 14 dager", "duration", True),
        ("innlåst 22 timer i døgnet eller mer", "duration", True),
        ("føre protokoll for tilsyn", "duration", False),
        ("lege skal varsles snarest", "deadline", True),
        ("varsle lege uten ugrunnet opphold", "deadline", True),
        ("føre protokoll for tilsyn", "deadline", False),
        ("videreføre helsetjenester som innsatte hadde før innsettelse", "deadline", False),
        ("minimum én gang per time", None, False),
    ],
)
def test_has_shape(text: str, shape: str | None, expected: bool) -> None:
    assert has_shape(text, shape) is expected  # type: ignore[arg-type]
