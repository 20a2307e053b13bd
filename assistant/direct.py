"""Does the answer's deciding quote answer the exact point asked, or only something near it?

A question has a deciding term: who must act («fengselsleder»), what is done («godkjenne»), a
limit. When that term — or a synonym, a repaired spelling or an inflection of it — appears in none
of the deciding quotes (nor their lead-in or heading), the answer opens with «Kildene svarer ikke
direkte på dette. Nærmest er: …» instead of presenting the nearest text as the answer. The deciding
term is the question's rarest word in the corpus (highest idf) among the words the sources use,
leaving out the domain's everyday words and words the concept layer already translated
(«ringe» → «varsle»): those are judged by their concept. A question that names a source
(«høringsutkastet») is also checked for that source being silent on the topic. It neither
retrieves nor refuses: refusal (nothing near) is `assistant.evidence`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from wordfreq import zipf_frequency

from assistant.compose import Unit
from ingest import concepts as legal_concepts
from ingest.analysis import analyze
from ingest.records import Document

# Words so common in this domain that they decide nothing («innsatt», «fengsel», «skal»).
_GENERIC = frozenset(
    analyze(
        "innsatt innsatte fengsel fengselet soning soner kriminalomsorgen helsetjenesten "
        "helse omsorgstjenesten tjeneste tjenesten ansatte ansvar plikt regler gjelder gjøre "
        "gjør skje hva hvem hvordan når hvor noen noe annen andre sier står rundskrivet "
        "kildene situasjon tilfelle person personer vi jeg dere de han hun ham henne"
    )
)
MIN_IDF = 1.5  # a word in more than about a fifth of the passages decides nothing
# A word this common in general Norwegian (wordfreq Zipf; «godt» 5.6, «krav» 4.9, «vedtak» 4.3,
# «godkjenne» 3.6) says how something is asked, not what is asked about.
MAX_ZIPF = 4.5


def deciding_term(
    question: str, idf: Callable[[str], float], known: Callable[[str], bool]
) -> str | None:
    """The question's deciding token (analysed), or None when it has none of its own."""
    spans = legal_concepts.trigger_spans(question.lower())
    kept = "".join(
        " " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(question.lower())
    )
    candidates: list[str] = []
    for word in re.findall(r"[^\W\d_]+", kept):
        tokens = analyze(word, compounds=False)
        if not tokens or zipf_frequency(word, "nb") >= MAX_ZIPF:
            continue
        t = tokens[0]
        if t not in _GENERIC and known(t) and idf(t) >= MIN_IDF:
            candidates.append(t)
    return max(candidates, key=idf, default=None)


def covers(term: str, units: Sequence[Unit], alternatives: Sequence[str]) -> bool:
    """True when a quote, its lead-in or its heading holds the term or one of its alternatives."""
    wanted = {term, *alternatives}
    for unit in units:
        p = unit.passage
        tokens = set(analyze(f"{unit.quote} {p.context} {p.heading}"))
        if wanted & tokens:
            return True
    return False


def silent_sources(named: set[str], units: Sequence[Unit], concepts: Sequence[str]) -> list[str]:
    """Named documents none of whose candidate units share a concept with the question."""
    if not named or not concepts:
        return []
    speaking = {u.passage.doc_id for u in units if set(u.passage.concepts) & set(concepts)}
    return sorted(named - speaking)


def source_title(doc_id: str, documents: Mapping[str, Document], name: str) -> str:
    """«Høringsutkastet»: the short name capitalised, for the opening line."""
    return name[:1].upper() + name[1:] if name else documents[doc_id].title
