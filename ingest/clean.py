"""Loaded text → cleaned text: paragraphs rejoined, footnotes set apart, chrome removed.

`clean_text(RawText) -> CleanText` turns what a loader returns (a plain dump, pypdf page texts or
the HTML loader's line format) into one canonical text that `ingest.structure` cuts into passages:

    # Title / ## Heading / ### 7.1.3 Numbered heading     (level = number of #)
    Paragraph text, wrapped lines joined, hyphens repaired.
    • A list item, wrapped lines joined.

blocks separated by one blank line, then the footnotes as «N text» blocks at the very end (their
spans in `CleanText.footnotes`, the reference markers' offsets in `CleanText.footnote_refs`).
Paragraph and heading breaks are inferred from layout: blank-line gaps (double-spaced dumps use
one blank line per wrap), short lines, sentence ends, page breaks, numbered headings that follow
the document's own numbering (so footnote lines and list numbers are never headings).
It deliberately does not decide passages, ids or sections: that is `ingest.structure`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.clean_lines import (
    COMMENT_RE,
    PAGE_CLOSE,
    PAGE_OPEN,
    SENTINEL_RE,
    Block,
    Line,
    ends_sentence,
    ends_with_connector,
    is_bullet,
    is_upper_line,
    join_lines,
    plain,
    split_lines,
    starts_lower,
    starts_upper,
    typical_width,
)
from ingest.clean_web import drop_chrome, resolve_short_blocks
from ingest.footnotes import Footnote, extract_footnotes
from ingest.records import CleanText

NUMBERED_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})(\.?)\s+(\S.*)$")
SIGNATURE_RE = re.compile(r"^(?:Med (?:vennlig )?hilsen|Vennlig hilsen)\b", re.IGNORECASE)
HTML_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
GLUED_NUMBER_RE = re.compile(r"^((?:Kapittel|Del|Punkt|Vedlegg|Chapter) \d+)(?=[A-ZÆØÅ][a-zæøå])")


@dataclass(frozen=True)
class RawText:
    """What a loader returns: the text, where pages start in it, and what produced it."""

    text: str
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset in text, page number), ascending
    source_kind: str = "text"  # "text" (plain dump), "pdf" (pypdf pages joined by "\n\n"), "html"


def short_title(text: str) -> bool:
    """A heading's title: at most 8 words and 60 characters, not ending in punctuation."""
    text = text.strip()
    return 0 < len(text) <= 60 and len(text.split()) <= 8 and text[-1] not in ".,;:!?»)"


class _Numbering:
    """The document's section numbering so far; accepts only the next plausible number."""

    def __init__(self) -> None:
        self.current: tuple[int, ...] = ()

    def accepts(self, line: str) -> tuple[int, ...] | None:
        m = NUMBERED_RE.match(plain(line))
        if not m:
            return None
        number = tuple(int(p) for p in m.group(1).split("."))
        title = m.group(3)
        # «2 Samtalerom»: a single number without a dot is a heading only when what follows reads
        # as a short title (a list number or a footnote is followed by a sentence).
        if len(number) == 1 and not m.group(2) and not short_title(title):
            return None
        if not title[:1].isupper() or len(title) > 120 or title.rstrip().endswith(","):
            return None
        cur = self.current
        child = number == (*cur, 1)
        k = len(number)
        sibling = k <= len(cur) and number[:-1] == cur[: k - 1] and number[-1] == cur[k - 1] + 1
        return number if child or sibling or (not cur and number == (1,)) else None


def _unglue(lines: list[Line]) -> list[Line]:
    """Web dumps glue a chapter number to its title («Kapittel 7Helsedirektoratets»)."""
    for ln in lines:
        ln.text = GLUED_NUMBER_RE.sub(r"\1 ", ln.text)
    return lines


def _html_lines(raw: RawText) -> list[Line]:
    lines = split_lines(raw.text, raw.page_starts, "html")
    for ln in lines:
        m = HTML_HEADING_RE.match(ln.text)
        if m:
            ln.kind, ln.level, ln.text = "heading", len(m.group(1)), m.group(2).strip()
    return lines


def _starts_block(line: Line, numbering: _Numbering) -> bool:
    return bool(
        line.kind == "heading"
        or is_bullet(line.text)
        or COMMENT_RE.match(line.text)
        or numbering.accepts(line.text)
    )


def _continues(prev: Line, line: Line, wrap_gap: int, width: int, html: bool) -> bool:
    """Does `line` continue the same paragraph or list item as `prev`?"""
    if line.gap > wrap_gap or line.soft:
        return not ends_sentence(prev.text) and starts_lower(line.text)
    if html:
        return True
    length = len(plain(prev.text))
    if starts_upper(line.text):
        if ends_sentence(prev.text) and length < 0.7 * width:
            return False  # a short line ending a sentence ends its paragraph
        if not ends_sentence(prev.text) and not ends_with_connector(prev.text):
            return length >= 0.92 * width  # a heading-like line unless it fills the width
    return True


def _heading_continues(block: Block, line: Line, wrap_gap: int) -> bool:
    t = plain(line.text)
    if line.gap > wrap_gap or t.endswith(".") or is_bullet(t):
        return False
    if is_upper_line(block.text) and is_upper_line(t):
        return len(block.text) + len(t) < 240  # an upper-case title wraps over several lines
    return len(t) <= 45 and (t[0].islower() or t[0] == "(")


def _new_block(line: Line, numbering: _Numbering, before_numbers: bool) -> Block:
    number = numbering.accepts(line.text)
    if line.kind == "heading":
        return Block("heading", line.text, line.level, line.indent, line.page)
    if number:
        numbering.current = number
        return Block("heading", line.text, len(number), line.indent, line.page)
    if before_numbers and is_upper_line(line.text):
        return Block("heading", line.text, 1, line.indent, line.page)
    if is_bullet(line.text):
        text = re.sub(r"^(?:[•▪◦●■*]|- )\s*", "", line.text)
        return Block("list_item", text, 0, line.indent, line.page)
    kind = "comment" if COMMENT_RE.match(line.text) else "paragraph"
    return Block(kind, line.text, 0, line.indent, line.page)


def _append(block: Block, line: Line, prev: Line) -> None:
    if line.page is not None and line.page != prev.page:
        line.text = f"{PAGE_OPEN}{line.page}{PAGE_CLOSE}{line.text}"
    block.text = join_lines(block.text, line.text, prev.trailing_space)


def build_blocks(lines: list[Line], html: bool) -> list[Block]:
    """Join lines into headings, paragraphs, list items and comments."""
    width = typical_width(lines)
    pairs = [b.gap for a, b in itertools.pairwise(lines) if not b.soft]
    wrap_gap = 1 if pairs and sum(g == 1 for g in pairs) > 0.5 * len(pairs) else 0
    if html:
        wrap_gap = 0  # the HTML line format separates blocks by blank lines
    elif width > 150:
        wrap_gap = -1  # one paragraph per line (web dumps): every line break is a break
    numbering = _Numbering()
    blocks: list[Block] = []
    prev: Line | None = None
    for line in lines:
        if SIGNATURE_RE.match(line.text) and not html:
            break  # a letter's greeting and signatures close the running text
        current = blocks[-1] if blocks else None
        if current is not None and prev is not None and not _starts_block(line, numbering):
            if current.kind == "heading":
                joined = _heading_continues(current, line, wrap_gap)
            else:
                joined = _continues(prev, line, wrap_gap, width, html)
            if joined:
                _append(current, line, prev)
                prev = line
                continue
        blocks.append(_new_block(line, numbering, not numbering.current))
        prev = line
    return blocks


def _render(blocks: list[Block], notes: list[Footnote]) -> CleanText:
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    refs: list[tuple[int, int]] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0

    def emit(raw: str, page: int | None) -> int:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        if page is not None:
            pages.append((pos, page))
        start, out, last = pos, [], 0
        raw = re.sub("(\ue001),(?=\ue000)", r"\1", raw)
        for m in SENTINEL_RE.finditer(raw):
            out.append(raw[last : m.start()])
            here = start + sum(len(s) for s in out)
            if m.group(1):
                refs.append((here, int(m.group(1))))
            else:
                pages.append((here, int(m.group(2))))
            last = m.end()
        out.append(raw[last:])
        text = "".join(out)
        parts.append(text)
        pos += len(text)
        return start

    for block in blocks:
        prefix = "#" * block.level + " " if block.kind == "heading" else ""
        prefix = (
            "• " if block.kind == "list_item" and not re.match(r"^\w\)\s", block.text) else prefix
        )
        emit(prefix + block.text.strip(), block.page)
    for note in notes:
        start = emit(f"{note.number} {note.text}", note.page)
        spans.append((note.number, start + len(str(note.number)) + 1, pos))
    text = "".join(parts)
    pages.sort()
    return CleanText(text, tuple(pages), footnotes=tuple(spans), footnote_refs=tuple(refs))


def clean_text(raw: RawText) -> CleanText:
    """Clean a loaded document into the canonical block text (see the module docstring)."""
    html = raw.source_kind == "html"
    lines = _html_lines(raw) if html else split_lines(raw.text, raw.page_starts, raw.source_kind)
    lines = _unglue(drop_chrome(lines))
    notes: list[Footnote] = []
    if not html:
        lines, notes, _found = extract_footnotes(lines)
    blocks = build_blocks(lines, html)
    if not any(b.kind == "heading" and NUMBERED_RE.match(b.text) for b in blocks):
        blocks = resolve_short_blocks(blocks)
    clean = _render(blocks, notes)
    unreferenced = {n.number for n in notes} - {n for _, n in clean.footnote_refs}
    if unreferenced:
        anchors = _anchor_offsets(clean, blocks, notes, unreferenced)
        refs = tuple(sorted(clean.footnote_refs + anchors))
        clean = CleanText(clean.text, clean.page_starts, raw.source_kind, clean.footnotes, refs)
    return CleanText(
        clean.text, clean.page_starts, raw.source_kind, clean.footnotes, clean.footnote_refs
    )


def _anchor_offsets(
    clean: CleanText, blocks: list[Block], notes: list[Footnote], numbers: set[int]
) -> tuple[tuple[int, int], ...]:
    """Unreferenced footnotes hang on the running text just before their page bottom."""
    body_end = min((s for _, s, _ in clean.footnotes), default=len(clean.text))
    body = clean.text[:body_end]
    out = []
    for note in notes:
        if note.number in numbers:
            # Without a line map, the end of the body is a safe, deterministic anchor.
            out.append((max(0, len(body.rstrip()) - 1), note.number))
    return tuple(out)
