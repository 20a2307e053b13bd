"""Loaders on real files: text encodings, PDFs made here with fpdf2 (pages, footnotes, broken ones)
and the saved HTML page fixture. The PDF builders are shared with test_pipeline."""

from __future__ import annotations

import random
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingest.loaders import (
    EmptyFileError,
    LoadError,
    UnsupportedFileError,
    decode_text,
    load_file,
    render_html,
)

DATA = Path(__file__).resolve().parents[1] / "data"
HTML_FIXTURE = DATA / "nettside_taushetsplikt.html"

# One unique sentence per page, so a test can tell which page a passage came from.
PAGE_SENTENCES = (
    "Helsepersonell i fengselet har særlig taushetsplikt overfor kriminalomsorgen om innsattes helse.",
    "Kriminalomsorgen skal varsle helse- og omsorgstjenesten når en innsatt utelukkes fra "
    "fellesskapet etter straffegjennomføringsloven § 37.",
    "Rundskrivet trer i kraft straks, og erstatter tidligere rundskriv på området.",
)
PAGE_HEADINGS = ("1. Taushetsplikt", "2. Utelukkelse fra fellesskapet", "3. Ikrafttredelse")
FOOTNOTE = "Helsepersonelloven § 21."
# Words that only occur in the fixture's navigation, header, footer, cookie banner and asides.
CHROME_WORDS = (
    "Gå til hovedinnhold",
    "informasjonskapsler",
    "Godta alle",
    "Om oss",
    "Forsiden",
    "Søk på nettstedet",
    "Relaterte artikler",
    "Del på e-post",
    "Postboks",
    "Personvernerklæring",
    "dataLayer",
    "Eksempeldirektoratet",
)


def make_pdf(path: Path) -> Path:
    """A 3-page Norwegian PDF: a heading and a paragraph per page, a footnote at page 1's bottom."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for number, (heading, sentence) in enumerate(zip(PAGE_HEADINGS, PAGE_SENTENCES, strict=True)):
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, sentence, new_x="LMARGIN", new_y="NEXT")
        if number == 0:
            pdf.multi_cell(0, 6, "Dette følger av helsepersonelloven", new_x="END", new_y="LAST")
            pdf.char_vpos = "SUP"
            pdf.write(6, "1")
            pdf.char_vpos = "LINE"
            pdf.write(6, ", og gjelder også overfor andre etater.")
            pdf.set_y(-25)
            pdf.set_font("Helvetica", size=8)
            pdf.cell(0, 5, f"1 {FOOTNOTE}")
    pdf.output(str(path))
    return path


def make_pdf_without_text(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")  # what a scanned page looks like to a text extractor
    pdf.output(str(path))
    return path


def make_encrypted_pdf(source: Path, path: Path) -> Path:
    writer = pypdf.PdfWriter(clone_from=source)
    writer.encrypt(user_password="hemmelig", owner_password="eier", algorithm="AES-256")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_truncated_pdf(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def make_binary(path: Path) -> Path:
    rng = random.Random(7)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    return path


# --- plain text -----------------------------------------------------------------------------------


def test_utf8_text_keeps_norwegian_letters_and_section_sign(tmp_path: Path) -> None:
    path = tmp_path / "notat.txt"
    path.write_text("Taushetsplikt etter § 21 gjelder også for ærlige øyeblikk på årsbasis.\r\n")
    raw = load_file(path)
    assert raw.text == "Taushetsplikt etter § 21 gjelder også for ærlige øyeblikk på årsbasis.\n"
    assert raw.source_kind == "text"
    assert raw.page_starts == ()


def test_cp1252_text_is_decoded_when_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gammel.txt"
    path.write_bytes("Høringssvar – «§ 37» gjelder særlig på åpen avdeling.".encode("cp1252"))
    assert load_file(path).text == "Høringssvar – «§ 37» gjelder særlig på åpen avdeling."


def test_binary_file_named_txt_is_a_load_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"data\.txt: binærfil"):
        load_file(make_binary(tmp_path / "data.txt"))


def test_control_characters_without_nul_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "styretegn.txt"
    path.write_bytes(bytes(range(1, 9)) * 50 + b"litt tekst")
    with pytest.raises(LoadError, match=r"styretegn\.txt"):
        load_file(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t "])
@pytest.mark.parametrize("name", ["tom.txt", "tom.pdf", "tom.html"])
def test_empty_file_is_skipped_with_reason(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(EmptyFileError, match=rf"{name}: tom fil"):
        load_file(path)


def test_unknown_type_is_unsupported_not_an_error_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "referat.docx"
    path.write_bytes(b"PK\x03\x04 not really a docx")
    with pytest.raises(UnsupportedFileError, match=r"referat\.docx: ukjent filtype \(\.docx\)"):
        load_file(path)


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_pages_are_kept_with_their_numbers(tmp_path: Path) -> None:
    raw = load_file(make_pdf(tmp_path / "rundskriv.pdf"))
    assert raw.source_kind == "pdf"
    assert [page for _, page in raw.page_starts] == [1, 2, 3]
    offsets = [offset for offset, _ in raw.page_starts]
    assert offsets == sorted(offsets)
    for (offset, _), heading in zip(raw.page_starts, PAGE_HEADINGS, strict=True):
        assert raw.text[offset:].startswith(heading)
    page_two = raw.text[offsets[1] : offsets[2]]
    assert "straffegjennomføringsloven § 37" in " ".join(page_two.split())
    page_one = raw.text[offsets[0] : offsets[1]]
    assert FOOTNOTE in page_one
    assert "æ" in raw.text and "ø" in raw.text and "å" in raw.text


def test_pdf_without_text_layer_says_so(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"skannet\.pdf: ingen tekst – skannet PDF uten tekstlag\?"):
        load_file(make_pdf_without_text(tmp_path / "skannet.pdf"))


def test_encrypted_pdf_says_password_protected(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "kilde.pdf")
    with pytest.raises(LoadError, match=r"laast\.pdf: .*passordbeskyttet"):
        load_file(make_encrypted_pdf(source, tmp_path / "laast.pdf"))


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "kilde.pdf")
    writer = pypdf.PdfWriter(clone_from=source)
    writer.encrypt(user_password="", owner_password="eier")
    target = tmp_path / "eier.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    assert PAGE_SENTENCES[2][:30] in load_file(target).text


def test_truncated_pdf_says_truncated(tmp_path: Path) -> None:
    source = make_pdf(tmp_path / "kilde.pdf")
    with pytest.raises(LoadError, match=r"avkortet\.pdf: PDF-filen er avkortet eller skadet"):
        load_file(make_truncated_pdf(source, tmp_path / "avkortet.pdf"))


def test_corrupt_pdf_body_is_a_load_error(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "kilde.pdf").read_bytes()
    middle = len(data) // 3
    broken = tmp_path / "skadet.pdf"
    broken.write_bytes(data[:middle] + b"\x00garbage" * 200 + data[-1500:])
    with pytest.raises(LoadError, match=r"skadet\.pdf"):
        load_file(broken)


def test_text_file_named_pdf_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "feil.pdf"
    path.write_text("Dette er bare tekst.\n")
    with pytest.raises(LoadError, match=r"feil\.pdf: ikke en PDF-fil"):
        load_file(path)


# --- HTML -----------------------------------------------------------------------------------------


def test_saved_page_keeps_content_in_line_format() -> None:
    raw = load_file(HTML_FIXTURE)
    assert raw.source_kind == "html"
    lines = raw.text.split("\n\n")
    assert lines[0] == "# Taushetsplikt når innsatte får helsehjelp"
    assert "## Når kan opplysninger gis videre?" in lines
    assert "### Utelukkelse fra fellesskap" in lines
    bullets = [ln for ln in lines if ln.startswith("• ")]
    assert len(bullets) == 3  # one <li> left unclosed in the fixture still makes its own item
    assert "• Vurderingen skal dokumenteres i journalen." in bullets
    assert any("nødvendig for å avverge alvorlig skade" in ln for ln in lines)  # <em> stays inline
    assert "§ 21 gjelder fortsatt" in raw.text  # character references decoded


def test_saved_page_has_no_navigation_header_or_footer_text() -> None:
    text = load_file(HTML_FIXTURE).text
    for word in CHROME_WORDS:
        assert word not in text, word


def test_chrome_is_recognised_by_role_class_and_id_without_main() -> None:
    html = """<body>
      <div role="navigation"><a>Tema</a></div>
      <div class="main-menu"><a>Meny</a></div>
      <div id="brodsmuler" class="breadcrumbs"><a>Forsiden</a></div>
      <div class="page-footer">Kontakt</div>
      <div hidden>Skjult</div>
      <div><h2>Innhold</h2><p>Første avsnitt.<p>Andre<br>linje.</div>
    </body>"""
    assert render_html(html) == "## Innhold\n\nFørste avsnitt.\n\nAndre\nlinje.\n"


def test_html_charset_from_meta_is_used(tmp_path: Path) -> None:
    path = tmp_path / "side.htm"
    html = '<html><head><meta charset="windows-1252"></head><body><p>Særlig § 21</p></body></html>'
    path.write_bytes(html.encode("cp1252"))
    assert load_file(path).text == "Særlig § 21\n"


def test_page_with_only_chrome_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "meny.html"
    path.write_text("<nav><ul><li>Forsiden</li></ul></nav><footer>Kontakt</footer>")
    with pytest.raises(LoadError, match=r"meny\.html"):
        load_file(path)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200))
@settings(max_examples=60)
def test_any_printable_utf8_text_round_trips(text: str) -> None:
    assume(not text.startswith("\ufeff"))  # a leading byte-order mark is dropped on purpose
    assert decode_text(Path("x.txt"), text.encode("utf-8")) == text


def test_utf8_with_a_stray_byte_is_read_as_utf8_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "skjev.txt"
    path.write_bytes("Du må være på plass før året er omme.\n".encode() + b"\xff\n")
    warnings: list[str] = []
    text = load_file(path, warnings).text
    assert "må være på plass" in text and "Ã" not in text
    assert warnings and "ugyldig" in warnings[0]


def test_cp1252_is_a_reported_fallback_and_utf16_with_bom_is_text(tmp_path: Path) -> None:
    old = tmp_path / "gammel.txt"
    old.write_bytes("Innsatte får helsehjelp på sykeavdelingen.\n".encode("cp1252"))
    warnings: list[str] = []
    assert "får helsehjelp på" in load_file(old, warnings).text
    assert warnings and "ikke UTF-8" in warnings[0]
    wide = tmp_path / "bred.txt"
    wide.write_bytes("Taushetsplikt gjelder også i fengsel.\n".encode("utf-16"))
    assert "Taushetsplikt gjelder også" in load_file(wide).text


def test_a_huge_text_is_refused_with_its_size(tmp_path: Path) -> None:
    from ingest.loaders import MAX_TEXT_BYTES

    path = tmp_path / "stor.txt"
    with path.open("wb") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)
    with pytest.raises(LoadError, match=r"stor\.txt: for stor .*grensen"):
        load_file(path)
