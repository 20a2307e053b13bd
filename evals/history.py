"""Quality over time: the main metrics of the saved runs of one suite, as a table and a plot.

Reads the summaries of every `runs_dir/*/result.json` made on the named suite (smoke runs kept
apart), oldest first, and draws one small chart per main metric with a line per pipeline (a PNG,
base64, for the HTML reports). `write_history_page` writes `runs_dir/history-<suite>.html`. It
deliberately runs nothing and compares no questions: `evals.compare` does that for two runs.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAIN = ("hit@5", "mrr", "first_citation_gold", "fact_recall", "refusal_recall", "words_median")


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    created: str
    commit: str | None
    pipelines: dict[str, dict[str, Any]]


def suite_name(result: dict[str, Any]) -> str:
    suite = result.get("suite", {})
    return str(suite.get("name") or Path(str(suite.get("path", "?"))).stem)


def load_history(runs_dir: Path, suite: str, smoke: bool = False) -> list[RunSummary]:
    """The runs of `suite` (by name), oldest first; unreadable files are skipped."""
    out: list[RunSummary] = []
    for path in sorted(runs_dir.glob("*/result.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if suite_name(data) != suite or bool(data.get("suite", {}).get("smoke")) != smoke:
            continue
        out.append(
            RunSummary(
                data["run_id"],
                data.get("created", ""),
                data.get("git_commit"),
                data.get("pipelines", {}),
            )
        )
    return out


def history_png(runs: Sequence[RunSummary], keys: Sequence[str] = MAIN) -> str:
    """One chart per metric, a line per pipeline, runs along the x axis (base64 PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from evals.report import LABELS

    pipelines = list(dict.fromkeys(p for r in runs for p in r.pipelines))
    cols = 3
    rows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, 3.2 * rows), squeeze=False)
    xs = list(range(len(runs)))
    for ax, key in zip(axes.flat, keys, strict=False):
        for name in pipelines:
            ys = [r.pipelines.get(name, {}).get(key) for r in runs]
            points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
            if points:
                ax.plot(*zip(*points, strict=True), marker="o", label=name)
        ax.set_title(LABELS.get(key, key))
        ax.set_xticks(xs)
        ax.set_xticklabels([r.run_id[4:] for r in runs], rotation=45, ha="right", fontsize=7)
    for ax in list(axes.flat)[len(keys) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize="x-small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def history_table(runs: Sequence[RunSummary], pipeline: str = "hjemmel") -> list[str]:
    """Markdown table of one pipeline's main metrics per run."""
    from evals.report import LABELS, fmt

    lines = [
        "| kjøring | git | " + " | ".join(LABELS[k] for k in MAIN) + " |",
        "|" + "---|" * (len(MAIN) + 2),
    ]
    for r in runs:
        s = r.pipelines.get(pipeline, {})
        commit = (r.commit or "")[:7]
        lines.append(f"| {r.run_id} | {commit} | " + " | ".join(fmt(s.get(k)) for k in MAIN) + " |")
    return lines


def write_history_page(runs_dir: Path, suite: str, smoke: bool = False) -> Path | None:
    """`runs_dir/history-<suite>.html` with the plot and the table; None when there are no runs."""
    runs = load_history(runs_dir, suite, smoke)
    if not runs:
        return None
    rows = [ln.strip("|").split(" | ") for ln in history_table(runs) if not ln.startswith("|---")]
    table = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in r) + "</tr>" for r in rows
    )
    page = (
        f'<!doctype html><html lang="no"><head><meta charset="utf-8">'
        f"<title>Evaluering over tid: {html.escape(suite)}</title></head><body>"
        f"<h1>Evaluering over tid: {html.escape(suite)}</h1>"
        f'<img alt="Hovedmål over tid" src="data:image/png;base64,{history_png(runs)}">'
        f"<h2>hjemmel per kjøring</h2><table border=1>{table}</table></body></html>\n"
    )
    out = runs_dir / f"history-{suite}{'-smoke' if smoke else ''}.html"
    out.write_text(page, encoding="utf-8")
    return out
