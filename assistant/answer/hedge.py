"""Hedge: does what the answer shows fill the slot the question asks, under its conditions?

«Kildene svarer ikke direkte på dette» opens an answer when, and only when, no quoted sentence
fills the asked slot:

- how often / how long / how soon: no quoted sentence states a time of that kind;
- which provision: none cites one; who: none names who acts (with no act recognised: none
  holds the question's deciding term either);
- yes/no: none states a rule (a modality) on the asked act, for the asked party, without a
  condition that contradicts the question's (a rule «på dagtid» to a question about the night);
- anything else: none holds the question's deciding term (`assistant.answer.point`);

and in every case when the question asks about a number (an age, a count of days) no quote
states. Never above a sentence that fills the slot. It decides nothing about refusal (nothing
near: `assistant.answer.evidence`) and ranks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import lexicon as lx
from analysis.records import Frame
from assistant.answer.features import does_asked_act, same_party, tells_asked_party
from assistant.answer.point import covers, numbers_covered
from assistant.answer.understand import Question
from assistant.answer.units import Unit


def shown_frames(units: Sequence[Unit]) -> list[Frame]:
    """The frames of every sentence inside the quoted spans."""
    out = []
    for u in units:
        for f in u.passage.frames:
            if f.start < u.end and f.end > u.start:
                out.append(f)
    return out


def _conflicts(q: Question, frame: Frame) -> bool:
    """The frame's rule is set for a scope the question is outside of (day against night)."""
    conditions = frame.labels("conditions")
    for pair in lx.EXCLUSIVE:
        if pair <= lx.PRECONDITIONS:
            continue  # a precondition the question lacks answers it (see lexicon.PRECONDITIONS)
        if (
            pair & q.ask.conditions
            and pair & conditions
            and not pair & q.ask.conditions & conditions
        ):
            return True
    return False


def _on_act(q: Question, frame: Frame) -> bool:
    """The frame states a rule on the asked act for the asked party."""
    if frame.modality is None or not does_asked_act(q.ask, frame):
        return False
    actor = frame.actor.label if frame.actor else ""
    if q.ask.actor and actor and not same_party(actor, q.ask.actor):
        return False
    return tells_asked_party(q.ask, frame)


def fills(q: Question, frame: Frame) -> bool:
    """True when `frame` fills the slot `q` asks, under its conditions."""
    if _conflicts(q, frame):
        return False
    if (q.ask.conditions & lx.HELD_CONDITIONS) - frame.labels("conditions"):
        return False  # «… en 16-åring … oftere enn en voksen?»: the rule must be the one for that
    slot = q.slot
    if slot in ("frequency", "duration", "deadline"):
        # The time of the asked act: «tre døgn (72 timer)» is when a weekly plan is due, not how
        # long a reply may take.
        return slot in frame.labels("time") and bool(q.ask.actions) and does_asked_act(q.ask, frame)
    if slot == "provision":
        return bool(frame.basis)
    if slot == "who":
        return frame.actor is not None
    if slot == "yesno" and q.ask.actions:
        return _on_act(q, frame)
    if slot == "yesno" and q.ask.actor:
        # «Er det likevel vi som har ansvaret?»: a rule binding the party asked about.
        actor = frame.actor.label if frame.actor else ""
        return frame.modality is not None and same_party(actor, q.ask.actor)
    return False


def answers(q: Question, units: Sequence[Unit]) -> bool:
    """True when the quoted `units` answer the exact point asked (see the module docstring)."""
    if not units:
        return False
    if q.english:
        return True  # English words are not the sources' words: only the frames could judge
    if not numbers_covered(q.text, units):
        return False
    frames = shown_frames(units)
    framed = q.slot in ("frequency", "duration", "deadline", "provision", "who") or (
        q.slot == "yesno" and bool(q.ask.actions)
    )
    # «Er det krav om ettersamtale …? Og hvem skal i så fall ha den?»: no act recognised, so a
    # rule naming anyone is an answer only if it holds what the question is about.
    if (
        q.slot == "who"
        and not q.ask.actions
        and q.deciding is not None
        and not covers(q.deciding[0], units, q.deciding[1])
    ):
        return False
    if q.slot in ("frequency", "duration", "deadline") and not q.ask.actions:
        # No act recognised: a time stated is of the asked kind only if the quote holds what the
        # question asks about (its deciding word).
        timed = any(q.slot in f.labels("time") for f in frames)
        return timed and (q.deciding is None or covers(q.deciding[0], units, q.deciding[1]))
    if framed:
        # A quote whose rule is set for another condition («på dagtid» to a question about the
        # night) fills nothing, even in its sentences that do not repeat the condition.
        return any(
            fills(q, f)
            for u in units
            if not any(_conflicts(q, g) for g in u.passage.frames)
            for f in shown_frames([u])
        )
    if q.slot == "yesno" and q.ask.actor and any(fills(q, f) for f in frames):
        return True  # a rule binding the party asked about, though no act was recognised
    if q.slot == "what" and q.ask.actor and q.ask.modality:
        # «Hva må vi gjøre …?»: a duty of the asker's is what is asked.
        return any(_on_act(q, f) for f in frames) and not any(_conflicts(q, f) for f in frames)
    if any(_conflicts(q, f) for f in frames) and not any(not _conflicts(q, f) for f in frames):
        return False
    if q.slot == "yesno" and not q.concepts:
        # «Kan innsatte stemme ved valg?»: no act and no topic of the sources recognised; only a
        # quote holding the question's own deciding word can answer it.
        return q.deciding is not None and covers(q.deciding[0], units, q.deciding[1])
    return q.deciding is None or covers(q.deciding[0], units, q.deciding[1])
