"""Answers chosen by who must do what, on the real corpus with the real model and the shipped
ranker: the «Must show» list of the issue «Answers chosen by who must do what». The questions are
the issue's own, not from any suite."""

from __future__ import annotations

import re

import pytest

from assistant.answer.short import OWN_WORDS
from assistant.api import Assistant
from assistant.records import Answer, Turn
from evals.suite import SUITES_DIR, load_suite

pytestmark = pytest.mark.slow


def flat(text: str) -> str:
    return " ".join(text.split())


def test_an_officer_may_tell_the_nurse_without_a_yes_because_of_the_duty_to_notify(
    real_assistant: Assistant,
) -> None:
    a = real_assistant.ask(
        "Kan jeg si det til sykepleieren selv om han ikke har sagt ja?", "kriminalomsorgen"
    )
    first = a.citations[0]
    assert first.passage.section == "6.1", a.text
    assert "uavhengig av innsattes samtykke" in flat(first.quote)
    assert a.short.startswith("Ja"), a.short


@pytest.mark.parametrize(
    "question",
    [
        "Kan jeg si til betjentene at en innsatt har hiv?",
        "Kan jeg fortelle vaktene hva han feiler?",
    ],
)
def test_a_nurse_telling_the_officers_never_opens_with_the_prisons_rule(
    real_assistant: Assistant, question: str
) -> None:
    a = real_assistant.ask(question, "kommunehelse")
    assert a.citations, a.text
    first = a.citations[0]
    assert first.actor != "kriminalomsorgen", a.text
    assert first.passage.section != "6.1" or first.actor in ("helsepersonell", "kommunehelse")
    assert not a.short.startswith("Ja"), a.short  # health personnel's confidentiality binds


def test_a_call_from_the_prison_pulls_in_no_isolation_rule(real_assistant: Assistant) -> None:
    a = real_assistant.ask(
        "Fengselet ringer og vil vite om en innsatt har hepatitt C", "kommunehelse"
    )
    assert not any(c.passage.section.startswith("7.1") for c in a.citations), a.text


def test_the_drafts_status_is_answered_from_its_status_and_own_words(
    real_assistant: Assistant,
) -> None:
    a = real_assistant.ask("Er høringsutkastet gjeldende?", "jurist")
    assert not a.refused
    assert a.text.startswith("Nei"), a.text
    assert "utkast" in a.text.split("\n", 1)[0]
    assert a.citations and all(c.document.status == "utkast" for c in a.citations)
    assert any("Høringsfristen er utgått" in c.quote for c in a.citations)
    assert not any(c.quote.strip().endswith(":") for c in a.citations)  # no bare label quoted


def test_a_status_question_in_english_is_answered_in_english(real_assistant: Assistant) -> None:
    a = real_assistant.ask("Is the consultation draft in force?", "jurist")
    first = a.text.split("\n", 1)[0]
    assert first.startswith("No – the consultation draft is a draft"), first
    assert a.short == first
    assert "The source «" in a.text and "is a consultation draft, not rules in force" in a.text
    assert "Kilden «" not in a.text and "status i kildelisten" not in a.text
    assert a.citations and all(c.document.status == "utkast" for c in a.citations)


def test_the_basis_comes_with_the_sentence_it_belongs_to(real_assistant: Assistant) -> None:
    a = real_assistant.ask(
        "Kan retten bestemme at en varetektsinnsatt skal sitte helt isolert?", "jurist"
    )
    holding = [c for c in a.citations if "fullstendig isolasjon" in flat(c.quote)]
    assert holding, a.text
    assert all("straffeprosessloven § 186 a" in flat(c.quote) for c in holding)


def test_a_rule_for_the_day_does_not_answer_a_question_about_the_night(
    real_assistant: Assistant,
) -> None:
    a = real_assistant.ask(
        "Hvor ofte skal vi se til en som er utelukket om natta?", "kriminalomsorgen"
    )
    assert not a.direct and a.text.startswith("Kildene svarer ikke direkte"), a.text
    day = real_assistant.ask("Hvor ofte skal vi se til en som er utelukket?", "kriminalomsorgen")
    assert day.direct, day.text


def test_a_short_line_that_settles_it_comes_first(real_assistant: Assistant) -> None:
    a = real_assistant.ask("Må vi varsle lege ved utelukkelse?", "kriminalomsorgen")
    assert a.text.startswith(a.short) and a.short.startswith("Ja"), a.text
    assert "uten ugrunnet opphold" in a.short
    b = real_assistant.ask("Må helsepersonell godkjenne bruk av sikkerhetscelle?", "kommunehelse")
    assert b.short.startswith("Nei"), b.text
    c = real_assistant.ask(
        "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?", "kommunehelse"
    )
    assert "en gang per døgn" in c.short.lower(), c.text


def test_a_permission_under_a_precondition_gets_no_plain_yes(real_assistant: Assistant) -> None:
    # «… kan ansatte i kriminalomsorgen bistå … Dette forutsetter at kommuneoverlegen godkjenner
    # ordningen»: the quote carries the precondition, and no «Ja» stands above it.
    a = real_assistant.ask(
        "Kan betjentene bistå med utdeling av medisiner i ferien?", "kriminalomsorgen"
    )
    assert not a.short.startswith("Ja"), a.text
    assert any("forutsetter" in c.quote for c in a.citations[:1]), a.text


def test_the_rule_for_the_asked_situation_comes_with_the_quote(real_assistant: Assistant) -> None:
    # The lead-in names both the cell and the bed; the item's next sentence is the rule for the bed.
    a = real_assistant.ask(
        "Holder det med tilsyn én gang i timen når en innsatt ligger i sikkerhetsseng?",
        "kriminalomsorgen",
    )
    assert "Ved bruk av sikkerhetsseng skal det gjennomføres kontinuerlig tilsyn" in (
        a.citations[0].quote
    ), a.text


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[\wæøå§,.-]*[\wæøå§]", re.sub(r"\[\d+\]", " ", text))]


def _short_words_quoted(a: Answer) -> list[str]:
    """Words of the short line that neither a quote nor a shown lead-in holds."""
    shown = " ".join(f"{c.quote} {c.passage.context}" for c in a.citations).lower()
    have = set(_words(shown))
    line = re.sub(r" \([^()]*\)\.$", ".", a.short)  # a non-binding source's status label
    return [w for w in _words(line) if w not in OWN_WORDS and w not in have]


def test_a_short_line_never_holds_a_word_its_quotes_do_not(real_assistant: Assistant) -> None:
    items = load_suite(SUITES_DIR / "core.jsonl")
    checked = 0
    for item in items:
        if item.history:
            continue
        a = real_assistant.ask(item.question, item.role)
        if not a.short or any(
            standing in a.short
            for standing in ("status i kildelisten", "status in the source list")
        ):
            continue  # no short line, or a source's standing (from the manifest)
        checked += 1
        assert not _short_words_quoted(a), (item.question, a.short, _short_words_quoted(a))
    assert checked >= 10


def test_the_question_is_analysed_once_per_ask(
    real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.answer.understand as understand_module
    import assistant.api as api

    calls: list[str] = []
    original = understand_module.understand

    def counting(question: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(question)
        return original(question, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "understand", counting)
    first = real_assistant.ask("Må vi varsle lege ved utelukkelse?", "kriminalomsorgen")
    assert len(calls) == 1
    real_assistant.ask(
        "Og for dem under 18 år?", "kriminalomsorgen", [Turn(first.question, first.text)]
    )
    assert len(calls) == 2


def test_the_time_asked_is_the_one_for_the_situation_named(real_assistant: Assistant) -> None:
    """In a sikkerhetsseng the watch is continuous: the sentence naming it in its own words
    answers, not the hourly rule before it that its lead-in gives both measures."""
    bed = real_assistant.ask("vi har en i sikkerhetsseng i natt, hvor ofte skal vi se til ham?")
    assert bed.short.startswith("Kontinuerlig"), (bed.short, bed.text)
    cell = real_assistant.ask("Hvor ofte skal betjentene se til en innsatt på sikkerhetscelle?")
    assert cell.short.startswith("Minimum én gang per time"), (cell.short, cell.text)


def test_a_short_clause_is_not_cut_inside_a_list_of_words() -> None:
    from assistant.answer.short import _clause_end

    text = "må etablere et samarbeid som sikrer et forsvarlig, godt og jevnlig tilsyn, og skal"
    end = _clause_end(text, 0, len(text))
    assert text[:end] == "må etablere et samarbeid som sikrer et forsvarlig, godt og jevnlig tilsyn"
    assert _clause_end("varsle lege, så snart", 0, 21) == len("varsle lege")


def test_who_is_not_answered_by_a_rule_on_something_else(real_assistant: Assistant) -> None:
    """«Er det krav om ettersamtale …? Og hvem skal i så fall ha den?»: the sources never speak
    of one, so the rules listing who reports what are the nearest text, not the answer."""
    a = real_assistant.ask(
        "Har dere regler om ettersamtale etter sikkerhetsseng i fengsel? Hvem skal i så fall ha den?",
        "spesialisthelse",
    )
    assert a.text.startswith("Kildene svarer ikke direkte"), a.text
    assert not a.short
