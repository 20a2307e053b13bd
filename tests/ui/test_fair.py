"""ui.fair: the answer queue in round-robin order per client, long questions in their own lane,
a client's share read from the queue. Fake events (what is under test is the order); the real
queue under load is measured by `hjemmel bench serve`."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ui.fair import (
    ANSWERS,
    ANSWERS_PER_CLIENT,
    LONG,
    LONG_CHARS,
    FairList,
    Shares,
)


def _event(client: str, question: str = "Hvor ofte?", lane: str = ANSWERS) -> Any:
    return SimpleNamespace(
        client=client, concurrency_id=lane, data=SimpleNamespace(data=[question]), closed=False
    )


def _queue() -> Any:
    queue = SimpleNamespace(active_jobs=[None, None], event_queue_per_concurrency_id={})
    key = lambda e: e.client  # noqa: E731
    for lane in (ANSWERS, LONG):
        queue.event_queue_per_concurrency_id[lane] = SimpleNamespace(
            queue=FairList(queue, lane, key)
        )
    return queue


def test_a_flooding_client_waits_behind_its_own_questions_not_others_behind_it() -> None:
    queue = _queue()
    answers = queue.event_queue_per_concurrency_id[ANSWERS].queue
    for _ in range(5):
        answers.append(_event("flood"))
    answers.append(_event("kari"))
    answers.append(_event("per"))
    assert [e.client for e in answers] == [
        "flood",
        "kari",
        "per",
        "flood",
        "flood",
        "flood",
        "flood",
    ]
    queue.active_jobs[0] = [answers.pop(0)]  # the flooder's first one is running
    answers.append(_event("ola"))
    assert [e.client for e in answers][:3] == ["kari", "per", "ola"]


def test_a_long_question_goes_to_its_own_lane() -> None:
    queue = _queue()
    answers = queue.event_queue_per_concurrency_id[ANSWERS].queue
    long = _event("flood", "x" * (LONG_CHARS + 1))
    answers.append(long)
    answers.append(_event("kari"))
    assert [e.client for e in answers] == ["kari"]
    assert list(queue.event_queue_per_concurrency_id[LONG].queue) == [long]
    assert long.concurrency_id == LONG


def test_a_clients_share_counts_what_it_has_in_the_queue() -> None:
    held: dict[str, Any] = {}
    shares = Shares(lambda: SimpleNamespace(event_ids_to_events=held), lambda e: e.client)
    assert shares.refuse("kari", answers=True) == 0.0
    for n in range(ANSWERS_PER_CLIENT):
        held[f"e{n}"] = _event("kari", lane=LONG if n else ANSWERS)
    assert shares.refuse("kari", answers=True) > 0  # both lanes count
    assert shares.refuse("kari", answers=False) == 0.0  # a quick look is still let in
    assert shares.refuse("per", answers=True) == 0.0
    shares.admitted("per")
    shares.admitted("per")
    assert shares.refuse("per", answers=True) > 0  # two at once cannot both slip in
    shares.done("per")
    shares.done("per")
    assert shares.refuse("per", answers=True) == 0.0
