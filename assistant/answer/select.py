"""Select: which ranked sentences an answer quotes, and in what order.

Given the ranked units (`assistant.answer.rank`), it picks what a legal adviser would say first:

- `primary`: the sentence that decides (the best-ranked), with the one to two that decide with it
  (scoring within PRIMARY_MARGIN of it; one contiguous quote per passage, two passages at most);
- `extra`: at most one sentence of another passage that adds something (within EXTRA_MARGIN);
- `further`: «Mer i kildene», the best sentence of each other candidate passage within
  FURTHER_MARGIN of the deciding one (none is fine), in ranking order.

A unit is never quoted without what it leans on (`with_antecedent`, and the preceding paragraph's
last sentence when it opens its paragraph leaning back) nor without the sentence after it that
carries its basis, scope or verdict (`with_continuation`); a list item is quoted whole under its
lead-in, the whole list only when the question asks for the list. Every quote is a slice of its
passage's text by construction. It does not rank, refuse or write text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from analysis import lexicon as lx
from analysis.records import Frame
from assistant.answer.units import (
    Unit,
    last_sentence,
    list_key,
    opens_leaning,
    whole,
    with_antecedent,
    with_continuation,
)
from ingest.records import Passage

__all__ = ["Selection", "Unit", "list_key", "select"]

MAX_PRIMARY = 3  # units that decide the question
MAX_PRIMARY_PASSAGES = 2
MAX_EXTRA = 1
MAX_CITED = 5  # passages cited, unless the question asks for a whole list
MAX_FURTHER = 5
COMMENT_WHOLE = 70  # words: a comment this short is quoted whole
MAX_LIST_ITEMS = 12  # a list this long or shorter is quoted whole when the question asks for it
# Margins below the deciding sentence's score (the ranker's units: a pairwise log-odds), used when
# the model file holds none of its own (`evals.train` fits them; see `Ranker.margin`).
PRIMARY_MARGIN = 1.0
EXTRA_MARGIN = 1.5
FURTHER_MARGIN = 3.0


@dataclass(frozen=True)
class Margins:
    primary: float = PRIMARY_MARGIN
    extra: float = EXTRA_MARGIN
    further: float = FURTHER_MARGIN


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

    @property
    def deciding(self) -> Unit | None:
        return self.primary[0] if self.primary else None


def _take(unit: Unit, chosen: list[Unit], previous: Callable[[Passage], Passage | None]) -> None:
    """Add `unit` widened to what it leans on and to what carries it on; when it opens its
    paragraph leaning back, the preceding paragraph's last sentence goes right before it."""
    unit = with_continuation(with_antecedent(whole(unit)))
    if unit.passage.kind == "comment" and len(unit.passage.text.split()) <= COMMENT_WHOLE:
        # A consultation comment is one argument: its observation and its verdict go together.
        unit = replace(unit, start=0, end=len(unit.passage.text))
    if opens_leaning(unit):
        before = previous(unit.passage)
        if before is not None:
            chosen.append(last_sentence(before, unit.score, unit.rank))
    chosen.append(unit)


def _adjacent(unit: Unit, chosen: Sequence[Unit]) -> bool:
    """True when `unit` touches or overlaps a chosen span of its passage."""
    text = unit.passage.text
    for u in chosen:
        if u.passage.id != unit.passage.id:
            continue
        lo, hi = sorted([(u.start, u.end), (unit.start, unit.end)])
        if hi[0] <= lo[1] or not text[lo[1] : hi[0]].strip():
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
    ordered: Sequence[Unit],
    lists: bool,
    siblings: Callable[[Passage], Sequence[Passage]],
    previous: Callable[[Passage], Passage | None],
    margins: Margins = Margins(),
    adds: Callable[[Unit], bool] = lambda u: True,
    wanted: frozenset[str] = frozenset(),
) -> Selection:
    """Pick the deciding units, the one that adds something, and «Mer i kildene» from `ordered`
    (best first); `lists`: the question asks for a whole list of duties; `adds`: whether a unit
    adds something on the question's frame (a rule for a situation the question does not ask
    about does not), for the extra quote and «Mer i kildene»."""
    sel = Selection()
    ordered = [u for u in ordered if u.passage.kind != "footnote" or u.rank == 1]
    if not ordered:
        return sel
    best = ordered[0].score
    primary: list[Unit] = []
    for unit in ordered:
        passages = {u.passage.id for u in primary}
        if len(primary) >= MAX_PRIMARY or unit.score < best - margins.primary:
            break
        if any(u.start <= unit.start < u.end for u in primary if u.passage.id == unit.passage.id):
            continue  # already quoted (a widened span or a whole list item)
        if unit.passage.id not in passages and len(passages) >= MAX_PRIMARY_PASSAGES:
            continue
        if unit.passage.id in passages and not _adjacent(unit, primary):
            continue  # one contiguous quote per passage: a distant sentence drags in the rest
        _take(unit, primary, previous)
    if primary and wanted:
        at = next(i for i, u in enumerate(primary) if u.passage.id == ordered[0].passage.id)
        primary[at] = _with_wanted(primary[at], wanted)
    cited = {u.passage.id for u in primary}
    extra: list[Unit] = []
    for unit in ordered:
        if len(extra) >= MAX_EXTRA or len(cited) >= MAX_CITED:
            break
        if unit.passage.id in cited or unit.score < best - margins.extra or not adds(unit):
            continue
        _take(unit, extra, previous)
        cited |= {u.passage.id for u in extra}
    in_primary = {u.passage.id for u in primary}
    # An extra quote's antecedent may lie in a passage the primary quotes: that quote widens.
    sel.primary = _merge([*primary, *(u for u in extra if u.passage.id in in_primary)])
    keys = {list_key(u.passage) for u in sel.primary} - {None}
    for unit in _merge(extra):
        if unit.passage.id in in_primary:
            continue
        if list_key(unit.passage) in keys:
            sel.primary.append(unit)  # another item of a list already quoted joins it
        else:
            sel.extra.append(unit)
    sel.primary = _lists_together(sel.primary)
    _lists(sel, lists, siblings)
    sel.further = _further(
        [u for u in ordered if adds(u)], {u.passage.id for u in sel.cited}, best - margins.further
    )
    return sel


def _with_wanted(unit: Unit, wanted: frozenset[str]) -> Unit:
    """The deciding quote widened, within its passage, to the sentence stating a condition or a
    situation the question names («Innsatte under 18 år skal ha kontinuerlig tilsyn» after «… én
    gang i timen på dagtid» to a question about a 16-year-old)."""

    # A situation counts as stated only in a sentence's own words: a list's lead-in («Ved bruk av
    # sikkerhetscelle eller sikkerhetsseng skal …») names both, the item's next sentence («Ved bruk
    # av sikkerhetsseng skal det gjennomføres kontinuerlig tilsyn») the rule for one.
    def stated(f: Frame) -> set[str]:
        return {c.label for c in f.conditions if c.label not in lx.SITUATIONS or c.where == "text"}

    shown = {c for f in unit.passage.frames if f.start < unit.end and f.end > unit.start
             for c in stated(f)}  # fmt: skip
    missing = wanted - shown
    spans = [(f.start, f.end) for f in unit.passage.frames if missing & stated(f)]
    if not spans:
        return unit
    return replace(unit, start=min(unit.start, spans[0][0]), end=max(unit.end, spans[0][1]))


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


def _lists(
    sel: Selection, whole_list: bool, siblings: Callable[[Passage], Sequence[Passage]]
) -> None:
    """Whole list when asked for (up to MAX_LIST_ITEMS); otherwise count the items not shown."""
    for i, unit in enumerate(list(sel.primary)):
        key = list_key(unit.passage)
        items = siblings(unit.passage) if key else ()
        if not key or key in sel.list_rest:
            continue
        have = {u.passage.id for u in sel.cited}
        # Only the deciding list is completed: another service's list stays a matching item.
        if whole_list and i == 0 and len(items) <= MAX_LIST_ITEMS:
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


def _further(ordered: Sequence[Unit], cited: set[str], floor: float) -> list[Unit]:
    """The best unit of each other candidate passage scoring at least `floor`, best first."""
    out: list[Unit] = []
    seen = set(cited)
    for unit in ordered:
        if len(out) >= MAX_FURTHER or unit.score < floor:
            break
        if unit.passage.id in seen or unit.passage.kind in ("footnote", "heading"):
            continue
        seen.add(unit.passage.id)
        out.append(with_antecedent(whole(unit)))
    return out
