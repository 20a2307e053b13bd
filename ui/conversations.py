"""Conversations as plain JSON the browser keeps: record answers, rebuild them, copy and export.

The page keeps every conversation in the browser's localStorage (no question is stored on the
server): a store is `{"active": id, "conversations": [{"id", "title", "updated", "turns": [...]}]}`
and a turn holds the question, role, answer id and the answer as `answer_record` writes it —
the answer text, notes and, per citation, only the passage id and the quote. `rebuild_answer`
turns a record back into an `Answer` over the live index (a passage that is no longer in the
index is dropped with a note), so reopened conversations render with the same code as fresh ones.
It deliberately knows no Gradio and does not render HTML (that is `ui.render`).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.legal.cite import formal_reference
from assistant.legal.verify import CorpusView
from assistant.records import Answer, Citation, Turn
from ui.render import IndexView

Store = dict[str, Any]
MAX_CONVERSATIONS = 50  # the oldest are dropped: localStorage holds a few MB per site
TITLE_CHARS = 60
GONE_NOTE = "Noen av kildene til dette svaret finnes ikke lenger i indeksen."


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def empty_store() -> Store:
    return {"active": "", "conversations": []}


def parse_store(raw: str | Mapping[str, Any] | None) -> Store:
    """A store from the browser's JSON; anything unreadable becomes an empty store."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (ValueError, TypeError):
        return empty_store()
    convs = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(convs, list):
        return empty_store()
    kept = [c for c in convs if isinstance(c, dict) and isinstance(c.get("turns"), list)]
    active = data.get("active") if isinstance(data.get("active"), str) else ""
    return {"active": active, "conversations": kept}


def dump_store(store: Store) -> str:
    return json.dumps(store, ensure_ascii=False, separators=(",", ":"))


def active(store: Store) -> dict[str, Any] | None:
    return next((c for c in store["conversations"] if c.get("id") == store["active"]), None)


def active_turns(store: Store) -> list[dict[str, Any]]:
    conv = active(store)
    return list(conv["turns"]) if conv else []


def _citation_record(c: Citation) -> dict[str, Any]:
    return {
        "n": c.n,
        "passage": c.passage.id,
        "quote": c.quote,
        "verified": c.verified,
        "actor": c.actor,
    }


def answer_record(answer: Answer) -> dict[str, Any]:
    """What the browser keeps of an answer: text, flags, notes and citations by passage id."""
    return {
        "text": answer.text,
        "refused": answer.refused,
        "notes": list(answer.notes),
        "direct": answer.direct,
        "topics": list(answer.topics),
        "citations": [_citation_record(c) for c in answer.citations],
        "further": [_citation_record(c) for c in answer.further],
    }


def _citations(items: Any, index: IndexView) -> tuple[tuple[Citation, ...], bool]:
    # The index's own lookup when it has one (the real Index); built only for a bare view.
    by_id = getattr(index, "by_id", None) or {p.id: p for p in index.passages}
    out, lost = [], False
    for item in items if isinstance(items, list) else []:
        passage = by_id.get(str(item.get("passage", "")))
        document = index.documents.get(passage.doc_id) if passage else None
        quote = str(item.get("quote", ""))
        if passage is None or document is None or quote not in passage.text:
            lost = True
            continue
        out.append(
            Citation(
                int(item["n"]),
                passage,
                document,
                quote,
                bool(item.get("verified")),
                str(item.get("actor", "")),
            )
        )
    return tuple(out), lost


def rebuild_answer(turn: Mapping[str, Any], index: IndexView) -> Answer:
    """The Answer a stored turn holds, its citations looked up in the live index."""
    rec = turn.get("answer") or {}
    citations, lost = _citations(rec.get("citations"), index)
    further, lost_further = _citations(rec.get("further"), index)
    notes = tuple(str(n) for n in rec.get("notes", ()))
    if lost or lost_further:
        notes = (*notes, GONE_NOTE)
    return Answer(
        str(turn.get("question", "")),
        str(turn.get("role", "alle")),
        str(rec.get("text", "")),
        citations,
        bool(rec.get("refused", False)),
        notes,
        further=further,
        topics=tuple(str(t) for t in rec.get("topics", ())),
        direct=bool(rec.get("direct", True)),
    )


def history(store: Store) -> tuple[Turn, ...]:
    """The active conversation's exchanges as Turns for `Assistant.ask`."""
    return tuple(
        Turn(
            str(t.get("question", "")),
            str((t.get("answer") or {}).get("text", "")),
            refused=bool((t.get("answer") or {}).get("refused", False)),
        )
        for t in active_turns(store)
    )


def add_turn(store: Store, question: str, role: str, record: dict[str, Any]) -> tuple[Store, str]:
    """A copy of `store` with the exchange appended to the active conversation (started if none)."""
    convs = [dict(c) for c in store["conversations"]]
    conv = next((c for c in convs if c.get("id") == store["active"]), None)
    if conv is None:
        conv = {"id": new_id(), "title": _title(question), "turns": []}
        convs.insert(0, conv)
    answer_id = new_id()
    conv["turns"] = [
        *conv["turns"],
        {"id": answer_id, "question": question, "role": role, "answer": record},
    ]
    conv["updated"] = time.strftime("%Y-%m-%d %H:%M")
    convs.sort(key=lambda c: str(c.get("updated", "")), reverse=True)
    return {"active": conv["id"], "conversations": convs[:MAX_CONVERSATIONS]}, answer_id


def _title(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def choices(store: Store) -> list[tuple[str, str]]:
    """(label, id) for the list of conversations, newest first."""
    return [
        (f"{c.get('title') or 'Samtale'} · {c.get('updated', '')}".strip(" ·"), str(c["id"]))
        for c in store["conversations"]
        if c.get("id")
    ]


def delete(store: Store, conv_id: str) -> Store:
    convs = [c for c in store["conversations"] if c.get("id") != conv_id]
    act = store["active"] if store["active"] != conv_id else ""
    return {"active": act, "conversations": convs}


_LINK = re.compile(r"\[\\?\[(\d+)\\?\]\]\(#[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w))")


def plain_text(answer: Answer, index: IndexView) -> str:
    """The answer as plain text with numbered references: what «Kopier svaret» puts on the clipboard."""
    text = _LINK.sub(r"[\1]", answer.text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"(?m)^#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^>\s?", "", text)
    lines = [text.strip()]
    if answer.citations:
        lines += ["", "Kilder:"]
        for c in answer.citations:
            ref = formal_reference(c.document, c.passage, index)
            lines.append(f"[{c.n}] {ref}")
    return "\n".join(lines)


def conversation_markdown(turns: Sequence[Mapping[str, Any]], index: CorpusView) -> str:
    """The whole conversation as Markdown, each answer as `hjemmel ask --export` writes it."""
    from assistant.export import answer_to_markdown

    parts = [answer_to_markdown(rebuild_answer(t, index), index) for t in turns]
    return "\n---\n\n".join(parts)


def export_conversation(turns: Sequence[Mapping[str, Any]], index: CorpusView, path: Path) -> Path:
    """Write the conversation to `path` (.docx or .md)."""
    if path.suffix == ".docx":
        from docx import Document as new_docx

        from assistant.export import _add_markdown

        doc = new_docx()
        doc.core_properties.title = "Samtale (hjemmel)"
        for t in turns:
            _add_markdown(doc, answer_markdown_for_docx(rebuild_answer(t, index), index))
        doc.save(str(path))
    else:
        path.write_text(conversation_markdown(turns, index), encoding="utf-8")
    return path


def answer_markdown_for_docx(answer: Answer, index: CorpusView) -> str:
    """The Markdown of one answer without block quotes (the .docx writer has no quote blocks)."""
    from assistant.export import answer_to_markdown

    md = answer_to_markdown(answer, index)
    return re.sub(r"(?m)^>\s?", "", md)
