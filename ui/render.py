"""Pure functions turning answers and index records into the chat page's Markdown and HTML.

Everything here is string in, string out: an Answer becomes chat Markdown with clickable [n] markers
and a panel of citation cards; documents become table rows and a section reader. All source text is
HTML-escaped before it is placed in markup. It deliberately holds no Gradio code, no retrieval and no
answer logic: it only formats what the Assistant API returned.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from assistant.legal.cite import formal_reference
from assistant.records import Answer, Citation
from ingest.records import Document, Passage
from ui.lists import with_placeholders
from ui.plain_source import as_text, one_block
from ui.reader import section_markup
from ui.sources import (
    document_badge,
    document_status_text,
    place_label,
    shown_status,
    status_badge,
    status_label,
    uploaded_html,
)

__all__ = ["shown_status", "status_badge", "status_label"]  # re-exported: ui.sources has them

# «[3]» or «[1, 2]» — the markers the composer puts at the end of bullets.
_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\](?!\()")
# A section view longer than this is cut around the cited passage: the card must stay readable.
MAX_SECTION_PASSAGES = 40


class IndexView(Protocol):
    """The read-only part of `ingest.index.Index` the page shows."""

    @property
    def documents(self) -> Mapping[str, Document]: ...

    @property
    def passages(self) -> Sequence[Passage]: ...


def card_anchor(turn: int, n: int) -> str:
    """The element id of citation `n` of answer number `turn` (1-based), unique on the page."""
    return f"kilde-{turn}-{n}"


def linkify_markers(text: str, turn: int) -> str:
    """Turn each [n] marker into a Markdown link to its citation card."""

    def link(match: re.Match[str]) -> str:
        numbers = [s.strip() for s in match.group(1).split(",")]
        return "".join(f"[\\[{n}\\]](#{card_anchor(turn, int(n))})" for n in numbers)

    return _MARKERS.sub(link, text)


def answer_markdown(answer: Answer, turn: int, index: IndexView | None = None) -> str:
    """The chat bubble for an answer: topic line, the direct answer with linked markers, and
    «Mer i kildene» folded below it. Given the index, a quoted list's «(N punkter til i listen)»
    opens in place to show those items (`ui.lists`).

    Quoted source text may contain «<» or «&»; escaping keeps it text (the chat renders HTML tags),
    while Markdown still renders the escaped entities as the original characters. A line that is
    the composer's own note («> Kilden … er et høringsutkast») stays a Markdown quote.
    """
    text, folds = with_placeholders(answer, index) if index is not None else (answer.text, {})
    body = re.sub(r"(?m)^&gt; ", "> ", html.escape(text, quote=False))
    body = linkify_markers(as_text(body, answer), turn)  # a document's Markdown is text
    for token, fold in folds.items():
        body = body.replace(token, fold)
    parts = []
    if answer.topics:
        topics = ", ".join(html.escape(t, quote=False) for t in answer.topics)
        parts.append(f"*Tema: {topics}*\n\n")
    if not answer.direct and NOT_DIRECT not in answer.text:
        parts.append(f"**{NOT_DIRECT}.**\n\n")
    parts.append(body)
    if answer.further:
        items = "".join(
            f'<li><a href="#{card_anchor(turn, c.n)}">[{c.n}]</a> '
            f"{html.escape(short_title(c.document))}, {html.escape(section_title(c.passage))}: "
            f"«{html.escape(_clip(c.quote))}»</li>"
            for c in answer.further
        )
        parts.append(
            f'\n\n<details class="further"><summary>Mer i kildene ({len(answer.further)})'
            f"</summary><ul>{items}</ul></details>"
        )
    return "".join(parts)


NOT_DIRECT = "Kildene svarer ikke direkte på dette"
UNKNOWN_STATUS = "ukjent"


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_title(document: Any) -> str:
    """The short title cards and lead lines show; the full title stays in the reader and references."""
    return str(getattr(document, "short_title", "") or document.title)


def section_title(passage: Passage) -> str:
    """«7.1.3 Helse- og omsorgstjenestens ansvar», «side 27 i høringsutkastet», or an unnumbered
    document's heading: never an internal section id (`ui.sources.place_label`)."""
    return place_label(passage)


def highlight(text: str, quote: str, css_class: str = "") -> str:
    """Escape `text` and wrap the first occurrence of `quote` in <mark>."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return html.escape(text)
    attr = f' class="{css_class}"' if css_class else ""
    return (
        html.escape(text[:at])
        + f"<mark{attr}>{html.escape(quote)}</mark>"
        + html.escape(text[at + len(quote) :])
    )


def section_passages(index: IndexView, passage: Passage) -> list[Passage]:
    """The passages of `passage`'s section in document order (same heading path if unnumbered)."""
    if passage.section:
        same = [
            p for p in index.passages if p.doc_id == passage.doc_id and p.section == passage.section
        ]
    else:
        same = [
            p
            for p in index.passages
            if p.doc_id == passage.doc_id and p.heading_path == passage.heading_path
        ]
    if not any(p.id == passage.id for p in same):
        return [passage]
    if len(same) > MAX_SECTION_PASSAGES:
        at = next(i for i, p in enumerate(same) if p.id == passage.id)
        lo = max(0, at - MAX_SECTION_PASSAGES // 2)
        same = same[lo : lo + MAX_SECTION_PASSAGES]
    return same


def section_html(index: IndexView, passage: Passage, quote: str = "") -> str:
    """The whole section as the source lays it out (`ui.reader`: lead-ins, bullets), the cited
    passage marked and its quote highlighted."""
    return section_markup(section_passages(index, passage), {passage.id}, quote)


def _card_header(citation: Citation, unlisted: Collection[str] = ()) -> str:
    doc, p = citation.document, citation.passage
    where = " · ".join(
        x
        for x in (
            section_title(p),
            f"side {p.page}" if p.page is not None else "",
        )
        if x
    )
    return (
        f'<div class="card-head"><span class="card-n">[{citation.n}]</span> '
        f"{document_badge(doc, unlisted)} "
        f'<span class="card-title" title="{html.escape(doc.title)}">'
        f"{html.escape(short_title(doc))}</span></div>"
        f'<div class="card-where">{html.escape(where)}</div>{uploaded_html(doc)}'
    )


def citation_card(
    citation: Citation, turn: int, index: IndexView, unlisted: Collection[str] = ()
) -> str:
    """One card: title, status badge, section and page, passage with the quote <mark>ed, actions."""
    p = citation.passage
    ref = formal_reference(citation.document, p, index)
    unverified = (
        "" if citation.verified else '<div class="card-warn">Sitatet er ikke bekreftet.</div>'
    )
    context = f'<div class="card-context">{html.escape(p.context)}</div>' if p.context else ""
    return (
        f'<div class="cite-card" id="{card_anchor(turn, citation.n)}" '
        f'data-passage="{html.escape(p.id)}">'
        f"{_card_header(citation, unlisted)}{context}"
        f'<div class="card-text">{highlight(p.text, citation.quote, "quote")}</div>'
        f"{unverified}"
        '<details class="card-section"><summary>Vis i dokumentet</summary>'
        f'<div class="section-view"><div class="section-doc">{html.escape(citation.document.title)}'
        f"</div>{section_html(index, p, citation.quote)}</div></details>"
        '<div class="card-ref">'
        f'<button type="button" class="copy-ref" data-ref="{html.escape(ref)}">'
        "Kopier henvisning</button>"
        f'<span class="ref-text">{html.escape(ref)}</span></div></div>'
    )


def answer_cards(
    answer: Answer,
    turn: int,
    index: IndexView,
    unlisted: Collection[str] = (),
    copy_text: str = "",
) -> str:
    """The citation panel's block for one answer: copy button, notes, one card per citation, and
    the «Mer i kildene» cards folded."""
    parts = [f'<div class="answer-cards" data-turn="{turn}">']
    if copy_text:
        parts.append(
            f'<button type="button" class="copy-answer" data-text="{html.escape(copy_text)}">'
            "Kopier svaret med kilder</button>"
        )
    for note in answer.notes:
        parts.append(f'<div class="card-note">{html.escape(note)}</div>')
    if not answer.citations and not answer.further:
        parts.append('<div class="no-cites">Ingen kilder for dette svaret.</div>')
    parts.extend(citation_card(c, turn, index, unlisted) for c in answer.citations)
    if answer.further:
        cards = "".join(citation_card(c, turn, index, unlisted) for c in answer.further)
        parts.append(
            f'<details class="further-cards"><summary>Mer i kildene ({len(answer.further)})'
            f"</summary>{cards}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


PANEL_HINT = (
    '<div class="panel-hint">Kildene til tidligere svar vises når du klikker på en kildemarkør '
    "i svaret.</div>"
)


def panel_html(block: str = "", turn: int = 0, note: str = "") -> str:
    """The panel: the cards of one answer (the newest, or one whose marker was clicked).

    Only that answer's cards are sent: a long conversation's reply stays small. Earlier answers'
    cards come back when one of their [n] markers is clicked (page.js asks for them).
    """
    if not block:
        empty = '<div class="panel-empty">Kildene til svaret vises her, med sitatet uthevet.</div>'
        return one_block(
            f'<div class="card-note">{html.escape(note)}</div>{empty}' if note else empty
        )
    head = f'<h3 class="panel-h">Kilder for svar {turn}</h3>'
    hint = PANEL_HINT if turn > 1 else ""
    shown = f'<div class="card-note">{html.escape(note)}</div>' if note else ""
    return one_block(head + shown + block + hint)


def document_rows(index: IndexView, unlisted: Collection[str] = ()) -> list[list[str | int]]:
    """Rows for the «Dokumenter» table: title, type, status, date, passage count."""
    counts: dict[str, int] = {}
    for p in index.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    return [
        [
            d.title,
            d.type,
            document_status_text(d, unlisted),
            d.date or "",
            counts.get(d.id, 0),
        ]
        for d in index.documents.values()
    ]


def section_choices(index: IndexView, doc_id: str) -> list[tuple[str, str]]:
    """(label, key) for each section of a document in order; key is the first passage's id."""
    seen: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
    for p in index.passages:
        if p.doc_id != doc_id:
            continue
        key = (p.section, () if p.section else p.heading_path)
        if key not in seen:
            label = section_title(p) or "(uten overskrift)"
            seen[key] = (label, p.id)
    return list(seen.values())


def reader_html(
    index: IndexView,
    passage_id: str,
    unlisted: Collection[str] = (),
    marked: Collection[str] = (),
) -> str:
    """A section of a document for the reader, laid out as the source has it (lead-ins, bullets,
    footnotes), with page numbers where the source has pages; `marked` passages are highlighted
    (a place opened from «Lovhenvisninger»)."""
    by_id = getattr(index, "by_id", None) or {p.id: p for p in index.passages}
    passage = by_id.get(passage_id)
    if passage is None:
        return '<div class="panel-empty">Velg et dokument og et punkt.</div>'
    doc = index.documents.get(passage.doc_id)
    title = html.escape(doc.title) if doc else ""
    badge = document_badge(doc, unlisted) if doc else ""
    uploaded = uploaded_html(doc) if doc else ""
    body = section_markup(section_passages(index, passage), set(marked), pages=True)
    heading = html.escape(section_title(passage))
    return one_block(
        f'<div class="reader">{badge} <b>{title}</b>{uploaded}<h3>{heading}</h3>{body}</div>'
    )
