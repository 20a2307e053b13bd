"""Conversations as plain JSON the browser keeps: record answers, rebuild them, copy and export.

The page keeps every conversation in the browser's localStorage (no question is stored on the
server): a store is `{"active": id, "conversations": [{"id", "title", "updated", "turns": [...]}]}`
and a turn holds the question, role, answer id and the answer as `answer_record` writes it —
the answer text, notes and, per citation, only the passage id and the quote. `rebuild_answer`
turns a record back into an `Answer` over the live index (a passage that is no longer in the
index is dropped with a note), so reopened conversations render with the same code as fresh ones.

A store is bounded wherever it is read or written (`parse_store`, `add_turn`): at most
MAX_TURNS turns a conversation and MAX_STORE_CHARS of JSON in all, the oldest turns (and, for
size, the oldest other conversations) dropped first; a conversation counts what it lost in
«dropped» and `dropped_note` says so. A store the browser sends back is therefore never larger
than the server would have written, whatever a client makes of it. Export lives in
`ui.conversation_export`. It deliberately knows no Gradio and does not render HTML (that is
`ui.render`).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from assistant.legal.cite import formal_reference
from assistant.records import Answer, Citation, Turn
from ui.render import IndexView

Store = dict[str, Any]
MAX_CONVERSATIONS = 50  # the oldest are dropped: localStorage holds a few MB per site
MAX_TURNS = 40  # per conversation; only the last few are context for a follow-up anyway
MAX_STORE_CHARS = 1_500_000  # the whole store as JSON: well inside a browser's localStorage
MAX_RAW_CHARS = 16_000_000  # a larger store is no page's: read as empty
TITLE_CHARS = 60
GONE_NOTE = "Noen av kildene til dette svaret finnes ikke lenger i indeksen."


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def empty_store() -> Store:
    return {"active": "", "conversations": []}


def parse_store(raw: str | Mapping[str, Any] | None) -> Store:
    """A bounded store from the browser's JSON; anything unreadable becomes an empty store."""
    if isinstance(raw, str) and len(raw) > MAX_RAW_CHARS:
        return empty_store()
    try:
        data = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (ValueError, TypeError, RecursionError):
        return empty_store()
    convs = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(convs, list):
        return empty_store()
    kept = [
        {**c, "turns": [t for t in c["turns"] if isinstance(t, dict)]}
        for c in convs
        if isinstance(c, dict) and isinstance(c.get("turns"), list)
    ]
    active = data.get("active") if isinstance(data.get("active"), str) else ""
    return bound_store({"active": active, "conversations": kept[:MAX_CONVERSATIONS]})


def _dropped(conv: dict[str, Any] | None) -> int:
    value = (conv or {}).get("dropped")
    return value if isinstance(value, int) and value > 0 else 0


def _trim(conv: dict[str, Any], keep: int) -> dict[str, Any]:
    """A copy of `conv` with only its last `keep` turns, counting the ones dropped."""
    turns = list(conv["turns"])
    if len(turns) <= keep:
        return conv
    return {**conv, "turns": turns[-keep:], "dropped": _dropped(conv) + len(turns) - keep}


def bound_store(store: Store) -> Store:
    """`store` within MAX_TURNS per conversation and MAX_STORE_CHARS in all (module docstring)."""
    convs = [_trim(c, MAX_TURNS) for c in store["conversations"]]
    act = store["active"]
    size = len(dump_store({"active": act, "conversations": convs}))
    while size > MAX_STORE_CHARS and len(convs) > 1:
        # The oldest conversation that is not the open one goes first (newest come first).
        at = [i for i, c in enumerate(convs) if c.get("id") != act][-1]
        size -= len(dump_store(convs.pop(at))) + 1
    while size > MAX_STORE_CHARS:
        if not convs or len(convs[0]["turns"]) <= 1:
            return empty_store()  # a single turn over the limit is no page's
        convs[0] = _trim(convs[0], len(convs[0]["turns"]) // 2)
        size = len(dump_store({"active": act, "conversations": convs}))
    return {"active": act, "conversations": convs}


def dropped_note(conv: dict[str, Any] | None) -> str:
    """«De N eldste spørsmålene … er fjernet» for a conversation that lost turns, else ""."""
    n = _dropped(conv)
    limit = f"(en samtale holder høyst {MAX_TURNS} spørsmål)"
    if n == 1:
        return f"Det eldste spørsmålet i denne samtalen er fjernet {limit}."
    return f"De {n} eldste spørsmålene i denne samtalen er fjernet {limit}." if n else ""


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
        if not isinstance(item, dict) or not str(item.get("n", "")).isdigit():
            lost = True  # a hand-edited store: drop what cannot be read
            continue
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


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def rebuild_answer(turn: Mapping[str, Any], index: IndexView) -> Answer:
    """The Answer a stored turn holds, its citations looked up in the live index."""
    found = turn.get("answer")
    rec: Mapping[str, Any] = found if isinstance(found, dict) else {}
    citations, lost = _citations(rec.get("citations"), index)
    further, lost_further = _citations(rec.get("further"), index)
    notes = _strings(rec.get("notes"))
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
        topics=_strings(rec.get("topics")),
        direct=bool(rec.get("direct", True)),
    )


def history(store: Store) -> tuple[Turn, ...]:
    """The active conversation's exchanges as Turns for `Assistant.ask`."""
    out = []
    for t in active_turns(store):
        found = t.get("answer")
        rec: Mapping[str, Any] = found if isinstance(found, dict) else {}
        refused = bool(rec.get("refused", False))
        out.append(Turn(str(t.get("question", "")), str(rec.get("text", "")), refused=refused))
    return tuple(out)


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
    bounded = bound_store({"active": conv["id"], "conversations": convs[:MAX_CONVERSATIONS]})
    return bounded, answer_id


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
