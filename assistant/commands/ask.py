"""`hjemmel ask`: one question, or a batch file of questions, answered from the index.

Parses arguments and formats output only; answers come from `Assistant.ask`. In batch mode every
input line gets exactly one output line, in order; a broken line (not JSON, invalid UTF-8, a field of
the wrong type, an answer that fails) is reported on stderr by line number and answered with an
error object, so the others are not lost.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from assistant.legal.cite import section_label
from assistant.records import ROLES, Answer, Citation, Turn, UnknownRoleError
from assistant.settings import Settings
from ingest.records import STATUS_LABELS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help="spørsmålet (utelatt med --batch)")
    parser.add_argument("--role", default="alle", choices=ROLES, help="din rolle (standard: alle)")
    parser.add_argument("--json", action="store_true", help="skriv svaret som JSON")
    parser.add_argument("--batch", type=Path, help="JSONL-fil med spørsmål, ett per linje")
    parser.add_argument("--pipeline", default="hybrid", choices=("hybrid", "bm25", "dense"))
    parser.add_argument("--export", type=Path, help="lagre svaret som .md eller .docx")
    parser.add_argument(
        "--explain", action="store_true",
        help="vis hvordan spørsmålet ble lest og hva som avgjorde rangeringen",
    )  # fmt: skip
    parser.add_argument(
        "--only",
        action="append",
        metavar="DOK",
        help="søk bare i disse dokumentene (id, kan gjentas eller skilles med komma)",
    )


STALE_WARNING = (
    "hjemmel: advarsel: indeksen er eldre enn dokumentene i korpuset (eller bygd med andre "
    "innstillinger); svarene bygger på forrige innlesing. Kjør `hjemmel ingest`."
)


def warn_if_stale(settings: Settings, err: TextIO) -> bool:
    """Print a warning when the corpus changed after the index was built; True if it did."""
    stale = settings.corpus.is_dir() and settings.index_stale()
    if stale:
        print(STALE_WARNING, file=err)
    return stale


def only_documents(values: list[str] | None, known: Any) -> set[str] | None:
    """The document ids given with --only; raises ValueError naming an unknown one."""
    if not values:
        return None
    ids = {v.strip() for raw in values for v in raw.split(",") if v.strip()}
    unknown = sorted(ids - set(known))
    if unknown:
        raise ValueError(
            f"ukjent dokument {', '.join(unknown)} (kjente: {', '.join(sorted(known))})"
        )
    return ids


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.api import Assistant, IndexMissingError

    if not args.batch and not args.question:
        print("hjemmel ask: skriv et spørsmål, eller bruk --batch FIL.jsonl", file=sys.stderr)
        return 2
    try:
        assistant = Assistant.load(settings)
    except IndexMissingError as exc:
        print(f"hjemmel ask: {exc}", file=sys.stderr)
        return 1
    warn_if_stale(settings, sys.stderr)
    try:
        documents = only_documents(getattr(args, "only", None), assistant.index.documents)
    except ValueError as exc:
        print(f"hjemmel ask: --only: {exc}", file=sys.stderr)
        return 2
    if args.batch:
        return run_batch(
            assistant, args.batch, sys.stdout, sys.stderr, args.pipeline, documents=documents
        )
    answer, trace = assistant.ask_traced(
        args.question, role=args.role, pipeline=args.pipeline, documents=documents
    )
    explained = None
    if getattr(args, "explain", False) and trace is not None:
        from assistant.answer.explain import explain

        explained = explain(trace.question, trace.ranked, assistant.ranker)
    if args.json:
        data = answer.to_json()
        if explained is not None:
            data["explain"] = explained
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(format_answer(answer))
        if explained is not None:
            from assistant.answer.explain import format_explanation

            print("\n" + format_explanation(explained))
    if args.export:
        return _export(answer, assistant, args.export)
    return 0


def format_answer(answer: Answer) -> str:
    """Plain-terminal rendering: the answer, its numbered sources, then «Mer i kildene»."""
    lines = [answer.text]
    if answer.citations:
        lines.append("\nKilder:")
        lines += [_source_line(c) for c in answer.citations]
    if answer.further:
        lines.append("\nMer i kildene (ikke en del av svaret):")
        for c in answer.further:
            lines.append(f"{_source_line(c)}\n    «{' '.join(c.quote.split())}»")
    for note in answer.notes:
        if note not in answer.text:
            lines.append(f"Merk: {note}")
    return "\n".join(lines)


def _source_line(c: Citation) -> str:
    doc = c.document
    where = section_label(c.passage.section, c.passage.heading)
    page = f", side {c.passage.page}" if c.passage.page else ""
    status = STATUS_LABELS.get(doc.status, doc.status)
    dated = f"{status}, {doc.date}" if doc.date else status
    title = getattr(doc, "short_title", "") or doc.title
    return f"[{c.n}] {title} ({dated}) {where}{page} – {c.passage.id}"


def _export(answer: Answer, assistant: Any, path: Path) -> int:
    from assistant import export

    if path.suffix == ".docx":
        export.answer_to_docx(answer, assistant.index, path)
    else:
        path.write_text(export.answer_to_markdown(answer, assistant.index), encoding="utf-8")
    print(f"Lagret {path}", file=sys.stderr)
    return 0


def _parse_line(line: str) -> tuple[str, str, str, list[Turn]]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"ugyldig JSON ({exc.msg}, kolonne {exc.colno})") from exc
    if not isinstance(item, dict):
        raise ValueError("linjen er ikke et JSON-objekt")
    question = item.get("question")
    if not isinstance(question, str):
        raise ValueError("mangler feltet «question» (tekst)")
    role = item.get("role") or "alle"
    if not isinstance(role, str):
        raise ValueError("feltet «role» må være tekst")
    if role not in ROLES:
        raise UnknownRoleError(role)
    raw_history = item.get("history") or []
    if not isinstance(raw_history, list):
        raise ValueError("«history» må være en liste av {question, answer}")
    history = []
    for turn in raw_history:
        if not isinstance(turn, dict) or not isinstance(turn.get("question"), str):
            raise ValueError("«history» må være en liste av {question, answer}")
        answer = turn.get("answer") or ""
        if not isinstance(answer, str):
            raise ValueError("«answer» i «history» må være tekst")
        history.append(Turn(turn["question"], answer, bool(turn.get("refused", False))))
    item_id = item.get("id", "")
    return str(item_id) if item_id is not None else "", question, role, history


def _lines(path: Path) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    """Each non-blank line, decoded on its own: one bad byte spoils only its own line."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield number, exc
                continue
            if line.strip():
                yield number, line


def run_batch(
    assistant: Any,
    path: Path,
    out: TextIO,
    err: TextIO,
    pipeline: str,
    documents: set[str] | None = None,
) -> int:
    """Answer each line of a JSONL file; `documents` (--only) restricts every answer's sources."""
    if not path.is_file():
        print(f"hjemmel ask: fant ikke batchfilen {path}", file=err)
        return 2
    failures = 0
    for number, line in _lines(path):
        try:
            if isinstance(line, UnicodeDecodeError):
                raise ValueError(f"ugyldig UTF-8 (byte {line.start + 1} på linjen)")
            item_id, question, role, history = _parse_line(line)
            answer = assistant.ask(
                question, role=role, history=history, pipeline=pipeline, documents=documents
            )
        except (ValueError, UnknownRoleError) as exc:
            failures += 1
            _report(out, err, path, number, str(exc))
            continue
        except Exception as exc:  # one failing answer must not lose the lines after it
            failures += 1
            _report(out, err, path, number, f"uventet feil ({type(exc).__name__}: {exc})")
            continue
        out.write(json.dumps(answer.to_json(item_id), ensure_ascii=False) + "\n")
        out.flush()
    return 1 if failures else 0


def _report(out: TextIO, err: TextIO, path: Path, number: int, message: str) -> None:
    print(f"{path}:{number}: {message}", file=err)
    out.write(json.dumps({"line": number, "error": message}, ensure_ascii=False) + "\n")
    out.flush()
