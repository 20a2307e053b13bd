"""Does the answer's deciding quote answer the exact point asked, or only something near it?

A question has a deciding term: who must act («fengselsleder»), what is done («godkjenne»), a
limit. When that term — or a synonym, a repaired spelling or an inflection of it — appears in none
of the deciding quotes (nor their lead-in or heading), the answer opens with «Kildene svarer ikke
direkte på dette. Nærmest er: …» instead of presenting the nearest text as the answer. The deciding
term is the question's rarest word in the corpus (highest idf) among the words the sources use,
leaving out the domain's everyday words and words the concept layer already translated
(«ringe» → «varsle»): those are judged by their concept. A question that names a source
(«høringsutkastet») is also checked for that source being silent on the topic. It neither
retrieves nor refuses: refusal (nothing near) is `assistant.answer.evidence`'s.

`Point` binds the checks to one index's vocabulary: `term` (the deciding term and its alternatives)
and `unknown` (a specific word of the question the sources never use: «mobiltelefon»). Whether the
quotes fill the asked slot is `assistant.answer.hedge`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from wordfreq import zipf_frequency

from analysis import concepts as legal_concepts
from analysis.actors import MENTION
from analysis.norwegian import analyze
from assistant.answer.evidence import COMMON_ZIPF
from assistant.answer.units import Unit
from ingest.records import Document, Passage

# Words so common in this domain that they decide nothing («innsatt», «fengsel», «skal»).
_GENERIC = frozenset(
    analyze(
        "innsatt innsatte fengsel fengselet soning soner kriminalomsorgen helsetjenesten "
        "helse omsorgstjenesten tjeneste tjenesten ansatte ansvar plikt regler gjelder gjøre "
        "gjør skje hva hvem hvordan når hvor noen noe annen andre sier står rundskrivet "
        "kildene situasjon tilfelle person personer vi jeg dere de han hun ham henne",
        compounds=False,
    )
)
MIN_IDF = 1.5  # a word in more than about a fifth of the passages decides nothing
# A word this common in general Norwegian (wordfreq Zipf; «godt» 5.6, «krav» 4.9, «vedtak» 4.3,
# «godkjenne» 3.6) says how something is asked, not what is asked about (the refusal gate's limit).
MAX_ZIPF = COMMON_ZIPF


def deciding_term(
    question: str,
    idf: Callable[[str], float],
    known: Callable[[str], bool],
    exclude: Collection[str] = (),
) -> str | None:
    """The question's deciding token (analysed), or None when it has none of its own.

    `exclude` holds words that name a source («NKROP», «høringsutkastet»): they say where to look,
    not what is asked. Service names («kommunehelsetjenesten») are judged by `analysis.actors`.
    """
    kept = legal_concepts.without_triggers(question.lower())
    candidates: list[str] = []
    for word in re.findall(r"[^\W\d_]+", kept):
        tokens = analyze(word, compounds=False)
        if not tokens or zipf_frequency(word, "nb") >= MAX_ZIPF or word.lower() in exclude:
            continue
        t = tokens[0]
        # Inflections and misspellings of a generic word are generic; compounds ending in one
        # («foreldreansvar», «tannhelse») are not.
        if MENTION.fullmatch(word) or any(_same_word(t, g, compounds=False) for g in _GENERIC):
            continue
        if known(t) and idf(t) >= MIN_IDF:
            candidates.append(t)
    return max(candidates, key=idf, default=None)


# A word this rare in general Norwegian names a specific thing («kjæresten», «mobiltelefon»,
# «ransake»); a word general Norwegian does not know at all (Zipf 0) is most often a typo or an
# ad-hoc compound and says little.
UNKNOWN_MAX_ZIPF = 4.0


def unknown_term(
    question: str,
    known: Callable[[str], bool],
    exclude: Collection[str] = (),
) -> str | None:
    """A specific word of the question the sources never use (not even through a synonym or a
    repaired spelling, which `known` judges), as the asker wrote it; None when there is none.

    Such a word is a deciding term no quote can hold: «Kan innsatte få besøk av kjæresten sin?»
    is not answered by a passage about visits in general. Words a concept recognised
    («glattcelle», «ringe»), service names and source names are judged elsewhere.
    """
    kept = legal_concepts.without_triggers(question)
    for word in re.findall(r"[^\W\d_]{4,}", kept):
        zipf = zipf_frequency(word.lower(), "nb")
        if not 0.0 < zipf < UNKNOWN_MAX_ZIPF or word.lower() in exclude or MENTION.fullmatch(word):
            continue
        tokens = analyze(word, compounds=False)
        if not tokens or any(_same_word(tokens[0], g, compounds=False) for g in _GENERIC):
            continue
        if not known(word):
            return word
    return None


def _same_word(a: str, b: str, compounds: bool = True) -> bool:
    """Inflections, misspellings and (with `compounds`) compounds of one word
    («anbefalt»/«anbefalinger», «innsat»/«innsatt», «dato»/«løslatelsesdato»)."""
    if a == b:
        return True
    if compounds and min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)):
        return True
    if compounds and min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)):
        return True  # the first part of a compound («klage» → «klagerett»)
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= max(5, max(len(a), len(b)) - 3)


def covers(term: str, units: Sequence[Unit], alternatives: Sequence[str]) -> bool:
    """True when a quote, its lead-in or its heading holds the term or one of its alternatives."""
    wanted = {term, *alternatives}
    for unit in units:
        p = unit.passage
        tokens = set(analyze(f"{unit.quote} {p.context} {p.heading}"))
        if any(_same_word(w, t) for w in wanted for t in tokens):
            return True
    return False


# A number the question asks about as a limit or an age: «under 18», «over 72 timer», «5 dager».
_UNITS = r"(?:år|dager|dag|døgn|timer|time|uker|uke|måneder|måned|ganger|gang)"
_ASKED_NUMBER = re.compile(
    r"\b(?:under|over|minst|inntil|innen|etter|mer enn|mindre enn)\s+(\d+)\b"
    rf"|(?<![§.\d])\b(\d+)\s*{_UNITS}\b",
    re.I,
)
# A count in words («tre uker», «to måneder»), read only before a unit: «to» alone is a preposition.
_NUMBER_WORDS = {
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9,
    "ti": 10, "elleve": 11, "tolv": 12, "fjorten": 14, "tjue": 20,
}  # fmt: skip
_WORD_NUMBER = re.compile(rf"\b({'|'.join(_NUMBER_WORDS)})\s+{_UNITS}\b", re.I)


def _counts_in_words(text: str) -> set[str]:
    return {str(_NUMBER_WORDS[m.group(1).lower()]) for m in _WORD_NUMBER.finditer(text)}


def numbers_covered(question: str, units: Sequence[Unit]) -> bool:
    """True unless the question asks about a number («under 18», «3 døgn», «tre uker») that no
    deciding quote, lead-in or heading states: then the sources do not answer that exact point."""
    asked = {a or b for a, b in _ASKED_NUMBER.findall(question)} | _counts_in_words(question)
    if not asked:
        return True
    shown = " ".join(f"{u.quote} {u.passage.context} {u.passage.heading}" for u in units)
    stated = set(re.findall(r"(?<![\d.])\d+(?![\d.]\d)", shown)) | _counts_in_words(shown)
    return asked <= stated


def silent_sources(
    named: set[str], passages: Iterable[Passage], concepts: Sequence[str]
) -> list[str]:
    """Named documents none of whose passages (the whole document, not only what was retrieved)
    is tagged with a concept of the question; nothing is judged when it has no concept."""
    if not named or not concepts:
        return []
    speaking = {p.doc_id for p in passages if p.doc_id in named and set(p.concepts) & set(concepts)}
    return sorted(named - speaking)


def source_title(doc_id: str, documents: Mapping[str, Document], name: str) -> str:
    """«Høringsutkastet»: the short name capitalised, for the opening line."""
    return name[:1].upper() + name[1:] if name else documents[doc_id].title


@dataclass(frozen=True)
class Point:
    """The checks above bound to one index's vocabulary.

    `known` tells whether the sources use an analysed token, `known_word` whether they use a word
    as written (or a synonym, or the word it misspells), `names` the words naming a source.
    """

    idf: Callable[[str], float]
    known: Callable[[str], bool]
    known_word: Callable[[str], bool]
    correct: Callable[[str], str | None]
    expand: Callable[[str], list[str]]
    names: Collection[str]

    def term(self, question: str) -> tuple[str, list[str]] | None:
        """The question's deciding term and its alternatives (synonyms, a repaired spelling)."""
        term = deciding_term(question, self.idf, self.known, self.names)
        if term is None:
            return None
        fixed = self.correct(term)
        return term, [*self.expand(term), *([fixed] if fixed else [])]

    def unknown(self, question: str) -> str | None:
        return unknown_term(question, self.known_word, self.names)
