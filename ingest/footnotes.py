"""Take page-bottom footnotes out of the running text and mark where they are referenced.

PDF pages end with numbered footnote lines («13 Mandelareglene, regel 46 nr. 1; …»), continuation
lines and link URLs; the running text carries glued markers («helsetilstand.11», «skal13»). Footnote
numbers run 1, 2, 3 … through a document, so a line is only a footnote when it carries the next
expected number, starts with a capital and sits at the bottom of a page (everything after it up to
the page break is footnote material). Markers are searched in order after the previous one.
This module does not render anything: it returns footnotes and leaves sentinels in the lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ingest.clean_lines import MARK_CLOSE, MARK_OPEN, URL_RE, Line, join_lines, plain

FOOTNOTE_LINE_RE = re.compile(r"^(\d{1,3})\s+([«\"(]?[A-ZÆØÅ].*)$")


@dataclass
class Footnote:
    number: int
    text: str
    page: int | None
    parts: list[Line] = field(default_factory=list)


def _segments(lines: list[Line]) -> list[tuple[int, int]]:
    """Index ranges of pages: a soft line (page break) starts a new segment."""
    bounds = [0] + [i for i, ln in enumerate(lines) if ln.soft and i > 0] + [len(lines)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


def _marker_pattern(n: int) -> re.Pattern[str]:
    # Glued to a word or punctuation («fengsel.1», «skal13», «tilbudstider.6,7») or set off by a
    # space before a comma or the line end («selvskading 9»); never part of «37.14» or «§ 16».
    return re.compile(
        rf"(?<![\d§])(?<!\d\.)(?<=[^\W\d_]|[.,;:)»”]){n}(?=[,\s]|$)|(?<=[^\W\d_]) {n}(?=,|\s*$)"
    )


def _mark(lines: list[Line], start: tuple[int, int], stop: int, n: int) -> tuple[int, int] | None:
    """Replace the first marker n in lines[start..stop) with a sentinel; return its position."""
    pattern = _marker_pattern(n)
    line_idx, col = start
    for i in range(line_idx, stop):
        text = lines[i].text
        m = pattern.search(text, col if i == line_idx else 0)
        if m:
            sentinel = f"{MARK_OPEN}{n}{MARK_CLOSE}"
            lines[i].text = text[: m.start()] + sentinel + text[m.end() :]
            return i, m.start() + len(sentinel)
    return None


def _numbered_heading(title: str, n: int, before: list[Line]) -> bool:
    """«1 Innledning» in a PDF: a short title with no marker n anywhere in the text before it is a
    numbered heading, not footnote n (cutting there would take the rest of the page as a note)."""
    words = title.split()
    if not words or len(title) > 60 or len(words) > 8 or title.rstrip()[-1] in ".,;:!?»)":
        return False
    pattern = _marker_pattern(n)
    return not any(pattern.search(ln.text) for ln in before)


def _collect(block: list[Line], first: int) -> list[Footnote]:
    """Split a page-bottom block into footnotes numbered first, first+1, …"""
    notes: list[Footnote] = []
    expected = first
    for ln in block:
        m = FOOTNOTE_LINE_RE.match(ln.text)
        if m and int(m.group(1)) == expected:
            notes.append(Footnote(expected, m.group(2), ln.page))
            expected += 1
            continue
        if not notes:
            continue
        note = notes[-1]
        # Link annotations repeat URLs; keep one only where the note has none of its own.
        annotation = URL_RE.match(ln.text) and ln.text.startswith("http")
        if annotation and ("www." in note.text or "http" in note.text):
            continue
        note.text = join_lines(note.text, ln.text, False)
    return notes


def extract_footnotes(lines: list[Line]) -> tuple[list[Line], list[Footnote], int]:
    """Remove footnote blocks; returns running lines, footnotes and the number of markers found."""
    expected = 1
    running: list[Line] = []
    notes: list[Footnote] = []
    cursor = (0, 0)
    found = 0
    for a, b in _segments(lines):
        seg = lines[a:b]
        cut = None
        for j, ln in enumerate(seg):
            m = FOOTNOTE_LINE_RE.match(ln.text)
            if m and int(m.group(1)) == expected and j > 0:
                if _numbered_heading(m.group(2), expected, [*running, *seg[:j]]):
                    continue
                cut = j
                break
        running.extend(seg if cut is None else seg[:cut])
        if cut is None:
            continue
        page_notes = _collect(seg[cut:], expected)
        for note in page_notes:
            pos = _mark(running, cursor, len(running), note.number)
            if pos is not None:
                cursor, found = pos, found + 1
        notes.extend(page_notes)
        expected += len(page_notes)
        if b < len(lines):
            lines[b].soft = True
    for note in notes:
        note.text = plain(note.text).strip()
    return running, notes, found
