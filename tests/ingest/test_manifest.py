"""Manifest validation: every kind of mistake is reported naming the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.manifest import (
    _ID_RE,
    FIELDS,
    ManifestError,
    infer_entry,
    infer_type_status,
    read_manifest,
    slugify,
)
from ingest.records import DOC_TYPES, STATUSES

GOOD = """
[[document]]
id = "rundskriv"
title = "Rundskriv om samarbeid"
type = "rundskriv"
issuer = "Justis- og beredskapsdepartementet"
date = ""
status = "gjeldende"
file = "a.txt"

[[document]]
id = "horingsutkast-plan"
title = "Individuell plan (høringsutkast)"
type = "høringsutkast"
issuer = "Helsedirektoratet"
date = "2023-03-02"
status = "utkast"
file = "b.txt"
"""


def write(folder: Path, text: str, files: tuple[str, ...] = ("a.txt", "b.txt")) -> Path:
    for name in files:
        (folder / name).write_text("Innhold.\n", encoding="utf-8")
    path = folder / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ManifestError) as info:
        read_manifest(write(tmp_path, text))
    return str(info.value)


def test_bundled_manifest_is_valid_and_every_file_exists(corpus_dir: Path) -> None:
    manifest = read_manifest(corpus_dir / "manifest.toml")
    assert len(manifest.entries) == 5
    assert all((corpus_dir / e.file).is_file() for e in manifest.entries)
    assert all(e.type in DOC_TYPES and e.status in STATUSES for e in manifest.entries)


def test_good_manifest_reads_in_order_with_empty_date_as_none(tmp_path: Path) -> None:
    manifest = read_manifest(write(tmp_path, GOOD))
    assert [e.id for e in manifest.entries] == ["rundskriv", "horingsutkast-plan"]
    assert manifest.entries[0].date is None
    assert manifest.entries[1].date == "2023-03-02"
    assert manifest.warnings == ()


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    broken = GOOD.replace('status = "utkast"', 'status = "utkast')
    line = broken.splitlines().index('status = "utkast') + 1
    message = error_for(tmp_path, broken)
    assert f"linje {line}" in message
    assert "manifest.toml" in message


@pytest.mark.parametrize("missing", FIELDS)
def test_missing_field_names_entry_and_field(tmp_path: Path, missing: str) -> None:
    lines = [ln for ln in GOOD.splitlines() if not ln.startswith(f"{missing} = ")]
    # Remove the field from the second entry only: the first one stays valid.
    first_end = GOOD.splitlines().index('file = "a.txt"')
    kept = GOOD.splitlines()[: first_end + 1] + lines[first_end + 1 :]
    message = error_for(tmp_path, "\n".join(kept))
    assert f"«{missing}»" in message
    assert "oppføring 2" in message
    assert "oppføring 1" not in message
    if missing != "id":
        assert "horingsutkast-plan" in message


@pytest.mark.parametrize(
    ("field", "bad"),
    [("type", "lov"), ("status", "opphevet"), ("id", "Høring_1"), ("date", "2. mars 2023")],
)
def test_bad_value_names_entry_field_and_value(tmp_path: Path, field: str, bad: str) -> None:
    original = next(ln for ln in GOOD.splitlines()[10:] if ln.startswith(f"{field} = "))
    text = GOOD.replace(original, f'{field} = "{bad}"')
    message = error_for(tmp_path, text)
    assert "oppføring 2" in message
    assert f"«{field}»" in message
    assert bad in message


def test_duplicate_id_is_an_error_naming_both_entries(tmp_path: Path) -> None:
    text = GOOD.replace('id = "horingsutkast-plan"', 'id = "rundskriv"')
    message = error_for(tmp_path, text)
    assert "oppføring 2 (id «rundskriv»)" in message
    assert "oppføring 1" in message
    assert "«id»" in message


def test_entry_naming_a_missing_file_is_an_error_naming_the_entry(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        read_manifest(write(tmp_path, GOOD, files=("a.txt",)))
    assert "horingsutkast-plan" in str(info.value)
    assert "b.txt" in str(info.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace('type = "rundskriv"', 'type = "x"').replace('status = "utkast"', "")
    with pytest.raises(ManifestError) as info:
        read_manifest(write(tmp_path, text))
    assert len(info.value.problems) == 2


def test_unknown_field_is_a_warning_not_an_error(tmp_path: Path) -> None:
    manifest = read_manifest(write(tmp_path, GOOD + 'url = "https://example.org"\n'))
    assert len(manifest.entries) == 2
    assert any("«url»" in w for w in manifest.warnings)


def test_slugify_transliterates_norwegian_letters() -> None:
    assert slugify("Årsrapport 2018 – Høringssvar fra NKROP.pdf") == (
        "arsrapport-2018-horingssvar-fra-nkrop-pdf"
    )
    assert slugify("___") == "dokument"


@pytest.mark.parametrize(
    ("name", "title", "expected"),
    [
        ("x.pdf", "Rundskriv G-5/2025", ("rundskriv", "gjeldende")),
        ("horingsutkast_raad.txt", "", ("høringsutkast", "utkast")),
        ("svar.pdf", "Høringssvar fra kommunen", ("høringsinnspill", "innspill")),
        ("nasjonal-veileder.pdf", "", ("veileder", "gjeldende")),
        ("x.txt", "Årsrapport 2020", ("rapport", "informasjon")),
        ("side.html", "Kontakt oss", ("nettside", "informasjon")),
        ("notat.txt", "Notat", ("nettside", "informasjon")),
    ],
)
def test_type_and_status_inferred_from_keywords(
    name: str, title: str, expected: tuple[str, str]
) -> None:
    assert infer_type_status(name, title) == expected


def test_inferred_id_avoids_ids_in_use() -> None:
    entry = infer_entry("Rundskriv.txt", "Rundskriv", {"rundskriv"})
    assert entry.id == "rundskriv-2"
    assert entry.type == "rundskriv"
    assert entry.title == "Rundskriv"


@given(st.text(max_size=120))
def test_slugify_always_gives_a_valid_id(text: str) -> None:
    assert _ID_RE.match(slugify(text))
