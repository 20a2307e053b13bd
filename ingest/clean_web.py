"""Web-page clean-up: site chrome out, the page's own headings and link lists kept.

Rules are general patterns of Norwegian public web sites, never lists of lines from one file:
- known chrome sentences («Gå til hovedinnhold», «Du benytter en nettleser vi ikke støtter»,
  «Se tidligere versjoner», «Følg oss», open-data notices), breadcrumbs (link texts glued together
  «ForsidenFaglige råd…»), telephone links and postal address lines;
- the footer: from a footer marker («Kontakt», «Om <organisasjon>», «Postadresse», «Følg oss») in
  the second half of the page onwards, when everything after it is short link-like lines;
- link lists: runs of short lines without sentence punctuation become list items; a short line
  followed by a sentence or by more deeply indented lines is a heading; catalogue labels under a
  title («Nasjonal veileder», «PDF», «Rapport», a date) are folded into that title.
It does not touch PDF-like running text beyond the chrome sentences.
"""

from __future__ import annotations

import re

from ingest.clean_lines import Block, Line, is_bullet, plain

CHROME_RE = re.compile(
    r"^(?:Gå til (?:hoved)?innhold(?:et)?|Hopp til (?:hoved)?innhold(?:et)?|Til hovedinnhold"
    r"|Du benytter en nettleser vi ikke støtter.*|Meny|Søk|Lukk|Skriv ut|Del(?: siden)?"
    r"|Følg oss:?|Se tidligere versjoner|Tilbake til toppen|Til toppen"
    r"|Få tilgang til innhold fra .{3,60} som åpne data.*|Åpne data \(API\)"
    r"|Personvernerklæring|Tilgjengelighetserklæring.*|Besøksstatistikk og informasjonskapsler"
    r"|Nyhetsvarsel og abonnement|tel:\+?\d[\d ]+|mailto:\S+|E-?post:?\s*\S+@\S+"
    r"|Postadresse:?|Besøksadresse:?|Postboks \d+.*|\d{4} [A-ZÆØÅ][a-zæøå]+)$",
    re.IGNORECASE,
)
TRAILING_CHROME_RE = re.compile(r"\s*\b(?:Se tidligere versjoner|Skriv ut|Del siden)\s*$")
FOOTER_MARKER_RE = re.compile(
    r"^(?:Kontakt(?: oss)?|Om (?:oss|nettstedet|[A-ZÆØÅ]\w+)|Postadresse:?|Følg oss:?)$"
)
GLUED_LINKS_RE = re.compile(r"[a-zæøå)][A-ZÆØÅ]")
LABEL_RE = re.compile(
    r"^(?:Nasjonal(?:e)? (?:veileder|faglig(?:e)? (?:retningslinje|råd))|Veileder|Rapport|Høring"
    r"|Retningslinje|Pakkeforløp|Rundskriv|PDF(?: \([\d.,]+ ?[KM]B\))?|\d{2}\.\d{2}\.\d{4})$",
    re.IGNORECASE,
)
DATE_LINE_RE = re.compile(r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}$|\d{1,2}\. [a-zæøå]+ \d{4}$")


def _link_like(text: str) -> bool:
    t = plain(text)
    return len(t) <= 80 and not re.search(r"[.!?]$", t)


def drop_chrome(lines: list[Line]) -> list[Line]:
    """Remove site chrome lines and breadcrumbs, and cut a trailing footer."""
    kept: list[Line] = []
    for ln in lines:
        text = ln.text
        if CHROME_RE.match(text) or (len(GLUED_LINKS_RE.findall(text)) >= 2 and " " in text):
            continue
        stripped = TRAILING_CHROME_RE.sub("", text)
        if stripped != text:
            ln.text = stripped
        kept.append(ln)
    return _cut_footer(kept)


def _cut_footer(lines: list[Line]) -> list[Line]:
    half = len(lines) // 2
    for i in range(half, len(lines)):
        body = lines[i].text.lstrip("•▪ ").strip()
        if FOOTER_MARKER_RE.match(body) and all(_link_like(ln.text) for ln in lines[i:]):
            return lines[:i]
    return lines


def _is_short(block: Block) -> bool:
    t = plain(block.text)
    return (
        block.kind == "paragraph"
        and len(t) <= 160
        and not re.search(r"[.!?:;]$", t)
        and not DATE_LINE_RE.search(t)
        and not is_bullet(t)
    )


def fold_labels(blocks: list[Block]) -> list[Block]:
    """Fold catalogue labels into the title above them: «Tittel (Nasjonal veileder, PDF)»."""
    out: list[Block] = []
    labels: list[str] = []
    for block in blocks:
        t = plain(block.text)
        if LABEL_RE.match(t) and out and _is_short(out[-1]):
            labels.append(re.sub(r"^PDF.*", "PDF", t))
            continue
        if labels:
            out[-1].text += f" ({', '.join(labels)})"
            labels = []
        out.append(block)
    if labels:
        out[-1].text += f" ({', '.join(labels)})"
    return out


def resolve_short_blocks(blocks: list[Block]) -> list[Block]:
    """Decide, for an unnumbered document, which short lines are headings and which list items.

    Decided from the end: a short line is a heading when a sentence, list or comment follows, when
    more deeply indented lines follow, or when a heading at the same or deeper indentation follows
    (a topic over a recommendation); short lines in a run are list items.
    """
    blocks = fold_labels(blocks)
    heading = [False] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if not _is_short(block):
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is None:
            continue
        content_follows = nxt.kind in {"list_item", "comment"} or (
            nxt.kind == "paragraph" and not _is_short(nxt)
        )
        deeper = nxt.indent >= block.indent + 3 and _is_short(nxt)
        parent = heading[i + 1] and nxt.indent >= block.indent
        prev = blocks[i - 1] if i > 0 else None
        in_run = prev is not None and prev.indent == block.indent and _is_short(prev)
        commented = nxt.kind == "comment"
        heading[i] = commented or (not in_run and (content_follows or deeper or parent))
    level = 0
    for i, block in enumerate(blocks):
        if heading[i]:
            chained = i > 0 and heading[i - 1]
            level = level + 1 if chained else (2 if level else 1)
            block.kind, block.level = "heading", level
        elif _is_short(block) and any(
            0 <= j < len(blocks) and (_is_short(blocks[j]) or blocks[j].kind == "list_item")
            for j in (i - 1, i + 1)
        ):
            block.kind = "list_item"
    return blocks
