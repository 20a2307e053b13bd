"""assistant.redact (one redactor for everything stored or logged) and assistant.limits."""

from __future__ import annotations

import logging

import pytest

from assistant.limits import MAX_HISTORY_CHARS, MAX_TURNS, bound_history, prepare
from assistant.records import Turn
from assistant.redact import (
    EMAIL_TOKEN,
    FNR_TOKEN,
    NAME_TOKEN,
    RedactingFilter,
    is_fodselsnummer,
    redact,
    strip_personal_data,
)

FNR = "15038514021"  # checksum-valid
D_NUMBER = "55038514021"[:9]


def _valid(prefix: str) -> str:
    for check in range(100):
        if is_fodselsnummer(f"{prefix}{check:02d}"):
            return f"{prefix}{check:02d}"
    raise AssertionError(prefix)


@pytest.mark.parametrize(
    "form",
    [FNR, "150385 14021", "15 03 85 14021", "15.03.85 14021", "15.03.85-14021", "15/03/85 14021"],
)
def test_fodselsnummer_in_any_spacing_is_redacted(form: str) -> None:
    out = redact(f"Innsatt {form} ble flyttet")
    assert out == f"Innsatt {FNR_TOKEN} ble flyttet"


def test_d_nummer_is_redacted_and_checksums_decide_spaced_forms() -> None:
    d = _valid("550385140")  # day + 40
    assert is_fodselsnummer(d)
    assert FNR_TOKEN in redact(f"D-nummer {d[:2]}.{d[2:4]}.{d[4:6]} {d[6:]}")
    bad = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)
    assert not is_fodselsnummer(bad)
    spaced = f"{bad[:2]} {bad[2:4]} {bad[4:6]} {bad[6:]}"
    assert redact(spaced) == spaced  # spaced, invalid checksum: not an identity number, kept


def test_email_and_names_are_redacted_but_legal_text_is_kept() -> None:
    out = redact("Kari Hansen (kari@eksempel.no) og innsatte Per Olav Bakken")
    assert EMAIL_TOKEN in out and out.count(NAME_TOKEN) == 2 and "Hansen" not in out
    legal = "Kriminalomsorgen skal etter helsepersonelloven § 21 og punkt 7.1.3 varsle Helse Nord."
    assert redact(legal) == legal


def test_stripping_leaves_the_question() -> None:
    q = f"Må jeg varsle lege når Ola Nordmann ({FNR}) utelukkes?"
    assert strip_personal_data(q) == "Må jeg varsle lege når utelukkes?"


def test_log_records_are_redacted() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "spørsmål: %s", (FNR,), None)
    RedactingFilter().filter(record)
    assert FNR not in record.getMessage() and FNR_TOKEN in record.getMessage()


def test_refused_and_overlong_turns_never_become_context() -> None:
    history = [
        Turn("Hva gjelder ved isolasjon?", "Kildene sier …"),
        Turn("x " * 16_000, "Spørsmålet er for langt (32000 tegn)."),
        Turn("Hvem betaler?", "Jeg finner ikke dette i kildene. Jeg gjetter ikke."),
        Turn("Hva med sikkerhetscelle?", "Svar", refused=True),
    ]
    assert [t.question for t in bound_history(history)] == ["Hva gjelder ved isolasjon?"]


def test_history_is_capped_in_turns_and_characters() -> None:
    many = [Turn(f"Spørsmål {n}?", "svar") for n in range(100)]
    kept = bound_history(many)
    assert len(kept) == MAX_TURNS and kept[-1].question == "Spørsmål 99?"
    big = [Turn("Spørsmål?", "a" * 5000) for _ in range(5)]
    assert sum(len(t.question) + len(t.answer) for t in bound_history(big)) <= MAX_HISTORY_CHARS


def test_prepare_strips_personal_data_from_question_and_history() -> None:
    question, history = prepare(f"Og for {FNR}?", [Turn(f"Gjelder det Kari Hansen {FNR}?", "Ja")])
    assert FNR not in question and all(
        FNR not in t.question and "Kari" not in t.question for t in history
    )


def test_stored_structures_are_redacted_but_ids_kept() -> None:
    from assistant.redact import redact_tree

    run = {"run_id": "20261123-101010", "items": [{"id": "q1", "question": f"Gjelder {FNR}?"}]}
    out = redact_tree(run)
    assert out["run_id"] == "20261123-101010" and out["items"][0]["id"] == "q1"
    assert out["items"][0]["question"] == f"Gjelder {FNR_TOKEN}?"


def test_a_digest_is_kept_whole() -> None:
    # A sha256 whose digits look like a phone number («…[telefonnummer fjernet]…» broke run
    # comparison): a digest is no personal data.
    from assistant.redact import redact_tree

    digest = "f90c114fcb4c331ffda7d8289d5e721479a569d76e805e12345678edfeac6741"
    run = {"suite": {"sha256": digest}, "corpus": {"rundskriv": digest}, "q": "Ring 41234567"}
    out = redact_tree(run)
    assert out["suite"]["sha256"] == digest and out["corpus"]["rundskriv"] == digest
    assert "41234567" not in out["q"]
