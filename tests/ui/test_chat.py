"""ui.chat handlers around the assistant: history passed as Turns, errors kept in the chat, likes.

The assistant is a small stand-in here (the logic under test is the page's, not the answer's);
the real assistant is exercised in test_browser.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.records import Answer, Citation, Turn
from ingest.records import Document, Passage
from ui.chat import ERROR_TEXT, _ask, _like, examples_for
from ui.feedback import FeedbackStore

DOC = Document("rs", "Rundskriv", "rundskriv", "JD", None, "gjeldende", "p", "h")
P = Passage("rs:7.1.3:1", "rs", "7.1.3", "Ansvar", (), 4, "paragraph", "Tilse minst daglig.", 0, 19)


@dataclass
class _Index:
    documents: dict[str, Document] = field(default_factory=lambda: {"rs": DOC})
    passages: tuple[Passage, ...] = (P,)


@dataclass
class _Assistant:
    index: _Index = field(default_factory=_Index)
    calls: list[tuple[str, str, tuple[Turn, ...]]] = field(default_factory=list)
    fail: bool = False

    def ask(self, question: str, role: str = "alle", history: Any = ()) -> Answer:
        self.calls.append((question, role, tuple(history)))
        if self.fail:
            raise RuntimeError("boom")
        cite = Citation(1, P, DOC, "minst daglig", True)
        return Answer(question, role, f"- svar på {question} [1]", (cite,), False)


def test_history_is_passed_as_turns_and_cards_accumulate() -> None:
    fake = _Assistant()
    respond = _ask(fake, fake.index)
    out = respond("Første?", "kommunehelse", [], [], [], [])
    chat, panel, turns, blocks, answers = out[:5]
    out = respond("Og så?", "kommunehelse", chat, turns, blocks, answers)
    chat, panel, turns, blocks, answers = out[:5]
    assert fake.calls[1] == ("Og så?", "kommunehelse", (Turn("Første?", "- svar på Første? [1]"),))
    assert len(chat) == 4 and "(#kilde-2-1)" in chat[-1]["content"]
    assert "Kilder for svar 2" in panel and 'id="kilde-1-1"' in panel
    assert answers[-1]["ids"] == ["rs:7.1.3:1"]


def test_empty_question_does_not_call_the_assistant_and_unknown_role_falls_back() -> None:
    fake = _Assistant()
    respond = _ask(fake, fake.index)
    assert respond("   ", "alle", [], [], [], [])[0] == []
    respond("Hei?", "ukjent", [], [], [], [])
    assert [c[1] for c in fake.calls] == ["alle"]


def test_assistant_error_is_shown_and_chat_goes_on() -> None:
    fake = _Assistant(fail=True)
    chat, _, turns, *_ = _ask(fake, fake.index)("Hva?", "alle", [], [], [], [])
    assert chat[-1]["content"] == ERROR_TEXT and turns == [["Hva?", ""]]


def test_like_on_a_chat_message_rates_that_answer(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    answers = [
        {"question": "a", "role": "alle", "text": "A", "ids": ["x"]},
        {"question": "b", "role": "jurist", "text": "B", "ids": ["y"]},
    ]
    on_like = _like(store)
    assert "lagret" in on_like(
        answers, gr.LikeData(None, {"index": 3, "value": "B", "liked": False})
    )
    row = store.rows()[-1]
    assert (row["question"], row["rating"], row["citations"]) == ("b", -1, ["y"])


def test_every_role_has_its_examples() -> None:
    assert examples_for("jurist") != examples_for("kommunehelse")
    assert len(examples_for("ukjent")) == 3
