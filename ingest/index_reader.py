"""Open the live index build for reading: its format record, records, texts, BM25 and vector store.

Contract:

    read_format(index_dir: Path) -> dict | None
    Index.open(index_dir: Path, embedder_spec: str | None = None, chroma_host=None,
               chroma_port=8000)

An opened Index exposes (read-only):
    .format: dict                    embedding model, dim, chunker version, corpus hashes, created
    .documents: dict[str, Document]
    .passages: tuple[Passage, ...]   in document order
    .by_id: dict[str, Passage]
    .texts: dict[str, str]           cleaned text of each document (passage spans index into it)
    .embedder                        the query embedder (loaded lazily)
    .bm25_search(tokens: list[str], k: int) -> list[tuple[str, float]]   (already-analysed tokens)
    .dense_search(query: str, k: int) -> list[tuple[str, float]]         (cosine similarity)

It also holds the layout both sides share (the `current` link, text file names, how a build's
store is reached). It deliberately never writes: building, swapping and pruning builds and
deciding staleness live in `ingest.index`, which re-exports everything here.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from ingest.bm25 import BM25Index
from ingest.embed import Embedder, get_embedder
from ingest.records import Document, Passage
from ingest.store import ChromaLocalStore, ChromaServerStore, VectorStore

CURRENT = "current"


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


def open_store(fmt: Mapping[str, Any], build: Path, host: str | None, port: int) -> VectorStore:
    """The vector store a build's format record points at."""
    if fmt["store"] == "server":
        # The recorded server is the default; a host given at open time (settings) overrides it.
        if host is None:
            host, port = fmt["chroma_host"], fmt["chroma_port"]
        return ChromaServerStore(host or "localhost", port or 8000, fmt["collection"])
    return ChromaLocalStore(build / "chroma", fmt["collection"])


def read_format(index_dir: Path, live: bool = True) -> dict[str, Any] | None:
    """The live build's format.json (or, with live=False, that of the build folder given), or
    None when there is no complete index."""
    path = Path(index_dir) / CURRENT / "format.json" if live else Path(index_dir) / "format.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


class Index:
    """A read-only view of one complete build, pinned at open time: later swaps do not affect it."""

    def __init__(
        self, path: Path, fmt: dict[str, Any], chroma_host: str | None = None, chroma_port: int = 0
    ) -> None:
        self.path = path
        self.format = fmt
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
        self.bm25 = BM25Index.load(path / "bm25.json")
        self._chroma = (chroma_host, chroma_port)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        embedder_spec: str | None = None,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
    ) -> Index:
        index_dir = Path(index_dir)
        # Resolve the live build once, then read its own format: a swap in between must not pair
        # one build's settings with another build's files.
        path = (index_dir / CURRENT).resolve()
        fmt = read_format(path, live=False)
        if fmt is None:
            raise IndexMissingError(index_dir)
        if embedder_spec is not None and embedder_spec != fmt["embedder"]:
            raise IndexMismatchError(
                f"Indeksen i {index_dir} er bygd med «{fmt['embedder']}», ikke «{embedder_spec}»."
                " Kjør `hjemmel ingest` på nytt."
            )
        return cls(path, fmt, chroma_host, chroma_port)

    @cached_property
    def store(self) -> VectorStore:
        """The vector store, connected on first dense search (BM25-only use never needs it)."""
        return open_store(self.format, self.path, *self._chroma)

    @cached_property
    def embedder(self) -> Embedder:
        return get_embedder(self.format["embedder"])

    def bm25_search(
        self, tokens: Sequence[str] | Mapping[str, float], k: int
    ) -> list[tuple[str, float]]:
        return self.bm25.search(tokens, k)

    def dense_search(self, query: str, k: int) -> list[tuple[str, float]]:
        if k <= 0 or not query.strip():
            return []
        return self.store.query(self.embedder.embed_query(query), k)
