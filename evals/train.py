"""Fit the ranker on the suites and check it by cross-validation by suite.

Every answerable question of a training suite becomes a group of examples: each sentence of each
candidate passage (`Assistant.trace`) with its features, labelled 1 when it overlaps an occurrence
of a gold quote (the passages `evals.baselines.PassageGold` finds, narrowed the same way), else 0.
The model is logistic regression on pairwise differences within a question (a gold sentence
against every other sentence of the same question: RankNet's objective with a linear scorer),
over features standardised on the training rows, with each weight kept on the side its meaning
allows (SciPy's bounded L-BFGS-B on scikit-learn's objective). Regularisation is chosen from a small
grid by leave-one-suite-out cross-validation; each suite's figures are then reported from the
model fitted without it. The blind suite is never trained on and never chooses anything.

It writes a model file (`assistant/answer/ranker.json` by default); it does not score answers
(`evals.runner` does, with `HJEMMEL_RANKER` pointing at a fold's model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis import lexicon as lx
from assistant.answer.features import FEATURES, LOWERS, RAISES
from assistant.answer.rank import Ranker, cited_first, named_first, shape_first
from assistant.limits import prepare
from assistant.records import Turn
from evals.baselines import PassageGold
from evals.metrics import find_normalised
from evals.suite import SuiteItem

TRAIN_SUITES = ("core", "heldout", "heldout2", "everyday", "train1", "train2", "musts")
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
    topic: tuple[bool, ...] = ()  # each sentence's passage is on a follow-up's conversation topic
    cited: tuple[bool, ...] = ()  # each sentence's passage cites the provision the question names
    slot: str = ""  # the slot the question asks
    times: tuple[tuple[str, ...], ...] = ()  # each sentence's time labels
    situations: frozenset[str] = frozenset()  # the situations the question names
    placed: tuple[tuple[str, ...], ...] = ()  # each sentence's condition labels


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
        rows, labels, pids, named, topic = [], [], [], [], []
        for u in ranked.units:
            named.append(u.passage.doc_id in q.named)
            topic.append(bool(set(q.topic) & set(u.passage.concepts)))
            at = u.passage.start
            hit = any(
                at + u.start < e and s < at + u.end for s, e in spans.get(u.passage.doc_id, ())
            )
            rows.append(u.features)
            labels.append(1 if hit else 0)
            pids.append(u.passage.id)
        if not any(labels):
            continue
        cited = cited_first(q, [u.passage for u in ranked.units])
        out.append(
            Group(
                suite,
                item.id,
                np.asarray(rows, dtype=float),
                np.asarray(labels),
                tuple(pids),
                frozenset(pids[i] for i, y in enumerate(labels) if y),
                tuple(named),
                tuple(topic),
                tuple(cited),
                q.slot,
                tuple(
                    tuple(sorted(u.frame.labels("time"))) if u.frame else () for u in ranked.units
                ),
                q.ask.conditions & lx.SITUATIONS,
                tuple(
                    tuple(sorted(u.frame.labels("conditions"))) if u.frame else ()
                    for u in ranked.units
                ),
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


def bounds() -> list[tuple[float | None, float | None]]:
    """Each weight's side (`features.RAISES`, `features.LOWERS`): a match never lowers a
    sentence, a clash never raises it."""
    return [
        (0.0, None) if name in RAISES else (None, 0.0) if name in LOWERS else (None, None)
        for name in FEATURES
    ]


def fit(groups: Sequence[Group], c: float) -> Ranker:
    """Pairwise logistic regression over `groups`, standardised features, each weight kept on its
    side: scikit-learn's objective (C·Σ log-loss + ½‖w‖², no intercept, both orders of every pair)
    minimised by SciPy's L-BFGS-B, which takes the bounds scikit-learn's solver does not."""
    from scipy.optimize import minimize
    from scipy.special import expit

    rows = np.concatenate([g.rows for g in groups])
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    d = _pairs(groups, mean, scale)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = d @ w
        value = 2.0 * c * float(np.logaddexp(0.0, -z).sum()) + 0.5 * float(w @ w)
        grad = -2.0 * c * (d.T @ expit(-z)) + w
        return value, grad

    done = minimize(loss, np.zeros(d.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds())
    return Ranker(np.asarray(done.x), mean, scale, {"C": c})


def lifted(scores: np.ndarray, g: Group) -> np.ndarray:
    """The scores with the ranking's structural lifts (`assistant.answer.rank`), in its order."""
    cited = g.cited or (False,) * len(scores)
    if g.times:
        frames = [
            _Labels(t, c) for t, c in zip(g.times, g.placed or [()] * len(g.times), strict=True)
        ]
        scores = shape_first(scores, g.slot, frames, g.passages, g.situations)
    return named_first(named_first(named_first(scores, g.topic), cited), g.named)


@dataclass(frozen=True)
class _Labels:
    """A frame's time and condition labels: all `shape_first` reads of it."""

    times: tuple[str, ...]
    conditions: tuple[str, ...]

    def labels(self, field: str) -> frozenset[str]:
        return frozenset(self.times if field == "time" else self.conditions)


def top1(ranker: Ranker, groups: Sequence[Group]) -> dict[str, float]:
    """Share of questions whose best sentence is gold, and whose best passage holds gold."""
    sentence = passage = 0
    for g in groups:
        scores = lifted(ranker.score(g.rows.tolist()), g)
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
