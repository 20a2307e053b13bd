"""ui.feedback: redaction of fødselsnummer and phone numbers, and the SQLite store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ui.feedback import FNR_TOKEN, PHONE_TOKEN, FeedbackStore, redact


@pytest.mark.parametrize(
    "raw",
    ["Innsatt 01017012345 ble", "Innsatt 010170 12345 ble", "fnr:01017012345."],
)
def test_fodselsnummer_is_redacted(raw: str) -> None:
    out = redact(raw)
    assert FNR_TOKEN in out
    assert "12345" not in out


@pytest.mark.parametrize(
    "raw",
    [
        "ring 91234567 nå",
        "ring +47 91234567 nå",
        "ring +4791234567 nå",
        "ring 0047 912 34 567 nå",
        "ring 91 23 45 67 nå",
        "ring 912 34 567 nå",
        "ring 9123 4567 nå",
        "ring +47 91 23 45 67 nå",
    ],
)
def test_phone_numbers_are_redacted(raw: str) -> None:
    out = redact(raw)
    assert out == f"ring {PHONE_TOKEN} nå"


@pytest.mark.parametrize(
    "raw",
    [
        "helsepersonelloven § 21 og § 3-16",
        "punkt 7.1.3, side 27/84",
        "i 2023 kom 12 innspill",
        "1234567 er bare sju sifre",
    ],
)
def test_ordinary_numbers_are_kept(raw: str) -> None:
    assert redact(raw) == raw


def test_store_writes_redacted_row(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    row_id = store.record(
        question="Gjelder 010170 12345?",
        role="kommunehelse",
        answer="Svar [1]",
        passage_ids=["rundskriv:7.1.3:1"],
        rating=1,
        comment="  ring meg på 912 34 567 ",
    )
    rows = store.rows()
    assert [r["id"] for r in rows] == [row_id]
    row = rows[0]
    assert row["question"] == f"Gjelder {FNR_TOKEN}?"
    assert row["comment"] == f"ring meg på {PHONE_TOKEN}"
    assert row["citations"] == ["rundskriv:7.1.3:1"]
    assert (row["rating"], row["role"], row["answer"]) == (1, "kommunehelse", "Svar [1]")
    assert row["ts"].startswith("20")


def test_store_rejects_unknown_rating(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError):
        store.record(question="q", role="alle", answer="a", passage_ids=[], rating=5)
    assert store.rows() == []


def test_one_row_per_answer_id_whatever_is_changed(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    common = {"question": "q 91234567", "role": "alle", "answer": "A", "passage_ids": ["x"]}
    store.rate(answer_id="a1", rating=1, **common)
    store.rate(answer_id="a1", rating=-1, **common)
    store.rate(answer_id="a1", comment="ring 91234567", **common)
    store.rate(answer_id="a2", rating=1, **common)
    rows = store.rows()
    assert [(r["answer_id"], r["rating"]) for r in rows] == [("a1", -1), ("a2", 1)]
    assert rows[0]["comment"] == f"ring {PHONE_TOKEN}" and PHONE_TOKEN in rows[0]["question"]
    with pytest.raises(ValueError):
        store.rate(answer_id="a1", rating=5, **common)


def test_an_older_feedback_file_gets_the_answer_id_column(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL,"
            " question TEXT NOT NULL, role TEXT NOT NULL, answer TEXT NOT NULL,"
            " citations TEXT NOT NULL, rating INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '')"
        )
        db.execute("INSERT INTO feedback VALUES (1, 't', 'q', 'alle', 'a', '[]', 1, '')")
    store = FeedbackStore(path)
    store.rate(answer_id="n", question="q", role="alle", answer="a", passage_ids=[], rating=1)
    assert [r["answer_id"] for r in store.rows()] == [None, "n"]


def _open_store(path: str, start: Any) -> None:
    start.wait()
    FeedbackStore(Path(path))


def test_processes_opening_an_older_feedback_file_at_once_all_start(tmp_path: Path) -> None:
    """Replicas sharing one home start together: the migration must not fail in any of them."""
    import multiprocessing
    import sqlite3

    for round_ in range(5):
        path = tmp_path / f"old-{round_}.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute(
                "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL,"
                " question TEXT NOT NULL, role TEXT NOT NULL, answer TEXT NOT NULL,"
                " citations TEXT NOT NULL, rating INTEGER NOT NULL,"
                " comment TEXT NOT NULL DEFAULT '')"
            )
        ctx = multiprocessing.get_context("fork")
        start = ctx.Barrier(6)
        procs = [ctx.Process(target=_open_store, args=(str(path), start)) for _ in range(6)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(timeout=60)
        assert [proc.exitcode for proc in procs] == [0] * 6
