"""Features: how well one sentence of a candidate passage answers the question, as numbers.

For every sentence (its `Frame`) of every candidate passage, `featurize` computes the signals the
ranker weighs (`FEATURES`, each in [0, 1] or a 0/1 flag): the retrievers' scores and ranks, how much
of the question's vocabulary the sentence and its passage hold, the concepts they share, frame
agreement (the actor asked about, the counterpart and the direction of disclosure, the action, each
condition named or negated, a situation the question does not ask about, the asked slot filled)
and structure (status of the source, a named source, kind of passage, the asker's role, a cited
provision). It weighs nothing: the weights are learned (`assistant.answer.rank`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from analysis import lexicon as lx
from analysis.asks import Ask
from analysis.norwegian import analyze
from analysis.records import Frame
from analysis.sentences import leans_back
from assistant.answer.retrieve import Candidates, cites_level
from assistant.answer.understand import Question
from ingest.records import Document, Passage

FEATURES: tuple[str, ...] = (
    # retrieval
    "bm25", "dense", "bm25_rank", "dense_rank", "dense_gap", "dense_en",
    # words
    "cover", "cover_passage", "cover_context", "cover_concepts", "cover_shape", "length",
    "first_sentence",
    # concepts
    "concept_sentence", "concept_passage", "concept_none", "fresh_concept", "topic",
    # frame agreement
    "rule", "frame_match", "actor_match", "actor_other", "actor_inmate", "counterpart_match",
    "counterpart_other", "reversed", "action_match", "action_related", "action_other",
    "modal_match", "modal_forbids", "condition_match", "condition_conflict",
    "situation_match", "situation_own", "situation_other", "situation_clash", "slot_filled",
    "slot_other_time",
    # structure
    "role", "binding", "draft", "opinion", "information", "historical", "unknown_status",
    "named", "named_other", "footnote", "heading", "list_item", "cites_exact", "cites_provision",
    "has_ref", "leans_back", "bibliographic",
)  # fmt: skip
INDEX = {name: i for i, name in enumerate(FEATURES)}
# The direction each feature may weigh in, by what it means: a match can only raise a sentence, a
# clash (another actor, the reverse direction, another situation, a conflicting condition) only
# lower it. The fit (`evals.train`) keeps every weight on its side; the rest are free.
RAISES = frozenset({
    "bm25", "dense", "bm25_rank", "dense_rank", "dense_gap", "dense_en", "cover",
    "cover_passage", "cover_context", "cover_shape", "concept_sentence", "concept_passage",
    "fresh_concept", "topic", "frame_match", "actor_match", "counterpart_match", "action_match",
    "action_related", "modal_match", "condition_match", "situation_match", "situation_own",
    "slot_filled", "role",
    "named", "cites_exact", "cites_provision",
})  # fmt: skip
LOWERS = frozenset({
    "concept_none", "actor_other", "actor_inmate", "counterpart_other", "reversed",
    "action_other", "condition_conflict", "situation_other", "situation_clash", "slot_other_time",
    "named_other",
    "footnote", "heading", "bibliographic",
})  # fmt: skip
FEATURES_VERSION = "features-6"  # bump when a feature's meaning changes (the model is refitted)

# Which actors a duty of a frame's actor reaches (a duty of «helsepersonell» is the municipal and
# the specialist health service's; a duty of both sides is everyone's).
_COVERS: dict[str, frozenset[str]] = {
    "kriminalomsorgen": frozenset({"kriminalomsorgen"}),
    "kommunehelse": frozenset({"kommunehelse", "helsepersonell"}),
    "spesialisthelse": frozenset({"spesialisthelse", "helsepersonell"}),
    "helsepersonell": frozenset({"kommunehelse", "spesialisthelse", "helsepersonell"}),
    "felles": frozenset({"kriminalomsorgen", "kommunehelse", "spesialisthelse", "helsepersonell"}),
    "innsatt": frozenset({"innsatt"}),
}
_HEALTH = frozenset({"kommunehelse", "spesialisthelse", "helsepersonell"})
_STATUS_FEATURE = {
    "gjeldende": "binding",
    "utkast": "draft",
    "innspill": "opinion",
    "informasjon": "information",
    "historisk": "historical",
}


def same_party(a: str, b: str) -> bool:
    """True when a frame's party `a` and the asked party `b` can be the same body."""
    if not a or not b:
        return False
    if a == b:
        return True
    return (a in _COVERS and b in _COVERS.get(a, frozenset())) or (a in _HEALTH and b in _HEALTH)


def does_asked_act(ask: Ask, frame: Frame) -> bool:
    """The frame does an asked act (or one of its kind), or the question names none."""
    actions = frame.labels("actions")
    return not ask.actions or bool(
        ask.actions & actions or any(lx.RELATED.get(a, frozenset()) & actions for a in ask.actions)
    )


def tells_asked_party(ask: Ask, frame: Frame) -> bool:
    """The frame's counterpart is the one asked about, or one of them names none («Kan vi bekrefte
    det for mora?» is not answered by a rule on sharing with the health service; a rule naming no
    one to tell covers anyone)."""
    counterpart = frame.counterpart.label if frame.counterpart else ""
    return not (ask.counterpart and counterpart and not same_party(counterpart, ask.counterpart))


@dataclass(frozen=True)
class SentenceView:
    """What the features need of one framed sentence, computed once per passage."""

    frame: Frame
    tokens: frozenset[str]  # the sentence's analysed words with its lead-in's
    length: int
    first: bool
    leans: bool
    has_ref: bool
    numbers: frozenset[str]  # numbers the sentence (or its lead-in) states
    bibliographic: bool  # a reference to a publication («Helsedirektoratet (2023). … Hentet fra»)


@dataclass(frozen=True)
class PassageView:
    passage: Passage
    sentences: tuple[SentenceView, ...]
    tokens: frozenset[str]  # the whole passage with its lead-in and headings


_NUMBERS = re.compile(r"(?<![§\d.])\d+(?![\d.]\d)")
_BIBLIOGRAPHIC = re.compile(
    r"^[A-ZÆØÅ][\w .,-]{0,80}\((?:19|20)\d\d\)|\[nettdokument\]|hentet \d|tilgjengelig fra|"
    r"https?://|www\.|siste faglige endring",
    re.I,
)


def _tokens(text: str) -> frozenset[str]:
    return frozenset(analyze(text))


def _view(passage: Passage) -> PassageView:
    lead = _tokens(passage.context) if passage.context else frozenset()
    sentences = []
    for i, frame in enumerate(passage.frames):
        text = passage.text[frame.start : frame.end]
        toks = _tokens(text)
        sentences.append(
            SentenceView(
                frame=frame,
                tokens=toks | lead,
                length=len(toks),
                first=i == 0,
                leans=leans_back(text),
                has_ref="§" in text,
                numbers=frozenset(_NUMBERS.findall(f"{text} {passage.context}")),
                bibliographic=bool(_BIBLIOGRAPHIC.search(text)),
            )
        )
    heading = " ".join(passage.heading_path) or passage.heading
    whole = _tokens(f"{passage.text} {heading}") | lead
    return PassageView(passage, tuple(sentences), whole)


# Views by passage object: looked up by identity, because hashing a Passage hashes its frames
# (that was a third of the ranking's time). The passage is kept with its view, so an id is never
# reused while its entry lives.
_VIEWS: dict[int, tuple[Passage, PassageView]] = {}
_VIEWS_MAX = 65536


def view(passage: Passage) -> PassageView:
    found = _VIEWS.get(id(passage))
    if found is not None and found[0] is passage:
        return found[1]
    made = _view(passage)
    if len(_VIEWS) >= _VIEWS_MAX:
        _VIEWS.clear()
    _VIEWS[id(passage)] = (passage, made)
    return made


@dataclass(frozen=True)
class Weights:
    """The question's word weights (idf), computed once per ask."""

    focus: Mapping[str, float]
    context: Mapping[str, float]
    concepts: Mapping[str, float]
    shape: Mapping[str, float]
    deciding: frozenset[str] = frozenset()  # the deciding term and its alternatives
    numbers: frozenset[str] = frozenset()  # numbers the question names («18», «72»)

    def total(self, name: str) -> float:
        """The summed weight of one group («focus», «context», «concepts», «shape»)."""
        return sum(getattr(self, name).values())

    @classmethod
    def of(cls, q: Question, idf: Callable[[str], float]) -> Weights:
        focus = {t: idf(t) for t in set(q.focus)}
        return cls(
            focus=focus,
            context={t: idf(t) for t in set(q.context_tokens) if t not in focus},
            concepts={t: idf(t) for t in set(q.concept_tokens) if t not in focus},
            shape={t: idf(t) for t in set(q.shape_words)},
            deciding=frozenset([q.deciding[0], *q.deciding[1]]) if q.deciding else frozenset(),
            numbers=frozenset(re.findall(r"(?<![§\d.])\d+(?![\d.]\d)", q.asked)),
        )


def _share(weights: Mapping[str, float], tokens: frozenset[str], total: float) -> float:
    """The weight of `weights`'s words in `tokens`, as a share of `total` (their whole weight)."""
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def _rank(rank: int | None) -> float:
    return 1.0 / math.log2(1.0 + rank) if rank else 0.0


def _frame_features(ask: Ask, frame: Frame, f: list[float]) -> None:
    """The frame-agreement features of one sentence (written into `f`)."""
    actor = frame.actor.label if frame.actor else ""
    counterpart = frame.counterpart.label if frame.counterpart else ""
    modal = frame.modality.label if frame.modality else ""
    actions = frame.labels("actions")
    conditions = frame.labels("conditions")
    f[INDEX["rule"]] = 1.0 if modal else 0.0
    if ask.actor and actor:
        if same_party(actor, ask.actor):
            f[INDEX["actor_match"]] = 1.0
        elif actor == "innsatt":
            f[INDEX["actor_inmate"]] = 1.0
        else:
            f[INDEX["actor_other"]] = 1.0
    if ask.counterpart and counterpart:
        f[
            INDEX[
                "counterpart_match"
                if same_party(counterpart, ask.counterpart)
                else "counterpart_other"
            ]
        ] = 1.0
    # The asked direction reversed: the asker's counterpart acts towards the asker
    # («Kan jeg si til betjentene …» against «kriminalomsorgen … varsle helse- og omsorgstjenesten»).
    if (
        ask.actor
        and ask.counterpart
        and same_party(actor, ask.counterpart)
        and same_party(counterpart, ask.actor)
    ):
        f[INDEX["reversed"]] = 1.0
    if ask.actions and actions:
        if ask.actions & actions:
            # The share of the asked acts it does («oppnevne» and «planlegge» against a sentence
            # on the plan alone).
            f[INDEX["action_match"]] = len(ask.actions & actions) / len(ask.actions)
        elif any(lx.RELATED.get(a, frozenset()) & actions for a in ask.actions):
            f[INDEX["action_related"]] = 1.0
        else:
            f[INDEX["action_other"]] = 1.0
    if ask.modality and modal:
        if ask.modality == "obligation":
            f[INDEX["modal_match"]] = 1.0 if modal in ("skal", "skal_ikke", "ikke_plikt") else 0.0
        elif ask.modality == "permission":
            f[INDEX["modal_match"]] = 1.0 if modal in lx.PERMITS | lx.FORBIDS else 0.0
        else:
            f[INDEX["modal_match"]] = 1.0 if modal in ("bør", "bør_ikke", "skal") else 0.0
        f[INDEX["modal_forbids"]] = 1.0 if modal in lx.FORBIDS else 0.0
    asked = ask.conditions
    plain = asked - lx.SITUATIONS
    if plain:
        f[INDEX["condition_match"]] = len(plain & conditions) / len(plain)
    if any(len(pair & (asked | conditions)) == 2 and pair & asked and pair & conditions - asked
           for pair in lx.EXCLUSIVE):  # fmt: skip
        f[INDEX["condition_conflict"]] = 1.0
    situations = conditions & lx.SITUATIONS
    asked_situations = asked & lx.SITUATIONS
    if asked_situations & situations:
        f[INDEX["situation_match"]] = 1.0
        own = {c.label for c in frame.conditions if c.where == "text"}
        if asked_situations & own:
            # Named in the sentence itself («Ved bruk av sikkerhetsseng skal …»), not only in the
            # list's lead-in: the rule for exactly that situation.
            f[INDEX["situation_own"]] = 1.0
    if situations and not asked_situations & situations:
        # A rule set for a situation: another one than the question names (a clash), or one the
        # question does not name at all (weaker: the asker may take it for granted).
        f[INDEX["situation_clash" if asked_situations else "situation_other"]] = 1.0
    f[INDEX["slot_filled"]] = 1.0 if fills_slot(ask, frame) else 0.0
    # Who, what and to whom all agree: the sentence is the rule the question asks about.
    if (
        f[INDEX["actor_match"]]
        and (f[INDEX["action_match"]] or f[INDEX["action_related"]])
        and not f[INDEX["counterpart_other"]]
        and not f[INDEX["reversed"]]
    ):
        f[INDEX["frame_match"]] = 1.0
    times = frame.labels("time")
    if ask.slot in ("frequency", "duration", "deadline") and times and ask.slot not in times:
        f[INDEX["slot_other_time"]] = 1.0


def fills_slot(ask: Ask, frame: Frame) -> bool:
    """True when the frame holds the kind of answer the question asks for."""
    slot = ask.slot
    if slot in ("frequency", "duration", "deadline"):
        return slot in frame.labels("time")
    if slot == "who":
        # Who does the asked act: an actor named in the sentence that does it, not the inmate
        # holding a right («har likevel rett til koordinator» is no answer to who appoints one).
        if (
            frame.actor is None
            or frame.actor.where == "structure"
            or frame.actor.label == "innsatt"
        ):
            return False
        return not ask.actions or bool(ask.actions & frame.labels("actions"))
    if slot == "provision":
        return bool(frame.basis)
    if slot == "when":
        return bool(frame.conditions or frame.time)
    if slot == "yesno":
        return frame.modality is not None
    return False


def featurize(
    q: Question,
    weights: Weights,
    found: Candidates,
    passage: Passage,
    documents: Mapping[str, Document],
) -> list[list[float]]:
    """One feature vector per sentence of `passage` (in the order of its frames)."""
    pv = view(passage)
    base = [0.0] * len(FEATURES)
    pid = passage.id
    base[INDEX["bm25"]] = found.bm25.get(pid, 0.0)
    base[INDEX["dense"]] = found.dense.get(pid, 0.0)
    base[INDEX["bm25_rank"]] = _rank(found.bm25_rank.get(pid))
    base[INDEX["dense_rank"]] = _rank(found.dense_rank.get(pid))
    if pid in found.cosine:
        base[INDEX["dense_gap"]] = max(0.0, 1.0 - 10.0 * (found.dense_top - found.cosine[pid]))
        if q.english:
            base[INDEX["dense_en"]] = base[INDEX["dense"]]
    totals = {name: weights.total(name) for name in ("focus", "context", "concepts", "shape")}
    base[INDEX["cover_passage"]] = _share(weights.focus, pv.tokens, totals["focus"])
    concepts = set(q.concepts)
    if q.topic:
        # A follow-up stays on its conversation's topic («Og hvis han er 16?» after a question
        # about sharing information is not about rights to health care).
        base[INDEX["topic"]] = len(set(q.topic) & set(passage.concepts)) / len(q.topic)
    if concepts:
        base[INDEX["concept_passage"]] = len(concepts & set(passage.concepts)) / len(concepts)
        base[INDEX["concept_none"]] = 0.0 if concepts & set(passage.concepts) else 1.0
    doc = documents[passage.doc_id]
    status = _STATUS_FEATURE.get(doc.status, "unknown_status")
    base[INDEX[status]] = 1.0
    if q.named:
        base[INDEX["named" if passage.doc_id in q.named else "named_other"]] = 1.0
    if passage.kind in ("footnote", "heading", "list_item"):
        base[INDEX[passage.kind]] = 1.0
    if q.role in passage.roles:
        base[INDEX["role"]] = 1.0
    if q.refs:
        level = cites_level(passage, q.refs)
        if level == 2:
            base[INDEX["cites_exact"]] = 1.0
        elif level == 1:
            base[INDEX["cites_provision"]] = 1.0
    out: list[list[float]] = []
    for sv in pv.sentences or ():
        f = list(base)
        f[INDEX["cover"]] = _share(weights.focus, sv.tokens, totals["focus"])
        f[INDEX["cover_context"]] = _share(weights.context, sv.tokens, totals["context"])
        f[INDEX["cover_concepts"]] = _share(weights.concepts, sv.tokens, totals["concepts"])
        f[INDEX["cover_shape"]] = _share(weights.shape, sv.tokens, totals["shape"])
        f[INDEX["length"]] = 1.0 / math.sqrt(max(1.0, sv.length / 12.0))
        f[INDEX["first_sentence"]] = 1.0 if sv.first else 0.0
        f[INDEX["has_ref"]] = 1.0 if sv.has_ref else 0.0
        f[INDEX["leans_back"]] = 1.0 if sv.leans else 0.0
        f[INDEX["bibliographic"]] = 1.0 if sv.bibliographic else 0.0

        fc = set(sv.frame.concepts)
        if concepts:
            f[INDEX["concept_sentence"]] = len(concepts & fc) / len(concepts)
        if q.fresh and set(q.fresh) & fc:
            f[INDEX["fresh_concept"]] = 1.0
        _frame_features(q.ask, sv.frame, f)
        out.append(f)
    return out
