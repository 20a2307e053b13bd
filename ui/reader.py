"""A section of a source as the source lays it out: paragraphs, list lead-ins, bullets, footnotes.

The index keeps a list's lead-in («Straff i samfunnet omfatter») as each item's `context`, not as
a passage of its own (unless it holds whole sentences before the fragment the list completes), and
its bullets («•») as structure, not text. `section_blocks` puts them back in reading order: a
paragraph, the lead-in once before its items, the items as one list (bulleted, or with the
source's own «a)» / «1)» when it numbers them), footnotes last. `section_markup` renders the
blocks for the reader and for a card's «Vis i dokumentet», marking the passages asked for and
highlighting a quote in the first of them; every element names its passage (`data-passage`) so a
script can scroll to it. Pure functions over passages; all source text is HTML-escaped. It
deliberately does not choose which section to show (`ui.render` does).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.records import Passage

BlockKind = Literal["paragraph", "lead_in", "list", "footnote"]
# An item that carries its own marker in the source text («a) …», «2) …»): no bullet is added.
_ENUMERATED = re.compile(r"^(?:[a-zæøå]|\d{1,2})\)\s")


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    passages: tuple[Passage, ...] = ()
    text: str = ""  # a lead-in's text (it is no passage of its own)

    @property
    def enumerated(self) -> bool:
        return bool(self.passages) and all(_ENUMERATED.match(p.text) for p in self.passages)


def _lead_in(item: Passage, before: Passage | None) -> str:
    """The part of an item's lead-in not already shown by the paragraph before it."""
    lead = item.context.strip()
    if not lead:
        return ""
    shown = before.text.strip() if before is not None and before.kind != "list_item" else ""
    if shown and lead.startswith(shown):
        return lead[len(shown) :].strip()  # the sentences were a paragraph; the fragment is left
    return "" if shown.endswith(lead) else lead


def section_blocks(passages: Sequence[Passage]) -> list[Block]:
    """The passages of one section (document order) as reading blocks; footnotes at the end."""
    blocks: list[Block] = []
    notes: list[Passage] = []
    before: Passage | None = None
    for p in passages:
        if p.kind == "footnote":
            notes.append(p)
            continue
        if p.kind == "list_item":
            last = blocks[-1] if blocks else None
            same = (
                last is not None and last.kind == "list" and last.passages[-1].context == p.context
            )
            if same and last is not None:
                blocks[-1] = Block("list", (*last.passages, p))
            else:
                lead = _lead_in(p, before)
                if lead:
                    blocks.append(Block("lead_in", text=lead))
                blocks.append(Block("list", (p,)))
        else:
            blocks.append(Block("paragraph", (p,)))
        before = p
    blocks.extend(Block("footnote", (n,)) for n in notes)
    return blocks


def _body(p: Passage, marked: Collection[str], quote: str, first: str, pages: bool) -> str:
    page = f'<span class="page">s. {p.page}</span> ' if pages and p.page is not None else ""
    if p.id == first and quote and quote in p.text:
        at = p.text.find(quote)
        text = (
            html.escape(p.text[:at])
            + f"<mark>{html.escape(quote)}</mark>"
            + html.escape(p.text[at + len(quote) :])
        )
    elif p.id in marked and not quote:
        text = f"<mark>{html.escape(p.text)}</mark>"
    else:
        text = html.escape(p.text)
    return page + text


def _attrs(p: Passage, css: str, marked: Collection[str]) -> str:
    target = " sec-target" if p.id in marked else ""
    return f'class="{css}{target}" data-passage="{html.escape(p.id)}"'


def section_markup(
    passages: Sequence[Passage],
    marked: Collection[str] = (),
    quote: str = "",
    pages: bool = False,
) -> str:
    """HTML of a section: `marked` passages get «sec-target» (the first of them also the `quote`
    highlighted, or its whole text when no quote is given); `pages` shows «s. N» where known."""
    first = next((p.id for p in passages if p.id in marked), "")
    out: list[str] = []
    for block in section_blocks(passages):
        if block.kind == "lead_in":
            out.append(f'<p class="sec-p sec-lead">{html.escape(block.text)}</p>')
        elif block.kind == "list":
            css = "sec-list enum" if block.enumerated else "sec-list"
            items = "".join(
                f"<li {_attrs(p, 'sec-p sec-item', marked)}>"
                f"{_body(p, marked, quote, first, pages)}</li>"
                for p in block.passages
            )
            out.append(f'<ul class="{css}">{items}</ul>')
        else:
            p = block.passages[0]
            css = "sec-p sec-fn" if block.kind == "footnote" else "sec-p"
            out.append(f"<p {_attrs(p, css, marked)}>{_body(p, marked, quote, first, pages)}</p>")
    return "\n".join(out)
