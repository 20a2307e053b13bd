"""Check a quoted text against the sources: exact, exact elsewhere, near, or not found.

Both the quote and the cleaned document texts are normalised the same way (`assistant.legal.quotes`)
and searched; a hit is mapped back to the passages whose spans it overlaps, so a quote running
over two adjacent passages reports both. A claimed source («rundskrivet punkt 7.1.3», «NKROPs
høringsinnspill side 27») is checked against where the quote was found: verbatim but elsewhere
is "exact_elsewhere", never "exact" — a right quote with a wrong source is a wrong citation.
Failing an exact hit, the best window of similar length is scored with difflib on word sequences:
"near" above `NEAR_THRESHOLD`, with the word diff and its legally material differences (numbers,
deadlines, negation, modal verbs, actors, legal references: `assistant.legal.material`); below it
"not_found", with the closest passage and its similarity.

It deliberately does not rank by meaning (no embeddings) and does not judge whether a paraphrase
is faithful: it compares words. How text is normalised and what counts as material lives in
`assistant.legal.quotes` (re-exported here).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.legal.cite import formal_reference, short_reference
from assistant.legal.claims import Claim, claim_problem, parse_claim, read_claim
from assistant.legal.quotes import (
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

# The comparison helpers moved to assistant.legal.quotes; callers still import them from here.
__all__ = [
    "MATERIAL_LABELS",
    "NEAR_THRESHOLD",
    "Claim",
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
    "read_claim",
    "tokenize",
    "verify_quote",
]

NEAR_THRESHOLD = 0.75
# Below NEAR_THRESHOLD a quote is not found; from this similarity on, the closest passage's word
# diff is still shown, so one can see what was changed (two substitutions in one sentence).
CLOSEST_DIFF = 0.5


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
    status: str  # "exact" | "exact_elsewhere" | "near" | "not_found"
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
    # "dokument" | "ukjent dokument" | "punkt" | "side" when the claimed place is wrong
    claim_problem: str = ""
    reference: str = ""  # formal reference of where it was found (assistant.legal.cite)
    short_reference: str = ""  # its short form («Rundskrivet punkt 7.1.2, 1. avsnitt»)
    closest: dict[str, Any] | None = None  # for "not_found": the most similar passage

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
            "claim_problem": self.claim_problem,
            "reference": self.reference,
            "short_reference": self.short_reference,
            "closest": self.closest,
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


@dataclass(frozen=True)
class _Place:
    doc: _Doc
    found: list[Passage]
    main: Passage | None
    place: Passage | None
    text: str


def _place(index: CorpusView, doc: _Doc, span: tuple[int, int]) -> _Place:
    found, source_text, start, end = _overlapping(index, doc, *span)
    main = max(found, key=lambda p: min(p.end, end) - max(p.start, start), default=None)
    # Text outside every passage (a heading): place it by the passage that follows it.
    place = main or next(
        (p for p in index.passages if p.doc_id == doc.doc_id and p.start >= end), None
    )
    return _Place(doc, found, main, place, source_text)


def _where(index: CorpusView, at: _Place) -> dict[str, Any]:
    """The VerifyResult fields saying where a text was found."""
    document = index.documents[at.doc.doc_id]
    place = at.place
    return {
        "doc_id": at.doc.doc_id,
        "section": place.section if place else None,
        "page": place.page if place else None,
        "passage_id": at.main.id if at.main else None,
        "passages": tuple(p.id for p in at.found),
        "heading": place.heading if place else "",
        "doc_title": document.title,
        "doc_status": document.status,
        "doc_date": document.date or None,
        "matched_text": at.text,
        "reference": formal_reference(document, place, index) if place else "",
        "short_reference": short_reference(document, place, index) if place else "",
    }


def _claim_fields(index: CorpusView, at: _Place, claim: Claim | None) -> dict[str, Any]:
    if claim is None:
        return {"claimed": None, "claimed_section": None, "claimed_section_ok": None}
    problem = None
    if claim.checkable:
        found = at.found or ([at.place] if at.place else [])
        problem = claim_problem(claim, found, index.documents[at.doc.doc_id])
    return {
        "claimed": claim.text,
        "claimed_section": claim.section,
        "claimed_section_ok": (problem is None) if claim.checkable else None,
        "claim_problem": problem or "",
    }


def _closest(
    index: CorpusView, at: _Place, score: float, ops: list[dict[str, Any]]
) -> dict[str, Any]:
    """The most similar passage for a quote not found: where, how similar, its text, and — when
    it is at least half similar — the word diff and material differences against it."""
    where = _where(index, at)
    keys = ("doc_id", "doc_title", "doc_status", "section", "page", "passage_id", "reference")
    text = at.main.text if at.main is not None else at.text
    similar = score >= CLOSEST_DIFF
    return {**{k: where[k] for k in keys}, "similarity": round(score, 4),
            "text": textwrap.shorten(" ".join(text.split()), 600, placeholder=" …"),
            "diff": ops if similar else [], "material": list(material_texts(ops)) if similar else []}  # fmt: skip


def _exact(
    index: CorpusView, docs: list[_Doc], q_fold: str, claim: Claim | None
) -> VerifyResult | None:
    rank = {"gjeldende": 0, "utkast": 2, "innspill": 3}
    hits = [(_place(index, doc, span), doc) for doc in docs for span in _exact_spans(q_fold, doc)]
    if not hits:
        return None
    results = [{**_where(index, at), **_claim_fields(index, at, claim)} for at, _ in hits]
    # Prefer the claimed place, then text inside passages, then the binding text, then corpus order.
    ordered = sorted(
        results,
        key=lambda r: (r["claimed_section_ok"] is False, not r["passages"],
                       rank.get(r["doc_status"], 1)),
    )  # fmt: skip
    best = ordered[0]
    status = "exact_elsewhere" if best["claimed_section_ok"] is False else "exact"
    others = tuple(r["passage_id"] for r in ordered[1:] if r["passage_id"])
    return VerifyResult(status=status, similarity=1.0, diff=(), material=(),
                        also_found=others, **best)  # fmt: skip


def verify_quote(index: CorpusView, quote: str, claimed: str | None = None) -> VerifyResult:
    """Find `quote` in the sources; `claimed` («rundskrivet punkt 7.1.3») is checked if given.

    Status: "exact" (verbatim, where claimed if a place was claimed), "exact_elsewhere" (verbatim
    but not where claimed), "near" (similar enough; word diff and material differences) or
    "not_found" (with the closest passage in `closest`).
    """
    q_norm = normalize(quote)
    if not tokenize(q_norm):
        raise ValueError("Sitatet er tomt.")
    q_fold = fold(q_norm)
    claim = read_claim(claimed, index.documents) if claimed else None
    docs = prepared_docs(index)
    exact = _exact(index, docs, q_fold, claim)
    if exact is not None:
        return exact
    q_tok = tokenize(q_norm)
    q_keys = [q_fold[s:e] for s, e in q_tok]
    best: tuple[float, _Doc | None, int, int] = (0.0, None, 0, 0)
    for doc in docs:
        score, t0, t1 = best_window(q_keys, doc.keys)
        if score > best[0]:
            best = (score, doc, t0, t1)
    score, near_doc, t0, t1 = best
    if near_doc is None or t1 <= t0:
        return _not_found(score, claimed)
    at = _place(index, near_doc, (near_doc.tokens[t0][0], near_doc.tokens[t1 - 1][1]))
    ops = word_diff(
        near_doc.norm, near_doc.tokens[t0:t1], near_doc.keys[t0:t1], q_norm, q_tok, q_keys
    )
    if score < NEAR_THRESHOLD:
        return VerifyResult(**{**_not_found(score, claimed).__dict__,
                               "closest": _closest(index, at, score, ops)})  # fmt: skip
    return VerifyResult(status="near", similarity=score, diff=tuple(ops),
                        material=material_texts(ops), **_where(index, at),
                        **_claim_fields(index, at, claim))  # fmt: skip


def _not_found(similarity: float, claimed: str | None) -> VerifyResult:
    return VerifyResult("not_found", None, None, None, None, similarity, (), (), None,
                        claimed=claimed)  # fmt: skip


def diff_html(result: VerifyResult) -> str:
    """The diff for a web page: words only in the source in <del>, only in the quote in <ins>."""
    if result.status == "not_found":
        closest = result.closest
        if not closest:
            return '<p class="verify-none">Fant ikke sitatet i kildene.</p>'
        return (
            '<p class="verify-none">Fant ikke sitatet i kildene. Nærmeste tekst '
            f"(likhet {round(closest['similarity'] * 100)} %, {html.escape(closest['reference'])}):"
            f'</p><p class="verify-closest">{html.escape(closest["text"])}</p>'
        )
    if result.status in ("exact", "exact_elsewhere"):
        return f'<p class="verify-text">{html.escape(result.matched_text)}</p>'
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
