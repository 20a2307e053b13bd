"""Write the answer around its quotes: lead line, labelled bullets, role groups, numbered citations.

Takes a `compose.Selection` and returns Markdown with [n] markers, the answer's citations (primary
and extra quotes, numbered in order of appearance) and the «Mer i kildene» citations (numbered after
them, never in the answer's citations). Each quote is labelled by the actor it binds
(`analysis.actors`); every non-binding source (utkast, innspill, informasjon, historisk, ukjent)
is tagged inline where it is quoted. The frame text is Norwegian, or English for an English
question (quotes stay Norwegian, with a line saying so). It invents no claim: the only words not
quoted are source names, section numbers, actor labels and fixed phrases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.actors import binds
from analysis.asks import Ask
from analysis.records import Frame
from assistant.answer.select import Selection, Unit, list_key
from assistant.answer.short import short_line
from assistant.legal.cite import source_note
from assistant.records import ACTOR_LABELS, Citation
from ingest.records import SERVICE_ROLES, Document

BINDING = ("gjeldende",)

DOC_SHORT = {
    "nb": {
        "rundskriv": "rundskrivet",
        "veileder": "veilederen",
        "høringsutkast": "høringsutkastet",
        "høringsinnspill": "høringsinnspillet",
        "rapport": "rapporten",
        "nettside": "nettsiden",
        "lokal instruks": "den lokale instruksen",
    },
    "en": {
        "rundskriv": "the circular",
        "veileder": "the guide",
        "høringsutkast": "the consultation draft",
        "høringsinnspill": "the consultation response",
        "rapport": "the report",
        "nettside": "the web page",
        "lokal instruks": "the local instruction",
    },
}
STATUS_INLINE = {
    "nb": {
        "utkast": "høringsutkast – ikke gjeldende",
        "innspill": "høringsinnspill – en mening, ikke en regel",
        "informasjon": "informasjonsside – ikke regelverk",
        "historisk": "historisk – ikke nødvendigvis dagens regler",
        "ukjent": "ukjent status – ikke bekreftet som gjeldende",
        "lokal": "lokalt dokument – ikke nasjonal regel",
    },
    "en": {
        "utkast": "consultation draft – not in force",
        "innspill": "consultation response – an opinion, not a rule",
        "informasjon": "information page – not a rule",
        "historisk": "historical – not necessarily today's rules",
        "ukjent": "unknown status – not confirmed as in force",
        "lokal": "local document – not a national rule",
    },
}
ACTOR_TEXT = {
    "nb": ACTOR_LABELS,
    "en": {
        "kriminalomsorgen": "Correctional service",
        "kommunehelse": "Municipal health and care service",
        "spesialisthelse": "Specialist health service",
        "helsepersonell": "Health personnel",
        "felles": "Both services",
        "domstol": "The court",
        "politi": "The police",
        "koordinerende_enhet": "Coordinating unit",
    },
}
PHRASES = {
    "nb": {
        "according": "Ifølge",
        "section": "punkt",
        "sections": "punktene",
        "and": "og",
        "from": "fra",
        "not_direct": "Kildene svarer ikke direkte på dette. Nærmest er:",
        "not_named": "Kildene svarer ikke direkte på dette: de nevner ikke «{word}». Nærmest er:",
        "silent": "{source} sier ikke noe om dette. Nærmest er:",
        "more_items": "({n} punkter til i listen)",
        "more_item": "(1 punkt til i listen)",
        "yours": "Ditt ansvar",
        "others": "Andre tjenester",
        "general": "Generelt",
        "note": "Merk",
        "also": "Også relevant",
        "quotes_lang": "",
    },
    "en": {
        "according": "According to",
        "section": "section",
        "sections": "sections",
        "and": "and",
        "from": "from",
        "not_direct": "The sources do not answer this directly. Closest:",
        "not_named": "The sources do not answer this directly: they never mention «{word}». Closest:",
        "silent": "{source} says nothing about this. Closest:",
        "more_items": "({n} more items in the list)",
        "more_item": "(1 more item in the list)",
        "yours": "Your responsibility",
        "others": "Other services",
        "general": "General",
        "note": "Note",
        "also": "Also relevant",
        "quotes_lang": "The quotes are verbatim from the Norwegian sources.",
    },
}
_NUMBERED = re.compile(r"^\d+(\.\d+)*$")


def quote_actor(unit: Unit, strict: bool = False) -> str:
    """Who the quoted sentences bind, read off their frames: the first sentence of the quote that
    names its actor (a list item's from its lead-in); else the section's role for a rule of a
    passive sentence. `strict`: only a rule's actor counts (for «Ditt ansvar»)."""
    frames: list[Frame] = [
        f for f in unit.passage.frames if f.start < unit.end and f.end > unit.start
    ]
    for f in frames:
        named = f.actor is not None and f.actor.where != "structure" and f.actor.label != "innsatt"
        if named and f.actor is not None and (not strict or f.modality is not None):
            return f.actor.label
    for f in frames:
        if f.actor is not None and f.actor.where == "structure" and f.modality is not None:
            return f.actor.label
    return ""


@dataclass(frozen=True)
class Framed:
    text: str
    citations: tuple[Citation, ...]
    further: tuple[Citation, ...]
    notes: tuple[str, ...]
    short: str = ""  # the short answer line, "" when there is none


def standing(doc: Document) -> str:
    """The status an answer labels a source by: «lokal» for any local document (uploaded here or
    a local instruction), whatever else it says of itself; else the manifest's status."""
    return "lokal" if doc.is_local else doc.status


def source_name(doc: Document, lang: str) -> str:
    name = DOC_SHORT[lang].get(doc.type) or getattr(doc, "short_title", "") or doc.title
    if doc.type == "høringsinnspill" and doc.issuer:
        name += f" {PHRASES[lang]['from']} {doc.issuer.split(' (')[0]}"
    return name


def _where(
    units: Sequence[Unit], documents: dict[str, Document], lang: str, inline: str = " ("
) -> str:
    """«rundskrivet punkt 7.1.3 og 7.1.2» built from the units' metadata; a non-binding source's
    status follows its name in parentheses, or after `inline` («, ») inside other brackets."""
    words = PHRASES[lang]
    by_doc: dict[str, list[str]] = {}
    for unit in units:
        sections = by_doc.setdefault(unit.passage.doc_id, [])
        if unit.passage.section and unit.passage.section not in sections:
            sections.append(unit.passage.section)
    parts = []
    for doc_id, sections in list(by_doc.items())[:3]:
        doc = documents[doc_id]
        name = source_name(doc, lang)
        numbered = [s for s in sections if _NUMBERED.match(s)][:3]
        if numbered:
            word = words["section"] if len(numbered) == 1 else words["sections"]
            joined = f" {words['and']} ".join(
                [", ".join(numbered[:-1]), numbered[-1]] if len(numbered) > 1 else numbered
            )
            name = f"{name} {word} {joined}"
        status = STATUS_INLINE[lang].get(standing(doc))
        close = ")" if inline == " (" else ""
        parts.append(f"{name}{inline}{status}{close}" if status else name)
    return f" {words['and']} ".join(parts)


def lead_line(units: Sequence[Unit], documents: dict[str, Document], lang: str = "nb") -> str:
    where = _where(units, documents, lang)
    if lang == "en":
        where = where.replace(" section", ", section", 1)
    return f"{PHRASES[lang]['according']} {where}:"


class _Numbers:
    """One marker per passage, in order of first appearance."""

    def __init__(self, start: int = 1) -> None:
        self.of: dict[str, int] = {}
        self.units: dict[int, Unit] = {}
        self.next = start

    def __call__(self, unit: Unit) -> int:
        if unit.passage.id not in self.of:
            self.of[unit.passage.id] = self.next
            self.units[self.next] = unit
            self.next += 1
        return self.of[unit.passage.id]

    def citations(self, documents: dict[str, Document]) -> tuple[Citation, ...]:
        return tuple(
            Citation(
                n,
                u.passage,
                documents[u.passage.doc_id],
                u.quote,
                verified=True,
                actor=quote_actor(u),
            )
            for n, u in sorted(self.units.items())
        )


def _bullets(
    units: Sequence[Unit],
    documents: dict[str, Document],
    number: _Numbers,
    sel: Selection,
    lang: str,
    where: bool,
) -> list[str]:
    """Markdown bullets; list items that share a lead-in are nested under it once."""
    lines: list[str] = []
    previous: tuple[str, str, str] | None = None
    for i, unit in enumerate(units):
        actor = quote_actor(unit)
        label = f"**{ACTOR_TEXT[lang][actor]}**" if actor else ""
        # Extra quotes name their place; the deciding ones stand under the lead line, which
        # names theirs (and a non-binding source's status).
        place = f"({_where([unit], documents, lang, inline=', ')})" if where else ""
        head = " ".join(x for x in (label, place) if x)
        text = " ".join(unit.quote.split())
        key = list_key(unit.passage)
        if key:
            if key != previous:
                lead = " ".join(unit.passage.context.split())
                lines.append(f"- {head + ': ' if head else ''}*{lead}*")
            lines.append(f"    - {text} [{number(unit)}]")
            nxt = units[i + 1] if i + 1 < len(units) else None
            rest = sel.list_rest.get(key, 0)
            if rest and (nxt is None or list_key(nxt.passage) != key):
                phrase = PHRASES[lang]["more_item" if rest == 1 else "more_items"]
                lines.append(f"    - *{phrase.format(n=rest)}*")
        else:
            lines.append(f"- {head + ': ' if head else ''}{text} [{number(unit)}]")
        previous = key
    return lines


def _group(unit: Unit, role: str, documents: dict[str, Document]) -> str:
    if documents[unit.passage.doc_id].status not in BINDING:
        return "note"
    if role not in SERVICE_ROLES:
        return "also"
    actor = quote_actor(unit, strict=True)
    if not actor:
        return "general"
    return "yours" if binds(actor, role) else "others"


def frame(
    sel: Selection,
    role: str,
    documents: dict[str, Document],
    lang: str = "nb",
    opening: str = "",
    ask: Ask | None = None,
) -> Framed:
    """The answer text, its citations, the «Mer i kildene» citations and the notes.

    `opening` is a line shown before the lead line («Kildene svarer ikke direkte …»); without
    one, the short answer line of `ask` (`assistant.answer.short`) opens when the frames settle it.
    """
    words = PHRASES[lang]
    number = _Numbers()
    lines: list[str] = []
    lines += [lead_line(sel.primary, documents, lang), ""]
    lines += _bullets(sel.primary, documents, number, sel, lang, where=False)
    groups: dict[str, list[Unit]] = {}
    for unit in sel.extra:
        groups.setdefault(_group(unit, role, documents), []).append(unit)
    for name in ("yours", "others", "general", "also", "note"):
        if groups.get(name):
            lines += ["", f"**{words[name]}**"]
            lines += _bullets(groups[name], documents, number, sel, lang, where=True)
    notes: list[str] = []
    for unit in sel.cited:
        note = source_note(documents[unit.passage.doc_id], lang)
        if note and note not in notes:
            notes.append(note)
    if notes:
        lines += ["", *(f"> {note}" for note in notes)]
    if words["quotes_lang"]:
        lines += ["", f"*{words['quotes_lang']}*"]
    short = ""
    if not opening and ask is not None and lang == "nb":
        short = short_line(ask, sel.cited, number.of)
        status = STATUS_INLINE[lang].get(standing(documents[sel.cited[0].passage.doc_id]))
        if short and status:
            # A draft's or an opinion's words are never presented as the rule, not even briefly.
            short = f"{short[:-1]} ({status})."
    head = opening or short
    if head:
        lines = [head, "", *lines]
    citations = number.citations(documents)
    more = _Numbers(start=len(citations) + 1)
    for unit in sel.further:
        more(unit)
    return Framed(
        "\n".join(lines).strip(), citations, more.citations(documents), tuple(notes), short
    )
