"""Fit the ranker on the suites and check it by cross-validation by suite.

Every answerable question of a training suite becomes a group of examples: each sentence of each
candidate passage (`Assistant.trace`) with its features, labelled 1 when it overlaps an occurrence
of a gold quote (the passages `evals.baselines.PassageGold` finds, narrowed the same way), else 0.
The model is scikit-learn's logistic regression on pairwise differences within a question (a gold
sentence against every other sentence of the same question: RankNet's objective with a linear
scorer), over features standardised on the training rows. Regularisation is chosen from a small
grid by leave-one-suite-out cross-validation; each suite's figures are then reported from the
model fitted without it. The blind suite is never trained on and never chooses anything.

It writes a model file (`assistant/answer/ranker.json` by default); it does not score answers
(`evals.runner` does, with `HJEMMEL_RANKER` pointing at a fold's model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.features import FEATURES
from assistant.answer.rank import Ranker, named_first
from assistant.limits import prepare
from assistant.records import Turn
from evals.baselines import PassageGold
from evals.metrics import find_normalised
from evals.suite import SuiteItem

TRAIN_SUITES = ("core", "heldout", "heldout2", "everyday")
# Written for measuring only: never trained on, never choosing a setting.
BLIND_SUITES = ("blind",)
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
MAX_NEGATIVES = 200  # per question: the sentences ranked highest by the current model first


@dataclass(frozen=True)
class Group:
    """One question's candidate sentences: features, labels, and which passage each is from."""

    suite: str
    item: str
    rows: np.ndarray
    labels: np.ndarray
    passages: tuple[str, ...]
    gold_passages: frozenset[str]
    named: tuple[bool, ...] = ()  # each sentence's source is one the question names


def _gold_spans(item: SuiteItem, gold: PassageGold) -> dict[str, list[tuple[int, int]]]:
    """Gold quote occurrences by document, in document offsets (within the matched passages)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for ref in item.gold:
        for p in gold.match(ref):
            norm = gold._norm[p.doc_id]
            for s, e in find_normalised(norm, ref.quote):
                if p.start < e and s < p.end:
                    spans.setdefault(p.doc_id, []).append((s, e))
    return spans


def groups(assistant: object, suite: str, items: Sequence[SuiteItem]) -> list[Group]:
    """The training groups of a suite's answerable questions (retrieval misses left out)."""
    a: object = assistant
    gold = PassageGold(a.index.passages, a.index.texts)  # type: ignore[attr-defined]
    out: list[Group] = []
    for item in items:
        if item.expect_refusal or not item.gold:
            continue
        spans = _gold_spans(item, gold)
        question, history = prepare(item.question, [Turn(h) for h in item.history])
        q = a.understand(question, item.role, history)  # type: ignore[attr-defined]
        ranked = a.trace(q).ranked  # type: ignore[attr-defined]
        rows, labels, pids, named = [], [], [], []
        for u in ranked.units:
            named.append(u.passage.doc_id in q.named)
            at = u.passage.start
            hit = any(
                at + u.start < e and s < at + u.end for s, e in spans.get(u.passage.doc_id, ())
            )
            rows.append(u.features)
            labels.append(1 if hit else 0)
            pids.append(u.passage.id)
        if not any(labels):
            continue
        out.append(
            Group(
                suite,
                item.id,
                np.asarray(rows, dtype=float),
                np.asarray(labels),
                tuple(pids),
                frozenset(pids[i] for i, y in enumerate(labels) if y),
                tuple(named),
            )
        )
    return out


def _pairs(groups: Sequence[Group], mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    diffs = []
    for g in groups:
        x = (g.rows - mean) / scale
        pos, neg = x[g.labels == 1], x[g.labels == 0][:MAX_NEGATIVES]
        if len(pos) and len(neg):
            diffs.append((pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1]))
    return np.concatenate(diffs) if diffs else np.zeros((0, len(FEATURES)))


def fit(groups: Sequence[Group], c: float) -> Ranker:
    """Pairwise logistic regression over `groups` (scikit-learn), standardised features."""
    from sklearn.linear_model import LogisticRegression

    rows = np.concatenate([g.rows for g in groups])
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    d = _pairs(groups, mean, scale)
    x = np.concatenate([d, -d])
    y = np.concatenate([np.ones(len(d)), np.zeros(len(d))])
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(x, y)
    return Ranker(model.coef_[0].copy(), mean, scale, {"C": c})


def top1(ranker: Ranker, groups: Sequence[Group]) -> dict[str, float]:
    """Share of questions whose best sentence is gold, and whose best passage holds gold."""
    sentence = passage = 0
    for g in groups:
        scores = named_first(ranker.score(g.rows.tolist()), g.named)
        best = int(np.argmax(scores))
        sentence += int(g.labels[best] == 1)
        passage += int(g.passages[best] in g.gold_passages)
    n = max(1, len(groups))
    return {"sentence@1": sentence / n, "passage@1": passage / n, "n": float(len(groups))}


@dataclass(frozen=True)
class CrossValidation:
    """The chosen regularisation, each suite's figures from the model fitted without it, and the
    mean over suites for every C tried."""

    C: float
    folds: dict[str, dict[str, float]]
    grid: dict[float, float]


def cross_validate(
    by_suite: dict[str, list[Group]], grid: Sequence[float] = C_GRID
) -> CrossValidation:
    """Leave-one-suite-out: for each C, each suite scored by the model fitted on the others."""
    table: dict[float, dict[str, dict[str, float]]] = {}
    for c in grid:
        table[c] = {}
        for held in by_suite:
            train = [g for s, gs in by_suite.items() if s != held for g in gs]
            table[c][held] = top1(fit(train, c), by_suite[held])
    mean = {c: float(np.mean([v["passage@1"] for v in table[c].values()])) for c in grid}
    best = max(grid, key=lambda c: (mean[c], -c))
    return CrossValidation(best, table[best], mean)


def describe(
    by_suite: dict[str, list[Group]], cv: CrossValidation, index: object
) -> dict[str, object]:
    """What a model file records of how it was made."""
    fmt = getattr(index, "format", {}) or {}
    return {
        "trained_on": {s: len(gs) for s, gs in by_suite.items()},
        "C": cv.C,
        "cv_passage_at_1": {s: round(f["passage@1"], 4) for s, f in cv.folds.items()},
        "cv_grid": {str(c): round(v, 4) for c, v in cv.grid.items()},
        "analysis_version": fmt.get("analysis_version"),
    }
