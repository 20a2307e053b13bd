"""load_corpus end to end on real files: good ones are ingested, broken ones skipped with a reason."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from ingest.manifest import ManifestError
from ingest.pipeline import CorpusLoad, LoadedDocument, load_corpus
from ingest.records import CleanText, Document, Passage
from tests.ingest.test_loaders import (
    CHROME_WORDS,
    FOOTNOTE,
    HTML_FIXTURE,
    PAGE_SENTENCES,
    make_binary,
    make_encrypted_pdf,
    make_pdf,
    make_pdf_without_text,
    make_truncated_pdf,
)

NOTE = "Samarbeidsnotat\n\nKommunen og fengselet skal møtes jevnlig om innsattes behov for helsehjelp.\n"
# file name -> what its skip reason must say
BROKEN = {
    "skannet.pdf": "ingen tekst – skannet PDF uten tekstlag?",
    "kryptert.pdf": "passordbeskyttet",
    "avkortet.pdf": "avkortet",
    "tom.txt": "tom fil",
    "binaer.txt": "binærfil",
    "referat.docx": "ukjent filtype",
}


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good and broken files side by side, no manifest."""
    folder = tmp_path_factory.mktemp("blandet")
    source = make_pdf(tmp_path_factory.mktemp("kilde") / "kilde.pdf")
    make_pdf(folder / "rundskriv-taushetsplikt.pdf")
    shutil.copy(HTML_FIXTURE, folder / "taushetsplikt.html")
    (folder / "notat.txt").write_text(NOTE, encoding="utf-8")
    make_pdf_without_text(folder / "skannet.pdf")
    make_encrypted_pdf(source, folder / "kryptert.pdf")
    make_truncated_pdf(source, folder / "avkortet.pdf")
    (folder / "tom.txt").write_bytes(b"")
    make_binary(folder / "binaer.txt")
    (folder / "referat.docx").write_bytes(b"PK\x03\x04")
    (folder / "README.md").write_text("# Om mappen\n", encoding="utf-8")
    (folder / ".skjult.txt").write_text("Skjult fil\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixed(mixed_folder: Path) -> CorpusLoad:
    return load_corpus([mixed_folder])


def doc(load: CorpusLoad, doc_id: str) -> LoadedDocument:
    return next(d for d in load.documents if d.document.id == doc_id)


def test_good_files_are_ingested_in_file_name_order(mixed: CorpusLoad) -> None:
    ids = [d.document.id for d in mixed.documents]
    assert ids == ["notat", "rundskriv-taushetsplikt", "taushetsplikt"]
    assert all(d.passages for d in mixed.documents)


def test_broken_files_are_skipped_each_with_a_reason_naming_it(mixed: CorpusLoad) -> None:
    reasons = {Path(s.path).name: s.reason for s in mixed.skipped}
    assert set(reasons) == set(BROKEN)
    for name, expected in BROKEN.items():
        assert reasons[name].startswith(f"{name}: ")
        assert expected in reasons[name]


def test_readme_and_hidden_files_are_neither_ingested_nor_skipped(mixed: CorpusLoad) -> None:
    names = {Path(s.path).name for s in mixed.skipped} | {d.document.path for d in mixed.documents}
    assert "README.md" not in names
    assert ".skjult.txt" not in names


def test_pdf_passages_carry_the_page_they_are_on(mixed: CorpusLoad) -> None:
    pdf = doc(mixed, "rundskriv-taushetsplikt")
    for page, sentence in enumerate(PAGE_SENTENCES, start=1):
        probe = " ".join(sentence.split()[:5])
        hits = [p for p in pdf.passages if probe in " ".join(p.text.split())]
        assert hits, probe
        assert {p.page for p in hits} == {page}
    assert {p.page for p in pdf.passages} <= {1, 2, 3}


def test_pdf_footnote_and_norwegian_letters_survive(mixed: CorpusLoad) -> None:
    pdf = doc(mixed, "rundskriv-taushetsplikt")
    notes = [p for p in pdf.passages if FOOTNOTE in p.text]
    assert notes
    assert all(p.page == 1 for p in notes)
    text = " ".join(p.text for p in pdf.passages)
    assert "særlig" in text and "§ 37" in text and "området" in text


def test_passage_text_is_the_exact_span_of_the_cleaned_text(mixed: CorpusLoad) -> None:
    for loaded in mixed.documents:
        for passage in loaded.passages:
            assert loaded.clean.text[passage.start : passage.end] == passage.text


def test_html_passages_hold_no_navigation_or_footer_text(mixed: CorpusLoad) -> None:
    page = doc(mixed, "taushetsplikt")
    assert page.clean.source_kind == "html"
    text = "\n".join(p.text for p in page.passages)
    assert "Vurderingen skal dokumenteres i journalen." in text
    for word in CHROME_WORDS:
        assert word not in text, word
        assert word not in page.document.title


def test_html_blocks_stay_separate_passages(mixed: CorpusLoad) -> None:
    texts = [p.text for p in doc(mixed, "taushetsplikt").passages]
    # Each rendered block is its own paragraph: a table row or the closing line is not glued on.
    assert "Sist faglig oppdatert: 3. mars 2024 – § 21 gjelder fortsatt." in texts
    assert any("Kommunen | Helse- og omsorgstjenester i fengselet" in t for t in texts)


def test_html_complete_sentences_before_a_list_are_citable(mixed: CorpusLoad) -> None:
    texts = [p.text for p in doc(mixed, "taushetsplikt").passages]
    # A paragraph that ends its sentence is content in its own right, not only a list's lead-in.
    for sentence in (
        "Kriminalomsorgen skal varsle helse- og omsorgstjenesten når en innsatt utelukkes fra "
        "fellesskapet.",
        "Opplysninger kan gis videre når den innsatte samtykker, eller når det er nødvendig for å "
        "avverge alvorlig skade på liv eller helse.",
    ):
        assert sentence in texts


def test_unlisted_files_get_inferred_metadata_and_a_warning(mixed: CorpusLoad) -> None:
    # The type is guessed from the name; the status is «ukjent», never «gjeldende» (issue 12).
    pdf = doc(mixed, "rundskriv-taushetsplikt").document
    assert (pdf.type, pdf.status) == ("rundskriv", "ukjent")
    page = doc(mixed, "taushetsplikt").document
    assert (page.type, page.status) == ("nettside", "ukjent")
    assert page.title == "Taushetsplikt når innsatte får helsehjelp"
    assert doc(mixed, "notat").document.title == "Samarbeidsnotat"
    for name in ("rundskriv-taushetsplikt.pdf", "taushetsplikt.html", "notat.txt"):
        assert any(w.startswith(f"{name}: har ingen oppføring") for w in mixed.warnings), name


def test_document_path_and_hash_describe_the_file(mixed: CorpusLoad, mixed_folder: Path) -> None:
    for loaded in mixed.documents:
        path = mixed_folder / loaded.document.path
        assert path.is_file()
        assert loaded.document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_order_then_file_names_with_manifest_metadata(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Tittel {name}\n\nKommunen skal gi helsehjelp.\n")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nid = "bee"\ntitle = "B-dokumentet"\ntype = "veileder"\nissuer = "Hdir"\n'
        'date = "2024-01-11"\nstatus = "gjeldende"\nfile = "b.txt"\n\n'
        '[[document]]\nid = "ce"\ntitle = "C-dokumentet"\ntype = "høringsutkast"\nissuer = "Hdir"\n'
        'date = ""\nstatus = "utkast"\nfile = "c.txt"\n',
        encoding="utf-8",
    )
    load = load_corpus([tmp_path])
    assert [d.document.id for d in load.documents] == ["bee", "ce", "a"]
    bee = load.documents[0].document
    assert (bee.title, bee.type, bee.date, bee.issuer) == (
        "B-dokumentet",
        "veileder",
        "2024-01-11",
        "Hdir",
    )
    assert load.documents[1].document.date is None
    assert [w.split(":")[0] for w in load.warnings] == ["a.txt"]
    single = load_corpus([tmp_path / "c.txt"])
    assert [d.document.id for d in single.documents] == ["ce"]


def test_manifest_error_is_raised_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tekst.\n")
    (tmp_path / "manifest.toml").write_text('[[document]]\nid = "a"\nfile = "a.txt"\n')
    with pytest.raises(ManifestError, match="oppføring 1 \\(id «a»\\): mangler feltet «title»"):
        load_corpus([tmp_path])


def test_unexpected_failure_in_one_document_skips_only_that_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline

    real = ingest.pipeline.structure

    def fragile(document: Document, clean: CleanText) -> list[Passage]:
        if document.id == "b":
            raise RuntimeError("strukturfeil")
        return real(document, clean)

    monkeypatch.setattr(ingest.pipeline, "structure", fragile)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Overskrift\n\nKommunen skal gi helsehjelp til innsatte.\n")
    load = load_corpus([tmp_path])
    assert [d.document.id for d in load.documents] == ["a"]
    assert len(load.skipped) == 1
    assert "b.txt: uventet feil" in load.skipped[0].reason
    assert "strukturfeil" in load.skipped[0].reason


def test_bundled_corpus_loads_every_manifest_document(
    corpus_load: CorpusLoad, corpus_dir: Path
) -> None:
    from ingest.manifest import read_manifest

    manifest = read_manifest(corpus_dir / "manifest.toml")
    assert [d.document.id for d in corpus_load.documents] == [e.id for e in manifest.entries]
    assert corpus_load.skipped == ()
    assert corpus_load.warnings == ()
    ids = [p.id for d in corpus_load.documents for p in d.passages]
    assert len(ids) == len(set(ids))
    assert all(p.doc_id == d.document.id for d in corpus_load.documents for p in d.passages)


def test_reloading_unchanged_files_gives_the_same_passage_ids(
    mixed_folder: Path, mixed: CorpusLoad
) -> None:
    again = load_corpus([mixed_folder])
    assert [p.id for d in again.documents for p in d.passages] == [
        p.id for d in mixed.documents for p in d.passages
    ]


def test_a_manifest_is_read_once_however_its_files_are_given(tmp_path: Path) -> None:
    """Files named one by one and their folder: one warning per manifest problem, and a
    «./a.txt» entry matches a.txt (the page's listing uses the same normalised keys)."""
    from ingest.manifest import read_manifest
    from ingest.pipeline import discover

    (tmp_path / "a.txt").write_text("1 A\n\nx", encoding="utf-8")
    (tmp_path / "b.txt").write_text("1 B\n\ny", encoding="utf-8")
    (tmp_path / "manifest.toml").write_text(
        '[[document]]\nid = "a"\nfile = "./a.txt"\ntitle = "A"\ntype = "rundskriv"\n'
        'issuer = "X"\nstatus = "gjeldende"\ndate = "2020-01-01"\nextra = "z"\n',
        encoding="utf-8",
    )
    files, warnings = discover([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path])
    assert len([w for w in warnings if "extra" in w]) == 1
    assert [(f.path.name, f.entry.id if f.entry else None) for f in files] == [
        ("a.txt", "a"),
        ("b.txt", None),
    ]
    assert set(read_manifest(tmp_path / "manifest.toml").by_file()) == {"a.txt"}
