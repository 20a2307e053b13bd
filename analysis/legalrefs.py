"""Find and normalise references to Norwegian legal provisions in running text.

`extract_refs` turns «jf. helsepersonelloven § 21», «forvaltningsloven § 13b første ledd nr. 7»,
«§§ 41 og 42», «§§ 13-13 e» or «hpl. § 21» into `LegalRef`s (law + provision at § level + ledd, nr.,
bokstav; a bare «§ 7» of a chapter-numbered law becomes «kapittel 7»). A bare § is attributed to the law most recently named earlier in the same text, else to
`default_law`; with no law in view it is reported unresolved by `scan` and left out of
`extract_refs` (we never guess).

Canonical law names are the short forms used in the sources («helsepersonelloven»). Regulations
given as «forskrift til X-loven» become «X-forskriften» (so «forskrift til straffegjennomføringsloven
§ 3-35» and «straffegjennomføringsforskriften § 3-35» are one provision). Unknown laws named as one
word ending in -loven/-forskriften or as «lov/forskrift om …» directly before a § keep their written
name. This module deliberately does not fetch anything: `lovdata_url` only builds a link for users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.records import LegalRef

# Forms as written (lowercase, single spaces) -> canonical law name.
LAW_ALIASES: dict[str, str] = {
    "helsepersonelloven": "helsepersonelloven",
    "helsepersonellova": "helsepersonelloven",
    "lov om helsepersonell": "helsepersonelloven",
    "hpl": "helsepersonelloven",
    "straffegjennomføringsloven": "straffegjennomføringsloven",
    "straffegjennomføringslova": "straffegjennomføringsloven",
    "lov om gjennomføring av straff": "straffegjennomføringsloven",
    "strgjfl": "straffegjennomføringsloven",
    "strgjl": "straffegjennomføringsloven",
    "stgjl": "straffegjennomføringsloven",
    "sgfl": "straffegjennomføringsloven",
    "straffegjennomføringsforskriften": "straffegjennomføringsforskriften",
    "forskrift om straffegjennomføring": "straffegjennomføringsforskriften",
    "forvaltningsloven": "forvaltningsloven",
    "forvaltningslova": "forvaltningsloven",
    "fvl": "forvaltningsloven",
    "pasient- og brukerrettighetsloven": "pasient- og brukerrettighetsloven",
    "pasient- og brukarrettslova": "pasient- og brukerrettighetsloven",
    "pasientrettighetsloven": "pasient- og brukerrettighetsloven",
    "lov om pasient- og brukerrettigheter": "pasient- og brukerrettighetsloven",
    "pbrl": "pasient- og brukerrettighetsloven",
    "pasrl": "pasient- og brukerrettighetsloven",
    "helse- og omsorgstjenesteloven": "helse- og omsorgstjenesteloven",
    "helse- og omsorgstenestelova": "helse- og omsorgstjenesteloven",
    "lov om kommunale helse- og omsorgstjenester": "helse- og omsorgstjenesteloven",
    "hol": "helse- og omsorgstjenesteloven",
    "hotjl": "helse- og omsorgstjenesteloven",
    "spesialisthelsetjenesteloven": "spesialisthelsetjenesteloven",
    "spesialisthelsetenestelova": "spesialisthelsetjenesteloven",
    "lov om spesialisthelsetjenesten": "spesialisthelsetjenesteloven",
    "sphl": "spesialisthelsetjenesteloven",
    "sphtjl": "spesialisthelsetjenesteloven",
    "psykisk helsevernloven": "psykisk helsevernloven",
    "helsevernloven": "psykisk helsevernloven",
    "psykisk helsevernlova": "psykisk helsevernloven",
    "helsevernlova": "psykisk helsevernloven",
    "lov om psykisk helsevern": "psykisk helsevernloven",
    "phvl": "psykisk helsevernloven",
    "phlsvl": "psykisk helsevernloven",
    "psykisk helsevernforskriften": "psykisk helsevernforskriften",
    "helsevernforskriften": "psykisk helsevernforskriften",
    "straffeprosessloven": "straffeprosessloven",
    "straffeprosesslova": "straffeprosessloven",
    "lov om rettergangsmåten i straffesaker": "straffeprosessloven",
    "strpl": "straffeprosessloven",
    "straffeloven": "straffeloven",
    "straffelova": "straffeloven",
    "strl": "straffeloven",
    "forskrift om tjenester til personer uten fast opphold": (
        "forskrift om helse- og omsorgstjenester til personer uten fast opphold"
    ),
    "forskrift om rett til helse- og omsorgstjenester til personer uten fast opphold i riket": (
        "forskrift om helse- og omsorgstjenester til personer uten fast opphold"
    ),
}

# Abbreviations (the short, one-word aliases: «hpl», «strgjfl») only count right before a § sign:
# «hol» or «strl» alone are not reliable words.
_ABBREVIATIONS: tuple[str, ...] = tuple(
    form for form in LAW_ALIASES if len(form) <= 7 and form.isalpha() and form != LAW_ALIASES[form]
)

# Lovdata ids, checked against the laws' dates of adoption; unknown laws get no link.
_LOVDATA_IDS: dict[str, str] = {
    "helsepersonelloven": "lov/1999-07-02-64",
    "straffegjennomføringsloven": "lov/2001-05-18-21",
    "forvaltningsloven": "lov/1967-02-10",
    "pasient- og brukerrettighetsloven": "lov/1999-07-02-63",
    "helse- og omsorgstjenesteloven": "lov/2011-06-24-30",
    "spesialisthelsetjenesteloven": "lov/1999-07-02-61",
    "psykisk helsevernloven": "lov/1999-07-02-62",
    "straffeprosessloven": "lov/1981-05-22-25",
    "straffeloven": "lov/2005-05-20-28",
    "straffegjennomføringsforskriften": "forskrift/2002-02-22-183",
    "psykisk helsevernforskriften": "forskrift/2011-12-16-1258",
    "forskrift om helse- og omsorgstjenester til personer uten fast opphold": (
        "forskrift/2011-12-16-1255"
    ),
}

# Laws numbered by chapter («§ 7-1»): a bare «§ 7» in them can only mean the chapter, as in
# «helse- og omsorgstjenesteloven § 7» for the chapter on individual plans. Such a reference is
# normalised to «kapittel 7».
CHAPTERED_LAWS: frozenset[str] = frozenset(
    {
        "helse- og omsorgstjenesteloven",
        "pasient- og brukerrettighetsloven",
        "spesialisthelsetjenesteloven",
        "psykisk helsevernloven",
        "straffegjennomføringsforskriften",
    }
)

ORDINALS: dict[str, str] = {
    "første": "første",
    "andre": "andre",
    "annet": "andre",
    "annen": "andre",
    "tredje": "tredje",
    "fjerde": "fjerde",
    "femte": "femte",
    "sjette": "sjette",
    "syvende": "syvende",
    "sjuende": "syvende",
    "åttende": "åttende",
    "niende": "niende",
    "tiende": "tiende",
    "ellevte": "ellevte",
    "tolvte": "tolvte",
}
_NUMBER_ORDINALS = tuple(dict.fromkeys(ORDINALS.values()))
_ORD = r"(?:" + "|".join(ORDINALS) + r"|\d{1,2}\.)"

_L = r"a-zæøåA-ZÆØÅ"
_LAW_WORD = (
    rf"(?<![{_L}])(?:[{_L}]+-\s+og\s+)?[{_L}]+(?:loven|lova|forskriften|forskrifta)(?![{_L}])"
)
_MENTION = re.compile(
    rf"(?P<forskrift_til>forskrift(?:en)?\s+til\s+(?P<parent>{_LAW_WORD}))"
    rf"|(?P<named>(?<![{_L}])(?:lov|forskrift)\s+om\s+[^§.;:()]{{1,90}}?(?=\s*§))"
    rf"|(?P<psyk>psykisk\s+helsevern(?:loven|lova|forskriften))"
    rf"|(?P<word>{_LAW_WORD})"
    rf"|(?P<abbr>(?<![{_L}])(?:{'|'.join(_ABBREVIATIONS)})\.?(?=\s*§))",
    re.IGNORECASE,
)
_ITEM = re.compile(
    r"(?P<num>\d+)(?:\s*(?P<sep>[-–])\s*(?P<num2>\d+))?"
    rf"(?:(?P<sp>\s?)(?P<letter>[a-zæøå])(?![{_L}0-9]))?",
    re.IGNORECASE,
)
_LEDD = re.compile(rf",?\s*(?P<ords>{_ORD}(?:\s*(?:,|og)\s*{_ORD})*)\s+ledd\b", re.IGNORECASE)
_NR = re.compile(r"\s*(?:nr\.?|nummer)\s*(?P<nr>\d+)", re.IGNORECASE)
_BOKSTAV = re.compile(rf"\s*bokstav\s+(?P<b>[a-zæøå])(?![{_L}])", re.IGNORECASE)
_FLG = re.compile(r"\s*(?:flg\.?|følgende|ff\.)", re.IGNORECASE)
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:og\s+|eller\s+)?|\s(?:og|eller|til)\s+)", re.IGNORECASE)
# A number opening a line and followed by a capitalised word is a footnote («9 Helsedirektoratet …»)
# that a page break put right after a list of provisions, not one more provision.
_FOOTNOTE_LINE = re.compile(r"(?<=\n)\s*\d+\s+[A-ZÆØÅ]")
_SECTION_SIGN = re.compile(r"§§?")
_PROVISION = re.compile(r"^\s*§*\s*(\d+)(?:\s*-\s*(\d+))?\s*([a-zæøå])?\s*$", re.IGNORECASE)
_CHAPTER = re.compile(r"^\s*(?:kapittel|kap\.?)\s*(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RefMatch:
    """One §-group found by `scan`: its span, the law it was attributed to (None: unresolved)."""

    start: int
    end: int
    law: str | None
    refs: tuple[LegalRef, ...]
    provisions: tuple[str, ...]


def _space(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip()).lower()


def canonical_law(name: str) -> str:
    """Canonical law name for a written form; unknown forms are returned normalised as written."""
    key = _space(name).rstrip(".")
    if key in LAW_ALIASES:
        return LAW_ALIASES[key]
    for form, law in LAW_ALIASES.items():
        # «lov om pasient- og brukerrettigheter mv.» and similar longer titles.
        if form.startswith(("lov om", "forskrift om")) and key.startswith(form):
            return law
    return key


def _mention_law(m: re.Match[str]) -> str:
    if m.group("forskrift_til"):
        parent = canonical_law(m.group("parent"))
        for suffix in ("loven", "lova"):
            if parent.endswith(suffix):
                return canonical_law(parent[: -len(suffix)] + "forskriften")
        return f"forskrift til {parent}"
    return canonical_law(m.group(0))


def law_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every law named in `text`: (start, end, canonical name), in text order."""
    return [(m.start(), m.end(), _mention_law(m)) for m in _MENTION.finditer(text)]


def last_law_named(text: str) -> str | None:
    """The law named last in `text` (what a following bare § most plausibly refers to)."""
    mentions = law_mentions(text)
    return mentions[-1][2] if mentions else None


def parse_provision(s: str) -> str | None:
    """«§13b», «§ 13 b», «13b» -> «§ 13 b»; «§3-16» -> «§ 3-16»; «kap. 7» -> «kapittel 7»;
    None when not a provision."""
    chapter = _CHAPTER.match(s)
    if chapter:
        return f"kapittel {int(chapter.group(1))}"
    m = _PROVISION.match(s)
    if not m:
        return None
    return _format(m.group(1), m.group(2), m.group(3))


def _format(num: str, chapter_num: str | None, letter: str | None) -> str:
    out = f"§ {int(num)}" if chapter_num is None else f"§ {int(num)}-{int(chapter_num)}"
    return f"{out} {letter.lower()}" if letter else out


def _letters(start: str | None, end: str) -> list[str | None]:
    lo = ord(start) if start else ord("a") - 1
    return [None if c < ord("a") else chr(c) for c in range(lo, ord(end.lower()) + 1)]


def _item_provisions(m: re.Match[str], plural: bool) -> list[str]:
    """Provisions named by one item: usually one, several when the item is a range."""
    num, sep, num2 = m.group("num"), m.group("sep"), m.group("num2")
    letter = m.group("letter")
    if letter and m.group("sp") and letter.lower() in ("i", "å", "o"):
        letter = None  # one-letter words («§ 4 i forskriften»), not provision letters
    is_range = sep is not None and (sep == "–" or (plural and num == num2 and letter))
    if is_range and num2 is not None:
        if num == num2 and letter:  # «§§ 13-13 e» -> 13, 13 a … 13 e
            return [_format(num, None, x) for x in _letters(None, letter)]
        lo, hi = int(num), int(num2)
        if lo < hi <= lo + 30:
            return [_format(str(n), None, None) for n in range(lo, hi)] + [
                _format(num2, None, letter)
            ]
    return [_format(num, num2, letter)]


def _modifiers(text: str, pos: int) -> tuple[int, str | None, str | None, str | None]:
    ledd = nr = bokstav = None
    while True:
        for pattern in (_LEDD, _NR, _BOKSTAV, _FLG):
            m = pattern.match(text, pos)
            if m:
                break
        else:
            return pos, ledd, nr, bokstav
        pos = m.end()
        if pattern is _LEDD:
            words = re.split(r"\s*(?:,|og)\s*", m.group("ords").lower())
            if len(words) == 1:
                w = words[0]
                ledd = ORDINALS.get(w) or _ordinal_from_number(w)
        elif pattern is _NR:
            nr = m.group("nr")
        elif pattern is _BOKSTAV:
            bokstav = m.group("b").lower()


def _ordinal_from_number(w: str) -> str | None:
    n = int(w.rstrip("."))
    return _NUMBER_ORDINALS[n - 1] if 1 <= n <= len(_NUMBER_ORDINALS) else None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _parse_group(text: str, pos: int, plural: bool) -> tuple[int, list[tuple[str, ...]]]:
    """Parse the provisions after a § sign at `pos`; returns (end, [(provision, ledd, nr, b)])."""
    found: list[tuple[str, ...]] = []
    while True:
        m = _ITEM.match(text, _skip_space(text, pos))
        if not m:
            break
        end, ledd, nr, bokstav = _modifiers(text, m.end())
        found += [(p, ledd or "", nr or "", bokstav or "") for p in _item_provisions(m, plural)]
        pos = end
        sep = _LIST_SEP.match(text, pos) if plural else None
        if not sep or not _ITEM.match(text, sep.end()) or _FOOTNOTE_LINE.match(text, sep.end()):
            break
        pos = sep.end()
    return pos, found


def in_law(law: str, provision: str) -> str:
    """The provision as it exists in `law`: a bare «§ 7» of a chapter-numbered law is its chapter."""
    bare = re.fullmatch(r"§ (\d+)", provision)
    if bare and law in CHAPTERED_LAWS:
        return f"kapittel {bare.group(1)}"
    return provision


def scan(text: str, default_law: str | None = None) -> list[RefMatch]:
    """Every § group in `text` with its span and attributed law (None when no law is in view)."""
    mentions = law_mentions(text)
    out: list[RefMatch] = []
    for sign in _SECTION_SIGN.finditer(text):
        if out and sign.start() < out[-1].end:
            continue
        before = [law for _, end, law in mentions if end <= sign.start()]
        law = before[-1] if before else default_law
        end, items = _parse_group(text, sign.end(), plural=sign.group() == "§§")
        refs = (
            tuple(
                LegalRef(law, in_law(law, p), ledd or None, nr or None, b or None)
                for p, ledd, nr, b in items
            )
            if law
            else ()
        )
        provisions = tuple(dict.fromkeys(p for p, *_ in items))
        out.append(RefMatch(sign.start(), max(end, sign.end()), law, refs, provisions))
    return out


def extract_refs(text: str, default_law: str | None = None) -> list[LegalRef]:
    """All resolvable references in `text`, in text order, without duplicates."""
    seen: set[LegalRef] = set()
    refs: list[LegalRef] = []
    for match in scan(text, default_law):
        for ref in match.refs:
            if ref not in seen:
                seen.add(ref)
                refs.append(ref)
    return refs


def lovdata_url(ref: LegalRef) -> str | None:
    """A Lovdata link for the user (never fetched here); None for laws we hold no id for."""
    law_id = _LOVDATA_IDS.get(ref.law)
    if law_id is None:
        return None
    chapter = re.fullmatch(r"kapittel (\d+)", ref.provision)
    if chapter:
        base = "NL" if law_id.startswith("lov/") else "SF"
        return f"https://lovdata.no/dokument/{base}/{law_id}/KAPITTEL_{chapter.group(1)}"
    return f"https://lovdata.no/{law_id}/{ref.provision.replace(' ', '')}"
