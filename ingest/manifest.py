"""The corpus manifest: read and validate `manifest.toml`, and infer metadata for unlisted files.

A manifest is an array of `[[document]]` tables with id, title, type, issuer, date, status and file,
and optionally number, short_title, and uploaded_by / uploaded_at (written by the page's upload).
A local document (uploaded, or of type «lokal instruks») marked «gjeldende» is read as «lokal»,
with a warning: only a national source is ever «gjeldende».
Every problem found is reported at once in one `ManifestError` whose message names the entry (its
id, or its position when the id itself is the problem) and the field. `file` is a path relative to
the manifest's folder (subfolders allowed, never «..» or an absolute path). Files the manifest does
not list get an entry inferred from their name and first heading (`infer_entry`): a type guessed
from keywords, but always status «ukjent» — an unlisted file is never presented as binding.

It deliberately does not read documents or hash files: `ingest.pipeline` does that.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ingest.records import DOC_TYPES, LOCAL_STATUS, STATUSES, UNKNOWN_STATUS

MANIFEST_NAME = "manifest.toml"
FIELDS: tuple[str, ...] = ("id", "title", "type", "issuer", "date", "status", "file")
# Optional: the document's own number («G-2006-8») and a short title for cards and listings.
OPTIONAL_FIELDS: tuple[str, ...] = ("number", "short_title", "uploaded_by", "uploaded_at")
_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Checked in this order: the first keyword found in the file name or title decides type and status.
_KEYWORD_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("rundskriv",), "rundskriv", "gjeldende"),
    (("høringsutkast",), "høringsutkast", "utkast"),
    (("høringsinnspill", "høringssvar"), "høringsinnspill", "innspill"),
    (("veileder",), "veileder", "gjeldende"),
    (("årsrapport", "rapport"), "rapport", "informasjon"),
)


class ManifestError(ValueError):
    """The manifest cannot be used; the message names the file, the entry and the field."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


@dataclass(frozen=True)
class ManifestEntry:
    """One document as the manifest (or inference) gives it; `file` is relative to its folder."""

    id: str
    title: str
    type: str
    issuer: str
    date: str | None
    status: str
    file: str
    number: str = ""
    short_title: str = ""
    uploaded_by: str = ""
    uploaded_at: str = ""


@dataclass(frozen=True)
class Manifest:
    path: Path
    entries: tuple[ManifestEntry, ...]
    warnings: tuple[str, ...] = ()

    def by_file(self) -> dict[str, ManifestEntry]:
        """Entries by file path relative to the manifest's folder, in normal POSIX form
        («./vedlegg/x.txt» and «vedlegg/x.txt» are one key)."""
        return {str(PurePosixPath(e.file)): e for e in self.entries}


def read_manifest(path: Path) -> Manifest:
    """Parse and validate a manifest file; raise `ManifestError` listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: filen er ikke gyldig UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with «(at line L, column C)»; say it in Norwegian too.
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f"linje {where.group(1)}, kolonne {where.group(2)}" if where else "ukjent linje"
        raise ManifestError(f"{path}: ugyldig TOML på {at}: {exc}") from exc
    return _validate(path, data)


def _validate(path: Path, data: dict[str, Any]) -> Manifest:
    raw_entries = data.get("document", [])
    if not isinstance(raw_entries, list):
        raise ManifestError(f"{path}: «document» må være en liste av [[document]]-tabeller")
    problems: list[str] = []
    warnings: list[str] = [
        f"{path}: ukjent nøkkel «{key}» på toppnivå blir ignorert"
        for key in data
        if key != "document"
    ]
    entries: list[ManifestEntry] = []
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for number, raw in enumerate(raw_entries, start=1):
        entry = _validate_entry(path, number, raw, problems, warnings)
        if entry is None:
            continue
        label = _label(number, entry.id)
        if entry.id in seen_ids:
            problems.append(
                f"{path}: {label}: feltet «id» er brukt før (oppføring {seen_ids[entry.id]})"
            )
        if entry.file in seen_files:
            problems.append(
                f"{path}: {label}: feltet «file» «{entry.file}» er brukt før "
                f"(oppføring {seen_files[entry.file]})"
            )
        seen_ids.setdefault(entry.id, number)
        seen_files.setdefault(entry.file, number)
        if _climbs_out(entry.file):
            problems.append(
                f"{path}: {label}: feltet «file» må være en sti inne i korpusmappen, "
                f"ikke «{entry.file}»"
            )
        elif not (path.parent / entry.file).is_file():
            problems.append(
                f"{path}: {label}: feltet «file» viser til en fil som ikke finnes: «{entry.file}»"
            )
        entries.append(entry)
    if problems:
        raise ManifestError("\n".join(problems), tuple(problems))
    return Manifest(path, tuple(entries), tuple(warnings))


def _climbs_out(file: str) -> bool:
    """An absolute path or one with «..»: the manifest may only describe files in its folder."""
    pure = PurePosixPath(file.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts or bool(re.match(r"^[A-Za-z]:", file))


def _label(number: int, doc_id: object) -> str:
    if isinstance(doc_id, str) and doc_id:
        return f"oppføring {number} (id «{doc_id}»)"
    return f"oppføring {number}"


def _validate_entry(
    path: Path, number: int, raw: object, problems: list[str], warnings: list[str]
) -> ManifestEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"{path}: oppføring {number}: må være en [[document]]-tabell")
        return None
    label = _label(number, raw.get("id"))
    before = len(problems)
    for name in FIELDS:
        if name not in raw:
            problems.append(f"{path}: {label}: mangler feltet «{name}»")
        elif name == "date":
            if not isinstance(raw[name], str | dt.date):
                problems.append(
                    f"{path}: {label}: feltet «date» må være tekst (ÅÅÅÅ-MM-DD eller «»)"
                )
        elif not isinstance(raw[name], str):
            problems.append(f"{path}: {label}: feltet «{name}» må være tekst")
    problems.extend(
        f"{path}: {label}: feltet «{name}» må være tekst"
        for name in OPTIONAL_FIELDS
        if name in raw and not isinstance(raw[name], str)
    )
    warnings.extend(
        f"{path}: {label}: ukjent felt «{key}» blir ignorert"
        for key in raw
        if key not in FIELDS + OPTIONAL_FIELDS
    )
    if len(problems) > before:
        return None
    date = _date(raw["date"])
    checks = (
        (
            "id",
            _ID_RE.match(raw["id"]) is not None,
            "må være en kort slug med bare a–z, 0–9 og «-»",
        ),
        ("title", bool(raw["title"].strip()), "kan ikke være tom"),
        (
            "type",
            raw["type"] in DOC_TYPES,
            f"har ukjent verdi «{raw['type']}» (gyldige: {', '.join(DOC_TYPES)})",
        ),
        (
            "status",
            raw["status"] in STATUSES,
            f"har ukjent verdi «{raw['status']}» (gyldige: {', '.join(STATUSES)})",
        ),
        (
            "date",
            date is None or _DATE_RE.match(date) is not None,
            f"må være ÅÅÅÅ-MM-DD eller tom, ikke «{date}»",
        ),
        ("file", bool(raw["file"].strip()), "kan ikke være tom"),
    )
    for name, ok, why in checks:
        if not ok:
            problems.append(f"{path}: {label}: feltet «{name}» {why}")
    if len(problems) > before:
        return None
    uploaded_by = raw.get("uploaded_by", "").strip()
    status = raw["status"]
    if status == "gjeldende" and (uploaded_by or raw["type"] == "lokal instruks"):
        warnings.append(
            f"{path}: {label}: et lokalt dokument er ikke en nasjonal regel; status «gjeldende» "
            f"leses som «{LOCAL_STATUS}»"
        )
        status = LOCAL_STATUS
    return ManifestEntry(
        id=raw["id"],
        title=raw["title"].strip(),
        type=raw["type"],
        issuer=raw["issuer"].strip(),
        date=date,
        status=status,
        file=raw["file"],
        number=raw.get("number", "").strip(),
        short_title=raw.get("short_title", "").strip(),
        uploaded_by=uploaded_by,
        uploaded_at=raw.get("uploaded_at", "").strip(),
    )


def _date(value: str | dt.date) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return value.strip() or None


def fold_ascii(text: str) -> str:
    """Lower-case ASCII: Norwegian letters transliterated (æ→ae, ø→o, å→a), accents dropped."""
    lowered = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")


def slugify(text: str) -> str:
    """A short id slug of a file or title: `fold_ascii`, the rest [a-z0-9-], at most 64 chars."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold_ascii(text)).strip("-")
    return slug[:64].strip("-") or "dokument"


def unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base[:60]}-{n}" in taken:
        n += 1
    return f"{base[:60]}-{n}"


def infer_type_status(name: str, title: str) -> tuple[str, str]:
    """Type and status from keywords in the file name or title.

    Without a keyword the file is taken as a web page with information only (HTML pages and plain
    dumps alike), so an unlisted file is never presented as a binding rule by accident.
    """
    haystack = f"{name} {title}".lower()
    plain = slugify(haystack)  # so «horingsutkast» in a file name matches «høringsutkast»
    for keywords, doc_type, status in _KEYWORD_RULES:
        if any(k in haystack or slugify(k) in plain for k in keywords):
            return doc_type, status
    return "nettside", "informasjon"


def infer_entry(file: str, title: str, taken: set[str]) -> ManifestEntry:
    """An entry for a file the manifest does not list; `taken` holds ids already in use.

    The type is guessed from keywords; the status is «ukjent» whatever the name says: a file
    called «rundskriv-ny.txt» may be anything, and only the manifest can say it is in force.
    """
    doc_id = unique_id(slugify(Path(file).stem), taken)
    doc_type, _ = infer_type_status(Path(file).name, title)
    status = UNKNOWN_STATUS
    return ManifestEntry(
        id=doc_id,
        title=title or Path(file).stem,
        type=doc_type,
        issuer="",
        date=None,
        status=status,
        file=file,
    )
