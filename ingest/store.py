"""Vector storage behind a small protocol: embedded Chroma on disk, or a Chroma server.

Both stores take vectors we computed ourselves and answer cosine-similarity queries. They never use
Chroma's default embedding function (it downloads a model) and never send telemetry. This module
deliberately knows nothing about passages, BM25 or index builds: `ingest.index` decides what to
store where.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

# Chroma rejects very large single requests; this stays far below its limit.
UPSERT_BATCH = 500
Meta = Mapping[str, str | int | float | bool | None]


@runtime_checkable
class VectorStore(Protocol):
    def upsert(
        self,
        ids: Sequence[str],
        vectors: npt.NDArray[np.float32],
        metadatas: Sequence[Meta] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None: ...

    def query(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]: ...

    def count(self) -> int: ...

    def ids(self) -> list[str]: ...

    def delete(self, ids: Sequence[str]) -> None: ...


def _chroma_settings() -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _clean_meta(meta: Meta) -> dict[str, str | int | float | bool]:
    # Chroma accepts only scalar, non-null metadata values.
    return {k: v for k, v in meta.items() if v is not None}


# A few hundred to a few thousand passages: searching (nearly) the whole graph costs little, and one
# thread builds the same graph on every load. With the defaults (ef_search 100, one thread per core)
# the same query vector could miss its best passage after a restart (chroma-core/chroma#2675).
HNSW = {"space": "cosine", "ef_search": 1000, "num_threads": 1}


class _ChromaStore:
    """Shared behaviour over a chromadb collection; subclasses only say how to get the client."""

    def __init__(self, client: Any, collection: str, create: bool = True) -> None:
        self._count: int | None = None
        self.client = client
        self.collection_name = collection
        if create:
            self.collection = client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": HNSW},
            )
        else:
            try:
                self.collection = client.get_collection(collection, embedding_function=None)
            except Exception as exc:  # chromadb raises NotFoundError/ValueError by version
                raise StoreMissingError(
                    f"Vektorlageret mangler samlingen «{collection}» ({exc}). "
                    "Kjør `hjemmel ingest` på nytt."
                ) from exc

    def upsert(
        self,
        ids: Sequence[str],
        vectors: npt.NDArray[np.float32],
        metadatas: Sequence[Meta] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None:
        if len(ids) != len(vectors):
            raise ValueError("ids og vektorer har ulik lengde")
        for start in range(0, len(ids), UPSERT_BATCH):
            end = start + UPSERT_BATCH
            kwargs: dict[str, Any] = {
                "ids": list(ids[start:end]),
                "embeddings": np.asarray(vectors[start:end], dtype=np.float32),
            }
            if metadatas is not None:
                kwargs["metadatas"] = [_clean_meta(m) or {"_": 0} for m in metadatas[start:end]]
            if documents is not None:
                kwargs["documents"] = list(documents[start:end])
            self.collection.upsert(**kwargs)
        self._count = None

    def query(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        n = min(k, self.count())
        if n <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=n,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        # Chroma's cosine space returns distance = 1 - cosine similarity.
        pairs = [(pid, 1.0 - float(d)) for pid, d in zip(ids, distances, strict=True)]
        # Identical texts (repeated footnotes) tie; Chroma's order among them varies between runs.
        return sorted(pairs, key=lambda p: (-p[1], p[0]))

    def count(self) -> int:
        # Asked before every query: cached, and forgotten whenever this store changes the data.
        if self._count is None:
            self._count = int(self.collection.count())
        return self._count

    def ids(self) -> list[str]:
        out: list[str] = []
        total = self.count()
        for offset in range(0, total, UPSERT_BATCH):
            got = self.collection.get(include=[], limit=UPSERT_BATCH, offset=offset)
            out.extend(got["ids"])
        return out

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))
            self._count = None

    def drop(self) -> None:
        """Remove the whole collection (used to clean up superseded builds on a server)."""
        self.client.delete_collection(self.collection_name)


_LOCAL_CLIENTS: dict[str, Any] = {}
# The file embedded Chroma keeps its data in; a store folder without it was never written.
CHROMA_DB = "chroma.sqlite3"


class StoreMissingError(FileNotFoundError):
    """A store opened for reading does not exist (any more): never re-created empty."""


def local_client(path: Path, create: bool = True) -> Any:
    """One PersistentClient per resolved path per process: Chroma dislikes duplicates.

    With create=False the store must already exist: opening a pruned build's store for reading
    would otherwise silently make a new, empty one and dense search would find nothing.
    """
    key = str(Path(path).resolve())
    if not create and not (Path(key) / CHROMA_DB).is_file():
        _LOCAL_CLIENTS.pop(key, None)
        raise StoreMissingError(
            f"Vektorlageret {key} finnes ikke (lenger). Kjør `hjemmel ingest` på nytt."
        )
    if key not in _LOCAL_CLIENTS:
        import chromadb

        Path(key).mkdir(parents=True, exist_ok=True)
        _LOCAL_CLIENTS[key] = chromadb.PersistentClient(path=key, settings=_chroma_settings())
    return _LOCAL_CLIENTS[key]


def forget_local_client(path: Path) -> None:
    """Drop the cached client of a store whose folder is about to be deleted."""
    _LOCAL_CLIENTS.pop(str(Path(path).resolve()), None)


class ChromaLocalStore(_ChromaStore):
    """Embedded Chroma persisted in a folder."""

    def __init__(self, path: Path, collection: str = "passages", create: bool = True) -> None:
        self.path = Path(path)
        super().__init__(local_client(self.path, create), collection, create)


class StoreUnavailableError(ConnectionError):
    """The Chroma server does not answer; the message is the one line the page and CLI show."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"Søketjenesten (Chroma på {host}:{port}) svarer ikke.")
        self.host, self.port = host, port


def _is_down(exc: BaseException) -> bool:
    """A refused or broken connection, whichever layer (httpx, chromadb) reports it."""
    import httpx

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError, TimeoutError)):
            return True
        if isinstance(seen, ValueError) and "connect" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class ChromaServerStore(_ChromaStore):
    """A collection on a Chroma server (`chroma run`), for larger deployments.

    A server that does not answer (at connect time or later) raises StoreUnavailableError."""

    def __init__(
        self, host: str, port: int = 8000, collection: str = "passages", create: bool = True
    ) -> None:
        import chromadb

        self.host = host
        self.port = port
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
            super().__init__(client, collection, create)
        except Exception as exc:
            if _is_down(exc):
                raise StoreUnavailableError(host, port) from exc
            raise

    def _guarded(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except Exception as exc:
            if _is_down(exc):
                raise StoreUnavailableError(self.host, self.port) from exc
            raise

    def query(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        result: list[tuple[str, float]] = self._guarded(super().query, vector, k)
        return result

    def upsert(
        self,
        ids: Sequence[str],
        vectors: npt.NDArray[np.float32],
        metadatas: Sequence[Meta] | None = None,
        documents: Sequence[str] | None = None,
    ) -> None:
        self._guarded(super().upsert, ids, vectors, metadatas, documents)

    def count(self) -> int:
        return int(self._guarded(super().count))
