"""How the page names a source and a place in it: status badges, the uploader, section labels.

- A status badge shows the source's standing; a local document (uploaded here, or a local
  instruction) gets its own badge («Lokal», «Lokal · utkast»), never the national sources' green
  «Gjeldende», and its card says who uploaded it and when.
- A place is what a reader can find in the source: «7.1.3 Helse- og omsorgstjenestens ansvar» for
  a numbered section, «side 27 i høringsutkastet» for a consultation comment on a page of the
  draft, the heading alone for an unnumbered document. An internal section id («side-27»,
  «rutine-for-tilsyn», «0») is never shown. A page number is shown only where the source has
  pages (a PDF); the bundled text files have none.

Pure functions, string in, string out (HTML-escaped where markup is made). It deliberately holds no
Gradio code and decides nothing about answers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from typing import Any

from ingest.records import STATUS_LABELS, Passage

UNKNOWN_STATUS = "ukjent"
LOCAL = "lokal"
_NUMBERED = re.compile(r"\d+(?:\.\d+)*")
_DRAFT_PAGE = re.compile(r"side-(\d+)")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize() or "Ukjent")


def shown_status(document: Any, unlisted: Collection[str] = ()) -> str:
    """The status the page shows: «ukjent» for a file the manifest does not describe."""
    return UNKNOWN_STATUS if document.id in unlisted else str(document.status)


def is_local(document: Any) -> bool:
    return bool(getattr(document, "is_local", False))


def status_badge(status: str, local: bool = False) -> str:
    """The badge of a status; a local document's says «Lokal» first, in its own colour."""
    if local and status != UNKNOWN_STATUS:
        label = "Lokal" if status == LOCAL else f"Lokal · {status_label(status).lower()}"
        return (
            f'<span class="badge badge-lokal" title="Lokalt dokument">{html.escape(label)}</span>'
        )
    label = status_label(status)
    css = re.sub(r"[^a-z]", "", status.lower()) or "ukjent"
    return f'<span class="badge badge-{css}">{html.escape(label)}</span>'


def document_badge(document: Any, unlisted: Collection[str] = ()) -> str:
    return status_badge(shown_status(document, unlisted), is_local(document))


def document_status_text(document: Any, unlisted: Collection[str] = ()) -> str:
    """The status as plain text for tables: «Lokal (lastet opp av kari, 2026-12-02 14:05)»."""
    status = shown_status(document, unlisted)
    if not is_local(document) or status == UNKNOWN_STATUS:
        return status_label(status)
    label = "Lokal" if status == LOCAL else f"Lokal · {status_label(status).lower()}"
    uploaded = uploaded_text(document)
    return f"{label} ({uploaded[0].lower()}{uploaded[1:]})" if uploaded else label


def uploaded_text(document: Any) -> str:
    """«Lastet opp av kari, 2026-12-02 14:05», or "" for a document not uploaded here."""
    who = str(getattr(document, "uploaded_by", "") or "")
    when = str(getattr(document, "uploaded_at", "") or "")
    if not who and not when:
        return ""
    return ", ".join(x for x in (f"Lastet opp av {who}" if who else "Lastet opp", when) if x)


def uploaded_html(document: Any) -> str:
    text = uploaded_text(document)
    return f'<div class="card-uploaded">{html.escape(text)}</div>' if text else ""


def place_label(passage: Passage) -> str:
    """Where a passage stands, as its source names it; "" when the source has no sections."""
    heading = " ".join(passage.heading.split())
    section = passage.section
    draft_page = _DRAFT_PAGE.fullmatch(section)
    if draft_page and passage.kind == "comment":
        return f"side {draft_page.group(1)} i høringsutkastet"
    if _NUMBERED.fullmatch(section) and section != "0":
        if heading.startswith(section):
            return heading
        return f"{section} {heading}".strip()
    return heading  # an unnumbered document: its heading, never the slug made of it
