"""llama-index's RetrieverEvaluator over the adapter agrees with `hjemmel eval` on core.

Real index and model (the session's); the core suite through the runner's public `run_eval`, then
llama-index's evaluator on the same questions and gold. A deliberately altered row must be named,
so the agreement is a comparison that can fail.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.settings import Settings
from evals.crosscheck import crosscheck, describe
from evals.runner import load_suite, resolve_passage_gold, resolve_suite, run_eval, smoke_subset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def core_run(real_settings: Settings, real_assistant: Assistant) -> dict[str, Any]:
    return run_eval(
        real_settings, suite="core", pipelines=["hjemmel"], progress=False,
        assistant=real_assistant,
    )  # fmt: skip


def test_retriever_evaluator_agrees_with_our_hit_at_k_and_mrr_on_core(
    core_run: dict[str, Any],
) -> None:
    check, ours = core_run["crosscheck"], core_run["pipelines"]["hjemmel"]
    assert check["agrees"], describe(check)
    assert check["left_out"] == 0 and check["questions"] == ours["n_answerable"]
    assert check["llamaindex"]["hit_rate@k"] == ours["hit@5"] and check["k"] == 5
    assert check["llamaindex"]["hit_rate@10"] == ours["hit@10"]
    assert check["llamaindex"]["mrr"] == ours["mrr"]
    assert "samsvarer for hvert spørsmål" in describe(check)


def test_a_disagreement_is_named(core_run: dict[str, Any], real_assistant: Assistant) -> None:
    index = real_assistant.index
    path = resolve_suite("core")
    items = smoke_subset(load_suite(path, index.texts, frozenset(p.id for p in index.passages)))
    items = resolve_passage_gold(items, index.passages)
    rows = copy.deepcopy([r for r in core_run["rows"] if r["id"] in {i.id for i in items}])
    altered = next(r for r in rows if r["scored"] and r["mrr"] == 1.0)
    altered["mrr"] = 0.5
    check = crosscheck(items, real_assistant, rows, k=5).to_json()
    assert not check["agrees"] and check["differing"] == [altered["id"]]
    assert f"avviker for 1 spørsmål: {altered['id']}" in describe(check)
