"""The manifest's optional fields number and short_title, and old index records without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.manifest import ManifestError, read_manifest
from ingest.records import Document

ENTRY = """
[[document]]
id = "rundskriv"
title = "Rundskriv om samarbeid"
type = "rundskriv"
issuer = "Justis- og beredskapsdepartementet"
date = ""
status = "gjeldende"
file = "a.txt"
"""


def _manifest(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "a.txt").write_text("Innhold.\n", encoding="utf-8")
    path = tmp_path / "manifest.toml"
    path.write_text(ENTRY + extra, encoding="utf-8")
    return path


def test_number_and_short_title_are_read_and_default_to_empty(tmp_path: Path) -> None:
    entry = read_manifest(_manifest(tmp_path, 'number = "G-2006-8"\nshort_title = "Rundskrivet"\n'))
    assert (entry.entries[0].number, entry.entries[0].short_title) == ("G-2006-8", "Rundskrivet")
    plain = read_manifest(_manifest(tmp_path, ""))
    assert (plain.entries[0].number, plain.entries[0].short_title) == ("", "")
    assert plain.warnings == ()


def test_a_number_that_is_not_text_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="«number» må være tekst"):
        read_manifest(_manifest(tmp_path, "number = 8\n"))


def test_bundled_manifest_gives_every_document_a_short_title_and_no_invented_number(
    corpus_dir: Path,
) -> None:
    entries = {e.id: e for e in read_manifest(corpus_dir / "manifest.toml").entries}
    assert all(e.short_title and len(e.short_title) < len(e.title) for e in entries.values())
    assert entries["rundskriv"].short_title == "Rundskriv om samarbeid KO–helse"
    assert entries["rundskriv"].number == "" and entries["rundskriv"].date is None


def test_document_from_an_older_index_loads_without_the_new_fields() -> None:
    old = {"id": "r", "title": "T", "type": "rundskriv", "issuer": "JD", "date": None,
           "status": "gjeldende", "path": "a.txt", "sha256": "0"}  # fmt: skip
    doc = Document.from_dict(old)
    assert (doc.number, doc.short_title, doc.display_title) == ("", "", "T")
    assert Document.from_dict(doc.to_dict()) == doc
    assert (doc.uploaded_by, doc.uploaded_at, doc.is_local) == ("", "", False)


LOCAL = """
[[document]]
id = "rutine"
title = "Rutine for tilsyn"
type = "{type}"
issuer = "Testfengselet"
date = ""
status = "{status}"
file = "b.txt"
{extra}
"""


@pytest.mark.parametrize(
    ("doc_type", "extra"),
    [("annet", 'uploaded_by = "kari"\nuploaded_at = "2026-12-02 14:05"'), ("lokal instruks", "")],
)
def test_a_local_document_marked_gjeldende_is_read_as_lokal(
    tmp_path: Path, doc_type: str, extra: str
) -> None:
    (tmp_path / "b.txt").write_text("Rutine.\n", encoding="utf-8")
    path = _manifest(tmp_path, LOCAL.format(type=doc_type, status="gjeldende", extra=extra))
    manifest = read_manifest(path)
    local = manifest.entries[1]
    assert local.status == "lokal" and manifest.entries[0].status == "gjeldende"
    assert any("status «gjeldende» leses som «lokal»" in w for w in manifest.warnings)
    if extra:
        assert (local.uploaded_by, local.uploaded_at) == ("kari", "2026-12-02 14:05")
    # A local document marked as a draft keeps that status, and is still local.
    draft = read_manifest(_manifest(tmp_path, LOCAL.format(type=doc_type, status="utkast",
                                                           extra=extra))).entries[1]  # fmt: skip
    assert draft.status == "utkast"
