"""Check a quoted text against the sources: exact, near (with a word-level diff) or not found.

Both the quote and the cleaned document texts are normalised the same way (`assistant.quotes`)
and searched; a hit is mapped back to the passages whose spans it overlaps, so a quote running
over two adjacent passages reports both. Failing an exact hit, the best window of similar length
is scored with difflib on word sequences. A changed number, negation or modal verb is legally
material: it is listed in `material` and such a quote is never "exact". A claimed source
(«rundskrivet punkt 7.1.3») is checked against where the quote was found.

It deliberately does not rank by meaning (no embeddings) and does not judge whether a paraphrase
is faithful: it compares words. How text is normalised and what counts as material lives in
`assistant.quotes` (re-exported here).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.quotes import (
    MATERIAL_LABELS,
    best_window,
    fold,
    material_kinds,
    material_texts,
    normalize,
    normalize_map,
    tokenize,
    word_diff,
)
from ingest.records import Document, Passage

# The comparison helpers moved to assistant.quotes; callers still import them from here.
__all__ = [
    "MATERIAL_LABELS",
    "NEAR_THRESHOLD",
    "CorpusView",
    "VerifyResult",
    "best_window",
    "diff_html",
    "fold",
    "material_kinds",
    "normalize",
    "normalize_map",
    "parse_claim",
    "prepared_docs",
    "tokenize",
    "verify_quote",
]

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
    ops = word_diff(
        near_doc.norm, near_doc.tokens[t0:t1], near_doc.keys[t0:t1], q_norm, q_tok, q_keys
    )
    span = (near_doc.tokens[t0][0], near_doc.tokens[t1 - 1][1])
    return _result(index, "near", near_doc, span, claim, claimed, similarity=score,
                   diff=tuple(ops), material=material_texts(ops))  # fmt: skip


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
