"""Write evaluation suites as spreadsheets: a JSONL suite as CSV/XLSX, or an example to start from.

The columns are those `evals.sheets` reads; `write_suite` followed by `evals.sheets.read_suite`
gives back the same items. CSV is written with «;» and a byte-order mark, which is how Excel in a
Norwegian locale opens it directly. The template states which columns are required and what every
optional one defaults to: as «#» comment rows above the header in CSV, and on a second sheet
(«Kolonner») in XLSX. It deliberately checks nothing: `evals.sheets` does.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.sheets import COLUMN_HELP, OPTIONAL, REQUIRED

# The order a sheet is written in (reading takes any order): the required two among the usual six.
COLUMNS = ("id", "tema", "rolle", "spørsmål", "gull", "forventet_avvisning", "oppfølging_av",
           "fakta", "språk", "tagger", "aktør", "kortsvar")  # fmt: skip
assert set(COLUMNS) == {*REQUIRED, *OPTIONAL}
HELP_HEADER = ("kolonne", "påkrevd", "betydning og standardverdi")
WIDTHS = {"spørsmål": 60, "gull": 70, "fakta": 40, "oppfølging_av": 30}

# The example `hjemmel eval --template` writes: every column in use, gold from the bundled corpus.
TEMPLATE: tuple[dict[str, str], ...] = (
    {"id": "m-01", "tema": "taushetsplikt", "rolle": "kriminalomsorgen",
     "spørsmål": "Må vi si fra til helsetjenesten når en innsatt virker syk, selv om han ikke vil?",
     "gull": "[rundskriv 6.1] Ansatte i kriminalomsorgen har, uavhengig av innsattes samtykke, "
             "plikt til å varsle helse- og omsorgstjenesten",
     "forventet_avvisning": "nei", "oppfølging_av": "",
     "fakta": "uavhengig av innsattes samtykke", "språk": "no", "tagger": "", "aktør": "kriminalomsorgen", "kortsvar": "ja"},
    {"id": "m-02", "tema": "isolasjon", "rolle": "kriminalomsorgen",
     "spørsmål": "Hvilken paragraf lar oss holde en innsatt borte fra de andre?",
     "gull": "Kriminalomsorgens adgang til å utelukke en innsatt fra fellesskapet følger av "
             "straffegjennomføringsloven § 37.",
     "forventet_avvisning": "nei", "oppfølging_av": "",
     "fakta": "straffegjennomføringsloven § 37 | strgjfl. § 37", "språk": "no", "tagger": "", "aktør": "", "kortsvar": ""},
    {"id": "m-03", "tema": "isolasjon", "rolle": "kriminalomsorgen",
     "spørsmål": "Og hvor raskt må vi si fra til legen?",
     "gull": "[rundskriv 7.1.2] varsle lege i den kommunale helse- og omsorgstjenesten uten "
             "ugrunnet opphold",
     "forventet_avvisning": "nei", "oppfølging_av": "m-02",
     "fakta": "uten ugrunnet opphold", "språk": "no", "tagger": "followup", "aktør": "", "kortsvar": ""},
    {"id": "m-04", "tema": "isolasjon", "rolle": "kommunehelse",
     "spørsmål": "Hvor ofte skal helsepersonell se til en innsatt på sikkerhetscelle?",
     "gull": "rundskriv:7.1.3:3", "forventet_avvisning": "nei", "oppfølging_av": "",
     "fakta": "en gang per døgn", "språk": "no", "tagger": "", "aktør": "", "kortsvar": ""},
    {"id": "m-05", "tema": "annet", "rolle": "alle",
     "spørsmål": "Hvor mange fengselsbetjenter er ansatt i Norge?", "gull": "",
     "forventet_avvisning": "ja", "oppfølging_av": "", "fakta": "", "språk": "no",
     "tagger": "refusal", "aktør": "", "kortsvar": ""},
)  # fmt: skip


def _gold_cell(gold: Sequence[dict[str, Any]]) -> str:
    lines = []
    for g in gold:
        if "passage" in g:
            lines.append(g["passage"])
        elif g.get("doc"):
            where = " ".join(p for p in (g["doc"], g.get("section") or "") if p)
            lines.append(f"[{where}] {g['quote']}")
        else:
            lines.append(g["quote"])
    # A quote holding «;» is kept whole: a cell with a line break is split by lines only.
    text = "\n".join(lines)
    return text + "\n" if ";" in text and "\n" not in text else text


def row_of(item: dict[str, Any]) -> dict[str, str]:
    """A JSONL-shaped item as sheet cells (history written out as the earlier questions)."""
    history = [h["question"] if isinstance(h, dict) else str(h) for h in item.get("history", [])]
    return {
        "id": item["id"],
        "tema": item.get("topic", ""),
        "rolle": item.get("role", ""),
        "spørsmål": item["question"],
        "gull": _gold_cell(item.get("gold", [])),
        "forventet_avvisning": "ja" if item.get("expect_refusal") else "nei",
        "oppfølging_av": "\n".join(history),
        "fakta": "\n".join(" | ".join(alts) for alts in item.get("facts", [])),
        "språk": item.get("lang", "no"),
        "tagger": ", ".join(item.get("tags", [])),
        "aktør": item.get("actor", ""),
        "kortsvar": item.get("short", ""),
    }


def column_help() -> list[tuple[str, str, str]]:
    """(column, «ja»/«nei», what it means and its default) for every column, in sheet order."""
    return [(c, "ja" if c in REQUIRED else "nei", COLUMN_HELP[c]) for c in COLUMNS]


def write_rows(rows: Sequence[dict[str, str]], path: Path, explain: bool = False) -> Path:
    """Write cells as .xlsx (by suffix) or CSV; `explain` adds what each column means and
    defaults to. Returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(rows, path, explain)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            if explain:
                f.write("# Bare «id» og «spørsmål» er påkrevd; de andre kolonnene kan fjernes.\r\n")
                for name, _, text in column_help():
                    f.write(f"# {name}: {text.replace(chr(10), ' ')}\r\n")
            writer = csv.writer(f, delimiter=";")
            writer.writerow(COLUMNS)
            writer.writerows([[r.get(c, "") for c in COLUMNS] for r in rows])
    return path


def _write_help(book: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("Kolonner")
    sheet.append(list(HELP_HEADER))
    for row in column_help():
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (22, 10, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_xlsx(rows: Sequence[dict[str, str]], path: Path, explain: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Spørsmål"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(name, 16)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if explain:
        _write_help(book)
    book.save(path)


def write_suite(items: Sequence[dict[str, Any]], path: Path) -> Path:
    return write_rows([row_of(i) for i in items], path)


def write_template(path: Path) -> Path:
    """The example suite, with every column's meaning and default stated."""
    return write_rows(TEMPLATE, path, explain=True)
