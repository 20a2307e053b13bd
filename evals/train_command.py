"""`hjemmel train`: fit the ranker on the training suites, cross-validated by suite.

Builds the training groups of every suite in `--suites` (default `evals.train.TRAIN_SUITES`; the
blind suite is refused), chooses the regularisation by leave-one-suite-out cross-validation, fits
on all of them and writes the model (`assistant/answer/ranker.json` unless `--out`). With
`--cv-eval` it then scores each suite end to end (`evals.runner.run_eval`, every answer metric)
with the model fitted without that suite, and prints those figures: the honest ones. It holds no
fitting logic (`evals.train`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.train import BLIND_SUITES, TRAIN_SUITES

SHOWN = ("first_citation_gold", "first_citation_everyday", "any_citation_gold", "fact_recall",
         "followup_first_citation", "nearmiss_hedged", "refusal_recall", "short_accuracy",
         "words_median")  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--suites", default=",".join(TRAIN_SUITES), metavar="NAVN,…",
        help=f"treningssettene (standard: {', '.join(TRAIN_SUITES)}); det blinde settet kan ikke "
        "brukes",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, help="hvor modellen skrives (standard: den medfølgende)"
    )
    parser.add_argument(
        "--cv-eval", action="store_true",
        help="kjør hvert sett gjennom hele svarløpet med modellen som ikke så det, og vis målene",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def run(args: argparse.Namespace, settings: Any) -> int:
    from assistant.answer.rank import MODEL_PATH, Ranker
    from assistant.api import Assistant
    from evals import train
    from evals.suite import SuiteError, load_suite, resolve_suite
    from ingest.index import Index, IndexMissingError

    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    blind = [s for s in suites if s in BLIND_SUITES]
    if blind:
        print(f"hjemmel: det blinde settet «{blind[0]}» trenes aldri på.", file=sys.stderr)
        return 2
    try:
        index = Index.open(settings.index_dir)
        items = {s: load_suite(resolve_suite(s)) for s in suites}
    except (IndexMissingError, SuiteError) as exc:
        print(f"hjemmel: {exc}", file=sys.stderr)
        return 2
    # Features do not depend on the model; a single-signal one orders the negatives kept.
    assistant = Assistant(index, settings, ranker=Ranker.single("bm25"))
    by_suite = {s: train.groups(assistant, s, items[s]) for s in suites}
    cv = train.cross_validate(by_suite)
    model = train.fit([g for gs in by_suite.values() for g in gs], cv.C)
    model = replace(model, meta={**model.meta, **train.describe(by_suite, cv, index)})
    out = args.out or MODEL_PATH
    model.save(out)
    result: dict[str, Any] = {"model": str(out), "C": cv.C, "folds": cv.folds}
    if args.cv_eval:
        result["eval"] = _cv_eval(settings, index, by_suite, cv.C)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        _print(result)
    return 0


def _cv_eval(
    settings: Any, index: Any, by_suite: dict[str, list[Any]], c: float
) -> dict[str, dict[str, Any]]:
    """Each suite through `run_eval` with the model fitted without it."""
    from assistant.api import Assistant
    from evals import train
    from evals.runner import run_eval

    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="hjemmel-cv-") as tmp:
        for held in by_suite:
            fold = train.fit([g for s, gs in by_suite.items() if s != held for g in gs], c)
            path = Path(tmp) / f"ranker-without-{held}.json"
            fold.save(path)
            fold_settings = replace(settings, ranker=path)
            result = run_eval(
                fold_settings, held, ("hjemmel",), progress=False,
                assistant=Assistant(index, fold_settings),
            )  # fmt: skip
            out[held] = {**result["pipelines"]["hjemmel"], "run_id": result["run_id"]}
    return out


def _print(result: dict[str, Any]) -> None:
    print(f"Modell skrevet: {result['model']} (C = {result['C']})")
    print("Kryssvalidering (hvert sett rangert av en modell som ikke så det):")
    for suite, fold in result["folds"].items():
        print(f"  {suite:10s} beste avsnitt er gull {fold['passage@1']:.3f}  (n = {fold['n']:.0f})")
    for suite, summary in result.get("eval", {}).items():
        figures = "  ".join(
            f"{k}={summary.get(k):.3f}" if isinstance(summary.get(k), float) else f"{k}=–"
            for k in SHOWN
        )
        print(f"  {suite:10s} {figures}")
