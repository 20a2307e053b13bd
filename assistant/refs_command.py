"""`hjemmel refs [--law …] [--provision "§ 21"] [--doc ID] [--json]`: the provisions the sources cite.

With --json: one JSON object per line, one line per provision at the level of the §, the finer
points (ledd, nr., bokstav) in `details`. Otherwise a listing grouped by law, each provision with a
lovdata.no link (for the user; never fetched) and the passages citing it, each with its document's
status. The index itself is built in assistant.refs.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from itertools import groupby

from assistant.cite import section_label
from assistant.refs import ProvisionEntry, RefQueryError, detail_label, provision_index
from assistant.settings import Settings
from assistant.verify import CorpusView
from assistant.verify_command import open_index
from ingest.index import IndexMissingError
from ingest.records import STATUS_LABELS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--law", help="bare denne loven, f.eks. «helsepersonelloven» eller «hpl.»")
    parser.add_argument(
        "--provision", help="bare denne bestemmelsen, f.eks. «§ 21» eller «hpl. § 21»"
    )
    parser.add_argument("--doc", help="bare dette dokumentet (dokument-id, f.eks. «rundskriv»)")
    parser.add_argument("--json", action="store_true", help="én JSON-linje per bestemmelse")


def _passage_line(passage_id: str, entry: ProvisionEntry, index: CorpusView) -> str:
    passage = index.by_id[passage_id]
    doc = index.documents[passage.doc_id]
    where = section_label(passage.section, passage.heading)
    title = textwrap.shorten(doc.title, 60, placeholder=" …")
    finer = sorted({detail_label(d) for d in entry.details if d["passage"] == passage_id} - {""})
    extra = f" [{'; '.join(finer)}]" if finer else ""
    status = STATUS_LABELS.get(doc.status, doc.status)
    return f"    {passage_id}{extra} – {title} ({status}), {where}".rstrip(", ")


def format_listing(entries: list[ProvisionEntry], index: CorpusView) -> str:
    """The readable listing: law, then each § with its link and citing passages."""
    lines: list[str] = []
    for law, group in groupby(entries, key=lambda e: e.law):
        lines.append(law)
        for entry in group:
            link = f"  {entry.url}" if entry.url else "  (ingen lenke til lovdata.no)"
            lines.append(f"  {entry.provision} – {len(entry.passages)} avsnitt{link}")
            lines += [_passage_line(pid, entry, index) for pid in entry.passages]
        lines.append("")
    return "\n".join(lines).rstrip()


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        index = open_index(settings)
        entries = provision_index(index, law=args.law, provision=args.provision, doc_id=args.doc)
    except (IndexMissingError, RefQueryError) as exc:
        print(f"hjemmel refs: {exc}", file=sys.stderr)
        return 2
    if args.json:
        for entry in entries:
            print(json.dumps(entry.to_json(), ensure_ascii=False))
    elif entries:
        print(format_listing(entries, index))
    else:
        print("Fant ingen henvisninger til denne bestemmelsen i kildene.")
    return 0
