"""Split text into sentence spans: for cutting long paragraphs at ingest and for extractive answers.

Returns (start, end) offsets into the given text, so every selected sentence is an exact substring of
its passage. Knows the abbreviations of Norwegian legal prose («jf.», «pkt.», «nr.», «f.eks.») and never
splits inside a section number («7.1.3») or a date. It does not judge relevance: `compose` does.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        "jf", "jfr", "pkt", "nr", "bl.a", "f.eks", "mv", "m.v", "ca", "dvs", "o.l", "m.m", "kap",
        "hhv", "evt", "t.o.m", "osv", "mht", "pr", "ev", "fig", "tab", "s", "ref", "inkl", "ekskl",
        "vedr", "iht", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "okt", "nov", "des",
        "lovdata.no", "e.l", "m.fl", "st", "tlf", "avd", "art", "bokst", "ff", "flg", "etc",
        "meld", "a.a",
    }
)  # fmt: skip

# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before whitespace.
_BOUNDARY = re.compile(r"[.!?][»”\")]?(?=\s+)")
# Words a provision's number follows, sometimes after a stray full stop («punkt. 8.11.4»).
_BEFORE_NUMBER = frozenset({"punkt", "kapittel"})
_NUMBER_AFTER = re.compile(r"\s+\d")
_NEXT_START = re.compile(r"\s+([«\"(]?[A-ZÆØÅ0-9•–-])")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at `dot` closes a known abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if word in ABBREVIATIONS:
        return True
    if word in _BEFORE_NUMBER and _NUMBER_AFTER.match(text, dot + 1):
        return True  # «retningslinjer … punkt. 8.11.4»: the number belongs to the reference
    # Capital single letters («A. Hansen») are initials; «bokstav h.» ends a sentence; «5. august»
    # is caught by the lower-case next word.
    return len(word) == 1 and text[dot - 1].isupper()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`, trimmed of surrounding whitespace, covering all non-space text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[m.start()] == "." and _is_abbreviation(text, m.start()):
            continue
        if not _NEXT_START.match(text, end):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# A sentence that opens with (or contains) one of these refers to something said before it: quoted
# alone it can state what the source does not («I slike tilfeller får kriminalomsorgens ansatte
# samme taushetsplikt …» without the sentence that says which cases). Plain «Det» and «Den/De» are
# left out: they are usually an expletive subject or an article («Det er viktig …», «Den innsatte»).
_BACK_OPENERS = re.compile(
    r"^[«\"(]?(?:(?:dette|denne|disse|dets|slik[et]?|sånn[et]?|samme|det samme|tilsvarende|"
    r"i (?:slike|sånne|disse|begge|de nevnte) \w+|i dette tilfelle[t]?|i så fall|her|"
    r"dermed|derfor|likevel|imidlertid|videre|også|heller ikke|ellers|derimot|i tillegg|"
    r"this|these|such)\b"
    # A bare noun refers back («Vilkåret er …»); with a complement it names its own subject
    # («Vilkårene for vedtak om …», «Bestemmelsen i § 37 …»).
    r"|(?:vilkåret|vilkårene|bestemmelsen|bestemmelsene|unntaket|unntakene|regelen|reglene|"
    r"plikten|ordningen|hensikten|formålet|begrunnelsen)\b"
    r"(?!\s+(?:for|om|i|etter|til|ved|av|på|fra|som|under|med)\b))",
    re.I,
)
_BACK_INSIDE = re.compile(
    r"\b(slike (tilfeller|situasjoner|saker|forhold)|i så fall|nevnte|ovennevnte|ovenfor|"
    r"disse (tilfellene|situasjonene|opplysningene|vilkårene)|dette tilfellet|"
    r"denne (bestemmelsen|plikten|vurderingen|situasjonen|formuleringen|setningen|anbefalingen)|"
    r"for dette|for denne)\b",
    re.I,
)


def leans_back(sentence: str) -> bool:
    """True when the sentence refers back to an earlier one and cannot be quoted alone."""
    text = sentence.lstrip(" -–•*\t\n")
    return bool(_BACK_OPENERS.match(text) or _BACK_INSIDE.search(text))


# What a sentence that leans back adds to the one before it: the legal basis («Hjemmelen for dette
# er …»), the scope («Dette unntaket omfatter …», «Det innebærer …», «Dette forutsetter at …») or
# the author's verdict
# («Vi stiller spørsmål ved denne formuleringen og mener …», «Altså …»).
_CARRIES = re.compile(
    r"§|\b(hjemmel\w*|omfatte[rt]?|innebære[rt]?|betyr|altså|følger av|mener|stiller spørsmål|"
    r"bør (?:omformuleres|endres|fjernes|presiseres)|kritikk\w*|uenig\w*|gjelder (?:ikke|bare|kun)|"
    r"forutsetter|forutsatt|på vilkår)\b",
    re.I,
)


def carries_on(sentence: str) -> bool:
    """True when a sentence leans on the one before it and carries its basis, scope or verdict:
    quoted without it, the sentence before may state what the source does not."""
    return leans_back(sentence) and bool(_CARRIES.search(sentence))


_PRECONDITION = re.compile(r"\b(?:forutsetter|forutsatt|på vilkår)\b", re.I)


def states_precondition(sentence: str) -> bool:
    """True when a sentence leaning on the one before sets a precondition for it («Dette
    forutsetter at kommuneoverlegen godkjenner ordningen»): the rule before is no plain yes."""
    return leans_back(sentence) and bool(_PRECONDITION.search(sentence))
