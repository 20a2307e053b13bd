"""Layout and wiring of the «Samtale» tab (the handlers are in `ui.chat`).

Lays out role, «Ny samtale», earlier conversations, source filters, examples, the chat, the input
and a compact comment row, with the citation panel beside (below on a phone), and connects the
events, including the browser-side steps that keep conversations and the role in localStorage.
It deliberately holds no handler logic of its own beyond small lambdas.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.records import ROLE_LABELS, ROLES
from ui import asked_as, chat
from ui import conversations as conv
from ui.feedback import FeedbackStore
from ui.render import panel_html


@dataclass
class ChatParts:
    """Components other tabs update: the document filter follows uploads and removals."""

    documents: gr.CheckboxGroup


def _hidden(elem_id: str) -> gr.Textbox:
    return gr.Textbox(visible="hidden", elem_id=elem_id, show_label=False)


def build_chat_tab(demo: gr.Blocks, live: chat.LiveLike, store_db: FeedbackStore) -> ChatParts:
    """Lay out the chat tab inside the current gr.Blocks and wire its events."""
    index = live.get().index
    store_box = _hidden("conv-store")
    pending = gr.State("")
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
                    export_file = gr.File(label="Nedlasting", visible=False, elem_id="export-file")
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
            cards = gr.HTML(panel_html([]), elem_id="citations", js_on_load=None)

    def begin(message: str, raw: str) -> tuple[Any, ...]:
        return chat.start(message, raw, live)

    def finish(q: str, r: str, raw: str, binding: bool, picked: list[str]) -> tuple[Any, ...]:
        return chat.answer_step(live, q, r, raw, binding, picked)

    first = ([msg, store_box], [chatbot, msg, pending, status, examples_box])
    second = (
        [pending, role, store_box, only_binding, documents],
        [store_box, chatbot, cards, conv_list, status],
    )
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    for trigger in (msg.submit, send.click):
        trigger(begin, *first, **hide).then(None, js=chat.SHOW_QUESTION_JS).then(
            finish, *second, **hide
        ).then(None, [store_box], None, js=chat.SAVE_JS)
    for b in buttons:
        b.click(lambda q: q, b, msg, api_visibility="private").then(begin, *first, **hide).then(
            finish, *second, **hide
        ).then(None, [store_box], None, js=chat.SAVE_JS)

    def ask(
        question: str, role: str = "alle", documents: list[str] | None = None
    ) -> dict[str, Any]:
        """One question without a conversation: the answer as JSON, its Markdown and its cards."""
        return chat.ask_once(live, question, role, documents)

    gr.api(ask, api_name="ask")
    chatbot.like(chat.rate(store_db), [store_box], [status], **hide)
    save_note.click(chat.comment(store_db), [store_box, note], [status, note], **hide)
    shown = (chatbot, cards, examples_box)
    exports = (export_md, export_docx)
    asked = (role, only_binding, documents)
    _wire_conversations(live, store_box, conv_list, new_chat, delete, exports, export_file, shown)
    _wire_asked_as(live, store_box, conv_list, asked)
    _wire_role(
        demo, live, role, buttons, store_box, (chatbot, cards, conv_list, examples_box),
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

    def reopened(raw: str, conv_id: str | None) -> list[Any]:
        found = asked_as.recall(conv.parse_store(raw), conv_id) if conv_id else None
        return _asked_updates(found, live.get().index)

    def changed(raw: str, r: str, binding: bool, picked: list[str] | None) -> str:
        store = conv.parse_store(raw)
        return conv.dump_store(asked_as.remember(store, asked_as.AskedAs.of(r, binding, picked)))

    conv_list.input(reopened, [store_box, conv_list], [role, only_binding, documents], **hide)
    for box in (role, only_binding, documents):
        box.input(changed, [store_box, role, only_binding, documents], [store_box], **hide).then(
            None, [store_box], None, js=chat.SAVE_JS
        )


def _wire_conversations(
    live: chat.LiveLike,
    store_box: gr.Textbox,
    conv_list: gr.Radio,
    new_chat: gr.Button,
    delete: gr.Button,
    exports: tuple[gr.Button, gr.Button],
    export_file: gr.File,
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

    def fresh(raw: str) -> tuple[Any, ...]:
        store = conv.parse_store(raw)
        return render({"active": "", "conversations": store["conversations"]})

    def pick(raw: str, conv_id: str | None) -> tuple[Any, ...]:
        store = conv.parse_store(raw)
        if not conv_id or conv_id == store["active"]:
            return tuple(gr.update() for _ in outputs)
        return render({"active": conv_id, "conversations": store["conversations"]})

    def remove(raw: str, conv_id: str | None) -> tuple[Any, ...]:
        return render(conv.delete(conv.parse_store(raw), conv_id or ""))

    save: dict[str, Any] = {"fn": None, "inputs": [store_box], "outputs": None, "js": chat.SAVE_JS}
    new_chat.click(fresh, [store_box], outputs, **hide).then(**save)
    conv_list.input(pick, [store_box, conv_list], outputs, **hide).then(**save)
    delete.click(remove, [store_box, conv_list], outputs, **hide).then(**save)

    def export(suffix: str) -> Any:
        def run(raw: str) -> Any:
            turns = conv.active_turns(conv.parse_store(raw))
            if not turns:
                return gr.update(visible=False)
            folder = Path(tempfile.mkdtemp(prefix="hjemmel-eksport-"))
            path = conv.export_conversation(turns, live.get().index, folder / f"samtale{suffix}")
            return gr.update(value=str(path), visible=True)

        return run

    exports[0].click(export(".md"), [store_box], [export_file], **hide)
    exports[1].click(export(".docx"), [store_box], [export_file], **hide)


def _wire_role(
    demo: gr.Blocks,
    live: chat.LiveLike,
    role: gr.Radio,
    buttons: list[gr.Button],
    store_box: gr.Textbox,
    shown: tuple[Any, Any, Any, Any],
    filters: tuple[gr.Checkbox, gr.CheckboxGroup],
) -> None:
    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}

    def on_role(r: str) -> list[Any]:
        return [gr.update(value=q) for q in chat.examples_for(r)]

    role.change(on_role, role, buttons, **hide)
    # Only a user's own choice is saved: a programmatic restore must never overwrite it.
    role.input(None, [role], None, js=chat.SAVE_ROLE_JS)

    def restore(raw: str, r: str | None) -> list[Any]:
        r = r if r in ROLES else "alle"
        store = conv.parse_store(raw)
        index = live.get().index
        chat_msgs, panel = chat.view(store, index, live.unlisted)
        # The open conversation goes on as it was asked; without one, the role last chosen.
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

    demo.load(
        restore,
        [store_box, role],
        [role, *filters, store_box, *shown, *buttons],
        js=chat.RESTORE_JS,
        **hide,
    ).then(None, js=chat.SHOW_ANSWER_JS)
