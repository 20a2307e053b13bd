"""assistant.answer.point.numbers_covered: a number the question asks about must be stated."""

from __future__ import annotations

from assistant.answer.point import numbers_covered
from assistant.answer.units import Unit
from ingest.records import Passage


def _unit(text: str) -> Unit:
    passage = Passage(
        id="d:1:1", doc_id="d", section="1", heading="", heading_path=(), page=None,
        kind="paragraph", text=text, start=0, end=len(text),
    )  # fmt: skip
    return Unit(passage, 0, len(text), 1.0, 1)


def test_a_count_in_words_is_a_number_asked() -> None:
    rule = _unit("Innsatte skal få tilbud om individuell plan.")
    assert not numbers_covered("Kan han få individuell plan når han soner i tre uker?", [rule])
    assert numbers_covered("Kan han få individuell plan?", [rule])


def test_a_count_stated_in_words_or_digits_covers_it() -> None:
    assert numbers_covered("Gjelder det etter tre døgn?", [_unit("Etter tre døgn (72 timer).")])
    assert numbers_covered("Gjelder det etter 3 døgn?", [_unit("Etter tre døgn skal …")])
    # «to» before no unit is a preposition, not two
    assert numbers_covered("Kan jeg si det til legen?", [_unit("Legen skal varsles.")])
