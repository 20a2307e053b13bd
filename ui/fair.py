"""Fair limits per client: a rate, a share of the answer workers and of the queue, and a lane for
expensive questions.

Contract (`ui.guard` asks before a call is let into Gradio's queue; the key is `ui.clients`'):

    TokenBuckets(burst, interval).take(key) -> float
        0.0 when the call may go ahead, else the seconds until it may (the Retry-After)
    Shares(queue_of, key_of_event).refuse(key, answers) -> float
        0.0, or the seconds to wait, when the client already has ANSWERS_PER_CLIENT answers
        waiting or running (`answers`: the call computes one) or EVENTS_PER_CLIENT calls of
        any kind in the queue; `admitted(key)` / `done(key)` bracket a call from the moment
        it is let through until Gradio has queued it, so two calls at once cannot both slip in.
    install_fair_queue(queue, key_of_event)   (`ui.server`, after `demo.queue(...)`)
        Gradio's queue of the ANSWERS group is first come, first served. Replaced by
        `FairList`: an answer is queued behind the answers of clients that have fewer waiting
        or running than its own client (round robin by client, so a client that floods waits
        behind its own questions, not others behind it), and a question over LONG_CHARS goes
        to its own lane of LONG_WORKERS workers: its query embedding costs ~1.5 s of CPU (e5
        over a 512-token window), and four such clients used to occupy every worker.
    too_many(seconds) -> str                  the Norwegian «for mange spørsmål» message

The counts come from Gradio's own queue (the events it holds until they finish), so a client
that disconnects or is cancelled frees its share at once; nothing is counted twice. The first
input of every function in the ANSWERS group is the question (that is how its cost is read).
It deliberately changes nothing in what an answer is: only when and beside whom it is computed.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

ANSWER_WORKERS = 4
QUEUE_MAX = 64
ANSWERS_PER_CLIENT = 2
EVENTS_PER_CLIENT = 8
ANSWERS = "answers"  # the concurrency group of every function that computes an answer
LONG = "answers-long"  # the lane its expensive questions are moved to
LONG_CHARS = 500
LONG_WORKERS = 1
RETRY_BUSY_S = 2.0
# Calls per client: a burst of RATE_BURST, then one per RATE_INTERVAL_S. A page question costs
# two calls and a page load three; a person never comes near it, a flooding script does.
RATE_BURST = 20
RATE_INTERVAL_S = 0.25


def too_many(seconds: float) -> str:
    wait = max(1, math.ceil(seconds))
    return f"For mange spørsmål på en gang. Prøv igjen om {wait} sekund{'er' if wait > 1 else ''}."


class TokenBuckets:
    """Per-key token buckets (thread-safe); keys idle for an hour are forgotten."""

    def __init__(self, burst: int, interval: float, clock: Callable[[], float] = time.monotonic):
        self.burst, self.interval, self._clock = burst, interval, clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        now = self._clock()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) / self.interval)
            ok = tokens >= 1.0
            self._state[key] = (tokens - 1.0 if ok else tokens, now)
            if len(self._state) > 10_000:
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 3600}
            return 0.0 if ok else (1.0 - tokens) * self.interval

    def allow(self, key: str) -> bool:
        return self.take(key) == 0.0


class Shares:
    """A client's share of the queue, read from Gradio's queue itself."""

    def __init__(self, queue_of: Callable[[], Any], key_of_event: Callable[[Any], str]) -> None:
        self._queue_of = queue_of
        self._key_of_event = key_of_event
        self._admitted: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _held(self, key: str) -> tuple[int, int]:
        """(answers, events) the client has waiting or running in the queue."""
        queue = self._queue_of()
        events = list(getattr(queue, "event_ids_to_events", {}).values()) if queue else []
        answers = total = 0
        for event in events:
            if getattr(event, "closed", False) or self._key_of_event(event) != key:
                continue
            total += 1
            answers += event.concurrency_id in (ANSWERS, LONG)
        return answers, total

    def refuse(self, key: str, answers: bool) -> float:
        held_answers, held = self._held(key)
        with self._lock:
            pending = self._admitted[key]
        if held + pending >= EVENTS_PER_CLIENT:
            return RETRY_BUSY_S
        if answers and held_answers + pending >= ANSWERS_PER_CLIENT:
            return RETRY_BUSY_S
        return 0.0

    def admitted(self, key: str) -> None:
        with self._lock:
            self._admitted[key] += 1

    def done(self, key: str) -> None:
        with self._lock:
            self._admitted[key] -= 1
            if self._admitted[key] <= 0:
                del self._admitted[key]


def question_chars(event: Any) -> int:
    """The length of an answering call's question (its first input)."""
    data = getattr(getattr(event, "data", None), "data", None)
    return len(data[0]) if isinstance(data, list) and data and isinstance(data[0], str) else 0


class FairList(list[Any]):
    """Gradio's list of waiting events for one concurrency group, kept in fair order.

    Gradio appends to it, takes `[0]` and removes what it took; only `append` is changed: it
    inserts by (round, arrival), where round counts the events its client already has waiting
    or running in this lane, and moves a long question to the LONG lane's list instead.
    """

    def __init__(self, queue: Any, lane: str, key_of_event: Callable[[Any], str]) -> None:
        super().__init__()
        self._queue, self._lane, self._key = queue, lane, key_of_event
        self._arrivals = 0

    def _round(self, key: str) -> int:
        waiting = sum(1 for e in self if self._key(e) == key)
        running = sum(
            1
            for job in getattr(self._queue, "active_jobs", [])
            for e in job or ()
            if e.concurrency_id == self._lane and self._key(e) == key
        )
        return waiting + running

    def append(self, event: Any) -> None:
        if self._lane == ANSWERS and question_chars(event) > LONG_CHARS:
            event.concurrency_id = LONG
            self._queue.event_queue_per_concurrency_id[LONG].queue.append(event)
            return
        self._arrivals += 1
        order = (self._round(self._key(event)), self._arrivals)
        event.hjemmel_order = order
        at = len(self)
        while at > 0 and getattr(self[at - 1], "hjemmel_order", (0, 0)) > order:
            at -= 1
        self.insert(at, event)


def install_fair_queue(queue: Any, key_of_event: Callable[[Any], str]) -> None:
    """Give the ANSWERS group (and its LONG lane) fair lists (see the module docstring)."""
    from gradio.queueing import EventQueue

    lanes = queue.event_queue_per_concurrency_id
    create = queue.create_event_queue_for_fn

    def fair(lane: str) -> None:
        events = lanes[lane]
        if not isinstance(events.queue, FairList):
            old, events.queue = events.queue, FairList(queue, lane, key_of_event)
            for event in old:
                events.queue.append(event)

    def create_fair(block_fn: Any) -> None:
        create(block_fn)
        if block_fn.concurrency_id == ANSWERS:
            if LONG not in lanes:
                lanes[LONG] = EventQueue(LONG, LONG_WORKERS)
            fair(ANSWERS)
            fair(LONG)

    queue.create_event_queue_for_fn = create_fair
