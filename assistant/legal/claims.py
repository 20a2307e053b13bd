"""Read a claimed source («rundskrivet punkt 7.1.3», «NKROPs høringsinnspill side 27», «pkt. 6.2»)
and check it against where a quote was found: the document, the punkt, the page.

A document is named by its type («rundskrivet», «utkastet», «innspillet»), its id, an acronym of
its issuer or title («NKROP») or a one-word issuer («Helsedirektoratet»). A type no source has
(«veilederen») names no document, so any place is then wrong.

It deliberately does not search for quotes (assistant.legal.verify does) and does not guess a document
from a section number alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ingest.records import Document, Passage

_CLAIM_SECTION = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){0,4})(?!\d)")
_CLAIM_NOISE = re.compile(r"§+\s*\d+(?:\s*-\s*\d+)?(?:\s*[a-z]\b)?|\b(?:side|s\.)\s*\d+", re.I)
_CLAIM_PAGE = re.compile(r"\b(?:side|s\.)\s*(\d+)", re.I)
_CLAIM_TYPES = {"rundskriv": "rundskriv", "veileder": "veileder", "høringsutkast": "høringsutkast",
                "utkast": "høringsutkast", "innspill": "høringsinnspill",
                "høringsinnspill": "høringsinnspill", "høringssvar": "høringsinnspill",
                "rapport": "rapport", "årsrapport": "rapport", "temaside": "nettside",
                "nettside": "nettside"}  # fmt: skip


def parse_claim(claimed: str) -> tuple[str | None, str | None]:
    """(section, document type) from «rundskrivet punkt 7.1.3», «pkt. 6.2», «7.1.3»."""
    text = _CLAIM_NOISE.sub(" ", claimed)
    m = _CLAIM_SECTION.search(text)
    low = claimed.lower()
    doc_type = next((t for word, t in _CLAIM_TYPES.items() if word in low), None)
    return (m.group(1).rstrip(".") if m else None), doc_type


@dataclass(frozen=True)
class Claim:
    """Where the user says a quote stands; None/empty parts were not given."""

    text: str
    section: str | None
    page: int | None
    doc_ids: frozenset[str] | None  # None: no document named; empty: one not in the sources

    @property
    def checkable(self) -> bool:
        return self.section is not None or self.page is not None or self.doc_ids is not None


def _doc_aliases(doc: Document) -> set[str]:
    """Words naming a document in a claim: its id, acronyms of its issuer, a one-word issuer."""
    names = {doc.id.lower()}
    names |= {w.lower() for w in re.findall(r"\b[A-ZÆØÅ]{3,}\b", f"{doc.issuer} {doc.title}")}
    issuer = doc.issuer.split(" (")[0].strip()
    if issuer and " " not in issuer:
        names.add(issuer.lower())
    return names


def read_claim(claimed: str, documents: Mapping[str, Document]) -> Claim:
    """The claimed section, page and documents of «NKROPs høringsinnspill side 27»,
    «rundskrivet punkt 7.1.3», «pkt. 6.2»."""
    section, _ = parse_claim(claimed)
    page = _CLAIM_PAGE.search(claimed)
    words = re.findall(r"[^\W_]+", claimed.lower())
    types = {t for word, t in _CLAIM_TYPES.items() if any(w.startswith(word) for w in words)}
    named = {
        d.id
        for d in documents.values()
        if any(w.startswith(a) for a in _doc_aliases(d) for w in words)
    }
    named |= {d.id for d in documents.values() if d.type in types}
    doc_ids = frozenset(named) if named or types else None
    return Claim(claimed, section, int(page.group(1)) if page else None, doc_ids)


def claim_problem(claim: Claim, found: Sequence[Passage], doc: Document) -> str | None:
    """None when the claim holds (or cannot be checked), else what is wrong: «dokument», «ukjent
    dokument» (a type no source has), «punkt» or «side»."""
    if claim.doc_ids is not None and doc.id not in claim.doc_ids:
        return "dokument" if claim.doc_ids else "ukjent dokument"
    if claim.section is not None and not any(
        p.section == claim.section or p.section.startswith(claim.section + ".") for p in found
    ):
        return "punkt"
    if claim.page is not None:
        pages = {p.page for p in found if p.page is not None}
        pages |= {int(m.group(1)) for p in found if (m := re.fullmatch(r"side-(\d+)", p.section))}
        if pages and claim.page not in pages:
            return "side"
    return None
