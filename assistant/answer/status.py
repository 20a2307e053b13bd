"""A question about a source's own standing («Er høringsutkastet gjeldende?», «Is the draft in
force?»), answered from the document's status and its own words about it.

The status comes from the manifest (gjeldende · utkast · innspill · informasjon · historisk ·
ukjent · lokal); the quotes are the document's own passages that say what it is («Under revisjon:»,
«Høringsfristen er utgått.», «(HØRINGSUTKAST)»). It answers nothing else and ranks nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.units import Unit
from ingest.records import Document, Passage

MAX_OWN = 2  # passages of the document's own words quoted
_OWN_WORDS = re.compile(
    r"høringsutkast\w*|under revisjon|høringsfrist\w*|på høring|høringsinnspill\w*|"
    r"siste faglige endring|gjeldende|erstatter|vedtatt",
    re.I,
)
VERDICT = {
    "gjeldende": "Ja – {name} er gjeldende (status i kildelisten: gjeldende).",
    "utkast": "Nei – {name} er et utkast, ikke gjeldende regelverk (status i kildelisten: utkast).",
    "innspill": "Nei – {name} er et høringsinnspill: en mening, ikke en regel (status i kildelisten: "
    "innspill).",
    "informasjon": "Nei – {name} er en informasjonsside, ikke regelverk (status i kildelisten: "
    "informasjon).",
    "historisk": "Nei – {name} er historisk og ikke nødvendigvis dagens regler (status i "
    "kildelisten: historisk).",
    "ukjent": "{Name} har ukjent status: den er ikke bekreftet som gjeldende.",
    "lokal": "Nei – {name} er et lokalt dokument, ikke nasjonalt regelverk (status i kildelisten: "
    "lokal).",
}


def own_words(doc: Document, passages: Sequence[Passage]) -> list[Unit]:
    """The document's passages that say what it is, in document order (at most MAX_OWN)."""
    out: list[Unit] = []
    for p in passages:
        if p.doc_id != doc.id or p.kind in ("footnote", "heading"):
            continue
        m = _OWN_WORDS.search(p.text)
        if m:
            out.append(Unit(p, 0, len(p.text), 1.0, len(out) + 1))
        if len(out) == MAX_OWN:
            break
    return out


def verdict(doc: Document, name: str) -> str:
    line = VERDICT.get("lokal" if doc.is_local else doc.status, VERDICT["ukjent"])
    return line.format(name=name, Name=name[:1].upper() + name[1:])
