"""The index on disk: build it beside the live one, swap it in when complete, open it for reading.

Contract:

    build_index(load: CorpusLoad, index_dir: Path, embedder_spec: str, cache_dir: Path,
                store: str = "local", chroma_host=None, chroma_port=8000, progress=False,
                paths=None) -> BuildReport
    index_is_stale(paths, index_dir, embedder_spec, store=None) -> bool
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

Layout: `index_dir/builds/<build-id>/` holds passages.jsonl, documents.json, texts/<doc>.txt,
bm25.json, chroma/ (local store) and format.json (written last); `index_dir/current` is a relative
symlink to the live build, replaced atomically. Nothing here parses files or analyses text itself:
`ingest.pipeline` and `ingest.analysis` do that.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import shutil
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from ingest.bm25 import BM25Index
from ingest.embed import CachedEmbedder, Embedder, get_embedder, text_hash
from ingest.pipeline import CorpusLoad
from ingest.records import Document, Passage
from ingest.store import ChromaLocalStore, ChromaServerStore, VectorStore, forget_local_client

FORMAT_VERSION = 3  # 3: heading path and lead-in indexed with each passage
CURRENT = "current"
BUILDS = "builds"
LOCAL_COLLECTION = "passages"


class IndexMissingError(FileNotFoundError):
    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"Fant ingen indeks i {index_dir}. Kjør `hjemmel ingest`.")
        self.index_dir = index_dir


class IndexMismatchError(ValueError):
    """The index was built with another embedder than the one asked for."""


@dataclass(frozen=True)
class BuildReport:
    documents: tuple[tuple[str, int], ...]  # (doc id, passage count)
    skipped: tuple[tuple[str, str], ...]  # (path, reason)
    warnings: tuple[str, ...]
    embedded: int  # cache misses: passages actually embedded
    reused: int  # cache hits
    seconds: float
    build_id: str = ""
    passages: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def passage_fields(p: Passage) -> list[str]:
    """What a passage is indexed by (dense and BM25): heading, context and text.

    A list item such as «samfunnsstraff» means little alone; its heading and lead-in give it a topic.
    """
    # The whole heading path: «5.1 Ved innsettelse i fengsel» says when «5.1.1 Kriminalomsorgens
    # ansvar» applies, and «7.1 … sikkerhetscelle …» what 7.1.3 is about.
    path = [h for h in (p.heading_path or (p.heading,)) if h and h != p.text]
    heading = " / ".join(path)
    return [f for f in (heading, p.context, p.text) if f]


def embed_text(p: Passage) -> str:
    return "\n".join(passage_fields(p))


def analyzer() -> tuple[Callable[[str], list[str]], str]:
    """The passage analyser and its version, recorded so that analysis changes force a rebuild."""
    analysis = importlib.import_module("ingest.analysis")
    version = getattr(analysis, "ANALYSIS_VERSION", None)
    if version is None:
        # Without a declared version, any change to the analysis code must still force a rebuild.
        version = "src-" + text_hash(Path(analysis.__file__ or "").read_text(encoding="utf-8"))[:12]
    return analysis.analyze, str(version)


def chunker_version() -> str:
    from ingest.structure import CHUNKER_VERSION

    return str(CHUNKER_VERSION)


def file_hashes(paths: Sequence[Path]) -> dict[str, str]:
    """sha256 of every non-hidden file under `paths` (files or folders), keyed by resolved path."""
    out: dict[str, str] = {}
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for f in files:
            rel = f.relative_to(root) if f != root else Path(f.name)
            if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                out[str(f.resolve())] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _derived_inputs(load: CorpusLoad) -> dict[str, str]:
    files = [Path(d.document.path) for d in load.documents] + [Path(s.path) for s in load.skipped]
    manifests = {f.parent / "manifest.toml" for f in files}
    return file_hashes([f for f in [*files, *manifests] if f.is_file()])


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _text_file(doc_id: str) -> str:
    # Inferred ids come from file names; quoting keeps any «/» or «..» out of the path.
    return urllib.parse.quote(doc_id, safe="") + ".txt"


def _write_records(build: Path, load: CorpusLoad) -> list[Passage]:
    (build / "texts").mkdir(parents=True)
    passages = [p for d in load.documents for p in d.passages]
    with (build / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    _write_json(build / "documents.json", [d.document.to_dict() for d in load.documents])
    for d in load.documents:
        (build / "texts" / _text_file(d.document.id)).write_text(d.clean.text, encoding="utf-8")
    return passages


def _open_store(fmt: Mapping[str, Any], build: Path, host: str | None, port: int) -> VectorStore:
    if fmt["store"] == "server":
        # The recorded server is the default; a host given at open time (settings) overrides it.
        if host is None:
            host, port = fmt["chroma_host"], fmt["chroma_port"]
        return ChromaServerStore(host or "localhost", port or 8000, fmt["collection"])
    return ChromaLocalStore(build / "chroma", fmt["collection"])


def build_index(
    load: CorpusLoad,
    index_dir: Path,
    embedder_spec: str,
    cache_dir: Path,
    store: str = "local",
    chroma_host: str | None = None,
    chroma_port: int = 8000,
    progress: bool = False,
    paths: Sequence[Path] | None = None,
) -> BuildReport:
    """Write a complete new build and swap it in; on any failure the previous index stays live."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]
    build = index_dir / BUILDS / build_id
    fmt: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "build_id": build_id,
        "embedder": embedder_spec,
        "chunker_version": chunker_version(),
        "store": "server" if store == "server" else "local",
        "collection": f"hjemmel-{build_id}" if store == "server" else LOCAL_COLLECTION,
        "chroma_host": chroma_host,
        "chroma_port": chroma_port,
    }
    try:
        report = _build(load, build, fmt, cache_dir, progress, paths)
    except BaseException:
        _remove_build(build)
        raise
    previous = _current_build(index_dir)
    _swap(index_dir, build_id)
    _prune(index_dir, older_than=previous.name if previous else build_id)
    seconds = time.perf_counter() - started
    return replace(report, seconds=seconds)


def _build(
    load: CorpusLoad,
    build: Path,
    fmt: dict[str, Any],
    cache_dir: Path,
    progress: bool,
    paths: Sequence[Path] | None,
) -> BuildReport:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    passages = _write_records(build, load)
    embedder = CachedEmbedder(get_embedder(fmt["embedder"]), cache_dir)
    vectors = embedder.embed_passages([embed_text(p) for p in passages], progress=progress)
    timings["embed"], t = time.perf_counter() - t, time.perf_counter()
    analyze, analysis_version = analyzer()
    bm25 = BM25Index.build(
        (p.id, [t for f in passage_fields(p) for t in analyze(f)]) for p in passages
    )
    bm25.save(build / "bm25.json")
    timings["bm25"], t = time.perf_counter() - t, time.perf_counter()
    vstore = _open_store(fmt, build, fmt["chroma_host"], fmt["chroma_port"])
    metas = [{"doc_id": p.doc_id, "section": p.section, "kind": p.kind} for p in passages]
    vstore.upsert([p.id for p in passages], vectors, metas, [p.text for p in passages])
    timings["store"] = time.perf_counter() - t
    fmt.update(
        dim=embedder.dim,
        analysis_version=analysis_version,
        corpus={d.document.id: d.document.sha256 for d in load.documents},
        inputs=file_hashes(paths) if paths is not None else _derived_inputs(load),
        passages=len(passages),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    _write_json(build / "format.json", fmt)
    return BuildReport(
        documents=tuple((d.document.id, len(d.passages)) for d in load.documents),
        skipped=tuple((s.path, s.reason) for s in load.skipped),
        warnings=tuple(load.warnings),
        embedded=embedder.misses,
        reused=embedder.hits,
        seconds=0.0,
        build_id=fmt["build_id"],
        passages=len(passages),
        timings=timings,
    )


def _current_build(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def _swap(index_dir: Path, build_id: str) -> None:
    tmp = index_dir / f".{CURRENT}-{build_id}"
    os.symlink(Path(BUILDS) / build_id, tmp)
    os.replace(tmp, index_dir / CURRENT)  # atomic: readers see the old build or the new one


def _remove_build(build: Path) -> None:
    fmt_path = build / "format.json"
    if fmt_path.is_file():
        fmt = json.loads(fmt_path.read_text(encoding="utf-8"))
        if fmt.get("store") == "server":
            # The server may be gone; a leftover collection is harmless.
            with contextlib.suppress(Exception):
                ChromaServerStore(fmt["chroma_host"], fmt["chroma_port"], fmt["collection"]).drop()
    forget_local_client(build / "chroma")
    shutil.rmtree(build, ignore_errors=True)


def _prune(index_dir: Path, older_than: str) -> None:
    """Remove builds older than `older_than` (ids sort by time), including crashed half-builds.

    Newer ones are kept: one may be another process's build in progress.
    """
    for build in (index_dir / BUILDS).iterdir():
        if build.name < older_than:
            _remove_build(build)


def read_format(index_dir: Path) -> dict[str, Any] | None:
    """The live build's format.json, or None when there is no complete index."""
    path = Path(index_dir) / CURRENT / "format.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def index_is_stale(
    paths: Sequence[Path], index_dir: Path, embedder_spec: str, store: str | None = None
) -> bool:
    """True when the index is missing, was built differently, or the corpus files changed."""
    fmt = read_format(index_dir)
    if fmt is None:
        return True
    wanted = {
        "format_version": FORMAT_VERSION,
        "embedder": embedder_spec,
        "chunker_version": chunker_version(),
        "analysis_version": analyzer()[1],
    }
    if store is not None:
        wanted["store"] = store
    if any(fmt.get(key) != value for key, value in wanted.items()):
        return True
    return bool(fmt.get("inputs") != file_hashes(paths))


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
            doc_id: (path / "texts" / _text_file(doc_id)).read_text(encoding="utf-8")
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
        fmt = read_format(index_dir)
        if fmt is None:
            raise IndexMissingError(index_dir)
        if embedder_spec is not None and embedder_spec != fmt["embedder"]:
            raise IndexMismatchError(
                f"Indeksen i {index_dir} er bygd med «{fmt['embedder']}», ikke «{embedder_spec}»."
                " Kjør `hjemmel ingest` på nytt."
            )
        path = (index_dir / CURRENT).resolve()
        return cls(path, fmt, chroma_host, chroma_port)

    @cached_property
    def store(self) -> VectorStore:
        """The vector store, connected on first dense search (BM25-only use never needs it)."""
        return _open_store(self.format, self.path, *self._chroma)

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
