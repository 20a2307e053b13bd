"""The curated suite file is valid against the real corpus, and its checker catches broken items.

Fast: plain text matching on the bundled corpus, no model and no index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.suites.check_suite import (
    DEFAULT_CORPUS,
    DEFAULT_SUITE,
    MINIMA,
    ROLES,
    Report,
    check_suite,
    load_corpus,
    split_paragraphs,
)


@pytest.fixture(scope="module")
def core_report() -> Report:
    return check_suite(DEFAULT_SUITE, DEFAULT_CORPUS)


@pytest.fixture(scope="module")
def core_items() -> list[dict[str, Any]]:
    lines = DEFAULT_SUITE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _answerable(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "tp-901",
        "topic": "taushetsplikt",
        "role": "kommunehelse",
        "lang": "no",
        "tags": ["paraphrase"],
        "question": "Gjelder taushetsplikten vår også overfor betjentene?",
        "history": [],
        "gold": [
            {
                "doc": "rundskriv",
                "section": "6.1",
                "quote": "Utover de lovbestemte unntakssituasjonene gjelder taushetsplikten "
                "også overfor kriminalomsorgen.",
            }
        ],
        "facts": [["gjelder taushetsplikten også overfor kriminalomsorgen"]],
        "expect_refusal": False,
    }
    item.update(overrides)
    return item


def _check_one(tmp_path: Path, item: dict[str, Any]) -> Report:
    suite = tmp_path / "one.jsonl"
    suite.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    return check_suite(suite, DEFAULT_CORPUS)


def _item_messages(rep: Report) -> tuple[list[str], list[str]]:
    """Errors and warnings about items, leaving out the suite-size minima a one-item suite fails."""
    errors = [e for e in rep.errors if not e.startswith("suite:")]
    return errors, rep.warnings


def test_core_suite_has_no_errors(core_report: Report) -> None:
    assert core_report.errors == []


@pytest.mark.parametrize("name", ["heldout", "heldout2", "everyday"])
def test_held_out_suites_have_no_item_errors(name: str) -> None:
    """Smaller than core by design: only the suite-size minima (core's) may fail."""
    report = check_suite(DEFAULT_SUITE.with_name(f"{name}.jsonl"), DEFAULT_CORPUS)
    assert report.counts["answerable"] >= 30 and report.counts["refusal"] >= 5
    assert _item_messages(report) == ([], [])


def test_the_everyday_suite_names_the_actor_of_most_gold_sentences() -> None:
    """Role-label accuracy is scored on the items that give the actor (optional `actor` key)."""
    import json

    items = [
        json.loads(line)
        for line in DEFAULT_SUITE.with_name("everyday.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    with_actor = [i for i in items if "actor" in i]
    assert len(items) >= 40 and len(with_actor) >= 25


def test_core_suite_meets_the_agreed_minima(core_report: Report) -> None:
    for key, minimum in MINIMA.items():
        assert core_report.counts[key] >= minimum, key
    for role in ROLES:
        assert core_report.counts[f"role:{role}"] > 0, role


def test_core_suite_ids_are_unique_and_follow_up_items_have_history(
    core_items: list[dict[str, Any]],
) -> None:
    ids = [item["id"] for item in core_items]
    assert len(ids) == len(set(ids))
    for item in core_items:
        is_followup = item["id"].startswith("mt-")
        assert bool(item["history"]) == is_followup, item["id"]
        assert all(turn["question"].strip() for turn in item["history"])


def test_refusal_items_name_no_gold_and_answerable_items_do(
    core_items: list[dict[str, Any]],
) -> None:
    for item in core_items:
        if item["expect_refusal"]:
            assert item["gold"] == [] and item["facts"] == [], item["id"]
        else:
            assert 1 <= len(item["gold"]) <= 3, item["id"]


def test_a_valid_item_passes(tmp_path: Path) -> None:
    errors, warnings = _item_messages(_check_one(tmp_path, _answerable()))
    assert errors == [] and warnings == []


def test_a_quote_not_in_the_source_is_an_error(tmp_path: Path) -> None:
    gold = [{"doc": "rundskriv", "section": "6.1", "quote": "Taushetsplikten gjelder aldri "
             "overfor kriminalomsorgen i noen situasjon."}]  # fmt: skip
    errors, _ = _item_messages(_check_one(tmp_path, _answerable(gold=gold)))
    assert any("finnes ikke i rundskriv" in e for e in errors)


def test_a_quote_in_the_wrong_document_is_an_error(tmp_path: Path) -> None:
    item = _answerable()
    item["gold"][0]["doc"] = "temaside"
    errors, _ = _item_messages(_check_one(tmp_path, item))
    assert any("finnes ikke i temaside" in e for e in errors)


def test_a_glued_footnote_marker_in_a_quote_is_an_error(tmp_path: Path) -> None:
    quote = "jevnlig tilsyn med innsattes fysiske og psykiske helsetilstand.11"
    gold = [{"doc": "rundskriv", "section": "7.1.1", "quote": quote}]
    errors, _ = _item_messages(_check_one(tmp_path, _answerable(gold=gold, facts=[["tilsyn"]])))
    assert any("fotnotemarkør" in e for e in errors)


def test_a_quote_across_a_line_end_hyphen_is_only_a_warning(tmp_path: Path) -> None:
    quote = "Når en person har både rusmiddelproblemer og en psykisk lidelse, omtales det som ROP-lidelse"
    item = _answerable(gold=[{"doc": "rundskriv", "section": "2", "quote": quote}],
                       facts=[["psykisk lidelse"]])  # fmt: skip
    errors, warnings = _item_messages(_check_one(tmp_path, item))
    assert errors == []
    assert any("orddeling ved linjeslutt" in w for w in warnings)


def test_a_fact_outside_the_gold_paragraph_warns_and_a_fact_nowhere_fails(tmp_path: Path) -> None:
    # «sikkerhetsseng» is in the circular, but not in the 6.1 paragraph the gold quote sits in.
    elsewhere = _check_one(tmp_path, _answerable(facts=[["sikkerhetsseng"]]))
    assert _item_messages(elsewhere)[0] == []
    assert any("utenfor gold-avsnittene" in w for w in elsewhere.warnings)
    nowhere = _check_one(tmp_path, _answerable(facts=[["skattemeldingen"]]))
    assert any("finnes ikke i noe gold-dokument" in e for e in _item_messages(nowhere)[0])


def test_schema_and_id_conventions_are_enforced(tmp_path: Path) -> None:
    # Each broken item and the message that must name what is wrong with it.
    cases = {
        "id-prefiks og topic": _answerable(topic="isolasjon"),  # tp- ids are taushetsplikt
        "tag english": _answerable(lang="en"),  # English without the tag
        "rf-id-er og bare de skal avvises": _answerable(expect_refusal=True),  # refusal with gold
        "mt-id-er og bare de har history": _answerable(history=[{"question": "Før?"}]),
        "sitatet har 1 ord": _answerable(
            gold=[{"doc": "rundskriv", "section": "6.1", "quote": "taushetsplikt"}]
        ),
    }
    for message, item in cases.items():
        errors, _ = _item_messages(_check_one(tmp_path, item))
        assert any(message in e for e in errors), (message, errors)


def test_double_spaced_pdf_text_splits_at_blank_paragraph_lines_bullets_and_headings() -> None:
    raw = (
        "6.1 Kriminalomsorgen \n\nFørste linje i et avsnitt \n\nfortsetter her. \n\n \n\n"
        "Nytt avsnitt som går \n\nover to linjer. \n\n• et punkt \n\n• et annet punkt \n"
    )
    assert split_paragraphs(raw) == [
        "6.1 Kriminalomsorgen",
        "Første linje i et avsnitt fortsetter her.",
        "Nytt avsnitt som går over to linjer.",
        "• et punkt",
        "• et annet punkt",
    ]


def test_every_corpus_document_in_the_manifest_loads_with_paragraphs() -> None:
    corpus = load_corpus(DEFAULT_CORPUS)
    assert set(corpus) >= {"rundskriv", "temaside", "horingsinnspill-nkrop"}
    for source in corpus.values():
        assert source.paragraphs
        first, last = source.paragraphs[0], source.paragraphs[-1]
        assert first[0] == 0 and last[1] == len(source.text)
