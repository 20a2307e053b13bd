"""The provision index: grouping at § level, filters parsed like the sources, the real circular."""

from __future__ import annotations

import json
import re

import pytest

from assistant.commands.refs import CSV_COLUMNS, format_csv, format_listing
from assistant.legal.refs import RefQueryError, provision_index, provision_sort_key
from ingest.records import LegalRef
from tests.assistant.legal.test_verify import make_index

HPL21 = LegalRef("helsepersonelloven", "§ 21")
SMALL = make_index(
    [
        ("6.2", "Helse- og omsorgstjenesten", [
            ("paragraph", "Taushetsplikt, jf. hpl. § 21.", (HPL21,)),
            ("paragraph", "Unntak i fvl. § 13b første ledd nr. 7 og helsepersonelloven § 21.", (
                LegalRef("forvaltningsloven", "§ 13 b", "første", "7"), HPL21)),
        ]),
        ("7.1", "Utelukkelse", [
            ("paragraph", "Strgjfl. § 37 syvende ledd og § 3-16 og § 3-9.", (
                LegalRef("straffegjennomføringsloven", "§ 37", "syvende"),
                LegalRef("straffegjennomføringsforskriften", "§ 3-16"),
                LegalRef("straffegjennomføringsforskriften", "§ 3-9"))),
            ("list_item", "varsle lege, jf. § 37 syvende ledd", (
                LegalRef("straffegjennomføringsloven", "§ 37", "syvende"),)),
            ("list_item", "føre tilsyn, jf. § 37 åttende ledd", (
                LegalRef("straffegjennomføringsloven", "§ 37", "åttende"),)),
        ]),
    ]
)  # fmt: skip


def test_groups_at_paragraph_sign_level_with_details() -> None:
    entries = {e.key: e for e in provision_index(SMALL)}
    hpl = entries["helsepersonelloven § 21"]
    assert hpl.passages == ("rundskriv:6.2:1", "rundskriv:6.2:2")
    fvl = entries["forvaltningsloven § 13 b"].to_json()
    assert fvl["details"] == [
        {"passage": "rundskriv:6.2:2", "ledd": "første", "nr": "7", "bokstav": None}
    ]
    assert set(fvl) >= {"law", "provision", "passages", "details"}
    assert hpl.url is not None and hpl.url.startswith("https://lovdata.no/")


@pytest.mark.parametrize(
    ("law", "provision", "expected"),
    [
        ("hpl.", None, ["helsepersonelloven § 21"]),
        ("Helsepersonelloven", "§21", ["helsepersonelloven § 21"]),
        (None, "hpl. § 21", ["helsepersonelloven § 21"]),
        ("fvl", "§ 13b", ["forvaltningsloven § 13 b"]),
        ("straffegjennomføringsf", None,
         ["straffegjennomføringsforskriften § 3-9", "straffegjennomføringsforskriften § 3-16"]),
        (None, "§ 37", ["straffegjennomføringsloven § 37"]),
        (None, "stgjl. § 37", ["straffegjennomføringsloven § 37"]),
        ("strgjfl.", "§ 37", ["straffegjennomføringsloven § 37"]),
        ("stgjl", None, ["straffegjennomføringsloven § 37"]),
    ],
)  # fmt: skip
def test_filters(law: str | None, provision: str | None, expected: list[str]) -> None:
    assert [e.key for e in provision_index(SMALL, law, provision)] == expected


def test_bad_filters_raise_norwegian_errors() -> None:
    with pytest.raises(RefQueryError, match="Ukjent lov"):
        provision_index(SMALL, law="barnevernsloven")
    with pytest.raises(RefQueryError, match="Forstår ikke"):
        provision_index(SMALL, provision="første ledd")


def test_provision_order_is_numeric() -> None:
    provisions = ["§ 3-16", "§ 13 b", "§ 3-9", "§ 13", "§ 4", "kapittel 7"]
    assert sorted(provisions, key=provision_sort_key) == [
        "kapittel 7",
        "§ 3-9",
        "§ 3-16",
        "§ 4",
        "§ 13",
        "§ 13 b",
    ]


def test_listing_names_law_link_and_status() -> None:
    listing = format_listing(provision_index(SMALL, law="hpl"), SMALL)
    assert listing.splitlines() == [
        "helsepersonelloven",
        "  § 21 – 1 sted  https://lovdata.no/lov/1999-07-02-64/§21",
        "    Rundskriv rundskriv, punkt 6.2 – gjeldende",
    ]


def test_one_place_per_section_with_its_finer_points_once() -> None:
    (entry,) = provision_index(SMALL, provision="§ 37")
    assert entry.passages == ("rundskriv:7.1:1", "rundskriv:7.1:2", "rundskriv:7.1:3")
    assert [p.label for p in entry.places] == [
        "Rundskriv rundskriv, punkt 7.1 (syvende ledd; åttende ledd)"
    ]
    assert entry.places[0].passages == entry.passages
    assert entry.to_json()["places"][0]["details"] == ["syvende ledd", "åttende ledd"]


def test_csv_has_one_row_per_provision_and_place() -> None:
    import csv

    text = format_csv(provision_index(SMALL))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines(), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_key = {(r[0], r[1], r[5]): r for r in rows[1:]}
    assert len(by_key) == len(rows) - 1  # no duplicates
    hpl = by_key[("helsepersonelloven", "§ 21", "punkt 6.2")]
    assert hpl[2:5] == ["Rundskriv rundskriv", "rundskriv", "gjeldende"]
    assert hpl[7] == "rundskriv:6.2:1 rundskriv:6.2:2"
    assert by_key[("straffegjennomføringsloven", "§ 37", "punkt 7.1")][6] == (
        "syvende ledd; åttende ledd"
    )


def _expected(index, law_pattern: str, number: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Passages of the circular naming the law and then the § (maybe in a list), by plain regex."""
    rx = re.compile(rf"(?:{law_pattern})\s+§§?\s*(?:\d+\s*[a-z]?\s*(?:,|og)\s*)*{number}(?!\d)")
    return {p.id for p in index.passages if p.doc_id == "rundskriv" and rx.search(p.text)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("law", "provision", "law_pattern", "number"),
    [
        ("straffegjennomføringsloven", "§ 37", r"straffegjennomføringsloven|strgjfl\.", "37"),
        ("helsepersonelloven", "§ 21", r"helsepersonelloven|hpl\.", "21"),
    ],
)
def test_real_circular_every_citing_passage_found(  # type: ignore[no-untyped-def]
    real_index,
    law: str,
    provision: str,
    law_pattern: str,
    number: str,
) -> None:
    expected = _expected(real_index, law_pattern, number)
    assert expected  # the circular does cite both
    entries = provision_index(real_index, law=law, provision=provision, doc_id="rundskriv")
    assert len(entries) == 1
    assert expected <= set(entries[0].passages)
    assert all(re.search(rf"§\s*{number}(?!\d)|{number}\s+og|og\s+{number}", real_index.by_id[i].text)
               for i in entries[0].passages)  # fmt: skip
    json.dumps(entries[0].to_json(), ensure_ascii=False)


@pytest.mark.slow
def test_real_listing_has_each_place_once_and_no_slugs(real_index) -> None:  # type: ignore[no-untyped-def]
    entries = provision_index(real_index)
    for entry in entries:
        keys = [(p.doc_id, p.where) for p in entry.places]
        assert len(keys) == len(set(keys)), entry.key
        assert sorted(i for p in entry.places for i in p.passages) == sorted(entry.passages)
    listing = format_listing(entries, real_index)
    slugs = {p.section for p in real_index.passages if not re.fullmatch(r"[\d.]+", p.section)}
    assert not any(slug in listing for slug in slugs if "-" in slug)
    assert not any(pid in listing for pid in real_index.by_id)
    s38 = next(e for e in entries if e.key == "straffegjennomføringsloven § 38")
    assert [p.label for p in s38.places] == [
        "Rundskriv om samarbeid KO–helse, punkt 7.1.1",
        "Rundskriv om samarbeid KO–helse, punkt 7.1.2 (tredje ledd; fjerde ledd)",
    ]


@pytest.mark.slow
def test_real_chapter_reference_in_the_draft(real_index) -> None:  # type: ignore[no-untyped-def]
    (entry,) = provision_index(real_index, law="hol.", provision="§ 7")
    assert entry.key == "helse- og omsorgstjenesteloven kapittel 7"
    assert entry.url == "https://lovdata.no/dokument/NL/lov/2011-06-24-30/KAPITTEL_7"
    assert [p.label for p in entry.places] == [
        "Høringsutkast om individuell plan, 13. avsnitt, 1. strekpunkt"
    ]  # the page's status label «Under revisjon:» is no paragraph of its own (ingest.structure)


@pytest.mark.slow
def test_cli_refs_json_one_line_per_provision(real_settings, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from assistant.cli import main

    monkeypatch.setenv("HJEMMEL_HOME", str(real_settings.home))
    assert main(["refs", "--law", "hpl.", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(r["law"] == "helsepersonelloven" for r in rows)
    assert len({r["provision"] for r in rows}) == len(rows)
    assert "§ 21" in {r["provision"] for r in rows}
    assert main(["refs", "--provision", "§ 37", "--doc", "rundskriv"]) == 0
    assert "https://lovdata.no/" in capsys.readouterr().out
    assert main(["refs", "--provision", "stgjl. § 37", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("lov;bestemmelse;dokument")
    assert len(rows) > 1 and all(r.startswith("straffegjennomføringsloven;§ 37;") for r in rows[1:])
    assert main(["refs", "--provision", "kap"]) == 2
    assert "Forstår ikke bestemmelsen" in capsys.readouterr().err
