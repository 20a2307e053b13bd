"""ui.chat handlers and ui.conversations around the assistant: the two-step ask, history as Turns,
errors kept in the chat, one rating per answer, source filters, stored conversations.

The assistant is a small stand-in here (the logic under test is the page's, not the answer's);
the real assistant is exercised in test_browser.py and test_upload_served.py.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.records import Answer, Citation, Turn
from ingest.records import Document, Passage
from ui import conversations as conv
from ui.chat import (
    EMPTY_QUESTION,
    ERROR_TEXT,
    NO_SOURCES_CHOSEN,
    SEARCHING,
    answer_step,
    cards_for,
    chosen_documents,
    examples_for,
    rate,
    start,
)
from ui.conversation_export import export_bytes, export_payload
from ui.feedback import FeedbackStore

DOC = Document("rs", "Rundskriv", "rundskriv", "JD", None, "gjeldende", "p", "h")
DRAFT = Document("hu", "Utkast", "høringsutkast", "Hdir", None, "utkast", "u", "h")
P = Passage("rs:7.1.3:1", "rs", "7.1.3", "Ansvar", (), 4, "paragraph", "Tilse minst daglig.", 0, 19)


@dataclass
class _Index:
    documents: dict[str, Document] = field(default_factory=lambda: {"rs": DOC, "hu": DRAFT})
    passages: tuple[Passage, ...] = (P,)


@dataclass
class _Assistant:
    index: _Index = field(default_factory=_Index)
    calls: list[tuple[str, str, tuple[Turn, ...]]] = field(default_factory=list)
    fail: bool = False

    def ask(
        self, question: str, role: str = "alle", history: Any = (), documents: Any = None
    ) -> Answer:
        self.calls.append((question, role, tuple(history)))
        if self.fail:
            raise RuntimeError("boom")
        cite = Citation(1, P, DOC, "minst daglig", True)
        return Answer(question, role, f"- svar på {question} [1]", (cite,), False)


@dataclass
class _Filtering(_Assistant):
    documents_seen: list[Collection[str] | None] = field(default_factory=list)

    def ask(  # type: ignore[override]
        self,
        question: str,
        role: str = "alle",
        history: Any = (),
        documents: Collection[str] | None = None,
    ) -> Answer:
        self.documents_seen.append(documents)
        return super().ask(question, role, history)


@dataclass
class _Live:
    assistant: _Assistant = field(default_factory=_Assistant)
    unlisted: frozenset[str] = frozenset()

    def get(self) -> _Assistant:
        return self.assistant

    @contextlib.contextmanager
    def use(self) -> Iterator[_Assistant]:
        yield self.assistant


def test_the_question_shows_at_once_and_an_empty_one_asks_for_text() -> None:
    live = _Live()
    chat, box, pending, status, _ = start("  Hva gjelder?  ", "", live)
    assert chat[-2:] == [
        {"role": "user", "content": "Hva gjelder?"},
        {"role": "assistant", "content": SEARCHING},
    ]
    assert (box, pending, status) == ("", "Hva gjelder?", "")
    assert start("   ", "", live)[3] == EMPTY_QUESTION
    assert live.assistant.calls == []  # step 1 never asks


def test_history_is_passed_as_turns_and_the_conversation_is_stored() -> None:
    live = _Live()
    raw, chat, panel, _, _ = answer_step(live, "Første?", "kommunehelse", "")
    raw, chat, panel, _, _ = answer_step(live, "Og så?", "kommunehelse", raw)
    first = Turn("Første?", "- svar på Første? [1]")
    assert live.assistant.calls[1] == ("Og så?", "kommunehelse", (first,))
    assert len(chat) == 4 and "(#kilde-2-1)" in chat[-1]["content"]
    # Only the new answer's cards travel with the reply; the first answer's come on request.
    assert "Kilder for svar 2" in panel and 'id="kilde-2-1"' in panel
    assert 'id="kilde-1-1"' not in panel
    assert 'id="kilde-1-1"' in cards_for(raw, "1:12345", live)
    store = conv.parse_store(raw)
    turns = conv.active_turns(store)
    assert [t["question"] for t in turns] == ["Første?", "Og så?"]
    assert turns[0]["answer"]["citations"][0]["passage"] == "rs:7.1.3:1"
    assert len({t["id"] for t in turns}) == 2


def test_each_question_records_how_its_conversation_is_asked() -> None:
    from ui.asked_as import AskedAs, recall

    live = _Live(_Filtering())
    raw, *_ = answer_step(live, "Første?", "kriminalomsorgen", "", True, ["rs"])
    assert recall(conv.parse_store(raw)) == AskedAs("kriminalomsorgen", True, ("rs",))
    raw, *_ = answer_step(live, "Og så?", "jurist", raw)
    assert recall(conv.parse_store(raw)) == AskedAs("jurist", False, ())


def test_assistant_error_is_shown_and_chat_goes_on() -> None:
    live = _Live(_Assistant(fail=True))
    raw, chat, *_ = answer_step(live, "Hva?", "ukjent-rolle", "")
    assert chat[-1]["content"] == ERROR_TEXT
    assert conv.active_turns(conv.parse_store(raw))[0]["role"] == "alle"


def test_a_rating_is_kept_once_per_answer(tmp_path: Path) -> None:
    live = _Live()
    raw, *_ = answer_step(live, "a", "alle", "")
    raw, *_ = answer_step(live, "b", "jurist", raw)
    db = FeedbackStore(tmp_path / "f.sqlite3")
    on_like = rate(db)
    for liked in (True, False, True):
        assert "lagret" in on_like(
            raw, gr.LikeData(None, {"index": 3, "value": "", "liked": liked})
        )
    rows = db.rows()
    assert [(r["question"], r["role"], r["rating"]) for r in rows] == [("b", "jurist", 1)]


def test_filters_choose_documents_and_reach_the_assistant() -> None:
    index = _Index()
    assert chosen_documents(index, False, None, ()) is None
    assert chosen_documents(index, True, None, ()) == {"rs"}
    assert chosen_documents(index, True, None, {"rs"}) == set()  # unlisted is never binding
    assert chosen_documents(index, False, ["hu"], ()) == {"hu"}
    filtering = _Filtering()
    answer_step(_Live(filtering), "q", "alle", "", True, None)
    assert filtering.documents_seen == [{"rs"}]  # only binding sources: the circular
    out = answer_step(_Live(), "q", "alle", "", True, ["hu"])
    assert out[-1] == NO_SOURCES_CHOSEN


def test_a_stored_answer_is_rebuilt_and_copied_as_plain_text() -> None:
    live = _Live()
    raw, *_ = answer_step(live, "Hvor ofte?", "alle", "")
    turn = conv.active_turns(conv.parse_store(raw))[0]
    answer = conv.rebuild_answer(turn, live.assistant.index)
    assert answer.citations[0].passage == P and answer.citations[0].quote == "minst daglig"
    text = conv.plain_text(answer, live.assistant.index)
    assert text.startswith("- svar på Hvor ofte? [1]") and "\nKilder:\n[1] JD, «Rundskriv»" in text
    gone = conv.rebuild_answer(turn, _Index(passages=()))
    assert gone.citations == () and conv.GONE_NOTE in gone.notes


def test_conversations_list_delete_and_survive_bad_json(tmp_path: Path) -> None:
    live = _Live()
    raw, *_ = answer_step(live, "Første samtale", "alle", "")
    store = conv.parse_store(raw)
    store = {"active": "", "conversations": store["conversations"]}
    raw, *_ = answer_step(live, "Andre samtale", "alle", json.dumps(store))
    store = conv.parse_store(raw)
    labels = [label for label, _ in conv.choices(store)]
    assert len(labels) == 2 and labels[0].startswith("Andre samtale")
    left = conv.delete(store, store["active"])
    assert [c["title"] for c in left["conversations"]] == ["Første samtale"] and not left["active"]
    assert conv.parse_store("{ikke json") == conv.empty_store()
    md = export_bytes(conv.active_turns(store), live.assistant.index, ".md")  # type: ignore[arg-type]
    assert "# Andre samtale" in md.decode("utf-8")


def test_every_role_has_its_examples() -> None:
    assert examples_for("jurist") != examples_for("kommunehelse")
    assert len(examples_for("ukjent")) == 3


def test_a_conversation_exports_to_docx(tmp_path: Path) -> None:
    from docx import Document as read_docx

    live = _Live()
    raw, *_ = answer_step(live, "Hvor ofte?", "alle", "")
    turns = conv.active_turns(conv.parse_store(raw))
    data = export_bytes(turns, live.assistant.index, ".docx", note="Merk.")  # type: ignore[arg-type]
    text = "\n".join(p.text for p in read_docx(io.BytesIO(data)).paragraphs)
    assert text.startswith("Merk.")
    assert "Hvor ofte?" in text and "Kilder" in text and "minst daglig" in text


def test_a_conversation_is_bounded_in_turns_and_bytes_with_a_note() -> None:
    live = _Live()
    raw, *_ = answer_step(live, "Første?", "alle", "")
    store = conv.parse_store(raw)
    turn = conv.active_turns(store)[0]
    many = [{**turn, "id": f"t{n}", "question": f"Spørsmål {n}?"} for n in range(4000)]
    store["conversations"][0]["turns"] = many
    big = json.dumps(store)
    raw, chat, panel, *_ = answer_step(live, "Og nå?", "alle", big)
    kept = conv.parse_store(raw)
    turns = conv.active_turns(kept)
    assert len(turns) == conv.MAX_TURNS and turns[-1]["question"] == "Og nå?"
    assert len(chat) == 2 * conv.MAX_TURNS and len(raw) <= conv.MAX_STORE_CHARS
    assert conv.active(kept)["dropped"] == 4001 - conv.MAX_TURNS
    assert "4001" not in panel and f"{4001 - conv.MAX_TURNS} eldste" in panel
    assert panel.count('class="cite-card"') == 1  # one answer's cards, not 40
    # Bytes: a store of large turns keeps the open conversation, newest turns first.
    fat = {**turn, "question": "x" * 100_000}
    store = {"active": "a", "conversations": [{"id": "a", "turns": [fat] * 30}]}
    bounded = conv.parse_store(json.dumps(store))
    assert 0 < len(conv.active_turns(bounded)) < 30
    assert len(conv.dump_store(bounded)) <= conv.MAX_STORE_CHARS


def test_a_hand_made_store_cannot_break_the_page() -> None:
    live = _Live()
    for raw in (
        '{"active": "a", "conversations": [{"id": "a", "turns": [1, "x", null]}]}',
        '{"active": "a", "conversations": [{"id": "a", "turns": [{"answer": 5}]}]}',
        '{"active": "a", "conversations": [{"id": "a", "turns": [{"answer": {"citations":'
        ' [{"n": "x"}, 7], "notes": 3, "topics": "t"}}]}]}',
        "[" * 100_000,
    ):
        out = answer_step(live, "Hva?", "alle", raw)
        last = conv.active_turns(conv.parse_store(out[0]))[-1]
        assert last["question"] == "Hva?" and last["answer"]["text"] != ERROR_TEXT


def test_an_export_is_made_in_memory_for_the_browser() -> None:
    live = _Live()
    raw, *_ = answer_step(live, "Hvor ofte?", "alle", "")
    turns = conv.active_turns(conv.parse_store(raw))
    payload = json.loads(export_payload(turns, live.assistant.index, ".md"))  # type: ignore[arg-type]
    assert payload["name"] == "samtale.md" and payload["mime"].startswith("text/markdown")
    assert "# Hvor ofte?" in base64.b64decode(payload["data"]).decode("utf-8")
