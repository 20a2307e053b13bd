"""The «Samtale» tab: role selector, chat, example questions, feedback, and the citation panel.

Handlers only turn page state into `assistant.ask(question, role, history)` calls and format the
Answer with `ui.render`. Per-session state (earlier turns, each answer's cards and feedback data)
lives in gr.State so two browser tabs never share a conversation. It deliberately holds no
retrieval or answer logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import gradio as gr

from assistant.records import ROLE_LABELS, ROLES, Answer, Turn
from ui.feedback import FeedbackStore
from ui.render import IndexView, answer_cards, answer_markdown, panel_html

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


class AssistantLike(Protocol):
    """The part of `assistant.api.Assistant` the page uses."""

    @property
    def index(self) -> IndexView: ...

    def ask(self, question: str, role: str = ..., history: Sequence[Turn] = ...) -> Answer: ...


def examples_for(role: str) -> list[str]:
    found = list(EXAMPLES.get(role, EXAMPLES["alle"]))
    return (found + list(EXAMPLES["alle"]))[:N_EXAMPLES]


def _ask(assistant: AssistantLike, index: IndexView) -> Callable[..., tuple[Any, ...]]:
    def respond(
        message: str,
        role: str,
        chat: list[dict[str, Any]] | None,
        turns: list[list[str]] | None,
        blocks: list[str] | None,
        answers: list[dict[str, Any]] | None,
    ) -> tuple[Any, ...]:
        chat, turns = list(chat or []), list(turns or [])
        blocks, answers = list(blocks or []), list(answers or [])
        question = (message or "").strip()
        if not question:
            return chat, panel_html(blocks), turns, blocks, answers, "", gr.update(), gr.update()
        role = role if role in ROLES else "alle"
        history = tuple(Turn(q, a) for q, a in turns)
        turn = len(turns) + 1
        try:
            answer = assistant.ask(question, role=role, history=history)
        except Exception:
            # The page must stay usable: log the cause, show a plain message, keep the chat.
            log.exception("ask failed")
            chat += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": ERROR_TEXT},
            ]
            turns.append([question, ""])
            blocks.append('<div class="no-cites">Ingen kilder: svaret feilet.</div>')
            answers.append({"question": question, "role": role, "text": ERROR_TEXT, "ids": []})
            return (
                chat,
                panel_html(blocks),
                turns,
                blocks,
                answers,
                "",
                gr.update(visible=False),
                "",
            )
        chat += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer_markdown(answer, turn)},
        ]
        turns.append([question, answer.text])
        blocks.append(answer_cards(answer, turn, index))
        answers.append(
            {
                "question": question,
                "role": role,
                "text": answer.text,
                "ids": [c.passage.id for c in answer.citations],
            }
        )
        return chat, panel_html(blocks), turns, blocks, answers, "", gr.update(visible=False), ""

    return respond


def _feedback(store: FeedbackStore, rating: int) -> Callable[..., tuple[str, str]]:
    def give(answers: list[dict[str, Any]] | None, comment: str) -> tuple[str, str]:
        if not answers:
            return "Still et spørsmål først.", comment
        _store(store, answers[-1], rating, comment)
        return "Takk! Tilbakemeldingen er lagret.", ""

    return give


def _store(store: FeedbackStore, entry: Mapping[str, Any], rating: int, comment: str) -> None:
    store.record(
        question=entry["question"],
        role=entry["role"],
        answer=entry["text"],
        passage_ids=entry["ids"],
        rating=rating,
        comment=comment or "",
    )


def _like(store: FeedbackStore) -> Callable[..., str]:
    def on_like(answers: list[dict[str, Any]] | None, data: gr.LikeData) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        # Every exchange adds exactly two messages (question, answer).
        turn = int(index) // 2
        if not answers or turn >= len(answers) or not isinstance(data.liked, bool):
            return ""
        _store(store, answers[turn], 1 if data.liked else -1, "")
        return "Takk! Tilbakemeldingen er lagret."

    return on_like


def build_chat_tab(demo: gr.Blocks, assistant: AssistantLike, store: FeedbackStore) -> None:
    """Lay out the chat tab inside the current gr.Blocks and wire its events."""
    index = assistant.index
    turns, blocks, answers = gr.State([]), gr.State([]), gr.State([])
    saved_role = gr.BrowserState("alle", storage_key="hjemmel-rolle")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, elem_id="chat-col"):
            role = gr.Radio(
                choices=[(ROLE_LABELS[r], r) for r in ROLES],
                value="alle",
                label="Jeg spør som",
                elem_id="role",
            )
            with gr.Column(elem_id="examples") as examples_box:
                gr.Markdown("**Eksempler på spørsmål** – klikk for å spørre:")
                buttons = [
                    gr.Button(q, size="sm", variant="secondary") for q in examples_for("alle")
                ]
            chatbot = gr.Chatbot(
                label="Samtale",
                show_label=False,
                height=440,
                placeholder=(
                    "Still et spørsmål om taushetsplikt, isolasjon eller samarbeid. "
                    "Svaret viser avsnittene det bygger på."
                ),
                elem_id="chat",
                feedback_options=("Like", "Dislike"),
            )
            with gr.Row():
                msg = gr.Textbox(
                    placeholder="Skriv spørsmålet ditt og trykk Enter …",
                    show_label=False,
                    scale=6,
                    elem_id="question",
                )
                send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
            with gr.Row(elem_id="feedback-row"):
                comment = gr.Textbox(
                    label="Kommentar til siste svar (valgfritt)", scale=4, elem_id="comment"
                )
                up = gr.Button("👍 Nyttig", elem_id="thumbs-up", scale=1)
                down = gr.Button("👎 Ikke nyttig", elem_id="thumbs-down", scale=1)
            fb_status = gr.Markdown(elem_id="feedback-status")
            new_chat = gr.Button("Ny samtale", size="sm", variant="secondary")
        with gr.Column(scale=2, elem_id="cite-col"):
            cards = gr.HTML(panel_html([]), elem_id="citations", js_on_load=None)

    respond = _ask(assistant, index)
    ask_inputs = [msg, role, chatbot, turns, blocks, answers]
    ask_outputs = [chatbot, cards, turns, blocks, answers, msg, examples_box, fb_status]
    msg.submit(respond, ask_inputs, ask_outputs, api_name="chat")
    send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
    for b in buttons:
        b.click(lambda q: q, b, msg, api_visibility="private").then(
            respond, ask_inputs, ask_outputs, api_visibility="private"
        )
    up.click(_feedback(store, 1), [answers, comment], [fb_status, comment], api_name="feedback_up")
    down.click(
        _feedback(store, -1), [answers, comment], [fb_status, comment], api_name="feedback_down"
    )
    chatbot.like(_like(store), [answers], [fb_status], api_visibility="private")

    def reset() -> tuple[Any, ...]:
        return [], panel_html([]), [], [], [], "", gr.update(visible=True), ""

    new_chat.click(reset, None, ask_outputs, api_visibility="private")

    def on_role(r: str) -> list[Any]:
        return [r, *[gr.update(value=q) for q in examples_for(r)]]

    role.change(on_role, role, [saved_role, *buttons], api_visibility="private")

    def restore(r: str | None) -> list[Any]:
        r = r if r in ROLES else "alle"
        # The «restored» class tells scripts (and the browser tests) the remembered role is set.
        return [
            gr.update(value=r, elem_classes=["restored"]),
            *[gr.update(value=q) for q in examples_for(r)],
        ]

    demo.load(
        restore, saved_role, [role, *buttons], api_visibility="private", show_progress="hidden"
    )
