"""Latency benchmark of a warm `ask`: p50/p95 over a fixed list of questions, printed as figures.

The questions are a fixed, representative mix (roles, topics, English, a follow-up, a refusal); they
are not the evaluation suite and nothing is tuned on them. It measures; it asserts nothing.
"""

from __future__ import annotations

import statistics
import time

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


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def run_ask_bench(settings: Settings, rounds: int = 5) -> int:
    from assistant.api import Assistant

    t0 = time.perf_counter()
    assistant = Assistant.load(settings)
    load_s = time.perf_counter() - t0
    for question, role in QUESTIONS:  # warm-up: model, caches
        assistant.ask(question, role=role)
    times: list[float] = []
    for _ in range(rounds):
        for question, role in QUESTIONS:
            t = time.perf_counter()
            assistant.ask(question, role=role)
            times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assistant.ask("Og for dem under 18 år?", "kriminalomsorgen", (Turn(QUESTIONS[1][0]),))
        times.append((time.perf_counter() - t) * 1000)
    print(f"ask: lasting av indeks og modell {load_s:.2f} s")
    print(
        f"ask: {len(times)} spørsmål, p50 {statistics.median(times):.1f} ms, "
        f"p95 {_percentile(times, 0.95):.1f} ms, maks {max(times):.1f} ms"
    )
    return 0
