"""Build and launch the Gradio page over the Assistant API (used by `hjemmel serve` and the tests).

`create_app(settings)` first rolls back an upload a crash left half done (`ui.upload.recover_edits`),
then opens the index through the live holder (`ui.live`, which follows later rebuilds) and returns
the page, or a one-message page when no index exists; `launch(...)` serves
it with the project's CSS/JS, Norwegian interface strings and optional login. It deliberately
contains no retrieval or answer logic and no command-line parsing (that is `ui.serve`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.redact import PRIVACY_NOTICE
from assistant.settings import Settings
from ui.auth import load_users
from ui.chat_page import build_chat_tab
from ui.documents import build_documents_tab
from ui.evaluation import build_evaluation_tab
from ui.feedback import FeedbackStore
from ui.legal import legal_tabs
from ui.live import LiveAssistant
from ui.server import configure_queue, launch_options

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TITLE = "hjemmel – taushetsplikt og isolasjon i fengsel"
MISSING_INDEX_TEXT = "Fant ingen indeks. Kjør `hjemmel ingest` (eller `make run`)."
INTRO = (
    "## hjemmel\n"
    "Kildebundne svar om taushetsplikt og isolasjon for kriminalomsorgen og helsetjenesten i "
    "fengsel. Hvert svar viser avsnittene det bygger på; utkast og innspill er merket som det.\n\n"
    f"*{PRIVACY_NOTICE}*"
)


def page_css() -> str:
    return (HERE / "style.css").read_text(encoding="utf-8")


def page_head() -> str:
    return f"<script>{(HERE / 'page.js').read_text(encoding='utf-8')}</script>"


def build_app(assistant: Any, settings: Settings) -> gr.Blocks:
    """The full page: «Samtale» and «Dokumenter» tabs and the legal advisers' tabs.

    `assistant` is a `LiveAssistant`, or an opened Assistant that becomes the live holder's first.
    """
    live = (
        assistant
        if isinstance(assistant, LiveAssistant)
        else LiveAssistant(settings, initial=assistant)
    )
    store = FeedbackStore(settings.feedback_db)
    login_on = bool(load_users(settings))
    with gr.Blocks(title=TITLE, fill_width=True) as demo:
        gr.Markdown(INTRO, elem_id="intro")
        with gr.Tabs():
            with gr.Tab("Samtale", id="chat-tab"):
                parts = build_chat_tab(demo, live, store)
            with gr.Tab("Dokumenter", id="documents-tab"):
                build_documents_tab(demo, live, settings, login_on, parts.documents)
            for label, builder in legal_tabs():
                with gr.Tab(label):
                    builder(live)  # reads `.index` per call, so it follows index swaps
            with gr.Tab("Evaluering", id="evaluation-tab"):
                build_evaluation_tab(live, settings)
    return demo


def build_missing_app(detail: str = "") -> gr.Blocks:
    """A small page that says the index is missing and how to build it."""
    with gr.Blocks(title=TITLE) as demo:
        gr.Markdown(f"## hjemmel\n\n{MISSING_INDEX_TEXT}", elem_id="missing-index")
        if detail:
            gr.Markdown(f"<small>{detail}</small>")
    return demo


def create_app(settings: Settings) -> gr.Blocks:
    """Open the index once; a missing index gives the explanatory page instead of a crash."""
    from assistant.api import Assistant, IndexMissingError
    from ingest.lock import IngestBusyError
    from ui.upload import UploadError, locked, recover_edits

    try:
        with locked(settings):  # an upload a crash interrupted is rolled back before serving
            recover_edits(settings)
    except (IngestBusyError, UploadError):
        log.warning("an ingest is running: interrupted uploads are checked at the next edit")
    try:
        live = LiveAssistant(settings, Assistant.load)
    except IndexMissingError as exc:
        log.warning("no index: %s", exc)
        return build_missing_app(str(exc))
    return build_app(live, settings)


def launch(
    demo: gr.Blocks,
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
    insecure_no_login: bool = False,
) -> gr.Blocks:
    """Serve `demo` with the page's CSS/JS and the optional login; returns once ready if not blocking."""
    options = launch_options(settings, host, insecure_no_login)  # ui.server: login, the guard
    configure_queue(demo, settings)  # ui.server: bounded answer pool, fair per client
    # uvicorn would take X-Forwarded-For from any loopback peer as the client's address; only
    # HJEMMEL_TRUSTED_PROXY may say who a client is (ui.clients), so uvicorn trusts no one.
    os.environ["FORWARDED_ALLOW_IPS"] = ""
    demo.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        **options,
        prevent_thread_lock=not block,
        css=page_css(),
        head=page_head(),
        footer_links=[],
        quiet=True,  # no «set share=True» hint: nothing here may leave the machine
        ssr_mode=False,
    )
    return demo
