"""Metric functions on hand-made rankings and texts: exact values worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals import metrics


def test_normalize_collapses_whitespace_and_casefolds() -> None:
    assert metrics.normalize("  Helse-\tog\n\nOmsorgs  TJENESTEN ") == "helse- og omsorgs tjenesten"


def test_find_spans_maps_back_to_original_offsets() -> None:
    text = "Første ledd.\nDen  innsatte skal\nha tilsyn.  Igjen: den innsatte skal ha tilsyn."
    spans = metrics.find_spans(text, "den innsatte SKAL ha tilsyn")
    assert len(spans) == 2
    first, second = (text[s:e] for s, e in spans)
    assert first == "Den  innsatte skal\nha tilsyn"
    assert second == "den innsatte skal ha tilsyn"
    assert metrics.find_spans(text, "   ") == []
    assert metrics.find_spans(text, "finnes ikke") == []


def test_hit_at_k() -> None:
    ranking = [False, False, True, False]
    assert metrics.hit_at(ranking, 1) == 0.0
    assert metrics.hit_at(ranking, 2) == 0.0
    assert metrics.hit_at(ranking, 3) == 1.0
    assert metrics.hit_at(ranking, 10) == 1.0
    assert metrics.hit_at([], 5) == 0.0


def test_reciprocal_rank() -> None:
    assert metrics.reciprocal_rank([True, False]) == 1.0
    assert metrics.reciprocal_rank([False, False, False, True]) == 0.25
    assert metrics.reciprocal_rank([False, True, True]) == 0.5
    assert metrics.reciprocal_rank([False, False]) == 0.0


def test_ndcg_exact_values() -> None:
    # One relevant item at rank 2: DCG = 1/log2(3), ideal = 1.
    assert metrics.ndcg_at([False, True, False], 1) == pytest.approx(1 / math.log2(3))
    # Two relevant at ranks 1 and 3, two relevant exist: (1 + 1/2) / (1 + 1/log2(3)).
    expected = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert metrics.ndcg_at([True, False, True], 2) == pytest.approx(expected)
    # Perfect ranking scores 1; a third relevant item never retrieved lowers it.
    assert metrics.ndcg_at([True, True], 2) == pytest.approx(1.0)
    lower = metrics.ndcg_at([True, True], 3)
    assert lower is not None and lower < 1.0
    # Relevant beyond the cut-off does not count.
    assert metrics.ndcg_at([False] * 10 + [True], 1, k=10) == 0.0
    assert metrics.ndcg_at([True], 0) is None


def test_precision_and_fact_recall() -> None:
    assert metrics.precision([True, False, True, True]) == 0.75
    assert metrics.precision([]) is None
    answer = "**Ditt ansvar**\n- Lege skal  varsles straks [1]\n- Tilsyn **minst** daglig [2]"
    facts = [["varsles straks", "varsle umiddelbart"], ["minst daglig"], ["sikkerhetsseng"]]
    assert metrics.fact_recall(answer, facts) == pytest.approx(2 / 3)
    assert metrics.fact_recall(answer, []) is None


def test_refusal_scores() -> None:
    # (expected, actual): one right refusal, one wrong refusal, one missed refusal, one right answer.
    pairs = [(True, True), (False, True), (True, False), (False, False)]
    assert metrics.refusal_scores(pairs) == (0.5, 0.5)
    assert metrics.refusal_scores([(False, False)]) == (None, None)
    assert metrics.refusal_scores([(True, False)]) == (None, 0.0)


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert metrics.percentile(values, 95) == 19.0
    assert metrics.percentile(values, 100) == 20.0
    assert metrics.percentile([5.0], 95) == 5.0
    assert metrics.percentile([], 95) is None


def _row(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "topic": "isolasjon",
        "role": "alle",
        "expect_refusal": False,
        "refused": False,
        "hits": {"1": 1.0, "3": 1.0, "5": 1.0, "10": 1.0},
        "mrr": 1.0,
        "ndcg@10": 1.0,
        "citation_precision": 1.0,
        "fact_recall": 1.0,
        "quotes": {"verified": 2, "total": 2},
        "latency_ms": 10.0,
    }
    row.update(over)
    return row


def test_summarize_scores_retrieval_on_answerable_only() -> None:
    none_hits = {"1": None, "3": None, "5": None, "10": None}
    rows = [
        _row(),
        _row(hits={"1": 0.0, "3": 0.0, "5": 1.0, "10": 1.0}, mrr=0.25, fact_recall=0.5,
             quotes={"verified": 1, "total": 2}, latency_ms=30.0, topic="taushetsplikt"),
        _row(expect_refusal=True, refused=True, hits=none_hits, mrr=None, **{"ndcg@10": None},
             citation_precision=None, fact_recall=None, quotes={"verified": 0, "total": 0}),
    ]  # fmt: skip
    s = metrics.summarize(rows)
    assert s["n"] == 3 and s["n_answerable"] == 2
    assert s["hit@1"] == 0.5 and s["hit@5"] == 1.0
    assert s["mrr"] == 0.625
    assert s["fact_recall"] == 0.75
    assert s["refusal_precision"] == 1.0 and s["refusal_recall"] == 1.0
    assert s["quote_verification"] == 0.75
    assert s["latency_p95_ms"] == 30.0
    groups = metrics.group_summaries(rows, "topic")
    assert list(groups) == ["isolasjon", "taushetsplikt"]
    assert groups["taushetsplikt"]["mrr"] == 0.25


def test_summarize_without_quotes_reports_none() -> None:
    s = metrics.summarize([_row(quotes=None), _row(quotes=None, refused=False)])
    assert s["quote_verification"] is None
    assert s["refusal_precision"] is None and s["refusal_recall"] is None
