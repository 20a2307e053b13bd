"""Extractive answer selection: which verbatim spans answer the question, and in what order.

Given the scored candidate units of the ranked passages (`assistant.answer.units`), it picks what a legal
adviser would say first:

- `primary`: the one to three units that decide the question, best first;
- `extra`: at most a few more that add something (another passage, another actor);
- `further`: the best unit of each remaining retrieved passage, for «Mer i kildene».

A unit is never quoted without what it leans on: a sentence that refers back («Dette …», «I slike
tilfeller …») is widened to the sentence before it, or brings the preceding paragraph's last
sentence when it opens its paragraph; a list item is shown under its lead-in, the whole list only
when the question asks for the list. Every quote is a slice of its passage's text by construction.
It does not retrieve, decide refusal or write text (`assistant.answer.render` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from analysis.actors import sentence_actor
from assistant.answer.units import (
    Unit,
    last_sentence,
    list_key,
    opens_leaning,
    score_units,
    units_of,
    with_antecedent,
)
from assistant.records import Hit
from ingest.records import Passage

__all__ = ["Selection", "Unit", "list_key", "score_units", "select", "with_antecedent"]

MAX_PRIMARY = 3  # units that decide the question
MAX_PRIMARY_PASSAGES = 2
PRIMARY_RELATIVE = 0.7  # a second or third deciding unit scores at least this share of the best
# One further passage quoted because it adds something; the rest is «Mer i kildene». Measured on
# core: two extras → one, median words 84 → 74, fact recall 0.671 → 0.654 (held-out suites alike).
MAX_EXTRA = 1
# An extra quote matches the question at least this share as well as the deciding one does,
# judged without the retrieval prior (which is steep, so that the best passage decides).
EXTRA_RELATIVE = 0.9
MAX_CITED = 5  # passages cited, unless the question asks for a whole list
MAX_FURTHER = 5
MAX_LIST_ITEMS = 12  # a list this long or shorter is quoted whole when the question asks for it
# Within the deciding passage, a sentence binding a named actor («Helsepersonell har …», «X skal
# …») is preferred to one explaining it («Taushetsplikten skal også bidra til …»).
DUTY_PRIOR = 1.3
# A question asks for a whole list when it asks for duties or tasks, not for any «hvilke X»
# («Hvilke medisiner står han på?» is no question about a list in the sources).
_LIST_QUESTION = re.compile(
    r"\b(hvilke (plikter|oppgaver|tiltak|krav|rettigheter|regler|elementer)|"
    r"hva (skal|må) \w+ gjøre|hva (er|inneb\w*) \w*\s*(plikt|oppgave|ansvar)\w*|"
    r"list\w*|oppgavene|pliktene|what are the|which duties|what must)\b",
    re.I,
)


@dataclass
class Selection:
    """What an answer quotes, in the order it is shown."""

    primary: list[Unit] = field(default_factory=list)
    extra: list[Unit] = field(default_factory=list)
    further: list[Unit] = field(default_factory=list)
    # Items of a quoted list that are not shown, by list key (shown as «N punkter til i listen»).
    list_rest: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def cited(self) -> list[Unit]:
        return [*self.primary, *self.extra]


def asks_for_list(question: str) -> bool:
    return bool(_LIST_QUESTION.search(question))


def _take(unit: Unit, chosen: list[Unit], previous: Callable[[Passage], Passage | None]) -> None:
    """Add `unit` (widened to its antecedent) and, when it opens its paragraph leaning back, the
    preceding paragraph's last sentence right before it."""
    unit = with_antecedent(unit)
    if opens_leaning(unit):
        before = previous(unit.passage)
        if before is not None:
            # Its last sentence joins the quote of that paragraph (one span per passage, merged).
            chosen.append(last_sentence(before, unit.score, unit.rank))
    chosen.append(unit)


def _rule_first(ordered: list[Unit]) -> list[Unit]:
    """Within the best passage, put the sentence stating a rule first (DUTY_PRIOR)."""
    top = ordered[0].passage.id
    same = [u for u in ordered if u.passage.id == top]
    pick = max(same, key=lambda u: u.score * (DUTY_PRIOR if _binds_someone(u) else 1.0))
    if pick is ordered[0]:
        return ordered
    return [replace(pick, score=ordered[0].score), *(u for u in ordered if u is not pick)]


def _binds_someone(unit: Unit) -> bool:
    return bool(sentence_actor(unit.quote, strict=True))


def _adjacent(unit: Unit, chosen: Sequence[Unit]) -> bool:
    """True when `unit` touches a chosen span of its passage (only whitespace between)."""
    text = unit.passage.text
    for u in chosen:
        if u.passage.id != unit.passage.id:
            continue
        lo, hi = sorted([(u.start, u.end), (unit.start, unit.end)])
        if not text[lo[1] : hi[0]].strip():
            return True
    return False


def _merge(units: Sequence[Unit]) -> list[Unit]:
    """One unit per passage, spanning its quoted sentences in source order, at the first's place."""
    out: dict[str, Unit] = {}
    for u in units:
        have = out.get(u.passage.id)
        out[u.passage.id] = (
            u
            if have is None
            else replace(have, start=min(have.start, u.start), end=max(have.end, u.end))
        )
    return list(out.values())


def select(
    units: Sequence[Unit],
    question: str,
    hits: Sequence[Hit],
    siblings: Callable[[Passage], Sequence[Passage]],
    previous: Callable[[Passage], Passage | None],
    named: Collection[str] = (),
) -> Selection:
    """Pick the deciding units, the few that add something, and «Mer i kildene».

    `named` are the documents the question names («Hva mener NKROP …»): when they have a
    candidate unit, the answer opens with it.
    """
    sel = Selection()
    ordered = sorted(units, key=lambda u: (-u.score, u.rank, u.start))
    ordered = [u for u in ordered if u.passage.kind != "footnote" or u.rank == 1]
    if not ordered:
        return sel
    if any(u.passage.doc_id in named for u in ordered):
        ordered.sort(key=lambda u: u.passage.doc_id not in named)  # stable: score order kept
    ordered = _rule_first(ordered)
    best = ordered[0].score
    primary: list[Unit] = []
    for unit in ordered:
        passages = {u.passage.id for u in primary}
        if len(primary) >= MAX_PRIMARY or unit.score < PRIMARY_RELATIVE * best:
            break
        if unit.passage.id not in passages and len(passages) >= MAX_PRIMARY_PASSAGES:
            continue
        if unit.passage.id in passages and not _adjacent(unit, primary):
            continue  # one contiguous quote per passage: a distant sentence would drag in the rest
        _take(unit, primary, previous)
    cited = {u.passage.id for u in primary}
    best_cover = max(u.cover for u in primary)
    extra: list[Unit] = []
    for unit in ordered:
        if len(extra) >= MAX_EXTRA or len(cited) >= MAX_CITED:
            break
        if unit.passage.id in cited or unit.cover < EXTRA_RELATIVE * best_cover:
            continue
        _take(unit, extra, previous)
        cited |= {u.passage.id for u in extra}
    in_primary = {u.passage.id for u in primary}
    # An extra quote's antecedent may lie in a passage the primary quotes: that quote widens.
    sel.primary = _merge([*primary, *(u for u in extra if u.passage.id in in_primary)])
    sel.extra = []
    lists = {list_key(u.passage) for u in sel.primary} - {None}
    for unit in _merge(extra):
        if unit.passage.id in in_primary:
            continue
        if list_key(unit.passage) in lists:
            sel.primary.append(unit)  # another item of a list already quoted joins it
        else:
            sel.extra.append(unit)
    sel.primary = _lists_together(sel.primary)
    _lists(sel, question, siblings)
    sel.further = _further(ordered, hits, {u.passage.id for u in sel.cited})
    return sel


def _lists_together(units: Sequence[Unit]) -> list[Unit]:
    """Keep the order, but pull the items of one list together at the first one's place."""
    out: list[Unit] = []
    seen: set[tuple[str, str, str]] = set()
    for unit in units:
        key = list_key(unit.passage)
        if key is None:
            out.append(unit)
        elif key not in seen:
            seen.add(key)
            out.extend(u for u in units if list_key(u.passage) == key)
    return out


def _lists(sel: Selection, question: str, siblings: Callable[[Passage], Sequence[Passage]]) -> None:
    """Whole list when asked for (up to MAX_LIST_ITEMS); otherwise count the items not shown."""
    whole = asks_for_list(question)
    for i, unit in enumerate(list(sel.primary)):
        key = list_key(unit.passage)
        items = siblings(unit.passage) if key else ()
        if not key or key in sel.list_rest:
            continue
        have = {u.passage.id for u in sel.cited}
        # Only the deciding list is completed: another service's list stays a matching item.
        if whole and i == 0 and len(items) <= MAX_LIST_ITEMS:
            at = sel.primary.index(unit)
            added = [
                Unit(q, 0, len(q.text), unit.score, unit.rank) for q in items if q.id not in have
            ]
            sel.primary[at + 1 : at + 1] = added
            sel.extra = [u for u in sel.extra if u.passage.id not in {q.id for q in items}]
            sel.list_rest[key] = 0
        else:
            sel.list_rest[key] = sum(1 for q in items if q.id not in have)
    for unit in sel.extra:
        key = list_key(unit.passage)
        if key and key not in sel.list_rest:
            have = {u.passage.id for u in sel.cited}
            sel.list_rest[key] = sum(1 for q in siblings(unit.passage) if q.id not in have)


def _further(ordered: Sequence[Unit], hits: Sequence[Hit], cited: set[str]) -> list[Unit]:
    """The best unit of each retrieved passage not cited, in ranking order."""
    best: dict[str, Unit] = {}
    for unit in ordered:
        best.setdefault(unit.passage.id, unit)
    out: list[Unit] = []
    for hit in hits:
        p = hit.passage
        if p.id in cited or p.kind in ("footnote", "heading") or len(out) >= MAX_FURTHER:
            continue
        first = (units_of(p) or [(0, len(p.text))])[0]
        found = best.get(p.id) or Unit(p, first[0], first[1], 0.0, 99)
        out.append(with_antecedent(found))
    return out
