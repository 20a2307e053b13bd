"""`hjemmel bench serve`: the real page over loopback at 1, 5, 10 and 20 clients, against in-process.

Starts `hjemmel serve` in a child process on a free 127.0.0.1 port over the user's index (no login,
HJEMMEL_TRUSTED_PROXY=127.0.0.1 so each load client can be its own address; the child is stopped
at the end), then measures, with the generators of `ui.bench_load`:
1. for each of LEVELS clients, side by side: in-process, the same questions through
   `Assistant.ask` on as many threads as the page may answer at once (min(clients,
   ANSWER_WORKERS)): answers/s, p50/p95, CPU per answer; and the page, that many concurrent
   clients asking, once through the answer API (POST /api/svar, `ui.answer_api`) and once
   through Gradio's queue (/gradio_api/call/ask): errors, answers/s, p50/p95, the server's CPU
   per answer, and the ratio of its throughput to in-process. Both sides embed every question
   (the query-vector cache is off: the mix repeats and would otherwise be served from it);
2. one client flooding from FLOOD_THREADS connections beside NORMAL_CLIENTS ordinary ones —
   once with one session, once with a new session id per request, once against /api/svar:
   the others' p95 and whether anyone met «Queue is full»;
3. LONG_CLIENTS clients sending 1,999-character questions beside FEW_CLIENTS ordinary ones,
   against the ordinary ones alone: answers/s and p95;
4. a page question sent with a STORE_TURNS-turn conversation store: bytes in, bytes out, turns
   kept, and the server's memory before and after.
Traffic goes only to 127.0.0.1 and is bounded in count and time. It prints figures and goals
(20 clients: ≥ 0.85 of in-process, p95 ≤ 1 s, 0 errors, for each path; a flood: the others' p95 ≤ 2 s and never
a full queue); it asserts nothing and changes nothing on disk except the page's own files.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from assistant.bench import QUESTIONS, percentile
from assistant.settings import Settings
from ui import bench_load as load

LEVELS = (1, 5, 10, 20)
ANSWERS_PER_LEVEL = 100
RATIO_GOAL = 0.85  # at 20 clients: the page's answers/s over in-process
P95_GOAL_S = 1.0
PER_CLIENT = 10
NORMAL_CLIENTS = 5
FLOOD_THREADS = 8
LONG_CLIENTS = 4
FEW_CLIENTS = 3
STORE_TURNS = 4000
START_TIMEOUT_S = 180.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("HJEMMEL_USERS", None)
    env.update(
        HJEMMEL_HOST="127.0.0.1",
        HJEMMEL_PORT=str(port),
        HJEMMEL_TRUSTED_PROXY="127.0.0.1",
        GRADIO_ANALYTICS_ENABLED="False",
        HJEMMEL_QUERY_CACHE="0",
    )
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("hjemmel serve stoppet under oppstart")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("hjemmel serve svarte ikke innen tidsfristen")


@dataclass(frozen=True)
class Load:
    """One measured run: latencies (s), errors, wall time (s), CPU seconds spent (for the page:
    the server's), and for the page the load generator's own CPU seconds."""

    times: list[float]
    errors: int
    wall: float
    cpu: float
    client_cpu: float = 0.0  # the load generator's own CPU seconds (it shares the machine)

    @property
    def rate(self) -> float:
        return len(self.times) / self.wall if self.wall else 0.0

    @property
    def cpu_per_answer(self) -> float:
        return self.cpu / max(1, len(self.times))


def _in_process(assistant: Any, workers: int, total: int) -> Load:
    """`total` asks of the question mix on `workers` threads of this process."""
    jobs = [QUESTIONS[i % len(QUESTIONS)] for i in range(total)]

    def one(job: tuple[str, str]) -> float:
        t = time.perf_counter()
        assistant.ask(job[0], role=job[1])
        return time.perf_counter() - t

    cpu0, started = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        times = list(pool.map(one, jobs))
    return Load(times, 0, time.perf_counter() - started, time.process_time() - cpu0)


def _page(
    url: str, pid: int, n: int, per_client: int, rotate: bool = False, path: str = "gradio"
) -> Load:
    """n page clients (each its own address) asking per_client questions: the server's CPU.
    `rotate`: a new session id per question, as an API client that sends none; `path`: through
    Gradio's queue («gradio») or the answer API («svar», `ui.answer_api`)."""
    cpu0, own0 = _cpu(pid), time.process_time()
    tally, wall = load.clients(
        url, n, per_client, prefix="10.8", spread=True, rotate=rotate, path=path
    )
    bad = tally.errors + tally.refused + tally.full
    return Load(tally.times, bad, wall, _cpu(pid) - cpu0, time.process_time() - own0)


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _line(label: str, page: Load, local: Load) -> str:
    return (
        f"{label} {page.rate:.1f} svar/s, p50 {_ms(statistics.median(page.times))}, "
        f"p95 {_ms(percentile(page.times, 0.95))}, {page.errors} feil, server-CPU "
        f"{_ms(page.cpu_per_answer)}/svar (klientene {_ms(page.client_cpu / max(1, len(page.times)))}"
        f"/svar), forhold {page.rate / local.rate:.2f}"
    )


def _level(url: str, pid: int, assistant: Any, n: int) -> tuple[Load, Load, Load]:
    """In-process, then the page's Gradio API, then the answer API, at n clients."""
    from ui.fair import ANSWER_WORKERS

    per_client = max(1, ANSWERS_PER_LEVEL // n)
    workers = min(n, ANSWER_WORKERS)
    local = _in_process(assistant, workers, n * per_client)
    page = _page(url, pid, n, per_client)
    api = _page(url, pid, n, per_client, path="svar")
    print(
        f"{n:2d} klienter: i prosessen ({workers} tråder) {local.rate:.1f} svar/s, "
        f"p95 {_ms(percentile(local.times, 0.95))}, CPU {_ms(local.cpu_per_answer)}/svar\n"
        f"   {_line('/api/svar:', api, local)}\n"
        f"   {_line('Gradio-køen (/gradio_api/call/ask):', page, local)}"
    )
    return page, api, local


def _goal(label: str, page: Load, local: Load) -> None:
    ratio = page.rate / local.rate if local.rate else 0.0
    ok = page.errors == 0 and percentile(page.times, 0.95) <= P95_GOAL_S and ratio >= RATIO_GOAL
    print(
        f"  mål ved {LEVELS[-1]} klienter, {label}: forhold ≥ {RATIO_GOAL:.2f}, p95 ≤ "
        f"{P95_GOAL_S:.0f} s, 0 feil: {'innenfor' if ok else 'IKKE nådd'} (forhold {ratio:.2f})"
    )


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _figures(tally: load.Tally) -> str:
    times = tally.times
    p50 = statistics.median(times) if times else float("nan")
    return (
        f"{len(times)} svar, {tally.errors} feil, {tally.refused} avvist (429), "
        f"{tally.full} «køen er full» (503), p50 {_ms(p50)}, p95 {_ms(percentile(times, 0.95))}"
    )


def _beside_flood(url: str, rotate: bool, question: str, label: str, path: str = "gradio") -> None:
    stop = threading.Event()
    result: list[load.Tally] = []
    args = (url, "10.2.0.66", stop, FLOOD_THREADS, rotate, question, path)
    flooder = threading.Thread(target=lambda: result.append(load.flood(*args)))
    flooder.start()
    time.sleep(2.0)
    normal, wall = load.clients(url, NORMAL_CLIENTS, PER_CLIENT, prefix="10.4")
    stop.set()
    flooder.join(timeout=180)
    flood = result[0] if result else load.Tally()
    sent = len(flood.times) + flood.refused + flood.full + flood.errors
    p95 = percentile(normal.times, 0.95)
    ok = p95 <= 2.0 and normal.full == 0 and not normal.errors
    print(
        f"{label}: én klient sendte {sent} forespørsler fra {FLOOD_THREADS} forbindelser "
        f"({len(flood.times)} besvart, {flood.refused} avvist med 429, {flood.full} «køen er "
        f"full»); {NORMAL_CLIENTS} andre klienter: {_figures(normal)}, "
        f"{len(normal.times) / wall:.1f} svar/s"
    )
    print(f"  mål: de andres p95 ≤ 2 s og aldri full kø: {'innenfor' if ok else 'IKKE nådd'}")


def _long_questions(url: str) -> None:
    alone, wall_alone = load.clients(url, FEW_CLIENTS, PER_CLIENT, prefix="10.5")
    stop = threading.Event()
    results: list[load.Tally] = []
    floods = [
        threading.Thread(
            target=lambda k=k: results.append(
                load.flood(url, f"10.6.0.{k + 1}", stop, 2, False, load.LONG_QUESTION)
            )
        )
        for k in range(LONG_CLIENTS)
    ]
    for t in floods:
        t.start()
    time.sleep(2.0)
    beside, wall = load.clients(url, FEW_CLIENTS, PER_CLIENT, prefix="10.7")
    stop.set()
    for t in floods:
        t.join(timeout=180)
    long_answers = sum(len(r.times) for r in results)
    print(
        f"{FEW_CLIENTS} vanlige klienter alene: {len(alone.times) / wall_alone:.2f} svar/s, "
        f"p95 {_ms(percentile(alone.times, 0.95))}; ved siden av {LONG_CLIENTS} klienter med "
        f"spørsmål på 1 999 tegn ({long_answers} besvart): {len(beside.times) / wall:.2f} svar/s, "
        f"p95 {_ms(percentile(beside.times, 0.95))} ({_figures(beside)})"
    )


def _big_store(url: str, pid: int) -> None:
    before = _rss_mb(pid)
    sent, reply, kept = load.store_reply(url, STORE_TURNS)
    after = _rss_mb(pid)
    print(
        f"Samtale med {STORE_TURNS} spørsmål: sendt {sent / 1e6:.1f} MB, svaret "
        f"{reply / 1e6:.2f} MB, {kept} spørsmål beholdt; serverens minne {before:.0f} → "
        f"{after:.0f} MB"
    )


def run_serve_bench(settings: Settings) -> int:
    from assistant.api import Assistant

    assistant = Assistant.load(replace(settings, query_cache=0))
    for question, role in QUESTIONS:  # warm-up
        assistant.ask(question, role=role)
    port = _free_port()
    server = _start_server(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        load.clients(url, 2, 2)  # warm-up
        print("Siden mot svar i prosessen (samme spørsmål, hvert spørsmål embeddes):")
        results = {n: _level(url, server.pid, assistant, n) for n in LEVELS}
        page, api, local = results[LEVELS[-1]]
        _goal("/api/svar", api, local)
        _goal("Gradio-køen", page, local)
        fresh = _page(url, server.pid, LEVELS[-1], max(1, ANSWERS_PER_LEVEL // LEVELS[-1]), True)
        print(
            f"{LEVELS[-1]} klienter med ny økt per spørsmål: {fresh.rate:.1f} svar/s, p95 "
            f"{_ms(percentile(fresh.times, 0.95))}, {fresh.errors} feil, server-CPU "
            f"{_ms(fresh.cpu_per_answer)}/svar (forhold {fresh.rate / local.rate:.2f})"
        )
        question = QUESTIONS[0][0]
        _beside_flood(url, False, question, "Flom fra én klient")
        _beside_flood(url, True, question, "Flom med ny økt-id per forespørsel")
        _beside_flood(url, False, question, "Flom mot /api/svar", path="svar")
        _long_questions(url)
        _big_store(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0
