"""Evaluation suites as spreadsheets (CSV or XLSX), the way policy teams keep question lists.

One row per question; the first row names the columns (any order, case ignored). Only `id`
(unique) and `spørsmål` are required; every other column may be left out, and then takes the
default `DEFAULTS` gives (the template states them, `COLUMN_HELP`): `tema` (free text, «annet»),
`rolle` (one of assistant's roles, «alle»), `gull`, `forventet_avvisning` (ja/nei, «nei»),
`oppfølging_av` (none), `fakta`, `språk` (no/en, «no»), `tagger` (comma-separated), `aktør`,
`kortsvar` (ja/nei). Without a `gull` column the questions are run and their answers reported,
but not scored on retrieval (a present `gull` column must hold gold for every answerable row).
A row whose first cell starts with «#» is a comment (the CSV template explains its columns so).

A cell with several values separates them by line breaks or «;». `gull` entries are an exact phrase
from a source («[rundskriv 6.1] phrase» names document and section, «[rundskriv] phrase» only the
document) or a passage id («rundskriv:7.1.3:3»). `fakta` lists facts, each with alternative
phrasings separated by «|». `oppfølging_av` is the id of an earlier row (its conversation and
question are asked first) or the earlier questions themselves.

`read_suite` turns a sheet into items of the JSONL shape (`evals/suites/README.md`) and raises
`SheetError` listing every problem by row and column, e.g. «rad 4, kolonne E («gull»): …».
`write_suite` writes items back (the round trip keeps them equal) and `write_template` an example.
It deliberately runs nothing and knows nothing about the index beyond the texts it is given.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.records import ACTOR_LABELS, ROLES
from evals.metrics import normalize

REQUIRED = ("id", "spørsmål")
OPTIONAL = ("tema", "rolle", "gull", "forventet_avvisning", "oppfølging_av", "fakta", "språk",
            "tagger", "aktør", "kortsvar")  # fmt: skip
# What a missing column (or an empty cell) means; `COLUMN_HELP` says it to the sheet's author.
DEFAULTS: dict[str, str] = {"tema": "annet", "rolle": "alle", "forventet_avvisning": "nei",
                            "språk": "no"}  # fmt: skip
COLUMN_HELP: dict[str, str] = {
    "id": "påkrevd: en kort, unik id per spørsmål",
    "spørsmål": "påkrevd: spørsmålet slik en bruker ville stilt det",
    "tema": "valgfri: fritt tema for gruppering i rapporten (standard «annet»)",
    "rolle": "valgfri: kriminalomsorgen, kommunehelse, spesialisthelse, jurist eller alle "
    "(standard «alle»)",
    "gull": "valgfri: eksakt formulering fra kilden («[rundskriv 6.1] …» gir dokument og punkt) "
    "eller en avsnitts-id, flere skilt med linjeskift eller «;». Uten kolonnen kjøres spørsmålene "
    "og svarene vises, men treff måles ikke; med kolonnen må hvert spørsmål som skal besvares ha gull",
    "forventet_avvisning": "valgfri: ja når kildene ikke svarer og spørsmålet skal avvises "
    "(standard «nei»)",
    "oppfølging_av": "valgfri: id-en til et tidligere spørsmål (samtalen stilles først), eller de "
    "tidligere spørsmålene selv (standard: ingen, et frittstående spørsmål)",
    "fakta": "valgfri: fakta svaret skal inneholde, alternative formuleringer skilt med «|» "
    "(standard: ingen)",
    "språk": "valgfri: no eller en (standard «no»)",
    "tagger": "valgfri: merker skilt med komma, f.eks. paraphrase, followup (standard: ingen)",
    "aktør": "valgfri: hvem gullsetningen binder, for å måle aktørmerket (standard: ikke målt)",
    "kortsvar": "valgfri: ja eller nei når kildene avgjør et ja/nei-spørsmål (standard: ikke målt)",
}
ACTORS = tuple(ACTOR_LABELS)  # the assistant's actors (and ROLES its roles), not copies
YES = ("ja", "j", "x", "yes", "true", "sann", "1")
NO = ("nei", "n", "", "no", "false", "usann", "0")
_SPLIT = re.compile(r"\s*(?:\r?\n|;)\s*")
_LOCATED = re.compile(r"^\[([\w-]+)(?:\s+([^\]]*?))?\]\s*(.+)$", re.S)
PASSAGE_ID = re.compile(r"^[\w-]+:[^\s:]*:\d+$")


class SheetError(ValueError):
    """The sheet cannot be used; the message lists every problem by row and column."""


@dataclass(frozen=True)
class Sheet:
    path: Path
    columns: dict[str, int]  # column name -> 0-based position (only the columns the sheet has)
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by every column)

    def where(self, row: int, column: str) -> str:
        pos = self.columns.get(column)
        letter = "" if pos is None else _letter(pos) + " "
        return f"rad {row}, kolonne {letter}(«{column}»)"


def _letter(pos: int) -> str:
    out = ""
    pos += 1
    while pos:
        pos, rest = divmod(pos - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() == ".xlsx":
        import zipfile

        from openpyxl import load_workbook

        if not zipfile.is_zipfile(path):  # an .xlsx is a zip archive; openpyxl's error is not
            raise SheetError(
                f"{path.name}: filen heter .xlsx, men er ikke et Excel-regneark. Lagre arket som "
                "XLSX (eller CSV) og last det opp på nytt."
            )
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged archive: openpyxl raises zipfile's and its own errors
            raise SheetError(
                f"{path.name}: regnearket kan ikke leses ({type(exc).__name__}). Lagre det på nytt "
                "som XLSX eller CSV."
            ) from exc
        try:
            return [
                [_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # «CSV» saved by Excel in a Norwegian locale
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    first = lines[0] if lines else ""
    delimiter = max(";,\t", key=first.count)
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_sheet(path: Path) -> Sheet:
    """The header and the non-empty rows; a missing required column is an error."""
    try:
        raw = _raw_rows(path)
    except SheetError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise SheetError(f"{path}: kan ikke lese regnearket ({exc})") from exc
    numbered = [(n, row) for n, row in enumerate(raw, start=1) if not _comment(row)]
    head_row, header_cells = numbered[0] if numbered else (1, [])
    header = [h.strip().casefold() for h in header_cells]
    columns = {name: i for i, name in enumerate(header) if name}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        names = ", ".join(f"«{c}»" for c in missing)
        raise SheetError(
            f"{path}: rad {head_row}: mangler kolonnen/kolonnene {names} (påkrevd: "
            f"{', '.join(REQUIRED)}; resten er valgfritt)"
        )
    rows = []
    for number, values in numbered[1:]:
        cells = {name: (values[i] if i < len(values) else "") for name, i in columns.items()}
        if any(cells.values()):
            rows.append((number, {c: cells.get(c, "") for c in (*REQUIRED, *OPTIONAL)}))
    return Sheet(path, columns, rows)


def _comment(row: Sequence[str]) -> bool:
    """A row whose first cell starts with «#» (or an empty row before the header)."""
    return not any(row) or (bool(row) and row[0].lstrip().startswith("#"))


def split_cell(value: str) -> list[str]:
    """The values of a cell: one per line when it has several lines (a quote may hold «;»),
    else separated by «;»."""
    text = value.strip()
    if "\n" in value:
        return [v.strip() for v in text.splitlines() if v.strip()]
    return [v for v in _SPLIT.split(text) if v]


def parse_gold(entry: str) -> dict[str, str]:
    """One `gull` entry as a JSONL gold dict: {doc, section, quote} or {passage}."""
    if PASSAGE_ID.match(entry):
        return {"passage": entry}
    located = _LOCATED.match(entry)
    if located:
        doc, section, quote = located.groups()
        return {"doc": doc, "section": (section or "").strip(), "quote": quote.strip()}
    return {"quote": entry}


def _history(sheet: Sheet, by_id: dict[str, dict[str, str]], cells: dict[str, str]) -> list[str]:
    """The earlier questions: an earlier row's conversation and question, or literal questions."""
    seen: set[str] = {cells["id"]}
    ref = cells["oppfølging_av"].strip()
    if ref not in by_id:
        return split_cell(ref)
    chain: list[str] = []
    while ref in by_id and ref not in seen:
        seen.add(ref)
        chain.insert(0, by_id[ref]["spørsmål"])
        ref = by_id[ref]["oppfølging_av"].strip()
    if ref and ref not in by_id:
        chain[:0] = split_cell(ref)
    return chain


def _item(
    sheet: Sheet,
    row: int,
    cells: dict[str, str],
    by_id: dict[str, dict[str, str]],
    problems: list[str],
) -> dict[str, Any]:
    def bad(column: str, message: str) -> None:
        problems.append(f"{sheet.where(row, column)}: {message}")

    role = cells["rolle"].casefold() or DEFAULTS["rolle"]
    if role not in ROLES:
        bad("rolle", f"ukjent rolle «{cells['rolle']}» (gyldige: {', '.join(ROLES)})")
    refusal = cells["forventet_avvisning"].casefold() or DEFAULTS["forventet_avvisning"]
    if refusal not in YES + NO:
        bad("forventet_avvisning", f"«{cells['forventet_avvisning']}» er verken ja eller nei")
    if not cells["spørsmål"]:
        bad("spørsmål", "spørsmålet mangler")
    gold = [parse_gold(g) for g in split_cell(cells["gull"])]
    if refusal in YES and gold:
        bad("gull", "et spørsmål som skal avvises har ikke gull")
    if refusal not in YES and not gold and "gull" in sheet.columns:
        bad(
            "gull",
            "gull mangler (en eksakt formulering fra kilden eller en avsnitts-id; uten kolonnen "
            "«gull» kjøres spørsmålene uten treffmåling)",
        )
    lang = cells.get("språk", "").casefold() or DEFAULTS["språk"]
    if lang not in ("no", "en"):
        bad("språk", f"«{cells['språk']}» er verken no eller en")
    actor = cells.get("aktør", "").casefold()
    if actor and actor not in ACTORS:
        bad("aktør", f"ukjent aktør «{cells['aktør']}» (gyldige: {', '.join(ACTORS)})")
    short = cells.get("kortsvar", "").casefold()
    if short and short not in ("ja", "nei"):
        bad("kortsvar", f"«{cells['kortsvar']}» er verken ja eller nei")
    ref = cells["oppfølging_av"].strip()
    if ref == cells["id"]:
        bad("oppfølging_av", "et spørsmål kan ikke være oppfølging av seg selv")
    item: dict[str, Any] = {
        "id": cells["id"],
        "topic": cells["tema"] or DEFAULTS["tema"],
        "role": role,
        "lang": lang,
        "tags": [t.strip() for t in cells.get("tagger", "").split(",") if t.strip()],
        "question": cells["spørsmål"],
        "history": [{"question": q} for q in _history(sheet, by_id, cells)],
        "gold": gold,
        "facts": [
            [a.strip() for a in f.split("|") if a.strip()]
            for f in split_cell(cells.get("fakta", ""))
        ],
        "expect_refusal": refusal in YES,
    }
    if actor:
        item["actor"] = actor
    if short:
        item["short"] = short
    return item


def check_gold(
    sheet: Sheet,
    items: Sequence[tuple[int, dict[str, Any]]],
    texts: Mapping[str, str],
    passage_ids: frozenset[str] | None,
) -> list[str]:
    """Every gold phrase occurs in its document (or any), every passage id is known."""
    norm = {doc: normalize(text) for doc, text in texts.items()}
    problems: list[str] = []
    for row, item in items:
        for g in item["gold"]:
            where = sheet.where(row, "gull")
            if "passage" in g:
                if passage_ids is not None and g["passage"] not in passage_ids:
                    problems.append(f"{where}: ukjent avsnitts-id «{g['passage']}»")
                continue
            doc = g.get("doc")
            if doc is not None and doc not in norm:
                problems.append(
                    f"{where}: ukjent dokument «{doc}» (kjente: {', '.join(sorted(norm))})"
                )
                continue
            docs = [doc] if doc else sorted(norm)
            if not any(normalize(g["quote"]) in norm[d] for d in docs):
                found_in = "i " + doc if doc else "i noe dokument"
                problems.append(
                    f"{where}: gullformuleringen finnes ikke {found_in}: «{g['quote']}»"
                )
    return problems


def parse_sheet(
    sheet: Sheet, texts: Mapping[str, str] | None = None, passage_ids: frozenset[str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Items and problems (empty when the sheet is usable); gold is checked when texts are given."""
    problems: list[str] = []
    by_id: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    parsed: list[tuple[int, dict[str, Any]]] = []
    for row, cells in sheet.rows:
        if not cells["id"]:
            problems.append(f"{sheet.where(row, 'id')}: id mangler")
        elif cells["id"] in first_row:
            problems.append(
                f"{sheet.where(row, 'id')}: id-en «{cells['id']}» er brukt før (rad {first_row[cells['id']]})"
            )
        else:
            first_row[cells["id"]] = row
            by_id[cells["id"]] = cells
    for row, cells in sheet.rows:
        parsed.append((row, _item(sheet, row, cells, by_id, problems)))
    if texts is not None:
        problems += check_gold(sheet, parsed, texts, passage_ids)
    problems.sort(key=lambda m: int(m.split(",")[0].removeprefix("rad ")))
    return [item for _, item in parsed], problems


def read_suite(
    path: Path, texts: Mapping[str, str] | None = None, passage_ids: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """Items from a sheet, or SheetError naming every problem by row and column."""
    sheet = read_sheet(path)
    items, problems = parse_sheet(sheet, texts, passage_ids)
    if problems:
        raise SheetError(f"{path}: {len(problems)} feil:\n" + "\n".join(problems))
    return items
