"""The concept layer: everyday expressions in questions, legal terms in passages (analysis.concepts)."""

from __future__ import annotations

import pytest

from analysis.concepts import (
    CONCEPTS,
    expansion,
    other_situation,
    recognise,
    tag_passage,
    trigger_spans,
)


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("Kan jeg fortelle betjentene hva en innsatt feiler?", "taushetsplikt"),
        ("Kan jeg fortelle betjentene hva en innsatt feiler?", "helseopplysninger"),
        ("Kan vi si til fengselet at han har hiv?", "taushetsplikt"),
        ("Må vi ringe legen når vi isolerer noen?", "varsling"),
        ("Må vi ringe legen når vi isolerer noen?", "utelukkelse"),
        ("Han sitter på isolat, hvor ofte må vi se til ham?", "tilsyn"),
        ("Han ble lagt i belteseng i natt", "sikkerhetscelle"),
        ("Han sier det er greit at sykepleieren får vite det", "samtykke"),
        ("Hva skjer når han slipper ut?", "loslatelse"),
        ("Can we tell the officers what he suffers from?", "taushetsplikt"),
        ("En innsatt har skadet seg selv", "selvmord"),
        ("Kan vi få vite hva han feiler?", "taushetsplikt"),
        ("Han går på LAR", "rus"),
        ("Han går på LAR", "legemidler"),
        ("Hva skal vi gjøre i første samtale med en nyinnsatt?", "innsettelse"),
        ("En som nettopp er satt inn", "innsettelse"),
        ("En pasient hos oss skal inn til soning neste uke", "innsettelse"),
        ("Han blir flyttet til et annet fengsel", "loslatelse"),
        ("Vi klarer ikke å kjøre ham til sykehuset i dag", "framstilling"),
        ("Hvem tar seg av dem som blir syke om natta?", "legevakt"),
        ("Har innsatte med ADHD rett på habilitering?", "funksjonsnedsettelse"),
        ("Får innsatte de samme helsetjenestene som andre folk?", "rettigheter"),
        ("Han har sagt ja til at vi deler info", "samtykke"),
        ("Og hvis han er 16?", "under_18"),
        ("Kan vi lese journalen til en innsatt?", "taushetsplikt"),
    ],
)
def test_everyday_wording_is_recognised(question: str, concept: str) -> None:
    assert concept in recognise(question)


def test_a_question_about_something_else_gets_no_disclosure_concept() -> None:
    assert "taushetsplikt" not in recognise("Hvor ofte skal vi ha tilsyn på sikkerhetscelle?")


def test_a_health_word_alone_is_no_question_of_disclosure() -> None:
    found = recognise("Kan vi få opplæring om psykisk sykdom?")
    assert "taushetsplikt" not in found and "helseopplysninger" in found


def test_a_plain_admission_is_no_compulsory_care() -> None:
    assert "tvungent_helsevern" not in recognise("Pasienten skal tilbake etter innleggelse")
    assert "tvungent_helsevern" in recognise("Kan han legges inn på psykiatrisk mot sin vilje?")


def test_a_number_of_days_is_no_age() -> None:
    assert "under_18" not in recognise("Han har vært utelukket i 14 dager")


def test_the_verb_lar_is_not_the_treatment_lar() -> None:
    assert recognise("Han lar oss ikke hjelpe ham") == ()


def test_passages_are_tagged_from_their_legal_terms_and_heading() -> None:
    tags = tag_passage(
        "varsle lege uten ugrunnet opphold om innsatte som er utelukket fra fellesskapet",
        context="Ved utelukkelse skal kriminalomsorgen:",
        heading="7.1.2 Kriminalomsorgens ansvar",
    )
    assert {"varsling", "utelukkelse"} <= set(tags)
    assert "taushetsplikt" not in tags


def test_expansion_gives_the_legal_words_and_triggers_cover_the_everyday_ones() -> None:
    words = expansion(recognise("Må vi ringe legen?"))
    assert "varsle" in words
    question = "må vi ringe legen"
    assert any(question[s:e].startswith("ringe") for s, e in trigger_spans(question))


def test_every_concept_has_a_label_and_an_expansion() -> None:
    ids = [c.id for c in CONCEPTS]
    assert len(ids) == len(set(ids))
    assert all(c.label and c.expansion for c in CONCEPTS)


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("Hvor lenge lar dere en innsatt sitte utelukket?", "rus"),
        ("Skal vi fylle ut et skjema?", "rus"),
        ("Hvilke deler av rundskrivet gjelder oss?", "taushetsplikt"),
        ("Må vi telle innsatte hver time?", "taushetsplikt"),
    ],
)
def test_common_words_do_not_trigger_a_concept(question: str, concept: str) -> None:
    assert concept not in recognise(question)


@pytest.mark.parametrize(
    ("lead_in", "asked", "expected"),
    [
        ("Ved utelukkelse skal kriminalomsorgen:", ("varsling",), True),
        ("Ved utelukkelse skal kriminalomsorgen:", ("varsling", "utelukkelse"), False),
        ("Ved bruk av sikkerhetscelle eller sikkerhetsseng skal kriminalomsorgen", (), True),
        ("Kriminalomsorgen skal", ("varsling",), False),
        ("Rundskrivet bør ses i sammenheng med", (), False),
    ],
)
def test_a_lead_in_setting_a_circumstance_not_asked_about(
    lead_in: str, asked: tuple[str, ...], expected: bool
) -> None:
    assert other_situation(lead_in, asked) is expected


def test_spoken_notification_is_not_a_question_of_disclosure() -> None:
    """«Må vi si fra» is about notifying someone; «må vi si til dem at …» is about disclosing."""
    assert "opplysningsplikt" not in recognise("Må vi si fra til noen?")
    assert "varsling" in recognise("Må vi si fra til noen?")
    assert "opplysningsplikt" in recognise("Må vi si hva han har gjort?")
