"""Scoring functions for the evaluation suite: text normalisation, gold matching, ranking metrics.

Pure functions over plain values (strings, id lists, booleans): hit@k, MRR, nDCG@k, citation
precision, fact recall, refusal precision/recall, percentiles and the aggregation of per-question
rows, answer-level ones included (first citation holds gold, words and citations per answer,
back-reference violations, role-label accuracy). Gold evidence is matched on whitespace-collapsed, case-folded text so it survives re-chunking.
It deliberately knows nothing about the assistant, the index or the suite file format: the runner
turns those into the arguments these functions take.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Answer-level keys: undefined («–») for pipelines that only retrieve.
ANSWER_KEYS: tuple[str, ...] = (
    "first_citation_gold",
    "words_median",
    "words_p90",
    "citations_mean",
    "citations_le5",
    "backref_violations",
    "role_label_accuracy",
    "any_citation_gold",
    "first_citation_everyday",
    "followup_first_citation",
    "nearmiss_hedged",
    "offtopic_refused",
    "short_share",
    "short_accuracy",
    "short_answered",
)
# The summary keys every pipeline reports (the `--json` shape), in display order.
SUMMARY_KEYS: tuple[str, ...] = (
    "hit@1",
    "hit@3",
    "hit@5",
    "hit@10",
    "mrr",
    "ndcg@10",
    "citation_precision",
    "fact_recall",
    "refusal_precision",
    "refusal_recall",
    "quote_verification",
    *ANSWER_KEYS,
    "latency_p95_ms",
)
MAX_CITATIONS = 5  # «≤ 5 citations» is the share of answers at or under this
HIT_KS: tuple[int, ...] = (1, 3, 5, 10)


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space, strip and case-fold."""
    return " ".join(text.split()).casefold()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` plus, for each output character, its offset in `text`.

    Lets a match found in normalised text be mapped back to a span of the original, so gold quotes
    can be located in a document even when line breaks or double spaces differ from the quote.
    """
    out: list[str] = []
    offsets: list[int] = []
    pending_space = -1
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and pending_space < 0:
                pending_space = i
            continue
        if pending_space >= 0:
            out.append(" ")
            offsets.append(pending_space)
            pending_space = -1
        for folded in ch.casefold():
            out.append(folded)
            offsets.append(i)
    return "".join(out), offsets


def find_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) span of `text` whose normalised form equals the normalised `quote`."""
    return find_normalised(normalize_with_offsets(text), quote)


def find_normalised(normed: tuple[str, list[int]], quote: str) -> list[tuple[int, int]]:
    """`find_spans` over a text already passed through `normalize_with_offsets` (reused)."""
    needle = normalize(quote)
    if not needle:
        return []
    norm, offsets = normed
    spans: list[tuple[int, int]] = []
    pos = norm.find(needle)
    while pos >= 0:
        spans.append((offsets[pos], offsets[pos + len(needle) - 1] + 1))
        pos = norm.find(needle, pos + 1)
    return spans


def contains_any(text: str, quotes: Iterable[str]) -> bool:
    """True when the normalised `text` contains any normalised quote."""
    norm = normalize(text)
    return any(q and normalize(q) in norm for q in quotes)


def hit_at(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the first k ranked items is relevant."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool]) -> float:
    """1/rank of the first relevant item; 0.0 when none is."""
    for i, rel in enumerate(relevant):
        if rel:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at(relevant: Sequence[bool], n_relevant: int, k: int = 10) -> float | None:
    """Binary-relevance nDCG@k; the ideal ranking puts min(n_relevant, k) relevant items first.

    None when nothing is relevant at all (the metric is undefined, not zero).
    """
    if n_relevant <= 0:
        return None
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(n_relevant, k)))
    return dcg / ideal


def precision(flags: Sequence[bool]) -> float | None:
    """Share of True flags; None for an empty sequence (e.g. an answer with no citations)."""
    if not flags:
        return None
    return sum(1 for f in flags if f) / len(flags)


def fact_found(answer_text: str, alternatives: Sequence[str]) -> bool:
    """A fact is found when any alternative occurs in the answer (Markdown bold markers ignored)."""
    return contains_any(answer_text.replace("**", ""), alternatives)


def fact_recall(answer_text: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of facts found in the answer; None when the item lists no facts."""
    if not facts:
        return None
    return sum(1 for alts in facts if fact_found(answer_text, alts)) / len(facts)


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(precision, recall) of refusals over (expected, actual) pairs; None when undefined."""
    expected = refused = both = 0
    for exp, act in pairs:
        expected += exp
        refused += act
        both += exp and act
    prec = both / refused if refused else None
    rec = both / expected if expected else None
    return prec, rec


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation, so it is always an observed value)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there are none."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summarize(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | int | None]:
    """Aggregate per-question rows of one pipeline into the summary dict (SUMMARY_KEYS + n).

    Retrieval metrics, citation precision and fact recall come from answerable questions only;
    refusal scores and quote verification from all; quote verification pools every citation.
    """
    answerable = [r for r in rows if not r["expect_refusal"]]
    out: dict[str, float | int | None] = {"n": len(rows), "n_answerable": len(answerable)}
    for k in HIT_KS:
        out[f"hit@{k}"] = _round(mean(r["hits"].get(str(k)) for r in answerable))
    out["mrr"] = _round(mean(r["mrr"] for r in answerable))
    out["ndcg@10"] = _round(mean(r["ndcg@10"] for r in answerable))
    out["citation_precision"] = _round(mean(r["citation_precision"] for r in answerable))
    out["fact_recall"] = _round(mean(r["fact_recall"] for r in answerable))
    prec, rec = refusal_scores((bool(r["expect_refusal"]), bool(r["refused"])) for r in rows)
    out["refusal_precision"] = _round(prec)
    out["refusal_recall"] = _round(rec)
    checked = [r["quotes"] for r in rows if r["quotes"] is not None]
    total = sum(q["total"] for q in checked)
    ok = sum(q["verified"] for q in checked)
    # A pipeline that makes no quotes (the llama-index baseline) leaves the metric undefined;
    # one that quotes but cited nothing in these rows is vacuously fully verified.
    if not checked:
        out["quote_verification"] = None
    else:
        out["quote_verification"] = _round(ok / total) if total else 1.0
    out.update(answer_summary(rows))
    out["latency_p95_ms"] = _round(percentile([r["latency_ms"] for r in rows], 95))
    return out


def answer_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | int | None]:
    """The answer-level keys: over answerable questions (first citation), over the answers given
    (words, citations, back-references) and over items naming the gold's actor (role labels).
    All None when no row has answer facts (a retrieval-only pipeline, or an older run)."""
    answerable = [r for r in rows if not r["expect_refusal"]]
    shown = [r for r in rows if r.get("words") is not None]
    words = [float(r["words"]) for r in shown]
    cites = [float(r["n_citations"]) for r in shown]
    out: dict[str, float | int | None] = {
        "first_citation_gold": _round(mean(r.get("first_citation_gold") for r in answerable)),
        "words_median": percentile(words, 50),
        "words_p90": percentile(words, 90),
        "citations_mean": _round(mean(cites)),
        "citations_le5": _round(
            sum(1 for c in cites if c <= MAX_CITATIONS) / len(cites) if cites else None
        ),
        "role_label_accuracy": _round(mean(r.get("role_label") for r in rows)),
    }
    checked = [r["backref_violations"] for r in rows if r.get("backref_violations") is not None]
    out["backref_violations"] = sum(len(v) for v in checked) if checked else None
    out.update(_frame_summary(rows, answerable, shown))
    return out


def _frame_summary(
    rows: Sequence[Mapping[str, Any]],
    answerable: Sequence[Mapping[str, Any]],
    shown: Sequence[Mapping[str, Any]],
) -> dict[str, float | int | None]:
    """Some citation gold; first citation on everyday wording (tag paraphrase, not English) and on
    follow-ups; near misses hedged; off-topic refused; the short answer line's share, and its
    accuracy and coverage where the suite says «ja»/«nei» (`short`)."""

    def tagged(tag: str) -> list[Mapping[str, Any]]:
        return [r for r in rows if tag in r.get("tags", ())]

    everyday = [r for r in answerable if "paraphrase" in r.get("tags", ()) and r["lang"] != "en"]
    followups = [r for r in answerable if r.get("history")]
    near = tagged("nearmiss")
    off = tagged("offtopic")
    expected = [r for r in rows if r.get("short_expected") and r.get("words") is not None]
    given = [r for r in expected if r.get("short_correct") is not None]
    if not any("any_citation_gold" in r for r in rows):
        return {k: None for k in (
            "any_citation_gold", "first_citation_everyday", "followup_first_citation",
            "nearmiss_hedged", "offtopic_refused", "short_share", "short_accuracy",
            "short_answered",
        )}  # fmt: skip
    return {
        "any_citation_gold": _round(mean(r.get("any_citation_gold") for r in answerable)),
        "first_citation_everyday": _round(mean(r.get("first_citation_gold") for r in everyday)),
        "followup_first_citation": _round(mean(r.get("first_citation_gold") for r in followups)),
        "nearmiss_hedged": _round(
            sum(1 for r in near if r.get("hedged")) / len(near) if near else None
        ),
        "offtopic_refused": _round(sum(1 for r in off if r["refused"]) / len(off) if off else None),
        "short_share": _round(
            sum(1 for r in shown if r.get("short")) / len(shown) if shown else None
        ),
        "short_accuracy": _round(mean(r.get("short_correct") for r in given)),
        "short_answered": _round(len(given) / len(expected) if expected else None),
    }


def group_summaries(
    rows: Sequence[Mapping[str, Any]], field: str
) -> dict[str, dict[str, float | int | None]]:
    """`summarize` per distinct value of `field` (e.g. topic, role), keys sorted."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row[field]), []).append(row)
    return {key: summarize(groups[key]) for key in sorted(groups)}
