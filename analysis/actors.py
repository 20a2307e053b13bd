"""Who a sentence binds: the grammatical actor of its duty, read off the sentence itself.

Section 6.1 of the circular holds kriminalomsorgen's duty of confidentiality but also sentences about
health personnel; 6.3 applies to both services. A sentence is labelled by the grammatical actor of
its duty («Helsepersonell skal …», «Ved utelukkelse skal kriminalomsorgen …», «Både
kriminalomsorgen og helse- og omsorgstjenesten …», «Fengselet og helse- og omsorgstjenesten må …»).
The sentence frames (`analysis.frames`) build on it: a list item's lead-in, a section's role for a
passive sentence. It does not judge relevance or retrieve.

Actors: the three services, «helsepersonell» (health personnel as such: binds the municipal and the
specialist health service alike) and «felles» (both sides together).
"""

from __future__ import annotations

import re

KRIM, KOMMUNE, SPES, HP, FELLES = (
    "kriminalomsorgen",
    "kommunehelse",
    "spesialisthelse",
    "helsepersonell",
    "felles",
)
# The asker's roles an actor's duties belong to («Ditt ansvar»).
COVERS: dict[str, frozenset[str]] = {
    KRIM: frozenset({KRIM}),
    KOMMUNE: frozenset({KOMMUNE}),
    SPES: frozenset({SPES}),
    HP: frozenset({KOMMUNE, SPES}),
    FELLES: frozenset({KRIM, KOMMUNE, SPES}),
}

_W = r"(?<![\wæøå-])"
# Order matters: the specific names before the generic health words.
_NAMES: tuple[tuple[str, str], ...] = (
    (KRIM, r"kriminalomsorgen\w*|fengselet|fengslet|fengselsleder\w*|fengselsledelse\w*|fengselsbetjent\w*|"
     r"betjent\w*|vakta|vakten[e]?|fengselsvakt\w*|anstalten|kriminalomsorgens ansatte|"
     r"de ansatte i kriminalomsorgen"),
    (KOMMUNE, r"(?:den )?kommunale helse- og omsorgstjenesten\w*|kommunen\w*|"
     r"fengselshelsetjenesten\w*|helsetjenesten i fengsel\w*|fastlege\w*|legevakt\w*"),
    (SPES, r"spesialisthelsetjenesten\w*|helseforetak\w*|dps|distriktspsykiatrisk\w*|"
     r"psykisk helsevern"),
    # Not the law's name («Helsepersonelloven § 25 åpner for at helsepersonell …»).
    (HP, r"helsepersonell(?!oven|ova)\w*|helse- og omsorgstjenesten\w*|helsetjenesten\w*|lege(?:n|r|ne)?|"
     r"sykepleier\w*|psykolog\w*"),
)  # fmt: skip
MENTION = re.compile(
    # Not inside a web address («kriminalomsorgen.no»).
    "|".join(rf"{_W}(?P<{actor}>{pattern})(?![\wæøå]|\.[a-z])" for actor, pattern in _NAMES),
    re.I,
)
_MODAL = re.compile(r"(?<![\wæøå])(skal|bør|må|plikter|kan|har plikt|har ansvar)(?![\wæøå])", re.I)
# «Helsepersonell har …», «De ansatte i kriminalomsorgen er underlagt …»: an actor as subject.
_SUBJECT = re.compile(
    r"(?:(?:de ansatte i|den|det|de) )?(?:"
    + "|".join(rf"(?P<{actor}>{pattern})" for actor, pattern in _NAMES)
    + r")(?![\wæøå])(?: [\wæøå]+){0,3} (?:har|er|skal|må|bør|kan|plikter)(?![\wæøå])",
    re.I,
)
_PASSIVE = re.compile(r"\s+(?:\w+\s+){0,2}\w+es(?![\wæøå])", re.I)
_BOTH = re.compile(
    r"(?<![\wæøå])(både|begge (?:tjenestene|etatene)|tjenestene|etatene|partene)(?![\wæøå])", re.I
)


def _mentions(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.lastgroup or "") for m in MENTION.finditer(text)]


def sentence_actor(text: str, strict: bool = False) -> str:
    """The actor a sentence binds, or "" when it names none.

    The subject of the first duty wins: the actor right before the first modal verb («Helsepersonell
    skal»), or right after it in inverted word order («Ved utelukkelse skal kriminalomsorgen»).
    «Både X og Y» and a duty of «tjenestene» bind both sides. `strict` returns only the
    subject of a duty or right («X skal/har …»), never a mere mention.
    """
    flat = " ".join(text.split())
    modal = _MODAL.search(flat)
    window = flat[: modal.end() + 60] if modal else flat[:120]
    if _BOTH.search(window[: (modal.start() if modal else len(window))]):
        found = {a for _, a in _mentions(window)}
        if (KRIM in found and found - {KRIM}) or not found:
            return FELLES
    mentions = _mentions(flat)
    if not mentions:
        return ""
    if modal and _PASSIVE.match(flat, modal.end()):
        return ""  # «lege skal varsles», «kan deles med …»: a passive duty names no actor
    if modal:
        # «For å lette samarbeidet mellom X og Y, bør det …»: a fronted clause before a comma is
        # no subject; the subject follows the verb (inverted order).
        fronted = flat[: modal.start()].rstrip().endswith(",")
        before = [(i, a) for i, a in mentions if i < modal.start() and not fronted]
        after = [(i, a) for i, a in mentions if modal.end() <= i <= modal.end() + 40]
        # «Fengselet og helse- og omsorgstjenesten må …»: the prison and a health service joined
        # as the subject bind both sides.
        clause = flat[: modal.start()].rsplit(",", 1)[-1]
        joined = {a for i, a in before if i >= modal.start() - len(clause)}
        if KRIM in joined and joined - {KRIM} and re.search(r"\bog\b", clause):
            return FELLES
        # Subject before the modal, unless an adverbial opens the sentence (inverted order).
        if before and not (after and before[-1][0] < modal.start() - 60):
            return before[-1][1] if modal.start() - before[-1][0] < 80 or not after else after[0][1]
        if after:
            return after[0][1]
    if strict:
        subject = _SUBJECT.match(flat)
        return subject.lastgroup or "" if subject else ""
    return mentions[0][1]


def binds(actor: str, role: str) -> bool:
    """True when a duty of `actor` is the asker's own duty."""
    return role in COVERS.get(actor, frozenset())
