"""Okapi BM25 over already-analysed token lists, saved beside the index as memory-mapped arrays.

Postings are kept as arrays (per term: the passages holding it and how often), so a query costs a
few vector operations per query term however many passages hold the term, and the top k are found
by partial selection instead of sorting every scored passage. Scores are computed in the same
order of floating-point operations as the plain loop over postings it replaced, so they are equal
bit for bit, and ties are broken by passage order as before. On disk (`save`) a build holds
`bm25/meta.json` (parameters, passage ids, terms) and `.npy` arrays that `load` maps without
reading; the older single `bm25.json` (format 1) is still read. It deliberately does no text
analysis: callers pass tokens produced by `analysis.norwegian` (passages) and its query
counterpart (questions), so indexing and querying stay consistent by construction.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORMAT = "hjemmel-bm25/1"  # the JSON round trip (`to_json`, a `.json` path)
ARRAYS_FORMAT = "hjemmel-bm25/2"  # a folder of arrays (what a build writes)
_ARRAYS = ("offsets", "docs", "tfs", "lengths")


class _Postings:
    """The postings as arrays: term row → [offsets[row], offsets[row + 1]) in docs and tfs."""

    def __init__(
        self,
        terms: Sequence[str],
        offsets: npt.NDArray[np.int64],
        docs: npt.NDArray[np.int32],
        tfs: npt.NDArray[np.int32],
    ) -> None:
        self.row = {term: i for i, term in enumerate(terms)}
        self.offsets, self.docs, self.tfs = offsets, docs, tfs

    @classmethod
    def of(cls, postings: Mapping[str, Mapping[int, int]]) -> _Postings:
        terms = list(postings)
        sizes = [len(postings[t]) for t in terms]
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(sizes, dtype=np.int64)
        docs = np.fromiter((n for t in terms for n in postings[t]), np.int32, int(offsets[-1]))
        tfs = np.fromiter((f for t in terms for f in postings[t].values()), np.int32, len(docs))
        return cls(terms, offsets, docs, tfs)

    def df(self, term: str) -> int:
        row = self.row.get(term)
        return 0 if row is None else int(self.offsets[row + 1] - self.offsets[row])

    def get(self, term: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]] | None:
        row = self.row.get(term)
        if row is None:
            return None
        a, b = int(self.offsets[row]), int(self.offsets[row + 1])
        return self.docs[a:b], self.tfs[a:b]


class BM25Index:
    """Term postings with passage lengths; `search` scores only passages sharing a query term."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.ids: list[str] = []
        self.lengths: list[int] = []
        self.postings: dict[str, dict[int, int]] = {}  # only while building (`build`, JSON)
        self._arrays: _Postings | None = None
        self._norm: npt.NDArray[np.float64] | None = None

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

    def _ready(self) -> tuple[_Postings, npt.NDArray[np.float64]]:
        if self._arrays is None:
            self._arrays = _Postings.of(self.postings)
        if self._norm is None:
            avg = self.avg_length or 1.0
            lengths = np.asarray(self.lengths, dtype=np.float64)
            # k1 · (1 − b + b · length / avg), evaluated in the order the scalar formula is.
            self._norm = self.k1 * (1.0 - self.b + self.b * lengths / avg)
        return self._arrays, self._norm

    def idf(self, term: str) -> float:
        # The «+1» variant (Lucene) keeps idf positive even for terms in most passages.
        n = len(self.ids)
        df = self._ready()[0].df(term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(
        self, query: Sequence[str] | Mapping[str, float], k: int = 10
    ) -> list[tuple[str, float]]:
        """(passage id, score) best first, ties in passage order; `query` is tokens or token →
        weight. Only passages sharing a query term are scored, and only positive scores kept."""
        weights: dict[str, float] = {}
        if isinstance(query, Mapping):
            weights = {t: float(w) for t, w in query.items()}
        else:
            for token in query:
                weights[token] = weights.get(token, 0.0) + 1.0
        postings, norm = self._ready()
        n = len(self.ids)
        scores = np.zeros(n, dtype=np.float64)
        touched: list[npt.NDArray[np.int32]] = []
        factor = self.k1 + 1.0
        for term, weight in weights.items():
            found = postings.get(term)
            if found is None or len(found[0]) == 0 or weight == 0:
                continue
            docs, counts = found
            idf = math.log(1.0 + (n - len(docs) + 0.5) / (len(docs) + 0.5))  # as `idf`
            tf = counts.astype(np.float64)
            # weight · idf · tf · (k1 + 1) / (tf + norm), left to right as the scalar loop did.
            scores[docs] += weight * idf * tf * factor / (tf + norm[docs])
            touched.append(np.asarray(docs))
        if not touched or k <= 0:
            return []
        scored = np.unique(np.concatenate(touched))  # passage order
        values = scores[scored]
        if k < len(scored):
            # Partial selection: the k best, and all tied with the k-th so the cut is by order.
            kth = np.partition(values, len(values) - k)[len(values) - k]
            keep = values >= kth
            scored, values = scored[keep], values[keep]
        best = np.argsort(-values, kind="stable")[:k]
        return [(self.ids[p], float(values[i])) for i, p in zip(best, scored[best], strict=True)
                if values[i] > 0]  # fmt: skip

    # --- persistence ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        postings = self.postings or self._postings_dict()
        return {
            "format": FORMAT,
            "k1": self.k1,
            "b": self.b,
            "ids": self.ids,
            "lengths": self.lengths,
            "postings": {t: {str(n): tf for n, tf in p.items()} for t, p in postings.items()},
        }

    def _postings_dict(self) -> dict[str, dict[int, int]]:
        arrays = self._ready()[0]
        out: dict[str, dict[int, int]] = {}
        for term in arrays.row:
            found = arrays.get(term)
            if found is not None:
                out[term] = {int(n): int(tf) for n, tf in zip(*found, strict=True)}
        return out

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
        """A `.json` path: one JSON file (format 1); otherwise a folder of arrays (format 2)."""
        if path.suffix == ".json":
            path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")
            return
        arrays = self._ready()[0]
        path.mkdir(parents=True, exist_ok=True)
        lengths = np.asarray(self.lengths, dtype=np.int64)
        columns: tuple[npt.NDArray[Any], ...] = (arrays.offsets, arrays.docs, arrays.tfs, lengths)
        for name, array in zip(_ARRAYS, columns, strict=True):
            np.save(path / f"{name}.npy", array, allow_pickle=False)
        meta = {"format": ARRAYS_FORMAT, "k1": self.k1, "b": self.b, "ids": self.ids,
                "terms": list(arrays.row)}  # fmt: skip
        (path / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        """What `save` wrote: a folder of arrays (mapped, not read) or a format-1 JSON file."""
        if not path.is_dir():
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != ARRAYS_FORMAT:
            raise ValueError(f"Ukjent BM25-format: {meta.get('format')!r}")
        # Plain views of the mapped files: slicing a view costs less than slicing a memmap.
        offsets, docs, tfs, lengths = (
            np.asarray(np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in _ARRAYS
        )
        index = cls(float(meta["k1"]), float(meta["b"]))
        index.ids = list(meta["ids"])
        index.lengths = lengths.tolist()
        index._arrays = _Postings(meta["terms"], offsets, docs, tfs)
        return index
