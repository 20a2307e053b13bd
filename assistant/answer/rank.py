"""Rank: score every candidate sentence with learned weights and order the passages by their best.

The model is linear over standardised features (`assistant.answer.features.FEATURES`): a
sentence's score is Σ wᵢ·(xᵢ − meanᵢ)/scaleᵢ, so each feature's contribution can be shown
(`explain`, `hjemmel ask --explain`). The weights are fitted by `evals.train` on the suites
(pairwise logistic regression: a gold sentence above every other sentence of its question) and
checked by cross-validation by suite; they live in `ranker.json` beside this module, versioned
with the features. The single-signal baselines («bm25», «dense») rank by that signal alone. It does
not choose what an answer quotes (`assistant.answer.select`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analysis import lexicon as lx
from assistant.answer.features import FEATURES, FEATURES_VERSION, Weights, featurize
from assistant.answer.retrieve import Candidates, cites_level
from assistant.answer.understand import Question
from assistant.answer.units import Unit
from assistant.records import Hit

MODEL_PATH = Path(__file__).with_name("ranker.json")
MODEL_FORMAT = "ranker-1"


class RankerError(RuntimeError):
    """The ranking model is missing or was fitted for other features; the message says which."""


@dataclass(frozen=True)
class Ranker:
    """A linear model over standardised features."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = (np.asarray(rows, dtype=float) - self.mean) / self.scale
        return np.asarray(x @ self.weights)

    def contributions(self, row: Sequence[float]) -> list[tuple[str, float]]:
        """Each feature's share of one sentence's score, largest first (zero ones left out)."""
        x = (np.asarray(row, dtype=float) - self.mean) / self.scale
        parts = [(name, float(w * v)) for name, w, v in zip(FEATURES, self.weights, x, strict=True)]
        return sorted((p for p in parts if abs(p[1]) > 1e-9), key=lambda t: -abs(t[1]))

    def margin(self, name: str, default: float) -> float:
        """A selection margin fitted with the model (`evals.train`), in score units."""
        return float(self.meta.get("margins", {}).get(name, default))

    @classmethod
    def single(cls, feature: str) -> Ranker:
        """A baseline ranking by one feature alone."""
        w = np.zeros(len(FEATURES))
        w[FEATURES.index(feature)] = 1.0
        return cls(w, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), {"single": feature})

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "features_version": FEATURES_VERSION,
            "features": list(FEATURES),
            "weights": [round(float(v), 6) for v in self.weights],
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            **self.meta,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Ranker:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RankerError(
                f"Rangeringsmodellen mangler ({path}). Lag den med «hjemmel train»."
            ) from exc
        except (OSError, json.JSONDecodeError) as exc:
            raise RankerError(f"Rangeringsmodellen {path} kan ikke leses: {exc}") from exc
        if data.get("format") != MODEL_FORMAT or data.get("features") != list(FEATURES):
            raise RankerError(
                f"Rangeringsmodellen {path} er laget for andre trekk "
                f"({data.get('features_version')}, koden har {FEATURES_VERSION}). "
                "Tren den på nytt med «hjemmel train»."
            )
        meta = {
            k: v
            for k, v in data.items()
            if k not in ("format", "features_version", "features", "weights", "mean", "scale")
        }
        return cls(
            np.asarray(data["weights"], dtype=float),
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
            meta,
        )


def named_first(scores: np.ndarray, named: Sequence[bool]) -> np.ndarray:
    """Lift the sentences `named` marks above every other, keeping their order.

    Used twice: a follow-up stays on its conversation's topic (passages tagged with a concept of
    the earlier questions first: «Hva om han er under 18?» after a question on sharing is not about
    rights to health care), and a question that names a source («Hva mener NKROP …», «i
    høringsutkastet») is answered from it first (on core no gold passage lies outside a named
    source; the learned weight alone left 9 of 17 such questions to another)."""
    if not len(scores) or not any(named):
        return scores
    lift = float(np.max(scores) - np.min(scores)) + 1.0
    return scores + lift * np.asarray(named, dtype=float)


TIME_SLOTS = ("frequency", "duration", "deadline")
SHAPE_WINDOW = 3  # passages, best first, within which a sentence holding the asked time decides


def shape_first(
    scores: np.ndarray,
    slot: str,
    frames: Sequence[Any],
    passages: Sequence[str],
    situations: frozenset[str] = frozenset(),
) -> np.ndarray:
    """«Hvor ofte …?» is answered by a sentence stating how often: within the SHAPE_WINDOW best
    passages, the sentences holding a time of the asked kind come first (the answer type of
    question answering). Outside that window the ranking stands: a far passage with «daglig» is
    no answer. When the question names a situation («i beltet»), the window is drawn from the
    passages whose rules are set for it, if any are: how often in a restraint bed is not how often
    the prison governor reviews the file."""
    if slot not in TIME_SLOTS or not len(scores):
        return scores
    best: dict[str, float] = {}
    placed: set[str] = set()
    for pid, s, f in zip(passages, scores, frames, strict=True):
        best[pid] = max(best.get(pid, float("-inf")), float(s))
        if situations and f is not None and situations & f.labels("conditions"):
            placed.add(pid)
    pool = [p for p in best if p in placed] or list(best)
    window = set(sorted(pool, key=lambda p: -best[p])[:SHAPE_WINDOW])
    holds = [
        pid in window and f is not None and slot in f.labels("time")
        for pid, f in zip(passages, frames, strict=True)
    ]
    return named_first(scores, holds)


def cited_first(q: Question, passages: Sequence[Any]) -> list[bool]:
    """The passages citing a provision the question names, at the most exact level any reaches
    (the asked ledd before the § alone): a legal lookup, not a guess."""
    if not q.refs:
        return [False] * len(passages)
    levels = [cites_level(p, q.refs) for p in passages]
    best = max(levels, default=0)
    return [best > 0 and level == best for level in levels]


@dataclass(frozen=True)
class Ranked:
    """Every candidate sentence scored, best first, and the passages ordered by their best."""

    units: list[Unit]
    hits: list[Hit]


def rank(q: Question, found: Candidates, index: Any, ranker: Ranker, weights: Weights) -> Ranked:
    """Score every sentence of every candidate passage and order units and passages."""
    rows: list[list[float]] = []
    owners: list[tuple[Any, Any]] = []
    for pid in found.ids:
        passage = index.by_id[pid]
        for frame, row in zip(
            passage.frames, featurize(q, weights, found, passage, index.documents), strict=True
        ):
            rows.append(row)
            owners.append((passage, frame))
    scores = ranker.score(rows)
    scores = shape_first(
        scores, q.slot, [f for _, f in owners], [p.id for p, _ in owners],
        q.ask.conditions & lx.SITUATIONS,
    )  # fmt: skip
    scores = named_first(scores, [bool(set(q.topic) & set(p.concepts)) for p, _ in owners])
    scores = named_first(scores, cited_first(q, [p for p, _ in owners]))
    scores = named_first(scores, [p.doc_id in q.named for p, _ in owners])
    best: dict[str, float] = {}
    for (passage, _), score in zip(owners, scores, strict=True):
        best[passage.id] = max(best.get(passage.id, float("-inf")), float(score))
    order = sorted(best, key=lambda pid: (-best[pid], pid))
    place = {pid: i for i, pid in enumerate(order, start=1)}
    units = [
        Unit(passage, frame.start, frame.end, float(score), place[passage.id], frame, tuple(row))
        for (passage, frame), score, row in zip(owners, scores, rows, strict=True)
    ]
    units.sort(key=lambda u: (-u.score, u.rank, u.start))
    hits = [
        Hit(
            passage=index.by_id[pid],
            score=best[pid],
            bm25_rank=found.bm25_rank.get(pid),
            dense_rank=found.dense_rank.get(pid),
            cites_asked=bool(q.refs) and cites_level(index.by_id[pid], q.refs) > 0,
        )
        for pid in order
    ]
    return Ranked(units, hits)
