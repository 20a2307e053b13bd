"""The load generators of `hjemmel bench serve`: page clients over plain HTTP, floods, a big store.

Every generator speaks the page's own HTTP API to a server on 127.0.0.1 and is bounded in count
and time. A client names its address in X-Forwarded-For, which the benchmark's server trusts
from loopback (HJEMMEL_TRUSTED_PROXY=127.0.0.1): that is how several machines behind one proxy
look to the server, and the only way to be several clients from one machine — a new session id
per request no longer is (that is measured too). Plain `http.client` on a kept-alive connection,
not gradio_client (~100 ms of CPU per answer) nor httpx (~6 ms at 20 clients against ~0.5): on
two cores the load generator's CPU is taken from the server it measures. It
deliberately judges nothing: `ui.bench_serve` prints the figures and the goals.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from assistant.bench import QUESTIONS
from ui.answer_api import PATH as ANSWER_PATH

LONG_QUESTION = ("Hva gjelder for isolasjon og taushetsplikt for innsatte i fengsel? " * 40)[:1999]


class Refused(RuntimeError):
    """The server said no (429, 503, …): the status code is the message."""


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    refused: int = 0
    full: int = 0  # «Queue is full» (503): what one client could once do to everyone
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None, status: int = 0) -> None:
        with self.lock:
            if seconds is not None:
                self.times.append(seconds)
            elif status == 429:
                self.refused += 1
            elif status == 503:
                self.full += 1
            else:
                self.errors += 1


def asker(
    url: str,
    address: str,
    rotate: bool = False,
    spread: Sequence[str] = (),
    path: str = "gradio",
) -> Callable[[str, str], Any]:
    """One client on one kept-alive connection; `path` «gradio»: through the page's
    /gradio_api/call/ask (a POST, then its event stream), «svar»: one POST to /api/svar
    (`ui.answer_api`); `rotate`: a new session id per question; `spread`: addresses to send
    from in turn instead of `address` (a throughput measurement of the page, not of its
    per-client rate limit)."""
    where = urlsplit(url)
    base = where.path.rstrip("/")
    conn = [http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=120)]
    session = uuid.uuid4().hex[:11]
    turn = [0]

    def request(method: str, target: str, body: dict[str, Any] | None, sender: str) -> bytes:
        headers = {"x-forwarded-for": sender, "content-type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        try:
            conn[0].request(method, base + target, data, headers)
            reply = conn[0].getresponse()
            content = reply.read()
        except (OSError, http.client.HTTPException):
            conn[0].close()  # the next request opens a new connection
            raise
        if reply.status != 200:
            raise Refused(str(reply.status))
        return content

    def ask(question: str, role: str) -> Any:
        sender = address
        if spread:
            sender = spread[turn[0] % len(spread)]
            turn[0] += 1
        if path == "svar":
            return json.loads(
                request("POST", ANSWER_PATH, {"question": question, "role": role}, sender)
            )
        body = {
            "data": [question, role, None],
            "session_hash": uuid.uuid4().hex[:11] if rotate else session,
        }
        event = json.loads(request("POST", "/gradio_api/call/ask", body, sender))["event_id"]
        kind = ""
        for line in request("GET", f"/gradio_api/call/ask/{event}", None, sender).splitlines():
            text = line.decode()
            if text.startswith("event: "):
                kind = text[len("event: ") :].strip()
            elif text.startswith("data: ") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(text[len("data: ") :])
                return json.loads(text[len("data: ") :])
        raise RuntimeError("svaret kom ikke")

    return ask


def _timed(ask: Callable[[str, str], Any], question: str, role: str, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        ask(question, role)
    except Refused as exc:
        tally.add(None, int(str(exc)))
        return
    except Exception:
        tally.add(None)
        return
    tally.add(time.perf_counter() - started)


def clients(
    url: str,
    n: int,
    per_client: int,
    prefix: str = "10.1",
    spread: bool = False,
    rotate: bool = False,
    path: str = "gradio",
) -> tuple[Tally, float]:
    """n clients (each its own address) asking per_client questions each: tally, wall time.
    `spread`: each question from an address of its own; `rotate`: a new session id per
    question; `path`: which API (see `asker`)."""
    tally = Tally()

    def address(k: int) -> str:
        return f"{prefix}.{k // 250}.{k % 250 + 1}"

    askers = [
        asker(
            url,
            address(k),
            rotate,
            spread=[address(n + k * per_client + i) for i in range(per_client)] if spread else (),
            path=path,
        )
        for k in range(n)
    ]
    barrier = threading.Barrier(n)

    def work(k: int) -> None:
        barrier.wait()
        for i in range(per_client):
            question, role = QUESTIONS[(k + i) % len(QUESTIONS)]
            _timed(askers[k], question, role, tally)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started


def flood(
    url: str,
    address: str,
    stop: threading.Event,
    threads: int,
    rotate: bool,
    question: str,
    path: str = "gradio",
) -> Tally:
    """`threads` parallel loops from one address until `stop`: as fast as the server allows."""
    tally = Tally()

    def loop() -> None:
        ask = asker(url, address, rotate, path=path)
        while not stop.is_set():
            _timed(ask, question, "alle", tally)
            if tally.refused and not stop.is_set():
                time.sleep(0.01)  # a script ignoring Retry-After, only not spinning the CPU

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for w in workers:
        w.start()
    stop.wait()
    for w in workers:
        w.join(timeout=120)
    return tally


def _page_call(http: httpx.Client, fn: int, data: list[Any], session: str) -> tuple[Any, int]:
    body = {"data": data, "fn_index": fn, "session_hash": session, "event_data": None}
    joined = http.post("gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        raise Refused(str(joined.status_code))
    with http.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message.get("output", {}).get("data"), len(line)
    raise RuntimeError("svaret kom ikke")


def store_reply(url: str, turns: int) -> tuple[int, int, int]:
    """A page question sent with a conversation store of `turns` turns, as the browser keeps it.

    Returns (bytes of the store sent, bytes of the reply, turns the reply's store keeps)."""
    http = httpx.Client(base_url=url, timeout=300, headers={"x-forwarded-for": "10.3.0.1"})
    config = http.get("config").json()
    fns = {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("backend_fn")}

    def ask(question: str, store: str) -> tuple[Any, int]:
        session = uuid.uuid4().hex[:11]
        _page_call(http, fns["begin"], [question, store], session)
        return _page_call(http, fns["finish"], [question, "alle", store, False, []], session)

    out, _ = ask(QUESTIONS[0][0], "")
    store = json.loads(out[0])
    turn = store["conversations"][0]["turns"][0]
    store["conversations"][0]["turns"] = [{**turn, "id": f"t{n}"} for n in range(turns)]
    big = json.dumps(store, ensure_ascii=False)
    out, size = ask("Og for dem under 18 år?", big)
    kept = len(json.loads(out[0])["conversations"][0]["turns"])
    return len(big.encode()), size, kept
