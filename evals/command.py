"""`hjemmel eval`: run a suite, compare runs, gate a build on regressions, show quality over time.

Parses options and calls `evals.runner.run_eval`, `evals.compare`, `evals.regression`,
`evals.history` or the sheet writer; prints a short Norwegian summary or, with `--json`, one JSON
object `{"run_id", "questions", "pipelines", "crosscheck"}` (plus `"regressions"` against a
`--baseline`; `crosscheck` is llama-index's RetrieverEvaluator beside our figures, or null).
Progress goes to stderr so stdout stays parseable. Exit codes: 0 fine, 1 a regression beyond its
band with `--fail-on-regression`, 2 bad input. It deliberately holds no evaluation logic.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evals.baselines import PIPELINES
from evals.metrics import SUMMARY_KEYS

# The `--json` shape: every summary key (answer-level ones are null for retrieval-only pipelines).
HEADLINE = SUMMARY_KEYS
PRINTED = ("hit@1", "hit@5", "hit@10", "mrr", "fact_recall", "first_citation_gold",
           "words_median", "citations_le5", "backref_violations", "refusal_precision",
           "refusal_recall")  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suite",
        metavar="STI|NAVN",
        default=None,
        help="evalueringssett: en fil (.jsonl, .csv, .xlsx) eller et navn i evals/suites/ "
        "(core, heldout, heldout2, …; standard: core)",
    )
    parser.add_argument(
        "--k", type=int, default=5, choices=range(1, 11), metavar="K",
        help="avskjæring for «feilet henting» i rapporten (1–10, standard 5)",
    )  # fmt: skip
    parser.add_argument(
        "--pipeline", nargs="+", choices=PIPELINES, metavar="NAVN",
        help=f"rørledninger som kjøres (standard: alle: {', '.join(PIPELINES)})",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    parser.add_argument(
        "--smoke", action="store_true", help="kjør bare et lite, fast utvalg (røyktest)"
    )
    parser.add_argument(
        "--compare", nargs=2, metavar=("KJØRING_A", "KJØRING_B"),
        help="sammenlign to lagrede kjøringer (id, sti, «siste» eller «forrige»)",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", metavar="KJØRING",
        help="sammenlign kjøringen med en lagret grunnlinje (id, sti, «siste» eller «forrige»)",
    )  # fmt: skip
    parser.add_argument(
        "--fail-on-regression", action="store_true",
        help="avslutt med kode 1 når et mål faller mer enn sitt støybånd mot --baseline (for CI)",
    )  # fmt: skip
    parser.add_argument(
        "--band", action="append", default=[], metavar="MÅL=VERDI",
        help="overstyr et støybånd, f.eks. hit@5=0.05 (kan gjentas)",
    )  # fmt: skip
    parser.add_argument(
        "--history", action="store_true",
        help="vis hovedmålene over de lagrede kjøringene av settet (tabell + HTML med graf)",
    )  # fmt: skip
    parser.add_argument(
        "--template", nargs="?", const="spørsmål.csv", metavar="FIL",
        help="skriv et eksempel på et regneark-sett (.csv eller .xlsx; med --suite: det settet)",
    )  # fmt: skip
    parser.add_argument("--no-progress", action="store_true", help="ingen fremdriftslinje")
    parser.add_argument(
        "--no-crosscheck", action="store_true",
        help="hopp over kontrollen med llama-indexs RetrieverEvaluator (treff og MRR)",
    )  # fmt: skip


def _fail(message: str) -> int:
    print(f"hjemmel eval: {message}", file=sys.stderr)
    return 2


def _compare(args: argparse.Namespace, settings: Any) -> int:
    from evals.compare import RunNotFoundError, comparison_json, format_comparison, load_run

    try:
        a = load_run(args.compare[0], settings.runs_dir)
        b = load_run(args.compare[1], settings.runs_dir)
    except RunNotFoundError as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(comparison_json(a, b), ensure_ascii=False, indent=1))
    else:
        print(format_comparison(a, b), end="")
    return 0


def _template(args: argparse.Namespace) -> int:
    from evals.sheet_write import write_suite, write_template

    path = Path(args.template)
    if path.exists():
        return _fail(f"{path} finnes fra før; velg et annet filnavn.")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        return _fail(f"{path}: filen må slutte på .csv eller .xlsx.")
    if args.suite:
        from evals.suite import SuiteError, resolve_suite

        try:
            source = resolve_suite(args.suite)
        except SuiteError as exc:
            return _fail(str(exc))
        lines = source.read_text(encoding="utf-8").splitlines()
        items = [json.loads(ln) for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        write_suite(items, path)
    else:
        write_template(path)
    print(f"Skrev {path}. Kontroller det med: hjemmel eval --suite {path} --smoke")
    return 0


def _history(args: argparse.Namespace, settings: Any) -> int:
    from evals.history import history_table, load_history, write_history_page

    name = Path(args.suite).stem if args.suite else "core"
    runs = load_history(settings.runs_dir, name, args.smoke)
    if not runs:
        return _fail(f"ingen lagrede kjøringer av settet «{name}» i {settings.runs_dir}.")
    print("\n".join(history_table(runs)))
    print(f"Graf: {write_history_page(settings.runs_dir, name, args.smoke)}")
    return 0


def public_json(result: dict[str, Any]) -> dict[str, Any]:
    """The `--json` shape: run id, number of questions and the headline metrics per pipeline."""
    return {
        "run_id": result["run_id"],
        "questions": result["questions"],
        "pipelines": {
            name: {k: s.get(k) for k in HEADLINE} for name, s in result["pipelines"].items()
        },
        "crosscheck": result.get("crosscheck"),
    }


def _print_summary(result: dict[str, Any], settings: Any) -> None:
    from evals.report import LABELS, fmt

    print(f"Evaluering {result['run_id']}: {result['questions']} spørsmål")
    for name, s in result["pipelines"].items():
        shown = ", ".join(f"{LABELS[k]} {fmt(s.get(k))}" for k in PRINTED)
        print(f"  {name}: {shown}")
    if result.get("crosscheck"):
        from evals.crosscheck import describe

        print(describe(result["crosscheck"]))
    print(f"Rapport: {settings.runs_dir / result['run_id'] / 'report.html'}")


def _bands(args: argparse.Namespace) -> Any:
    from evals.regression import parse_band, with_overrides

    return with_overrides(dict(parse_band(spec) for spec in args.band))


def run(args: argparse.Namespace, settings: Any) -> int:
    if args.template:
        return _template(args)
    if args.history:
        return _history(args, settings)
    if args.compare:
        return _compare(args, settings)
    from evals.compare import RunNotFoundError, load_run
    from evals.regression import BaselineMismatchError, regressions
    from evals.runner import SuiteError, run_eval
    from ingest.index import IndexMissingError

    if args.fail_on_regression and not args.baseline:
        return _fail("--fail-on-regression trenger --baseline KJØRING.")
    try:
        bands = _bands(args)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        # Before the run: «siste» means the latest run so far, not this one.
        baseline = load_run(args.baseline, settings.runs_dir) if args.baseline else None
        result = run_eval(
            settings,
            suite=args.suite,
            pipelines=args.pipeline or PIPELINES,
            k=args.k,
            smoke=args.smoke,
            progress=not args.no_progress,
            crosscheck=not args.no_crosscheck,
        )
        found = regressions(baseline, result, bands) if baseline else []
    except (SuiteError, IndexMissingError, RunNotFoundError, BaselineMismatchError) as exc:
        return _fail(str(exc))
    if args.json:
        data = public_json(result)
        if baseline:
            data["baseline"] = baseline["run_id"]
            data["regressions"] = [r.__dict__ for r in found]
        print(json.dumps(data, ensure_ascii=False, indent=1))
        print(f"Rapport: {settings.runs_dir / result['run_id']}", file=sys.stderr)
    else:
        _print_summary(result, settings)
    if baseline:
        out = sys.stderr if args.json else sys.stdout
        head = f"Mot grunnlinjen {baseline['run_id']}:"
        if not found:
            print(f"{head} ingen mål falt mer enn støybåndet.", file=out)
        for r in found:
            print(f"{head} FORVERRING {r.describe()}", file=out)
    return 1 if found and args.fail_on_regression else 0
