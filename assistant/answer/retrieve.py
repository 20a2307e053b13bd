"""Hybrid retrieval: BM25 (Norwegian analysis) and dense vectors, min-max normalised and fused.

Adds a boost for the asker's role and for a source the question names, a lower prior for drafts,
opinions and information pages the question does not name and for footnotes and bare headings, and an exact lookup that puts passages citing a provision named in the question
first. Reciprocal rank fusion is used only when one retriever returned nothing. It ranks passages;
it does not pick sentences (compose) or decide whether to refuse (evidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis import concepts as legal_concepts
from analysis.legalrefs import last_law_named, scan
from analysis.norwegian import analyze, analyze_query_weighted, translate_glossary
from analysis.shape import Shape, has_shape, question_shape
from assistant.answer.evidence import is_english
from assistant.records import Hit
from ingest.records import Document, LegalRef, Passage

RRF_K = 60
BM25_SHARE = 0.55
TYPO_WEIGHT = 0.8  # a repaired misspelling counts nearly as much as the word itself
CONTEXT_WEIGHT = 0.3  # words borrowed from earlier turns of a conversation
POOL = 60  # candidates taken from each retriever before fusion
# The concept layer (analysis.concepts): a recognised concept's legal words join the BM25 query at
# CONCEPT_WEIGHT and the dense text; a passage tagged with a recognised concept is boosted by
# CONCEPT_BOOST (once, however many concepts match). Set on core, checked on the held-out suites.
CONCEPT_WEIGHT = 0.5
CONCEPT_BOOST = 1.25
ROLE_BOOST = 1.2
# A passage holding the kind of answer the question asks for («hvor ofte» → «én gang per time»;
# analysis.shape) is boosted.
SHAPE_BOOST = 1.3
KIND_PRIOR = {"footnote": 0.5, "heading": 0.7}
DOC_MENTION_BOOST = 1.3  # the question names a source («ifølge NKROP», «i høringsutkastet»)
# Staff ask what they must do: the rule ranks before a draft, an opinion or an information page,
# unless the question names that source. Measured on the core and held-out suites.
STATUS_PRIOR = {"innspill": 0.6, "utkast": 0.8, "informasjon": 0.8, "historisk": 0.8, "ukjent": 0.8}
# How people name each type of source, in Norwegian and English: the definite or specific forms
# and phrases only. A bare «rapport», «utkast», «report» or «draft» is an everyday word («skrive
# rapport», «report to the doctor»), not a source.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "rundskriv": ("rundskriv", "rundskrivet", "circular", "the circular"),
    "veileder": ("veilederen", "the guide", "national guide", "the guideline"),
    "høringsutkast": ("høringsutkast", "høringsutkastet", "utkastet", "the draft",
                      "draft advice", "consultation draft"),
    "høringsinnspill": ("høringsinnspill", "høringsinnspillet", "høringssvar", "høringssvaret",
                        "consultation response"),
    "rapport": ("rapporten", "årsrapport", "årsrapporten", "annual report", "the report"),
    "nettside": ("nettsiden", "nettsida", "temaside", "temasiden", "the website", "web page"),
}  # fmt: skip
PIPELINES = ("hybrid", "bm25", "dense")


@dataclass(frozen=True)
class Query:
    """A question prepared for retrieval: its own tokens, tokens borrowed from the conversation."""

    text: str
    dense_text: str
    focus_tokens: tuple[str, ...]
    context_tokens: tuple[str, ...] = ()
    refs: tuple[LegalRef, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    translated: str = ""  # an English question's domain words in Norwegian, for a second dense look
    concepts: tuple[str, ...] = ()  # legal concepts recognised in the question (and its context)
    shape: Shape | None = None  # the kind of answer asked for («hvor ofte» → frequency)

    @property
    def tokens(self) -> dict[str, float]:
        """BM25 query terms with weights: asked words 1.0, expansions and context less."""
        out: dict[str, float] = {}
        for tok, w in self.weights:
            out[tok] = max(out.get(tok, 0.0), w)
        return out


def make_query(
    question: str,
    context: str = "",
    correct: Callable[[str], str | None] | None = None,
    concepts: bool = True,
) -> Query:
    """Prepare a question; `correct` maps a word the sources never use to the one it likely
    misspells («sykeplieren» → «sykeplei»), added with a slightly lower weight."""
    weighted = analyze_query_weighted(question)
    weights = list(weighted)
    if correct:
        fixed = ((correct(t), w) for t, w in weighted if w >= 1.0)
        weights += [(c, TYPO_WEIGHT) for c, _ in fixed if c]
    context_tokens = tuple(analyze(context)) if context else ()
    weights += [(t, CONTEXT_WEIGHT) for t in context_tokens]
    # A follow-up keeps the conversation's topic: its concepts count as the question's own.
    found = legal_concepts.recognise(f"{context} {question}") if concepts else ()
    expansion = legal_concepts.expansion(found)
    weights += [(t, CONCEPT_WEIGHT) for t in analyze(expansion)]
    dense = f"{context} {question}".strip() if context else question
    return Query(
        text=question,
        dense_text=f"{dense} {expansion}".strip(),
        concepts=found,
        shape=(question_shape(question) or (None, ""))[0],
        focus_tokens=tuple(t for t, w in weighted if w >= 1.0),
        context_tokens=context_tokens,
        refs=question_refs(question, context),
        weights=tuple(weights),
        translated=translate_glossary(question) if is_english(question) else "",
    )


def question_refs(question: str, context: str = "") -> tuple[LegalRef, ...]:
    """Provisions the question names; a bare «§ 21» keeps an empty law and matches any law's § 21
    (the conversation's last named law is used when there is one)."""
    refs: list[LegalRef] = []
    for match in scan(question, default_law=last_law_named(context) if context else None):
        refs.extend(match.refs or (LegalRef("", p) for p in match.provisions))
    return tuple(refs)


def _rrf(rankings: Sequence[Sequence[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def source_aliases(doc: Document) -> set[str]:
    """Words that name a document: its type's names and acronyms of its issuer (e.g. NKROP)."""
    names = set(TYPE_ALIASES.get(doc.type, ()))
    names |= {w.lower() for w in re.findall(r"\b[A-ZÆØÅ]{3,}\b", f"{doc.issuer} {doc.title}")}
    return names


# «Helsedirektoratets nettside», «departementenes rundskriv»: an owner's indefinite type noun
# names a source as surely as the definite form does.
_POSSESSED = re.compile(
    r"\b[^\W\d_]{3,}s (nettside|rapport|årsrapport|veileder|høringsutkast|utkast|rundskriv|"
    r"høringsinnspill|innspill|høringssvar)\b"
)
_POSSESSED_TYPE = {
    "nettside": "nettside",
    "rapport": "rapport",
    "årsrapport": "rapport",
    "veileder": "veileder",
    "høringsutkast": "høringsutkast",
    "utkast": "høringsutkast",
    "rundskriv": "rundskriv",
    "høringsinnspill": "høringsinnspill",
    "innspill": "høringsinnspill",
    "høringssvar": "høringsinnspill",
}


def mentioned_documents(question: str, documents: Mapping[str, Document]) -> set[str]:
    """The documents a question names: a word alias, an issuer acronym, a phrase («the draft») or
    an owner's type noun («Helsedirektoratets nettside»)."""
    lowered = " ".join(question.lower().split())
    words = set(re.findall(r"[^\W\d_]+", lowered))
    possessed = {_POSSESSED_TYPE[m] for m in _POSSESSED.findall(lowered)}
    found: set[str] = set()
    for doc_id, doc in documents.items():
        aliases = source_aliases(doc)
        phrases = {a for a in aliases if " " in a}
        if (
            aliases & words
            or doc.type in possessed
            or any(re.search(rf"\b{re.escape(p)}\b", lowered) for p in phrases)
        ):
            found.add(doc_id)
    return found


def _best_of(
    a: Sequence[tuple[str, float]], b: Sequence[tuple[str, float]]
) -> list[tuple[str, float]]:
    """Merge two rankings of one retriever, keeping each passage's best score."""
    best: dict[str, float] = {}
    for pid, score in [*a, *b]:
        best[pid] = max(best.get(pid, score), score)
    return sorted(best.items(), key=lambda t: (-t[1], t[0]))


def _normalised(hits: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Min-max normalise one retriever's scores over its candidates to [0, 1]."""
    scores = [s for _, s in hits]
    lo, hi = min(scores), max(scores)
    span = (hi - lo) or 1.0
    return {pid: (s - lo) / span for pid, s in hits}


def _score_fusion(
    bm25: Sequence[tuple[str, float]], dense: Sequence[tuple[str, float]]
) -> dict[str, float]:
    """Convex combination of normalised scores; a passage one retriever missed scores 0 there."""
    b, d = _normalised(bm25), _normalised(dense)
    return {
        pid: BM25_SHARE * b.get(pid, 0.0) + (1 - BM25_SHARE) * d.get(pid, 0.0)
        for pid in set(b) | set(d)
    }


def _cites_level(passage: Passage, refs: Sequence[LegalRef]) -> int:
    """2: the passage cites an asked provision down to the asked ledd; 1: the provision with
    another or no ledd («§ 37» when «§ 37 syvende ledd» is asked); 0: none."""
    level = 0
    for want in refs:
        for have in passage.refs:
            if have.provision == want.provision and want.law in ("", have.law):
                level = max(level, 2 if want.ledd in (None, have.ledd) else 1)
    return level


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    dense_top: float  # cosine similarity of the best dense match (0.0 when dense was not run)


def retrieve(
    index: Any,
    query: Query,
    role: str = "alle",
    k: int = 10,
    pipeline: str = "hybrid",
    documents: Collection[str] | None = None,
) -> Retrieval:
    """Rank passages for `query`; `pipeline` chooses hybrid fusion or one retriever alone.

    `documents` restricts the ranking to those document ids (None: every document).
    """
    if pipeline not in PIPELINES:
        raise ValueError(f"Ukjent pipeline «{pipeline}». Gyldige: {', '.join(PIPELINES)}.")
    bm25_hits: list[tuple[str, float]] = []
    dense_hits: list[tuple[str, float]] = []
    pool = POOL if documents is None else 8 * POOL  # a filter needs a deeper pool to fill k
    if pipeline in ("hybrid", "bm25") and query.tokens:
        bm25_hits = list(index.bm25_search(query.tokens, pool))
    if pipeline in ("hybrid", "dense"):
        dense_hits = list(index.dense_search(query.dense_text, pool))
        if query.translated and pipeline == "hybrid":
            dense_hits = _best_of(dense_hits, index.dense_search(query.translated, pool))
    bm25 = [pid for pid, _ in bm25_hits]
    dense = [pid for pid, _ in dense_hits]
    if bm25_hits and dense_hits:
        fused = _score_fusion(bm25_hits, dense_hits)
    else:
        fused = _rrf([r for r in (bm25, dense) if r])
    bm25_rank = {pid: i for i, pid in enumerate(bm25, start=1)}
    dense_rank = {pid: i for i, pid in enumerate(dense, start=1)}
    docs = index.documents
    named = mentioned_documents(query.text, docs) if pipeline == "hybrid" else set()
    scored: list[tuple[float, int, str]] = []
    for pid, score in fused.items():
        passage = index.by_id.get(pid)
        if passage is None or (documents is not None and passage.doc_id not in documents):
            continue
        if pipeline == "hybrid":
            score *= KIND_PRIOR.get(passage.kind, 1.0)
            if role in passage.roles:
                score *= ROLE_BOOST
            if set(query.concepts) & set(passage.concepts):
                score *= CONCEPT_BOOST
            if has_shape(passage.text, query.shape):
                score *= SHAPE_BOOST
            if passage.doc_id in named:
                score *= DOC_MENTION_BOOST
            else:
                score *= STATUS_PRIOR.get(docs[passage.doc_id].status, 1.0)
        # A passage citing the asked provision ranks first, the exact ledd before the § alone.
        level = _cites_level(passage, query.refs) if pipeline == "hybrid" and query.refs else 0
        order = 2 - level
        scored.append((score, order, pid))
    scored.sort(key=lambda t: (t[1], -t[0], t[2]))
    # Only the passages citing the asked provision most exactly count as citing it.
    exact = min((order for _, order, _ in scored), default=2)
    hits = [
        Hit(
            passage=index.by_id[pid],
            score=score,
            bm25_rank=bm25_rank.get(pid),
            dense_rank=dense_rank.get(pid),
            cites_asked=order == exact < 2,
        )
        for score, order, pid in scored[:k]
    ]
    return Retrieval(hits, max((s for _, s in dense_hits), default=0.0))
