"""The one redactor for personal data: used wherever text is stored or logged, and on questions.

Contract:

    redact(text) -> str                 personal data replaced by placeholders (for storing, logging)
    strip_personal_data(text) -> str    personal data removed (for a question before it is answered)
    is_fodselsnummer(digits: str) -> bool   the 11-digit checksum (fødselsnummer, D- and H-nummer)
    install_log_redaction() -> None     every record the root logger's handlers write is redacted
    redact_tree(value) -> value         every free-text string in a JSON-like structure redacted

What it finds: fødselsnummer and D-nummer in any common spacing or punctuation («15038549097»,
«150385 49097», «15 03 85 49097», «15.03.85-49097», «15/03/85 49097») when the checksum holds, and
any 11-digit number written «DDMMYYNNNNN» or «DDMMYY NNNNN» whatever its checksum (a mistyped
number is still somebody's); Norwegian
phone numbers (8 digits, +47/0047, spaced forms); e-mail addresses; names, where a common Norwegian
first name starts a capitalised run («Kari», «Ola Nordmann») or two capitalised words end in a
surname suffix («Tone Bakken», «Per Hansen»). Name finding is a pattern, not a register: it misses
unusual names and leaves lower-case names alone. It deliberately does not touch numbers that are
not shaped like these (§ 3-16, «punkt 7.1.3», years), so a legal question keeps its meaning.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Shown on the page beside the question box.
PRIVACY_NOTICE = (
    "Ikke skriv navn, fødselsnummer eller andre personopplysninger i spørsmålet. "
    "Slike opplysninger tas ut før spørsmålet besvares og lagres aldri."
)
FNR_TOKEN = "[fødselsnummer fjernet]"
PHONE_TOKEN = "[telefonnummer fjernet]"
EMAIL_TOKEN = "[e-post fjernet]"
NAME_TOKEN = "[navn fjernet]"

_SEP = r"[ \u00a0.\-/]{0,2}"
# Six date digits, grouped or not, then the five-digit individual part.
_FNR_SHAPED = re.compile(
    rf"(?<![\d+])(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{5}})(?![\d])"
)
_ELEVEN = re.compile(r"(?<![\d+])\d{6}[ \u00a0-]?\d{5}(?!\d)")
_PHONE = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+|00)47[ \u00a0-]?)?"
    r"(?:\d{8}"
    r"|\d{2}[ \u00a0-]\d{2}[ \u00a0-]\d{2}[ \u00a0-]\d{2}"
    r"|\d{3}[ \u00a0-]\d{2}[ \u00a0-]\d{3}"
    r"|\d{4}[ \u00a0-]\d{4})"
    r"(?!\d)"
)
# +47 followed by any 8 digits with any spacing is a phone number whatever the grouping.
_PHONE_PREFIXED = re.compile(r"(?:\+|00)47(?:[ \u00a0-]?\d){8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# Common Norwegian first names (SSB's most frequent), lower case.
_FIRST_NAMES = frozenset(
    """
    ole ola jan lars knut arne bjørn odd svein geir tor kjell john terje rune trond
    thomas morten kristian erik anders espen martin jon stian eirik magnus andreas marius daniel
    jonas henrik kristoffer sindre sander emil tobias mathias markus fredrik håkon even vegard
    øystein einar harald sigurd olav nils petter pål steinar tore roger frode ivar gunnar leif
    kari anne inger marit ingrid eva berit astrid bjørg hilde nina randi solveig ragnhild
    marianne heidi silje ida ingeborg camilla hanne tone kristin elisabeth ellen grete gro trine
    mari maria emma nora sara sofie ingvild thea julie hege line lene linda monica siri tove
    turid unni wenche åse aud laila mona torill vibeke ane elin karin kirsten jorunn sissel
    mohammed muhammad ali ahmed fatima
    """.split()
)
_CAP = r"[A-ZÆØÅ][a-zæøåéè]+(?:-[A-ZÆØÅ][a-zæøåéè]+)?"
_NAME_RUN = re.compile(rf"\b{_CAP}(?:[ \u00a0]+{_CAP})*")
_SURNAME_SUFFIX = re.compile(
    r"(?:sen|ssen|son|stad|rud|vik|dal|berg|land|heim|haug|bakken|moen|nes|strand|lie|gård)$"
)


def is_fodselsnummer(digits: str) -> bool:
    """True when 11 digits pass the fødselsnummer checksum (D- and H-nummer included)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d, strict=False)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d, strict=False)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and (k1, k2) == (d[9], d[10])


def _fnr(match: re.Match[str]) -> str:
    digits = "".join(match.groups())
    return FNR_TOKEN if is_fodselsnummer(digits) else match.group(0)


def _name_start(words: list[str]) -> int | None:
    """Where the name begins in a run of capitalised words, or None when it holds no name."""
    for i, word in enumerate(words):
        if word.lower() in _FIRST_NAMES:
            return i
    if len(words) >= 2 and _SURNAME_SUFFIX.search(words[-1].lower()):
        return len(words) - 2
    return None


def _names(text: str, token: str) -> str:
    def sub(match: re.Match[str]) -> str:
        words = match.group(0).split()
        start = _name_start(words)
        if start is None:
            return match.group(0)
        return " ".join([*words[:start], token])

    return _NAME_RUN.sub(sub, text)


def _replace(text: str, fnr: str, phone: str, email: str, name: str) -> str:
    text = _EMAIL.sub(email, text)
    text = _FNR_SHAPED.sub(lambda m: fnr if _fnr(m) == FNR_TOKEN else m.group(0), text)
    text = _ELEVEN.sub(fnr, text)
    text = _PHONE_PREFIXED.sub(phone, text)
    text = _PHONE.sub(phone, text)
    return _names(text, name)


def redact(text: str) -> str:
    """`text` with fødselsnummer, phone numbers, e-mail addresses and names replaced."""
    if not text:
        return text
    return _replace(text, FNR_TOKEN, PHONE_TOKEN, EMAIL_TOKEN, NAME_TOKEN)


def strip_personal_data(text: str) -> str:
    """`text` with the same personal data removed, so what is left is the question itself."""
    if not text:
        return text
    out = _replace(text, " ", " ", " ", " ")
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"\(\s*\)", " ", out)).strip()


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with `redact` before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def install_log_redaction() -> None:
    """Redact every record written through the root logger's handlers (idempotent)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


# A digest (a suite's or a document's sha256) is no personal data, though its digits may look like
# a phone number: redacted, two runs of one suite could no longer be compared.
_DIGEST = re.compile(r"[0-9a-f]{32,}")
_KEEP_KEYS = ("id", "ids", "run_id", "created", "started", "finished", "timestamp", "commit")


def redact_tree(value: Any, key: str = "") -> Any:
    """A JSON-like structure with every free-text string redacted (for stored runs and records).

    Identifiers, timestamps (keys such as «id», «run_id», «created») and digests are left as they
    are: a run id «20261123-101010» is not a phone number.
    """
    if isinstance(value, str):
        keep = (
            key in _KEEP_KEYS
            or key.endswith(("_id", "_ids", "_at"))
            or bool(_DIGEST.fullmatch(value))
        )
        return value if keep else redact(value)
    if isinstance(value, dict):
        return {k: redact_tree(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v, key) for v in value]
    return value
