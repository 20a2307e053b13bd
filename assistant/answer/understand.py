"""Understand: the question analysed once into the record every later stage reads.

`understand(question, role, history, lexicon)` resolves a follow-up against the conversation,
analyses the words as BM25 sees them (asked words, repaired misspellings, the conversation's words
and the concept layer's legal words, each with its weight), recognises the legal concepts, the
provisions and the sources it names, its language, the kind of answer asked (`analysis.shape`),
its frame (`analysis.asks`: who would act, what, to whom, under which conditions, which slot) and
the words that decide whether a quote answers the exact point (`assistant.answer.point`). Nothing
after this stage analyses the question's text again. It does not retrieve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from analysis import concepts as legal_concepts
from analysis.asks import Ask, ask_frame, follow_up
from analysis.legalrefs import last_law_named, scan
from analysis.norwegian import analyze, analyze_query_weighted, translate_glossary
from analysis.shape import question_shape
from assistant.answer import evidence
from assistant.answer.followup import resolve
from assistant.records import Turn
from ingest.records import Document, LegalRef

TYPO_WEIGHT = 0.8  # a repaired misspelling counts nearly as much as the word itself
CONTEXT_WEIGHT = 0.3  # words borrowed from earlier turns of a conversation
CONCEPT_WEIGHT = 0.5  # the legal words of a recognised concept (analysis.concepts)
_LIST_QUESTION = re.compile(
    r"\b(hvilke (plikter|oppgaver|tiltak|krav|rettigheter|regler|elementer)|"
    r"hva (skal|må) \w+ gjøre|hva (er|inneb\w*) \w*\s*(plikt|oppgave|ansvar)\w*|"
    r"list\w*|oppgavene|pliktene|what are the|which duties|what must)\b",
    re.I,
)


def asks_for_list(question: str) -> bool:
    """True when the question asks for a whole list of duties or tasks («Hvilke plikter …»)."""
    return bool(_LIST_QUESTION.search(question))


@dataclass(frozen=True)
class Lexicon:
    """What understanding needs of one index: its vocabulary and the point checks bound to it."""

    correct: Callable[[str], str | None]
    evidence_concepts: Callable[[str], list[evidence.Concept]]
    deciding: Callable[[str], tuple[str, list[str]] | None]
    unknown: Callable[[str], str | None]
    documents: Mapping[str, Document]
    named: Callable[[str], set[str]]
    names: frozenset[str] = frozenset()  # words that name a source («høringsutkastet», «NKROP»)


@dataclass(frozen=True)
class Question:
    """One question, analysed: every stage after `understand` reads only this."""

    text: str
    role: str
    context: str = ""  # the earlier questions a follow-up leans on ("" when it stands alone)
    language: str = "nb"  # nb · en
    weights: tuple[tuple[str, float], ...] = ()  # BM25 terms: asked 1.0, expansions less
    focus: tuple[str, ...] = ()  # the question's own analysed words
    context_tokens: tuple[str, ...] = ()
    concept_tokens: tuple[str, ...] = ()  # the legal words the recognised concepts add
    concepts: tuple[str, ...] = ()  # legal concepts of the question and its conversation
    fresh: tuple[str, ...] = ()  # a follow-up's concepts the conversation did not have
    topic: tuple[str, ...] = ()  # the conversation's concepts (a follow-up's topic)
    refs: tuple[LegalRef, ...] = ()
    named: frozenset[str] = frozenset()  # documents the question names
    translated: str = ""  # an English question's domain words in Norwegian
    ask: Ask = field(default_factory=lambda: Ask("alle"))
    shape_words: tuple[str, ...] = ()  # analysed words asking for the shape («hvor ofte»)
    lists: bool = False  # asks for a whole list of duties
    gate_text: str = ""  # the text the refusal gate reads (concept triggers replaced)
    found: tuple[evidence.Concept, ...] = ()  # the gate's content words
    deciding: tuple[str, tuple[str, ...]] | None = None  # the deciding term and alternatives
    unknown: str | None = None  # a specific word the sources never use («mobiltelefon»)
    task_request: bool = False
    topical: tuple[str, ...] = ()  # the concepts that place it in the sources' topics

    @property
    def tokens(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for tok, w in self.weights:
            out[tok] = max(out.get(tok, 0.0), w)
        return out

    @property
    def english(self) -> bool:
        return self.language == "en"

    @property
    def slot(self) -> str:
        return self.ask.slot

    dense: str = ""  # the text embedded (see `dense_text`)

    @property
    def dense_text(self) -> str:
        """The question as asked (with a follow-up's conversation), without the words that name
        a source (they select the source; embedded, they pull in passages about hearings and
        reports): embedded once. Measured: appending the concept layer's legal words (as before)
        gave no gain in cross-validation (mean first-citation .616 against .628 without)."""
        return self.dense or f"{self.context} {self.text}".strip()

    @property
    def asked(self) -> str:
        return f"{self.context} {self.text}".strip()


def question_refs(question: str, context: str = "") -> tuple[LegalRef, ...]:
    """Provisions the question names; a bare «§ 21» keeps an empty law and matches any law's § 21
    (the conversation's last named law is used when there is one)."""
    refs: list[LegalRef] = []
    for match in scan(question, default_law=last_law_named(context) if context else None):
        refs.extend(match.refs or (LegalRef("", p) for p in match.provisions))
    return tuple(refs)


def _gate_text(question: str) -> str:
    """The question as the refusal gate reads it: everyday words a concept recognised («ringe»,
    «isolat») replaced by the concept's legal words, so a plain question in staff's words is not
    refused for words the sources never use."""
    kept = legal_concepts.without_triggers(question)
    if kept == question:
        return question
    return f"{kept} {legal_concepts.expansion(legal_concepts.recognise(question))}"


def understand(
    question: str,
    role: str,
    history: Sequence[Turn],
    lexicon: Lexicon,
    use_concepts: bool = True,
) -> Question:
    """Analyse `question` (already bounded and stripped of personal data) once."""
    context = resolve(question, history)
    # Words naming a source say where to look, not what is asked: the source is found by name
    # (`named`), and its own name in its passages («Høringsfristen …») is no answer.
    naming = {t for word in re.findall(r"[^\W\d_]+", question.lower()) if word in lexicon.names
              for t in analyze(word)}  # fmt: skip
    weighted = [(t, w) for t, w in analyze_query_weighted(question) if t not in naming]
    weights = list(weighted)
    fixed = [lexicon.correct(t) for t, w in weighted if w >= 1.0]
    weights += [(c, TYPO_WEIGHT) for c in fixed if c]
    context_tokens = tuple(analyze(context)) if context else ()
    weights += [(t, CONTEXT_WEIGHT) for t in context_tokens]
    concepts = legal_concepts.recognise(f"{context} {question}") if use_concepts else ()
    concept_tokens = tuple(analyze(legal_concepts.expansion(concepts)))
    weights += [(t, CONCEPT_WEIGHT) for t in concept_tokens]
    topic = legal_concepts.recognise(context) if context and use_concepts else ()
    fresh = tuple(c for c in legal_concepts.recognise(question) if c not in topic) if topic else ()
    english = evidence.is_english(question)
    shape = question_shape(question)
    asked = f"{context} {question}".strip()
    topical = tuple(c for c in concepts if c not in legal_concepts.CIRCUMSTANTIAL)
    gate = _gate_text(asked) if use_concepts and topical else asked
    named = lexicon.named(question)
    deciding = lexicon.deciding(question)
    ask = ask_frame(question, role)
    if context:
        ask = follow_up(ask, ask_frame(context, role), question)
    return Question(
        text=question,
        role=role,
        context=context,
        language="en" if english else "nb",
        weights=tuple(weights),
        focus=tuple(t for t, w in weighted if w >= 1.0),
        context_tokens=context_tokens,
        concept_tokens=concept_tokens,
        concepts=concepts,
        fresh=fresh,
        topic=topic,
        refs=question_refs(question, context),
        named=frozenset(named),
        translated=translate_glossary(question) if english else "",
        ask=ask,
        dense=" ".join(
            w
            for w in f"{context} {question}".split()
            if re.sub(r"[^\w]", "", w.lower()) not in lexicon.names
        ).strip(),
        shape_words=tuple(analyze(shape[1])) if shape else (),
        lists=asks_for_list(question),
        gate_text=gate,
        found=tuple(lexicon.evidence_concepts(gate)),
        deciding=(deciding[0], tuple(deciding[1])) if deciding else None,
        unknown=None if english or topical else lexicon.unknown(question),
        topical=topical,
        task_request=evidence.is_task_request(gate),
    )
