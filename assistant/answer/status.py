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
    "nb": {
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
    },
    # For a question asked in English: the same verdicts, the manifest's status word kept as it is.
    "en": {
        "gjeldende": "Yes – {name} is in force (status in the source list: gjeldende).",
        "utkast": "No – {name} is a draft, not rules in force (status in the source list: utkast).",
        "innspill": "No – {name} is a consultation response: an opinion, not a rule (status in the "
        "source list: innspill).",
        "informasjon": "No – {name} is an information page, not rules (status in the source list: "
        "informasjon).",
        "historisk": "No – {name} is historical and not necessarily today's rules (status in the "
        "source list: historisk).",
        "ukjent": "{Name} has an unknown status: it is not confirmed as in force.",
        "lokal": "No – {name} is a local document, not national rules (status in the source list: "
        "lokal).",
    },
}


def own_words(doc: Document, passages: Sequence[Passage]) -> list[Unit]:
    """The document's passages that say what it is, in document order (at most MAX_OWN)."""
    out: list[Unit] = []
    for p in passages:
        if p.doc_id != doc.id or p.kind in ("footnote", "heading"):
            continue
        m = _OWN_WORDS.search(f"{p.context} {p.text}")  # a label lead-in («Under revisjon:»)
        if m:
            out.append(Unit(p, 0, len(p.text), 1.0, len(out) + 1))
        if len(out) == MAX_OWN:
            break
    return out


def verdict(doc: Document, name: str, lang: str = "nb") -> str:
    """The status line, in the question's language («en», else Norwegian)."""
    lines = VERDICT["en" if lang == "en" else "nb"]
    line = lines.get("lokal" if doc.is_local else doc.status, lines["ukjent"])
    return line.format(name=name, Name=name[:1].upper() + name[1:])
