"""«(6 punkter til i listen)» opened in place: the items of a quoted list the answer leaves out.

An answer quotes the list items that decide the question under their lead-in and says how many
more the list has. In the chat that line becomes a fold (`<details>`) holding exactly those items,
in source order, read from the index: the items of the same list (same document, section and
lead-in) that the answer does not cite. The answer text itself is unchanged (a library user, an
export or «Kopier svaret» keeps the count line). It deliberately decides nothing about which
items answer the question: the assistant did that.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.records import Answer
from ingest.records import Passage
from ui.plain_source import neutral

# The composer's line (assistant.answer.render PHRASES «more_items» / «more_item», nb and en).
REST_LINE = re.compile(
    r"^(?P<indent>\s*)- \*\((?P<label>\d+ (?:punkter? til i listen|more items? in the list))\)\*\s*$"
)
_MARKER = re.compile(r"\[(\d+)(?:\s*,\s*\d+)*\]")


def _list_of(passage: Passage) -> tuple[str, str, str] | None:
    if passage.kind != "list_item" or not passage.context:
        return None
    return passage.doc_id, passage.section, passage.context


def remainders(answer: Answer, passages: Sequence[Passage]) -> dict[int, tuple[Passage, ...]]:
    """For each count line of `answer.text` (by line number): the list's items the answer does
    not cite, in document order. The list is the one of the nearest cited item above the line."""
    by_n = {c.n: c.passage for c in answer.citations}
    cited = {c.passage.id for c in answer.citations}
    lists: dict[tuple[str, str, str], list[Passage]] = {}
    for p in passages:
        key = _list_of(p)
        if key is not None:
            lists.setdefault(key, []).append(p)
    out: dict[int, tuple[Passage, ...]] = {}
    last: tuple[str, str, str] | None = None
    for number, line in enumerate(answer.text.split("\n")):
        if REST_LINE.match(line):
            if last is not None:
                rest = tuple(p for p in lists.get(last, ()) if p.id not in cited)
                if rest:
                    out[number] = rest
            continue
        for marker in _MARKER.findall(line):
            key = _list_of(by_n[int(marker)]) if int(marker) in by_n else None
            if key is not None:
                last = key
    return out


def fold(label: str, items: Sequence[Passage]) -> str:
    """The fold that replaces a count line: its label as the summary, the items inside."""
    body = "".join(
        f'<li data-passage="{html.escape(p.id)}">'
        f"{neutral(html.escape(' '.join(p.text.split()), quote=False))}</li>"
        for p in items
    )
    return (
        f'<details class="list-rest"><summary>{html.escape(label)}</summary><ul>{body}</ul>'
        "</details>"
    )


def with_placeholders(answer: Answer, index: Any) -> tuple[str, Mapping[str, str]]:
    """`answer.text` with each openable count line replaced by a placeholder token, and the fold
    HTML per token (put back after the text is escaped and its markers linked)."""
    rests = remainders(answer, index.passages)
    lines = answer.text.split("\n")
    folds: dict[str, str] = {}
    for number, items in rests.items():
        match = REST_LINE.match(lines[number])
        if match is None:
            continue
        token = f"HJEMMELLISTREST{number}X"
        folds[token] = fold(f"({match.group('label')})", items)
        lines[number] = f"{match.group('indent')}- {token}"
    return "\n".join(lines), folds
