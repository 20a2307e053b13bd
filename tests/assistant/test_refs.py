"""The provision index: grouping at § level, filters parsed like the sources, the real circular."""

from __future__ import annotations

import json
import re

import pytest

from assistant.refs import RefQueryError, provision_index, provision_sort_key
from assistant.refs_command import format_listing
from ingest.records import LegalRef
from tests.assistant.test_verify import make_index

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
    provisions = ["§ 3-16", "§ 13 b", "§ 3-9", "§ 13", "§ 4"]
    assert sorted(provisions, key=provision_sort_key) == [
        "§ 3-9",
        "§ 3-16",
        "§ 4",
        "§ 13",
        "§ 13 b",
    ]


def test_listing_names_law_link_and_status() -> None:
    listing = format_listing(provision_index(SMALL, law="hpl"), SMALL)
    assert listing.splitlines()[0] == "helsepersonelloven"
    assert "https://lovdata.no/" in listing and "(Gjeldende)" in listing
    assert "rundskriv:6.2:2" in listing


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
