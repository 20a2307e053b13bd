"""File → RawText: read plain text, PDF (pypdf) and saved HTML pages into one text format.

`load_file` dispatches by suffix. PDFs keep their page numbers through `page_starts`; HTML is
rendered to the line format the cleaner expects (`# Heading`, `• list item`, blank lines between
paragraphs) with site chrome (navigation, header, footer, cookie banners, …) dropped. Every failure
is a `LoadError` whose Norwegian message names the file and what was wrong.

It deliberately does not clean, split or interpret text (that is `ingest.clean` and
`ingest.structure`), and it does not read the manifest.

Text is decoded honestly: a byte-order mark decides (UTF-8, UTF-16), then strict UTF-8; a file that
is UTF-8 but for a few stray bytes keeps its UTF-8 text with those bytes replaced, and only then is
another encoding tried (cp1252, the Norwegian legacy one, then what charset-normalizer guesses) — each fallback reported as a warning.
Files above a size limit are refused with the size and the limit, before anything is parsed.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from ingest.clean import RawText

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES

# More than this share of control characters means the bytes are not text, whatever the suffix.
_MAX_CONTROL_SHARE = 0.02
# Parsing and embedding cost grows with length: the bundled documents are 3–51 kB; a 50 MB dump took
# over eight minutes. Above these sizes a file is refused with a message instead.
MAX_TEXT_BYTES = 5_000_000
MAX_PDF_BYTES = 50_000_000
# At most this share of invalid bytes in otherwise valid UTF-8 is taken as stray bytes, not as
# another encoding.
_STRAY_UTF8_SHARE = 0.001
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class LoadError(Exception):
    """A file could not be read as a document; the message says which file and why (Norwegian)."""


class EmptyFileError(LoadError):
    """The file has no bytes (or only whitespace): skipped, not a fault in the file's format."""


class UnsupportedFileError(LoadError):
    """The file type is not one we read: listed as skipped, not reported as an error."""


def load_file(path: Path, warnings: list[str] | None = None) -> RawText:
    """Read one file into a `RawText`; raise `LoadError` (or a subclass) when it cannot be used.

    Fallbacks that change what is read (an encoding guessed, stray bytes replaced) are appended
    to `warnings`.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "uten filendelse"
        raise UnsupportedFileError(f"{path.name}: ukjent filtype ({shown}) – hoppet over")
    limit = MAX_PDF_BYTES if suffix in PDF_SUFFIXES else MAX_TEXT_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise LoadError(
                f"{path.name}: for stor ({_mb(size)}; grensen for denne filtypen er {_mb(limit)})"
                " – del den opp eller kort den ned"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path.name}: kan ikke leses ({exc.strerror or exc})") from exc
    notes = warnings if warnings is not None else []
    if not data.strip():
        raise EmptyFileError(f"{path.name}: tom fil – hoppet over")
    if suffix in PDF_SUFFIXES:
        return load_pdf(path, data)
    if suffix in HTML_SUFFIXES:
        text = decode_text(path, data, declared=_declared_charset(data), warnings=notes)
        rendered = render_html(text)
        if not rendered.strip():
            raise LoadError(f"{path.name}: HTML-siden har ikke noe innhold utenom navigasjon o.l.")
        return make_raw(rendered, (), "html")
    text = decode_text(path, data, warnings=notes)
    return make_raw(text, (), "text")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def make_raw(text: str, page_starts: tuple[tuple[int, int], ...], kind: str) -> RawText:
    return RawText(text=text, page_starts=page_starts, source_kind=kind)


def decode_text(
    path: Path, data: bytes, declared: str | None = None, warnings: list[str] | None = None
) -> str:
    """Bytes → str, honestly: a BOM decides; then strict UTF-8 (a declared charset before it);
    UTF-8 with a few stray bytes replaced; then a guessed encoding. Each fallback is reported in
    `warnings`. NUL bytes (outside UTF-16) or many control characters mean a binary file."""
    notes = warnings if warnings is not None else []
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _as_text(path, data, [encoding], notes)
    if b"\x00" in data:
        raise LoadError(f"{path.name}: binærfil, ikke tekst (inneholder NUL-byte)")
    if declared and declared.replace("-", "").replace("_", "") not in ("utf8", "utf8sig"):
        with_declared = _try(data, declared)
        if with_declared is not None:
            return with_declared
    try:
        strict = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # valid UTF-8: text, or control bytes that no other encoding makes into text
        if _control_share(strict) <= _MAX_CONTROL_SHARE:
            return _newlines(strict)
        raise LoadError(f"{path.name}: binærfil, ikke lesbar tekst (mange styretegn)")
    lenient = data.decode("utf-8", errors="replace")
    valid = data.decode("utf-8", errors="ignore")
    bad = lenient.count("\ufffd") - valid.count("\ufffd")
    # UTF-8 with stray bytes: it has correctly encoded letters (æ, ø, å) and only a few bad bytes.
    # A cp1252 file has no valid multi-byte sequences at all, so it never passes this test.
    good = sum(1 for ch in valid if ord(ch) > 127)
    if (
        good >= 3 * bad
        and bad <= max(3, int(len(data) * _STRAY_UTF8_SHARE))
        and _control_share(lenient) <= _MAX_CONTROL_SHARE
    ):
        notes.append(
            f"{path.name}: {bad} ugyldig(e) byte i ellers gyldig UTF-8 er erstattet med «\ufffd»"
        )
        return _newlines(lenient)
    return _as_text(path, data, ["cp1252", *_guessed(data), "latin-1"], notes, fallback=True)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return _newlines(text) if _control_share(text) <= _MAX_CONTROL_SHARE else None


def _as_text(
    path: Path, data: bytes, encodings: list[str], notes: list[str], fallback: bool = False
) -> str:
    for encoding in encodings:
        text = _try(data, encoding)
        if text is not None:
            if fallback:
                notes.append(f"{path.name}: ikke UTF-8; lest som {encoding} (gjettet tegnkoding)")
            return text
    raise LoadError(f"{path.name}: binærfil eller ukjent tegnkoding, ikke lesbar tekst")


def _guessed(data: bytes) -> list[str]:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return []
    best = from_bytes(data[:200_000]).best()
    return [best.encoding] if best is not None and best.encoding else []


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    # Only C0/C1 control characters count: NBSP, soft hyphens and the like are ordinary in dumps.
    bad = sum(1 for ch in text if ch not in "\n\r\t\f" and unicodedata.category(ch) == "Cc")
    return bad / len(text)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def load_pdf(path: Path, data: bytes) -> RawText:
    """A PDF's page texts joined by blank lines, with the offset where each page starts."""
    if b"%PDF-" not in data[:1024]:
        raise LoadError(f"{path.name}: ikke en PDF-fil (mangler PDF-hode) – skadet eller feil type")
    # pypdf may silently rebuild a cut-off file from what is left; a missing end marker means the
    # text could be incomplete, and an incomplete legal source must not be quoted.
    if b"%%EOF" not in data[-2048:]:
        raise LoadError(f"{path.name}: PDF-filen er avkortet eller skadet (slutten mangler)")
    pages = _pdf_page_texts(path, data)
    if not any(text.strip() for text in pages):
        raise LoadError(f"{path.name}: ingen tekst – skannet PDF uten tekstlag?")
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for number, text in enumerate(pages, start=1):
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        starts.append((offset, number))
        parts.append(text)
        offset += len(text) + 2  # the "\n\n" joining pages
    return make_raw("\n\n".join(parts), tuple(starts), "pdf")


# Site chrome, never content. <header> is kept inside <article>/<main>, where it holds the title.
_DROP_TAGS = frozenset(
    "nav aside footer script style form noscript template svg iframe button select textarea head "
    "title dialog canvas object video audio".split()
)
_CHROME_RE = re.compile(
    r"navigation|(?<![a-z])nav(?:bar)?(?![a-z])|men[uy]|breadcrumb|footer|cookie|skip-?(?:link|to)"
    r"|hopp-til|(?<![a-z])banner(?![a-z])"
)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = _HEADINGS | frozenset(
    "p div section article main header li ul ol dl dt dd tr table thead tbody blockquote pre figure "
    "figcaption address body html details summary caption".split()
)


def render_html(html: str) -> str:
    """Render a saved page's content to the cleaner's line format, without site chrome."""
    parser = _ContentParser()
    parser.feed(html)
    parser.close()
    return parser.result()


class _ContentParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, dropped, is_main) per open element
        self._stack: list[tuple[str, bool, bool]] = []
        self._buffer: list[str] = []
        self._blocks: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._buffer.append("\n")
            return
        if tag in {"p", "li", "dt", "dd"} | _HEADINGS:
            self._close_implied(tag)
        if tag in _BLOCK_TAGS:
            self._flush()
        elif tag in {"td", "th"} and "".join(self._buffer).strip():
            self._buffer.append(" | ")
        if tag in _VOID_TAGS:
            return
        attr = {k: (v or "") for k, v in attrs}
        role = attr.get("role", "").lower()
        self._stack.append((tag, self._is_chrome(tag, attr, role), tag == "main" or role == "main"))

    def _is_chrome(self, tag: str, attr: dict[str, str], role: str) -> bool:
        if tag in _DROP_TAGS or role in _CHROME_ROLES:
            return True
        if tag == "header" and not any(t in {"article", "main"} or m for t, _, m in self._stack):
            return True
        if "hidden" in attr or attr.get("aria-hidden", "").lower() == "true":
            return True
        names = f"{attr.get('class', '')} {attr.get('id', '')}".lower()
        return _CHROME_RE.search(names) is not None

    def _close_implied(self, tag: str) -> None:
        # HTML lets <p>, <li>, <dt>, <dd> and headings go unclosed; the next sibling closes them.
        barrier = {"ul", "ol", "dl", "table", "div", "section", "article", "main", "body"}
        for i in range(len(self._stack) - 1, -1, -1):
            open_tag = self._stack[i][0]
            if open_tag in barrier:
                return
            if open_tag == tag or (tag in {"dt", "dd"} and open_tag in {"dt", "dd"}):
                self._pop_to(i)
                return

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                self._pop_to(i)
                return

    def _pop_to(self, index: int) -> None:
        if any(tag in _BLOCK_TAGS for tag, _, _ in self._stack[index:]):
            self._flush()
        del self._stack[index:]

    def handle_data(self, data: str) -> None:
        if not any(dropped for _, dropped, _ in self._stack):
            # Source line breaks are layout only; <br> is the one line break that is content.
            self._buffer.append(data.replace("\n", " "))

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer.clear()
        lines = [re.sub(r"\s+", " ", line).strip() for line in raw.split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        prefix = ""
        for tag, _, _ in reversed(self._stack):
            if tag in _HEADINGS:
                prefix = "#" * int(tag[1]) + " "
                text = text.replace("\n", " ")
                break
            if tag == "li":
                prefix = "• "
                break
        in_main = any(m for _, _, m in self._stack)
        self._blocks.append((prefix + text, in_main))

    def result(self) -> str:
        self._flush()
        # A page that marks its main content: everything outside it is chrome we did not recognise.
        blocks = [t for t, m in self._blocks if m] or [t for t, _ in self._blocks]
        return "\n\n".join(blocks) + "\n" if blocks else ""


class _PypdfWarnings(logging.Handler):
    """Collects what pypdf only logs: a stream it could not decompress is lost text, not a nit."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _pdf_page_texts(path: Path, data: bytes) -> list[str]:
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    locked = f"{path.name}: PDF-filen er kryptert/passordbeskyttet og kan ikke leses"
    watcher = _PypdfWarnings()
    logger = logging.getLogger("pypdf")
    logger.addHandler(watcher)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(locked)
        pages: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            seen = len(watcher.messages)
            pages.append(page.extract_text() or "")
            if any("decompress" in m.lower() for m in watcher.messages[seen:]):
                raise LoadError(
                    f"{path.name}: PDF-filen er skadet (innholdet på side {number} "
                    "kan ikke pakkes ut)"
                )
        return pages
    except FileNotDecryptedError as exc:
        raise LoadError(locked) from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(f"{path.name}: PDF-filen er skadet og kan ikke leses ({exc})") from exc
    finally:
        logger.removeHandler(watcher)
