"""The short answer line: «Ja – kriminalomsorgen skal varsle lege «uten ugrunnet opphold» [1].»

Built only from the frame of the deciding sentence (and, for a «Nei, ikke uten …», the frames of
the other quoted sentences), when that frame settles the asked slot:

- yes/no: the frame binds the party asked about, does the asked act (or its kind: telling is
  sharing or notifying), and no condition contradicts the question; its modality then gives
  «Ja» or «Nei» («skal», «kan», «er ikke til hinder for» → Ja; «skal ikke», «har taushetsplikt»,
  «er ikke forpliktet» → Nei), followed by the deciding clause in the source's words and the
  conditions and deadline it sets;
- how often / how long / how soon: the time span itself («Minimum en gang per døgn [1].»);
- who: the actor's clause; which provision: the cited provision as the source writes it.

Every fragment is a span of a quoted sentence or of the lead-in shown with it; the only other
words are «Ja», «Nei», «ikke uten», «eller» and the dash (`OWN_WORDS`). When the frames do not
settle it, there is no short line. It never decides what is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis import lexicon as lx
from analysis.asks import Ask
from analysis.legalrefs import law_mentions
from analysis.records import Frame, Span
from assistant.answer.features import same_party
from assistant.answer.units import Unit

# The words a short line may hold that are not the quotes' own.
OWN_WORDS = frozenset({"ja", "nei", "ikke", "uten", "eller", "–"})
MAX_WORDS = 30  # a clause longer than this is no short answer: the quotes stand alone
# Where a clause ends; «helse- og omsorgstjenesten» is one name, not two clauses.
_CLAUSE_END = re.compile(r"[,.;:]|(?<!-)\s(?:jf|dersom|hvis|når|som|men|og)\b")
_SUBORDINATOR = re.compile(r"(?:dersom|hvis|når|med mindre|så lenge|uavhengig av)\s[^,.;]*$", re.I)


def _text(span: Span, unit: Unit) -> str:
    p = unit.passage
    if span.where == "context":
        return p.context[span.start : span.end]
    if span.where == "structure":
        return ""
    return p.text[span.start : span.end]


def _clause_start(text: str, start: int) -> int:
    """Widen a condition span back to its subordinator in the same clause («dersom det er noe som
    tyder på at …»)."""
    before = text[max(0, start - 60) : start]
    m = _SUBORDINATOR.search(before)
    return start - (len(before) - m.start()) if m else start


def _verdict(ask: Ask, modal: str) -> str:
    if ask.modality == "obligation":
        return {"skal": "Ja", "skal_ikke": "Nei", "ikke_plikt": "Nei"}.get(modal, "")
    if ask.modality == "permission":
        if modal in lx.FORBIDS:
            return "Nei"
        return "Ja" if modal in lx.PERMITS else ""
    if ask.modality == "recommendation":
        return {"bør": "Ja", "skal": "Ja", "bør_ikke": "Nei", "skal_ikke": "Nei"}.get(modal, "")
    return ""


def _agrees(ask: Ask, frame: Frame) -> bool:
    """The frame is about the party, the act and the conditions the question asks about."""
    actor = frame.actor.label if frame.actor else ""
    if ask.actor and not same_party(actor, ask.actor):
        return False
    actions = frame.labels("actions")
    if ask.actions and not (
        ask.actions & actions or any(lx.RELATED.get(a, frozenset()) & actions for a in ask.actions)
    ):
        return False
    counterpart = frame.counterpart.label if frame.counterpart else ""
    if ask.counterpart and counterpart and not same_party(counterpart, ask.counterpart):
        return False
    conditions = frame.labels("conditions")
    for pair in lx.EXCLUSIVE:
        if pair & ask.conditions and pair & conditions and not pair & ask.conditions & conditions:
            return False
    situations = conditions & lx.SITUATIONS
    asked = ask.conditions & lx.SITUATIONS
    return not (situations and asked and not situations & asked)


def _core(unit: Unit, frame: Frame) -> str | None:
    """The deciding clause: from the actor (or the modal, or the act) through the act and its
    counterpart, with a list item's actor and modal from its lead-in."""
    text = unit.passage.text
    inside = [s for s in (frame.actor, frame.modality) if s is not None and s.where == "text"]
    acts = [a for a in frame.actions if a.where == "text"]
    if not acts:
        return None
    start = min([s.start for s in inside] + [acts[0].start])
    head = text[frame.start : start]
    if frame.modality is not None and frame.modality.where == "text" and 0 < len(head.split()) <= 8:
        start = frame.start  # «Taushetsplikten er ikke til hinder for …»: its subject too
    end = acts[0].end
    if frame.counterpart is not None and frame.counterpart.start >= acts[0].start:
        end = max(end, frame.counterpart.end)
    # The object after the act, up to the clause's end when that is near («… skal ikke «klarere»
    # bruk av tvangsmidler»), and never an unclosed quotation mark.
    rest = _CLAUSE_END.search(text, end, frame.end)
    stop = rest.start() if rest else frame.end
    if len(text[end:stop].split()) <= 5:
        end = stop
    elif text[start:end].count("«") > text[start:end].count("»"):
        end = text.index("»", end) + 1 if "»" in text[end : frame.end] else end
    clause = " ".join(text[start:end].split())
    # Actor before modal, whatever the lead-in's word order («Ved utelukkelse skal
    # kriminalomsorgen:» → «kriminalomsorgen skal»).
    lead = [s for s in (frame.actor, frame.modality) if s is not None and s.where == "context"]
    prefix = " ".join(_text(s, unit) for s in lead)
    return f"{prefix} {clause}".strip()


def _conditions(unit: Unit, frame: Frame, clause: str, ask: Ask) -> list[str]:
    out = []
    for cond in frame.conditions:
        if cond.label in lx.SITUATIONS or cond.where != "text":
            continue
        text = unit.passage.text
        start = _clause_start(text, cond.start)
        words = " ".join(text[start : cond.end].split())
        if words.lower() not in clause.lower():
            out.append(words)
    return out


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _marker(unit: Unit, numbers: dict[str, int]) -> str:
    return f"[{numbers[unit.passage.id]}]" if unit.passage.id in numbers else ""


def _words(text: str) -> int:
    return len(re.findall(r"[\wæøå§]+", text))


def short_line(ask: Ask, quoted: Sequence[Unit], numbers: dict[str, int]) -> str:
    """The short answer line for the deciding unit (`quoted[0]`), or "" when its frame does not
    settle the asked slot. `numbers` maps passage ids to their citation markers."""
    if not quoted or quoted[0].frame is None:
        return ""
    unit, frame = quoted[0], quoted[0].frame
    mark = _marker(unit, numbers)
    if ask.slot in ("frequency", "duration", "deadline"):
        span = next((t for t in frame.time if t.label == ask.slot), None)
        return f"{_upper_first(_text(span, unit))} {mark}." if span else ""
    if ask.slot == "provision" and frame.basis:
        return _provision(unit, frame.basis[0], mark)
    if ask.slot == "who" and frame.actor is not None and frame.actor.where == "text":
        who = _core(unit, frame) or _text(frame.actor, unit)
        return f"{_upper_first(who)} {mark}." if _words(who) <= MAX_WORDS else ""
    if ask.slot != "yesno" or not ask.actions or frame.modality is None or not _agrees(ask, frame):
        return ""
    verdict = _verdict(ask, frame.modality.label)
    if not verdict:
        return ""
    if verdict == "Nei" and frame.modality.label == "taus":
        return _not_without(unit, quoted, numbers, mark)
    clause = _core(unit, frame)
    if clause is None:
        return ""
    parts = [clause, *_conditions(unit, frame, clause, ask)]
    times = [t for t in frame.time if t.label == "deadline" and t.where == "text"]
    line = ", ".join(_lower_first(p) for p in parts)
    if times and _text(times[0], unit).lower() not in line.lower():
        line += f" «{_text(times[0], unit)}»"
    if _words(line) > MAX_WORDS:
        return ""
    return f"{verdict} – {line} {mark}."


def _provision(unit: Unit, basis: Span, mark: str) -> str:
    text = unit.passage.text
    start = basis.start
    # The law as the source names it, right before the § («straffeprosessloven § 186 a»).
    before = [m for m in law_mentions(text) if m[1] <= basis.start and basis.start - m[1] <= 3]
    if before:
        start = before[-1][0]
    words = " ".join(text[start : basis.end].split())
    return f"{_upper_first(words)} {mark}." if words else ""


def _not_without(unit: Unit, quoted: Sequence[Unit], numbers: dict[str, int], mark: str) -> str:
    """«Nei – ikke uten samtykke [1][2].»: confidentiality binds, and another quoted sentence
    names the consent (or the exception) that lifts it."""
    lifts = []
    for other in quoted[1:]:
        f = other.frame
        if (
            f is None
            or f.modality is None
            or f.modality.label not in ("ikke_hinder", "kan", "rett")
        ):
            continue
        for cond in f.conditions:
            if cond.label in ("samtykke", "fare") and cond.where == "text":
                lifts.append((cond, other))
    words: list[str] = []
    marks = [mark]
    shown = " ".join(u.quote.lower() for u in quoted)
    for cond, other in lifts:
        # Consent by its own word; an exception by the source's words for it.
        word = "samtykke" if cond.label == "samtykke" else " ".join(_text(cond, other).split())
        if word.lower() not in shown or word in words:
            continue
        words.append(word)
        m = _marker(other, numbers)
        if m and m not in marks:
            marks.append(m)
    if not words:
        return ""
    return f"Nei – ikke uten {' eller '.join(words)} {''.join(marks)}."
