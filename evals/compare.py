"""Compare two stored evaluation runs question by question: regressions and improvements.

A run is named by its id (a folder under `runs_dir`), a path to its folder or result.json, or
«siste»/«forrige» (latest/previous by id). Rows are matched on (pipeline, question id); a change
in any compared score is listed with both values. It deliberately ignores latency, which varies
between runs of the same code, and never re-runs anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Higher is better for every compared score; refusal correctness is 1.0 when it matched.
COMPARED: tuple[str, ...] = (
    "hit@1",
    "hit@5",
    "mrr",
    "ndcg@10",
    "citation_precision",
    "fact_recall",
    "refusal",
    "quote_verification",
)
ALIASES = {"siste": -1, "latest": -1, "forrige": -2, "previous": -2}


class RunNotFoundError(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Fant ikke evalueringskjøringen «{name}».")


@dataclass(frozen=True)
class Change:
    pipeline: str
    id: str
    metric: str
    before: float | None
    after: float | None

    @property
    def improved(self) -> bool:
        return (self.after or 0.0) > (self.before or 0.0)


def resolve_run(name: str, runs_dir: Path) -> Path:
    """The result.json of a run given by id, path or alias."""
    if name in ALIASES:
        runs = sorted(p.parent.name for p in runs_dir.glob("*/result.json"))
        pos = ALIASES[name]
        if len(runs) < -pos:
            raise RunNotFoundError(name)
        return runs_dir / runs[pos] / "result.json"
    for candidate in (Path(name), Path(name) / "result.json", runs_dir / name / "result.json"):
        if candidate.is_file():
            return candidate
    raise RunNotFoundError(name)


def load_run(name: str, runs_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resolve_run(name, runs_dir).read_text(encoding="utf-8"))
    return data


def row_scores(row: dict[str, Any]) -> dict[str, float | None]:
    """The compared scores of one per-question row."""
    quotes = row.get("quotes")
    return {
        "hit@1": row["hits"].get("1"),
        "hit@5": row["hits"].get("5"),
        "mrr": row.get("mrr"),
        "ndcg@10": row.get("ndcg@10"),
        "citation_precision": row.get("citation_precision"),
        "fact_recall": row.get("fact_recall"),
        "refusal": 1.0 if row["refused"] == row["expect_refusal"] else 0.0,
        "quote_verification": (quotes["verified"] / quotes["total"])
        if quotes and quotes["total"]
        else None,
    }


def compare(a: dict[str, Any], b: dict[str, Any]) -> tuple[list[Change], list[str]]:
    """Changes from run `a` to run `b`, and notes on questions present in only one of them."""
    rows_a = {(r["pipeline"], r["id"]): r for r in a["rows"]}
    rows_b = {(r["pipeline"], r["id"]): r for r in b["rows"]}
    changes: list[Change] = []
    for key in sorted(rows_a.keys() & rows_b.keys()):
        sa, sb = row_scores(rows_a[key]), row_scores(rows_b[key])
        for metric in COMPARED:
            before, after = sa[metric], sb[metric]
            if before != after and not (before is None and after is None):
                changes.append(Change(key[0], key[1], metric, before, after))
    notes = _only_in(a["run_id"], rows_a.keys() - rows_b.keys())
    notes += _only_in(b["run_id"], rows_b.keys() - rows_a.keys())
    return changes, notes


def _only_in(run_id: str, keys: set[tuple[str, str]]) -> list[str]:
    """One note per pipeline: the question ids, or just their number when there are many."""
    by_pipe: dict[str, list[str]] = {}
    for pipe, qid in sorted(keys):
        by_pipe.setdefault(pipe, []).append(qid)
    return [
        f"bare i {run_id}: {pipe}: " + (", ".join(ids) if len(ids) <= 5 else f"{len(ids)} spørsmål")
        for pipe, ids in by_pipe.items()
    ]


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def format_comparison(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Human-readable comparison (Norwegian): summaries, then regressions and improvements."""
    changes, notes = compare(a, b)
    lines = [f"Sammenligning {a['run_id']} → {b['run_id']}", ""]
    for name in sorted(a["pipelines"].keys() & b["pipelines"].keys()):
        sa, sb = a["pipelines"][name], b["pipelines"][name]
        diffs = [
            f"{k} {_f(sa.get(k))}→{_f(sb.get(k))}"
            for k in ("hit@5", "mrr", "fact_recall")
            if sa.get(k) != sb.get(k)
        ]
        lines.append(f"{name}: " + (", ".join(diffs) if diffs else "uendret"))
    for title, improved in (("Forverringer", False), ("Forbedringer", True)):
        chosen = [c for c in changes if c.improved == improved]
        lines += ["", f"{title} ({len(chosen)}):"]
        lines += [
            f"  {c.pipeline}/{c.id} {c.metric}: {_f(c.before)} → {_f(c.after)}" for c in chosen
        ] or ["  ingen"]
    if notes:
        lines += ["", "Ulike spørsmål:", *(f"  {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def comparison_json(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    changes, notes = compare(a, b)
    as_dict = [c.__dict__ for c in changes]
    return {
        "run_a": a["run_id"],
        "run_b": b["run_id"],
        "regressions": [d for c, d in zip(changes, as_dict, strict=True) if not c.improved],
        "improvements": [d for c, d in zip(changes, as_dict, strict=True) if c.improved],
        "only_in_one": notes,
    }
