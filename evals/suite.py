"""Evaluation suites: find one by name or path, parse it into `SuiteItem`s, pick the smoke subset.

A suite is a JSONL file (format in `evals/suites/README.md`; every .jsonl in evals/suites/ is a
bundled suite known by its name: core, heldout, heldout2, everyday, …) or a spreadsheet (.csv,
.xlsx) read by `evals.sheets`. Gold given as a passage id is resolved against the index's passages
by `resolve_passage_gold`. It deliberately runs and scores nothing: `evals.runner` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evals.baselines import GoldRef

SUITES_DIR = Path(__file__).resolve().parent / "suites"
DEFAULT_SUITE = "core"
SMOKE_PER_TOPIC = 3
SMOKE_REFUSALS = 2
SMOKE_MULTITURN = 2


class SuiteError(ValueError):
    """The suite file is missing or malformed; the message (Norwegian) says where."""


@dataclass(frozen=True)
class SuiteItem:
    id: str
    topic: str
    role: str
    lang: str
    tags: tuple[str, ...]
    question: str
    history: tuple[str, ...]
    gold: tuple[GoldRef, ...]
    facts: tuple[tuple[str, ...], ...]
    expect_refusal: bool
    actor: str | None = None  # who the gold sentence binds (role-label accuracy), when given
    short: str | None = None  # «ja»/«nei»: the short answer a yes/no question settles, when given


def suite_names() -> list[str]:
    """The bundled suites: every .jsonl file in evals/suites/ (core, heldout, …)."""
    return sorted(p.stem for p in SUITES_DIR.glob("*.jsonl"))


def resolve_suite(spec: str | None) -> Path:
    """A path to a suite file (.jsonl, .csv, .xlsx), or a bundled suite's name (default «core»)."""
    spec = spec or DEFAULT_SUITE
    path = Path(spec)
    if not path.is_file():
        path = SUITES_DIR / f"{spec}.jsonl"
    if not path.is_file():
        raise SuiteError(
            f"Fant ikke evalueringssettet «{spec}» (verken som fil eller i {SUITES_DIR})."
        )
    return path


def _item(data: dict[str, Any]) -> SuiteItem:
    gold = tuple(
        GoldRef(quote=g["passage"], passage=g["passage"])
        if "passage" in g
        else GoldRef(quote=g["quote"], doc=g.get("doc"), section=g.get("section"))
        for g in data.get("gold", [])
    )
    facts = tuple(tuple(f) if isinstance(f, list) else (str(f),) for f in data.get("facts", []))
    history = tuple(
        h["question"] if isinstance(h, dict) else str(h) for h in data.get("history", [])
    )
    return SuiteItem(
        id=str(data["id"]),
        topic=str(data.get("topic", "annet")),
        role=str(data.get("role", "alle")),
        lang=str(data.get("lang", "no")),
        tags=tuple(data.get("tags", ())),
        question=str(data["question"]),
        history=history,
        gold=gold,
        facts=facts,
        expect_refusal=bool(data.get("expect_refusal", False)),
        actor=data.get("actor") or None,
        short=data.get("short") or None,
    )


def load_suite(
    path: Path, texts: Any = None, passage_ids: frozenset[str] | None = None
) -> list[SuiteItem]:
    """Parse a suite: a spreadsheet (.csv/.xlsx, checked with row and column named in every
    message, gold against `texts` when given) or JSONL (blank lines and lines starting with #
    are skipped); ids must be unique."""
    if path.suffix.lower() in (".csv", ".xlsx"):
        from evals.sheets import SheetError, read_suite

        try:
            return [_item(d) for d in read_suite(path, texts, passage_ids)]
        except SheetError as exc:
            raise SuiteError(str(exc)) from exc
    items: list[SuiteItem] = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            items.append(_item(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise SuiteError(f"{path}:{no}: ugyldig spørsmål ({exc})") from exc
    ids = [i.id for i in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SuiteError(f"{path}: samme id flere ganger: {', '.join(dupes)}")
    return items


def resolve_passage_gold(items: Sequence[SuiteItem], passages: Sequence[Any]) -> list[SuiteItem]:
    """Gold given as a passage id becomes that passage's text, located in its document."""
    by_id = {p.id: p for p in passages}
    out: list[SuiteItem] = []
    for item in items:
        gold: list[GoldRef] = []
        for g in item.gold:
            if g.passage is None:
                gold.append(g)
                continue
            p = by_id.get(g.passage)
            if p is None:
                raise SuiteError(f"{item.id}: ukjent avsnitts-id «{g.passage}» i gull")
            gold.append(GoldRef(quote=p.text, doc=p.doc_id, section=p.section))
        out.append(replace(item, gold=tuple(gold)))
    return out


def smoke_subset(items: Sequence[SuiteItem]) -> list[SuiteItem]:
    """The first few single-turn answerable questions of each topic, the first refusals and the
    first multi-turn conversations, in suite order. A rule, so it follows the suite as it grows."""
    chosen: set[str] = set()
    per_topic: dict[str, int] = {}
    refusals = multiturn = 0
    for item in items:
        if item.history:
            if multiturn < SMOKE_MULTITURN:
                chosen.add(item.id)
                multiturn += 1
        elif item.expect_refusal:
            if refusals < SMOKE_REFUSALS:
                chosen.add(item.id)
                refusals += 1
        elif per_topic.get(item.topic, 0) < SMOKE_PER_TOPIC:
            chosen.add(item.id)
            per_topic[item.topic] = per_topic.get(item.topic, 0) + 1
    return [i for i in items if i.id in chosen]
