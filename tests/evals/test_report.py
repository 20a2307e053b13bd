"""Reports and run comparison over a small hand-made result (the shape `run_eval` writes)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from evals import compare, metrics, report


def _row(
    qid: str, pipeline: str, hit: float, facts_missing: list[str], **over: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": qid, "topic": "isolasjon", "role": "kommunehelse", "lang": "no", "tags": [],
        "question": f"Spørsmål {qid}?", "history": [], "pipeline": pipeline,
        "expect_refusal": False, "refused": False, "gold": ["rundskriv:5.2:1"], "gold_missing": [],
        "hits": {"1": hit, "3": hit, "5": hit, "10": hit}, "mrr": hit, "ndcg@10": hit,
        "gold_rank": 1 if hit else None,
        "citation_precision": hit, "fact_recall": 0.0 if facts_missing else 1.0,
        "facts_missing": facts_missing, "quotes": {"verified": 1, "total": 1},
        "latency_ms": 20.0, "answer": "Svar [1]", "cited": [],
        "retrieved": [{"id": "rundskriv:7.1:3", "doc_id": "rundskriv", "section": "7.1",
                       "gold": False, "text": "Noe annet om sikkerhetsseng"}],
    }  # fmt: skip
    row.update(over)
    return row


def make_result(run_id: str = "r1") -> dict[str, Any]:
    rows = [
        _row("is-001", "hjemmel", 1.0, []),
        _row("is-002", "hjemmel", 0.0, ["varsle lege"]),
        _row("is-001", "bm25", 1.0, []),
        _row("is-002", "bm25", 1.0, [], topic="taushetsplikt"),
    ]
    names = ["hjemmel", "bm25"]
    return {
        "run_id": run_id,
        "questions": 2,
        "k": 5,
        "suite": {"path": "tiny.jsonl", "smoke": True},
        "git_commit": None,
        "pipelines": {n: metrics.summarize([r for r in rows if r["pipeline"] == n]) for n in names},
        "by_topic": {
            n: metrics.group_summaries([r for r in rows if r["pipeline"] == n], "topic")
            for n in names
        },
        "by_role": {
            n: metrics.group_summaries([r for r in rows if r["pipeline"] == n], "role")
            for n in names
        },
        "rows": rows,
    }


def test_failures_lists_misses_only() -> None:
    failed = report.failures(make_result())
    assert [r["id"] for r in failed] == ["is-002"]
    assert report.failures(make_result(), "bm25") == []


def test_markdown_report_has_tables_and_failed_questions() -> None:
    md = report.to_markdown(make_result())
    assert "## Samlet" in md and "| hjemmel |" in md and "| bm25 |" in md
    assert "### is-002" in md and "«varsle lege»" in md
    assert "`rundskriv:7.1:3`" in md  # what was retrieved instead
    assert "Per tema" in md and "taushetsplikt" in md


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    md_path, html_path = report.write_reports(make_result(), tmp_path / "r1")
    page = html_path.read_text("utf-8")
    assert page.count("data:image/png;base64,") == 4
    assert "<table>" in page and "is-002" in page
    # One inline script (sorting and filtering), nothing loaded from elsewhere.
    assert 'src="http' not in page and "<script src" not in page and page.count("<script>") == 1
    assert md_path.read_text("utf-8").startswith("# Evaluering r1")


def test_per_question_table_puts_failures_first_with_verdicts() -> None:
    from evals.report_rows import CHECKS, question_table, verdicts

    result = make_result()
    rows = result["rows"]
    rows[1]["cited"] = [{"id": "rundskriv:7.1:3", "gold": False, "quote": "Noe annet", "actor": ""}]
    table = question_table(rows, 5, ["hjemmel", "bm25"])
    body = table.split("<tbody>")[1]
    # is-002 (hjemmel) failed: its row comes before every passing row.
    assert body.index('data-failed="1"') < body.index('data-failed="0"')
    assert body.count('data-failed="1"') == 1 and "Spørsmål is-002?" in body.split("</tr>")[0]
    names = [name for name, _ in CHECKS]
    marks = dict(zip(names, verdicts(rows[1], 5), strict=True))
    assert marks["gull i topp k"] is False and marks["fakta"] is False
    assert marks["avvisning"] is True and marks["aktør"] is None
    assert "«Noe annet»" in body and 'id="q-filter"' in table and "bare feilede" in table


def test_html_report_plots_history_of_the_same_suite(tmp_path: Path) -> None:
    from evals.history import load_history

    for run_id in ("20250101-100000", "20250102-100000"):
        result = make_result(run_id)
        result["suite"]["name"] = "tiny"
        (tmp_path / run_id).mkdir()
        (tmp_path / run_id / "result.json").write_text(json.dumps(result), "utf-8")
    other = make_result("20250103-100000")
    other["suite"]["name"] = "annet-sett"
    (tmp_path / other["run_id"]).mkdir()
    (tmp_path / other["run_id"] / "result.json").write_text(json.dumps(other), "utf-8")
    runs = load_history(tmp_path, "tiny", smoke=True)
    assert [r.run_id for r in runs] == ["20250101-100000", "20250102-100000"]
    _, page = report.write_reports(result, tmp_path / result["run_id"])
    assert "Hovedmål over tid" in page.read_text("utf-8")
    _, single = report.write_reports(other, tmp_path / other["run_id"])
    assert "Hovedmål over tid" not in single.read_text("utf-8")


def test_compare_lists_regressions_and_improvements(tmp_path: Path) -> None:
    a = make_result("r1")
    b = copy.deepcopy(a)
    b["run_id"] = "r2"
    b["rows"][0]["mrr"] = 0.5  # hjemmel is-001 got worse
    b["rows"][1]["hits"]["5"] = 1.0  # hjemmel is-002 got better
    changes, notes = compare.compare(a, b)
    assert {(c.id, c.metric, c.improved) for c in changes} == {
        ("is-001", "mrr", False),
        ("is-002", "hit@5", True),
    }
    assert notes == []
    text = compare.format_comparison(a, b)
    assert "Forverringer (1)" in text and "hjemmel/is-001 mrr: 1.000 → 0.500" in text
    assert "Forbedringer (1)" in text
    assert compare.comparison_json(a, a)["regressions"] == []


def test_resolve_run_by_id_path_and_alias(tmp_path: Path) -> None:
    for run_id in ("20250101-100000", "20250102-100000"):
        (tmp_path / run_id).mkdir()
        (tmp_path / run_id / "result.json").write_text(json.dumps(make_result(run_id)), "utf-8")
    assert compare.load_run("siste", tmp_path)["run_id"] == "20250102-100000"
    assert compare.load_run("forrige", tmp_path)["run_id"] == "20250101-100000"
    assert compare.load_run(str(tmp_path / "20250101-100000"), tmp_path)["run_id"] == (
        "20250101-100000"
    )
    with pytest.raises(compare.RunNotFoundError):
        compare.load_run("finnes-ikke", tmp_path)


def test_failures_use_the_chosen_cutoff() -> None:
    result = make_result()
    result["rows"][0]["gold_rank"] = 3
    assert [r["id"] for r in report.failures(result)] == ["is-002"]
    result["k"] = 2
    assert [r["id"] for r in report.failures(result)] == ["is-001", "is-002"]
    assert "ingen gullkilde blant topp 2" in report.to_markdown(result)
