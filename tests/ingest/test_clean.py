"""Unit tests of cleaning on small synthetic inputs: hyphen repair, footnotes, chrome, HTML lines."""

from __future__ import annotations

from ingest.clean import RawText, clean_text
from ingest.clean_lines import join_lines


def test_mid_word_break_is_joined() -> None:
    assert join_lines("helse- og omsorgs-", "tjenesten skal", False).endswith(
        "omsorgstjenesten skal"
    )


def test_coordination_hyphen_is_kept() -> None:
    assert (
        join_lines("sikkerhets-", "eller kontrollhensyn", False)
        == "sikkerhets- eller kontrollhensyn"
    )
    assert (
        join_lines("pasient-", "og brukerrettighetsloven", True)
        == "pasient- og brukerrettighetsloven"
    )


def test_compound_hyphen_after_acronym_is_kept() -> None:
    assert (
        join_lines("omtales det som ROP-", "lidelse (rus)", False)
        == "omtales det som ROP-lidelse (rus)"
    )


def test_wrapped_double_spaced_paragraph_is_joined() -> None:
    raw = "Helse- og omsorgs-\n\ntjenesten skal gi helse-\n\nog omsorgstjenester til innsatte.\n"
    text = clean_text(RawText(raw)).text
    assert "omsorgstjenesten skal gi helse- og omsorgstjenester til innsatte." in text


def test_footnote_is_moved_out_and_marker_recorded() -> None:
    raw = (
        "1. INNLEDNING\n\nFengselet skal sikre tilsyn med helsetilstand.1 Dette gjelder\n\n \n"
        "1 Mandelareglene, regel 46.\n og alle innsatte i varetekt.\n"
    )
    clean = clean_text(RawText(raw))
    assert "Dette gjelder og alle innsatte i varetekt." in clean.text
    ((number, start, end),) = clean.footnotes
    assert number == 1 and clean.text[start:end] == "Mandelareglene, regel 46."
    ((offset, ref),) = clean.footnote_refs
    assert ref == 1 and clean.text[:offset].endswith("helsetilstand.")


def test_web_chrome_is_dropped() -> None:
    raw = "Gå til hovedinnhold\n\nDu benytter en nettleser vi ikke støtter.\n\nTittel\n\nEn setning.\n"
    text = clean_text(RawText(raw)).text
    assert "hovedinnhold" not in text and "nettleser" not in text and "En setning." in text


def test_html_line_format() -> None:
    raw = "# Tittel\n\nFørste avsnitt\nfortsetter her.\n\n## Under\n\n• punkt en\n• punkt to\n"
    text = clean_text(RawText(raw, source_kind="html")).text
    assert text.split("\n\n") == [
        "# Tittel",
        "Første avsnitt fortsetter her.",
        "## Under",
        "• punkt en",
        "• punkt to",
    ]
