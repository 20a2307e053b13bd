"""The refusal gate's signals on hand-made passages: counts, task requests, unknown words, typos."""

from __future__ import annotations

from analysis.norwegian import analyze, analyze_query
from assistant.answer.evidence import (
    Evidence,
    concepts,
    focus_unknown,
    informativeness,
    is_english,
    is_task_request,
    limit_unanswered,
    missing_share,
    quantity_unanswered,
)
from assistant.answer.vocab import Vocabulary
from assistant.records import Hit
from ingest.records import Passage


def _hit(text: str) -> Hit:
    return Hit(Passage("d:1:1", "d", "1", "H", ("H",), None, "paragraph", text, 0, len(text)), 1.0)


def test_count_questions_need_a_count_of_the_thing_asked() -> None:
    hits = [_hit("Det er avholdt tre fagrådsmøter i 2018.")]
    assert not quantity_unanswered("Hvor mange møter hadde fagrådet?", hits, analyze_query)
    assert quantity_unanswered("Hvor mange kroner får kommunen?", hits, analyze_query)
    assert not quantity_unanswered("Hvor mange var med?", hits, analyze_query)  # no unit asked
    assert not quantity_unanswered("Hva gjør fagrådet?", hits, analyze_query)


def test_a_count_in_a_list_items_lead_in_counts() -> None:
    lead = "Helsepersonell som har tilsyn med innsatte som er innlåst 22 timer i døgnet, skal"
    item = Passage(
        "d:1:2", "d", "1", "H", ("H",), None, "list_item", "tilse den innsatte daglig", 0, 25,
        context=lead,
    )  # fmt: skip
    hits = [Hit(item, 1.0)]
    assert not quantity_unanswered("Hvor mange timer må han være innlåst?", hits, analyze_query)


def test_task_requests_are_recognised() -> None:
    assert is_task_request("Skriv et dikt om høsten i fjellet.")
    assert is_task_request("Give me a good recipe for fish soup.")
    assert not is_task_request("Hva skal vi skrive i protokollen ved bruk av sikkerhetscelle?")


def test_english_detection() -> None:
    assert is_english("How often must a doctor see an inmate in a security cell?")
    assert not is_english("Hvor ofte skal legen tilse en innsatt på sikkerhetscelle?")
    # Few English function words, still English; Norwegian «i» is no English «I».
    assert is_english("What problem does NKROP describe with services turning down referrals?")
    assert not is_english("Hva blir været i Bergen i morgen?")


def test_rare_words_weigh_more_than_everyday_words() -> None:
    assert informativeness("urinprøve", False) > informativeness("går", False) + 2


def test_unknown_informative_words_raise_the_missing_share() -> None:
    passages = ["Helsepersonell skal tilse innsatte på sikkerhetscelle minimum en gang per døgn."]
    vocab = Vocabulary((analyze(p) for p in passages), (w for p in passages for w in p.split()))
    known = concepts("Hvor ofte skal helsepersonell tilse innsatte?", analyze, analyze_query, vocab)
    unknown = concepts("Hvilke vaksiner skal innsatte få?", analyze, analyze_query, vocab)
    assert missing_share(known) < missing_share(unknown)
    typo = concepts(
        "Hvor ofte skal helsepersonel tilse innsatte på sikkerhetscela?",
        analyze,
        analyze_query,
        vocab,
    )
    assert all(c.known for c in typo if c.word.startswith(("helsepersonel", "sikkerhetscel")))


def test_gate_decision() -> None:
    assert Evidence(coverage=0.8, missing=0.1, dense=0.9).sufficient
    assert not Evidence(coverage=0.8, missing=0.9, dense=0.9).sufficient
    assert not Evidence(coverage=0.05, missing=0.0, dense=0.9).sufficient
    assert not Evidence(coverage=0.9, missing=0.0, dense=0.9, task_request=True).sufficient
    assert not Evidence(coverage=0.9, missing=0.0, dense=0.9, count_missing=True).sufficient
    assert not Evidence(coverage=0.9, missing=0.0, dense=0.9, limit_missing=True).sufficient
    assert not Evidence(coverage=0.9, missing=0.0, dense=0.9, focus_unknown="vaksiner").sufficient
    # English questions lean on the multilingual dense match instead of unknown-word counts.
    assert Evidence(coverage=0.5, missing=0.9, dense=0.85, english=True).sufficient
    assert not Evidence(coverage=0.5, missing=0.0, dense=0.70, english=True).sufficient


def test_the_thing_asked_for_must_be_a_word_the_sources_use() -> None:
    passages = [
        "Helsepersonell skal tilse innsatte på sikkerhetscelle minimum en gang per døgn.",
        "Kommunen skal rapportere innen 1. mai. Psykoselidelser bør nevnes.",
    ]
    vocab = Vocabulary((analyze(p) for p in passages), (w for p in passages for w in p.split()))

    def unknown(question: str) -> str:
        found = concepts(question, analyze, analyze_query, vocab)
        return focus_unknown(question, found, is_english(question))

    assert unknown("Hvilke vaksiner skal innsatte på sikkerhetscelle få?") == "vaksiner"
    assert unknown("Hva er klagefristen for innsatte på sikkerhetscelle?")
    assert unknown("Hvor mye erstatning kan innsatte få?")
    assert not unknown("Hvilke innsatte skal helsepersonell tilse?")  # a word the sources use
    assert not unknown("Hvilke innsater skal helsepersonell tilse?")  # a repaired misspelling
    # Answer-type nouns are answered by instances: a date, named disorders.
    assert not unknown("Innen hvilken frist skal kommunen rapportere?")
    assert not unknown("Hvilke diagnoser bør nevnes?")
    assert not unknown("Hvor ofte skal helsepersonell tilse innsatte?")  # no thing named
    assert not unknown("Which vaccines should inmates get?")  # English: judged by the dense match


def test_maximum_questions_need_a_stated_upper_limit() -> None:
    threshold = [_hit("Det skal lages en ukeplan der utelukkelsen vil overstige tre døgn.")]
    limit = [_hit("Utelukkelse kan vare inntil 14 dager før saken sendes regionen.")]
    question = "Hvor mange dager kan en innsatt maksimalt være utelukket?"
    assert limit_unanswered(question, threshold)  # a threshold for a plan is no maximum
    assert not limit_unanswered(question, limit)
    assert not limit_unanswered("Hvor lenge skal ukeplanen gjelde?", threshold)  # no maximum asked
    assert limit_unanswered("What is the maximum number of days in a security cell?", threshold)
