"""Cleaned text → untagged Passages: headings tracked, paragraphs/list items/comments/footnotes cut.

Reads the canonical block text of `ingest.clean` («# Heading» lines, «• item» lines, paragraphs,
footnotes at the end) and returns one `Passage` per paragraph, list item, consultation comment and
footnote, each with its heading path, section, page, exact span and a deterministic id
`<doc>:<section>:<n>` (footnotes `<doc>:<section>:fn<N>` under the section that references them).
- section: the number of the innermost numbered heading («7.1.3»); in unnumbered documents a short
  slug of the innermost heading («side-16» for a comment on page 16 of a draft); «0» before any.
- a list item keeps its lead-in sentence («Ved utelukkelse skal kriminalomsorgen:») in `context`;
  a lead-in is not a passage of its own unless it holds complete sentences before the fragment.
- a label of a few words ending in a colon on a line of its own («Under revisjon:») is the
  `context` of the paragraph after it, not a passage.
- a paragraph directly followed by a consultation comment is the quoted draft text: it becomes a
  heading for the comments, not a passage.
- very long paragraphs are split at sentence boundaries only.
It does not tag roles or legal references (roles=(), refs=()): that is the tagging stage.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from analysis.sentences import split_sentences
from ingest.clean_lines import COMMENT_RE, ENUM_RE
from ingest.manifest import fold_ascii
from ingest.records import CleanText, Document, Passage, PassageKind

CHUNKER_VERSION = "structure-2"

MAX_PARAGRAPH = 1200  # characters; longer paragraphs are split at sentence boundaries
TARGET_PART = 700
NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")
# A label of a few words ending in a colon, on a line of its own («Under revisjon:»): quoted alone
# it says nothing, so it is the lead-in of the paragraph after it, not a passage.
LABEL_RE = re.compile(r"[^.!?:\n]{1,60}:")
LABEL_WORDS = 6


@dataclass
class _Block:
    kind: PassageKind  # heading, list_item, paragraph, comment
    start: int
    end: int
    level: int = 0

    def text(self, clean: CleanText) -> str:
        return clean.text[self.start : self.end]


def _blocks(clean: CleanText) -> list[_Block]:
    first_note = min((s for _, s, _ in clean.footnotes), default=len(clean.text))
    body_end = clean.text.rfind("\n", 0, first_note) + 1 if clean.footnotes else len(clean.text)
    out: list[_Block] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", clean.text[:body_end]):
        start, end, raw = m.start(), m.end(), m.group(0)
        if raw.startswith("#"):
            level = len(raw) - len(raw.lstrip("#"))
            out.append(_Block("heading", start + level + 1, end, level))
        elif raw.startswith("• "):
            out.append(_Block("list_item", start + 2, end))
        elif ENUM_RE.match(raw):
            out.append(_Block("list_item", start, end))
        elif COMMENT_RE.match(raw):
            out.append(_Block("comment", start, end))
        else:
            out.append(_Block("paragraph", start, end))
    return out


def slug(text: str, limit: int = 40) -> str:
    """A short, stable, ASCII slug of a heading: «Innkomst og løslatelse» → «innkomst-og-loslatelse»."""
    words = re.findall(r"[a-z0-9]+", fold_ascii(text))
    out = ""
    for word in words[:6]:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "x"


def _sentence_parts(text: str, offset: int) -> list[tuple[int, int]]:
    """Spans of ≤ ~TARGET_PART characters, cut only after a sentence end."""
    if len(text) <= MAX_PARAGRAPH:
        return [(offset, offset + len(text))]
    spans: list[tuple[int, int]] = []
    sentences = split_sentences(text)
    begin = 0
    for (_, end), (next_start, _) in itertools.pairwise(sentences):
        if end - begin >= TARGET_PART:
            spans.append((offset + begin, offset + end))
            begin = next_start
    spans.append((offset + begin, offset + len(text)))
    return spans


def _lead_in_sentences(text: str) -> int:
    """Length of the complete sentences before a lead-in fragment (0 if none)."""
    sentences = split_sentences(text)
    return sentences[-2][1] if len(sentences) > 1 else 0


class _Builder:
    def __init__(self, doc: Document, clean: CleanText, numbered: bool) -> None:
        self.doc, self.clean, self.numbered = doc, clean, numbered
        self.path: list[tuple[int, str]] = []
        self.counts: dict[str, int] = {}
        self.passages: list[Passage] = []
        self.comment_section: str | None = None

    def heading(self, level: int, text: str) -> None:
        self.path = [(lv, t) for lv, t in self.path if lv < level] + [(level, text)]
        self.comment_section = None

    def section(self) -> str:
        if self.comment_section:
            return self.comment_section
        for _, text in reversed(self.path):
            m = NUMBER_RE.match(text)
            if m:
                return m.group(1)
        if self.path and not self.numbered:
            return slug(self.path[-1][1])
        return "0"

    def add(self, kind: PassageKind, start: int, end: int, context: str = "") -> None:
        section = self.section()
        n = self.counts.get(section, 0) + 1
        self.counts[section] = n
        path = tuple(" ".join(t.split()) for _, t in self.path)
        self.passages.append(
            Passage(
                id=f"{self.doc.id}:{section}:{n}",
                doc_id=self.doc.id,
                section=section,
                heading=path[-1] if path else "",
                heading_path=path,
                page=self.clean.page_at(start),
                kind=kind,
                text=self.clean.text[start:end],
                start=start,
                end=end,
                context=context,
            )
        )


def _is_label(text: str) -> bool:
    return bool(LABEL_RE.fullmatch(text.strip())) and len(text.split()) <= LABEL_WORDS


def _walk(builder: _Builder, blocks: list[_Block], clean: CleanText) -> None:
    lead_in = label = ""
    for i, block in enumerate(blocks):
        text = block.text(clean)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "heading":
            builder.heading(block.level, text)
            lead_in = ""
        elif block.kind == "list_item":
            builder.add("list_item", block.start, block.end, lead_in)
        elif block.kind == "comment":
            page = COMMENT_RE.match(text)
            builder.comment_section = f"side-{page.group(1)}" if page else None
            builder.add("comment", block.start, block.end, _draft_text(builder))
        elif nxt is not None and nxt.kind == "comment" and not builder.comment_section:
            level = builder.path[-1][0] + 1 if builder.path else 1
            builder.heading(level, text)  # the quoted draft recommendation
        elif nxt is not None and nxt.kind == "list_item":
            lead_in = text
            # A lead-in that ends its sentence is content in its own right; else keep only the
            # complete sentences before the fragment that the list completes.
            ended = re.search(r"[.!?][\"»)]*$", text)
            keep = len(text) if ended else _lead_in_sentences(text)
            if keep:
                builder.add("paragraph", block.start, block.start + keep)
        elif (
            nxt is not None
            and nxt.kind == "paragraph"
            and not builder.comment_section
            and _is_label(text)
        ):
            label = " ".join(text.split())  # the next paragraph's lead-in
        else:
            lead_in = ""
            kind: PassageKind = "comment" if builder.comment_section else "paragraph"
            for start, end in _sentence_parts(text, block.start):
                context = _draft_text(builder) if kind == "comment" else label
                builder.add(kind, start, end, context)
            label = ""


def _draft_text(builder: _Builder) -> str:
    return builder.path[-1][1] if builder.path else ""


def _link_footnotes(builder: _Builder, clean: CleanText) -> list[Passage]:
    passages = builder.passages
    by_number = {n: (s, e) for n, s, e in clean.footnotes}
    linked: dict[int, str] = {}
    out = list(passages)
    for offset, number in clean.footnote_refs:
        if number not in by_number or number in linked or not passages:
            continue
        # The passage holding the marker; a marker in a list's lead-in belongs to its first item.
        holding = [i for i, p in enumerate(passages) if p.start <= offset <= p.end]
        after = [i for i, p in enumerate(passages) if p.start >= offset]
        idx = holding[0] if holding else after[0] if after else len(passages) - 1
        owner = out[idx]
        fn_id = f"{builder.doc.id}:{owner.section}:fn{number}"
        linked[number] = fn_id
        out[idx] = replace(owner, footnotes=(*owner.footnotes, fn_id))
        start, end = by_number[number]
        out.append(
            Passage(
                id=fn_id,
                doc_id=builder.doc.id,
                section=owner.section,
                heading=owner.heading,
                heading_path=owner.heading_path,
                page=clean.page_at(start),
                kind="footnote",
                text=clean.text[start:end],
                start=start,
                end=end,
                referenced_from=(owner.id,),
            )
        )
    return out


def structure(doc: Document, clean: CleanText) -> list[Passage]:
    """Cut a cleaned document into untagged passages (roles=(), refs=())."""
    blocks = _blocks(clean)
    numbered = any(b.kind == "heading" and NUMBER_RE.match(b.text(clean)) for b in blocks)
    builder = _Builder(doc, clean, numbered)
    _walk(builder, blocks, clean)
    return _link_footnotes(builder, clean)
