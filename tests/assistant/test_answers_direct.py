"""The «Answers that answer» must-show list on the real corpus with the real model.

Everyday staff wording reaches the taushetsplikt section; the deciding sentence comes first in at
most five citations; a sentence is never quoted without what it leans on; follow-ups keep their
topic and apply the new constraint; a named source that is silent is said to be silent; a question
whose deciding term no quote holds opens with «Kildene svarer ikke direkte». Expected sections come
from reading the circular, not from running the system.
"""

from __future__ import annotations

import pytest

from analysis.sentences import leans_back, split_sentences
from assistant.api import Assistant
from assistant.records import Answer, Turn

pytestmark = pytest.mark.slow


def follow_up(assistant: Assistant, first: str, then: str, role: str) -> Answer:
    """The answer to `then` asked after `first` in one conversation."""
    before = assistant.ask(first, role)
    return assistant.ask(then, role, history=[Turn(first, before.text)])


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "question",
    [
        "Kan jeg fortelle betjentene hva en innsatt feiler?",
        "Kan vi si til fengselet at en innsatt har hiv?",
    ],
)
def test_everyday_disclosure_questions_cite_the_taushetsplikt_section(
    real_assistant: Assistant, question: str
) -> None:
    answer = real_assistant.ask(question, "kommunehelse")
    assert not answer.refused, answer.text
    sections = [c.passage.section for c in answer.citations]
    assert sections and sections[0].startswith("6"), sections
    assert "Taushetsplikt" in answer.topics


def test_notify_the_doctor_at_isolation_answers_first_in_few_citations(
    real_assistant: Assistant,
) -> None:
    answer = real_assistant.ask("Må vi ringe legen når vi isolerer noen?", "kriminalomsorgen")
    assert not answer.refused, answer.text
    first = answer.citations[0]
    assert first.passage.section == "7.1.2"
    assert "varsle lege" in flat(first.quote) and "uten ugrunnet opphold" in flat(first.quote)
    assert first.actor == "kriminalomsorgen"
    assert len(answer.citations) <= 5
    assert answer.text.index("varsle lege") < 400  # in view at the top, not one bullet among many


def test_a_follow_up_on_under_18s_keeps_the_sikkerhetscelle_topic(
    real_assistant: Assistant,
) -> None:
    first = "Hvor ofte må vi se til en innsatt på sikkerhetscelle?"
    answer = follow_up(real_assistant, first, "Og for dem under 18 år?", "kriminalomsorgen")
    lead = "Ved bruk av sikkerhetscelle eller sikkerhetsseng skal kriminalomsorgen"
    continuous = [
        c
        for c in answer.citations
        if c.passage.context == lead
        and "under 18 år skal alltid ha kontinuerlig tilsyn" in flat(c.quote)
    ]
    assert continuous, [flat(c.quote)[:80] for c in answer.citations]


def test_a_named_source_that_is_silent_is_said_to_be_silent(real_assistant: Assistant) -> None:
    first = "Hvor ofte må vi se til en innsatt på sikkerhetscelle?"
    answer = follow_up(
        real_assistant, first, "Og hva sier høringsutkastet om dette?", "kriminalomsorgen"
    )
    assert answer.text.startswith("Høringsutkastet sier ikke noe om dette"), answer.text
    assert not answer.direct


def test_a_sentence_that_fills_the_slot_is_never_hedged(real_assistant: Assistant) -> None:
    """«godkjenne» is the act the sources call «klarere»: the sentence that says health personnel
    shall not do it answers the question, so no «svarer ikke direkte» above it (issue «Answers
    chosen by who must do what»: a false hedge before)."""
    answer = real_assistant.ask(
        "Er det legen som skal godkjenne at en innsatt legges i sikkerhetsseng?", "kommunehelse"
    )
    assert not answer.refused and answer.direct, answer.text
    assert any("«klarere»" in c.quote for c in answer.citations), answer.text


QUESTIONS = [
    (
        "Kan kriminalomsorgens ansatte dele ut medisiner, og har de da taushetsplikt?",
        "kriminalomsorgen",
    ),
    ("Hva skjer med taushetsplikten når betjenter hjelper til med legemiddelutdeling?", "alle"),
    ("Kan retten bestemme at en varetektsinnsatt skal isoleres?", "jurist"),
    ("Hva er vilkårene for tvungent psykisk helsevern?", "spesialisthelse"),
    ("Hvilke unntak fra taushetsplikten har helsepersonell?", "kommunehelse"),
]


@pytest.mark.parametrize(("question", "role"), QUESTIONS)
def test_no_quoted_sentence_loses_what_it_refers_to(
    real_assistant: Assistant, question: str, role: str
) -> None:
    answer = real_assistant.ask(question, role)
    assert not answer.refused and answer.citations, answer.text
    shown = {c.passage.id for c in answer.citations}
    for c in answer.citations:
        p = c.passage
        at = p.text.index(c.quote)
        spans = split_sentences(p.text)
        for i, (s, e) in enumerate(spans):
            if s < at or e > at + len(c.quote) or not leans_back(p.text[s:e]):
                continue
            before_in_quote = i > 0 and spans[i - 1][0] >= at
            previous = real_assistant._before(p)
            opens_with_antecedent = i == 0 and (p.context or (previous and previous.id in shown))
            assert before_in_quote or opens_with_antecedent, (question, p.text[s:e])


def test_english_question_gets_an_english_frame(real_assistant: Assistant) -> None:
    answer = real_assistant.ask(
        "Do health personnel have a duty of confidentiality towards the prison?", "alle"
    )
    assert not answer.refused
    assert answer.language == "en"
    assert answer.text.startswith("According to")
    assert "verbatim from the Norwegian sources" in answer.text


def test_an_everyday_word_is_not_taken_for_a_source(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Skal vi skrive rapport når vi isolerer noen?", "kriminalomsorgen")
    assert "sier ikke noe om dette" not in answer.text
    english = real_assistant.ask("Do we have to report to the doctor when an inmate is isolated?")
    assert "says nothing about this" not in english.text


def test_a_named_source_is_searched_whole_before_it_is_called_silent(
    real_assistant: Assistant,
) -> None:
    answer = real_assistant.ask("Hva sier høringsutkastet om taushetsplikt?", "alle")
    assert "sier ikke noe om dette" not in answer.text
    assert answer.citations[0].passage.doc_id == "horingsutkast-individuell-plan"
    assert "taushetsbelagte" in answer.citations[0].quote


def test_a_passage_citing_the_asked_provision_is_quoted(real_assistant: Assistant) -> None:
    answer = real_assistant.ask(
        "Må vi varsle lege etter straffegjennomføringsloven § 12 når en innsatt utelukkes?",
        "kriminalomsorgen",
    )
    cited = [r for c in answer.citations for r in c.passage.refs]
    assert any(r.provision == "§ 12" and "straffegjennomføring" in r.law for r in cited), cited


def test_a_follow_up_asking_a_number_the_sources_do_not_state_says_so(
    real_assistant: Assistant,
) -> None:
    first = "Kan jeg fortelle betjentene hva en innsatt feiler?"
    answer = follow_up(real_assistant, first, "Hva om han er under 18?", "kommunehelse")
    # The sources say nothing on taushetsplikt for under-18s: the under-18 rule for isolation
    # («Ved utelukkelse … Innsatte under 18 år skal ha kontinuerlig tilsyn») is no answer.
    assert not answer.direct and answer.text.startswith("Kildene svarer ikke direkte"), answer.text
    assert all(c.passage.section.startswith("6") for c in answer.citations), answer.text


def test_a_how_often_question_opens_with_the_frequency(real_assistant: Assistant) -> None:
    """«Beltet» is everyday wording for sikkerhetsseng; «hvor ofte» is answered by a frequency,
    not by the first item of the same list (a medical opinion before the decision)."""
    answer = real_assistant.ask(
        "Hvor ofte må vi se til en som ligger i beltet?", "kriminalomsorgen"
    )
    first = flat(answer.citations[0].quote)
    assert answer.citations[0].passage.section == "7.1.2"
    assert "kontinuerlig tilsyn" in first, first  # «Ved bruk av sikkerhetsseng skal det …»


def test_a_question_about_a_thing_the_sources_never_name_says_so(
    real_assistant: Assistant,
) -> None:
    """No source mentions mobile phones: the answer must not present cell rules as the answer."""
    answer = real_assistant.ask(
        "Har innsatte lov til å ha mobiltelefon på cella?", "kriminalomsorgen"
    )
    assert not answer.refused and not answer.direct
    assert answer.text.startswith(
        "Kildene svarer ikke direkte på dette: de nevner ikke «mobiltelefon»"
    )


def test_a_follow_up_giving_an_age_quotes_the_under_18_rule(real_assistant: Assistant) -> None:
    """«Og hvis han er 16?» brings a new aspect (under 18) to a sikkerhetscelle conversation: the
    sentence on under-18s opens the answer, not a sentence on sikkerhetscelle in general."""
    first = "Hvor ofte må vi se til en som er på sikkerhetscelle?"
    answer = follow_up(real_assistant, first, "Og hvis han er 16?", "kriminalomsorgen")
    assert "Innsatte under 18 år skal alltid ha kontinuerlig tilsyn" in flat(
        answer.citations[0].quote
    )


def test_the_quote_holding_the_exact_point_decides_with_its_status(
    real_assistant: Assistant,
) -> None:
    """The circular says an inmate has a right to a coordinator; only the draft says who appoints
    one. The draft's sentence opens the answer, labelled as a draft, instead of «not directly»."""
    answer = real_assistant.ask(
        "Hvem oppnevner koordinatoren for en innsatt som ønsker individuell plan?", "kommunehelse"
    )
    first = answer.citations[0]
    assert "oppnevne" in first.quote and first.passage.doc_id.startswith("horingsutkast")
    assert answer.direct
    assert "høringsutkast – ikke gjeldende" in answer.text.split("\n")[0]


def test_a_question_no_source_is_near_is_not_answered_as_if_it_were(
    real_assistant: Assistant,
) -> None:
    """Voting is in no source; «innsattes egne valg» (choice) must not be shown as the answer."""
    answer = real_assistant.ask("Kan innsatte stemme ved valg?", "alle")
    assert not answer.refused and answer.text.startswith("Kildene svarer ikke direkte på dette.")
