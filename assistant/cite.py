"""Formal references for citations: issuer, title, status and date, punkt, avsnitt, side.

«Justis- og beredskapsdepartementet og Helse- og omsorgsdepartementet: Rundskriv om … (gjeldende),
punkt 7.1.3 Helse- og omsorgstjenestens ansvar, 2. avsnitt, side 31». The avsnitt is counted
within the passage's section: list items and footnotes belong to the paragraph before them and are
named as such («2. avsnitt, 3. strekpunkt»).

It deliberately does not choose what to cite or quote (compose does) and keeps no state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ingest.records import STATUS_LABELS, Document, Passage


class PassageSource(Protocol):
    """All a formal reference needs of an index: its passages, to count avsnitt."""

    @property
    def passages(self) -> Sequence[Passage]: ...


_NOT_AVSNITT = frozenset({"heading", "footnote"})
# Said wherever a non-binding source is quoted, so it is never taken for the rule: what the source
# is, by status. One wording for answers (named, `source_note`), exports and quote checks (`NOT_BINDING`).
_NOT_BINDING_AS = {
    "utkast": "et høringsutkast, ikke gjeldende regelverk",
    "innspill": "et høringsinnspill (en mening), ikke en regel",
    "informasjon": "informasjon, ikke regelverk",
    "historisk": "historisk og beskriver ikke nødvendigvis dagens regler",
    "ukjent": "uten oppføring i manifestet (ukjent status), ikke nødvendigvis gjeldende regelverk",
}
NOT_BINDING = {status: f"Kilden er {what}." for status, what in _NOT_BINDING_AS.items()}


def source_note(doc: Document) -> str | None:
    """The label a non-binding source carries in an answer, naming it; None for binding sources."""
    what = _NOT_BINDING_AS.get(doc.status)
    if what is None:
        return None
    if doc.status == "innspill":
        issuer = doc.issuer.split(" (")[0]
        return f"Kilden er {what.replace('høringsinnspill', f'høringsinnspill fra {issuer}', 1)}."
    return f"Kilden «{doc.title}» er {what}."


def norwegian_date(date: str | None) -> str | None:
    """«2023-05-29» → «29.05.2023»; other forms are returned as written, "" as None."""
    if not date:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else date


def status_label(document: Document) -> str:
    """«gjeldende», «utkast, 02.03.2023»: the source's authority and date, lower case."""
    label = STATUS_LABELS.get(document.status, document.status).lower()
    date = norwegian_date(document.date)
    return f"{label}, {date}" if date else label


def _continues_list(prev: Passage | None, item: Passage) -> bool:
    """Whether list item `item` carries on the avsnitt of `prev` rather than starting a new one."""
    if prev is None:
        return False
    if prev.kind == "list_item":
        return prev.context == item.context
    # After a paragraph: its own list unless the item names a lead-in that paragraph does not end with
    # (lead-ins are kept as context, not as passages, so they open a new avsnitt).
    return not item.context or prev.text.rstrip().endswith(item.context.strip())


def avsnitt_position(passage: Passage, index: PassageSource) -> tuple[int | None, int | None]:
    """(n-th avsnitt in the section, n-th list item in it); (None, None) if not countable."""
    if passage.kind in _NOT_AVSNITT:
        return None, None
    paragraph, item, prev = 0, 0, None
    for p in index.passages:
        if p.doc_id != passage.doc_id or p.section != passage.section or p.kind in _NOT_AVSNITT:
            continue
        if p.kind != "list_item":
            paragraph, item = paragraph + 1, 0
        elif _continues_list(prev, p):
            item += 1
        else:
            paragraph, item = paragraph + 1, 1
        prev = p
        if p.id == passage.id:
            return paragraph, (item if p.kind == "list_item" else None)
    return None, None


def section_label(section: str, heading: str) -> str:
    """«punkt 7.1.3 Helse- og omsorgstjenestens ansvar», or «under «Heading»» when unnumbered."""
    heading = heading.strip()
    if re.fullmatch(r"\d+(?:\.\d+)*", section):  # unnumbered documents get slug sections
        # Headings may or may not repeat their number («7.1.3 Helse- …»): write it once.
        heading = re.sub(rf"^{re.escape(section)}\.?\s*", "", heading)
        return f"punkt {section} {heading}".strip()
    return f"under «{heading}»" if heading else ""


def formal_reference(document: Document, passage: Passage, index: PassageSource) -> str:
    """One citation in formal style, e.g. «…: Rundskriv om … (gjeldende), punkt 7.1.3 …, 2. avsnitt»."""
    parts = [f"{document.issuer}: {document.title} ({status_label(document)})"]
    section = section_label(passage.section, passage.heading)
    if section:
        parts.append(section)
    if passage.kind == "footnote":
        number = re.match(r"\s*(\d+)", passage.text)
        parts.append(f"fotnote {number.group(1)}" if number else "fotnote")
    else:
        paragraph, item = avsnitt_position(passage, index)
        if paragraph is not None:
            parts.append(f"{paragraph}. avsnitt")
        if item is not None:
            parts.append(f"{item}. strekpunkt")
    if passage.page is not None:
        parts.append(f"side {passage.page}")
    return ", ".join(parts)
