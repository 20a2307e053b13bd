"""Exact vector search: the true top k by cosine, ties by id, from the mapped file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ingest.vectors import ExactVectors, write_vectors


def full_sort(ids: list[str], matrix: np.ndarray, q: np.ndarray, k: int) -> list[tuple[str, float]]:
    scores = matrix @ q
    ranked = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))
    return [(ids[i], float(scores[i])) for i in ranked[:k]]


@given(
    st.lists(st.sampled_from([0, 1, 2]), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=35),
    st.randoms(use_true_random=False),
)
def test_partial_selection_matches_a_full_sort_with_ties(
    kinds: list[int], k: int, rnd: object
) -> None:
    # Three distinct directions repeated: most passages tie with others.
    basis = np.eye(3, 8, dtype=np.float32)
    matrix = np.stack([basis[c] for c in kinds])
    ids = [f"p{i:02d}" for i in range(len(kinds))]
    order = list(range(len(ids)))
    rnd.shuffle(order)  # type: ignore[attr-defined]  # ids not in sorted order
    ids = [ids[i] for i in order]
    q = np.array([0.6, 0.8, 0.0, 0, 0, 0, 0, 0], dtype=np.float32)
    assert ExactVectors(ids, matrix).query(q, k) == full_sort(ids, matrix, q, k)


def test_written_vectors_are_mapped_and_searched(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(50, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = [f"d:{i}" for i in range(50)]
    write_vectors(tmp_path / "vectors.npy", matrix)
    exact = ExactVectors.open(tmp_path / "vectors.npy", ids)
    assert isinstance(exact.matrix, np.memmap) and len(exact) == 50
    q = matrix[3]
    assert exact.query(q, 5) == full_sort(ids, matrix, q, 5)
    assert exact.query(q, 5)[0][0] == "d:3"
