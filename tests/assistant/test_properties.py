"""Properties of every answer, over many generated questions, on the real index with the real model.

Questions are built from words the corpus really uses, a role, a random phrasing and sometimes an
earlier turn, plus a little noise, so that both answered and refused paths are exercised. Whatever
the question, an answer must not crash, every quote must be an exact slice of an indexed passage,
the [n] markers must match the citations, and non-binding sources must carry their label. It does
not judge whether the answer is right: test_answers does that for chosen questions.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from assistant.api import Assistant
from assistant.records import ROLES, Answer, Turn
from ingest.index import Index

pytestmark = pytest.mark.slow

TEMPLATES = (
    "Hva sier kildene om {w}?",
    "Hva skal kriminalomsorgen gjøre ved {w}?",
    "Hvem har ansvar for {w}?",
    "Må helsetjenesten {w}?",
    "Kan vi dele opplysninger om {w}?",
    "Og for {w}?",
    "{w}",
    "What does the circular say about {w}?",
    "Hvilke plikter gjelder ved {w} i fengsel?",
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def assistant(real_assistant: Assistant) -> Assistant:
    return real_assistant


@pytest.fixture(scope="module")
def corpus_words(real_index: Index) -> list[str]:
    words = {w.lower() for p in real_index.passages for w in _WORD.findall(p.text)}
    return sorted(words)


def check_answer(answer: Answer, index: Index) -> None:
    """The invariants every answer must satisfy, answered or refused."""
    assert answer.text.strip()
    if answer.refused:
        assert answer.citations == ()
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {int(n) for n in _MARKER.findall(answer.text)} == set(numbers)
    for c in answer.citations:
        stored = index.by_id.get(c.passage.id)
        assert stored is not None, c.passage.id
        assert stored.text == c.passage.text
        assert c.passage.text == index.texts[c.passage.doc_id][c.passage.start : c.passage.end]
        assert c.quote and c.quote in c.passage.text
        assert c.verified
        assert c.document == index.documents[c.passage.doc_id]
    statuses = {c.document.status for c in answer.citations}
    if "utkast" in statuses:
        assert any("høringsutkast" in n and "ikke gjeldende" in n for n in answer.notes)
    if "innspill" in statuses:
        assert any("høringsinnspill" in n and "ikke en regel" in n for n in answer.notes)


@st.composite
def questions(draw: st.DrawFn, words: list[str]) -> tuple[str, str, tuple[Turn, ...]]:
    chosen = draw(st.lists(st.sampled_from(words), min_size=1, max_size=5))
    text = draw(st.sampled_from(TEMPLATES)).format(w=" ".join(chosen))
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.lower()
    noise = draw(st.text(alphabet="§.,?!-«» 0123456789æøå", max_size=8))
    role = draw(st.sampled_from(ROLES))
    history: tuple[Turn, ...] = ()
    if draw(st.booleans()):
        earlier = " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=4)))
        history = (Turn(f"Hva gjelder ved {earlier}?", "…"),)
    return text + noise, role, history


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_answer_quotes_indexed_passages_exactly(
    assistant: Assistant, real_index: Index, corpus_words: list[str], data: st.DataObject
) -> None:
    question, role, history = data.draw(questions(corpus_words))
    answer = assistant.ask(question, role=role, history=history)
    event("avvist" if answer.refused else "besvart")  # shown by --hypothesis-show-statistics
    check_answer(answer, real_index)


@settings(max_examples=15, deadline=None)
@given(question=st.text(max_size=300), role=st.sampled_from(ROLES))
def test_arbitrary_text_never_crashes(
    assistant: Assistant, real_index: Index, question: str, role: str
) -> None:
    check_answer(assistant.ask(question, role=role), real_index)
