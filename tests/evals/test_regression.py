"""Regression gate: bands per metric, the one-question floor, direction, and suite mismatch."""

from __future__ import annotations

import copy

import pytest

from evals import regression
from tests.evals.test_report import make_result


def _result(run_id: str, **summary: float) -> dict[str, object]:
    result = make_result(run_id)
    result["suite"]["sha256"] = "abc"
    for name in result["pipelines"]:
        result["pipelines"][name].update({"n": 200, "n_answerable": 180, **summary})
    return result


def test_repeat_run_has_no_regressions() -> None:
    a = _result("a", words_median=80.0, backref_violations=0)
    assert regression.regressions(a, copy.deepcopy(a)) == []


def test_drop_beyond_band_is_a_regression_in_either_direction() -> None:
    a = _result("a", **{"hit@5": 0.9, "words_median": 80.0, "backref_violations": 0})
    b = _result("b", **{"hit@5": 0.87, "words_median": 84.0, "backref_violations": 1})
    found = {(r.pipeline, r.metric) for r in regression.regressions(a, b)}
    assert found == {("hjemmel", "hit@5"), ("bm25", "hit@5"), ("hjemmel", "backref_violations"),
                     ("bm25", "backref_violations")}  # fmt: skip
    # Within the band (0.02), and improvements, are not regressions.
    c = _result("c", **{"hit@5": 0.885, "words_median": 60.0, "backref_violations": 0})
    assert regression.regressions(a, c) == []


def test_one_question_floor_on_small_suites() -> None:
    a = _result("a", **{"hit@5": 0.9})
    b = _result("b", **{"hit@5": 0.87})
    for r in (a, b):
        for s in r["pipelines"].values():
            s["n_answerable"] = 30  # one question = 0.033 > the 0.02 band
    assert regression.regressions(a, b) == []
    bands = regression.with_overrides(dict([regression.parse_band("hit@5=0.01")]))
    assert [r.metric for r in regression.regressions(a, b, bands)] == ["hit@5", "hit@5"]


def test_band_parsing_and_suite_mismatch() -> None:
    with pytest.raises(ValueError, match="hit@7"):
        regression.parse_band("hit@7=0.1")
    with pytest.raises(ValueError, match="ikke et tall"):
        regression.parse_band("mrr=mye")
    a = _result("a")
    b = _result("b")
    b["suite"]["sha256"] = "def"
    with pytest.raises(regression.BaselineMismatchError, match="annet evalueringssett"):
        regression.regressions(a, b)
