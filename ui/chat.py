"""The «Samtale» tab: role, conversations, source filters, chat, one rating per answer, sources.

Handlers only turn page state into `assistant.ask(question, role, history, documents)` calls and
format the Answer with `ui.render`. Asking is two steps so the question shows at once: `start`
puts it in the chat with «Leter i kildene …», `answer` replaces that with the answer. The whole
conversation state is one JSON string (`ui.conversations`, bounded) that the browser keeps in
localStorage; nothing about a question is stored on the server except an explicit rating. A reply
renders the cards of one answer only (`view`, `cards_for`). A Chroma server that does not answer
is shown as its one-line message. It deliberately holds no retrieval or answer logic, and each
answer holds the assistant from the live holder for its whole run (`live.use()`), so a swap of
the index mid-answer is never seen by that answer and the old build is released after it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

import gradio as gr

from assistant.records import ROLES, Answer, Turn
from ingest.store import StoreUnavailableError
from ui import asked_as
from ui import conversations as conv
from ui.feedback import FeedbackStore
from ui.render import IndexView, answer_cards, answer_markdown, panel_html, short_title

log = logging.getLogger(__name__)

N_EXAMPLES = 3
EXAMPLES: dict[str, tuple[str, ...]] = {
    "kriminalomsorgen": (
        "Må vi varsle helsetjenesten når en innsatt blir utelukket fra fellesskapet?",
        "Hvilke opplysninger kan kriminalomsorgen dele med helsetjenesten?",
        "Hvem har ansvar for oppfølging av en innsatt på sikkerhetscelle?",
    ),
    "kommunehelse": (
        "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?",
        "Når kan helsepersonell gi opplysninger til kriminalomsorgen?",
        "Hva er helse- og omsorgstjenestens ansvar ved løslatelse?",
    ),
    "spesialisthelse": (
        "Hva er spesialisthelsetjenestens ansvar for innsatte med psykiske lidelser?",
        "Hvordan skal spesialisthelsetjenesten samarbeide med fengselshelsetjenesten?",
        "Når skal en innsatt overføres til psykisk helsevern?",
    ),
    "jurist": (
        "Hvor nevnes helsepersonelloven § 21?",
        "Hva sier kildene om straffegjennomføringsloven § 37?",
        "Hvilke unntak fra taushetsplikten gjelder overfor kriminalomsorgen?",
    ),
    "alle": (
        "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?",
        "Hva er taushetsplikt for helsepersonell i fengsel?",
        "Hvordan skal kriminalomsorgen og helsetjenesten samarbeide ved isolasjon?",
    ),
}
ERROR_TEXT = (
    "Beklager, noe gikk galt da svaret skulle lages. Prøv igjen, eller still spørsmålet annerledes."
)
SEARCHING = "⏳ *Leter i kildene …*"
EMPTY_QUESTION = "Skriv et spørsmål først."
NO_SOURCES_CHOSEN = "Ingen kilder er valgt. Velg minst ett dokument, eller fjern avgrensningen."
THANKS = "Takk! Vurderingen er lagret."


class AssistantLike(Protocol):
    """The part of `assistant.api.Assistant` the page uses."""

    @property
    def index(self) -> IndexView: ...

    def ask(self, question: str, role: str = ..., history: Sequence[Turn] = ...) -> Answer: ...


class LiveLike(Protocol):
    """`ui.live.LiveAssistant`: the current assistant, and the documents to label «ukjent»."""

    unlisted: frozenset[str]

    def get(self) -> Any: ...

    def use(self) -> contextlib.AbstractContextManager[Any]: ...


def examples_for(role: str) -> list[str]:
    found = list(EXAMPLES.get(role, EXAMPLES["alle"]))
    return (found + list(EXAMPLES["alle"]))[:N_EXAMPLES]


def chosen_documents(
    index: IndexView, only_binding: bool, picked: Collection[str] | None, unlisted: Collection[str]
) -> set[str] | None:
    """The document ids to search, or None for all: binding ones and/or the ones ticked."""
    ids = set(index.documents)
    if picked:
        ids &= set(picked)
    if only_binding:
        ids = {i for i in ids if index.documents[i].status == "gjeldende" and i not in unlisted}
    return ids if (picked or only_binding) else None


def view(
    store: conv.Store, index: IndexView, unlisted: Collection[str], turn: int = 0
) -> tuple[list[Any], str]:
    """The chat messages of the active conversation and the citation panel of one of its answers
    (`turn`, 1-based; 0: the newest). Only that answer's cards are rendered."""
    chat: list[dict[str, Any]] = []
    turns = conv.active_turns(store)
    shown = turn if 1 <= turn <= len(turns) else len(turns)
    block = ""
    for number, item in enumerate(turns, start=1):
        answer = conv.rebuild_answer(item, index)
        chat.append({"role": "user", "content": answer.question})
        chat.append({"role": "assistant", "content": answer_markdown(answer, number, index)})
        if number == shown:
            text = conv.plain_text(answer, index)
            block = answer_cards(answer, number, index, unlisted, copy_text=text)
    return chat, panel_html(block, shown, conv.dropped_note(conv.active(store)))


def cards_for(raw_store: str, wanted: str, live: LiveLike) -> str:
    """The panel for the answer whose marker was clicked («<turn>» or «<turn>:<nonce>»)."""
    number = wanted.partition(":")[0].strip()
    store = conv.parse_store(raw_store)
    _, panel = view(store, live.get().index, live.unlisted, int(number) if number.isdigit() else 0)
    return panel


def start(message: str, raw_store: str, live: LiveLike) -> tuple[Any, ...]:
    """Step 1: show the question at once with the searching indicator, or ask for a question."""
    question = (message or "").strip()
    if not question:
        return gr.update(), gr.update(), "", EMPTY_QUESTION, gr.update()
    store = conv.parse_store(raw_store)
    chat, _ = view(store, live.get().index, live.unlisted)
    chat += [{"role": "user", "content": question}, {"role": "assistant", "content": SEARCHING}]
    return chat, "", question, "", gr.update(visible=False)


def answer_step(
    live: LiveLike,
    question: str,
    role: str,
    raw_store: str,
    only_binding: bool = False,
    picked: Collection[str] | None = None,
) -> tuple[Any, ...]:
    """Step 2: ask, store the exchange in the conversation, render chat and sources."""
    if not question:
        return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
    with live.use() as assistant:  # once per request: a swap mid-answer is not seen by it
        return _answer(assistant, question, role, raw_store, only_binding, picked, live.unlisted)


def _answer(
    assistant: Any,
    question: str,
    role: str,
    raw_store: str,
    only_binding: bool,
    picked: Collection[str] | None,
    unlisted: frozenset[str],
) -> tuple[Any, ...]:
    index = assistant.index
    role = role if role in ROLES else "alle"
    store = conv.parse_store(raw_store)
    documents = chosen_documents(index, only_binding, picked, unlisted)
    if documents is not None and not documents:
        chat, panel = view(store, index, unlisted)
        return gr.update(), chat, panel, gr.update(), NO_SOURCES_CHOSEN
    try:
        answer = assistant.ask(
            question, role=role, history=conv.history(store), documents=documents
        )
        record = conv.answer_record(answer)
    except StoreUnavailableError as exc:
        log.warning("ask failed: %s", exc)
        record = {"text": str(exc), "refused": True, "notes": ["Svaret feilet."]}
    except Exception:
        # The page must stay usable: log the cause, show a plain message, keep the chat.
        log.exception("ask failed")
        record = {"text": ERROR_TEXT, "refused": True, "notes": ["Svaret feilet."]}
    store, _ = conv.add_turn(store, question, role, record)
    # The conversation goes on as asked now, also when reopened later (`ui.asked_as`).
    store = asked_as.remember(store, asked_as.AskedAs.of(role, only_binding, picked))
    chat, panel = view(store, index, unlisted)
    return conv.dump_store(store), chat, panel, conversation_list(store), ""


def ask_once(
    live: LiveLike, question: str, role: str, documents: Collection[str] | None
) -> dict[str, Any]:
    """The page's API: one question, no conversation; the answer JSON, bubble and cards."""
    role = role if role in ROLES else "alle"
    with live.use() as assistant:
        index = assistant.index
        picked = chosen_documents(index, False, documents, live.unlisted)
        try:
            answer = assistant.ask(question, role=role, documents=picked)
        except StoreUnavailableError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
    return {
        "answer": answer.to_json(),
        "markdown": answer_markdown(answer, 1, index),
        "cards": answer_cards(answer, 1, index, live.unlisted),
    }


def conversation_list(store: conv.Store) -> Any:
    return gr.update(choices=conv.choices(store), value=store["active"] or None)


def rate(store_db: FeedbackStore) -> Callable[..., str]:
    def on_like(raw_store: str, data: gr.LikeData) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turns = conv.active_turns(conv.parse_store(raw_store))
        turn = int(index) // 2  # every exchange is two messages (question, answer)
        if turn >= len(turns) or not turns[turn].get("id"):
            return ""
        liked = data.liked
        rating = 1 if liked is True else -1 if liked is False else 0
        _rate(store_db, turns[turn], rating=rating)
        return THANKS if rating else "Vurderingen er fjernet."

    return on_like


def comment(store_db: FeedbackStore) -> Callable[..., tuple[str, str]]:
    def on_comment(raw_store: str, text: str) -> tuple[str, str]:
        turns = conv.active_turns(conv.parse_store(raw_store))
        if not turns:
            return "Still et spørsmål først.", text
        if not (text or "").strip():
            return "Skriv en kommentar først.", text
        _rate(store_db, turns[-1], comment=text)
        return "Takk! Kommentaren til siste svar er lagret.", ""

    return on_comment


def _rate(
    store_db: FeedbackStore,
    turn: dict[str, Any],
    rating: int | None = None,
    comment: str | None = None,
) -> None:
    record = turn.get("answer") or {}
    store_db.rate(
        answer_id=str(turn["id"]),
        question=str(turn.get("question", "")),
        role=str(turn.get("role", "alle")),
        answer=str(record.get("text", "")),
        passage_ids=[str(c.get("passage", "")) for c in record.get("citations", ())],
        rating=rating,
        comment=comment,
    )


def document_choices(index: IndexView) -> list[tuple[str, str]]:
    return [(short_title(d), d.id) for d in index.documents.values()]
