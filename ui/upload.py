"""Add or remove a document from the page: validate, write into the corpus folder, re-ingest.

`add_document(settings, upload, meta, progress)` checks the file (size before reading it, type by
content, that it yields citable text) and the metadata (title not already used, known type, a
status a local document may have — never «gjeldende», which only a national source is —, ISO
date, who uploads it), then copies the file into the corpus folder as `opplastet-<id>.<ext>`,
appends a manifest entry with the uploader and the time, and rebuilds the index through
`ingest_corpus`. Any failure restores the corpus
folder exactly, and the live index is only replaced by a complete build (`ingest.index` swaps
atomically), so a rejected upload changes nothing. The edit is journalled (`ingest.journal`):
after a crash during the re-index, the next start (or edit) rolls back a file and manifest entry
that no live build holds. Titles must differ from every title and short title. `remove_document` is the reverse for uploaded
documents only: the bundled sources are never touched. Every message is Norwegian and names what
was wrong. It deliberately knows no Gradio: `ui.documents` wires it to the page.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from ingest.journal import ADD, REMOVE, corpus_edit, recover
from ingest.manifest import MANIFEST_NAME, ManifestError, read_manifest, slugify, unique_id
from ingest.records import DOC_TYPES, STATUS_LABELS

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_PREFIX = "opplastet-"
SUFFIXES = (".pdf", ".html", ".htm", ".txt", ".md")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What an uploaded document may be: a local instruction or routine («lokal»: in force here at most),
# or a draft, information or history. Never «gjeldende» (the national rule) nor «innspill».
UPLOAD_STATUSES = ("lokal", "utkast", "informasjon", "historisk")

Progress = Callable[[float, str], None]


@contextlib.contextmanager
def locked(settings: Settings) -> Iterator[None]:
    """The ingest lock of the data directory (`ingest.lock`), held while the corpus is edited and
    re-ingested: a CLI `hjemmel ingest` and the page never build at once, nor two uploads."""
    from ingest.lock import IngestBusyError, ingest_lock

    try:
        with ingest_lock(settings.home, wait=False):
            yield
    except IngestBusyError as exc:
        raise UploadError(
            "En annen innlesing pågår. Vent til den er ferdig, og prøv igjen."
        ) from exc


class UploadError(ValueError):
    """The upload or removal was refused; the message (Norwegian) says why. Nothing was changed."""


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    type: str
    issuer: str = ""
    date: str = ""
    status: str = "lokal"
    uploaded_by: str = ""  # the logged-in user, or the name given in the form without login


def _no_progress(_share: float, _text: str) -> None:
    return None


def check_meta(meta: DocumentMeta, known_titles: set[str]) -> None:
    """Raise UploadError for a missing or duplicate title, unknown type/status or a bad date."""
    title = " ".join(meta.title.split())
    if not title:
        raise UploadError("Skriv inn en tittel for dokumentet.")
    if len(title) > 300:
        raise UploadError(f"Tittelen er for lang ({len(title)} tegn, høyst 300).")
    if title.casefold() in {t.casefold() for t in known_titles}:
        raise UploadError(f"Det finnes allerede et dokument med tittelen «{title}».")
    if not meta.issuer.strip():
        raise UploadError("Skriv inn hvem som har utstedt dokumentet (utsteder).")
    if meta.type not in DOC_TYPES:
        raise UploadError(f"Ukjent dokumenttype «{meta.type}». Velg en av: {', '.join(DOC_TYPES)}.")
    if meta.status == "gjeldende":
        raise UploadError(
            "Et opplastet dokument kan ikke merkes «Gjeldende»: det er ikke en nasjonal regel. "
            "Velg «Lokal» for en lokal instruks eller rutine."
        )
    if meta.status not in UPLOAD_STATUSES:
        choices = ", ".join(STATUS_LABELS[s] for s in UPLOAD_STATUSES)
        raise UploadError(f"Ukjent status «{meta.status}». Velg en av: {choices}.")
    check_date(meta.date)
    if not " ".join(meta.uploaded_by.split()):
        raise UploadError("Skriv inn hvem som laster opp dokumentet (navn eller enhet).")


def check_date(text: str) -> None:
    """An empty date, or a real calendar date written ÅÅÅÅ-MM-DD («2024-13-45» is none)."""
    value = text.strip()
    if not value:
        return
    if not _DATE.match(value):
        raise UploadError(f"Datoen «{text}» må skrives ÅÅÅÅ-MM-DD (eller stå tom).")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise UploadError(
            f"Datoen «{text}» finnes ikke (måned 01–12, dag som finnes i måneden)."
        ) from None


def check_file(path: Path, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Raise UploadError unless `path` is a non-empty, not too large file of a type we read.

    The size comes from the file system before a byte is read; the type from the content (a «.pdf»
    that is not a PDF is refused by its first bytes), then the loader must find text in it.
    """
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(
            f"{name}: filtypen støttes ikke. Last opp PDF, HTML eller tekst (.txt, .md)."
        )
    size = path.stat().st_size
    if size == 0:
        raise UploadError(f"{name}: filen er tom.")
    if size > max_bytes:
        raise UploadError(
            f"{name}: filen er for stor ({_mb(size)} MB). Største tillatte størrelse er "
            f"{_mb(max_bytes)} MB."
        )
    with path.open("rb") as fh:
        head = fh.read(1024)
    if suffix == ".pdf" and not head.lstrip().startswith(b"%PDF-"):
        raise UploadError(f"{name}: filen heter .pdf, men er ikke en PDF-fil.")
    if suffix != ".pdf" and b"\x00" in head:
        raise UploadError(f"{name}: filen er ikke tekst eller HTML.")
    from ingest.clean import clean_text
    from ingest.loaders import LoadError, load_file

    try:
        text = clean_text(load_file(path)).text
    except LoadError as exc:
        raise UploadError(str(exc).replace(" – hoppet over", "")) from exc
    except Exception as exc:  # a broken PDF raises pypdf's own errors
        raise UploadError(f"{name}: filen kan ikke leses ({type(exc).__name__}).") from exc
    if not text.strip():
        raise UploadError(f"{name}: fant ingen tekst i filen (er den skannet uten tekstlag?).")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f]", " ", escaped) + '"'


def manifest_entry(doc_id: str, meta: DocumentMeta, file: str, when: str = "") -> str:
    """The manifest entry of an upload; `when` is the upload time («2026-12-02 14:05»)."""
    fields = {
        "id": doc_id,
        "title": " ".join(meta.title.split()),
        "type": meta.type,
        "issuer": " ".join(meta.issuer.split()),
        "date": meta.date.strip(),
        "status": meta.status,
        "file": file,
        "uploaded_by": " ".join(meta.uploaded_by.split()),
        "uploaded_at": when or datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    body = "\n".join(f"{k} = {_toml_string(v)}" for k, v in fields.items())
    return f"\n[[document]]\n{body}\n"


def _manifest_entries(corpus: Path) -> list[object]:
    path = corpus / MANIFEST_NAME
    if not path.is_file():
        return []
    try:
        return list(read_manifest(path).entries)
    except ManifestError as exc:
        raise UploadError(f"Manifestet kan ikke leses: {exc}") from exc


def ingest_corpus(settings: Settings, progress: Progress = _no_progress) -> tuple[str, ...]:
    """Rebuild the index over `settings.corpus` and swap it in; returns the ingested document ids.

    The one place the page builds an index, under the data directory's ingest lock.
    """
    from ingest.embed import EmbedderError
    from ingest.index import build_index
    from ingest.pipeline import load_corpus

    with locked(settings):
        progress(0.05, "Leser dokumentene …")
        try:
            load = load_corpus([settings.corpus])
        except ManifestError as exc:
            raise UploadError(f"Manifestet kan ikke brukes: {exc}") from exc
        if not load.documents:
            raise UploadError("Fant ingen dokumenter som kunne leses inn.")
        progress(0.3, "Bygger indeksen (embedding av nye avsnitt) …")
        try:
            build_index(
                load,
                settings.index_dir,
                settings.embedder,
                settings.cache_dir,
                store=settings.store,
                chroma_host=settings.chroma_host,
                chroma_port=settings.chroma_port,
                embedding=settings.embedding,
            )
        except EmbedderError as exc:
            raise UploadError(f"Indeksen kunne ikke bygges: {exc}") from exc
        progress(1.0, "Ferdig.")
        return tuple(d.document.id for d in load.documents)


def add_document(
    settings: Settings,
    upload: Path,
    meta: DocumentMeta,
    known_titles: set[str],
    progress: Progress = _no_progress,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> str:
    """Validate, copy into the corpus with a manifest entry and re-ingest; returns the new id."""
    corpus = Path(settings.corpus)
    check_file(upload, max_bytes)
    # The manifest is read, the title and id chosen and the file written under one lock: two
    # uploads at once must not both take the same id or title.
    with locked(settings):
        recover_edits(settings)
        entries = _manifest_entries(corpus)
        titles = known_titles | {
            str(getattr(e, field, "") or "") for e in entries for field in ("title", "short_title")
        }
        check_meta(meta, titles - {""})
        taken = {str(getattr(e, "id", "")) for e in entries}
        doc_id = unique_id(slugify(meta.title)[:48], taken)
        target = corpus / f"{UPLOAD_PREFIX}{doc_id}{upload.suffix.lower()}"
        if target.exists():
            raise UploadError(f"Filen {target.name} finnes allerede i korpuset.")
        progress(0.02, "Lagrer filen …")
        # Committed only with the build that holds it; a crash is rolled back at the next start.
        with corpus_edit(settings.home, corpus, ADD, doc_id, target.name):
            with tempfile.NamedTemporaryFile(
                dir=corpus, prefix=".opplasting-", delete=False
            ) as tmp:
                partial = Path(tmp.name)
            try:
                shutil.copyfile(upload, partial)
                partial.replace(target)
            finally:
                partial.unlink(missing_ok=True)
            with (corpus / MANIFEST_NAME).open("a", encoding="utf-8") as fh:
                fh.write(manifest_entry(doc_id, meta, target.name))
            ids = ingest_corpus(settings, progress)
            if doc_id not in ids:
                raise UploadError(f"{upload.name}: dokumentet kunne ikke leses inn.")
    return doc_id


def removable(doc_path: str) -> bool:
    """Only documents uploaded through the page can be removed there."""
    return Path(doc_path).name.startswith(UPLOAD_PREFIX)


def remove_document(
    settings: Settings, doc_id: str, doc_path: str, progress: Progress = _no_progress
) -> None:
    """Drop an uploaded document's manifest entry and file, and re-ingest."""
    if not removable(doc_path):
        raise UploadError("Bare dokumenter som er lastet opp her kan fjernes fra siden.")
    corpus = Path(settings.corpus)
    manifest = corpus / MANIFEST_NAME
    file = corpus / Path(doc_path).name
    with locked(settings):  # the manifest read and rewritten under one lock
        recover_edits(settings)
        text = manifest.read_text(encoding="utf-8")
        blocks = re.split(r"(?m)^(?=\[\[document\]\]\s*$)", text)
        kept = [b for b in blocks if not re.search(rf'(?m)^id = "{re.escape(doc_id)}"\s*$', b)]
        if len(kept) == len(blocks):
            raise UploadError(f"Fant ikke dokumentet «{doc_id}» i manifestet.")
        with corpus_edit(settings.home, corpus, REMOVE, doc_id, file.name):
            manifest.write_text("".join(kept).rstrip("\n") + "\n", encoding="utf-8")
            file.unlink(missing_ok=True)
            ingest_corpus(settings, progress)


def reingest(settings: Settings, progress: Progress = _no_progress) -> tuple[str, ...]:
    """«Les inn på nytt»: finish an interrupted edit first, then rebuild."""
    with locked(settings):
        recover_edits(settings)
        return ingest_corpus(settings, progress)


def recover_edits(settings: Settings) -> str:
    """Roll back (or confirm) an upload or removal a crash interrupted (`ingest.journal`).

    Called under the ingest lock before any edit, and by `hjemmel serve` at start."""
    note = recover(settings.home, Path(settings.corpus), settings.index_dir)
    if note:
        log.warning("%s", note)
    return note
