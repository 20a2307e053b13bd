"""Files → (Document, CleanText, Passages): discover, load, clean, structure and tag a corpus.

Owns the dispatch by file type and the «skip with a reason, ingest the rest» rule. It does not embed
or write anything: `ingest.index` does that with what this returns.

STUB CONTRACT (filled in by the loaders work):
    load_corpus(paths, manifest_dir) -> CorpusLoad
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import CleanText, Document, Passage


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    clean: CleanText
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str  # Norwegian, user-facing: why this file was not ingested


@dataclass(frozen=True)
class CorpusLoad:
    documents: tuple[LoadedDocument, ...]
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def load_corpus(paths: list[Path]) -> CorpusLoad:
    """Load every file under `paths` (files or folders). A folder's `manifest.toml` describes its
    documents; files without an entry are still ingested with inferred type/status and a warning."""
    raise NotImplementedError
