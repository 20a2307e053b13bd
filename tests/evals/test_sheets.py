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
    path.write_text("id,tema,rolle,spørsmål,gull,oppfølging_av\nx,a,alle,Hei?,y,\n", "utf-8")
    with pytest.raises(SheetError, match="rad 1: mangler kolonnen/kolonnene «forventet_avvisning»"):
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


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_is_valid_against_the_corpus(tmp_path: Path, suffix: str) -> None:
    path = write_template(tmp_path / f"mal{suffix}")
    report = check_suite(path, DEFAULT_CORPUS)
    assert report.errors == []
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
