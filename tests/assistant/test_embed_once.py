"""Each ask embeds its question once: English questions, follow-ups and a second pool included."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import assistant.answer.retrieve
import assistant.api
from assistant.api import Assistant
from assistant.records import Turn
from assistant.settings import Settings

QUESTIONS = (
    ("Må jeg varsle lege når en innsatt utelukkes fra fellesskapet?", "kriminalomsorgen", ()),
    ("How often must a doctor see an inmate in a security cell?", "alle", ()),
    ("Hva mener NKROP om kartlegging av kognitiv funksjon?", "alle", ()),
    ("Og for dem under 18 år?", "kriminalomsorgen", (Turn("Må vi varsle lege ved utelukkelse?"),)),
)


def _counted(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    embedder = assistant.index.embedder
    inner = embedder.embed_query

    def counting(text: str) -> Any:
        calls.append(text)
        return inner(text)

    monkeypatch.setattr(embedder, "embed_query", counting)
    return calls


@pytest.mark.slow
def test_every_ask_embeds_its_question_once(
    real_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Assistant.load(replace(real_settings, query_cache=0))  # no cache to hide a second call
    calls = _counted(a, monkeypatch)
    for question, role, history in QUESTIONS:
        calls.clear()
        answer = a.ask(question, role=role, history=history)
        assert len(calls) == 1, (question, calls)
        assert answer.timings_ms["embed"] >= 0 and "rank" in answer.timings_ms
    calls.clear()
    a.ask(QUESTIONS[0][0], pipeline="bm25")
    assert calls == []  # BM25 alone embeds nothing


@pytest.mark.slow
def test_a_second_pool_within_a_named_source_reuses_the_vector(
    real_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Assistant.load(replace(real_settings, query_cache=0))
    calls = _counted(a, monkeypatch)
    pools: list[Any] = []
    real_candidates = assistant.api.candidates

    def spying(*args: Any, **kwargs: Any) -> Any:
        pools.append(args[4] if len(args) > 4 else kwargs.get("documents"))
        return real_candidates(*args, **kwargs)

    # A one-passage pool misses the named source, so the second pool (within it) is searched.
    monkeypatch.setattr(assistant.answer.retrieve, "POOL", 1)
    monkeypatch.setattr(assistant.api, "candidates", spying)
    a.ask("Hva sier årsrapporten om taushetsplikt?")
    assert len(pools) == 2 and pools[1] == {"arsrapport-2018"}
    assert len(calls) == 1


@pytest.mark.slow
def test_the_query_cache_serves_a_repeated_question(real_settings: Settings) -> None:
    a = Assistant.load(real_settings)
    question = "Hvem har taushetsplikt om innsattes helseopplysninger?"
    first = a.ask(question)
    vector = a.index.embed_query(question)
    assert vector is a.index.embed_query(question)  # one array, read-only
    assert (a.index.embedder.embed_query(question) == vector).all()
    second = a.ask(question)
    assert second.text == first.text and a.index.query_cache.hits >= 2
