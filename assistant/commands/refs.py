"""`hjemmel refs [--law …] [--provision "§ 21"] [--doc ID] [--format tekst|json|csv]`: the
provisions the sources cite.

`tekst` (default): a listing grouped by law, each provision with a lovdata.no link (for the user;
never fetched) and one line per place citing it — document short title, status, punkt or avsnitt,
the finer points (ledd, nr., bokstav). `json`: one JSON object per line, one line per provision at
the level of the §, with its places and passage ids. `csv`: one row per provision and place, for a
spreadsheet (semicolon-separated with a byte-order mark, as Excel in Norwegian expects). The index
itself is built in assistant.legal.refs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from itertools import groupby

from assistant.commands.verify import open_index
from assistant.legal.refs import ProvisionEntry, RefQueryError, provision_index
from assistant.legal.verify import CorpusView
from assistant.settings import Settings
from ingest.index import IndexMissingError
from ingest.records import STATUS_LABELS

CSV_COLUMNS = ("lov", "bestemmelse", "dokument", "dokument_id", "status", "sted", "presisering",
               "avsnitt", "lenke")  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--law", help="bare denne loven, f.eks. «helsepersonelloven», «hpl.» eller «stgjl.»"
    )
    parser.add_argument(
        "--provision", help="bare denne bestemmelsen, f.eks. «§ 21», «hpl. § 21» eller «kap. 7»"
    )
    parser.add_argument("--doc", help="bare dette dokumentet (dokument-id, f.eks. «rundskriv»)")
    parser.add_argument(
        "--format",
        choices=("tekst", "json", "csv"),
        default="tekst",
        help="tekst (standard), json (én linje per bestemmelse) eller csv (regneark)",
    )
    parser.add_argument("--json", action="store_true", help="det samme som --format json")


def _status(status: str) -> str:
    return STATUS_LABELS.get(status, status).lower()


def format_listing(entries: list[ProvisionEntry], index: CorpusView | None = None) -> str:
    """The readable listing: law, then each § with its link and one line per citing place."""
    lines: list[str] = []
    for law, group in groupby(entries, key=lambda e: e.law):
        lines.append(law)
        for entry in group:
            link = f"  {entry.url}" if entry.url else "  (ingen lenke til lovdata.no)"
            count = len(entry.places)
            lines.append(
                f"  {entry.provision} – {count} {'sted' if count == 1 else 'steder'}{link}"
            )
            lines += [f"    {p.label} – {_status(p.status)}" for p in entry.places]
        lines.append("")
    return "\n".join(lines).rstrip()


def format_csv(entries: list[ProvisionEntry]) -> str:
    """One row per provision and place; semicolons and a BOM so Excel opens it as a table."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        for p in entry.places:
            writer.writerow((entry.law, entry.provision, p.document, p.doc_id, _status(p.status),
                             p.where, "; ".join(p.details), " ".join(p.passages),
                             entry.url or ""))  # fmt: skip
    return "\ufeff" + out.getvalue()


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        index = open_index(settings)
        entries = provision_index(index, law=args.law, provision=args.provision, doc_id=args.doc)
    except (IndexMissingError, RefQueryError) as exc:
        print(f"hjemmel refs: {exc}", file=sys.stderr)
        return 2
    fmt = "json" if args.json else args.format
    if fmt == "json":
        for entry in entries:
            print(json.dumps(entry.to_json(), ensure_ascii=False))
    elif fmt == "csv":
        sys.stdout.write(format_csv(entries))
    elif entries:
        print(format_listing(entries, index))
    else:
        print("Fant ingen henvisninger til denne bestemmelsen i kildene.")
    return 0
