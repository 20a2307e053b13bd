"""Render an evaluation result as a Markdown report and a self-contained HTML report with plots.

Works on the result dict `evals.runner.run_eval` builds, and stores it with the reports under
runs_dir/<run_id>/ (result.json), so a stored run can be re-rendered. Plots are matplotlib (Agg backend) PNGs embedded as base64, so the HTML file needs
nothing beside it. It deliberately computes no metric: every figure comes from the result.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.redact import redact_tree
from evals.glossary import EXPLANATIONS, NAMES
from evals.metrics import ANSWER_KEYS, SUMMARY_KEYS

# Metrics shown as bars (latency has its own plot); labels are what readers see.
PLOTTED = ("hit@1", "hit@5", "mrr", "ndcg@10", "citation_precision", "fact_recall")
# What readers see: plain Norwegian names (`evals.glossary`, which also explains each one).
LABELS: dict[str, str] = NAMES


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) <= 1.0:
            return f"{value:.3f}"
        return f"{value:.0f}" if value.is_integer() or abs(value) >= 100 else f"{value:.1f}"
    return str(value)


def failures(result: dict[str, Any], pipeline: str = "hjemmel") -> list[dict[str, Any]]:
    """Rows of `pipeline` that missed: no gold in top k, a fact missing, or the wrong refusal."""
    k = int(result.get("k", 5))
    out = []
    for row in result["rows"]:
        if row["pipeline"] != pipeline:
            continue
        wrong_refusal = row["refused"] != row["expect_refusal"]
        missed = not row["expect_refusal"] and (
            (_scored(row) and not _found_within(row, k)) or row["facts_missing"]
        )
        if wrong_refusal or missed:
            out.append(row)
    return out


def _scored(row: dict[str, Any]) -> bool:
    """Retrieval is scored (runs stored before unscored questions existed: every answerable one)."""
    return bool(row.get("scored", not row["expect_refusal"]))


def _found_within(row: dict[str, Any], k: int) -> bool:
    rank = row.get("gold_rank")
    return rank is not None and rank <= k


def _why(row: dict[str, Any], k: int) -> str:
    reasons = []
    if row["refused"] != row["expect_refusal"]:
        reasons.append("avviste feilaktig" if row["refused"] else "skulle vært avvist")
    if not row["expect_refusal"]:
        if _scored(row) and not _found_within(row, k):
            reasons.append(f"ingen gullkilde blant topp {k}")
        if row["facts_missing"]:
            reasons.append("mangler: " + "; ".join(f"«{f}»" for f in row["facts_missing"]))
        if row["gold_missing"]:
            reasons.append("gullsitat ikke funnet i korpuset")
    return ", ".join(reasons)


def _table(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in body]
    return lines


RETRIEVAL_KEYS = tuple(k for k in SUMMARY_KEYS if k not in ANSWER_KEYS)


def summary_table(
    summaries: dict[str, dict[str, Any]], keys: Sequence[str] = RETRIEVAL_KEYS
) -> list[str]:
    header = ["rørledning", *(LABELS[k] for k in keys)]
    body = [[name, *(fmt(s.get(k)) for k in keys)] for name, s in summaries.items()]
    return _table(header, body)


def group_table(groups: dict[str, dict[str, Any]], keys: Sequence[str]) -> list[str]:
    header = ["gruppe", "n", *(LABELS[k] for k in keys)]
    body = [[g, fmt(s.get("n")), *(fmt(s.get(k)) for k in keys)] for g, s in groups.items()]
    return _table(header, body)


def _failure_lines(result: dict[str, Any]) -> list[str]:
    k = int(result.get("k", 5))
    lines: list[str] = []
    for row in failures(result):
        lines.append(f"### {row['id']} ({row['topic']}, {row['role']})")
        lines.append(f"Spørsmål: {row['question']}  ")
        lines.append(f"Hvorfor: {_why(row, k)}  ")
        lines.append("Gull: " + (", ".join(row["gold"]) or "–") + "  ")
        lines.append("Hentet i stedet:")
        for u in row["retrieved"][:5]:
            mark = "✓" if u["gold"] else "✗"
            snippet = " ".join(u["text"].split())[:140]
            lines.append(f"- {mark} `{u['id']}` — {snippet}")
        lines.append("")
    return lines or ["Ingen."]


def baseline_lines(result: dict[str, Any]) -> list[str]:
    """«Grunnlinjer»: each pipeline's settings as the run recorded them (none in older runs)."""
    settings: dict[str, dict[str, str]] = result.get("pipeline_settings") or {}
    if not settings:
        return []
    lines = ["## Grunnlinjer", ""]
    for name, values in settings.items():
        lines += [f"### {name}", "", *(f"- {k}: {v}" for k, v in values.items()), ""]
    return lines


def to_markdown(result: dict[str, Any]) -> str:
    """The whole report as Markdown: summaries, per topic and role, failed questions."""
    lines = [
        f"# Evaluering {result['run_id']}",
        "",
        f"- Spørsmål: {result['questions']}"
        + (" (røyktest)" if result.get("suite", {}).get("smoke") else ""),
        f"- Sett: `{result.get('suite', {}).get('path', '')}`",
        f"- Git: `{result.get('git_commit') or 'ukjent'}`",
        f"- Opprettet: {result.get('created', '')}",
        "",
        *(f"- `{n}`: {label}" for n, label in result.get("pipeline_labels", {}).items()),
        "",
        *baseline_lines(result),
        "## Samlet",
        "",
        *summary_table(result["pipelines"]),
        "",
        "## Svarene",
        "",
        "«–»: rørledningen lager ikke svar, bare treff. Aktørmerke: bare spørsmål der settet "
        "oppgir aktøren.",
        "",
        *summary_table(result["pipelines"], ANSWER_KEYS),
        "",
    ]
    if result.get("crosscheck"):
        from evals.crosscheck import describe

        lines += ["## Kontroll med llama-index", "", describe(result["crosscheck"]), ""]
    lines += ["## Hva målene betyr", ""]
    lines += [f"- {LABELS[k]}: {EXPLANATIONS[k]}" for k in SUMMARY_KEYS if k in EXPLANATIONS]
    lines += [""]
    keys = ("hit@5", "mrr", "citation_precision", "fact_recall", "refusal_recall")
    for title, field in (("Per tema", "by_topic"), ("Per rolle", "by_role")):
        lines += [f"## {title}", ""]
        for name, groups in result.get(field, {}).items():
            lines += [f"### {name}", "", *group_table(groups, keys), ""]
    lines += ["## Feilede spørsmål (hjemmel)", "", *_failure_lines(result)]
    return "\n".join(lines).rstrip() + "\n"


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _bars(ax: Any, series: dict[str, dict[str, Any]], keys: Sequence[str], title: str) -> None:
    names = list(series)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        values = [series[name].get(k) or 0.0 for k in keys]
        ax.bar([x + i * width for x in range(len(keys))], values, width, label=name)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(keys))])
    ax.set_xticklabels([LABELS.get(k, k) for k in keys], rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(fontsize="small")


def plots(result: dict[str, Any]) -> dict[str, str]:
    """Base64 PNGs: metrics per pipeline, hit@5 per topic and per role, latency distribution."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    out: dict[str, str] = {}
    fig, ax = plt.subplots(figsize=(9, 4))
    _bars(ax, result["pipelines"], PLOTTED, "Mål per rørledning")
    out["Mål per rørledning"] = _png(fig)
    plt.close(fig)
    for title, field in (("Treff@5 per tema", "by_topic"), ("Treff@5 per rolle", "by_role")):
        groups: dict[str, dict[str, Any]] = result.get(field, {})
        keys = sorted({g for per in groups.values() for g in per})
        series = {n: {g: per.get(g, {}).get("hit@5") for g in keys} for n, per in groups.items()}
        fig, ax = plt.subplots(figsize=(9, 4))
        _bars(ax, series, keys, title)
        out[title] = _png(fig)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(9, 4))
    names = list(result["pipelines"])
    data = [[r["latency_ms"] for r in result["rows"] if r["pipeline"] == n] or [0.0] for n in names]
    ax.boxplot(data)
    ax.set_xticks(range(1, len(names) + 1))
    ax.set_xticklabels(names)
    ax.set_ylabel("ms")
    ax.set_title("Svartid per spørsmål")
    out["Svartid"] = _png(fig)
    plt.close(fig)
    return out


def _md_table_to_html(lines: Sequence[str]) -> str:
    rows = [ln.strip("|").split(" | ") for ln in lines if not ln.startswith("|---")]
    head = "".join(f"<th>{html.escape(c.strip())}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in r) + "</tr>"
        for r in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(result: dict[str, Any], history_png: str | None = None) -> str:
    """A self-contained page: the Markdown report's content as HTML, inline plots, the per-question
    table (failures first, sortable and filterable) and, given, the suite's history plot."""
    from evals.report_rows import STYLE, question_table

    parts: list[str] = []
    table: list[str] = []
    for line in to_markdown(result).splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            parts.append(_md_table_to_html(table))
            table = []
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            parts.append(f"<h{level}>{html.escape(line.lstrip('#').strip())}</h{level}>")
            if line.startswith("## Per tema"):
                parts.insert(len(parts) - 1, "__PLOTS__")
        elif line.startswith("- "):
            parts.append(f"<li>{html.escape(line[2:].replace('`', ''))}</li>")
        elif line.strip():
            parts.append(f"<p>{html.escape(line.replace('`', ''))}</p>")
    if table:
        parts.append(_md_table_to_html(table))
    images = "".join(
        f'<figure><img alt="{html.escape(t)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{html.escape(t)}</figcaption></figure>"
        for t, b64 in plots(result).items()
    )
    if history_png:
        images += (
            f'<figure><img alt="Over tid" src="data:image/png;base64,{history_png}">'
            "<figcaption>Hovedmål over tid (lagrede kjøringer av samme sett)</figcaption></figure>"
        )
    body = "\n".join(parts).replace("__PLOTS__", images, 1)
    names = list(result["pipelines"])
    body += "\n<h2>Per spørsmål</h2>\n" + question_table(
        result["rows"], int(result.get("k", 5)), names
    )
    style = (
        "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px}"
        "img{max-width:100%}" + STYLE
    )
    return (
        f'<!doctype html><html lang="no"><head><meta charset="utf-8">'
        f"<title>Evaluering {html.escape(result['run_id'])}</title><style>{style}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def new_run_id(runs_dir: Path) -> str:
    """A time-based id, unique within `runs_dir` (a suffix when two runs start in one second)."""
    base = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_id, n = base, 1
    while (runs_dir / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def store_run(result: dict[str, Any], runs_dir: Path) -> Path:
    """Write result.json, report.md and report.html into runs_dir/<run_id>/; returns that folder."""
    result = redact_tree(result)  # assistant.redact: no personal data in stored runs
    out_dir = runs_dir / result["run_id"]
    out_dir.mkdir(parents=True)
    (out_dir / "result.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    write_reports(result, out_dir)
    return out_dir


def write_reports(result: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write report.md and report.html into `out_dir` (the history plot from the runs beside it
    of the same suite, when there are at least two); returns their paths."""
    from evals.history import history_png, load_history, suite_name

    out_dir.mkdir(parents=True, exist_ok=True)
    md, page = out_dir / "report.md", out_dir / "report.html"
    md.write_text(to_markdown(result), encoding="utf-8")
    smoke = bool(result.get("suite", {}).get("smoke"))
    runs = [
        r
        for r in load_history(out_dir.parent, suite_name(result), smoke)
        if r.run_id <= result["run_id"]
    ]
    plot = history_png(runs) if len(runs) >= 2 else None
    page.write_text(to_html(result, plot), encoding="utf-8")
    return md, page
