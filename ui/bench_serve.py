"""`hjemmel bench serve`: the real page over loopback at 1, 5, 10 and 20 clients, against in-process.

Starts `hjemmel serve` in a child process on a free 127.0.0.1 port over the user's index (no login;
the child is stopped at the end). For each client count it measures, side by side:
1. in-process: the same questions through `Assistant.ask` on as many threads as the page may
   answer at once (min(clients, ANSWER_WORKERS)): answers/s, p50/p95, CPU per answer;
2. the page: that many concurrent sessions, each asking through the page's own /ask endpoint and
   the server's queue over plain HTTP: errors, answers/s, p50/p95, the server's CPU per answer,
   and the ratio of its throughput to in-process.
Both sides embed every question (the query-vector cache is off: the mix repeats and would
otherwise be served from it). Then an abusive session (32,000-character questions and
follow-ups, as fast as it can) runs beside NORMAL_CLIENTS ordinary ones: the ordinary sessions'
p95. Traffic goes only to 127.0.0.1 and is bounded in count and time. It prints figures and the
goals; it asserts nothing and changes nothing on disk except the page's own feedback/log files.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import httpx

from assistant.bench import QUESTIONS
from assistant.settings import Settings

LEVELS = (1, 5, 10, 20)
ANSWERS_PER_LEVEL = 100
NORMAL_CLIENTS = 5
PER_CLIENT = 10
ABUSE_SECONDS = 20.0
START_TIMEOUT_S = 180.0
LONG_QUESTION = "Hva gjelder for isolasjon og taushetsplikt? " * 730  # ~32,000 characters
RATIO_GOAL = 0.85  # at 20 clients: the page's answers/s over in-process
P95_GOAL_S = 1.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("HJEMMEL_USERS", None)
    env.update(
        HJEMMEL_HOST="127.0.0.1", HJEMMEL_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
        HJEMMEL_QUERY_CACHE="0",
    )  # fmt: skip
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


def _session(url: str) -> Callable[[str, str], Any]:
    """One page session asking through the page's /ask endpoint and the server's queue.

    A plain HTTP client (POST /gradio_api/call/ask, then its event stream) rather than
    gradio_client: that one spends ~100 ms of CPU per answer itself, and on two cores the load
    generator would be the bottleneck, not the server.
    """
    http = httpx.Client(base_url=url, timeout=120)
    session = uuid.uuid4().hex[:11]

    def ask(question: str, role: str) -> Any:
        body = {"data": [question, role, None], "session_hash": session}
        posted = http.post("gradio_api/call/ask", json=body)
        posted.raise_for_status()
        event = posted.json()["event_id"]
        kind = ""
        with http.stream("GET", f"gradio_api/call/ask/{event}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    kind = line[len("event: ") :].strip()
                elif line.startswith("data: ") and kind in ("complete", "error"):
                    if kind == "error":
                        raise RuntimeError(line[len("data: ") :])
                    return json.loads(line[len("data: ") :])
        raise RuntimeError("svaret kom ikke")

    return ask


@dataclass(frozen=True)
class Load:
    """One measured run: latencies (s), errors, wall time (s), CPU seconds spent."""

    times: list[float]
    errors: int
    wall: float
    cpu: float

    @property
    def rate(self) -> float:
        return len(self.times) / self.wall if self.wall else 0.0

    @property
    def cpu_per_answer(self) -> float:
        return self.cpu / max(1, len(self.times))


def _clients(url: str, n: int, per_client: int, server_pid: int | None = None) -> Load:
    """n sessions asking per_client questions each (CPU counted for the server, if given)."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    sessions = [_session(url) for _ in range(n)]
    barrier = threading.Barrier(n)

    def work(k: int) -> None:
        barrier.wait()
        for i in range(per_client):
            question, role = QUESTIONS[(k + i) % len(QUESTIONS)]
            t = time.perf_counter()
            try:
                sessions[k](question, role)
            except Exception:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                times.append(time.perf_counter() - t)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    cpu0 = _cpu(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu = _cpu(server_pid) - cpu0 if server_pid else 0.0
    return Load(times, errors[0], wall, cpu)


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


def _abuse(url: str, stop: threading.Event) -> tuple[int, int]:
    """Flood from one session until stopped: (requests sent, refused by the server)."""
    ask = _session(url)
    sent = refused = 0
    while not stop.is_set():
        sent += 1
        try:
            ask(LONG_QUESTION if sent % 2 else "Og for dem under 18 år?", "alle")
        except Exception:
            refused += 1
    return sent, refused


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


def _level(url: str, pid: int, assistant: Any, n: int) -> tuple[Load, Load]:
    from ui.guard import ANSWER_WORKERS

    per_client = max(1, ANSWERS_PER_LEVEL // n)
    local = _in_process(assistant, min(n, ANSWER_WORKERS), n * per_client)
    page = _clients(url, n, per_client, pid)
    print(
        f"{n:2d} klienter: side {page.rate:.1f} svar/s, p50 {_ms(statistics.median(page.times))}, "
        f"p95 {_ms(_pct(page.times, 0.95))}, {page.errors} feil, server-CPU "
        f"{_ms(page.cpu_per_answer)}/svar · i prosessen ({min(n, ANSWER_WORKERS)} tråder) "
        f"{local.rate:.1f} svar/s, p95 {_ms(_pct(local.times, 0.95))}, CPU "
        f"{_ms(local.cpu_per_answer)}/svar · forhold {page.rate / local.rate:.2f}"
    )
    return page, local


def run_serve_bench(settings: Settings) -> int:
    from assistant.api import Assistant

    assistant = Assistant.load(replace(settings, query_cache=0))
    for question, role in QUESTIONS:  # warm-up
        assistant.ask(question, role=role)
    port = _free_port()
    server = _start_server(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        _clients(url, 2, 2)  # warm-up
        print("Siden mot svar i prosessen (samme spørsmål, hvert spørsmål embeddes):")
        results = {n: _level(url, server.pid, assistant, n) for n in LEVELS}
        page, local = results[LEVELS[-1]]
        ratio = page.rate / local.rate if local.rate else 0.0
        ok = page.errors == 0 and _pct(page.times, 0.95) <= P95_GOAL_S and ratio >= RATIO_GOAL
        print(
            f"  mål ved {LEVELS[-1]} klienter: forhold ≥ {RATIO_GOAL:.2f}, p95 ≤ {P95_GOAL_S:.0f} s, "
            f"0 feil: {'innenfor' if ok else 'IKKE nådd'}"
        )
        stop = threading.Event()
        result: list[tuple[int, int]] = []
        flood = threading.Thread(target=lambda: result.append(_abuse(url, stop)))
        flood.start()
        time.sleep(1.0)
        normal = _clients(url, NORMAL_CLIENTS, PER_CLIENT)
        stop.set()
        flood.join(timeout=60)
        sent, refused = result[0] if result else (0, 0)
        print(
            f"Misbruk: én økt sendte {sent} forespørsler ({refused} avvist av serveren); "
            f"{NORMAL_CLIENTS} andre økter: {len(normal.times)} svar, {normal.errors} feil, "
            f"p95 {_ms(_pct(normal.times, 0.95))} (mål ≤ 1 s)"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0
