"""Caches in front of an embedder: passage vectors on disk by content hash, query vectors in memory.

`CachedEmbedder` stores passage vectors in SQLite keyed by (embedder name, sha256 of the text), so
re-ingesting unchanged text embeds nothing. It embeds what is missing in rounds of ROUND_SIZE
texts (the embedder spreads a round over its cores) and writes each round before the next, so an
interrupted ingest keeps what it paid for and the next one resumes from there; progress shows
the rate and the time left. `QueryCache` keeps the last few hundred query vectors of one index
(an LRU by exact text): a question asked again, or a page's example questions, costs no
embedding. Neither knows about passages, indexes or which model is behind them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ingest.embed import Embedder, Matrix, Vector

# Texts embedded between two writes to the cache: what an interrupted ingest keeps, and how often
# progress moves. Several engine batches per worker, so every core stays busy within a round.
ROUND_SIZE = 64
QUERY_CACHE_SIZE = 512
PROGRESS_FORMAT = (
    "{desc}: {percentage:3.0f}% |{bar}| {n_fmt}/{total_fmt} "
    "[{elapsed} brukt, ca. {remaining} igjen, {rate_fmt}]"
)


def text_hash(text: str) -> str:
    """The cache key of a text: sha256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """An embedder with a SQLite cache of passage vectors; `misses` counts texts actually embedded.

    Queries go straight to the embedder (an index keeps its own `QueryCache`).
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
        # Similar lengths per batch: a batch costs what its longest text costs.
        items = sorted(todo.items(), key=lambda item: len(item[1]))
        bar: Any = None
        if progress and items:
            from tqdm import tqdm

            threads = getattr(self.inner, "threads", 1)
            bar = tqdm(
                total=len(items),
                desc=f"Embedder avsnitt ({threads} {'tråd' if threads == 1 else 'tråder'})",
                unit="avsnitt",
                bar_format=PROGRESS_FORMAT,
            )
        try:
            for start in range(0, len(items), ROUND_SIZE):
                batch = items[start : start + ROUND_SIZE]
                vectors = self.inner.embed_passages([text for _, text in batch])
                # As stored (float32): a fresh build and a rebuild from the cache get the same
                # vectors, so the same ranking.
                pairs = [
                    (sha, np.asarray(vectors[i], dtype=np.float32))
                    for i, (sha, _) in enumerate(batch)
                ]
                # Stored per round, so an interrupted run keeps what it already paid for.
                self._store(pairs)
                known.update(pairs)
                self.misses += len(batch)
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()


class QueryCache:
    """The last `size` query vectors by exact text (least recently used dropped first).

    Thread-safe. The vectors it returns are read-only: one array is handed to every caller.
    `size` 0 turns it off (every call embeds).
    """

    def __init__(self, embed: Callable[[str], Vector], size: int = QUERY_CACHE_SIZE) -> None:
        self._embed = embed
        self.size = max(0, size)
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Vector:
        if self.size == 0:
            self.misses += 1
            return self._embed(text)
        with self._lock:
            found = self._vectors.get(text)
            if found is not None:
                self._vectors.move_to_end(text)
                self.hits += 1
                return found
        vector = np.array(self._embed(text), dtype=np.float32)  # a private copy, then frozen
        vector.setflags(write=False)
        with self._lock:
            self.misses += 1
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def __len__(self) -> int:
        return len(self._vectors)
