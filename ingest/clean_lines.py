"""Shared line model and small text predicates for the cleaning stage.

A loaded document is first cut into `Line`s: the stripped text of each non-blank line with what the
layout said about it (indentation, blank lines before it, page, whether a page break or removed
material precedes it). Footnote markers and page changes travel inside the text as private-use
sentinels until the final rendering, so joining lines never loses their position.
This module holds no policy about what to join or drop: `ingest.clean` decides that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.sentences import ABBREVIATIONS

# Private-use sentinels: «\ue000N\ue001» marks footnote reference N, «\ue002P\ue003» a page change.
MARK_OPEN, MARK_CLOSE, PAGE_OPEN, PAGE_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
SENTINEL_RE = re.compile(r"\ue000(\d+)\ue001|\ue002(\d+)\ue003")

BULLET_RE = re.compile(r"^(?:[•▪◦●■*]|- )\s*")
ENUM_RE = re.compile(r"^(?:[a-zæøå]|\d{1,2})\)\s")
COMMENT_RE = re.compile(r"^Sid(?:e|ene)\s+(\d+)(?:\s*[/–-]\s*\d+)?\b[^:\n]{0,24}:")
URL_RE = re.compile(r"^(?:https?://|www\.)\S+$")
# Abbreviations that end in a period without ending the sentence: the sentence splitter's list.
ABBREV_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")\.$",
    re.IGNORECASE,
)
SENTENCE_END_RE = re.compile(r"[.!?:;][\"»”)\]]*$|[\"»”][.!?]$")
CONNECTORS = frozenset(
    "og eller samt i om til av for med på som at en et den det de å fra ved etter under mot og/eller "
    "der når hvis dersom men både enn jf. the of and or".split()
)


@dataclass
class Line:
    """One non-blank source line and the layout facts around it."""

    text: str
    indent: int = 0
    gap: int = 0  # blank lines directly before this line
    soft: bool = False  # a page break or removed material lies before this line
    page: int | None = None
    trailing_space: bool = False
    kind: str = ""  # preset by the HTML format: "heading" or "" (decided later)
    level: int = 0


def plain(text: str) -> str:
    """The text without sentinels, for decisions about it."""
    return SENTINEL_RE.sub("", text)


def ends_sentence(text: str) -> bool:
    t = plain(text).rstrip()
    return bool(SENTENCE_END_RE.search(t)) and not ABBREV_RE.search(t)


def ends_with_connector(text: str) -> bool:
    t = plain(text).rstrip()
    if not t or t[-1] in ",-–(/":
        return True
    return t.split()[-1].lower() in CONNECTORS


def starts_lower(text: str) -> bool:
    t = plain(text).lstrip()
    return bool(t) and (t[0].islower() or t[0] in "(§")


def starts_upper(text: str) -> bool:
    t = plain(text).lstrip('«" ')
    return bool(t) and (t[0].isupper() or t[0].isdigit())


def is_bullet(text: str) -> bool:
    return bool(BULLET_RE.match(text) or ENUM_RE.match(text))


def is_upper_line(text: str) -> bool:
    letters = [c for c in plain(text) if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def typical_width(lines: list[Line]) -> int:
    """The usual full-line length (90th percentile): shorter lines end a paragraph or heading."""
    lengths = sorted(len(plain(ln.text)) for ln in lines if len(ln.text) >= 20)
    if not lengths:
        return 80
    return max(40, lengths[int(0.9 * (len(lengths) - 1))])


def join_lines(left: str, right: str, left_trailing_space: bool) -> str:
    """Join a wrapped line to the next, repairing a hyphen at the line end.

    A hyphen followed by a conjunction or with a space after it is a coordination («helse- og»);
    after an acronym, digit or before a capital it is a real compound hyphen («ROP-lidelse»); in a
    URL it is kept; only a lower-case word broken before a lower-case continuation is joined.
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left.endswith("-") or left.endswith(" -"):
        return f"{left} {right}"
    first_word = right.split()[0].lower() if right.split() else ""
    if left_trailing_space or first_word in {"og", "eller", "samt", "and", "or", "til", "/"}:
        return f"{left} {right}"
    token = plain(left).split()[-1][:-1] if plain(left).split() else ""
    url_like = "/" in token or token.startswith("www") or "+" in token
    compound = (
        token.isupper() or token[-1:].isdigit() or len(token) <= 1 or not token[-1:].isalpha()
    )
    if url_like or compound or not right[:1].islower():
        return f"{left}{right}"
    return f"{left[:-1]}{right}"


def split_lines(text: str, page_starts: tuple[tuple[int, int], ...], kind: str) -> list[Line]:
    """Cut raw text into `Line`s, counting blank lines and marking page starts as soft breaks.

    In plain-text dumps of PDFs a page often begins with a line indented by exactly one space right
    after a non-blank line; that is taken as a page break (its number is unknown).
    """
    text = (
        text.replace("\u00a0", " ").replace("\t", "    ").replace("\r\n", "\n").replace("\f", "\n")
    )
    starts = list(page_starts)
    out: list[Line] = []
    gap, offset, prev_blank, page_idx = 0, 0, True, -1
    pending_soft = False
    for raw in text.split("\n"):
        while page_idx + 1 < len(starts) and starts[page_idx + 1][0] <= offset:
            page_idx += 1
            pending_soft = True
        offset += len(raw) + 1
        content = raw.strip()
        if not content:
            gap += 1
            prev_blank = True
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        page_mark = kind == "text" and indent == 1 and not prev_blank and out != []
        page = starts[page_idx][1] if page_idx >= 0 else None
        out.append(
            Line(
                text=re.sub(r" {2,}", " ", content),
                indent=indent,
                gap=gap,
                soft=pending_soft or page_mark,
                page=page,
                trailing_space=raw != raw.rstrip(),
            )
        )
        gap, prev_blank, pending_soft = 0, False, False
    return out


@dataclass
class Block:
    """A cleaned unit before rendering: heading (with level), list_item, paragraph or comment."""

    kind: str
    text: str
    level: int = 0
    indent: int = 0
    page: int | None = None
