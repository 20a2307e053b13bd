"""Files → (Document, CleanText, Passages): discover, load, clean, structure and tag a corpus.

Owns the discovery of files, the manifest lookup and the «skip with a reason, ingest the rest»
rule: a file that cannot be read, or a document whose processing fails, becomes a `Skipped` entry
with a Norwegian reason and the other documents go on. A broken manifest is not skipped: it raises
`ManifestError`, because guessing what the user meant to describe would be worse.

A folder contributes its top-level files and every file its manifest lists (subfolders included,
paths relative to the folder); metadata comes from the manifest entry whatever the file's name.
A symbolic link whose target lies outside the folder, or that loops, is skipped with a reason:
nothing outside the corpus is ever read. Files without an entry get status «ukjent».

It does not embed or write anything: `ingest.index` does that with what this returns.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import clean_text
from ingest.loaders import LoadError, load_file
from ingest.manifest import MANIFEST_NAME, ManifestEntry, infer_entry, read_manifest
from ingest.records import CleanText, Document, Passage
from ingest.structure import structure
from ingest.tag import tag

_TITLE_MAX = 200


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    clean: CleanText
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str  # Norwegian, user-facing: why this file was not ingested


@dataclass(frozen=True)
class CorpusLoad:
    documents: tuple[LoadedDocument, ...]
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    roots: tuple[str, ...] = ()  # the files and folders it was loaded from (for staleness checks)


@dataclass(frozen=True)
class CorpusFile:
    """One file to ingest: where it is, the folder its Document.path is relative to, its entry."""

    path: Path
    root: Path
    entry: ManifestEntry | None


def is_candidate(path: Path) -> bool:
    """Files a folder scan considers: not the manifest, READMEs or hidden files."""
    name = path.name
    return (
        path.is_file()
        and name != MANIFEST_NAME
        and not name.startswith(".")
        and not name.upper().startswith("README")
    )


def discover(paths: Sequence[Path | str]) -> tuple[list[CorpusFile], list[str]]:
    """The files under `paths` in a stable order (manifest order, then file name) and warnings.

    Raises `ManifestError` for an invalid manifest. A file given twice is taken once. Links that
    leave their folder or loop are returned too (with no entry): `load_corpus` skips them with
    the reason, so the user sees what was refused.
    """
    files: list[CorpusFile] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    read: dict[Path, dict[str, ManifestEntry]] = {}  # each manifest read (and warned about) once

    def entries_of(folder: Path) -> dict[str, ManifestEntry]:
        key = folder.absolute()
        if key not in read:
            read[key] = _entries(folder, warnings)
        return read[key]

    for given in map(Path, paths):
        if given.is_dir():
            folder, entries = given, entries_of(given)
            listed: list[tuple[Path, ManifestEntry | None]] = [
                (folder / name, entry) for name, entry in entries.items()
            ]
            rest = sorted(
                p
                for p in folder.iterdir()
                if (is_candidate(p) or _is_link(p)) and _key(p, folder) not in entries
            )
            chosen = listed + [(p, None) for p in rest]
        elif given.exists() or given.is_symlink():
            folder, entry = _manifest_for(given, entries_of)
            chosen = [(given, entry)]
        else:
            warnings.append(f"{given}: finnes ikke – hoppet over")
            continue
        for path, entry in chosen:
            key = path.absolute() if path.is_symlink() else path.resolve()
            if key not in seen:
                seen.add(key)
                files.append(CorpusFile(path, folder, entry))
    return files, warnings


def _is_link(path: Path) -> bool:
    # A broken or looping link is no file, but the user must hear that it was not read.
    return path.is_symlink() and not path.name.startswith(".")


def _key(path: Path, folder: Path) -> str:
    """A file's manifest key: its path relative to the manifest's folder, in POSIX form."""
    return path.relative_to(folder).as_posix()


def _entries(folder: Path, warnings: list[str]) -> dict[str, ManifestEntry]:
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return {}
    manifest = read_manifest(manifest_path)
    warnings.extend(manifest.warnings)
    return manifest.by_file()


def _manifest_for(
    path: Path, entries_of: Callable[[Path], dict[str, ManifestEntry]]
) -> tuple[Path, ManifestEntry | None]:
    """The folder and entry of a file given on its own: the nearest enclosing manifest that lists
    it (a file in `corpus/vedlegg/` is described by `corpus/manifest.toml`)."""
    for folder in path.absolute().parents:
        if (folder / MANIFEST_NAME).is_file():
            entry = entries_of(folder).get(_key(path.absolute(), folder))
            if entry is not None or folder == path.absolute().parent:
                return folder, entry
            break
    return path.parent, None


def outside_reason(path: Path, root: Path) -> str | None:
    """Why `path` must not be read from the corpus `root`, or None when it may.

    A link that loops or whose target lies outside `root`, and a path that climbs out of it.
    """
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return f"{path.name}: symbolsk lenke i en løkke – hoppet over"
    except OSError as exc:
        if path.is_symlink():
            return f"{path.name}: symbolsk lenke til noe som ikke finnes ({exc.strerror}) – hoppet over"
        return None  # a missing plain file: the loader says so
    if not target.is_relative_to(root.resolve()):
        what = "peker på" if path.is_symlink() else "ligger i"
        return f"{path.name}: {what} {target}, utenfor korpusmappen – hoppet over"
    if target.is_dir():
        return f"{path.name}: er en mappe, ikke en fil – hoppet over"
    return None


def load_corpus(paths: Sequence[Path | str], progress: bool = False) -> CorpusLoad:
    """Load every file under `paths` (files or folders). A folder's `manifest.toml` describes its
    documents; files without an entry are still ingested with an inferred type, status «ukjent»
    and a warning. `progress` shows a bar on stderr, one step per file."""
    files, warnings = discover(paths)
    taken = {f.entry.id for f in files if f.entry is not None}
    documents: list[LoadedDocument] = []
    skipped: list[Skipped] = []
    used_ids: set[str] = set()
    for corpus_file in _progress(files, progress):
        refused = outside_reason(corpus_file.path, corpus_file.root)
        if refused:
            skipped.append(Skipped(str(corpus_file.path), refused))
            continue
        try:
            loaded, warning = _load_one(corpus_file, taken, warnings)
        except LoadError as exc:  # unreadable, empty or unsupported: the message says which
            skipped.append(Skipped(str(corpus_file.path), str(exc)))
            continue
        except Exception as exc:  # one broken document must not stop the corpus
            name, error = corpus_file.path.name, f"{type(exc).__name__}: {exc}"
            reason = f"{name}: uventet feil under innlesing ({error})"
            skipped.append(Skipped(str(corpus_file.path), reason))
            continue
        doc_id = loaded.document.id
        if doc_id in used_ids:
            reason = (
                f"{corpus_file.path.name}: id «{doc_id}» er allerede brukt av et annet dokument"
            )
            skipped.append(Skipped(str(corpus_file.path), reason))
            continue
        used_ids.add(doc_id)
        if warning:
            warnings.append(warning)
        documents.append(loaded)
    roots = tuple(str(Path(p)) for p in paths)
    return CorpusLoad(tuple(documents), tuple(skipped), tuple(warnings), roots)


def _progress(files: list[CorpusFile], show: bool) -> Sequence[CorpusFile]:
    if not show or len(files) < 2:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="Leser dokumenter", unit="fil", leave=False)  # type: ignore[return-value]


def _load_one(
    corpus_file: CorpusFile, taken: set[str], warnings: list[str]
) -> tuple[LoadedDocument, str | None]:
    path = corpus_file.path
    raw = load_file(path, warnings)
    clean = clean_text(raw)
    entry, warning = corpus_file.entry, None
    if entry is None:
        entry = infer_entry(path.name, guess_title(raw.text, clean.text), taken)
        taken.add(entry.id)
        warning = (
            f"{path.name}: har ingen oppføring i {MANIFEST_NAME}; tatt med som id «{entry.id}», "
            f"type «{entry.type}», status «{entry.status}»"
        )
    document = Document(
        id=entry.id,
        title=entry.title,
        type=entry.type,
        issuer=entry.issuer,
        date=entry.date,
        status=entry.status,
        path=_relative(path, corpus_file.root),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        number=entry.number,
        short_title=entry.short_title,
        uploaded_by=entry.uploaded_by,
        uploaded_at=entry.uploaded_at,
    )
    passages = tag(document, structure(document, clean))
    if not passages:
        raise LoadError(f"{path.name}: fant ingen avsnitt å sitere – hoppet over")
    return LoadedDocument(document, clean, tuple(passages)), warning


def guess_title(raw_text: str, clean_text: str) -> str:
    """The first heading of the raw text (HTML, Markdown), else the first non-empty cleaned line."""
    for line in raw_text.splitlines():
        if re.match(r"#{1,6} \S", line):
            return _shorten(line.lstrip("#").strip())
    for line in clean_text.splitlines():
        if line.strip():
            # A first line that is a list item («• Veileder …») keeps no bullet in the title.
            return _shorten(line.lstrip("#").strip().lstrip("•▪◦●■*- ").strip())
    return ""


def _shorten(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1].rstrip() + "…"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
