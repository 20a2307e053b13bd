"""`hjemmel verify "…" [--claimed "rundskrivet punkt 7.1.3"] [--json]`: check a quote in the terminal.

Prints a readable Norwegian verdict (status, document with its status and date, the formal
reference, passage ids, whether the claimed source is right, material differences with what
changed, the word diff, the closest passage when nothing matches) or the JSON object of
`VerifyResult.to_json`. Exit code 0 only for a verbatim quote where claimed ("exact"); 1 for
"exact_elsewhere", "near" and "not_found"; 2 when the quote is empty or there is no index.
The checking itself lives in assistant.legal.verify.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.legal.cite import NOT_BINDING, norwegian_date, section_label
from assistant.legal.verify import VerifyResult, verify_quote
from assistant.settings import Settings
from ingest.index import Index, IndexMissingError
from ingest.records import STATUS_LABELS

VERDICTS = {
    "exact": "Ordrett treff",
    "exact_elsewhere": "Ordrett, men ikke på oppgitt sted",
    "near": "Nesten likt – ikke ordrett",
    "not_found": "Ikke funnet i kildene",
}
_PROBLEMS = {
    "dokument": "feil dokument",
    "ukjent dokument": "oppgitt dokument er ikke blant kildene",
    "punkt": "feil punkt",
    "side": "feil side",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("quote", help="sitatet som skal sjekkes («-» leser fra standard inn)")
    parser.add_argument(
        "--claimed",
        help="oppgitt kilde, f.eks. «rundskrivet punkt 7.1.3» eller «NKROPs høringsinnspill side 27»",
    )
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")


def open_index(settings: Settings) -> Index:
    return Index.open(
        settings.index_dir, chroma_host=settings.chroma_host, chroma_port=settings.chroma_port
    )


def _diff_lines(result: VerifyResult) -> list[str]:
    lines = []
    for op in result.diff:
        src, quo = op["source"], op["quote"]
        if op["op"] == "replace":
            lines.append(f"  ~ kilden «{src}» → sitatet «{quo}»")
        elif op["op"] == "insert":
            lines.append(f"  + «{quo}» (bare i sitatet)")
        elif op["op"] == "delete":
            lines.append(f"  - «{src}» (mangler i sitatet)")
    return lines


def _claim_line(result: VerifyResult) -> str | None:
    if result.claimed is None or result.status == "not_found":
        return None
    head = f"Oppgitt kilde «{result.claimed}»:"
    where = result.short_reference or "et sted uten kjent punkt"
    if result.claimed_section_ok is None:
        return f"{head} fant ikke dokument, punkt eller side å sjekke."
    if result.claimed_section_ok:
        if result.status == "near":
            return f"{head} teksten som ligner mest står der, men sitatet er ikke ordrett."
        return f"{head} stemmer."
    problem = _PROBLEMS.get(result.claim_problem, "feil sted")
    found = "står ordrett i" if result.status == "exact_elsewhere" else "som ligner mest, står i"
    text = "sitatet" if result.status == "exact_elsewhere" else "teksten"
    return f"{head} stemmer ikke ({problem}) – {text} {found} {where}."


def _not_found_lines(result: VerifyResult) -> list[str]:
    closest = result.closest
    if not closest:
        return ["Ingen tekst i kildene ligner."]
    similarity = f"{closest['similarity']:.2f}".replace(".", ",")
    status = STATUS_LABELS.get(closest["doc_status"], closest["doc_status"])
    lines = [
        f"Nærmeste tekst (likhet {similarity}, for lite til å være kilden):",
        f"  {closest['reference']} ({status.lower()})",
        f"  «{closest['text']}»",
    ]
    if closest["material"]:
        lines.append("Vesentlige avvik mot nærmeste tekst:")
        lines += [f"  ! {m}" for m in closest["material"]]
    return lines


def format_result(result: VerifyResult) -> str:
    """The readable verdict printed by `hjemmel verify`."""
    head = VERDICTS[result.status]
    if result.status in ("near", "not_found"):
        head += f" (likhet {result.similarity:.2f})".replace(".", ",")
    lines = [f"Resultat: {head}"]
    if result.status == "not_found":
        return "\n".join([*lines, *_not_found_lines(result)])
    status = STATUS_LABELS.get(result.doc_status, result.doc_status)
    date = norwegian_date(result.doc_date)
    lines.append(f"Dokument: {result.doc_title} ({status}{', ' + date if date else ''})")
    if result.doc_status in NOT_BINDING:
        lines.append(f"Merk: {NOT_BINDING[result.doc_status]}")
    if result.reference:
        lines.append(f"Henvisning: {result.reference}")
    where = section_label(result.section or "", result.heading)
    if where:
        lines.append(f"Sted: {where}")
    lines.append(f"Avsnitt: {', '.join(result.passages) or '–'}")
    claim = _claim_line(result)
    if claim:
        lines.append(claim)
    if result.material:
        lines.append("Vesentlige avvik (endrer innholdet rettslig):")
        lines += [f"  ! {m}" for m in result.material]
    if result.diff:
        lines.append("Forskjeller:")
        lines += _diff_lines(result)
    if result.also_found:
        lines.append(f"Står også i: {', '.join(result.also_found)}")
    lines += ["Kildetekst:", f"  {' '.join(result.matched_text.split())}"]
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    quote = sys.stdin.read() if args.quote == "-" else args.quote
    try:
        index = open_index(settings)
        result = verify_quote(index, quote, args.claimed)
    except (IndexMissingError, ValueError) as exc:
        print(f"hjemmel verify: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result))
    return 0 if result.status == "exact" else 1
