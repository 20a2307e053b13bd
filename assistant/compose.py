"""Extractive answer composition: pick the sentences and list items that answer, quote them verbatim.

Given ranked passages, it scores candidate units (list items whole, paragraphs by sentence) by how
much of the question they cover, keeps the best few, groups them for the asker's role («Ditt ansvar»,
«Andre tjenester», «Generelt», «Merk») and numbers the citations in order of appearance. Every quote
is a slice of its passage's text by construction. It does not retrieve or decide refusal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.cite import source_note
from assistant.records import Citation, Hit
from ingest.records import Document, Passage
from ingest.sentences import split_sentences

MAX_BULLETS = 6
MAX_BULLETS_LIST = 10
MAX_PER_PASSAGE = 3
MAX_LIST_ITEMS = 12  # a list this long or shorter is quoted whole once any item is quoted
CANDIDATE_PASSAGES = 8
MIN_RELATIVE = 0.2  # a unit must score at least this share of the best unit
# A passage's prior is (its retrieval score / the best) ** SCORE_POWER; passages under
# RETRIEVAL_CUTOFF of the best are not quoted. A follow-up's new aspect («under 18 år?») may sit
# in a passage the conversation ranks lower, so follow-ups use a flatter prior and lower cut-off.
SCORE_POWER, RETRIEVAL_CUTOFF = 2.0, 0.5
FOLLOW_UP_POWER, FOLLOW_UP_CUTOFF = 0.5, 0.3
SERVICE_ROLES = ("kriminalomsorgen", "kommunehelse", "spesialisthelse")
BINDING = ("gjeldende",)
_LIST_QUESTION = re.compile(
    r"\b(hvilke|hva (skal|må|er|inneb\w*)|list\w*|oppgaver|plikter|what are|which)\b", re.I
)

DOC_SHORT = {
    "rundskriv": "rundskrivet",
    "veileder": "veilederen",
    "høringsutkast": "høringsutkastet",
    "høringsinnspill": "høringsinnspillet",
    "rapport": "rapporten",
    "nettside": "nettsiden",
}


@dataclass(frozen=True)
class Unit:
    """A candidate quote: a span of one passage with its score."""

    passage: Passage
    start: int
    end: int
    score: float
    rank: int

    @property
    def quote(self) -> str:
        return self.passage.text[self.start : self.end]


def _units_of(passage: Passage) -> list[tuple[int, int]]:
    if passage.kind in ("list_item", "footnote"):
        return [(0, len(passage.text))]
    return split_sentences(passage.text)


def score_units(
    hits: Sequence[Hit],
    focus: Sequence[str],
    context: Sequence[str],
    analyze: Callable[[str], list[str]],
    idf: Callable[[str], float],
    follow_up: bool = False,
    synonyms: dict[str, float] | None = None,
) -> list[Unit]:
    """Score every unit of the top passages: question-token coverage × a retrieval-score prior."""
    focus_w = dict(synonyms or {})
    focus_w = {t: w * idf(t) for t, w in focus_w.items()}
    focus_w.update({t: idf(t) for t in set(focus)})
    context_w = {t: 0.4 * idf(t) for t in set(context) if t not in focus_w}
    total = sum(focus_w.values()) or 1.0
    units: list[Unit] = []
    top = hits[0].score if hits else 0.0
    cutoff, power = (
        (FOLLOW_UP_CUTOFF, FOLLOW_UP_POWER) if follow_up else (RETRIEVAL_CUTOFF, SCORE_POWER)
    )
    kept = [h for h in hits[:CANDIDATE_PASSAGES] if h.score >= cutoff * top]
    for rank, hit in enumerate(kept, start=1):
        passage = hit.passage
        rank_prior = (hit.score / top) ** power if top > 0 else 1.0
        ptoks = set(analyze(passage.context)) if passage.context else set()
        for s, e in _units_of(passage):
            toks = set(analyze(passage.text[s:e])) | ptoks
            cover = sum(w for t, w in focus_w.items() if t in toks)
            cover += sum(w for t, w in context_w.items() if t in toks)
            # Long sentences cover more words by chance; damp by length.
            length_pen = 1.0 / math.sqrt(max(1.0, len(toks) / 12.0))
            score = (0.15 + cover / total) * rank_prior * length_pen
            units.append(Unit(passage, s, e, score, rank))
    return units


def select_units(units: Sequence[Unit], question: str) -> list[Unit]:
    """Keep the best units: the top passage always contributes; others must be close enough."""
    if not units:
        return []
    limit = MAX_BULLETS_LIST if _LIST_QUESTION.search(question) else MAX_BULLETS
    ordered = sorted(units, key=lambda u: (-u.score, u.rank, u.start))
    best = ordered[0].score
    chosen: list[Unit] = []
    per_passage: dict[str, int] = {}
    top_rank = min(u.rank for u in units)
    top_units = [u for u in ordered if u.rank == top_rank]
    for unit in [top_units[0], *ordered]:
        if len(chosen) >= limit:
            break
        if unit in chosen or (unit.score < MIN_RELATIVE * best and unit is not top_units[0]):
            continue
        if per_passage.get(unit.passage.id, 0) >= MAX_PER_PASSAGE:
            continue
        if unit.passage.kind == "footnote" and unit.rank > 1:
            continue
        chosen.append(unit)
        per_passage[unit.passage.id] = per_passage.get(unit.passage.id, 0) + 1
    return chosen


def list_key(passage: Passage) -> tuple[str, str, str] | None:
    """The list a list item belongs to: its document, section and lead-in; None for other passages.

    Two lists may share a lead-in («Kriminalomsorgen skal» in 5.2.1 and in 5.3.1): the section
    keeps them apart.
    """
    if passage.kind != "list_item" or not passage.context:
        return None
    return passage.doc_id, passage.section, passage.context


def complete_lists(
    chosen: Sequence[Unit], siblings: Callable[[Passage], Sequence[Passage]]
) -> list[Unit]:
    """Quote a list whole (up to MAX_LIST_ITEMS) when the answer quotes any of its items.

    A duty list («Ved bruk av sikkerhetscelle … skal kriminalomsorgen») quoted in part reads as if
    the missing duties did not exist. `siblings` gives every item of the passage's list, in
    document order; added items take the lowest score of the list's quoted items.
    """
    out = list(chosen)
    have = {u.passage.id for u in chosen}
    for unit in chosen:
        key = list_key(unit.passage)
        items = siblings(unit.passage) if key else ()
        if not items or len(items) > MAX_LIST_ITEMS or all(q.id in have for q in items):
            continue
        low = min(u.score for u in chosen if list_key(u.passage) == key)
        out += [Unit(q, 0, len(q.text), low, unit.rank) for q in items if q.id not in have]
        have |= {q.id for q in items}
    return out


def group_of(unit: Unit, role: str, documents: dict[str, Document]) -> str:
    if documents[unit.passage.doc_id].status not in BINDING:
        return "Merk"
    roles = unit.passage.roles
    if role not in SERVICE_ROLES or not roles:
        return "Generelt"
    return "Ditt ansvar" if role in roles else "Andre tjenester"


def _label(doc: Document) -> str:
    if doc.status == "utkast":
        return "*(Høringsutkast)* "
    if doc.status == "innspill":
        return "*(Høringsinnspill)* "
    return ""


def bullet_lines(
    units: Sequence[Unit], documents: dict[str, Document], n_of: Callable[[Unit], int]
) -> list[str]:
    """Markdown bullets; list items that share a lead-in sentence are nested under it once."""
    lines: list[str] = []
    previous: tuple[str, str, str] | None = None
    for unit in units:
        doc = documents[unit.passage.doc_id]
        text = " ".join(unit.quote.split())
        key = list_key(unit.passage)
        if key:
            if key != previous:
                lines.append(f"- {_label(doc)}*{' '.join(unit.passage.context.split())}*")
            lines.append(f"    - {text} [{n_of(unit)}]")
        else:
            lines.append(f"- {_label(doc)}{text} [{n_of(unit)}]")
        previous = key
    return lines


def lead_line(units: Sequence[Unit], documents: dict[str, Document]) -> str:
    """«Ifølge rundskrivet punkt 7.1.3 og 7.1.2:» built from the cited passages' metadata."""
    by_doc: dict[str, list[str]] = {}
    for unit in units:
        sections = by_doc.setdefault(unit.passage.doc_id, [])
        if unit.passage.section and unit.passage.section not in sections:
            sections.append(unit.passage.section)
    parts = []
    for doc_id, sections in list(by_doc.items())[:3]:
        doc = documents[doc_id]
        name = DOC_SHORT.get(doc.type, doc.title)
        if doc.type == "høringsinnspill":
            name += f" fra {doc.issuer.split(' (')[0]}"
        numbered = [s for s in sections if re.match(r"^\d+(\.\d+)*$", s)][:3]
        if numbered:
            word = "punkt" if len(numbered) == 1 else "punktene"
            joined = " og ".join(
                [", ".join(numbered[:-1]), numbered[-1]] if len(numbered) > 1 else numbered
            )
            parts.append(f"{name} {word} {joined}")
        else:
            parts.append(name)
    return "Ifølge " + " og ".join(parts) + ":"


def compose(
    units: Sequence[Unit], role: str, documents: dict[str, Document]
) -> tuple[str, tuple[Citation, ...], tuple[str, ...]]:
    """Markdown text with [n] markers, citations numbered in order of appearance, and notes."""
    order = ("Ditt ansvar", "Andre tjenester", "Generelt", "Merk")
    groups: dict[str, list[Unit]] = {g: [] for g in order}
    for unit in units:
        groups[group_of(unit, role, documents)].append(unit)
    numbers: dict[str, int] = {}
    used_groups = [g for g in order if groups[g]]
    shown = [u for g in used_groups for u in _by_lead(groups[g])]
    lines = [lead_line(shown, documents), ""]
    notes: list[str] = []

    spans: dict[int, tuple[Unit, int, int]] = {}

    def number(unit: Unit) -> int:
        """The unit's marker: one per passage; several quotes from it widen one span."""
        n = numbers.setdefault(unit.passage.id, len(numbers) + 1)
        _, s, e = spans.get(n, (unit, unit.start, unit.end))
        spans[n] = (unit, min(s, unit.start), max(e, unit.end))
        doc = documents[unit.passage.doc_id]
        note = source_note(doc)
        if note and note not in notes and doc.status in ("utkast", "innspill", "historisk"):
            notes.append(note)
        return n

    for name in used_groups:
        if len(used_groups) > 1 or name != "Generelt":
            lines.append(f"**{name}**")
        lines.extend(bullet_lines(_by_lead(groups[name]), documents, number))
        lines.append("")
    if notes:
        lines.extend(f"> {note}" for note in notes)
    citations = tuple(
        Citation(n, u.passage, documents[u.passage.doc_id], u.passage.text[s:e], verified=True)
        for n, (u, s, e) in sorted(spans.items())
    )
    return "\n".join(lines).strip(), citations, tuple(notes)


def _by_lead(units: Sequence[Unit]) -> list[Unit]:
    """Keep score order, but pull the items of one list together (first one's place, document order)."""
    out: list[Unit] = []
    seen: set[tuple[str, str, str]] = set()
    for unit in units:
        key = list_key(unit.passage)
        if key is None:
            out.append(unit)
        elif key not in seen:
            seen.add(key)
            same = [u for u in units if list_key(u.passage) == key]
            out.extend(sorted(same, key=lambda u: u.passage.start))
    return out
