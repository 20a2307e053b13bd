"""What kind of answer a question asks for, and whether a candidate quote has that kind of answer.

«Hvor ofte …» is answered by a frequency («minimum én gang per time», «kontinuerlig»), «Hvor
lenge …» by a duration («inntil 14 dager», «22 timer»), «Hvor fort …» by a deadline («snarest»,
«uten ugrunnet opphold»); not «Når må …», which as often asks in which situation. The classic
answer-type step of question answering: a sentence about the right topic but without the asked-for kind of answer («føre protokoll for
tilsyn» to «hvor ofte?») decides less than one that has it. General Norwegian and English
expressions only, never the suites' wording.

It does not score or select quotes (`assistant.answer.units`, `assistant.answer.select`): it only recognises
the shape and tests a text for it.
"""

from __future__ import annotations

import re
from typing import Literal

Shape = Literal["frequency", "duration", "deadline"]

_NUM = r"(?:\d+|én|en|ett|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|tolv|fjorten)"
_UNIT = r"(?:minutt|time|dag|døgn|uke|måned|år)\w*"

_QUESTION: dict[Shape, re.Pattern[str]] = {
    "frequency": re.compile(
        r"\bhvor (?:ofte|hyppig\w*)\b|\bhvor mange ganger\b|\bhow (?:often|frequently)\b", re.I
    ),
    "duration": re.compile(
        r"\bhvor lenge\b|\bhvor lang tid\b|\bhvor mange (?:dager|timer|uker|døgn)\b"
        r"|\bhow long\b|\bmaks(?:imalt)? (?:hvor )?lenge\b",
        re.I,
    ),
    "deadline": re.compile(
        # Not «når må …»: «when» as often asks in which situation as how soon.
        r"\bhvor (?:fort|raskt|snart|tidlig)\b|\binnen hvor\b|\bhow (?:soon|quickly|fast)\b",
        re.I,
    ),
}

_ANSWER: dict[Shape, re.Pattern[str]] = {
    "frequency": re.compile(
        rf"\b(?:per|pr\.?|hver|hvert|i) (?:{_UNIT}|timen|døgnet|uka|uken)\b"
        rf"|\b{_NUM} gang(?:er)?\b|\bdaglig\w*|\bukentlig\w*|\bkontinuerlig\w*"
        r"|\bjevnlig\w*|\bregelmessig\w*|\bfortløpende\b|\bhyppig\w*|\bstadig\b",
        re.I,
    ),
    "duration": re.compile(
        rf"\b{_NUM} {_UNIT}\b|\binntil\b|\bvarighet\w*|\blengre enn\b|\bmer enn\b"
        r"|\bsammenhengende\b|\blangvarig\w*|\bså lenge\b|\bopphør\w*",
        re.I,
    ),
    "deadline": re.compile(
        r"\bsnarest\w*|\bumiddelbart\b|\buten (?:ugrunnet )?opphold\b"
        r"|\bså (?:raskt|snart|tidlig|fort) som mulig\b|\binnen\b|\bstraks\b|\braskest\b"
        r"|\bi forkant\b|\bsenest\b|\bsnart\b",
        re.I,
    ),
}


def question_shape(question: str) -> tuple[Shape, str] | None:
    """The kind of answer `question` asks for and the words asking it («hvor ofte»), or None."""
    for shape, pattern in _QUESTION.items():
        match = pattern.search(question)
        if match:
            return shape, match.group(0)
    return None


def has_shape(text: str, shape: Shape | None) -> bool:
    """True when `text` holds an expression of the asked-for kind (False for no shape)."""
    return shape is not None and bool(_ANSWER[shape].search(text))
