"""Compare quoted text with source text word by word: normalise both, diff, flag material changes.

Normalisation maps both sides to one comparison form: runs of whitespace and line breaks become
one space; soft hyphens, zero-width characters, quote marks and bullets are dropped; dashes become
«-»; a hyphen joining two parts of one word (also across a line end, unless «og»/«eller» follows)
is dropped; a footnote marker glued after a word and punctuation («fengsel.1») is dropped. `fold`
then ignores letter case and accents while keeping offsets. The word diff scores the best stretch
of source words against the quote with difflib; what in a diff op is legally material (numbers,
deadlines, negation, modal verbs, actors, legal references) is judged by `assistant.legal.material`.

It deliberately knows nothing about indexes, documents, passages or claimed sources (that is
`assistant.legal.verify`), does not rank by meaning (no embeddings) and does not judge whether a
paraphrase is faithful: it compares words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Any

from assistant.legal.material import (
    MATERIAL_LABELS,
    material_kinds,
    material_texts,
    ref_token_units,
)

__all__ = [
    "MATERIAL_LABELS",
    "best_window",
    "fold",
    "material_kinds",
    "material_texts",
    "normalize",
    "normalize_map",
    "tokenize",
    "word_diff",
]

# ---------------------------------------------------------------- normalisation

_CHAR_MAP = {c: "-" for c in "‐‑‒–—―−"}
# Quote marks are typography, not wording: dropped like soft hyphens, so «» “” "" ‘’ '' all agree.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff«»“”„‟\"‘’‚‛'‹›″′•▪◦‣●")
# After a line-end hyphen these words mean coordination («helse- og omsorgstjenesten»), not a
# word broken across lines.
_COORDINATION = frozenset({"og", "eller", "samt", "enn"})
_FOLD = str.maketrans("éèêóòôáàúü", "eeeoooaauu")
_FOOTNOTE_AFTER = frozenset(".,;:)")


def _next_word(text: str, i: int) -> str:
    m = re.match(r"[^\W\d_]+", text[i:])
    return m.group(0).lower() if m else ""


def _hyphen_skip(text: str, i: int, out: list[str]) -> int | None:
    """Where to continue when the hyphen at `i` joins two parts of one word (None: keep it)."""
    if not out or not out[-1].isalpha():
        return None
    j, space, newline = i + 1, False, False
    while j < len(text) and (text[j].isspace() or text[j] in _INVISIBLE):
        space = space or text[j].isspace()
        newline = newline or text[j] == "\n"
        j += 1
    if j >= len(text) or not text[j].isalpha():
        return None
    if not space:
        return j  # «ROP-lidelse» ≡ «ROPlidelse», so a hyphen lost or kept at a line end is moot
    if newline and _next_word(text, j) not in _COORDINATION:
        return j
    return None


def _footnote_skip(text: str, i: int, out: list[str]) -> int | None:
    """Skip a footnote marker glued after a word and punctuation («fengsel.1 Overhyppigheten»)."""
    if len(out) < 5 or out[-1] not in _FOOTNOTE_AFTER or not all(c.isalpha() for c in out[-5:-1]):
        return None
    j = i
    while j < len(text) and text[j].isdigit() and j - i < 2:
        j += 1
    k = j
    while k < len(text) and text[k] in _INVISIBLE:
        k += 1
    return j if k == len(text) or text[k].isspace() else None


def normalize_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the offset it came from in `text`."""
    out: list[str] = []
    pos: list[int] = []
    i = 0
    while i < len(text):
        c = _CHAR_MAP.get(text[i], text[i])
        skip: int | None = None
        if c in _INVISIBLE:
            skip = i + 1
        elif c == "#" and (not out or out[-1] == " "):
            skip = i + 1  # Markdown heading marks in cleaned texts are layout, not wording
        elif c.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                pos.append(i)
            skip = i + 1
        elif c == "-":
            skip = _hyphen_skip(text, i, out)
        elif c.isdigit():
            skip = _footnote_skip(text, i, out)
        if skip is not None:
            i = skip
            continue
        out.append(c)
        pos.append(i)
        i += 1
    if out and out[-1] == " ":
        out.pop()
        pos.pop()
    return "".join(out), pos


def normalize(text: str) -> str:
    return normalize_map(text)[0]


def fold(text: str) -> str:
    """Case- and accent-insensitive comparison form; keeps the length so offsets still hold."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text).translate(_FOLD)


_TOKEN = re.compile(r"§+|\d+(?:[.,:/-]\d+)*|\w+|[^\w\s]")


def tokenize(norm: str) -> list[tuple[int, int]]:
    """Word and punctuation token spans in a normalised text."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(norm)]


# ---------------------------------------------------------------- word diff


def _candidate_starts(q_keys: list[str], d_keys: list[str], limit: int = 6) -> list[int]:
    """Window starts with the most quote words in them, at least half a quote apart."""
    m, n = len(q_keys), len(d_keys)
    if n <= m:
        return [0]
    qset = set(q_keys)
    csum = [0, *accumulate(1 if k in qset else 0 for k in d_keys)]
    counts = [csum[s + m] - csum[s] for s in range(n - m + 1)]
    chosen: list[int] = []
    for s in sorted(range(len(counts)), key=lambda s: -counts[s]):
        if all(abs(s - c) > m // 2 for c in chosen):
            chosen.append(s)
            if len(chosen) == limit:
                break
    return chosen


def best_window(q_keys: list[str], d_keys: list[str]) -> tuple[float, int, int]:
    """(similarity, first token, end token) of the best-matching stretch of `d_keys`."""
    best = (0.0, 0, 0)
    m = len(q_keys)
    for s in _candidate_starts(q_keys, d_keys):
        lo, hi = max(0, s - m // 4 - 1), min(len(d_keys), s + m + m // 4 + 1)
        blocks = [b for b in SequenceMatcher(None, q_keys, d_keys[lo:hi], False).get_matching_blocks()
                  if b.size]  # fmt: skip
        if not blocks:
            continue
        # Stretch over quote words before the first / after the last match: a changed first word
        # is then a replacement, not an insertion.
        a0 = max(0, lo + blocks[0].b - blocks[0].a)
        a1 = min(
            len(d_keys), lo + blocks[-1].b + blocks[-1].size + m - blocks[-1].a - blocks[-1].size
        )
        score = SequenceMatcher(None, q_keys, d_keys[a0:a1], False).ratio()
        if score > best[0]:
            best = (score, a0, a1)
    return best


def _unit_text(text: str, units: Sequence[tuple[int, int] | None]) -> str:
    """The text of the references an op touches, in order, once each."""
    seen = list(dict.fromkeys(u for u in units if u is not None))
    return "; ".join(text[s:e] for s, e in seen)


def word_diff(
    source_norm: str,
    source_tok: Sequence[tuple[int, int]],
    source_keys: list[str],
    quote_norm: str,
    quote_tok: Sequence[tuple[int, int]],
    quote_keys: list[str],
) -> list[dict[str, Any]]:
    """Word-level ops turning the source stretch into the quote: "insert" = only in the quote.

    Token spans index into the normalised texts; keys are the folded tokens, one per span.
    """
    ops: list[dict[str, Any]] = []
    base = source_tok[0][0] if source_tok else 0
    window = source_norm[base : source_tok[-1][1]] if source_tok else ""
    src_ref = ref_token_units(window, [(s - base, e - base) for s, e in source_tok])
    quo_ref = ref_token_units(quote_norm, quote_tok)
    matcher = SequenceMatcher(None, source_keys, quote_keys, False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        src = source_norm[source_tok[i1][0] : source_tok[i2 - 1][1]] if i2 > i1 else ""
        quo = quote_norm[quote_tok[j1][0] : quote_tok[j2 - 1][1]] if j2 > j1 else ""
        kinds: list[str] = []
        if tag != "equal":
            after = (
                source_keys[i2] if i2 < len(source_keys) else "",
                quote_keys[j2] if j2 < len(quote_keys) else "",
            )
            touches = any(src_ref[i1:i2]) or any(quo_ref[j1:j2])
            in_ref = ("dropped" if tag == "delete" else "changed") if touches else ""
            kinds = material_kinds(
                source_keys[i1:i2], quote_keys[j1:j2], after=after, in_ref=in_ref
            )
        op: dict[str, Any] = {"op": tag, "source": src, "quote": quo, "material": kinds}
        if "legal_ref" in kinds:
            op["source_ref"] = _unit_text(window, src_ref[i1:i2])
            op["quote_ref"] = _unit_text(quote_norm, quo_ref[j1:j2])
        ops.append(op)
    return ops
