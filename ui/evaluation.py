"""The «Evaluering» tab: a policy team uploads a suite, runs it with a progress bar, gets the report.

Accepts a spreadsheet (.csv/.xlsx, as `hjemmel eval --template` writes) or JSONL, or one of the
bundled suites; runs it through `evals.runner.run_eval` over the page's own opened assistant; shows
the summary and the failed questions, and offers report.html, report.md and result.json to download.
An uploaded suite is kept under `<HJEMMEL_HOME>/suites/` beside the runs made with it. A sheet with
errors is refused with every problem named by row and column. When the page has a login, the run
records who started it. It deliberately computes nothing itself: the runner and the report do.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.settings import Settings
from evals.baselines import PIPELINE_LABELS, PIPELINES
from ui.html_box import html_box, one_block
from ui.rights import EVALUATE, needs

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx", ".jsonl")
SHOWN_KEYS = ("hit@1", "hit@5", "hit@10", "mrr", "fact_recall", "first_citation_gold",
              "words_median", "citations_le5", "backref_violations", "refusal_precision",
              "refusal_recall")  # fmt: skip
MAX_FAILURES_SHOWN = 40
INTRO = (
    "### Evaluering\n"
    "Last opp et evalueringssett som regneark (CSV eller XLSX) eller JSONL — eller velg et "
    "medfølgende sett. I regnearket er bare kolonnene id og spørsmål påkrevd; tema, rolle, gull, "
    "forventet_avvisning, oppfølging_av og de andre er valgfrie, og malen sier hva som gjelder når "
    "de mangler. Kjøringen gir en rapport per spørsmål som kan lastes ned."
)
_ONE_AT_A_TIME = threading.Lock()


class EvalInputError(ValueError):
    """The user's choice cannot be run; the message (Norwegian) says why."""


def keep_upload(upload: str | None, bundled: str | None, settings: Settings) -> str:
    """The suite to run: an uploaded file (copied under HJEMMEL_HOME/suites/) or a bundled name."""
    if upload:
        src = Path(upload)
        if src.suffix.lower() not in SUFFIXES:
            raise EvalInputError(f"«{src.name}»: filen må være .csv, .xlsx eller .jsonl.")
        folder = settings.home / "suites"
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{src.name}"
        shutil.copyfile(src, kept)
        return str(kept)
    if bundled:
        return bundled
    raise EvalInputError("Last opp et evalueringssett eller velg et medfølgende.")


def summary_html(result: dict[str, Any]) -> str:
    """The summary table (one row per pipeline) and the failed questions of the first pipeline."""
    from evals.glossary import explain, name
    from evals.report import fmt
    from evals.report_rows import CHECKS, verdicts

    head = "".join(
        f'<th title="{html.escape(explain(k))}">{html.escape(name(k))}</th>' for k in SHOWN_KEYS
    )
    body = "".join(
        f"<tr><td title='{html.escape(PIPELINE_LABELS.get(n, n))}'>{html.escape(n)}</td>"
        + "".join(f"<td>{fmt(s.get(k))}</td>" for k in SHOWN_KEYS)
        + "</tr>"
        for n, s in result["pipelines"].items()
    )
    first = next(iter(result["pipelines"]), "")
    k = int(result.get("k", 5))
    failed = []
    for row in result["rows"]:
        marks = verdicts(row, k)
        if row["pipeline"] == first and any(m is False for m in marks):
            why = ", ".join(name for (name, _), m in zip(CHECKS, marks, strict=True) if m is False)
            failed.append(
                f"<li><b>{html.escape(row['id'])}</b> ({html.escape(row['role'])}): "
                f"{html.escape(row['question'])} — <i>{html.escape(why)}</i></li>"
            )
    shown = "".join(failed[:MAX_FAILURES_SHOWN])
    more = (
        f"<p>… og {len(failed) - MAX_FAILURES_SHOWN} til (se rapporten).</p>"
        if len(failed) > MAX_FAILURES_SHOWN
        else ""
    )
    legend = "".join(
        f"<li><b>{html.escape(name(k))}</b>: {html.escape(explain(k))}</li>" for k in SHOWN_KEYS
    )
    check = result.get("crosscheck")
    checked = ""
    if check:
        from evals.crosscheck import describe

        checked = f'<p class="eval-crosscheck">{html.escape(describe(check))}</p>'
    return (
        f'<div id="eval-summary"><p>Kjøring <b>{html.escape(result["run_id"])}</b>: '
        f"{result['questions']} spørsmål.</p>"
        f'<table class="eval-table"><thead><tr><th>rørledning</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        f'<details class="eval-legend" open><summary>Hva målene betyr</summary>'
        f"<ul>{legend}</ul></details>{checked}"
        f"<h4>Feilede spørsmål ({html.escape(first)}): {len(failed)}</h4>"
        f'<ul class="eval-failures">{shown}</ul>{more}</div>'
    )


def downloads(result: dict[str, Any], settings: Settings) -> list[str]:
    """Copies of the run's report files in a temporary folder the page may serve."""
    run_dir = settings.runs_dir / result["run_id"]
    out = Path(tempfile.mkdtemp(prefix=f"hjemmel-eval-{result['run_id']}-"))
    files = []
    for name in ("report.html", "report.md", "result.json"):
        target = out / name
        shutil.copyfile(run_dir / name, target)
        files.append(str(target))
    return files


def run_suite(
    assistant: Any, settings: Settings, suite: str, pipelines: list[str], smoke: bool,
    progress: Any = None,
) -> dict[str, Any]:  # fmt: skip
    """One evaluation at a time over the page's assistant, reporting progress as it goes."""
    from evals.runner import run_eval

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(done / max(total, 1), desc=f"{done} av {total} svar")

    if not pipelines:
        raise EvalInputError("Velg minst én rørledning.")
    with _ONE_AT_A_TIME:
        return run_eval(
            settings, suite=suite, pipelines=pipelines, smoke=smoke, progress=False,
            assistant=assistant, on_progress=report,
        )  # fmt: skip


def template_file() -> str:
    from evals.sheet_write import write_template

    folder = Path(tempfile.mkdtemp(prefix="hjemmel-mal-"))
    return str(write_template(folder / "spørsmål-mal.xlsx"))


def build_evaluation_tab(live: Any, settings: Settings) -> None:
    """The tab's components and events (call inside a `gr.Tab`); `live` is the page's
    `ui.live.LiveAssistant` (a run holds the build it started on until it ends)."""
    from evals.suite import SuiteError, suite_names

    gr.Markdown(INTRO, elem_id="eval-intro")
    with gr.Row():
        upload = gr.File(label="Evalueringssett", file_types=list(SUFFIXES), elem_id="eval-upload")
        with gr.Column():
            bundled = gr.Dropdown(
                [("(ingen)", ""), *((n, n) for n in suite_names())], value="",
                label="… eller et medfølgende sett", elem_id="eval-bundled",
            )  # fmt: skip
            pipes = gr.CheckboxGroup(
                [(f"{n} — {PIPELINE_LABELS[n]}", n) for n in PIPELINES], value=["hjemmel"],
                label="Rørledninger", elem_id="eval-pipelines",
            )  # fmt: skip
            smoke = gr.Checkbox(label="Bare et lite, fast utvalg (røyktest)", elem_id="eval-smoke")
    with gr.Row():
        run = gr.Button("Kjør evaluering", variant="primary", elem_id="eval-run")
        gr.DownloadButton("Last ned mal (.xlsx)", value=template_file(), elem_id="eval-template")
    status = gr.Markdown(elem_id="eval-status")
    summary = html_box(elem_id="eval-result")
    files = gr.File(label="Rapport", file_count="multiple", elem_id="eval-files")

    @needs(EVALUATE)
    def start(
        up: str | None, name: str | None, chosen: list[str], small: bool, request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's way to ask for a bar)
    ) -> tuple[str, str, list[str] | None]:  # fmt: skip
        who = getattr(request, "username", None)
        try:
            suite = keep_upload(up, name, settings)
            with live.use() as assistant:
                result = run_suite(assistant, settings, suite, chosen, small, progress)
        except (EvalInputError, SuiteError) as exc:
            lines = "\n".join(f"- {html.escape(x)}" for x in str(exc).splitlines())
            return f"**Kan ikke kjøre settet:**\n\n{lines}", "", None
        except UnicodeDecodeError:
            return "**Kan ikke kjøre settet:** filen er ikke UTF-8-tekst.", "", None
        except Exception as exc:  # the page must say what went wrong, never just «Error»
            log.exception("evaluation failed")
            return f"**Evalueringen feilet** ({html.escape(type(exc).__name__)}).", "", None
        by = f" (kjørt av {html.escape(who)})" if who else ""
        return (
            f"Ferdig: kjøring {result['run_id']}{by}.",
            one_block(summary_html(result)),
            downloads(result, settings),
        )

    run.click(start, [upload, bundled, pipes, smoke], [status, summary, files], concurrency_limit=1)
