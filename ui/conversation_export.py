"""A conversation as a Markdown or Word file, made in memory and sent straight to the browser.

Contract:

    conversation_markdown(turns, index) -> str       each answer as `hjemmel ask --export` writes
    export_bytes(turns, index, suffix) -> bytes      ".md" (UTF-8) or ".docx"
    export_payload(turns, index, suffix) -> str      JSON {name, mime, data (base64), nonce}: what
        the page's hidden «export-out» box receives; page.js turns it into a download

A conversation holds what the user typed, personal data included. So nothing here touches the
disk: no temporary folder, nothing in Gradio's file cache (which is world-readable and served by
path), only bytes in the reply to the user who asked for them. The conversation's note about
dropped turns (`ui.conversations.dropped_note`) comes first. It deliberately formats nothing of
its own beyond that: answers are `assistant.export`'s.
"""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.legal.verify import CorpusView
from ui.conversations import rebuild_answer

MIME = {
    ".md": "text/markdown; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def conversation_markdown(
    turns: Sequence[Mapping[str, Any]], index: CorpusView, note: str = ""
) -> str:
    """The whole conversation as Markdown, each answer as `hjemmel ask --export` writes it."""
    from assistant.export import answer_to_markdown

    parts = [answer_to_markdown(rebuild_answer(t, index), index) for t in turns]
    head = f"*{note}*\n\n" if note else ""
    return head + "\n---\n\n".join(parts)


def _docx_markdown(turn: Mapping[str, Any], index: CorpusView) -> str:
    """One answer's Markdown without block quotes (the .docx writer has no quote blocks)."""
    from assistant.export import answer_to_markdown

    return re.sub(r"(?m)^>\s?", "", answer_to_markdown(rebuild_answer(turn, index), index))


def export_bytes(
    turns: Sequence[Mapping[str, Any]], index: CorpusView, suffix: str, note: str = ""
) -> bytes:
    if suffix == ".docx":
        from docx import Document as new_docx

        from assistant.export import _add_markdown

        doc = new_docx()
        doc.core_properties.title = "Samtale (hjemmel)"
        if note:
            doc.add_paragraph().add_run(note).italic = True
        for t in turns:
            _add_markdown(doc, _docx_markdown(t, index))
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    if suffix == ".md":
        return conversation_markdown(turns, index, note).encode("utf-8")
    raise ValueError(f"unknown export format {suffix!r}")


def export_payload(
    turns: Sequence[Mapping[str, Any]], index: CorpusView, suffix: str, note: str = ""
) -> str:
    data = export_bytes(turns, index, suffix, note)
    return json.dumps(
        {
            "name": f"samtale{suffix}",
            "mime": MIME[suffix],
            "data": base64.b64encode(data).decode("ascii"),
            "nonce": uuid.uuid4().hex,
        }
    )
