"""Check a quoted text against the sources: exact, near (with a word-level diff) or not found.

Both the quote and the cleaned document texts are normalised the same way (whitespace and line
breaks, soft hyphens, line-end hyphenation, quote marks, dashes, letter case, footnote markers glued
to a word) and searched; a hit is mapped back to the passages whose spans it overlaps, so a quote
running over two adjacent passages reports both. Failing an exact hit, the best window of similar
length is scored with difflib on word sequences. A changed number, negation or modal verb is legally
material: it is listed in `material` and such a quote is never "exact".

It deliberately does not rank by meaning (no embeddings) and does not judge whether a paraphrase
is faithful: it compares words.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Any, Protocol

from ingest.records import Document, Passage

NEAR_THRESHOLD = 0.75


class CorpusView(Protocol):
    """What these tools need from an opened index (ingest.index.Index satisfies it)."""

    @property
    def documents(self) -> Mapping[str, Document]: ...
    @property
    def passages(self) -> Sequence[Passage]: ...
    @property
    def by_id(self) -> Mapping[str, Passage]: ...
    @property
    def texts(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class VerifyResult:
    status: str  # "exact" | "near" | "not_found"
    doc_id: str | None
    section: str | None
    page: int | None
    passage_id: str | None
    similarity: float
    diff: tuple[dict[str, Any], ...]  # {"op", "source", "quote", "material": [kinds]}
    material: tuple[str, ...]
    claimed_section_ok: bool | None
    passages: tuple[str, ...] = ()
    heading: str = ""
    doc_title: str = ""
    doc_status: str = ""
    doc_date: str | None = None
    matched_text: str = ""
    claimed: str | None = None
    claimed_section: str | None = None
    also_found: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "doc_id": self.doc_id,
            "section": self.section,
            "page": self.page,
            "passage_id": self.passage_id,
            "similarity": round(self.similarity, 4),
            "diff": [dict(op) for op in self.diff],
            "claimed_section_ok": self.claimed_section_ok,
            "material": list(self.material),
            "passages": list(self.passages),
            "heading": self.heading,
            "doc_title": self.doc_title,
            "doc_status": self.doc_status,
            "doc_date": self.doc_date,
            "matched_text": self.matched_text,
            "claimed_section": self.claimed_section,
            "also_found": list(self.also_found),
        }


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


# ---------------------------------------------------------------- material differences

_NUMBER_WORDS = {
    **dict.fromkeys(("én", "ett", "en", "ei", "et", "enkelt"), "1"),
    **{w: str(n) for n, w in enumerate("null x to tre fire fem seks sju åtte ni ti".split()) if n},
    "syv": "7", "elleve": "11", "tolv": "12", "femten": "15", "tjue": "20", "tretti": "30",
    "førti": "40", "femti": "50", "hundre": "100", "tusen": "1000", "halv": "0.5",
    "halvparten": "0.5", "dobbelt": "x2", "dobbel": "x2", "begge": "2",
    **{w: f"{n}." for n, w in enumerate("x første annen tredje fjerde femte sjette".split()) if n},
    "annet": "2.", "syvende": "7.", "sjuende": "7.", "åttende": "8.", "niende": "9.", "tiende": "10.",
}  # fmt: skip
_WEAK_NUMBERS = frozenset({"en", "ei", "et"})  # also articles: a number only beside a real one
_NEGATIONS = frozenset({"ikke", "ikkje", "aldri", "ingen", "intet", "ingenting", "uten", "verken"})
_MODALS = {"skal": "skal", "skulle": "skal", "bør": "bør", "burde": "bør", "kan": "kan",
           "kunne": "kan", "må": "må", "måtte": "må"}  # fmt: skip
MATERIAL_LABELS = {"number": "tall", "negation": "nektelse", "modal": "modalverb"}


def _numbers(words: Sequence[str], with_weak: bool) -> Counter[str]:
    found: Counter[str] = Counter()
    for w in words:
        if any(c.isdigit() for c in w):
            found[w.replace(",", ".")] += 1
        elif w in _NUMBER_WORDS and (with_weak or w not in _WEAK_NUMBERS):
            found[_NUMBER_WORDS[w]] += 1
    return found


def material_kinds(source_words: Sequence[str], quote_words: Sequence[str]) -> list[str]:
    """Which legally material kinds differ between two folded word sequences of one diff op."""
    kinds: list[str] = []
    strong = _numbers(source_words, False) + _numbers(quote_words, False)
    if _numbers(source_words, bool(strong)) != _numbers(quote_words, bool(strong)):
        kinds.append("number")
    if Counter(w for w in source_words if w in _NEGATIONS) != Counter(
        w for w in quote_words if w in _NEGATIONS
    ):
        kinds.append("negation")
    if Counter(_MODALS[w] for w in source_words if w in _MODALS) != Counter(
        _MODALS[w] for w in quote_words if w in _MODALS
    ):
        kinds.append("modal")
    return kinds


# ---------------------------------------------------------------- searching


@dataclass(frozen=True)
class _Doc:
    doc_id: str
    norm: str
    folded: str
    offsets: list[int]
    tokens: list[tuple[int, int]]
    keys: list[str]


_CACHE: dict[int, tuple[object, list[_Doc]]] = {}


def _prepare(text: str, doc_id: str) -> _Doc:
    norm, offsets = normalize_map(text)
    folded = fold(norm)
    tokens = tokenize(norm)
    return _Doc(doc_id, norm, folded, offsets, tokens, [folded[s:e] for s, e in tokens])


def prepared_docs(index: CorpusView) -> list[_Doc]:
    """Normalised document texts, cached per index object (a page verifies many quotes)."""
    cached = _CACHE.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    docs: list[_Doc] = []
    for doc_id in index.documents:
        text = index.texts.get(doc_id)
        if text is None:  # no cleaned text kept: fall back to the passages, in order
            text = "\n\n".join(p.text for p in index.passages if p.doc_id == doc_id)
        docs.append(_prepare(text, doc_id))
    if len(_CACHE) > 3:
        _CACHE.clear()
    _CACHE[id(index)] = (index, docs)
    return docs


def _exact_spans(folded_quote: str, doc: _Doc) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = doc.folded.find(folded_quote)
    while start >= 0:
        end = start + len(folded_quote)
        before_ok = start == 0 or not (
            doc.folded[start - 1].isalnum() and folded_quote[0].isalnum()
        )
        after_ok = end == len(doc.folded) or not (
            doc.folded[end].isalnum() and folded_quote[-1].isalnum()
        )
        if before_ok and after_ok:
            spans.append((start, end))
        start = doc.folded.find(folded_quote, start + 1)
    return spans


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


# ---------------------------------------------------------------- claimed source

_CLAIM_SECTION = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){0,4})(?!\d)")
_CLAIM_NOISE = re.compile(r"§+\s*\d+(?:\s*-\s*\d+)?(?:\s*[a-z]\b)?|\b(?:side|s\.)\s*\d+", re.I)
_CLAIM_TYPES = {"rundskriv": "rundskriv", "veileder": "veileder", "høringsutkast": "høringsutkast",
                "innspill": "høringsinnspill", "rapport": "rapport", "temaside": "nettside",
                "nettside": "nettside"}  # fmt: skip


def parse_claim(claimed: str) -> tuple[str | None, str | None]:
    """(section, document type) from «rundskrivet punkt 7.1.3», «pkt. 6.2», «7.1.3»."""
    text = _CLAIM_NOISE.sub(" ", claimed)
    m = _CLAIM_SECTION.search(text)
    low = claimed.lower()
    doc_type = next((t for word, t in _CLAIM_TYPES.items() if word in low), None)
    return (m.group(1).rstrip(".") if m else None), doc_type


def _claim_ok(claim: tuple[str | None, str | None], found: Sequence[Passage],
              doc: Document) -> bool | None:  # fmt: skip
    section, doc_type = claim
    if section is None and doc_type is None:
        return None
    if doc_type is not None and doc.type != doc_type:
        return False
    return section is None or any(
        p.section == section or p.section.startswith(section + ".") for p in found
    )


# ---------------------------------------------------------------- verify


def _overlapping(
    index: CorpusView, doc: _Doc, s: int, e: int
) -> tuple[list[Passage], str, int, int]:
    """Passages overlapping normalised span [s, e), its source text and original [start, end)."""
    start, end = doc.offsets[s], doc.offsets[e - 1] + 1
    own = sorted((p for p in index.passages if p.doc_id == doc.doc_id), key=lambda p: p.start)
    found = [p for p in own if p.start < end and p.end > start]
    source = index.texts.get(doc.doc_id)
    return found, (source[start:end] if source is not None else doc.norm[s:e]), start, end


def _result(index: CorpusView, status: str, doc: _Doc, span: tuple[int, int],
            claim: tuple[str | None, str | None], claimed: str | None,
            **extra: Any) -> VerifyResult:  # fmt: skip
    found, source_text, start, end = _overlapping(index, doc, *span)
    document = index.documents[doc.doc_id]
    main = max(found, key=lambda p: min(p.end, end) - max(p.start, start), default=None)
    # Text outside every passage (a heading): place it by the passage that follows it.
    place = main or next(
        (p for p in index.passages if p.doc_id == doc.doc_id and p.start >= end), None
    )
    return VerifyResult(
        status=status,
        doc_id=doc.doc_id,
        section=place.section if place else None,
        page=place.page if place else None,
        passage_id=main.id if main else None,
        passages=tuple(p.id for p in found),
        heading=place.heading if place else "",
        doc_title=document.title,
        doc_status=document.status,
        doc_date=document.date or None,
        matched_text=source_text,
        claimed=claimed,
        claimed_section=claim[0],
        claimed_section_ok=_claim_ok(claim, found or ([place] if place else []), document)
        if claimed
        else None,
        **extra,
    )


def _diff_ops(q_norm: str, q_tok: list[tuple[int, int]], q_keys: list[str], doc: _Doc,
              t0: int, t1: int) -> list[dict[str, Any]]:  # fmt: skip
    """Word-level ops turning the source stretch into the quote: "insert" = only in the quote."""
    d_tok, d_keys = doc.tokens[t0:t1], doc.keys[t0:t1]
    ops: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, d_keys, q_keys, False).get_opcodes():
        src = doc.norm[d_tok[i1][0] : d_tok[i2 - 1][1]] if i2 > i1 else ""
        quo = q_norm[q_tok[j1][0] : q_tok[j2 - 1][1]] if j2 > j1 else ""
        kinds = [] if tag == "equal" else material_kinds(d_keys[i1:i2], q_keys[j1:j2])
        ops.append({"op": tag, "source": src, "quote": quo, "material": kinds})
    return ops


def _material_texts(ops: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(
        f"{MATERIAL_LABELS[kind]}: kilden «{op['source'] or '—'}», sitatet «{op['quote'] or '—'}»"
        for op in ops
        for kind in op["material"]
    )


def _not_found(similarity: float, claimed: str | None) -> VerifyResult:
    return VerifyResult("not_found", None, None, None, None, similarity, (), (), None,
                        claimed=claimed)  # fmt: skip


def verify_quote(index: CorpusView, quote: str, claimed: str | None = None) -> VerifyResult:
    """Find `quote` in the sources; `claimed` («rundskrivet punkt 7.1.3») is checked if given."""
    q_norm = normalize(quote)
    if not tokenize(q_norm):
        raise ValueError("Sitatet er tomt.")
    q_fold = fold(q_norm)
    claim = parse_claim(claimed) if claimed else (None, None)
    docs = prepared_docs(index)
    rank = {"gjeldende": 0, "utkast": 2, "innspill": 3}
    exact = [
        _result(index, "exact", doc, span, claim, claimed, similarity=1.0, diff=(), material=())
        for doc in docs
        for span in _exact_spans(q_fold, doc)
    ]
    if exact:
        # Prefer the claimed place, then the binding text, then corpus order.
        ordered = sorted(
            exact,
            key=lambda r: (not r.claimed_section_ok, not r.passages, rank.get(r.doc_status, 1)),
        )
        others = tuple(r.passage_id for r in ordered[1:] if r.passage_id)
        return VerifyResult(**{**ordered[0].__dict__, "also_found": others})
    q_tok = tokenize(q_norm)
    q_keys = [q_fold[s:e] for s, e in q_tok]
    best: tuple[float, _Doc | None, int, int] = (0.0, None, 0, 0)
    for doc in docs:
        score, t0, t1 = best_window(q_keys, doc.keys)
        if score > best[0]:
            best = (score, doc, t0, t1)
    score, near_doc, t0, t1 = best
    if near_doc is None or score < NEAR_THRESHOLD or t1 <= t0:
        return _not_found(score, claimed)
    ops = _diff_ops(q_norm, q_tok, q_keys, near_doc, t0, t1)
    span = (near_doc.tokens[t0][0], near_doc.tokens[t1 - 1][1])
    return _result(index, "near", near_doc, span, claim, claimed, similarity=score,
                   diff=tuple(ops), material=_material_texts(ops))  # fmt: skip


def diff_html(result: VerifyResult) -> str:
    """The diff for a web page: words only in the source in <del>, only in the quote in <ins>."""
    if result.status == "not_found":
        return '<p class="verify-none">Fant ikke sitatet i kildene.</p>'
    if result.status == "exact":
        return f'<p class="verify-exact">{html.escape(result.matched_text)}</p>'
    parts: list[str] = []
    for op in result.diff:
        cls = " material" if op["material"] else ""
        title = ", ".join(MATERIAL_LABELS[k] for k in op["material"])
        attr = f' title="Vesentlig: {html.escape(title)}"' if title else ""
        if op["op"] == "equal":
            parts.append(html.escape(op["source"]))
            continue
        if op["source"]:
            parts.append(f'<del class="diff-del{cls}"{attr}>{html.escape(op["source"])}</del>')
        if op["quote"]:
            parts.append(f'<ins class="diff-ins{cls}"{attr}>{html.escape(op["quote"])}</ins>')
    return '<p class="verify-diff">' + " ".join(parts) + "</p>"
