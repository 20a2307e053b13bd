"""The live assistant: hands out the current `Assistant` and re-opens it when the index is swapped.

`LiveAssistant.get()` is called at the start of every request. It compares the build that
`<index_dir>/current` points to with the build it has open (one `readlink`, no file reads) and,
when they differ, opens the new build once under a lock. A request keeps the object it got, so an
answer in flight finishes on the old build while the next request uses the new one.

It also knows which documents the corpus manifest does not list (`unlisted`): the page labels
those «Ukjent» whatever status ingestion gave them. It deliberately builds nothing: `ui.upload`
does, and the swap itself is `ingest.index`'s atomic link replacement.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Collection
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
                self._assistant, self._build = fresh, live
                self.unlisted = self._unlisted(fresh)
                log.info("switched to index build %s", live)
            return self._assistant

    @property
    def index(self) -> Any:
        return self.get().index
