"""The product's public API: `Assistant.load(settings).ask(question, role, history) -> Answer`.

Loads the index once and answers with citations, stage by stage (`assistant.answer`): understand
the question once, retrieve candidate passages, rank every sentence of them (learned weights over
frame agreement, words, retrieval and structure), refuse when nothing is near, select what
decides, hedge when no quoted sentence fills the asked slot, and render a short answer line and
the quotes. Every quote is a verbatim slice of a cited passage. The CLI, the chat page and the
evaluation suite all call this; none of them reach into the stages. It holds no conversation
state: callers pass `history`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from analysis import concepts as legal_concepts
from analysis import lexicon as lx
from analysis.norwegian import analyze, analyze_query
from assistant.answer import evidence, hedge, status
from assistant.answer import point as direct
from assistant.answer.features import INDEX, Weights
from assistant.answer.rank import Ranked, Ranker, rank
from assistant.answer.render import PHRASES, frame, source_name
from assistant.answer.retrieve import Candidates, candidates, mentioned_documents, source_aliases
from assistant.answer.select import Margins, Selection, list_key, select
from assistant.answer.understand import Lexicon, Question, understand
from assistant.answer.vocab import Vocabulary
from assistant.limits import MAX_TURN_QUESTION_CHARS, prepare
from assistant.records import Answer, Hit, Turn, check_role
from assistant.settings import Settings
from ingest.index import Index, IndexMissingError
from ingest.records import Passage

__all__ = ["MAX_QUESTION_CHARS", "Assistant", "IndexMissingError"]

MAX_QUESTION_CHARS = MAX_TURN_QUESTION_CHARS  # one limit, kept in assistant.limits
RETRIEVED_KEPT = 10  # an answer keeps this much of the ranking (evaluation reads hit@10 from it)
REFUSAL = "Jeg finner ikke dette i kildene."
_SURFACE = re.compile(r"[^\W\d_]+")
# The single-signal baselines rank by their retriever's score alone.
_SINGLE = {"bm25": "bm25", "dense": "dense"}


@dataclass(frozen=True)
class Trace:
    """What one ask did, stage by stage (for `hjemmel ask --explain` and the evaluation)."""

    question: Question
    found: Candidates
    ranked: Ranked
    timings_ms: dict[str, float] = field(default_factory=dict)  # embed, bm25, dense, rank


class Assistant:
    """Question → Answer over one opened index. Thread-safe for concurrent `ask` calls."""

    def __init__(self, index: Index, settings: Settings, ranker: Ranker | None = None) -> None:
        self.index = index
        self.settings = settings
        self.ranker = ranker or (Ranker.load(settings.ranker) if settings.ranker else Ranker.load())
        self.vocab = Vocabulary(
            (_analyze_whole(f"{p.text} {p.context} {p.heading}") for p in index.passages),
            (
                w
                for p in index.passages
                for w in _SURFACE.findall(f"{p.text} {p.context} {p.heading}")
            ),
        )
        self._lists: dict[tuple[str, str, str], list[Passage]] = {}
        self._previous: dict[str, Passage] = {}
        # Words that name a source («høringsutkastet», «NKROP», «Helsedirektoratets»): never a
        # question's deciding term.
        names = {n for doc in index.documents.values() for n in source_aliases(doc)}
        names |= {
            form
            for doc in index.documents.values()
            for word in re.findall(r"[^\W\d_]{8,}", doc.issuer.lower())
            for form in (word, f"{word}s")
        }
        point = direct.Point(
            self.idf, self.vocab.__contains__, self._known, self.vocab.correct, _expand, names
        )
        self.lexicon = Lexicon(
            correct=self.vocab.correct,
            evidence_concepts=lambda text: evidence.concepts(
                text, _analyze_whole, _expand, self.vocab
            ),
            deciding=point.term,
            unknown=point.unknown,
            documents=index.documents,
            named=lambda text: mentioned_documents(text, index.documents),
            names=frozenset(names),
        )
        self.margins = Margins(
            self.ranker.margin("primary", Margins.primary),
            self.ranker.margin("extra", Margins.extra),
            self.ranker.margin("further", Margins.further),
        )
        last: Passage | None = None
        for p in index.passages:  # index order is document order
            if key := list_key(p):
                self._lists.setdefault(key, []).append(p)
            if p.kind in ("paragraph", "comment"):
                if last is not None and (last.doc_id, last.section) == (p.doc_id, p.section):
                    self._previous[p.id] = last
                last = p

    @classmethod
    def load(cls, settings: Settings | None = None) -> Assistant:
        settings = settings or Settings.load()
        index = Index.open(
            settings.index_dir,
            chroma_host=settings.chroma_host,
            chroma_port=settings.chroma_port,
            embedding=settings.embedding,
        )
        return cls(index, settings)

    def idf(self, token: str) -> float:
        return self.vocab.idf(token)

    def _before(self, passage: Passage) -> Passage | None:
        """The paragraph (or comment) right before `passage` in its section."""
        return self._previous.get(passage.id)

    def _siblings(self, passage: Passage) -> list[Passage]:
        """Every item of the list `passage` belongs to, in document order."""
        key = list_key(passage)
        return self._lists.get(key, [passage]) if key else [passage]

    def understand(self, question: str, role: str, history: Sequence[Turn]) -> Question:
        """The question analysed once (`assistant.answer.understand`)."""
        return understand(question, role, history, self.lexicon, self.settings.concepts)

    def trace(
        self,
        q: Question,
        pipeline: str = "hybrid",
        documents: Collection[str] | None = None,
    ) -> Trace:
        """Retrieve and rank for an understood question; the question is embedded once here."""
        t0 = time.perf_counter()
        dense: Any = q.dense_text
        if pipeline != "bm25" and dense.strip():
            dense = self.index.embed_query(dense)  # one vector for every pool below
        t1 = time.perf_counter()
        found = candidates(self.index, q.tokens, dense, pipeline, documents)
        times = dict(found.timings_ms)
        named = set(q.named) & set(documents) if documents is not None else set(q.named)
        if named and not any(self.index.by_id[pid].doc_id in named for pid in found.ids):
            # The source the question names may answer below the pools: look in it alone.
            within = candidates(self.index, q.tokens, dense, pipeline, named)
            found = _merged(found, within)
            for stage, ms in within.timings_ms.items():
                times[stage] = times.get(stage, 0.0) + ms
        t2 = time.perf_counter()
        ranker = Ranker.single(_SINGLE[pipeline]) if pipeline in _SINGLE else self.ranker
        ranked = rank(q, found, self.index, ranker, Weights.of(q, self.idf))
        t3 = time.perf_counter()
        times.update(embed=(t1 - t0) * 1000, rank=(t3 - t2) * 1000)
        return Trace(q, found, ranked, times)

    def retrieve(
        self,
        question: str,
        role: str = "alle",
        history: Sequence[Turn] = (),
        k: int = 10,
        pipeline: str = "hybrid",
        documents: Collection[str] | None = None,
    ) -> list[Hit]:
        check_role(role)
        question, history = prepare(question, history)
        q = self.understand(question, role, history)
        return self.trace(q, pipeline, documents).ranked.hits[:k]

    def ask(
        self,
        question: str,
        role: str = "alle",
        history: Sequence[Turn] = (),
        pipeline: str = "hybrid",
        documents: Collection[str] | None = None,
    ) -> Answer:
        """Answer `question` for `role`; `documents` restricts the sources to those ids."""
        return self.ask_traced(question, role, history, pipeline, documents)[0]

    def ask_traced(
        self,
        question: str,
        role: str = "alle",
        history: Sequence[Turn] = (),
        pipeline: str = "hybrid",
        documents: Collection[str] | None = None,
    ) -> tuple[Answer, Trace | None]:
        """`ask`, with what each stage did (None when the question was refused unread)."""
        check_role(role)
        # assistant.limits: bounded question and history, no personal data, no refused turns.
        question, history = prepare(question, history)
        t0 = time.perf_counter()
        problem = _check_question(question)
        if problem:
            return Answer(question, role, problem, (), refused=True, notes=(problem,)), None
        q = self.understand(question, role, history)
        t1 = time.perf_counter()
        tr = self.trace(q, pipeline, documents)
        hits = tr.ranked.hits[: self.settings.top_k]
        t2 = time.perf_counter()
        ev = self._evidence(q, tr.found.dense_top, hits)
        if q.ask.status and q.named and not q.task_request:
            answer = self._compose(q, tr.ranked, documents)  # a source's own standing
        elif not ev.sufficient:
            answer = self._refusal(question, role, hits, ev)
        else:
            answer = self._compose(q, tr.ranked, documents)
        t3 = time.perf_counter()
        timings = {
            "understand": (t1 - t0) * 1000,
            "retrieve": (t2 - t1) * 1000,
            **tr.timings_ms,  # the retrieve stage's parts: embed, bm25, dense, rank
            "compose": (t3 - t2) * 1000,
            "total": (t3 - t0) * 1000,
        }
        answer = replace(
            answer,
            role=role,
            timings_ms=timings,
            resolved_question=q.asked,
            retrieved=tuple(tr.ranked.hits[:RETRIEVED_KEPT]),
            topics=legal_concepts.labels(q.concepts),
        )
        return answer, tr

    def _compose(
        self, q: Question, ranked: Ranked, documents: Collection[str] | None = None
    ) -> Answer:
        lang = q.language if q.language == "en" else "nb"
        docs = self.index.documents
        named = set(q.named) & set(documents) if documents is not None else set(q.named)
        # An answer is drawn from the top_k passages of the ranking (HJEMMEL_TOP_K).
        top = {h.passage.id for h in ranked.hits[: self.settings.top_k]}
        units = [u for u in ranked.units if u.passage.id in top]
        opening = ""
        silent = direct.silent_sources(named, self.index.passages, q.concepts)
        if silent:
            # The source the question names says nothing on the topic: say so, show the nearest.
            units = [u for u in units if u.passage.doc_id not in silent]
            name = direct.source_title(silent[0], docs, source_name(docs[silent[0]], lang))
            opening = PHRASES[lang]["silent"].format(source=name)
        if q.ask.status and named and not silent:
            return self._status(q, named, units, lang)
        wanted = q.ask.conditions & (lx.HELD_CONDITIONS | lx.SITUATIONS)
        sel = select(units, q.lists, self._siblings, self._before, self.margins, _adds, wanted)
        if not sel.primary:
            return self._refusal(q.text, q.role, ranked.hits, None)
        if not opening and q.unknown:
            opening = PHRASES[lang]["not_named"].format(word=q.unknown)
        if not opening and not hedge.answers(q, sel.primary):
            opening = PHRASES[lang]["not_direct"]
        return self._answer(q, sel, lang, opening)

    def _answer(self, q: Question, sel: Selection, lang: str, opening: str) -> Answer:
        framed = frame(sel, q.role, self.index.documents, lang, opening, q.ask)
        notes = framed.notes
        if q.context:
            notes = (f"Tolket som oppfølging av: «{q.context}»", *notes)
        return Answer(
            q.text,
            q.role,
            framed.text,
            framed.citations,
            False,
            notes,
            further=framed.further,
            direct=not opening,
            language=lang,
            short=framed.short,
        )

    def _status(self, q: Question, named: set[str], units: Sequence[Any], lang: str) -> Answer:
        """«Er høringsutkastet gjeldende?»: the status, then the document's own words."""
        doc = self.index.documents[sorted(named)[0]]
        own = status.own_words(doc, self.index.passages)
        sel = Selection(primary=own)
        sel.further = [u for u in units if u.passage.doc_id == doc.id][:3]
        line = status.verdict(doc, source_name(doc, lang), lang)
        framed = frame(sel, q.role, self.index.documents, lang, line)
        return Answer(
            q.text, q.role, framed.text, framed.citations, False, framed.notes,
            further=framed.further, direct=True, language=lang, short=line,
        )  # fmt: skip

    def _known(self, word: str) -> bool:
        """True when the sources use `word`, a synonym of it or the word it misspells."""
        # Compounds count by their parts («sikkerhetsgrunner», «helseavdelingen»).
        return all(c.known for c in evidence.concepts(word, _analyze, _expand, self.vocab))

    def _evidence(self, q: Question, dense_top: float, hits: Sequence[Hit]) -> evidence.Evidence:
        if q.task_request or not hits:
            return evidence.Evidence(0.0, 1.0, 0.0, task_request=q.task_request)
        return evidence.Evidence(
            coverage=evidence.coverage(q.found, hits, _analyze),
            missing=evidence.missing_share(q.found, q.english),
            dense=dense_top,
            english=q.english,
            english_off_topic=q.english and not q.translated and not q.topical,
            count_missing=evidence.quantity_unanswered(q.gate_text, hits, _expand),
            price_missing=evidence.price_unanswered(q.gate_text, hits),
            limit_missing=evidence.limit_unanswered(q.gate_text, hits),
            focus_unknown=evidence.focus_unknown(q.gate_text, q.found, q.english),
        )

    def _refusal(
        self, question: str, role: str, hits: Sequence[Hit], ev: evidence.Evidence | None
    ) -> Answer:
        topics: list[str] = []
        for hit in hits:
            heading = hit.passage.heading
            if heading and heading not in topics and hit.passage.kind != "footnote":
                topics.append(heading)
            if len(topics) == 3:
                break
        if ev is None:
            text = REFUSAL + " Jeg gjetter ikke."
        elif ev.task_request:
            text = (
                "Jeg svarer bare på spørsmål om kildene (rundskrivet, veilederen, høringsutkastet og "
                "høringsinnspillene) om taushetsplikt, isolasjon og samarbeid i fengsel."
            )
        elif ev.focus_unknown:
            text = f"{REFUSAL} Kildene nevner ikke «{ev.focus_unknown}». Jeg gjetter ikke."
        elif ev.limit_missing:
            text = f"{REFUSAL} Kildene oppgir ingen øvre grense for dette. Jeg gjetter ikke."
        elif ev.price_missing:
            text = f"{REFUSAL} Kildene oppgir ingen priser eller kostnader. Jeg gjetter ikke."
        elif ev.count_missing:
            text = f"{REFUSAL} Kildene oppgir ikke noe slikt antall. Jeg gjetter ikke."
        else:
            text = REFUSAL + " Jeg gjetter ikke."
        if topics:
            text += "\n\nNærliggende temaer kildene dekker:\n" + "\n".join(f"- {t}" for t in topics)
        return Answer(question, role, text, (), refused=True, notes=(REFUSAL,))


def _adds(unit: Any) -> bool:
    """A quote adds something on the question's frame unless it states a rule for another situation
    than the question names, or binds another party towards another counterpart."""
    f = unit.features
    if not f:
        return True
    if f[INDEX["situation_clash"]]:
        return False
    return not (f[INDEX["actor_other"]] and f[INDEX["counterpart_other"]])


def _merged(a: Candidates, b: Candidates) -> Candidates:
    """`a` with the passages only `b` found (their signals as `b` measured them)."""
    extra = [pid for pid in b.ids if pid not in a.ids]
    return Candidates(
        ids=(*a.ids, *extra),
        bm25={**{p: b.bm25[p] for p in extra if p in b.bm25}, **a.bm25},
        dense={**{p: b.dense[p] for p in extra if p in b.dense}, **a.dense},
        bm25_rank={**{p: b.bm25_rank[p] for p in extra if p in b.bm25_rank}, **a.bm25_rank},
        dense_rank={**{p: b.dense_rank[p] for p in extra if p in b.dense_rank}, **a.dense_rank},
        cosine={**{p: b.cosine[p] for p in extra if p in b.cosine}, **a.cosine},
        dense_top=a.dense_top,
        timings_ms=a.timings_ms,
    )


def _check_question(question: str) -> str | None:
    if not question or not question.strip():
        return "Spørsmålet er tomt. Skriv et spørsmål om taushetsplikt, isolasjon eller samarbeid."
    if len(question) > MAX_QUESTION_CHARS:
        return (
            f"Spørsmålet er for langt ({len(question)} tegn). "
            f"Kort det ned til høyst {MAX_QUESTION_CHARS} tegn."
        )
    return None


@lru_cache(maxsize=8192)
def _analyze_cached(text: str, compounds: bool = True) -> tuple[str, ...]:
    return tuple(analyze(text, compounds))


def _analyze(text: str) -> list[str]:
    """Tokens as BM25 sees them, parts of split compounds included (for matching passages)."""
    return list(_analyze_cached(text))


def _analyze_whole(text: str) -> list[str]:
    """Whole-word tokens only: whether the sources use a word («klagefristen») at all."""
    return list(_analyze_cached(text, False))


@lru_cache(maxsize=8192)
def _expand_cached(word: str) -> tuple[str, ...]:
    return tuple(analyze_query(word, compounds=False))


def _expand(word: str) -> list[str]:
    return list(_expand_cached(word))
