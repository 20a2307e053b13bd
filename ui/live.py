"""The live assistant: hands out the current `Assistant` and re-opens it when the index is swapped.

`LiveAssistant.get()` is called at the start of every request. It compares the build that
`<index_dir>/current` points to with the build it has open (one `readlink`, no file reads) and,
when they differ, opens the new build once under a lock. A request keeps the object it got, so an
answer in flight finishes on the old build while the next request uses the new one.

Work that searches the vector store (an answer, an evaluation run) takes the assistant with
`with live.use() as assistant:` instead. An assistant that is no longer current is closed — its
lease on the build dropped and its store client forgotten, so the next ingest may prune the
build and its memory is freed — as soon as no such use holds it any more: at the swap itself when
none is in flight, else when the last one ends. Quick reads (`get()`, `.index`) only look at the
passages in memory and never keep a build alive.

It also knows which documents the corpus manifest does not list (`unlisted`): the page labels
those «Ukjent» whatever status ingestion gave them. It deliberately builds nothing: `ui.upload`
does, and the swap itself is `ingest.index`'s atomic link replacement.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from assistant.settings import Settings

log = logging.getLogger(__name__)

CURRENT = "current"


def current_build(index_dir: Path) -> str:
    """The build id `<index_dir>/current` points to, or "" when there is no index."""
    try:
        return Path(os.readlink(Path(index_dir) / CURRENT)).name
    except OSError:
        return ""


def listed_files(corpus: Path) -> set[str] | None:
    """File names the corpus manifest lists, or None when it cannot be read (then nothing is
    relabelled: the manifest's own errors are reported by ingestion)."""
    from ingest.manifest import MANIFEST_NAME, ManifestError, read_manifest

    path = Path(corpus) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        return set(read_manifest(path).by_file())
    except (ManifestError, OSError):
        return None


def unlisted_documents(documents: Collection[Any], corpus: Path) -> frozenset[str]:
    """Ids of documents whose file has no manifest entry in `corpus`."""
    listed = listed_files(corpus)
    if listed is None:
        return frozenset()
    return frozenset(d.id for d in documents if d.path not in listed)


class LiveAssistant:
    """Thread-safe holder of the Assistant over the live index build."""

    def __init__(
        self,
        settings: Settings,
        loader: Callable[[Settings], Any] | None = None,
        initial: Any | None = None,
    ) -> None:
        from assistant.api import Assistant

        self.settings = settings
        self._loader = loader or Assistant.load
        self._lock = threading.Lock()
        self._build = current_build(settings.index_dir)
        self._assistant = initial if initial is not None else self._loader(settings)
        self.unlisted = self._unlisted(self._assistant)
        self._in_use: Counter[int] = Counter()
        self._retired: dict[int, Any] = {}
        self.closed = 0  # assistants released after a swap (for tests and the benchmark)

    def _unlisted(self, assistant: Any) -> frozenset[str]:
        return unlisted_documents(assistant.index.documents.values(), self.settings.corpus)

    @property
    def build(self) -> str:
        return self._build

    def get(self) -> Any:
        """The Assistant over the build `current` points to now (re-opened if it changed)."""
        live = current_build(self.settings.index_dir)
        if live == self._build:
            return self._assistant
        with self._lock:
            if live != self._build:
                try:
                    fresh = self._loader(self.settings)
                except Exception:
                    # A half-swapped or removed index must not take the page down: keep serving
                    # the build we have and try again on the next request.
                    log.exception("could not open the new index build %s", live)
                    return self._assistant
                old, self._assistant, self._build = self._assistant, fresh, live
                self.unlisted = self._unlisted(fresh)
                self._retire(old)
                log.info("switched to index build %s", live)
            return self._assistant

    def _retire(self, old: Any) -> None:
        """Close `old` now if no use holds it, else when the last one ends (lock held)."""
        if self._in_use[id(old)] > 0:
            self._retired[id(old)] = old
        else:
            self._close(old)

    def _close(self, old: Any) -> None:
        index = getattr(old, "index", None)
        close = getattr(index, "close", None)
        if close is not None:
            close()
        path = getattr(index, "path", None)
        if path is not None:
            from ingest.store import forget_local_client

            forget_local_client(Path(path) / "chroma")
        self.closed += 1

    @contextlib.contextmanager
    def use(self) -> Iterator[Any]:
        """The current Assistant, kept open (its build leased) until the block ends."""
        self.get()  # follow a swap first
        with self._lock:
            # The current one, taken under the lock: a swap cannot close it before it is counted.
            assistant = self._assistant
            self._in_use[id(assistant)] += 1
        try:
            yield assistant
        finally:
            with self._lock:
                key = id(assistant)
                self._in_use[key] -= 1
                if self._in_use[key] <= 0:
                    del self._in_use[key]
                    retired = self._retired.pop(key, None)
                    if retired is not None:
                        self._close(retired)

    @property
    def index(self) -> Any:
        return self.get().index
