"""Formal references for citations, written the way a Norwegian jurist writes them.

Full form, the first time a source is cited:
«JD og HOD, «Rundskriv om samarbeid …» (nr./dato ikke oppgitt), punkt 7.1.3, 2. avsnitt»;
short form after that: «Rundskrivet punkt 7.1.3, 2. avsnitt». Ministries are abbreviated (JD,
HOD), the title stands in «», the document's number and date come from the manifest and their
absence is said («nr./dato ikke oppgitt»), never guessed. The source's status (gjeldende, utkast …)
is not part of a reference: callers show it beside it (`status_label`).

The place is the document's own: punkt for numbered sections, «merknad til side 27 i
høringsutkastet» for a consultation response's comments, avsnitt counted within the section (or
the whole document when it has no sections of its own), strekpunkt for list items, fotnote, side.
A heading that quotes another document (a draft's recommendation inside an opinion) or only
repeats the title is never named.

It deliberately does not choose what to cite or quote (compose does) and keeps no state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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
    "lokal": "et lokalt dokument, ikke nasjonalt regelverk",
}
NOT_BINDING = {status: f"Kilden er {what}." for status, what in _NOT_BINDING_AS.items()}
# The same labels for an answer to a question asked in English.
_NOT_BINDING_AS_EN = {
    "utkast": "a consultation draft, not rules in force",
    "innspill": "a consultation response (an opinion), not a rule",
    "informasjon": "information, not rules",
    "historisk": "historical and does not necessarily describe today's rules",
    "ukjent": "not listed in the manifest (unknown status), not necessarily rules in force",
    "lokal": "a local document, not national rules",
}

# The abbreviations Norwegian legal writing uses for issuers; anything else is written in full.
ISSUER_ABBREVIATIONS = {
    "justis- og beredskapsdepartementet": "JD",
    "justisdepartementet": "JD",
    "helse- og omsorgsdepartementet": "HOD",
    "arbeids- og inkluderingsdepartementet": "AID",
    "kommunal- og distriktsdepartementet": "KDD",
    "kriminalomsorgsdirektoratet": "KDI",
}
# Document types that carry a number of their own (a circular's «G-2006-8», a guide's «IS-1234»).
_NUMBERED_TYPES = frozenset({"rundskriv", "veileder"})
# How a source is named once its full reference has been given.
_SHORT_NAMES = {
    "rundskriv": "Rundskrivet",
    "veileder": "Veilederen",
    "høringsutkast": "Høringsutkastet",
    "rapport": "Rapporten",
    "nettside": "Nettsiden",
    "lokal instruks": "Den lokale instruksen",
}
_MONTHS = ("januar februar mars april mai juni juli august september oktober november "
           "desember").split()  # fmt: skip
_DRAFT_PAGE = re.compile(r"side-(\d+)")


# How a non-binding source's note reads, by language: its labels, the word a consultation
# response's issuer is added to, and the sentence naming the issuer or the title.
_NOTE = {
    "nb": (_NOT_BINDING_AS, ("høringsinnspill", "høringsinnspill fra {issuer}"),
           "Kilden er {what}.", "Kilden «{title}» er {what}."),
    "en": (_NOT_BINDING_AS_EN, ("response", "response from {issuer}"),
           "The source is {what}.", "The source «{title}» is {what}."),
}  # fmt: skip


def source_note(doc: Document, lang: str = "nb") -> str | None:
    """The label a non-binding source carries in an answer, naming it, in the answer's language
    («en», else Norwegian); None for binding sources."""
    labels, (word, with_issuer), by_issuer, by_title = _NOTE["en" if lang == "en" else "nb"]
    what = labels.get("lokal" if doc.is_local else doc.status)
    if what is None:
        return None
    if doc.status == "innspill":
        issuer = with_issuer.format(issuer=doc.issuer.split(" (")[0])
        return by_issuer.format(what=what.replace(word, issuer, 1))
    return by_title.format(title=doc.title, what=what)


def norwegian_date(date: str | None) -> str | None:
    """«2023-05-29» → «29.05.2023»; other forms are returned as written, "" as None."""
    if not date:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else date


def long_date(date: str | None) -> str | None:
    """«2023-03-02» → «2. mars 2023», as dates are written in references; None when missing."""
    if not date:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return date
    return f"{int(m.group(3))}. {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def status_label(document: Document) -> str:
    """«gjeldende», «utkast, 02.03.2023»: the source's authority and date, lower case."""
    label = STATUS_LABELS.get(document.status, document.status).lower()
    date = norwegian_date(document.date)
    return f"{label}, {date}" if date else label


def issuer_short(issuer: str) -> str:
    """«Justis- og beredskapsdepartementet og Helse- og omsorgsdepartementet» → «JD og HOD»;
    «NKROP (Nasjonal kompetansetjeneste …)» → «NKROP»; other issuers as written."""
    name = issuer.strip()
    acronym = re.fullmatch(r"([A-ZÆØÅ]{2,})\s*\(.*\)", name)
    if acronym:
        return acronym.group(1)
    parts = re.split(r"\s+og\s+(?=[A-ZÆØÅ])", name)
    return " og ".join(ISSUER_ABBREVIATIONS.get(p.strip().lower(), p.strip()) for p in parts)


def _number_and_date(document: Document) -> str:
    """«(G-2006-8, 1. februar 2006)», «(nr./dato ikke oppgitt)», «(2. mars 2023)»."""
    date = long_date(document.date)
    if document.type not in _NUMBERED_TYPES:
        return f"({date or 'dato ikke oppgitt'})"
    if document.number and date:
        return f"({document.number}, {date})"
    if document.number:
        return f"({document.number}, dato ikke oppgitt)"
    return f"(nr. ikke oppgitt, {date})" if date else "(nr./dato ikke oppgitt)"


def document_reference(document: Document) -> str:
    """The document part of a full reference: issuer, type where the title does not say it,
    title in «», number and date."""
    names = (document.type, "temaside") if document.type == "nettside" else (document.type,)
    kind = "" if any(n in document.title.lower() for n in names) else f"{document.type} "
    issuer = issuer_short(document.issuer)
    head = f"{issuer}, " if issuer else ""
    return f"{head}{kind}«{document.title}» {_number_and_date(document)}"


def short_name(document: Document) -> str:
    """How the source is named after its full reference: «Rundskrivet», «NKROPs høringsinnspill»."""
    if document.type == "høringsinnspill":
        issuer = issuer_short(document.issuer)
        return f"{issuer}s høringsinnspill" if issuer else "Høringsinnspillet"
    if document.type == "rapport" and document.title.lower().startswith("årsrapport"):
        return "Årsrapporten"
    if document.type == "nettside" and "temaside" in document.title.lower():
        return "Temasiden"
    return _SHORT_NAMES.get(document.type, document.display_title)


def _continues_list(prev: Passage | None, item: Passage) -> bool:
    """Whether list item `item` carries on the avsnitt of `prev` rather than starting a new one."""
    if prev is None:
        return False
    if prev.kind == "list_item":
        return prev.context == item.context
    # After a paragraph: its own list unless the item names a lead-in that paragraph does not end with
    # (lead-ins are kept as context, not as passages, so they open a new avsnitt).
    return not item.context or prev.text.rstrip().endswith(item.context.strip())


def avsnitt_position(
    passage: Passage, index: PassageSource, whole_document: bool = False
) -> tuple[int | None, int | None]:
    """(n-th avsnitt in the section — or the document —, n-th list item in it); (None, None) if
    not countable."""
    if passage.kind in _NOT_AVSNITT:
        return None, None
    paragraph, item, prev = 0, 0, None
    for p in index.passages:
        if p.doc_id != passage.doc_id or p.kind in _NOT_AVSNITT:
            continue
        if not whole_document and p.section != passage.section:
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


def _own_heading(document: Document, passage: Passage) -> bool:
    """Whether the passage's heading is the document's own (not its title, not a quoted heading)."""
    heading = passage.heading.strip().lower()
    if not heading or document.title.lower().startswith(heading[:40]):
        return False
    # A consultation response is laid out under the draft's own headings and recommendations.
    return document.type != "høringsinnspill"


def section_place(document: Document, passage: Passage) -> str:
    """The section as a reference names it: «punkt 7.1.3», «merknad til side 27 i
    høringsutkastet», «under «Tilskudd»», or "" when the document has no sections of its own."""
    if re.fullmatch(r"\d+(?:\.\d+)*", passage.section) and passage.section != "0":
        return f"punkt {passage.section}"
    draft_page = _DRAFT_PAGE.fullmatch(passage.section)
    if draft_page and document.type == "høringsinnspill":
        return f"merknad til side {draft_page.group(1)} i høringsutkastet"
    if _own_heading(document, passage):
        return f"under «{passage.heading.strip()}»"
    return ""


def place(document: Document, passage: Passage, index: PassageSource) -> str:
    """Where in the document: «punkt 7.1.3, 2. avsnitt, 3. strekpunkt», «fotnote 12», «s. 31»."""
    section = section_place(document, passage)
    parts = [section] if section else []
    if passage.kind == "footnote":
        number = re.match(r"\s*(\d+)", passage.text) or re.search(r":fn(\d+)$", passage.id)
        parts.append(f"fotnote {number.group(1)}" if number else "fotnote")
    else:
        paragraph, item = avsnitt_position(passage, index, whole_document=not section)
        if paragraph is not None:
            parts.append(f"{paragraph}. avsnitt")
        if item is not None:
            parts.append(f"{item}. strekpunkt")
    if passage.page is not None:
        parts.append(f"s. {passage.page}")
    return ", ".join(parts)


def formal_reference(document: Document, passage: Passage, index: PassageSource) -> str:
    """The full reference: «JD og HOD, «Rundskriv om …» (nr./dato ikke oppgitt), punkt 7.1.3,
    2. avsnitt». The status is not part of it (see `status_label`)."""
    where = place(document, passage, index)
    return f"{document_reference(document)}, {where}" if where else document_reference(document)


def short_reference(document: Document, passage: Passage, index: PassageSource) -> str:
    """The short form used once the full reference has been given: «Rundskrivet punkt 7.1.3,
    2. avsnitt», «NKROPs høringsinnspill, merknad til side 27 i høringsutkastet, 1. avsnitt»."""
    where = place(document, passage, index)
    if not where:
        return short_name(document)
    return f"{short_name(document)}{' ' if where.startswith('punkt') else ', '}{where}"


def references(cited: Iterable[tuple[Document, Passage]], index: PassageSource) -> list[str]:
    """References for citations in order: full form for a document's first, short form after."""
    seen: set[str] = set()
    out: list[str] = []
    for document, passage in cited:
        first = document.id not in seen
        seen.add(document.id)
        make = formal_reference if first else short_reference
        out.append(make(document, passage, index))
    return out
