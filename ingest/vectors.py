"""Exact cosine search over a build's passage vectors, memory-mapped from `vectors.npy`.

A local build writes its vectors (float32, normalised, one row per passage in index order) beside
the Chroma store. Up to EXACT_LIMIT passages, reading them is cheaper than asking Chroma (one
matrix-vector product against ~3 ms of client overhead per query), it needs no Chroma client at
all, and it is exact and repeatable: passages with the same score (a footnote repeated word for
word) are ordered by id, so the same question always gets the same pool. Chroma returned one or
the other of two such passages at the pool's edge, varying between processes. Beyond the limit
the store's HNSW index is used instead (`ingest.index_reader`). This module only searches; it
never writes or embeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

VECTORS_FILE = "vectors.npy"
# Above this many passages the store's graph search is used instead of a full scan. Measured with
# `hjemmel bench ask --corpus-scale`: the scan is 0.6 ms p50 at 3,747 passages and 3.3 ms at
# 30,112, where Chroma's query cost 3–5 ms already at 3,678; the limit itself is not measured.
EXACT_LIMIT = 50_000


def write_vectors(path: Path, vectors: npt.NDArray[np.float32]) -> None:
    """Save the build's vectors (in index order) where `ExactVectors.open` finds them."""
    np.save(path, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)


class ExactVectors:
    """The passages nearest a query vector by exact cosine (vectors are normalised)."""

    def __init__(self, ids: Sequence[str], matrix: npt.NDArray[np.float32]) -> None:
        if len(ids) != len(matrix):
            raise ValueError("vektorfilen passer ikke til avsnittene")
        self.ids = list(ids)
        self.matrix = matrix
        # Rank of each id in sorted order: ties are broken by id without comparing strings.
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        self._id_rank = np.empty(len(self.ids), dtype=np.int64)
        self._id_rank[order] = np.arange(len(self.ids))

    @classmethod
    def open(cls, path: Path, ids: Sequence[str]) -> ExactVectors:
        return cls(ids, np.load(path, mmap_mode="r", allow_pickle=False))

    def __len__(self) -> int:
        return len(self.ids)

    def query(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """(passage id, cosine) best first, ties by id; at most k."""
        n = len(self.ids)
        if k <= 0 or n == 0:
            return []
        scores = self.matrix @ np.asarray(vector, dtype=np.float32)
        if k < n:
            # Partial selection, then every passage tied with the k-th, so the cut is by id.
            kth = np.partition(scores, n - k)[n - k]
            chosen = np.flatnonzero(scores >= kth)
        else:
            chosen = np.arange(n)
        order = np.lexsort((self._id_rank[chosen], -scores[chosen]))[:k]
        return [(self.ids[i], float(scores[i])) for i in chosen[order]]
