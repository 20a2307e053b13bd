"""Feedback on answers (👍/👎 and a comment), stored in SQLite with personal data redacted.

Questions and comments may name an inmate, so everything is passed through the project's one
redactor (`assistant.redact`: fødselsnummer and D-nummer in any spacing, phone numbers, e-mail
addresses, names) before it is written. Ratings from the page are kept once per answer id (`rate`
replaces an earlier rating of the same answer, so changing 👍 to 👎 leaves one row). It does not
read feedback back for analysis beyond `rows()` for tests and maintenance.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.redact import EMAIL_TOKEN, FNR_TOKEN, NAME_TOKEN, PHONE_TOKEN, redact

__all__ = ["EMAIL_TOKEN", "FNR_TOKEN", "NAME_TOKEN", "PHONE_TOKEN", "FeedbackStore", "redact"]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    question TEXT NOT NULL,
    role TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
)
"""
# One row per answer id (older rows without an id stay as they are: NULLs never conflict).
_ANSWER_ID = "ALTER TABLE feedback ADD COLUMN answer_id TEXT"
_ANSWER_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS feedback_answer_id ON feedback (answer_id)"


class FeedbackStore:
    """Append-only feedback table in one SQLite file; safe to share between Gradio worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Several processes (replicas sharing one home) may open a new or older file at once:
        # check and migrate inside one write transaction, so the second one sees the column.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
            if "answer_id" not in columns:
                db.execute(_ANSWER_ID)
            db.execute(_ANSWER_INDEX)
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # sqlite3's own context manager commits but never closes; close explicitly.
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def record(
        self,
        *,
        question: str,
        role: str,
        answer: str,
        passage_ids: Sequence[str],
        rating: int,
        comment: str = "",
    ) -> int:
        """Store one rating (+1 or -1) with redacted texts; returns the row id."""
        if rating not in (1, -1):
            raise ValueError(f"Ugyldig vurdering: {rating!r}")
        row = _row(question, role, answer, passage_ids, rating, comment)
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (ts, question, role, answer, citations, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid or 0)

    def rate(
        self,
        *,
        answer_id: str,
        question: str,
        role: str,
        answer: str,
        passage_ids: Sequence[str],
        rating: int | None = None,
        comment: str | None = None,
    ) -> None:
        """Store or change the one rating (+1, -1; 0 = comment only) and comment of an answer.

        None leaves the stored value as it is: a comment never clears the rating, nor the reverse.
        """
        if rating not in (None, 1, -1, 0):
            raise ValueError(f"Ugyldig vurdering: {rating!r}")
        if not answer_id:
            raise ValueError("Svaret mangler id.")
        row = (*_row(question, role, answer, passage_ids, rating or 0, comment or ""), answer_id)
        set_rating = "rating = excluded.rating, " if rating is not None else ""
        set_comment = "comment = excluded.comment, " if comment is not None else ""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO feedback (ts, question, role, answer, citations, rating, comment,"
                " answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id) DO UPDATE SET "
                f"{set_rating}{set_comment}ts = excluded.ts",
                row,
            )

    def rows(self) -> list[dict[str, Any]]:
        """All rows, oldest first, with citations decoded."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            found = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        out = [dict(r) for r in found]
        for r in out:
            r["citations"] = json.loads(r["citations"])
        return out


def _row(
    question: str, role: str, answer: str, passage_ids: Sequence[str], rating: int, comment: str
) -> tuple[str, str, str, str, str, int, str]:
    """(ts, question, role, answer, citations, rating, comment), every free text redacted."""
    return (
        datetime.now(UTC).isoformat(timespec="seconds"),
        redact(question),
        role,
        redact(answer),
        json.dumps(list(passage_ids), ensure_ascii=False),
        rating,
        redact(comment.strip()),
    )
