"""Suites as spreadsheets: the round trip from JSONL, the messages for a broken sheet, the template.

Fast: CSV/XLSX files written here with the real writer (openpyxl) and read back; gold phrases
checked against the bundled corpus text; no model and no index.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.sheet_write import write_rows, write_suite, write_template
from evals.sheets import SheetError, read_suite
from evals.suite import load_suite
from evals.suites.check_suite import DEFAULT_CORPUS, check_suite, load_corpus

SUITES = Path(__file__).resolve().parents[2] / "evals" / "suites"


def _jsonl(name: str) -> list[dict[str, object]]:
    lines = (SUITES / f"{name}.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", sorted(p.stem for p in SUITES.glob("*.jsonl")))
def test_jsonl_round_trips_through_a_sheet(tmp_path: Path, suffix: str, name: str) -> None:
    sheet = write_suite(_jsonl(name), tmp_path / f"{name}{suffix}")
    from_sheet = load_suite(sheet)
    from_jsonl = load_suite(SUITES / f"{name}.jsonl")
    assert from_sheet == from_jsonl
    # Multi-turn items and refusals survive too.
    assert any(i.history for i in from_sheet) and any(i.expect_refusal for i in from_sheet)


ROW = {"tema": "isolasjon", "rolle": "kriminalomsorgen", "forventet_avvisning": "nei",
       "oppfølging_av": ""}  # fmt: skip
GOOD_GOLD = (
    "Kriminalomsorgens adgang til å utelukke en innsatt fra fellesskapet følger av "
    "straffegjennomføringsloven § 37."
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_three_problems_give_three_messages_naming_row_and_column(
    tmp_path: Path, suffix: str
) -> None:
    rows = [
        {**ROW, "id": "a-1", "spørsmål": "Hvilken lov gir adgang til utelukkelse?", "gull": GOOD_GOLD},
        {**ROW, "id": "a-2", "spørsmål": "Hvor ofte ser vi til ham?",
         "gull": "[rundskriv 7.1.2] Betjentene skal se til ham hvert kvarter"},
        {**ROW, "id": "a-3", "rolle": "fengselsleder", "spørsmål": "Har vi taushetsplikt?",
         "gull": "De ansatte i kriminalomsorgen er underlagt taushetsplikt"},
        {**ROW, "id": "a-1", "spørsmål": "Hva koster en bussbillett?", "gull": "",
         "forventet_avvisning": "ja"},
    ]  # fmt: skip
    path = write_rows(rows, tmp_path / f"feil{suffix}")
    report = check_suite(path, DEFAULT_CORPUS)
    assert report.errors == [
        "rad 3, kolonne E («gull»): gullformuleringen finnes ikke i rundskriv: "
        "«Betjentene skal se til ham hvert kvarter»",
        "rad 4, kolonne C («rolle»): ukjent rolle «fengselsleder» (gyldige: kriminalomsorgen, "
        "kommunehelse, spesialisthelse, jurist, alle)",
        "rad 5, kolonne A («id»): id-en «a-1» er brukt før (rad 2)",
    ]
    # The runner refuses the sheet with the same three messages.
    texts = {d: s.text for d, s in load_corpus(DEFAULT_CORPUS).items()}
    with pytest.raises(SheetError) as err:
        read_suite(path, texts)
    assert str(err.value).count("\nrad ") == 3


def test_missing_column_and_bad_values_are_named(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,tema,rolle,gull,oppfølging_av\nx,a,alle,y,\n", "utf-8")
    with pytest.raises(SheetError, match="rad 1: mangler kolonnen/kolonnene «spørsmål» "):
        read_suite(path)
    path.write_text(
        "id;tema;rolle;spørsmål;gull;forventet_avvisning;oppfølging_av;aktør\n"
        "x;a;alle;Hei?;;kanskje;;sjefen\n",
        "utf-8",
    )
    with pytest.raises(SheetError) as err:
        read_suite(path)
    text = str(err.value)
    assert "rad 2, kolonne F («forventet_avvisning»): «kanskje» er verken ja eller nei" in text
    assert "rad 2, kolonne H («aktør»): ukjent aktør «sjefen»" in text
    assert "rad 2, kolonne E («gull»): gull mangler" in text


def test_follow_up_by_id_chains_and_excel_csv_is_read(tmp_path: Path) -> None:
    text = (
        "ID;Tema;Rolle;Spørsmål;Gull;Forventet_avvisning;Oppfølging_av\r\n"
        f"a;isolasjon;;Første?;{GOOD_GOLD};nei;\r\n"
        f"b;isolasjon;;Andre?;{GOOD_GOLD};nei;a\r\n"
        f"c;isolasjon;;Tredje?;{GOOD_GOLD};NEI;b\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))  # Excel's «CSV» in a Norwegian locale
    items = read_suite(path)
    assert [i["history"] for i in items] == [
        [],
        [{"question": "Første?"}],
        [{"question": "Første?"}, {"question": "Andre?"}],
    ]
    assert items[0]["role"] == "alle" and items[2]["expect_refusal"] is False


SIX = "id;tema;rolle;spørsmål;gull;forventet_avvisning\n"


def test_only_id_and_question_are_required_and_defaults_apply(tmp_path: Path) -> None:
    # The six columns a policy team wrote, no «oppfølging_av»: read with its defaults.
    six = tmp_path / "seks.csv"
    six.write_text(
        SIX + f"a;isolasjon;kriminalomsorgen;Hvilken lov?;{GOOD_GOLD};nei\n"
        "b;;;Hva koster en bussbillett?;;ja\n",
        "utf-8",
    )
    texts = {d: s.text for d, s in load_corpus(DEFAULT_CORPUS).items()}
    items = read_suite(six, texts)
    assert [i["history"] for i in items] == [[], []]
    assert items[1]["topic"] == "annet" and items[1]["role"] == "alle"
    assert items[1]["expect_refusal"] is True and items[0]["expect_refusal"] is False
    assert check_suite(six, DEFAULT_CORPUS).errors == []
    # Two columns only: every question is answerable, unscored (no gold column), role «alle».
    two = tmp_path / "to.csv"
    two.write_text("spørsmål,id\nHar vi taushetsplikt?,x-1\nHva er isolasjon?,x-2\n", "utf-8")
    loaded = load_suite(two)
    assert [(i.id, i.role, i.topic, i.gold, i.expect_refusal) for i in loaded] == [
        ("x-1", "alle", "annet", (), False),
        ("x-2", "alle", "annet", (), False),
    ]
    # A present gold column still needs gold for an answerable row (an empty cell is a slip).
    with pytest.raises(SheetError, match=r"rad 2, kolonne E .*gull mangler"):
        read_suite(_write(tmp_path / "tom.csv", SIX + "a;;;Hva?;;nei\n"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_is_valid_against_the_corpus(tmp_path: Path, suffix: str) -> None:
    path = write_template(tmp_path / f"mal{suffix}")
    report = check_suite(path, DEFAULT_CORPUS)
    assert report.errors == []
    # The template states what is required and every column's default.
    if suffix == ".csv":
        comments = [ln for ln in path.read_text("utf-8-sig").splitlines() if ln.startswith("#")]
        assert comments[0].startswith("# Bare «id» og «spørsmål» er påkrevd")
        assert any(ln.startswith("# rolle:") and "standard «alle»" in ln for ln in comments)
    else:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        rows = list(book["Kolonner"].iter_rows(values_only=True))
        book.close()
        assert rows[0] == ("kolonne", "påkrevd", "betydning og standardverdi")
        assert {r[0] for r in rows[1:] if r[1] == "ja"} == {"id", "spørsmål"}
        assert len(rows) == 13 and all(r[2] for r in rows[1:])
    items = load_suite(path)
    assert [i.id for i in items] == ["m-01", "m-02", "m-03", "m-04", "m-05"]
    assert items[2].history == (items[1].question,)  # «oppfølging_av» by id
    assert items[3].gold[0].passage == "rundskriv:7.1.3:3" and items[4].expect_refusal
    assert items[0].actor == "kriminalomsorgen"


def test_an_xlsx_that_is_not_a_spreadsheet_is_named_not_a_traceback(tmp_path: Path) -> None:
    from evals.suite import SuiteError

    fake = tmp_path / "spørsmål.xlsx"
    fake.write_text("id;spørsmål\n1;Hva gjelder?\n", encoding="utf-8")  # a CSV renamed
    with pytest.raises(SheetError, match="ikke et Excel-regneark"):
        read_suite(fake)
    broken = tmp_path / "ødelagt.xlsx"
    import zipfile

    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("tull.txt", "ikke et regneark")
    with pytest.raises(SuiteError, match="kan ikke leses"):
        load_suite(broken)
