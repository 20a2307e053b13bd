"""Layout and wiring of the «Samtale» tab (the handlers are in `ui.chat`).

Lays out role, «Ny samtale», earlier conversations, source filters, examples, the chat, the input
and a compact comment row, with the citation panel beside (below on a phone), and connects the
events. Every handler is marked with the right it needs (`ui.rights`); the answering ones share
the ANSWERS concurrency group (`ui.fair`). The browser side — keeping conversations and the role
in localStorage, restoring them, downloading an export, scrolling to the newest answer — is
page.js's, through four hidden boxes: no `js=` snippets, which Gradio would run with eval (the
page's CSP forbids it). It deliberately holds no handler logic of its own beyond small wrappers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.records import ROLE_LABELS, ROLES
from ui import asked_as, chat
from ui import conversations as conv
from ui.conversation_export import export_payload
from ui.fair import ANSWERS
from ui.feedback import FeedbackStore
from ui.html_box import html_box
from ui.render import panel_html
from ui.rights import ASK, FEEDBACK, READ, needs


@dataclass
class ChatParts:
    """Components other tabs update: the document filter follows uploads and removals."""

    documents: gr.CheckboxGroup


def _hidden(elem_id: str) -> gr.Textbox:
    return gr.Textbox(visible="hidden", elem_id=elem_id, show_label=False)


def build_chat_tab(demo: gr.Blocks, live: chat.LiveLike, store_db: FeedbackStore) -> ChatParts:
    """Lay out the chat tab inside the current gr.Blocks and wire its events."""
    index = live.get().index
    store_box = _hidden("conv-store")  # the server's store; page.js keeps it in localStorage
    restore_box = _hidden("restore-in")  # page.js puts the saved store and role here on load
    cards_turn = _hidden("cards-turn")  # page.js: «<turn>:<nonce>» when an old marker is clicked
    export_out = _hidden("export-out")  # a download for page.js (ui.conversation_export)
    # The question between the two steps: sent by the browser with the second, so the queue can
    # see what it costs (ui.fair puts long questions in their own lane).
    pending = _hidden("pending-question")
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, elem_id="chat-col"):
            with gr.Row(elem_id="top-row"):
                role = gr.Radio(
                    choices=[(ROLE_LABELS[r], r) for r in ROLES],
                    value="alle",
                    label="Jeg spør som",
                    elem_id="role",
                    scale=5,
                )
                new_chat = gr.Button("Ny samtale", elem_id="new-chat", scale=1, size="sm")
            # Side by side, folded: the question box must be in view on the first screen.
            with gr.Row(equal_height=False, elem_id="fold-row"):
                with gr.Accordion("Tidligere samtaler", open=False, elem_id="conversations"):
                    conv_list = gr.Radio(choices=[], label="Åpne en samtale", elem_id="conv-list")
                    with gr.Row():
                        delete = gr.Button("Slett valgt samtale", size="sm", elem_id="delete-conv")
                        export_md = gr.Button("Last ned (.md)", size="sm", elem_id="export-md")
                        export_docx = gr.Button(
                            "Last ned (.docx)", size="sm", elem_id="export-docx"
                        )
                with gr.Accordion("Avgrens kildene", open=False, elem_id="filters"):
                    only_binding = gr.Checkbox(
                        label="Bare gjeldende kilder (ikke utkast, innspill eller informasjon)",
                        elem_id="only-binding",
                    )
                    documents = gr.CheckboxGroup(
                        choices=chat.document_choices(index),
                        label="Bare disse dokumentene (ingen valgt: alle)",
                        elem_id="only-documents",
                    )
            with gr.Column(elem_id="examples") as examples_box:
                gr.Markdown("**Eksempler på spørsmål** – klikk for å spørre:")
                buttons = [
                    gr.Button(q, size="sm", variant="secondary") for q in chat.examples_for("alle")
                ]
            chatbot = gr.Chatbot(
                label="Samtale",
                show_label=False,
                height=460,
                autoscroll=False,
                placeholder=(
                    "Still et spørsmål om taushetsplikt, isolasjon eller samarbeid. "
                    "Svaret viser avsnittene det bygger på."
                ),
                elem_id="chat",
                feedback_options=("Like", "Dislike"),
                latex_delimiters=[],  # a source's «$$» is text, not a formula
                buttons=[],
            )
            with gr.Row(elem_id="question-row"):
                msg = gr.Textbox(
                    placeholder="Skriv spørsmålet ditt og trykk Enter …",
                    show_label=False,
                    scale=6,
                    elem_id="question",
                )
                send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
            status = gr.Markdown(elem_id="ask-status")
            with gr.Row(elem_id="feedback-row"):
                note = gr.Textbox(
                    placeholder="Kommentar til siste svar (valgfritt; 👍/👎 ved hvert svar)",
                    show_label=False,
                    scale=4,
                    elem_id="comment",
                )
                save_note = gr.Button("Lagre kommentar", size="sm", scale=1, elem_id="save-comment")
        with gr.Column(scale=2, elem_id="cite-col"):
            cards = html_box(panel_html(), elem_id="citations")

    @needs(READ)
    def begin(message: str, raw: str) -> tuple[Any, ...]:
        return chat.start(message, raw, live)

    @needs(ASK)
    def finish(q: str, r: str, raw: str, binding: bool, picked: list[str]) -> tuple[Any, ...]:
        return chat.answer_step(live, q, r, raw, binding, picked)

    first = ([msg, store_box], [chatbot, msg, pending, status, examples_box])
    second = (
        [pending, role, store_box, only_binding, documents],
        [store_box, chatbot, cards, conv_list, status],
    )
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    answers: dict[str, Any] = {**hide, "concurrency_id": ANSWERS}
    for trigger in (msg.submit, send.click):
        trigger(begin, *first, **hide).then(finish, *second, **answers)

    @needs(READ)
    def example(q: str) -> str:
        return q

    for b in buttons:
        b.click(example, b, msg, **hide).then(begin, *first, **hide).then(
            finish, *second, **answers
        )

    @needs(ASK)
    def ask(
        question: str, role: str = "alle", documents: list[str] | None = None
    ) -> dict[str, Any]:
        """One question without a conversation: the answer as JSON, its Markdown and its cards."""
        return chat.ask_once(live, question, role, documents)

    gr.api(ask, api_name="ask", concurrency_id=ANSWERS)
    chatbot.like(needs(FEEDBACK)(chat.rate(store_db)), [store_box], [status], **hide)
    save_note.click(
        needs(FEEDBACK)(chat.comment(store_db)), [store_box, note], [status, note], **hide
    )

    @needs(READ)
    def turn_cards(raw: str, wanted: str) -> str:
        return chat.cards_for(raw, wanted or "", live)

    cards_turn.change(turn_cards, [store_box, cards_turn], [cards], **hide)
    shown = (chatbot, cards, examples_box)
    exports = (export_md, export_docx)
    asked = (role, only_binding, documents)
    _wire_conversations(live, store_box, conv_list, new_chat, delete, exports, export_out, shown)
    _wire_asked_as(live, store_box, conv_list, asked)
    _wire_role(
        live, role, buttons, restore_box, store_box, (chatbot, cards, conv_list, examples_box),
        (only_binding, documents),
    )  # fmt: skip
    return ChatParts(documents)


def _asked_updates(asked: asked_as.AskedAs | None, index: Any) -> list[Any]:
    """Updates that set role and source filter to how a conversation is asked (no change: None)."""
    if asked is None:
        return [gr.update(), gr.update(), gr.update()]
    known = [d for d in asked.documents if d in index.documents]
    return [
        gr.update(value=asked.role),
        gr.update(value=asked.only_binding),
        gr.update(value=known),
    ]


def _wire_asked_as(
    live: chat.LiveLike,
    store_box: gr.Textbox,
    conv_list: gr.Radio,
    asked: tuple[gr.Radio, gr.Checkbox, gr.CheckboxGroup],
) -> None:
    """Reopening a conversation sets its role and filter back; changing them while it is open
    records them with it (`ui.asked_as`), so a follow-up goes in as the conversation is asked."""
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    role, only_binding, documents = asked

    @needs(READ)
    def reopened(raw: str, conv_id: str | None) -> list[Any]:
        found = asked_as.recall(conv.parse_store(raw), conv_id) if conv_id else None
        return _asked_updates(found, live.get().index)

    @needs(READ)
    def changed(raw: str, r: str, binding: bool, picked: list[str] | None) -> str:
        store = conv.parse_store(raw)
        return conv.dump_store(asked_as.remember(store, asked_as.AskedAs.of(r, binding, picked)))

    conv_list.input(reopened, [store_box, conv_list], [role, only_binding, documents], **hide)
    for box in (role, only_binding, documents):
        # page.js keeps the store box in localStorage whenever it changes.
        box.input(changed, [store_box, role, only_binding, documents], [store_box], **hide)


def _wire_conversations(
    live: chat.LiveLike,
    store_box: gr.Textbox,
    conv_list: gr.Radio,
    new_chat: gr.Button,
    delete: gr.Button,
    exports: tuple[gr.Button, gr.Button],
    export_out: gr.Textbox,
    shown: tuple[Any, Any, Any],
) -> None:
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    outputs = [store_box, *shown[:2], conv_list, shown[2]]

    def render(store: conv.Store) -> tuple[Any, ...]:
        chat_msgs, panel = chat.view(store, live.get().index, live.unlisted)
        has_turns = bool(conv.active_turns(store))
        return (
            conv.dump_store(store),
            chat_msgs,
            panel,
            chat.conversation_list(store),
            gr.update(visible=not has_turns),
        )

    @needs(READ)
    def fresh(raw: str) -> tuple[Any, ...]:
        store = conv.parse_store(raw)
        return render({"active": "", "conversations": store["conversations"]})

    @needs(READ)
    def pick(raw: str, conv_id: str | None) -> tuple[Any, ...]:
        store = conv.parse_store(raw)
        if not conv_id or conv_id == store["active"]:
            return tuple(gr.update() for _ in outputs)
        return render({"active": conv_id, "conversations": store["conversations"]})

    @needs(READ)
    def remove(raw: str, conv_id: str | None) -> tuple[Any, ...]:
        return render(conv.delete(conv.parse_store(raw), conv_id or ""))

    new_chat.click(fresh, [store_box], outputs, **hide)
    conv_list.input(pick, [store_box, conv_list], outputs, **hide)
    delete.click(remove, [store_box, conv_list], outputs, **hide)

    def export(suffix: str) -> Any:
        @needs(READ)
        def run(raw: str) -> Any:
            store = conv.parse_store(raw)
            turns = conv.active_turns(store)
            if not turns:
                return gr.update()
            note = conv.dropped_note(conv.active(store))
            return export_payload(turns, live.get().index, suffix, note)

        return run

    exports[0].click(export(".md"), [store_box], [export_out], **hide)
    exports[1].click(export(".docx"), [store_box], [export_out], **hide)


def _wire_role(
    live: chat.LiveLike,
    role: gr.Radio,
    buttons: list[gr.Button],
    restore_box: gr.Textbox,
    store_box: gr.Textbox,
    shown: tuple[Any, Any, Any, Any],
    filters: tuple[gr.Checkbox, gr.CheckboxGroup],
) -> None:
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}

    @needs(READ)
    def on_role(r: str) -> list[Any]:
        return [gr.update(value=q) for q in chat.examples_for(r)]

    role.change(on_role, role, buttons, **hide)

    @needs(READ)
    def restore(saved: str) -> list[Any]:
        """page.js sends what the browser kept ({"store", "role"}) once the page is up; the open
        conversation goes on as it was asked (`ui.asked_as`), without one the role last chosen."""
        try:
            data = json.loads(saved or "{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        r = str(data["role"]) if data.get("role") in ROLES else "alle"
        store = conv.parse_store(data.get("store") if isinstance(data.get("store"), str) else "")
        index = live.get().index
        chat_msgs, panel = chat.view(store, index, live.unlisted)
        asked = asked_as.recall(store) if conv.active_turns(store) else None
        r = asked.role if asked else r
        _, binding, picked = _asked_updates(asked, index)
        # The «restored» class tells scripts (and the browser tests) the remembered role is set.
        return [
            gr.update(value=r, elem_classes=["restored"]),
            binding,
            picked,
            conv.dump_store(store),
            chat_msgs,
            panel,
            chat.conversation_list(store),
            gr.update(visible=not conv.active_turns(store)),
            *[gr.update(value=q) for q in chat.examples_for(r)],
        ]

    restore_box.change(
        restore, [restore_box], [role, *filters, store_box, *shown, *buttons], **hide
    )
