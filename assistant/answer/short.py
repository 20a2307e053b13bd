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
from analysis.sentences import split_sentences, states_precondition
from assistant.answer.features import does_asked_act, same_party, tells_asked_party
from assistant.answer.units import Unit

# The words a short line may hold that are not the quotes' own.
OWN_WORDS = frozenset({"ja", "nei", "ikke", "uten", "eller", "bare", "–"})
MAX_WORDS = 30  # a clause longer than this is no short answer: the quotes stand alone
# Where a clause ends; «helse- og omsorgstjenesten» is one name, not two clauses; a relative
# clause («skader som den innsatte har pådratt seg») belongs to its noun.
_CLAUSE_END = re.compile(r"[,;:]|\.(?=\s|$)|\s(?:jf|dersom|hvis|når|men)\b")
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
    if not does_asked_act(ask, frame) or not tells_asked_party(ask, frame):
        return False
    conditions = frame.labels("conditions")
    for pair in lx.EXCLUSIVE:
        if pair <= lx.PRECONDITIONS:
            continue  # judged by the verdict: «Nei – bare dersom den innsatte samtykker»
        if pair & ask.conditions and pair & conditions and not pair & ask.conditions & conditions:
            return False
    # A condition the question names that the rule does not state («truer med å skade» against
    # «dersom de vurderer soningsforholdet som skadelig»): the rule may not be the one that applies.
    if (ask.conditions & lx.HELD_CONDITIONS) - conditions:
        return False
    situations = conditions & lx.SITUATIONS
    asked = ask.conditions & lx.SITUATIONS
    return not (situations and asked and not situations & asked)


def _core(unit: Unit, frame: Frame) -> str | None:
    """The deciding clause: from the actor (or the modal, or the act) through the act, its
    counterpart and object to the clause's end, with a list item's actor and modal from its
    lead-in. A list item's sentence starts with its verb («utarbeide en ukeplan …»): it is taken
    from its start (after a condition opening it: «hvis den innsatte samtykker, invitere …»)."""
    text = unit.passage.text
    inside = [s for s in (frame.actor, frame.modality) if s is not None and s.where == "text"]
    acts = [a for a in frame.actions if a.where == "text"]
    if not acts:
        return None
    lead = [s for s in (frame.actor, frame.modality) if s is not None and s.where == "context"]
    if lead and not inside:
        start = frame.start
        opening = re.match(
            r"(?:hvis|dersom|når|ved behov)[^,]{0,80},\s*", text[start : frame.end], re.I
        )
        if opening:
            start += opening.end()
    else:
        start = min([s.start for s in inside] + [acts[0].start])
        head = text[frame.start : start]
        if (
            frame.modality is not None
            and frame.modality.where == "text"
            and 0 < len(head.split()) <= 8
        ):
            start = frame.start  # «Taushetsplikten er ikke til hinder for …»: its subject too
    end = max(acts[0].end, start)
    counterpart = frame.counterpart
    if counterpart is not None and acts[0].start <= counterpart.start < _clause_end(
        text, end, frame.end
    ):
        end = max(end, counterpart.end)  # to whom, when it is in the act's own clause
    # The object after the act, up to the clause's end («… skal ikke «klarere» bruk av
    # tvangsmidler», «dokumentere eventuelle skader som den innsatte har pådratt seg …»), when the
    # whole stays short; never an unclosed quotation mark.
    stop = _clause_end(text, end, frame.end)
    if _words(text[start:stop]) <= MAX_WORDS - 6:
        end = stop
    elif text[start:end].count("«") > text[start:end].count("»"):
        end = text.index("»", end) + 1 if "»" in text[end : frame.end] else end
    clause = " ".join(text[start:end].split()).rstrip(",;: ")
    # Actor before modal, whatever the lead-in's word order («Ved utelukkelse skal
    # kriminalomsorgen:» → «kriminalomsorgen skal»).
    prefix = " ".join(_text(s, unit) for s in lead)
    return f"{prefix} {clause}".strip()


# A comma inside a list of words joined by «og»/«eller» («et forsvarlig, godt og jevnlig tilsyn»):
# cut there, the clause would end on «et forsvarlig».
_LIST_COMMA = re.compile(r",\s*[\wæøå-]+(?:,\s*[\wæøå-]+)*\s+(?:og|eller)\s", re.I)


def _clause_end(text: str, at: int, limit: int) -> int:
    """Where the clause around `at` ends: a comma (not one inside a list of words joined by
    «og»/«eller»), a full stop, «jf.», a new condition."""
    pos = at
    while True:
        m = _CLAUSE_END.search(text, pos, limit)
        if m is None:
            return limit
        if m.group(0) == "," and _LIST_COMMA.match(text, m.start()):
            pos = m.end()
            continue
        return m.start()


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
        frame = _own_situation(ask, unit, frame)
        span = next((t for t in frame.time if t.label == ask.slot), None)
        if span is None or not ask.actions or not _agrees(ask, frame):
            return ""  # a time of another act («tre døgn» before a weekly plan) is no answer
        return f"{_upper_first(_text(span, unit))} {mark}."
    if ask.slot == "provision" and frame.basis:
        return _provision(unit, frame.basis[0], mark)
    if ask.slot == "who" and frame.actor is not None and frame.actor.where == "text":
        who = _core(unit, frame) or _text(frame.actor, unit)
        return f"{_upper_first(who)} {mark}." if _words(who) <= MAX_WORDS else ""
    if ask.slot != "yesno" or not ask.actions or not ask.main_act:
        return ""
    if frame.modality is None or not _agrees(ask, frame):
        return ""
    verdict = _verdict(ask, frame.modality.label)
    if not verdict:
        return ""
    if verdict == "Ja" and _precondition_next(unit, frame):
        return ""  # «… kan bistå. Dette forutsetter at …»: no plain yes; the quote says when
    only = "uten_samtykke" in ask.conditions and "samtykke" in frame.labels("conditions")
    if only and verdict == "Ja":
        return _only_if(unit, frame, mark)
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


def _own_situation(ask: Ask, unit: Unit, frame: Frame) -> Frame:
    """The quoted sentence that states the asked time for a situation the question names in its
    own words, when the deciding sentence has that situation only from its lead-in: «Ved bruk av
    sikkerhetsseng skal det gjennomføres kontinuerlig tilsyn» answers how often in a sikkerhetsseng,
    not the «minimum én gang per time» before it, which is the rule for both."""

    def own(f: Frame) -> set[str]:
        return {c.label for c in f.conditions if c.where == "text"} & ask.conditions

    if own(frame):
        return frame
    for f in unit.passage.frames:
        inside = unit.start <= f.start < unit.end and f is not frame
        if inside and own(f) and any(t.label == ask.slot for t in f.time) and _agrees(ask, f):
            return f
    return frame


def _precondition_next(unit: Unit, frame: Frame) -> bool:
    """The sentence after the frame's sets a precondition for it («Dette forutsetter at …»)."""
    text = unit.passage.text
    after = [(s, e) for s, e in split_sentences(text) if s >= frame.end]
    return bool(after) and states_precondition(text[after[0][0] : after[0][1]])


def _only_if(unit: Unit, frame: Frame, mark: str) -> str:
    """«Nei – bare dersom den innsatte samtykker: …»: the rule asked about needs the consent the
    question says is missing."""
    consent = next(
        (c for c in frame.conditions if c.label == "samtykke" and c.where == "text"), None
    )
    clause = _core(unit, frame)
    if consent is None or clause is None:
        return ""
    text = unit.passage.text
    condition = " ".join(text[_clause_start(text, consent.start) : consent.end].split())
    line = f"Nei – bare {_lower_first(condition)}: {_lower_first(clause)}"
    if condition.lower() in clause.lower():
        line = f"Nei – {_lower_first(clause)}"  # the clause states its condition itself
    return f"{line} {mark}." if _words(line) <= MAX_WORDS else ""


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
