"""Okapi BM25 over already-analysed token lists, saved as JSON beside the index.

A few hundred passages fit comfortably in plain dicts, so this is a small, dependency-free
implementation. It deliberately does no text analysis: callers pass tokens produced by
`analysis.norwegian` (passages) and its query counterpart (questions), so indexing and querying stay
consistent by construction.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT = "hjemmel-bm25/1"


class BM25Index:
    """Term postings with document lengths; `search` scores only passages sharing a query term."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.ids: list[str] = []
        self.lengths: list[int] = []
        self.postings: dict[str, dict[int, int]] = {}

    @classmethod
    def build(
        cls, docs: Iterable[tuple[str, Sequence[str]]], k1: float = 1.2, b: float = 0.75
    ) -> BM25Index:
        index = cls(k1, b)
        for pid, tokens in docs:
            n = len(index.ids)
            index.ids.append(pid)
            index.lengths.append(len(tokens))
            for term, tf in Counter(tokens).items():
                index.postings.setdefault(term, {})[n] = tf
        return index

    @property
    def avg_length(self) -> float:
        return (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0

    def idf(self, term: str) -> float:
        # The «+1» variant (Lucene) keeps idf positive even for terms in most passages.
        n = len(self.ids)
        df = len(self.postings.get(term, {}))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(
        self, query: Sequence[str] | Mapping[str, float], k: int = 10
    ) -> list[tuple[str, float]]:
        """(passage id, score) best first; `query` is tokens or token → weight."""
        weights: dict[str, float] = {}
        if isinstance(query, Mapping):
            weights = {t: float(w) for t, w in query.items()}
        else:
            for token in query:
                weights[token] = weights.get(token, 0.0) + 1.0
        avg = self.avg_length or 1.0
        scores: dict[int, float] = {}
        for term, weight in weights.items():
            posting = self.postings.get(term)
            if not posting or weight == 0:
                continue
            idf = self.idf(term)
            for n, tf in posting.items():
                norm = self.k1 * (1.0 - self.b + self.b * self.lengths[n] / avg)
                scores[n] = scores.get(n, 0.0) + weight * idf * tf * (self.k1 + 1.0) / (tf + norm)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(self.ids[n], score) for n, score in ranked[:k] if score > 0]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "k1": self.k1,
            "b": self.b,
            "ids": self.ids,
            "lengths": self.lengths,
            "postings": {t: {str(n): tf for n, tf in p.items()} for t, p in self.postings.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BM25Index:
        if data.get("format") != FORMAT:
            raise ValueError(f"Ukjent BM25-format: {data.get('format')!r}")
        index = cls(float(data["k1"]), float(data["b"]))
        index.ids = list(data["ids"])
        index.lengths = [int(x) for x in data["lengths"]]
        index.postings = {
            t: {int(n): int(tf) for n, tf in p.items()} for t, p in data["postings"].items()
        }
        return index

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
