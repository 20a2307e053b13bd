"""Run an evaluation suite through every pipeline and score it: suite → rows → summaries → result.

Loads a suite (`evals.suite`: JSONL, or a CSV/XLSX sheet), selects the smoke subset by a fixed
rule, asks each question through each pipeline (multi-turn history first), scores the outcome
per question with `evals.metrics` (answer-level facts from `evals.answers`), and aggregates overall,
per topic and per role. `run_eval` returns the result dict and writes it with the reports under
`settings.runs_dir/<run_id>/` (through `evals.report.store_run`). It deliberately does no
formatting (that is `evals.report`) and reaches the assistant only through its public API (via
`evals.baselines`).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from evals import metrics
from evals.answers import Cited
from evals.baselines import (
    ASSISTANT_MODES,
    LLAMAINDEX,
    PIPELINE_LABELS,
    PIPELINES,
    AssistantPipeline,
    EvalPipeline,
    Outcome,
    PassageGold,
)
from evals.suite import (
    DEFAULT_SUITE,
    SUITES_DIR,
    SuiteError,
    SuiteItem,
    load_suite,
    resolve_passage_gold,
    resolve_suite,
    smoke_subset,
    suite_names,
)

Progress = Callable[[int, int], None]  # (done, total) answers
__all__ = [
    "DEFAULT_SUITE",
    "SUITES_DIR",
    "SuiteError",
    "SuiteItem",
    "load_suite",
    "resolve_passage_gold",
    "resolve_suite",
    "run_eval",
    "smoke_subset",
    "suite_names",
]
RETRIEVED_SHOWN = 10


def _unit_json(unit: Any, gold: frozenset[str]) -> dict[str, Any]:
    return {
        "id": unit.id,
        "doc_id": unit.doc_id,
        "section": unit.section,
        "gold": unit.id in gold,
        "text": unit.text[:300],
    }


def scored(item: SuiteItem) -> bool:
    """Whether retrieval is scored for `item`: an answerable question with gold (a sheet without a
    «gull» column runs its questions unscored; a question to refuse has no gold)."""
    return not item.expect_refusal and bool(item.gold)


def _answer_metrics(item: SuiteItem, gold: frozenset[str], outcome: Outcome) -> dict[str, Any]:
    """Retrieval, citation and fact scores; retrieval and citation scores are None where they are
    not scored (a question to refuse, a question without gold); fact recall needs only facts."""
    text = outcome.answer_text
    missing = [alts[0] for alts in item.facts if not metrics.fact_found(text, alts)]
    if not scored(item):
        facts = None if item.expect_refusal else metrics.fact_recall(text, item.facts)
        missing = [] if item.expect_refusal else missing
        return {
            "hits": {str(k): None for k in metrics.HIT_KS},
            "gold_rank": None,
            "mrr": None,
            "ndcg@10": None,
            "citation_precision": None,
            "fact_recall": facts,
            "facts_missing": missing,
        }
    relevant = [u.id in gold for u in outcome.ranked]
    return {
        "hits": {str(k): metrics.hit_at(relevant, k) for k in metrics.HIT_KS},
        "gold_rank": relevant.index(True) + 1 if any(relevant) else None,
        "mrr": metrics.reciprocal_rank(relevant),
        # Gold that matches nothing scores as a miss, not as «undefined»: it is shown, not hidden.
        "ndcg@10": metrics.ndcg_at(relevant, len(gold)) or 0.0,
        "citation_precision": metrics.precision([u.id in gold for u in outcome.cited]),
        "fact_recall": metrics.fact_recall(text, item.facts),
        "facts_missing": missing,
    }


def _gold_citation(item: SuiteItem, gold: frozenset[str], cited: Sequence[Cited]) -> Cited | None:
    """The citation holding the gold: the first quoting a gold phrase, else the first gold one."""
    phrases = [g.quote for g in item.gold]
    for c in cited:
        if c.passage_id in gold and metrics.contains_any(c.quote, phrases):
            return c
    return next((c for c in cited if c.passage_id in gold), None)


def _answer_level(item: SuiteItem, gold: frozenset[str], outcome: Outcome) -> dict[str, Any]:
    """First citation gold, words, citations, back-references, role label (None: not defined)."""
    facts = outcome.facts
    if facts is None:
        return {k: None for k in ANSWER_ROW_KEYS} | {"actor": item.actor}
    cited = facts.citations
    answered = not outcome.refused
    holder = _gold_citation(item, gold, cited)
    role_label = None
    # Judged where the gold is cited: an uncited gold is a retrieval miss, counted elsewhere.
    if item.actor and not item.expect_refusal and holder is not None:
        role_label = 1.0 if holder.actor == item.actor else 0.0
    first = anywhere = None
    if scored(item):
        first = 1.0 if cited and cited[0].passage_id in gold else 0.0
        anywhere = 1.0 if any(c.passage_id in gold for c in cited) else 0.0
    verdict = _verdict(facts.short) if answered else None
    return {
        "first_citation_gold": first,
        "any_citation_gold": anywhere,
        "hedged": (not facts.direct) or outcome.refused,
        "short": facts.short if answered else None,
        "short_expected": item.short,
        "short_correct": None if not (item.short and verdict) else float(verdict == item.short),
        "words": facts.words if answered else None,
        "n_citations": len(cited) if answered else None,
        "backref_violations": list(facts.backref_violations),
        "actor": item.actor,
        "actor_shown": None if holder is None else holder.actor,
        "role_label": role_label,
    }


def _verdict(short: str) -> str | None:
    """«ja» or «nei» for a short line opening with it; None for another short line or none."""
    word = short.split(" ", 1)[0].strip(",–-").lower() if short else ""
    return word if word in ("ja", "nei") else None


ANSWER_ROW_KEYS = (
    "first_citation_gold",
    "any_citation_gold",
    "hedged",
    "short",
    "short_expected",
    "short_correct",
    "words",
    "n_citations",
    "backref_violations",
    "actor_shown",
    "role_label",
)


def _cited_json(outcome: Outcome, gold: frozenset[str]) -> list[dict[str, Any]]:
    out = [_unit_json(u, gold) for u in outcome.cited]
    if outcome.facts is not None:
        for entry, c in zip(out, outcome.facts.citations, strict=False):
            entry["quote"], entry["actor"] = c.quote, c.actor
    return out


def score_item(
    item: SuiteItem, pipeline: str, gold: frozenset[str], missing: Sequence[str], outcome: Outcome
) -> dict[str, Any]:
    """One per-question row: the item, what the pipeline did, and every metric for it."""
    quotes = outcome.quotes
    return {
        "id": item.id,
        "topic": item.topic,
        "role": item.role,
        "lang": item.lang,
        "tags": list(item.tags),
        "question": item.question,
        "history": list(item.history),
        "pipeline": pipeline,
        "expect_refusal": item.expect_refusal,
        "scored": scored(item),
        "refused": outcome.refused,
        "gold": sorted(gold),
        "gold_missing": list(missing),
        **_answer_metrics(item, gold, outcome),
        **_answer_level(item, gold, outcome),
        "quotes": None if quotes is None else {"verified": quotes[0], "total": quotes[1]},
        "latency_ms": round(outcome.latency_ms, 2),
        "answer": outcome.answer_text,
        "cited": _cited_json(outcome, gold),
        "retrieved": [_unit_json(u, gold) for u in outcome.ranked[:RETRIEVED_SHOWN]],
    }


def git_commit(repo: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def build_pipelines(names: Sequence[str], assistant: Any) -> list[EvalPipeline]:
    """The requested pipelines over one opened assistant, in the canonical order."""
    from evals import llamaindex

    index = assistant.index
    gold = PassageGold(index.passages, index.texts)
    out: list[EvalPipeline] = []
    s = assistant.settings
    for name in PIPELINES:
        if name not in names:
            continue
        if name in ASSISTANT_MODES:
            out.append(AssistantPipeline(name, assistant, gold))
        elif name in LLAMAINDEX:
            chroma = s.home / "llamaindex"
            out.append(
                llamaindex.build(
                    name, index.texts, index.embedder, s.cache_dir, chroma, index.documents
                )
            )
    return out


def evaluate(
    items: Sequence[SuiteItem],
    pipelines: Sequence[EvalPipeline],
    progress: bool = True,
    on_progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every item through every pipeline, with a progress bar on stderr (and `on_progress`
    called after each answer); rows in suite order."""
    from tqdm import tqdm

    rows: list[dict[str, Any]] = []
    if items:
        # One untimed question per pipeline first, so lazy model loading is not billed as latency.
        for p in pipelines:
            p.run(items[0].question, items[0].role, ())
    bar = tqdm(
        total=len(items) * len(pipelines),
        desc="Evaluerer",
        unit="svar",
        file=sys.stderr,
        disable=not progress,
    )
    total = len(items) * len(pipelines)
    with bar:
        for item in items:
            for p in pipelines:
                gold, missing = p.gold_ids(item.gold)
                outcome = p.run(item.question, item.role, item.history)
                rows.append(score_item(item, p.name, gold, missing, outcome))
                bar.update(1)
                if on_progress is not None:
                    on_progress(len(rows), total)
    return rows


def aggregate(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Summaries overall, per topic and per role, for each pipeline present in `names`."""
    by_pipe = {n: [r for r in rows if r["pipeline"] == n] for n in names}
    return {
        "pipelines": {n: metrics.summarize(rs) for n, rs in by_pipe.items()},
        "by_topic": {n: metrics.group_summaries(rs, "topic") for n, rs in by_pipe.items()},
        "by_role": {n: metrics.group_summaries(rs, "role") for n, rs in by_pipe.items()},
    }


def _settings_json(settings: Any) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}


def run_eval(
    settings: Any,
    suite: str | None = None,
    pipelines: Sequence[str] = PIPELINES,
    k: int = 5,
    smoke: bool = False,
    progress: bool = True,
    assistant: Any = None,
    on_progress: Progress | None = None,
    crosscheck: bool = True,
) -> dict[str, Any]:
    """Run a suite and write result.json + report.md + report.html under runs_dir/<run_id>/.

    `assistant` reuses an opened one (the chat page's); otherwise the index is opened here.
    `crosscheck`: also run llama-index's RetrieverEvaluator over the adapter (`evals.crosscheck`)
    when the «hjemmel» pipeline is among those run."""
    from assistant.api import Assistant
    from evals import report

    path = resolve_suite(suite)
    started = datetime.now()
    assistant = assistant or Assistant.load(settings)
    index = assistant.index
    items = load_suite(path, index.texts, frozenset(p.id for p in index.passages))
    if smoke:
        items = smoke_subset(items)
    items = resolve_passage_gold(items, index.passages)
    pipes = build_pipelines(pipelines, assistant)
    rows = evaluate(items, pipes, progress=progress, on_progress=on_progress)
    names = [p.name for p in pipes]
    check = None
    if crosscheck and "hjemmel" in names:
        from evals.crosscheck import crosscheck as run_crosscheck

        check = run_crosscheck(items, assistant, rows, k).to_json()
    result: dict[str, Any] = {
        "run_id": report.new_run_id(settings.runs_dir),
        "created": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now() - started).total_seconds(), 1),
        "questions": len(items),
        "suite": {
            "path": str(path),
            "name": path.stem,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "smoke": smoke,
        },
        "k": k,
        "pipeline_labels": {p.name: PIPELINE_LABELS[p.name] for p in pipes},
        "pipeline_settings": {p.name: p.settings() for p in pipes},
        "settings": _settings_json(settings),
        "index_format": getattr(index, "format", {}),
        "corpus": {d: doc.sha256 for d, doc in sorted(index.documents.items())},
        "git_commit": git_commit(Path(__file__).resolve().parents[1]),
        **aggregate(rows, names),
        "crosscheck": check,
        "rows": rows,
    }
    report.store_run(result, settings.runs_dir)
    return result
