"""Latency benchmark of a warm `ask`: p50/p95 in total and by stage, printed as figures.

The questions are a fixed, representative mix (roles, topics, English, a follow-up, a refusal); they
are not the evaluation suite and nothing is tuned on them. Every ask embeds its question: the
query-vector cache is turned off for the figures (the mix repeats, and a cache would hide the
embedding), then one more pass shows what a repeated question costs with it. Opening is timed
in three parts: the index, the assistant over it, and the first answer (model, BM25 and vectors
mapped on first use). With a scaled corpus (`assistant.bench_corpus`) the same figures are
printed for both indexes and the ratio of their p95. It measures; it asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.records import Turn
from assistant.settings import Settings

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Hvor ofte skal helsetjenesten se til en som sitter på sikkerhetscelle?", "kommunehelse"),
    ("Må jeg varsle lege når en innsatt utelukkes fra fellesskapet?", "kriminalomsorgen"),
    ("Kan fengselet gi helsetjenesten taushetsbelagte opplysninger?", "kriminalomsorgen"),
    ("Hva sier helsepersonelloven § 21?", "jurist"),
    ("Hvem har ansvar for oppfølging ved løslatelse?", "spesialisthelse"),
    ("How often must a doctor see an inmate in a security cell?", "alle"),
    ("Hva er en ukeplan ved utelukkelse?", "kriminalomsorgen"),
    ("Trenger vi samtykke for å dele opplysninger med NAV?", "kommunehelse"),
    ("Hva mener NKROP om kartlegging av kognitiv funksjon?", "alle"),
    ("Skriv et dikt om fengsel", "alle"),
)
FOLLOW_UP = ("Og for dem under 18 år?", "kriminalomsorgen", (Turn(QUESTIONS[1][0]),))
STAGES = ("embed", "bm25", "dense", "rank", "understand", "compose")
ASK_P50_GOAL_MS = 20.0
ASK_P95_GOAL_MS = 40.0


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def ms(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " ms"


@dataclass(frozen=True)
class AskFigures:
    """What one index measured: opening, every ask's total and its stages, and cached asks."""

    passages: int
    open_s: dict[str, float]
    totals: list[float]
    stages: dict[str, list[float]]
    cached: list[float]

    @property
    def p95(self) -> float:
        return percentile(self.totals, 0.95)


def measure(settings: Settings, rounds: int = 5) -> AskFigures:
    """Open the index once and time `rounds` passes over the questions (and the follow-up)."""
    from assistant.api import Assistant
    from ingest.index import Index

    uncached = replace(settings, query_cache=0)
    t0 = time.perf_counter()
    index = Index.open(
        settings.index_dir, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
        embedding=uncached.embedding,
    )  # fmt: skip
    t1 = time.perf_counter()
    assistant = Assistant(index, uncached)
    t2 = time.perf_counter()
    assistant.ask(QUESTIONS[0][0], role=QUESTIONS[0][1])
    t3 = time.perf_counter()
    opened = {"index": t1 - t0, "assistant": t2 - t1, "first": t3 - t2}
    for question, role in QUESTIONS:  # warm-up: model, caches
        assistant.ask(question, role=role)
    totals: list[float] = []
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    for _ in range(rounds):
        for question, role, history in [*((q, r, ()) for q, r in QUESTIONS), FOLLOW_UP]:
            t = time.perf_counter()
            answer = assistant.ask(question, role=role, history=history)
            totals.append((time.perf_counter() - t) * 1000)
            for stage in STAGES:
                stages[stage].append(answer.timings_ms.get(stage, 0.0))
    cached_index = Index.open(
        settings.index_dir, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port,
        embedding=settings.embedding,
    )  # fmt: skip
    cached_assistant = Assistant(cached_index, settings)  # the query-vector cache is per index
    for question, role in QUESTIONS:
        cached_assistant.ask(question, role=role)
    cached = []
    for question, role in QUESTIONS:
        t = time.perf_counter()
        cached_assistant.ask(question, role=role)
        cached.append((time.perf_counter() - t) * 1000)
    return AskFigures(len(index.passages), opened, totals, stages, cached)


def report(label: str, figures: AskFigures, settings: Settings) -> list[str]:
    from ingest.embed import resolve_threads

    t = figures.totals
    o = figures.open_s
    lines = [
        f"{label}: {figures.passages} avsnitt · {resolve_threads(settings.threads)} tråder for "
        "embedding",
        f"  åpning: indeks {o['index']:.2f} s, assistent {o['assistant']:.2f} s, "
        f"første svar {o['first']:.2f} s",
        f"  ask: {len(t)} spørsmål, p50 {ms(statistics.median(t))}, p95 {ms(figures.p95)}, "
        f"maks {ms(max(t))}",
    ]
    parts = ", ".join(
        f"{s} {ms(statistics.median(v))}/{ms(percentile(v, 0.95))}"
        for s, v in figures.stages.items()
    )
    lines.append(f"  trinn (p50/p95): {parts}")
    c = figures.cached
    lines.append(
        f"  gjentatt spørsmål (vektor fra mellomlageret): p50 {ms(statistics.median(c))}, "
        f"p95 {ms(percentile(c, 0.95))}"
    )
    return lines


def run_ask_bench(
    settings: Settings, rounds: int = 5, scaled: tuple[int, Settings] | None = None
) -> int:
    """Print the ask figures for the settings' index (and a scaled one, with the p95 ratio)."""
    figures = measure(settings, rounds)
    for line in report("Medfølgende korpus", figures, settings):
        print(line)
    p50, p95 = statistics.median(figures.totals), figures.p95
    mark = "innenfor" if p50 <= ASK_P50_GOAL_MS and p95 <= ASK_P95_GOAL_MS else "IKKE nådd"
    print(f"  mål p50 ≤ {ASK_P50_GOAL_MS:.0f} ms og p95 ≤ {ASK_P95_GOAL_MS:.0f} ms: {mark}")
    if scaled is not None:
        scale, other = scaled
        big = measure(other, rounds)
        for line in report(f"Syntetisk korpus ×{scale} ({Path(other.corpus).name})", big, other):
            print(line)
        ratio = big.p95 / p95 if p95 else float("nan")
        print(f"  p95 mot medfølgende korpus: {ratio:.2f}×".replace(".", ","))
    return 0
