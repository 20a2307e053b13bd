"""The «Dokumenter» tab: the corpus as a table, a section reader, and (for editors) upload/removal.

Reads the live index's documents and passages (through `ui.render`); uploads and removals go
through `ui.upload`, which validates, writes the corpus folder and rebuilds the index, after which
the live holder (`ui.live`) serves the new build to the next request. It deliberately does not
search or rank anything. It shows the upload form only to editors (`may_edit`); that the server
refuses everyone else is `ui.guard`'s work, from the EDIT mark on each handler here.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.settings import Settings
from ingest.records import DOC_TYPES
from ui import upload
from ui.chat import LiveLike, document_choices
from ui.html_box import html_box
from ui.render import document_rows, reader_html, section_choices, status_label
from ui.rights import EDIT, READ, Rights, needs

HEADERS = ["Tittel", "Type", "Status", "Dato", "Avsnitt"]
STALE_TEXT = (
    "⚠️ Dokumentmappen er endret etter at indeksen ble bygd: svarene bygger på den forrige "
    "innlesingen. Les inn på nytt (`hjemmel ingest`, eller «Les inn på nytt» nedenfor)."
)


def may_edit(username: str | None, login_on: bool, allowed: Collection[str]) -> bool:
    """Without login (a local single-user install) everyone edits; with login, only editors.
    What the page shows; the server's own refusal is `ui.rights`' (the same rule)."""
    return Rights(login_on, frozenset(allowed)).may(username, EDIT)


def known_titles(index: Any) -> set[str]:
    """Every title and short title an upload must not take."""
    docs = index.documents.values()
    return {d.title for d in docs} | {str(getattr(d, "short_title", "") or "") for d in docs}


def is_stale(settings: Settings) -> bool:
    return settings.index_stale()


def _refresh(live: LiveLike, keep_filter: bool = False) -> tuple[Any, ...]:
    """Table, reader and removal lists, and the chat's document filter, after the index changed.
    `keep_filter`: leave the filter's ticks (a page load, where the open conversation sets them)."""
    index = live.get().index
    docs = [(d.title, d.id) for d in index.documents.values()]
    removable = [(d.title, d.id) for d in index.documents.values() if upload.removable(d.path)]
    choices = document_choices(index)
    return (
        document_rows(index, live.unlisted),
        gr.update(choices=docs),
        gr.update(choices=removable, value=None),
        gr.update(choices=choices) if keep_filter else gr.update(choices=choices, value=[]),
    )


def build_documents_tab(
    demo: gr.Blocks,
    live: LiveLike,
    settings: Settings,
    login_on: bool,
    filter_box: gr.CheckboxGroup,
) -> None:
    """Lay out the tab inside the current gr.Tab and wire its events."""
    index = live.get().index
    stale = gr.Markdown(STALE_TEXT, visible=False, elem_id="stale-note")
    table = gr.Dataframe(
        value=document_rows(index, live.unlisted),
        headers=HEADERS,
        interactive=False,
        wrap=True,
        elem_id="documents-table",
        column_widths=["52%", "13%", "12%", "12%", "11%"],
    )
    docs = [(d.title, d.id) for d in index.documents.values()]
    first = docs[0][1] if docs else None
    first_sections = section_choices(index, first) if first else []
    with gr.Row():
        doc = gr.Dropdown(
            choices=docs, value=first, label="Dokument", scale=3, elem_id="reader-doc"
        )
        section = gr.Dropdown(
            choices=first_sections,
            value=first_sections[0][1] if first_sections else None,
            label="Punkt",
            scale=2,
            elem_id="reader-section",
        )
    reader = html_box(
        reader_html(index, first_sections[0][1], live.unlisted) if first_sections else "",
        elem_id="reader",
    )

    @needs(READ)
    def pick_document(doc_id: str | None) -> tuple[Any, str]:
        idx = live.get().index
        choices = section_choices(idx, doc_id) if doc_id else []
        value = choices[0][1] if choices else None
        return gr.update(choices=choices, value=value), reader_html(idx, value or "", live.unlisted)

    @needs(READ)
    def pick_section(passage_id: str | None) -> str:
        return reader_html(live.get().index, passage_id or "", live.unlisted)

    hide: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    # `.input`: only a user's choice re-reads the section; a place opened from «Lovhenvisninger»
    # sets both dropdowns itself and must not be overwritten by the section's start.
    doc.input(pick_document, doc, [section, reader], **hide)
    section.input(pick_section, section, reader, **hide)
    _wire_goto(live, doc, section, reader)
    with gr.Column(visible=not login_on, elem_id="editor") as editor:
        remove_box = _build_editor(live, settings, table, doc, filter_box, login_on)
    refreshed = [table, doc, remove_box, filter_box]

    @needs(READ)
    def on_load(request: gr.Request) -> tuple[Any, ...]:
        allowed = may_edit(getattr(request, "username", None), login_on, settings.editor_names)
        shown = (gr.update(visible=is_stale(settings)), gr.update(visible=allowed))
        return (*shown, *_refresh(live, keep_filter=True))

    demo.load(on_load, None, [stale, editor, *refreshed], **hide)


def _wire_goto(live: LiveLike, doc: gr.Dropdown, section: gr.Dropdown, reader: Any) -> None:
    """Open passages in the reader from elsewhere on the page: page.js puts their ids («id,id|
    nonce») in the hidden #reader-goto box (a place in «Lovhenvisninger») and scrolls the marked
    passage into view; no `js=` snippet (the page's CSP forbids eval)."""
    wanted = gr.Textbox(visible="hidden", elem_id="reader-goto", show_label=False)

    @needs(READ)
    def open_passages(value: str) -> tuple[Any, Any, str]:
        index = live.get().index
        ids = (value or "").partition("|")[0]
        chosen = [index.by_id[i] for i in ids.split(",") if i in index.by_id]
        if not chosen:
            return gr.update(), gr.update(), reader_html(index, "", live.unlisted)
        first = chosen[0]
        sections = section_choices(index, first.doc_id)
        key = next((k for _, k in sections if index.by_id[k].section == first.section), first.id)
        marked = {p.id for p in chosen}
        return (
            gr.update(value=first.doc_id),
            gr.update(choices=sections, value=key),
            reader_html(index, first.id, live.unlisted, marked),
        )

    wanted.change(
        open_passages, [wanted], [doc, section, reader],
        api_visibility="private", show_progress="hidden",
    )  # fmt: skip


def _build_editor(
    live: LiveLike,
    settings: Settings,
    table: gr.Dataframe,
    doc: gr.Dropdown,
    filter_box: gr.CheckboxGroup,
    login_on: bool = False,
) -> gr.Dropdown:
    gr.Markdown(
        "### Legg til et dokument\nEt opplastet dokument er lokalt: det merkes «Lokal» med hvem "
        "som lastet det opp og når, og vises aldri som gjeldende nasjonal regel."
    )
    with gr.Row():
        file = gr.File(
            label="Fil (PDF, HTML eller tekst)",
            file_types=list(upload.SUFFIXES),
            elem_id="upload-file",
            scale=2,
        )
        with gr.Column(scale=3):
            title = gr.Textbox(label="Tittel", elem_id="upload-title")
            with gr.Row():
                # Custom values reach `upload.check_meta`, whose message is Norwegian and names
                # the choices (Gradio's own refusal of a value outside the list is English).
                doc_type = gr.Dropdown(
                    choices=list(DOC_TYPES),
                    value="lokal instruks",
                    label="Type",
                    elem_id="upload-type",
                    allow_custom_value=True,
                )
                status = gr.Dropdown(
                    choices=[(status_label(s), s) for s in upload.UPLOAD_STATUSES],
                    value="lokal",
                    label="Status",
                    elem_id="upload-status",
                    allow_custom_value=True,
                )
            with gr.Row():
                issuer = gr.Textbox(label="Utsteder", elem_id="upload-issuer")
                date = gr.Textbox(label="Dato (ÅÅÅÅ-MM-DD)", elem_id="upload-date")
            # With login the logged-in user is the uploader; without, the form asks.
            uploader = gr.Textbox(
                label="Lastet opp av (navn eller enhet)",
                visible=not login_on,
                elem_id="upload-by",
            )
    add = gr.Button("Last opp og les inn", variant="primary", elem_id="upload-button")
    message = gr.Markdown(elem_id="upload-message")
    gr.Markdown("### Fjern et opplastet dokument")
    with gr.Row():
        remove_box = gr.Dropdown(choices=[], label="Dokument", elem_id="remove-doc", scale=3)
        remove = gr.Button("Fjern og les inn på nytt", elem_id="remove-button", scale=1)
        reingest = gr.Button("Les inn på nytt", elem_id="reingest-button", scale=1)
    outputs = [message, table, doc, remove_box, filter_box]

    def steps(progress: gr.Progress) -> upload.Progress:
        return lambda share, text: progress(share, desc=text)

    @needs(EDIT)
    def do_add(
        path: str | None,
        title_text: str,
        type_value: str,
        status_value: str,
        issuer_text: str,
        date_text: str,
        uploaded_by: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio injects it)
    ) -> tuple[Any, ...]:
        if not path:
            return ("❌ Velg en fil å laste opp.", *[gr.update()] * 6)
        who = getattr(request, "username", None) or uploaded_by or ""
        meta = upload.DocumentMeta(
            title_text or "", type_value, issuer_text or "", date_text or "", status_value, who
        )
        titles = known_titles(live.get().index)
        try:
            doc_id = upload.add_document(settings, Path(path), meta, titles, steps(progress))
        except upload.UploadError as exc:
            return (f"❌ {exc}", *[gr.update()] * 6)
        live.get()  # switch now, so the tables below already show the new build
        done = f"✅ «{meta.title.strip()}» er lest inn (id «{doc_id}»)."
        return (done, *_refresh(live), gr.update(value=None), "")

    @needs(EDIT)
    def do_remove(doc_id: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        documents = live.get().index.documents
        if not doc_id or doc_id not in documents:
            return ("❌ Velg et opplastet dokument å fjerne.", *[gr.update()] * 4)
        try:
            upload.remove_document(settings, doc_id, documents[doc_id].path, steps(progress))
        except upload.UploadError as exc:
            return (f"❌ {exc}", *[gr.update()] * 4)
        live.get()
        return (f"✅ «{documents[doc_id].title}» er fjernet.", *_refresh(live))

    @needs(EDIT)
    def do_reingest(progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        try:
            upload.reingest(settings, steps(progress))
        except upload.UploadError as exc:
            return (f"❌ {exc}", *[gr.update()] * 4)
        live.get()
        return ("✅ Indeksen er bygd på nytt.", *_refresh(live))

    inputs = [file, title, doc_type, status, issuer, date, uploader]
    # A successful upload empties the file and title, so it is not sent twice by mistake.
    add.click(do_add, inputs, [*outputs, file, title], api_name="upload", show_progress="full")
    remove.click(do_remove, [remove_box], outputs, api_name="remove_document", show_progress="full")
    reingest.click(do_reingest, None, outputs, api_visibility="private", show_progress="full")
    return remove_box
