"""A cross-check of our retrieval metrics with llama-index's own `RetrieverEvaluator`.

For every scored question of a suite (answerable, with gold), llama-index's `RetrieverEvaluator`
runs over the public adapter (`assistant.llamaindex.HjemmelRetriever`, set to the question's role
and conversation) with the same gold passage ids the runner scores by: once at top-k `k` for
its hit rate, once at top-k 10 for its MRR and hit rate at 10. The result sits beside our own
hit@k, hit@10 and MRR (over `Answer.retrieved`, `evals.metrics`) for the same questions, with the
questions where they differ named. They should agree exactly: both read the same ranking, so a
difference means one of the two metric codes, or the adapter, is wrong.

Questions llama-index cannot score are left out of both sides and counted: its metrics raise on
an empty gold list (a gold quote found nowhere in the corpus, which our metrics score as a miss)
and on an empty retrieval. It deliberately computes no metric itself: the numbers are
llama-index's and the runner's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from evals.baselines import RETRIEVE_K, PassageGold
from evals.metrics import mean
from evals.suite import SuiteItem

PIPELINE = "hjemmel"


@dataclass(frozen=True)
class CrossCheck:
    """llama-index's figures beside ours, over the same questions."""

    k: int
    questions: int  # scored by both
    left_out: int  # scored by us, not scorable by llama-index (no gold found, nothing retrieved)
    llamaindex: dict[str, float | None]  # hit_rate@k, hit_rate@10, mrr
    ours: dict[str, float | None]  # hit@k, hit@10, mrr on the same questions
    differing: tuple[str, ...]  # question ids where a per-question score differs
    agrees: bool

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["differing"] = list(self.differing)
        return data


def _history(assistant: Any, role: str, questions: Sequence[str]) -> tuple[Any, ...]:
    """The conversation before a follow-up, asked the way the runner asks it."""
    from assistant.records import Turn

    turns: list[Turn] = []
    for q in questions:
        earlier = assistant.ask(q, role=role, history=tuple(turns))
        turns.append(Turn(q, earlier.text, refused=earlier.refused))
    return tuple(turns)


def _evaluate(retriever: Any, question: str, expected: list[str]) -> dict[str, float] | None:
    """llama-index's hit rate and MRR for one question; None when it cannot score it."""
    from llama_index.core.evaluation import RetrieverEvaluator

    evaluator = RetrieverEvaluator.from_metric_names(["hit_rate", "mrr"], retriever=retriever)
    try:
        return evaluator.evaluate(question, expected_ids=expected).metric_vals_dict
    except ValueError:  # its metrics refuse an empty retrieval
        return None


def crosscheck(
    items: Sequence[SuiteItem],
    assistant: Any,
    rows: Sequence[dict[str, Any]],
    k: int = 5,
) -> CrossCheck:
    """Run llama-index's RetrieverEvaluator over the adapter on the suite's scored questions and
    set its figures beside the runner's `rows` (those of the «hjemmel» pipeline)."""
    from assistant.llamaindex import HjemmelRetriever

    index = assistant.index
    gold = PassageGold(index.passages, index.texts)
    ours = {r["id"]: r for r in rows if r["pipeline"] == PIPELINE}
    theirs: dict[str, dict[str, float]] = {}
    left_out = 0
    for item in items:
        row = ours.get(item.id)
        if row is None or not row.get("scored", not item.expect_refusal):
            continue
        expected = sorted(gold.ids(item.gold)[0])
        history = _history(assistant, item.role, item.history)
        at_k = HjemmelRetriever(assistant, item.role, history, similarity_top_k=k)
        at_10 = HjemmelRetriever(assistant, item.role, history, similarity_top_k=RETRIEVE_K)
        first = _evaluate(at_k, item.question, expected) if expected else None
        second = _evaluate(at_10, item.question, expected) if expected else None
        if first is None or second is None:
            left_out += 1
            continue
        theirs[item.id] = {
            "hit_rate@k": first["hit_rate"],
            "hit_rate@10": second["hit_rate"],
            "mrr": second["mrr"],
        }
    mine = {i: _our_scores(ours[i], k) for i in theirs}
    differing = tuple(
        i for i in theirs if any(_differs(theirs[i][m], mine[i][m]) for m in theirs[i])
    )

    def averages(scores: dict[str, dict[str, Any]]) -> dict[str, float | None]:
        return {
            m: _round(mean(s[m] for s in scores.values()))
            for m in ("hit_rate@k", "hit_rate@10", "mrr")
        }

    return CrossCheck(
        k=k,
        questions=len(theirs),
        left_out=left_out,
        llamaindex=averages(theirs),
        ours=averages(mine),
        differing=differing,
        agrees=not differing,
    )


def _our_scores(row: dict[str, Any], k: int) -> dict[str, float | None]:
    """Our hit@k (any k, from the gold's rank), hit@10 and MRR of one runner row."""
    rank = row.get("gold_rank")
    return {
        "hit_rate@k": 1.0 if rank is not None and rank <= k else 0.0,
        "hit_rate@10": row["hits"]["10"],
        "mrr": row["mrr"],
    }


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > 1e-9


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def describe(check: dict[str, Any]) -> str:
    """One Norwegian line for the CLI and the reports."""
    k = check["k"]
    li, ours = check["llamaindex"], check["ours"]

    def pair(m: str) -> str:
        a, b = li.get(m), ours.get(m)
        return f"{'–' if a is None else f'{a:.3f}'} (vår {'–' if b is None else f'{b:.3f}'})"

    verdict = (
        "samsvarer for hvert spørsmål"
        if check["agrees"]
        else f"avviker for {len(check['differing'])} spørsmål: {', '.join(check['differing'][:8])}"
    )
    left = (
        f"; {check['left_out']} spørsmål kunne ikke måles av llama-index"
        if check["left_out"]
        else ""
    )
    return (
        f"llama-index RetrieverEvaluator over HjemmelRetriever ({check['questions']} spørsmål): "
        f"treff@{k} {pair('hit_rate@k')}, treff@10 {pair('hit_rate@10')}, MRR {pair('mrr')} – "
        f"{verdict}{left}."
    )
