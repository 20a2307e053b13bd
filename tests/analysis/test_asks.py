"""The question as a frame (analysis.asks): asker, act, counterpart, conditions, slot."""

from __future__ import annotations

from analysis.asks import ask_frame, follow_up


def test_a_nurse_telling_the_officers_is_health_to_prison() -> None:
    a = ask_frame("Kan jeg si til betjentene at en innsatt har hiv?", "kommunehelse")
    assert (a.actor, a.counterpart, a.modality, a.slot) == (
        "kommunehelse", "kriminalomsorgen", "permission", "yesno",
    )  # fmt: skip
    assert "dele" in a.actions


def test_an_officer_telling_the_nurse_without_a_yes_is_without_consent() -> None:
    a = ask_frame(
        "Kan jeg si det til sykepleieren selv om han ikke har sagt ja?", "kriminalomsorgen"
    )
    assert a.actor == "kriminalomsorgen" and a.counterpart == "helsepersonell"
    assert "uten_samtykke" in a.conditions and "samtykke" not in a.conditions
    assert "samtykke" in a.negated


def test_a_call_from_the_prison_is_no_notification() -> None:
    a = ask_frame("Fengselet ringer og vil vite om en innsatt har hepatitt C", "kommunehelse")
    assert "varsle" not in a.actions and "innhente" in a.actions
    assert a.actor == "kriminalomsorgen" and a.counterpart == "kommunehelse"
    assert "varsle" in ask_frame("Må vi ringe legen?", "kriminalomsorgen").actions


def test_a_modal_asks_only_next_to_its_subject() -> None:
    assert ask_frame("Hva kan være grunner til utelukkelse?").modality == ""
    assert ask_frame("Må vi varsle lege?", "kriminalomsorgen").modality == "obligation"
    assert ask_frame("Hva skal helsepersonell sjekke på cella?").modality == "obligation"


def test_the_slot_is_the_first_question_word() -> None:
    assert ask_frame("Hva må vi på DPS gjøre når en pasient løslates?").slot == "what"
    assert ask_frame("Når må vi varsle legen?").slot == "when"
    assert ask_frame("Hvor ofte skal det være tilsyn?").slot == "frequency"
    assert ask_frame("Hvilken paragraf gir hjemmel for utelukkelse?").slot == "provision"
    assert ask_frame("Er høringsutkastet gjeldende?").status


def test_night_is_outside_working_hours() -> None:
    assert "utenfor_arbeidstid" in ask_frame("Hvor ofte må vi se til ham om natta?").conditions


def test_a_follow_up_keeps_the_earlier_act_and_swaps_the_consent() -> None:
    earlier = ask_frame("Kan vi dele opplysninger med helsetjenesten hvis han samtykker?",
                        "kriminalomsorgen")  # fmt: skip
    now = follow_up(
        ask_frame("Hva om han nekter?", "kriminalomsorgen"), earlier, "Hva om han nekter?"
    )
    assert "dele" in now.actions and now.slot == "yesno"
    assert "uten_samtykke" in now.conditions and "samtykke" not in now.conditions


def test_our_responsibility_is_the_askers_own() -> None:
    # «vårt ansvar» is first person: the asker acts, not the prison named in the situation.
    a = ask_frame(
        "Fengselet er i vårt opptaksområde. Er det vårt ansvar å vurdere ham?", "spesialisthelse"
    )
    assert a.actor == "spesialisthelse"


def test_just_sending_it_over_is_sharing_without_consent() -> None:
    a = ask_frame("Kan vi bare sende journalnotatet til fengselet?", "kommunehelse")
    assert "uten_samtykke" in a.conditions
    assert (
        "uten_samtykke" not in ask_frame("Kan vi bare ringe legen?", "kriminalomsorgen").conditions
    )


def test_a_unit_of_the_askers_own_kind_can_be_the_one_told() -> None:
    """A DPS sending to another DPS: the party after «til» is told, though it is the asker's
    own kind (it used to fall back to the prison the situation named)."""
    ask = ask_frame(
        "Vi har ham i behandling i fengselet. Kan vi sende epikrisen til et annet DPS?",
        "spesialisthelse",
    )
    assert (ask.actor, ask.counterpart) == ("spesialisthelse", "spesialisthelse")
    prison = ask_frame("Kan fengselet sende dommen til oss?", "kommunehelse")
    assert (prison.actor, prison.counterpart) == ("kriminalomsorgen", "kommunehelse")
