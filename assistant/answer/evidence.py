"""Decide whether the retrieved evidence answers the question, or whether to refuse.

Two general signals: how much of the question's rare vocabulary the best passages cover (idf-weighted,
after domain synonym and English expansion), and the dense similarity of the best passage. The
thresholds are calibrated once on the whole evaluation suite, never per question. Requests that are
not questions about the sources (poems, jokes, recipes, code) are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

from analysis.norwegian import ENGLISH_STOPWORDS, compound_parts
from assistant.answer.vocab import Vocabulary
from assistant.records import Hit

_TASKS = re.compile(
    r"\b(skriv|lag|dikt\w*|vits\w*|sang\w*|oppskrift\w*|write|poem|joke|song|recipe\w*|"
    r"translate|oversett|kode|code|haiku|limerick|story|historie om|været|weather|"
    r"restaurant\w*|film\w*|movie\w*)\b",
    re.I,
)
_TASK_VERBS = re.compile(
    r"^\s*(skriv|lag|write|compose|tell me a|fortell en|give me|gi meg|kan du (?:skrive|anbefale|"
    r"foreslå|gi meg|lage|finne)|can you (?:suggest|recommend|give|write|find|tell me)|could you|"
    r"please (?:suggest|recommend|write)|what'?s the weather|hvordan blir været)\b",
    re.I,
)

# Calibrated once on the whole evaluation suite (see evals/suites/README.md), never per question.
MIN_COVERAGE = 0.2
MAX_MISSING = 0.5
MIN_DENSE_EN = 0.80


@dataclass(frozen=True)
class Evidence:
    coverage: float
    missing: float
    dense: float
    task_request: bool = False
    english: bool = False
    # An English question with no domain term (no legal concept, no glossary word): its words
    # cannot be matched to the sources, and a dense match alone is no evidence.
    english_off_topic: bool = False
    count_missing: bool = False
    price_missing: bool = False  # asks what something costs; no top passage states an amount
    limit_missing: bool = False
    focus_unknown: str = ""  # the asked-for word the sources never use («vaksiner»)

    @property
    def sufficient(self) -> bool:
        if (
            self.task_request
            or self.count_missing
            or self.price_missing
            or self.limit_missing
            or self.focus_unknown
        ):
            return False
        if self.coverage < MIN_COVERAGE:
            return False
        if self.english:
            return self.dense >= MIN_DENSE_EN and not self.english_off_topic
        return self.missing < MAX_MISSING


def is_task_request(question: str) -> bool:
    return bool(_TASK_VERBS.match(question) and _TASKS.search(question))


_WORD = re.compile(r"§+\s*\d+(?:\s*-\s*\d+)?(?:\s?[a-z]\b)?|[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Concept:
    """One content word of the question with the tokens that count as covering it."""

    word: str
    alternatives: frozenset[str]
    weight: float
    known: bool


def concepts(
    question: str,
    analyze: Callable[[str], list[str]],
    expand: Callable[[str], list[str]],
    vocab: Vocabulary,
) -> list[Concept]:
    """The question's content words, each with what covers it and whether the sources use it."""
    out: list[Concept] = []
    for word in _WORD.findall(question):
        if word.lower() in ENGLISH_STOPWORDS:
            continue
        base = analyze(word)
        if not base:
            continue
        alts = set(base) | set(expand(word))
        alts |= {c for c in (vocab.correct(t) for t in alts) if c}
        in_vocab = [t for t in alts if t in vocab]
        known = bool(in_vocab) or word.lower() in vocab.words
        weight = max((vocab.idf(t) for t in in_vocab), default=1.0)
        out.append(Concept(word, frozenset(alts), weight, known))
    return out


def coverage(
    found: Sequence[Concept],
    hits: Sequence[Hit],
    analyze: Callable[[str], list[str]],
    top: int = 3,
) -> float:
    """Best weighted share of the question's known concepts found in one of the top passages."""
    known = [c for c in found if c.known]
    total = sum(c.weight for c in known)
    if total <= 0:
        return 0.0
    best = 0.0
    for hit in hits[:top]:
        p = hit.passage
        ptoks = set(analyze(f"{p.text} {p.context} {p.heading}"))
        share = sum(c.weight for c in known if c.alternatives & ptoks) / total
        best = max(best, share)
    return best


COMMON_ZIPF = 4.5  # words this frequent in general language («natt», «ham») say nothing of a topic


def informativeness(word: str, english: bool) -> float:
    """How much a word says about a topic: rare words in general Norwegian (or English) say most.

    Uses wordfreq's bundled frequency lists (Zipf scale: ~6 for «går», ~3 for «urinprøve»). A word
    general language does not know at all is most often a typo or an ad-hoc compound
    («samarbeidsrundskrivet»), so it weighs little rather than most.
    """
    zipf = zipf_frequency(word.lower(), "en" if english else "nb")
    if zipf == 0.0:
        return 1.0
    return max(0.0, 7.0 - zipf) if zipf < COMMON_ZIPF else 0.0


def missing_share(found: Sequence[Concept], english: bool = False) -> float:
    """Informativeness-weighted share of the question's words the sources never use.

    «ham», «sier», «natt» missing says little; «urinprøve» or «klagefristen» missing says the
    sources do not deal with the matter asked about.
    """
    weights = [(c, informativeness(c.word, english)) for c in found]
    total = sum(w for _, w in weights)
    return sum(w for c, w in weights if not c.known) / total if total else 0.0


_HOW_MANY = re.compile(r"\b(?:hvor mange|how many)\s+([^\W\d_]+)", re.I)
_NOT_A_UNIT = frozenset(
    "var er har kan skal må bør blir ble fikk får is are was were do did have can".split()
)
_NUMBER = (
    r"(?:\d+(?:[ .,]\d+)*|en|én|ett|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|"
    r"femten|tjue|tretti|førti|femti|hundre|tusen|one|two|three|four|five|six|ten)"
)


_ASKS_PRICE = re.compile(
    r"\b(?:hva koster|hvor mye koster|koster det|hva er prisen|prisen på|kostnaden\w*|hvor mye penger|"
    r"how much does|what does it cost|what is the cost|the price)\b",
    re.I,
)
_STATES_AMOUNT = re.compile(r"\b\d[\d .,]*\s*(?:kr|kroner|nok|millioner|mill)\b|\bkr\.?\s*\d", re.I)


def _shown(hit: Hit) -> str:
    """A passage's text with its lead-in: a list item's «innlåst 22 timer i døgnet» stands in the
    lead-in («Helsepersonell som gjennomfører tilsyn med innsatte som er innlåst 22 timer …»)."""
    return f"{hit.passage.context} {hit.passage.text}"


def price_unanswered(question: str, hits: Sequence[Hit]) -> bool:
    """«Hva koster …?» is answered only by a passage stating an amount («25 000 kroner»). True
    when the question asks for a price or cost and no top passage states one."""
    if not _ASKS_PRICE.search(question):
        return False
    return not any(_STATES_AMOUNT.search(_shown(h)) for h in hits[:5])


def quantity_unanswered(
    question: str, hits: Sequence[Hit], expand: Callable[[str], list[str]]
) -> bool:
    """«Hvor mange X …?» is answered only by a passage stating a number of X («tre fagrådsmøter»).

    Returns True when the question asks for a count and no top passage gives one.
    """
    m = _HOW_MANY.search(question)
    if not m or m.group(1).lower() in _NOT_A_UNIT:
        return False
    units = sorted({u for u in expand(m.group(1).lower()) if len(u) >= 2 and u.isalpha()})
    if not units:
        return False
    alternatives = "|".join(re.escape(u) for u in units)
    pattern = re.compile(rf"\b{_NUMBER}\s+(?:\w+\s+)?[^\W\d_]*(?:{alternatives})", re.I)
    return not any(pattern.search(_shown(h)) for h in hits[:5])


_ASKS_MAXIMUM = re.compile(r"\b(maksimal\w*|maks|høyst|lengst|maximum|at most|longest)\b", re.I)
_STATES_LIMIT = re.compile(
    r"\b(maksimal\w*|maks|høyst|inntil|opptil|lengst|ikke (?:mer|lenger|utover) enn|maximum|"
    r"at most)\b",
    re.I,
)


_A_NUMBER = re.compile(rf"\b{_NUMBER}\b", re.I)


def limit_unanswered(question: str, hits: Sequence[Hit]) -> bool:
    """«Hvor lenge kan … maksimalt …?» is answered only by a passage stating an upper limit
    («inntil», «høyst», «maksimalt» with a number); a threshold for something else («overstige tre
    døgn») is not one. True when the question asks for a maximum and no top passage states one."""
    if not _ASKS_MAXIMUM.search(question):
        return False
    return not any(
        _STATES_LIMIT.search(_shown(h)) and _A_NUMBER.search(_shown(h)) for h in hits[:5]
    )


# «Hvilke vaksiner …», «Hvor mye erstatning …», «Hva er klagefristen …»: the word after the question
# phrase names the thing asked for.
_FOCUS = re.compile(
    r"\b(?:hvilke|hvilken|hvilket|hva slags|hva for|hvor mye|hvor lang|hvor mange|hvor stor|"
    r"hva er|hva var|which|what kind of|how much|how many|how long)\s+([^\W\d_]+)",
    re.I,
)
_NOT_A_FOCUS = _NOT_A_UNIT | frozenset(
    "det den de en et ei vi jeg du han hun man dette disse denne noen noe the a an".split()
)
# Answer-type nouns ask for instances, not for a thing by name: «hvilken frist» is answered by a
# date, «hvilke diagnoser» by named disorders, «hva er meningen» by a purpose. The sources need not
# use the word itself.
_ANSWER_TYPE = re.compile(
    r"^(?:frist|dato|tidspunkt|tid|periode|mening|hensikt|formål|grunn|årsak|diagnose|lidelse|"
    r"type|form|slag|gruppe|kategori|eksempel|eksempl|måte|rolle|oppgave|tiltak|krav|regel|regl|"
    r"lov|ting|sak|forhold|paragraf|poeng|vits|\w*bestemmelse|\w*hjemmel)\w*$"
)


def focus_unknown(question: str, found: Sequence[Concept], english: bool) -> str:
    """The thing the question asks for («vaksiner», «klagefristen») when the sources never use that
    word, not even through a synonym or a repaired misspelling; "" otherwise."""
    m = _FOCUS.search(question)
    if not m or english:  # English words are judged by the dense match instead
        return ""
    word = m.group(1).lower()
    if word in _NOT_A_FOCUS or _ANSWER_TYPE.match(word):
        return ""
    zipf = zipf_frequency(word, "nb")
    if zipf == 0.0 and not compound_parts(word):
        return ""  # unknown to Norwegian and no compound of known words: a typo («egntlig»)
    if zipf >= COMMON_ZIPF:
        # A common word before the noun («Hvilket gammelt rundskriv …»): the noun is asked for.
        after = re.match(r"\s+([^\W\d_]+)", question[m.end(1) :])
        if not after:
            return ""
        word = after.group(1).lower()
        if _ANSWER_TYPE.match(word):
            return ""
        return after.group(1) if any(c.word.lower() == word and not c.known for c in found) else ""
    return m.group(1) if any(c.word.lower() == word and not c.known for c in found) else ""


@lru_cache(maxsize=4096)
def is_english(question: str) -> bool:
    """English when its words are more common in general English than in general Norwegian
    (wordfreq): «What problem does NKROP describe …» is English, «Hva blir været i morgen?» is not,
    however many short words («i», «a») the two languages share."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", question)]
    english = sum(zipf_frequency(w, "en") for w in words)
    return bool(words) and english > sum(zipf_frequency(w, "nb") for w in words)
