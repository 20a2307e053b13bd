"""`hjemmel bench ingest|ask|serve`: time a cold and a warm ingest, or dispatch the ask/serve bench.

The ingest bench builds in a fresh temporary data directory with an empty embedding cache (cold),
then again with nothing changed (warm: a full rebuild from the cache, and the `--if-stale` check
that skips it). It never touches the user's own index or cache. The ask bench lives in
`assistant.bench`, the served-page bench in `ui.bench_serve`; both are only dispatched to from here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from assistant.commands.ingest import seconds_label
from assistant.settings import Settings
from ingest.index import BuildReport, build_index, index_is_stale

COLD_GOAL_S = 60.0
WARM_GOAL_S = 5.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["ingest", "ask", "serve"], help="hva som skal måles")


def _line(label: str, seconds: float, passages: int, goal: float | None = None) -> str:
    rate = f"{passages / seconds:.1f}".replace(".", ",") if seconds > 0 else "–"
    text = f"{label}: {seconds_label(seconds)}, {passages} avsnitt, {rate} avsnitt/s"
    if goal is not None:
        mark = "innenfor" if seconds < goal else "OVER"
        text += f" (mål < {goal:.0f} s: {mark})"
    return text


def _ingest(paths: list[Path], home: Path, cache: Path, spec: str) -> tuple[float, BuildReport]:
    from ingest.pipeline import load_corpus

    started = time.perf_counter()
    report = build_index(load_corpus(paths), home / "index", spec, cache, progress=True)
    return time.perf_counter() - started, report


def run_ingest_bench(settings: Settings) -> int:
    paths = [settings.corpus]
    with tempfile.TemporaryDirectory(prefix="hjemmel-bench-") as tmp:
        home, cache = Path(tmp) / "home", Path(tmp) / "cache"
        cold_s, cold = _ingest(paths, home, cache, settings.embedder)
        warm_s, warm = _ingest(paths, home, cache, settings.embedder)
        started = time.perf_counter()
        stale = index_is_stale(paths, home / "index", settings.embedder)
        check_s = time.perf_counter() - started
    print(f"Korpus: {settings.corpus} · embedder: {settings.embedder}")
    print(_line("Kald ingest (tomt mellomlager)", cold_s, cold.passages, COLD_GOAL_S))
    print(f"  embeddet {cold.embedded}, gjenbrukt {cold.reused}")
    print(
        _line("Varm ingest (ingenting endret, full ombygging)", warm_s, warm.passages, WARM_GOAL_S)
    )
    print(f"  embeddet {warm.embedded}, gjenbrukt {warm.reused}")
    verdict = "utdatert (feil!)" if stale else "oppdatert, hoppes over"
    print(f"Varm ingest --if-stale: {seconds_label(check_s)} ({verdict})")
    return 0 if not stale and warm.embedded == 0 else 1


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "serve":
        from ui.bench_serve import run_serve_bench

        return run_serve_bench(settings)
    if args.what == "ask":
        try:
            from assistant.bench import run_ask_bench
        except ImportError as exc:
            print(f"hjemmel bench ask: ikke tilgjengelig ennå ({exc})", file=sys.stderr)
            return 2
        code: int = run_ask_bench(settings)
        return code
    return run_ingest_bench(settings)
