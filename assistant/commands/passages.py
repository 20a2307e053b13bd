"""`hjemmel passages [--doc ID] [--section 7.1.3] [--json]`: list the passages in the index.

Reads the live index only (BM25 and vectors are not touched); with --json it prints one
`Passage.public_json()` object per line for scripts (with its sentence frames), otherwise a readable listing. It never builds
or changes the index.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from analysis.frames import frame_json
from assistant.settings import Settings
from ingest.index import Index, IndexMissingError
from ingest.records import Passage

KIND_LABELS = {
    "paragraph": "avsnitt",
    "list_item": "listepunkt",
    "footnote": "fotnote",
    "heading": "overskrift",
    "comment": "kommentar",
    "table_row": "tabellrad",
}


def _short(text: str, limit: int = 88) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--doc", metavar="ID", help="bare avsnitt fra dette dokumentet")
    parser.add_argument(
        "--section", metavar="NR", help="bare avsnitt i dette punktet og underpunktene (7.1.3)"
    )
    parser.add_argument("--json", action="store_true", help="ett JSON-objekt per linje")


def select(passages: tuple[Passage, ...], doc: str | None, section: str | None) -> list[Passage]:
    """Passages of `doc` in `section` or its subsections (7.1 matches 7.1.3, not 7.10)."""
    return [
        p
        for p in passages
        if (doc is None or p.doc_id == doc)
        and (section is None or p.section == section or p.section.startswith(section + "."))
    ]


def _readable(p: Passage) -> str:
    where = [p.doc_id]
    if p.section:
        where.append(f"punkt {p.section}")
    if p.page is not None:
        where.append(f"side {p.page}")
    head = f"[{p.id}] {' · '.join(where)} · {KIND_LABELS.get(p.kind, p.kind)}"
    if p.heading:
        head += f"\n    {p.heading}"
    if p.context:
        head += f"\n    ({_short(p.context)})"
    body = textwrap.fill(p.text, width=96, initial_indent="    ", subsequent_indent="    ")
    return f"{head}\n{body}\n"


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        index = Index.open(settings.index_dir)
    except IndexMissingError as exc:
        print(f"hjemmel passages: {exc}", file=sys.stderr)
        return 1
    if args.doc and args.doc not in index.documents:
        known = ", ".join(index.documents)
        print(f"hjemmel passages: ukjent dokument «{args.doc}». Kjente: {known}", file=sys.stderr)
        return 1
    chosen = select(index.passages, args.doc, args.section)
    if not chosen:
        print("Fant ingen avsnitt som passer.", file=sys.stderr)
        return 1
    for p in chosen:
        if args.json:
            data = p.public_json()
            data["frames"] = [frame_json(f, p.text, p.context) for f in p.frames]
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(_readable(p))
    return 0
