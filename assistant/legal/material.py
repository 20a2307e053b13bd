"""What makes a difference between a quote and its source legally material.

Compares the folded words of one diff op (see `assistant.legal.quotes.word_diff`): a changed number,
deadline or time expression («uten ugrunnet opphold» → «innen 24 timer»), negation, modal verb,
actor (who must act: the services, helsepersonell, lege, fengselsleder, the inmate) or legal
reference (another law, §, ledd — located with analysis.legalrefs). Each kind has a Norwegian label
that says what changed.

It deliberately judges one op at a time, by word lists: it does not parse sentences or decide
whether a paraphrase keeps the meaning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from analysis.legalrefs import law_mentions, scan

_NUMBER_WORDS = {
    **dict.fromkeys(("én", "ett", "en", "ei", "et", "enkelt"), "1"),
    **{w: str(n) for n, w in enumerate("null x to tre fire fem seks sju åtte ni ti".split()) if n},
    "syv": "7", "elleve": "11", "tolv": "12", "femten": "15", "tjue": "20", "tretti": "30",
    "førti": "40", "femti": "50", "hundre": "100", "tusen": "1000", "halv": "0.5",
    "halvparten": "0.5", "dobbelt": "x2", "dobbel": "x2", "begge": "2",
    **{w: f"{n}." for n, w in enumerate("x første annen tredje fjerde femte sjette".split()) if n},
    "annet": "2.", "syvende": "7.", "sjuende": "7.", "åttende": "8.", "niende": "9.", "tiende": "10.",
}  # fmt: skip
_WEAK_NUMBERS = frozenset({"en", "ei", "et"})  # also articles: a number only beside a real one
_NEGATIONS = frozenset({"ikke", "ikkje", "aldri", "ingen", "intet", "ingenting", "uten", "verken"})
_MODALS = {"skal": "skal", "skulle": "skal", "bør": "bør", "burde": "bør", "kan": "kan",
           "kunne": "kan", "må": "må", "måtte": "må"}  # fmt: skip
# Deadlines and time expressions: a changed one changes when a duty must be done. «uten ugrunnet
# opphold» is a deadline, not a negation.
_TIME_UNITS = frozenset("time timer timen timene døgn døgnet dag dager dagen dagene uke uker uken "
                        "ukene måned måneder måneden minutt minutter minuttet".split())  # fmt: skip
_TIME_WORDS = _TIME_UNITS | frozenset(
    "straks snarest snarlig umiddelbart omgående omgaende fortløpende ugrunnet unødig daglig "
    "ukentlig månedlig jevnlig regelmessig senest tidligst forsinkelse".split()
)
_NOT_NEGATING = frozenset({"ugrunnet", "unødig", "opphold", "forsinkelse", "ugrunna"})
# Who must act. Prefix patterns on folded words, most specific first; a changed or added actor
# changes who is bound. Generic words («tjenesten», «den») stand in for the actor named before.
_ACTORS: tuple[tuple[str, str], ...] = (
    (r"kriminalomsorg", "kriminalomsorgen"),
    (r"fengselsleder|fengselsledelse|anstaltsleder", "fengselsleder"),
    (r"(fengsels)?betjent", "fengselsbetjent"),
    (r"fengselsmyndighet", "kriminalomsorgen"),
    (r"fengselshelsetjenest", "den kommunale helse- og omsorgstjenesten"),
    (r"fylkeskommun", "fylkeskommunen"),
    (r"tannhelsetjenest", "tannhelsetjenesten"),
    (r"spesialisthelsetjenest", "spesialisthelsetjenesten"),
    (r"kommun", "den kommunale helse- og omsorgstjenesten"),
    (r"(helse|omsorgs)tjenest", "helse- og omsorgstjenesten"),
    (r"helsepersonell", "helsepersonell"),
    (r"(fast)?leger?$|legen(e)?$|legevakt", "lege"),
    (r"sykepleier", "sykepleier"),
    (r"psykolog", "psykolog"),
    (r"innsatt|domfelt|varetektsinnsatt|pasient", "den innsatte"),
    (r"pårørende", "pårørende"),
    (r"nav$", "NAV"),
    (r"statsforvalter|fylkesmann", "statsforvalteren"),
)
_ACTOR_RE = [(re.compile(pattern), actor) for pattern, actor in _ACTORS]
_LAW_NAME = re.compile(r"(loven|lova|lov|forskriften|forskrifta|forskrift)$")
_GENERIC_ACTORS = frozenset("tjenesten tjenestene den de denne disse han hun vedkommende".split())
MATERIAL_LABELS = {
    "number": "tall",
    "time": "frist/tidsangivelse",
    "negation": "nektelse",
    "modal": "modalverb",
    "actor": "aktør (hvem som skal handle)",
    "legal_ref": "lovhenvisning",
}


def _numbers(words: Sequence[str], with_weak: bool) -> Counter[str]:
    found: Counter[str] = Counter()
    for w in words:
        if any(c.isdigit() for c in w):
            found[w.replace(",", ".")] += 1
        elif w in _NUMBER_WORDS and (with_weak or w not in _WEAK_NUMBERS):
            found[_NUMBER_WORDS[w]] += 1
    return found


def _numbers_differ(source_words: Sequence[str], quote_words: Sequence[str]) -> bool:
    strong = _numbers(source_words, False) + _numbers(quote_words, False)
    return _numbers(source_words, bool(strong)) != _numbers(quote_words, bool(strong))


def _time_terms(words: Sequence[str], after: str) -> Counter[str]:
    """Time words, and numbers directly before a time unit (also the first word after the op)."""
    found: Counter[str] = Counter(w for w in words if w in _TIME_WORDS)
    following = [*words[1:], after][: len(words)]
    for w, nxt in zip(words, following, strict=True):
        if nxt in _TIME_UNITS and (w in _NUMBER_WORDS or any(c.isdigit() for c in w)):
            found[_NUMBER_WORDS.get(w, w)] += 1
    return found


def _negations(words: Sequence[str], after: str) -> Counter[str]:
    following = [*words[1:], after][: len(words)]
    return Counter(
        w
        for w, nxt in zip(words, following, strict=True)
        if w in _NEGATIONS and not (w == "uten" and nxt in _NOT_NEGATING)
    )


def actor_of(word: str) -> str | None:
    """The actor a folded word names («legen» → «lege»), or None."""
    if _LAW_NAME.search(word):  # «helsepersonelloven» names a law, not helsepersonell
        return None
    return next((actor for rx, actor in _ACTOR_RE if rx.match(word)), None)


def _actors_differ(source_words: Sequence[str], quote_words: Sequence[str], after: str) -> bool:
    """Another actor named, or one left out where it matters: a co-actor («helsepersonell og
    kriminalomsorgen» → «helsepersonell») or the subject of a duty («Legen kan …» → «kan …»).
    A generic word («tjenesten») standing in for the actor is no change of actor."""
    src = {a for w in source_words if (a := actor_of(w))}
    quo = {a for w in quote_words if (a := actor_of(w))}
    if quo:
        return src != quo
    if not src or any(w in _GENERIC_ACTORS for w in quote_words):
        return False
    return any(w in ("og", "eller") for w in source_words) or after in _MODALS


def material_kinds(
    source_words: Sequence[str],
    quote_words: Sequence[str],
    *,
    after: tuple[str, str] = ("", ""),
    in_ref: str = "",
) -> list[str]:
    """Which legally material kinds differ between two folded word sequences of one diff op.

    `after` is the first word after the op in the source and in the quote (a number before «timer»
    is a deadline). `in_ref` says the op touches a reference to a law: "changed" (another law, §
    or ledd: material) or "dropped" (a reference left out: shown in the diff, not material); its
    numbers are then provisions, not counts.
    """
    kinds: list[str] = []
    time_changed = _time_terms(source_words, after[0]) != _time_terms(quote_words, after[1])
    if in_ref == "changed":
        kinds.append("legal_ref")
    elif not in_ref and _numbers_differ(source_words, quote_words) and not time_changed:
        kinds.append("number")
    if time_changed and not in_ref:
        kinds.append("time")
    if _negations(source_words, after[0]) != _negations(quote_words, after[1]):
        kinds.append("negation")
    if Counter(_MODALS[w] for w in source_words if w in _MODALS) != Counter(
        _MODALS[w] for w in quote_words if w in _MODALS
    ):
        kinds.append("modal")
    if _actors_differ(source_words, quote_words, after[0]):
        kinds.append("actor")
    return kinds


def material_texts(ops: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """One Norwegian line per material kind in the diff ops, quoting both sides (for a changed
    legal reference, the whole reference: «§ 37 syvende ledd» → «§ 38 syvende ledd»)."""
    lines = []
    for op in ops:
        for kind in op["material"]:
            src, quo = op["source"], op["quote"]
            if kind == "legal_ref":
                src, quo = op.get("source_ref") or src, op.get("quote_ref") or quo
            lines.append(f"{MATERIAL_LABELS[kind]}: kilden «{src or '—'}», sitatet «{quo or '—'}»")
    return tuple(lines)


def ref_units(norm: str) -> list[tuple[int, int]]:
    """Spans of the legal references in `norm`: a law's name with the § group right after it
    («helsepersonelloven § 21 første ledd»), a § group alone, or a law named alone."""
    laws = [(start, end) for start, end, _ in law_mentions(norm)]
    units: list[tuple[int, int]] = []
    used: set[tuple[int, int]] = set()
    for m in scan(norm):
        law = next((span for span in laws if 0 <= m.start - span[1] <= 2), None)
        if law is not None:
            used.add(law)
        units.append((law[0] if law else m.start, m.end))
    units += [span for span in laws if span not in used]
    return sorted(units)


def ref_token_units(norm: str, tokens: Sequence[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """For each token, the legal reference (`ref_units`) it lies in, or None."""
    units = ref_units(norm)
    return [next((u for u in units if s < u[1] and e > u[0]), None) for s, e in tokens]
