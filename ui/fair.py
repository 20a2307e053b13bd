"""Fair limits per client: a rate, a share of the answer workers and of the queue.

Contract (`ui.guard` asks before a call is let into Gradio's queue; the key is `ui.clients`'):

    TokenBuckets(burst, interval).take(key) -> float
        0.0 when the call may go ahead, else the seconds until it may (the Retry-After)
    Shares(queue_of, key_of_event).refuse(key, answers) -> float
        0.0, or the seconds to wait, when the client already has ANSWERS_PER_CLIENT answers
        waiting or running (`answers`: the call computes one) or EVENTS_PER_CLIENT calls of
        any kind in the queue; `admitted(key)` / `done(key)` bracket a call from the moment
        it is let through until Gradio has queued it, so two calls at once cannot both slip in.
    too_many(seconds) -> str                  the Norwegian «for mange spørsmål» message

The counts come from Gradio's own queue (the events it holds until they finish), so a client
that disconnects or is cancelled frees its share at once; nothing is counted twice. With
ANSWERS_PER_CLIENT of ANSWER_WORKERS, one client can hold at most half the workers, and never
more than EVENTS_PER_CLIENT of QUEUE_MAX places. It deliberately schedules nothing itself:
Gradio's queue stays first come, first served among the calls let in.
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
            answers += event.concurrency_id == ANSWERS
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
