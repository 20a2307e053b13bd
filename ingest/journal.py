"""Crash-safe corpus edits: an upload or removal counts only with the index build that holds it.

Contract (the page's `ui.upload` writes it; `hjemmel serve` and `hjemmel ingest` recover):

    with corpus_edit(home, corpus, action, doc_id, file) :   # under the ingest lock
        ... write the file and manifest entry (or remove them), build and swap the index ...
    recover(home, corpus, index_dir) -> str                   # "" or what was done (Norwegian)

Before the corpus folder is touched, `<home>/corpus-edit.json` records the action, the document
id, the file name and copies of the manifest (and, for a removal, of the file) as they were.
The record is deleted only when the block ends: after a failure the block itself restores the
corpus; after a crash (kill -9 during the re-index) the record is still there, and `recover`
decides by the live index: an upload whose document the live build holds, or a removal whose
document it no longer holds, was committed by the swap — the record is dropped; anything else
is rolled back (manifest restored, an added file deleted, a removed file put back). Corpus,
manifest and live index then agree again, and a re-upload is not refused as a duplicate. It
deliberately takes no lock itself: callers hold `ingest.lock` around both.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.manifest import MANIFEST_NAME

JOURNAL = "corpus-edit.json"
ADD, REMOVE = "add", "remove"


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _b64(path: Path) -> str | None:
    return base64.b64encode(path.read_bytes()).decode("ascii") if path.is_file() else None


def _restore(path: Path, saved: str | None) -> None:
    if saved is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(base64.b64decode(saved))


def _rollback(corpus: Path, record: dict[str, Any]) -> None:
    _restore(corpus / MANIFEST_NAME, record.get("manifest"))
    file = corpus / Path(str(record["file"])).name
    if record["action"] == ADD:
        file.unlink(missing_ok=True)
    elif record.get("content") is not None:
        _restore(file, record["content"])


@contextlib.contextmanager
def corpus_edit(home: Path, corpus: Path, action: str, doc_id: str, file: str) -> Iterator[None]:
    """Record the edit, run the block, and roll the corpus back if the block fails."""
    home.mkdir(parents=True, exist_ok=True)
    journal = home / JOURNAL
    record = {
        "action": action,
        "doc_id": doc_id,
        "file": Path(file).name,
        "manifest": _b64(corpus / MANIFEST_NAME),
        "content": _b64(corpus / Path(file).name) if action == REMOVE else None,
    }
    _write(journal, record)
    try:
        yield
    except BaseException:
        _rollback(corpus, record)
        journal.unlink(missing_ok=True)
        raise
    journal.unlink(missing_ok=True)


def _live_documents(index_dir: Path) -> set[str] | None:
    path = Path(index_dir) / "current" / "documents.json"
    try:
        return {str(d["id"]) for d in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recover(home: Path, corpus: Path, index_dir: Path) -> str:
    """Finish what a crash interrupted (see the module docstring); "" when nothing was pending."""
    journal = Path(home) / JOURNAL
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ""
    except (OSError, ValueError):
        journal.unlink(missing_ok=True)
        return "En ufullstendig registrering av en korpusendring ble forkastet."
    live = _live_documents(index_dir) or set()
    doc_id, action = str(record.get("doc_id")), record.get("action")
    committed = (doc_id in live) if action == ADD else (doc_id not in live)
    if committed:
        journal.unlink(missing_ok=True)
        return ""
    _rollback(Path(corpus), record)
    journal.unlink(missing_ok=True)
    what = "Opplastingen" if action == ADD else "Fjerningen"
    return f"{what} av «{doc_id}» ble avbrutt før indeksen var bygd, og er rullet tilbake."
