"""Selection and framing on hand-made passages: deciding quotes first, antecedents kept, lists,
actor labels, «Mer i kildene», non-binding labels. The real corpus is in test_answers."""

from __future__ import annotations

from dataclasses import replace

from analysis.asks import ask_frame
from analysis.frames import parse_frames, structural_actor
from assistant.answer.features import INDEX, Weights, featurize
from assistant.answer.render import _group, frame
from assistant.answer.retrieve import Candidates
from assistant.answer.select import Selection, Unit, list_key, select
from assistant.answer.understand import Question, asks_for_list
from assistant.answer.units import with_antecedent
from assistant.records import Hit
from ingest.records import Document, Passage


def _doc(doc_id: str, status: str, doc_type: str) -> Document:
    return Document(
        doc_id, f"Tittel {doc_id}", doc_type, "Helsedirektoratet (Hdir)", None, status, "", ""
    )


DOCS = {
    "rundskriv": _doc("rundskriv", "gjeldende", "rundskriv"),
    "utkast": _doc("utkast", "utkast", "høringsutkast"),
    "side": _doc("side", "informasjon", "nettside"),
}


def _passage(
    pid: str, text: str, roles: tuple[str, ...] = (), doc: str = "rundskriv", start: int = 0
) -> Passage:
    section = pid.split(":")[1]
    heading = f"{section} Overskrift"
    return _framed(
        Passage(
            pid, doc, section, heading, (heading,), None, "paragraph", text, start,
            start + len(text), roles,
        )
    )  # fmt: skip


def _framed(p: Passage) -> Passage:
    """The passage with its sentence frames, as ingest stores it."""
    return replace(p, frames=parse_frames(p.text, p.kind, p.context, structural_actor(p.roles)))


def _item(n: int, text: str, lead: str = "Ved utelukkelse skal kriminalomsorgen:") -> Passage:
    heading = "7.1.2 Kriminalomsorgens ansvar"
    return _framed(
        Passage(
            f"rundskriv:7.1.2:{n}", "rundskriv", "7.1.2", heading, (heading,), None, "list_item",
            text, n * 100, n * 100 + len(text), ("kriminalomsorgen",), context=lead,
        )
    )  # fmt: skip


LIST = [
    _item(1, "varsle lege uten ugrunnet opphold"),
    _item(2, "føre tilsyn med innsatte flere ganger daglig"),
    _item(3, "utarbeide en ukeplan"),
    _item(4, "ta hensyn til helsefaglige råd fra lege eller annet helsepersonell"),
]
SHARING = _passage(
    "rundskriv:6.2:6",
    "Taushetsplikten er ikke til hinder for deling av pasientopplysninger når den det gjelder har "
    "gitt samtykke. Helsepersonell kan videreformidle opplysninger til samarbeidende helsepersonell. "
    "Dette kan for eksempel være når kriminalomsorgens ansatte deler ut legemidler. I slike "
    "tilfeller får kriminalomsorgens ansatte samme taushetsplikt som helsepersonell.",
    ("kommunehelse", "spesialisthelse"),
)
HEALTH = _passage(
    "rundskriv:6.2:4",
    "Helsepersonell har i tillegg en strengere taushetsplikt, jf. helsepersonelloven § 21.",
    ("kommunehelse", "spesialisthelse"),
)


def _siblings(p: Passage) -> list[Passage]:
    return [q for q in LIST if q.context == p.context] if list_key(p) else [p]


def _select(hits: list[Hit], question: str, previous=lambda p: None) -> Selection:  # type: ignore[no-untyped-def]
    """Select from the hits' sentences ranked as given: a hit's first sentence at its score, each
    later one a little lower (the ranker is not under test here)."""
    units = [
        Unit(h.passage, f.start, f.end, h.score - 0.01 * i, rank, f)
        for rank, h in enumerate(hits, start=1)
        for i, f in enumerate(h.passage.frames)
    ]
    units.sort(key=lambda u: -u.score)
    return select(units, asks_for_list(question), _siblings, previous)


def test_a_sentence_leaning_back_is_quoted_with_its_antecedent() -> None:
    spans = [i for i in range(len(SHARING.text)) if SHARING.text.startswith("I slike", i)]
    unit = Unit(SHARING, spans[0], len(SHARING.text), 1.0, 1)
    widened = with_antecedent(unit)
    # «I slike tilfeller» leans on «Dette kan for eksempel …», which leans on the sentence before.
    assert widened.quote.startswith("Helsepersonell kan videreformidle")
    assert "Dette kan for eksempel" in widened.quote
    assert widened.quote in SHARING.text


def test_no_quote_opens_with_slike_tilfeller_without_its_antecedent() -> None:
    sel = _select([Hit(SHARING, 1.0)], "Får de ansatte taushetsplikt i slike tilfeller?")
    framed = frame(sel, "kriminalomsorgen", DOCS)
    for c in framed.citations:
        assert not c.quote.startswith("I slike tilfeller"), c.quote
        assert c.quote in c.passage.text


def test_a_paragraph_opening_with_a_back_reference_brings_the_paragraph_before() -> None:
    first = _passage("rundskriv:7.1.1:1", "Kriminalomsorgen kan utelukke innsatte. Det skjer ofte.")
    second = _passage(
        "rundskriv:7.1.1:2", "I tillegg kan retten beslutte full isolasjon.", start=60
    )
    sel = _select([Hit(second, 1.0)], "Kan retten beslutte isolasjon?", lambda p: first)
    ids = [u.passage.id for u in sel.primary]
    assert ids == [first.id, second.id]
    assert sel.primary[0].quote == "Det skjer ofte."


def test_deciding_quote_first_and_the_rest_folded_into_further() -> None:
    hits = [Hit(HEALTH, 1.0), Hit(SHARING, 0.9), Hit(LIST[0], 0.3), Hit(LIST[2], 0.2)]
    sel = _select(hits, "Har helsepersonell taushetsplikt etter helsepersonelloven § 21?")
    framed = frame(sel, "kommunehelse", DOCS)
    assert framed.citations[0].passage.id == HEALTH.id
    assert framed.text.startswith("Ifølge rundskrivet punkt 6.2")
    cited = {c.passage.id for c in framed.citations}
    assert not cited & {c.passage.id for c in framed.further}
    numbers = [c.n for c in (*framed.citations, *framed.further)]
    assert numbers == list(range(1, len(numbers) + 1))  # further continues the numbering


def test_list_items_are_shown_under_their_lead_in_with_the_rest_counted() -> None:
    sel = _select([Hit(LIST[0], 1.0)], "Må vi varsle lege uten ugrunnet opphold?")
    framed = frame(sel, "kriminalomsorgen", DOCS)
    assert framed.text.count("*Ved utelukkelse skal kriminalomsorgen:*") == 1
    assert "(3 punkter til i listen)" in framed.text
    assert [c.passage.id for c in framed.citations] == [LIST[0].id]


def test_a_question_asking_for_the_list_gets_the_whole_list() -> None:
    sel = _select([Hit(LIST[1], 1.0)], "Hvilke plikter har vi ved utelukkelse?")
    framed = frame(sel, "kriminalomsorgen", DOCS)
    assert framed.citations[0].passage.id == LIST[1].id  # the best match keeps its place
    assert sorted(c.passage.id for c in framed.citations) == sorted(p.id for p in LIST)
    assert "punkter til i listen" not in framed.text


def test_a_list_item_binds_the_actor_of_its_lead_in() -> None:
    sel = _select([Hit(LIST[3], 1.0)], "Skal vi ta hensyn til råd fra lege?")
    framed = frame(sel, "kriminalomsorgen", DOCS)
    assert framed.citations[0].actor == "kriminalomsorgen"  # «lege» is the object, not the actor


def test_a_health_personnel_duty_is_never_yours_for_kriminalomsorgen() -> None:
    """Grouping by the actor a sentence binds: a duty of helsepersonell found in 6.2 is another
    service's for kriminalomsorgen and the asker's own for a health service."""
    own = _passage("rundskriv:6.1:1", "Kriminalomsorgen har taushetsplikt etter forvaltningsloven.")
    health = Unit(HEALTH, 0, len(HEALTH.text), 1.0, 1)
    ours = Unit(own, 0, len(own.text), 1.0, 1)
    assert _group(health, "kriminalomsorgen", DOCS) == "others"
    assert _group(health, "kommunehelse", DOCS) == "yours"
    assert _group(ours, "kriminalomsorgen", DOCS) == "yours"
    # And in the framed text: the health personnel sentence is under «Andre tjenester».
    sel = Selection(primary=[ours], extra=[health])
    text = frame(sel, "kriminalomsorgen", DOCS).text
    assert "**Andre tjenester**" in text and "**Ditt ansvar**" not in text
    assert text.index("**Andre tjenester**") < text.index("strengere taushetsplikt")


def test_non_binding_sources_are_labelled_inline() -> None:
    draft = _passage("utkast:plan:1", "Innsatte på sikkerhetscelle bør få tilsyn.", doc="utkast")
    page = _passage("side:x:1", "Helsedirektoratet gir tilskudd til tilsyn.", doc="side")
    units = [Unit(p, 0, len(p.text), 1.0, 1) for p in (draft, page)]
    framed = frame(Selection(primary=units[:1], extra=units[1:]), "alle", DOCS)
    assert "høringsutkast – ikke gjeldende" in framed.text
    assert "informasjonsside – ikke regelverk" in framed.text
    assert any("høringsutkast" in n for n in framed.notes)


def test_english_questions_get_an_english_frame_with_norwegian_quotes() -> None:
    sel = _select([Hit(HEALTH, 1.0)], "Do health personnel have a duty of confidentiality?")
    framed = frame(sel, "alle", DOCS, lang="en")
    assert framed.text.startswith("According to the circular, section 6.2")
    assert "verbatim from the Norwegian sources" in framed.text
    assert framed.citations[0].quote in HEALTH.text


def test_quotes_are_exact_slices() -> None:
    hits = [Hit(SHARING, 1.0), Hit(HEALTH, 0.8), *(Hit(p, 0.5) for p in LIST)]
    sel = _select(hits, "Kan kriminalomsorgens ansatte dele ut legemidler?")
    framed = frame(sel, "kriminalomsorgen", DOCS)
    for c in (*framed.citations, *framed.further):
        assert c.quote and c.quote in c.passage.text and c.verified


def test_one_quote_per_passage_in_source_order() -> None:
    unit_a = Unit(SHARING, 0, 10, 1.0, 1)
    later = replace(unit_a, start=100, end=140, score=2.0)
    sel = Selection(primary=[later, unit_a])
    from assistant.answer.select import _merge

    merged = _merge(sel.primary)
    assert len(merged) == 1 and merged[0].start == 0 and merged[0].end == 140


def test_a_number_the_question_asks_about_must_be_in_a_deciding_quote() -> None:
    from assistant.answer.point import numbers_covered

    unit = Unit(LIST[1], 0, len(LIST[1].text), 1.0, 1)
    assert numbers_covered("Hvor ofte skal vi føre tilsyn?", [unit])  # no number asked
    assert not numbers_covered("Og for dem under 18 år?", [unit])
    under_18 = _item(5, "sørge for kontinuerlig tilsyn med innsatte under 18 år")
    assert numbers_covered(
        "Og for dem under 18 år?", [Unit(under_18, 0, len(under_18.text), 1.0, 1)]
    )
    assert numbers_covered("Hva sier straffegjennomføringsloven § 37 om 7.1.2?", [unit])


def test_a_list_for_another_situation_is_marked_so_for_the_ranker() -> None:
    """«Ved utelukkelse skal …» states a rule for isolation: to a question that does not ask about
    isolation its sentence carries the «another situation» feature, the same words under a lead-in
    setting no circumstance do not; asked about isolation, it matches the situation instead."""
    isolation = _item(1, "varsle helsetjenesten om innsatte som er syke")
    general = replace(
        _item(2, "varsle helsetjenesten om innsatte som er syke", "Kriminalomsorgen skal"),
        section="5.2.1",
    )
    found = Candidates((isolation.id, general.id), {}, {}, {}, {}, {}, 0.0)

    def features(question: str) -> dict[str, list[float]]:
        q = Question(question, "kriminalomsorgen", ask=ask_frame(question, "kriminalomsorgen"))
        w = Weights({}, {}, {}, {})
        return {p.id: featurize(q, w, found, p, DOCS)[0] for p in (isolation, general)}

    plain = features("Må vi varsle helsetjenesten når en innsatt er syk?")
    assert plain[isolation.id][INDEX["situation_other"]] == 1.0
    assert plain[general.id][INDEX["situation_other"]] == 0.0
    asked = features("Må vi varsle helsetjenesten når en innsatt er utelukket?")
    assert asked[isolation.id][INDEX["situation_match"]] == 1.0
    assert asked[isolation.id][INDEX["situation_other"]] == 0.0
