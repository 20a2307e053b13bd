"""`hjemmel eval`: run the evaluation suite (or compare two stored runs) from the command line.

Parses options, calls `evals.runner.run_eval` or `evals.compare`, and prints either a short
Norwegian summary or, with `--json`, one JSON object `{"run_id", "questions", "pipelines"}`.
Progress goes to stderr so stdout stays parseable. It deliberately holds no evaluation logic.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from evals.baselines import PIPELINES
from evals.metrics import SUMMARY_KEYS

# The `--json` shape: every summary key (answer-level ones are null for retrieval-only pipelines).
HEADLINE = SUMMARY_KEYS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suite",
        metavar="STI|NAVN",
        default=None,
        help="evalueringssett: fil eller navn i evals/suites/ (standard: core)",
    )
    parser.add_argument(
        "--k",
        type=int,
        default=5,
        choices=range(1, 11),
        metavar="K",
        help="avskjæring for «feilet henting» i rapporten (1–10, standard 5)",
    )
    parser.add_argument(
        "--pipeline",
        nargs="+",
        choices=PIPELINES,
        metavar="NAVN",
        help=f"rørledninger som kjøres (standard: alle: {', '.join(PIPELINES)})",
    )
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    parser.add_argument(
        "--smoke", action="store_true", help="kjør bare et lite, fast utvalg (røyktest)"
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("KJØRING_A", "KJØRING_B"),
        help="sammenlign to lagrede kjøringer (id, sti, «siste» eller «forrige»)",
    )
    parser.add_argument("--no-progress", action="store_true", help="ingen fremdriftslinje")


def _compare(args: argparse.Namespace, settings: Any) -> int:
    from evals.compare import RunNotFoundError, comparison_json, format_comparison, load_run

    try:
        a = load_run(args.compare[0], settings.runs_dir)
        b = load_run(args.compare[1], settings.runs_dir)
    except RunNotFoundError as exc:
        print(f"hjemmel eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(comparison_json(a, b), ensure_ascii=False, indent=1))
    else:
        print(format_comparison(a, b), end="")
    return 0


def public_json(result: dict[str, Any]) -> dict[str, Any]:
    """The `--json` shape: run id, number of questions and the headline metrics per pipeline."""
    return {
        "run_id": result["run_id"],
        "questions": result["questions"],
        "pipelines": {
            name: {k: s.get(k) for k in HEADLINE} for name, s in result["pipelines"].items()
        },
    }


def _print_summary(result: dict[str, Any], settings: Any) -> None:
    from evals.report import LABELS, fmt

    print(f"Evaluering {result['run_id']}: {result['questions']} spørsmål")
    for name, s in result["pipelines"].items():
        shown = ", ".join(f"{LABELS[k]} {fmt(s.get(k))}" for k in HEADLINE)
        print(f"  {name}: {shown}")
    print(f"Rapport: {settings.runs_dir / result['run_id'] / 'report.html'}")


def run(args: argparse.Namespace, settings: Any) -> int:
    if args.compare:
        return _compare(args, settings)
    from evals.runner import SuiteError, run_eval
    from ingest.index import IndexMissingError

    try:
        result = run_eval(
            settings,
            suite=args.suite,
            pipelines=args.pipeline or PIPELINES,
            k=args.k,
            smoke=args.smoke,
            progress=not args.no_progress,
        )
    except (SuiteError, IndexMissingError) as exc:
        print(f"hjemmel eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(public_json(result), ensure_ascii=False, indent=1))
        print(f"Rapport: {settings.runs_dir / result['run_id']}", file=sys.stderr)
    else:
        _print_summary(result, settings)
    return 0
