"""Regressions against a baseline run: which summary metric moved the wrong way beyond its band.

Evaluation runs are deterministic (the same code, index and suite give identical figures; measured
by repeating runs), so a band is not run-to-run noise but the change we accept before calling it a
regression: a metric may drop by its band, or by one question's worth (1/n of the questions the
metric averages over) when that is larger, so one question flipping on a small suite is reported
but does not fail a build. Bands (see `evals/suites/README.md`):

| metric | better | band |
|---|---|---|
| hit@1, hit@5, hit@10, MRR, nDCG@10, fact recall, first-citation gold | higher | 0.02 |
| citation precision, ≤ 5 citations, role-label accuracy | higher | 0.02 |
| refusal precision, refusal recall | higher | 0.05 |
| quote verification | higher | 0 (no question floor: every quote must stay verbatim) |
| words per answer (median / p90) | lower | 5 / 15 words |
| back-reference violations | lower | 0 (any new one fails) |

Latency is not compared (it depends on the machine's load). It deliberately runs nothing: it
compares two stored result dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Band:
    higher_is_better: bool
    band: float
    question_floor: bool = True  # widen to one question's worth on small suites


BANDS: dict[str, Band] = {
    **{k: Band(True, 0.02) for k in ("hit@1", "hit@5", "hit@10", "mrr", "ndcg@10")},
    **{k: Band(True, 0.02) for k in ("fact_recall", "first_citation_gold", "citation_precision")},
    **{k: Band(True, 0.02) for k in ("citations_le5", "role_label_accuracy")},
    **{k: Band(True, 0.02) for k in ("any_citation_gold", "first_citation_everyday")},
    **{k: Band(True, 0.02) for k in ("followup_first_citation", "nearmiss_hedged")},
    "short_accuracy": Band(True, 0.02),
    "offtopic_refused": Band(True, 0.0),
    "refusal_precision": Band(True, 0.05),
    "refusal_recall": Band(True, 0.05),
    "quote_verification": Band(True, 0.0, question_floor=False),
    "words_median": Band(False, 5.0, question_floor=False),
    "words_p90": Band(False, 15.0, question_floor=False),
    "backref_violations": Band(False, 0.0, question_floor=False),
}


class BaselineMismatchError(ValueError):
    """The baseline run was made on another suite: its figures cannot be compared."""


@dataclass(frozen=True)
class Regression:
    pipeline: str
    metric: str
    before: float
    after: float
    allowed: float

    def describe(self) -> str:
        return (
            f"{self.pipeline}: {self.metric} {self.before:.3f} → {self.after:.3f} "
            f"(tillatt endring {self.allowed:.3f})"
        )


def _n(summary: Mapping[str, Any], metric: str) -> int:
    """How many questions a metric averages over (for the one-question floor)."""
    if metric.startswith("refusal"):
        return max(1, int(summary.get("n", 1)) - int(summary.get("n_answerable", 0)))
    return max(1, int(summary.get("n_answerable") or summary.get("n") or 1))


def allowed_change(metric: str, summary: Mapping[str, Any], bands: Mapping[str, Band]) -> float:
    band = bands[metric]
    if not band.question_floor:
        return band.band
    return max(band.band, 1.0 / _n(summary, metric))


def check_same_suite(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> None:
    a, b = baseline.get("suite", {}), current.get("suite", {})
    if a.get("sha256") != b.get("sha256") or bool(a.get("smoke")) != bool(b.get("smoke")):
        raise BaselineMismatchError(
            f"Grunnlinjen {baseline.get('run_id')} er kjørt på et annet evalueringssett "
            f"({a.get('path')}{' (røyktest)' if a.get('smoke') else ''}) enn denne kjøringen "
            f"({b.get('path')}{' (røyktest)' if b.get('smoke') else ''})."
        )


def regressions(
    baseline: Mapping[str, Any],
    current: Mapping[str, Any],
    bands: Mapping[str, Band] = BANDS,
) -> list[Regression]:
    """Every (pipeline, metric) in both runs that moved the wrong way by more than its band."""
    check_same_suite(baseline, current)
    out: list[Regression] = []
    for name in sorted(baseline["pipelines"].keys() & current["pipelines"].keys()):
        before_s, after_s = baseline["pipelines"][name], current["pipelines"][name]
        for metric, band in bands.items():
            before, after = before_s.get(metric), after_s.get(metric)
            if before is None or after is None:
                continue
            worse = (before - after) if band.higher_is_better else (after - before)
            allowed = allowed_change(metric, after_s, bands)
            if worse > allowed + 1e-9:
                out.append(Regression(name, metric, float(before), float(after), allowed))
    return out


def parse_band(spec: str) -> tuple[str, float]:
    """`metric=value` from the command line (`--band hit@5=0.05`)."""
    metric, sep, value = spec.partition("=")
    if not sep or metric not in BANDS:
        raise ValueError(f"Ugyldig bånd «{spec}»: bruk METRIKK=VERDI med en av {', '.join(BANDS)}")
    try:
        return metric, float(value)
    except ValueError as exc:
        raise ValueError(f"Ugyldig bånd «{spec}»: {value!r} er ikke et tall") from exc


def with_overrides(overrides: Mapping[str, float]) -> dict[str, Band]:
    bands = dict(BANDS)
    for metric, value in overrides.items():
        old = bands[metric]
        bands[metric] = Band(old.higher_is_better, value, question_floor=False)
    return bands
