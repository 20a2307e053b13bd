"""The «Dokumenter» tab: the corpus as a table and a section-by-section reader.

Reads only the opened index's documents and passages (through `ui.render`); it deliberately does
not search or rank anything.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.render import IndexView, document_rows, reader_html, section_choices

HEADERS = ["Tittel", "Type", "Status", "Dato", "Avsnitt"]


def build_documents_tab(index: IndexView) -> None:
    """Lay out the table and reader inside the current tab and wire the two dropdowns."""
    gr.Dataframe(
        value=document_rows(index),
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
    reader = gr.HTML(
        reader_html(index, first_sections[0][1]) if first_sections else "",
        elem_id="reader",
        js_on_load=None,
    )

    def pick_document(doc_id: str | None) -> tuple[Any, str]:
        choices = section_choices(index, doc_id) if doc_id else []
        value = choices[0][1] if choices else None
        return gr.update(choices=choices, value=value), reader_html(index, value or "")

    def pick_section(passage_id: str | None) -> str:
        return reader_html(index, passage_id or "")

    doc.change(pick_document, doc, [section, reader], api_visibility="private")
    section.change(pick_section, section, reader, api_visibility="private")
