"""`hjemmel bench serve`: bounded load on the real page over loopback, against in-process `ask`.

Starts `hjemmel serve` in a child process on a free 127.0.0.1 port over the user's index (no login;
the child is stopped at the end), then:
1. in-process baseline: the same questions through `Assistant.ask` (p50/p95);
2. CLIENTS concurrent page sessions (the page's own /ask endpoint through the server's queue,
   over plain HTTP), each asking
   PER_CLIENT questions: errors, answers/s, p50/p95, and the ratio to in-process;
3. an abusive session (32,000-character questions and follow-ups, as fast as it can) beside
   NORMAL_CLIENTS ordinary ones: the ordinary sessions' p95.
Traffic goes only to 127.0.0.1 and is bounded in count and time. It prints figures and the goals
(20 clients: 0 errors, p95 ≤ 1.5 s, ≥ 15 answers/s; abusive: others' p95 ≤ 1 s); it asserts
nothing and changes nothing on disk except the page's own feedback/log files.
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
from typing import Any

import httpx

from assistant.bench import QUESTIONS
from assistant.settings import Settings

CLIENTS = 20
PER_CLIENT = 10
NORMAL_CLIENTS = 5
ABUSE_SECONDS = 20.0
START_TIMEOUT_S = 180.0
LONG_QUESTION = "Hva gjelder for isolasjon og taushetsplikt? " * 730  # ~32,000 characters


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
    env.update(HJEMMEL_HOST="127.0.0.1", HJEMMEL_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False")
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


def _clients(url: str, n: int, per_client: int) -> tuple[list[float], int, float]:
    """n sessions asking per_client questions each: latencies (s), errors, wall time."""
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
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0], time.perf_counter() - started


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


def _baseline(settings: Settings) -> list[float]:
    from assistant.api import Assistant

    assistant = Assistant.load(settings)
    for question, role in QUESTIONS:
        assistant.ask(question, role=role)
    times = []
    for _ in range(3):
        for question, role in QUESTIONS:
            t = time.perf_counter()
            assistant.ask(question, role=role)
            times.append(time.perf_counter() - t)
    return times


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


def run_serve_bench(settings: Settings) -> int:
    base = _baseline(settings)
    print(f"I prosessen: p50 {_ms(statistics.median(base))}, p95 {_ms(_pct(base, 0.95))}")
    port = _free_port()
    server = _start_server(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        _clients(url, 2, 2)  # warm-up
        cpu_server, cpu_self = _cpu(server.pid), time.process_time()
        times, errors, wall = _clients(url, CLIENTS, PER_CLIENT)
        cpu_server, cpu_self = _cpu(server.pid) - cpu_server, time.process_time() - cpu_self
        rate = len(times) / wall if wall else 0.0
        p95 = _pct(times, 0.95)
        print(
            f"{CLIENTS} samtidige klienter × {PER_CLIENT}: {len(times)} svar, {errors} feil, "
            f"{rate:.1f} svar/s, p50 {_ms(statistics.median(times) if times else 0)}, "
            f"p95 {_ms(p95)} ({p95 / _pct(base, 0.95):.0f}× i prosessen)"
        )
        n = max(1, len(times))
        print(
            f"  CPU per svar: server {_ms(cpu_server / n)}, klientene {_ms(cpu_self / n)} "
            f"(i prosessen {_ms(statistics.mean(base))})"
        )
        ok = errors == 0 and p95 <= 1.5 and rate >= 15
        print(f"  mål: 0 feil, p95 ≤ 1,5 s, ≥ 15 svar/s: {'innenfor' if ok else 'IKKE nådd'}")
        stop = threading.Event()
        result: list[tuple[int, int]] = []
        flood = threading.Thread(target=lambda: result.append(_abuse(url, stop)))
        flood.start()
        time.sleep(1.0)
        normal, n_err, _ = _clients(url, NORMAL_CLIENTS, PER_CLIENT)
        stop.set()
        flood.join(timeout=60)
        sent, refused = result[0] if result else (0, 0)
        print(
            f"Misbruk: én økt sendte {sent} forespørsler ({refused} avvist av serveren); "
            f"{NORMAL_CLIENTS} andre økter: {len(normal)} svar, {n_err} feil, "
            f"p95 {_ms(_pct(normal, 0.95))} (mål ≤ 1 s)"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0
