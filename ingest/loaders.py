"""File → RawText: read plain text, PDF (pypdf) and saved HTML pages into one text format.

`load_file` dispatches by suffix. PDFs keep their page numbers through `page_starts`; HTML is
rendered to the line format the cleaner expects (`# Heading`, `• list item`, blank lines between
paragraphs) with site chrome (navigation, header, footer, cookie banners, …) dropped. Every failure
is a `LoadError` whose Norwegian message names the file and what was wrong.

It deliberately does not clean, split or interpret text (that is `ingest.clean` and
`ingest.structure`), and it does not read the manifest.
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
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class LoadError(Exception):
    """A file could not be read as a document; the message says which file and why (Norwegian)."""


class EmptyFileError(LoadError):
    """The file has no bytes (or only whitespace): skipped, not a fault in the file's format."""


class UnsupportedFileError(LoadError):
    """The file type is not one we read: listed as skipped, not reported as an error."""


def load_file(path: Path) -> RawText:
    """Read one file into a `RawText`; raise `LoadError` (or a subclass) when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "uten filendelse"
        raise UnsupportedFileError(f"{path.name}: ukjent filtype ({shown}) – hoppet over")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path.name}: kan ikke leses ({exc.strerror or exc})") from exc
    if not data.strip():
        raise EmptyFileError(f"{path.name}: tom fil – hoppet over")
    if suffix in PDF_SUFFIXES:
        return load_pdf(path, data)
    if suffix in HTML_SUFFIXES:
        text = decode_text(path, data, declared=_declared_charset(data))
        rendered = render_html(text)
        if not rendered.strip():
            raise LoadError(f"{path.name}: HTML-siden har ikke noe innhold utenom navigasjon o.l.")
        return make_raw(rendered, (), "html")
    text = decode_text(path, data)
    return make_raw(text, (), "text")


def make_raw(text: str, page_starts: tuple[tuple[int, int], ...], kind: str) -> RawText:
    return RawText(text=text, page_starts=page_starts, source_kind=kind)


def decode_text(path: Path, data: bytes, declared: str | None = None) -> str:
    """Bytes → str: UTF-8 first (a declared charset before it), then cp1252/latin-1 only if the
    result reads as text. NUL bytes or many control characters mean a binary file."""
    if b"\x00" in data:
        raise LoadError(f"{path.name}: binærfil, ikke tekst (inneholder NUL-byte)")
    encodings = [e for e in (declared, "utf-8-sig", "cp1252", "latin-1") if e]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_share(text) <= _MAX_CONTROL_SHARE:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise LoadError(f"{path.name}: binærfil eller ukjent tegnkoding, ikke lesbar tekst")


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
