"""Sentence frames: read a rule sentence as who must do what, for whom, when, on which legal basis.

`parse_frames(text, lead_in, structural_actor)` returns one `Frame` per sentence of a passage (a
list item is read with its lead-in: «Ved utelukkelse skal kriminalomsorgen:» + «varsle lege …
uten ugrunnet opphold»). Every field is a `Span` of the source text (the passage text, the lead-in,
or the sentence after) with a label derived from the words it covers; the only label not read off
a span is the section's single role, used as actor of a passive sentence («… kan deles med helse-
og omsorgstjenesten»), marked `where="structure"`.

The vocabulary (`lexicon`) is general Norwegian legal prose: modal verbs and their negations,
«er ikke til hinder for», «uavhengig av samtykke», «uten ugrunnet opphold». It never names a
sentence of the corpus or a question of a suite. It does not rank or compose: the assistant
compares these frames with the question's (`analysis.asks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analysis import lexicon as lx
from analysis.actors import sentence_actor
from analysis.concepts import tag_passage
from analysis.legalrefs import scan
from analysis.records import Frame, Span, Where
from analysis.sentences import split_sentences

FRAMES_VERSION = "frames-10"  # part of the index format: bump when parsing changes

# The sentence after carries the basis of this one: «Hjemmelen for dette er straffeprosessloven
# § 186 a», «Dette følger av …».
_BASIS_NEXT = re.compile(
    r"^(?:hjemmel(?:en)? for (?:dette|denne|det)|dette følger av|det følger av|dette er hjemlet|"
    r"dette fremgår av|jf\.)",
    re.I,
)


def _first(pattern: re.Pattern[str], text: str, where: Where, base: int = 0) -> Span | None:
    m = pattern.search(text)
    if not m:
        return None
    label = next((k for k, v in m.groupdict().items() if v), "")
    return Span(label, base + m.start(), base + m.end(), where)


def _all(
    patterns: Iterable[tuple[str, re.Pattern[str]]], text: str, where: Where, base: int = 0
) -> list[Span]:
    out: list[Span] = []
    for label, pattern in patterns:
        for m in pattern.finditer(text):
            out.append(Span(label, base + m.start(), base + m.end(), where))
    return out


def modality(text: str, where: Where = "text", base: int = 0) -> Span | None:
    """The first modal expression of `text` («skal», «er ikke til hinder for», «har rett til»)."""
    span = _first(lx.MODAL, text, where, base)
    return Span(lx.modal_label(span.label), span.start, span.end, where) if span else None


# A sentence opening with one of these has its subject after the verb («Ved utelukkelse skal
# kriminalomsorgen …», «Dersom …, skal lege varsles»).
_ADVERBIAL = re.compile(
    r"^(?:ved|i|dersom|hvis|når|for|etter|under|før|om|der|selv om|uavhengig|innen|så|"
    r"utover|med|som|hvor|fordi|samtidig|deretter|videre|også|derfor)\b",
    re.I,
)


# `_actor`'s answer for a sentence whose subject is a thing («Taushetsplikten skal …»): no actor,
# and not the section's either (that is for passive sentences and agentless list items).
THING = Span("", 0, 0, "structure")


_PASSIVE_AFTER = re.compile(r"\s+(?:[\wæøå]+\s+){0,2}[\wæøå]+es(?![\wæøå])", re.I)


def _thing_subject(sentence: str, base: int, modal: Span | None) -> bool:
    """True when the word group before the modal is a subject that is no actor («Taushetsplikten
    skal også bidra til …», «Opplysningene skal behandles …»): the sentence binds no one named
    later in it."""
    if modal is None or modal.where != "text":
        return False
    head = sentence[: modal.start - base].strip()
    if not head or head.endswith(",") or _ADVERBIAL.match(head) or len(head.split()) > 6:
        return False
    if _PASSIVE_AFTER.match(sentence, modal.end - base):
        return False  # «Opplysningene kan deles med …»: a passive rule's agent is the section's
    return not lx.ACTOR_MENTION.search(head) and not lx.OTHER_ACTOR.search(head)


def _actor(sentence: str, base: int, modal: Span | None) -> Span | None:
    """The actor a sentence binds, located at its mention (analysis.actors decides which)."""
    if modal is not None and modal.label == "rett":
        # «Innsatte … har rett til …»: the inmate holds the right. «Innsatte under 18 år skal ha
        # kontinuerlig tilsyn» is an entitlement someone else provides: no actor of its own.
        inmate = lx.INMATE.search(sentence)
        if inmate and inmate.start() < modal.start - base:
            return Span("innsatt", base + inmate.start(), base + inmate.end())
    if lx.INMATE_SUBJECT.match(sentence):
        return None
    other = lx.OTHER_ACTOR.search(sentence)
    if other and modal is not None and abs(other.start() - (modal.start - base)) <= 12:
        # «I tillegg kan retten beslutte …»: a body outside the services as subject.
        return Span(lx.other_actor_label(other), base + other.start(), base + other.end())
    if modal is not None and modal.where == "text":
        # «Bestemmelsen innebærer ikke at helsepersonell er forpliktet …»: the one bound is named
        # inside the modal expression.
        inner = lx.ACTOR_MENTION.search(sentence, modal.start - base, modal.end - base)
        if inner:
            return Span(lx.actor_label(inner), base + inner.start(), base + inner.end())
    if _thing_subject(sentence, base, modal):
        return THING
    label = sentence_actor(sentence)
    if not label:
        return None
    for m in lx.ACTOR_MENTION.finditer(sentence):
        if lx.actor_label(m) == label or (label == "felles" and m.start() < 80):
            return Span(label, base + m.start(), base + m.end())
    return Span(label, base, base)


def _counterpart(sentence: str, base: int, actor: Span | None, actions: list[Span]) -> Span | None:
    """Who receives (or gives) what the actor does: the first service, person or body named after
    the first action that is not the actor itself."""
    if not actions:
        return None
    start = min(a.start for a in actions if a.where == "text") - base if actions else 0
    for m in lx.COUNTERPART.finditer(sentence, max(0, start)):
        label = lx.counterpart_label(m)
        span = Span(label, base + m.start(), base + m.end())
        if actor is not None and actor.start <= span.start < actor.end:
            continue
        if m.group(0).lower().endswith("s") and not m.group(0).lower().endswith("ss"):
            continue  # a possessor («kriminalomsorgens oppgaver»), not who receives
        return span
    return None


def _direction(sentence: str, counterpart: Span | None, base: int) -> str:
    if counterpart is None:
        return ""
    before = sentence[max(0, counterpart.start - base - 30) : counterpart.start - base].lower()
    return "from" if re.search(r"\bfra(?: den| det| de)?\s*$|\binnhent\w*.*$", before) else "to"


def _basis(sentence: str, base: int, after: str, after_base: int) -> list[Span]:
    spans = [
        Span(
            ", ".join(r.label for r in m.refs) or " ".join(m.provisions),
            base + m.start,
            base + m.end,
        )
        for m in scan(sentence)
    ]
    if after and _BASIS_NEXT.match(after):
        spans += [
            Span(
                ", ".join(r.label for r in m.refs) or " ".join(m.provisions),
                after_base + m.start,
                after_base + m.end,
                "next",
            )
            for m in scan(after)
        ]
    return spans


def frame_sentence(
    text: str,
    start: int,
    end: int,
    lead_in: str = "",
    structural_actor: str = "",
    after: tuple[int, int] | None = None,
) -> Frame:
    """The frame of `text[start:end]`, read with a list item's `lead_in` and the section's single
    role; `after` is the span of the next sentence (for a basis given there)."""
    sentence = text[start:end]
    modal = modality(sentence, "text", start)
    lead_modal = modality(lead_in, "context") if lead_in else None
    if lead_modal is not None and start == 0 and modal is not None and modal.start - start > 25:
        # «gjennomføre innkomstsamtale … forhold som kan tyde på …»: a modal inside the item is
        # not its duty; the lead-in's is.
        modal = None
    actor = _actor(sentence, start, modal)
    thing = actor is THING
    actor = None if thing else actor
    if lead_in and not thing and (actor is None or modal is None):
        # An item continues its lead-in: who acts and how is said there.
        lead_actor = _actor(lead_in, 0, lead_modal)
        if lead_actor is not None:
            actor = Span(lead_actor.label, lead_actor.start, lead_actor.end, "context")
        modal = modal or lead_modal
    if actor is None and not thing and modal is not None and structural_actor:
        actor = Span(structural_actor, 0, 0, "structure")
    actions = _all(lx.ACTIONS, sentence, "text", start)
    counterpart = _counterpart(sentence, start, actor, actions)
    conditions = _all(lx.CONDITIONS, sentence, "text", start)
    if lead_in:
        conditions += _all(lx.CONDITIONS, lead_in, "context")
    time = _all(lx.TIMES, sentence, "text", start)
    after_text = text[after[0] : after[1]] if after else ""
    basis = _basis(sentence, start, after_text, after[0] if after else 0)
    return Frame(
        start=start,
        end=end,
        actor=actor,
        modality=modal,
        actions=tuple(_dedupe(actions)),
        counterpart=counterpart,
        direction=_direction(sentence, counterpart, start),
        conditions=tuple(_dedupe(conditions, own_first=True)),
        time=tuple(sorted(time, key=lambda t: t.start)),
        basis=tuple(basis),
        concepts=tag_passage(sentence, lead_in),
    )


def _dedupe(spans: list[Span], own_first: bool = False) -> list[Span]:
    """One span per label (its first occurrence), the lead-in's before the sentence's; with
    `own_first`, the sentence's own before the lead-in's (a condition the sentence states itself,
    «Ved bruk av sikkerhetsseng skal …» under a lead-in naming it too, is the sentence's own)."""
    seen: set[str] = set()
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: ((s.where == "context") == own_first, s.start)):
        if span.label not in seen:
            seen.add(span.label)
            out.append(span)
    return out


def parse_frames(
    text: str, kind: str, lead_in: str = "", structural_actor: str = ""
) -> tuple[Frame, ...]:
    """One frame per sentence of a passage; a list item's sentences read with its lead-in."""
    spans = split_sentences(text) or [(0, len(text))]
    out: list[Frame] = []
    for i, (s, e) in enumerate(spans):
        after = spans[i + 1] if i + 1 < len(spans) else None
        lead = lead_in if kind == "list_item" else ""
        out.append(frame_sentence(text, s, e, lead, structural_actor, after))
    return tuple(out)


def structural_actor(roles: Iterable[str]) -> str:
    """The actor a section's roles name as a whole: one service, health personnel (both health
    services) or both sides (all three); "" otherwise."""
    found = set(roles)
    if len(found) == 1:
        return next(iter(found))
    if found == {"kommunehelse", "spesialisthelse"}:
        return "helsepersonell"
    if found == {"kriminalomsorgen", "kommunehelse", "spesialisthelse"}:
        return "felles"
    return ""


def frame_json(frame: Frame, text: str, context: str = "") -> dict[str, object]:
    """A frame with each field's words, for `hjemmel passages --json` and `ask --explain`."""

    def one(span: Span | None) -> dict[str, str] | None:
        if span is None:
            return None
        return {"label": span.label, "text": span_text(span, text, context), "from": span.where}

    def many(spans: tuple[Span, ...]) -> list[dict[str, str] | None]:
        return [one(s) for s in spans]

    return {
        "sentence": text[frame.start : frame.end],
        "actor": one(frame.actor),
        "modality": one(frame.modality),
        "actions": many(frame.actions),
        "counterpart": one(frame.counterpart),
        "direction": frame.direction,
        "conditions": many(frame.conditions),
        "time": many(frame.time),
        "basis": many(frame.basis),
        "concepts": list(frame.concepts),
    }


def span_text(span: Span, text: str, context: str = "") -> str:
    """The words a span covers («» for a structural label)."""
    if span.where == "context":
        return context[span.start : span.end]
    if span.where == "structure":
        return ""
    return text[span.start : span.end]
