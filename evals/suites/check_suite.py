"""Validate a curated evaluation suite (JSONL) against the corpus it was written from.

Run it stand-alone: `.venv/bin/python evals/suites/check_suite.py [SUITE.jsonl]`. It checks each item's
schema and id conventions, that every gold quote is a short verbatim span of one sentence in the named
document (whitespace runs collapsed; a match that needs a line-end hyphenation joined is a warning),
and that every fact occurs in the source paragraph around one of the item's gold quotes (a warning if
it only occurs elsewhere in a gold document, an error if nowhere). It then prints counts by topic,
role, language and tag and checks them against the suite's minimum sizes.

A spreadsheet suite (.csv/.xlsx, see `evals.sheets`) is checked by `check_sheet`: its columns and
values, unique ids, known roles, and every gold phrase against the corpus, each message naming the
row and column; passage ids are checked against the index only when the suite is run.

Messages are in Norwegian: policy teams maintain the suite. It deliberately does not run the
assistant, score answers or know about passages or the index: the evaluation runner does that.
Paragraphs here are a plain-text heuristic (blank lines, bullets, headings, footnote and URL lines),
used only to decide where a fact may be found.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SUITE = HERE / "core.jsonl"
DEFAULT_CORPUS = HERE.parents[1] / "corpus"

KEYS = (
    "id",
    "topic",
    "role",
    "lang",
    "tags",
    "question",
    "history",
    "gold",
    "facts",
    "expect_refusal",
)
# Optional item keys: `actor`, who the gold sentence binds (for role-label accuracy); `short`,
# «ja» or «nei» for a yes/no question whose sources settle it (the short answer line's accuracy).
OPTIONAL_KEYS = ("actor", "short")
SHORTS = ("ja", "nei")
ACTORS = ("kriminalomsorgen", "kommunehelse", "spesialisthelse", "helsepersonell", "felles")
TOPICS = ("taushetsplikt", "isolasjon", "annet")
ROLES = ("kriminalomsorgen", "kommunehelse", "spesialisthelse", "jurist", "alle")
LANGS = ("no", "en")
TAGS = (
    "paraphrase", "english", "typo", "provision", "list",
    "refusal", "offtopic", "followup", "draft", "opinion", "nearmiss",
)  # fmt: skip
PREFIX_TOPIC = {"tp": "taushetsplikt", "is": "isolasjon", "an": "annet"}
QUOTE_WORDS = (6, 20)
# Minimum sizes agreed in the issue «Evaluation suite on taushetsplikt and isolation duties».
MINIMA = {
    "answerable": 80,
    "topic:taushetsplikt": 35,
    "topic:isolasjon": 35,
    "refusal": 12,
    "multiturn": 8,
    "tag:english": 8,
    "tag:typo": 6,
    "tag:provision": 6,
}

# A footnote marker glued to a word («helsetilstand.11», «skal13») would make a quote depend on
# how the ingest stage treats footnotes; quotes must stop before it.
GLUED_MARKER = re.compile(r"[a-zæøå]{3,}[.,]?\d")
SENTENCE_BREAK = re.compile(r"[.!?] +[A-ZÆØÅ«]")
BULLET = re.compile(r"^\s*[•▪\-–]\s")
FOOTNOTE_LINE = re.compile(r"^\s*\d{1,2}\s+[A-ZÆØÅ]")
# Numbered headings («6.2 Helse- og omsorgstjenesten», «7. UTFORDRINGER …») and URL lines stand alone.
HEADING_LINE = re.compile(r"^\s*(\d+(\.\d+)+\.?\s+\S|\d+\.\s+[A-ZÆØÅ]{2,})")
URL_LINE = re.compile(r"^\s*https?://")


def collapse(text: str) -> str:
    """NFC-normalise and collapse every whitespace run (line breaks included) to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class Source:
    """One corpus document as plain text: collapsed, hyphen-joined variants and paragraphs."""

    doc_id: str
    status: str
    text: str
    joined: tuple[str, ...]
    paragraphs: tuple[tuple[int, int], ...]  # spans in `text`

    def context(self, quote: str) -> str | None:
        """The paragraph(s) around the first occurrence of quote, or None when not found."""
        start = self.text.find(quote)
        if start < 0:
            return None
        end = start + len(quote)
        spans = [(a, b) for a, b in self.paragraphs if a < end and b > start]
        return self.text[spans[0][0] : spans[-1][1]]


def _is_double_spaced(lines: list[str]) -> bool:
    """True for PDF dumps with double line spacing: most wrapped lines are followed by one empty line.

    Web dumps with one paragraph per line look alike, but their lines end sentences; wrapped PDF
    lines mostly end mid-sentence.
    """
    text_idx = [i for i, line in enumerate(lines[:-2]) if line.strip()]
    followed = [i for i in text_idx if lines[i + 1] == "" and lines[i + 2].strip()]
    if not text_idx or len(followed) <= len(text_idx) / 2:
        return False
    ends = sum(1 for i in followed if re.search(r"[.:!?»)]\s*$", lines[i]))
    return ends < 0.3 * len(followed)


def split_paragraphs(raw: str) -> list[str]:
    """Split raw text into paragraphs at blank-line runs, bullets, headings, footnote and URL lines."""
    lines = unicodedata.normalize("NFC", raw).split("\n")
    min_blank = 2 if _is_double_spaced(lines) else 1
    blocks: list[list[str]] = [[]]
    blank_run = 0
    alone = False  # the previous line was a heading or URL: it forms a block of its own
    in_note = False  # the current block is a footnote; a page seam (no blank line) ends it
    for line in lines:
        if not line.strip():
            # In double-spaced text a lone empty line is a line break; a line of spaces is not.
            blank_run += 1 if line == "" else min_blank
            continue
        is_alone = bool(HEADING_LINE.match(line) or URL_LINE.match(line))
        is_note = bool(FOOTNOTE_LINE.match(line))
        starts_block = (
            alone
            or is_alone
            or is_note
            or blank_run >= min_blank
            or (in_note and blank_run == 0 and min_blank > 1)
            or bool(BULLET.match(line))
        )
        if starts_block and blocks[-1]:
            blocks.append([])
            in_note = is_note
        blocks[-1].append(line)
        blank_run, alone = 0, is_alone
    return [c for c in (collapse(" ".join(b)) for b in blocks) if c]


def load_source(doc_id: str, status: str, path: Path) -> Source:
    raw = path.read_text(encoding="utf-8")
    paragraphs = split_paragraphs(raw)
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in paragraphs:
        spans.append((pos, pos + len(para)))
        pos += len(para) + 1
    text = " ".join(paragraphs)
    # Two readings of a line-end hyphen: a split word («ROP-\nlidelse») or a dropped soft hyphen.
    hyphen = re.compile(r"(\w)-[ \t]*\n\s*(\w)")
    joined = (collapse(hyphen.sub(r"\1-\2", raw)), collapse(hyphen.sub(r"\1\2", raw)))
    return Source(doc_id, status, text, joined, tuple(spans))


def load_corpus(corpus_dir: Path) -> dict[str, Source]:
    manifest = tomllib.loads((corpus_dir / "manifest.toml").read_text(encoding="utf-8"))
    return {
        doc["id"]: load_source(doc["id"], doc["status"], corpus_dir / doc["file"])
        for doc in manifest["document"]
    }


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_shape(item: dict[str, Any], rep: Report, where: str) -> bool:
    """Schema and id conventions; False when the item is too malformed to check further."""
    before = len(rep.errors)
    keys = set(item) - {k for k in OPTIONAL_KEYS if k in item}
    if keys != set(KEYS):
        rep.errors.append(f"{where}: nøkler {sorted(keys ^ set(KEYS))} mangler eller er ukjente")
        return False
    if "actor" in item and item["actor"] not in ACTORS:
        rep.errors.append(f"{where}: actor er ikke en av {ACTORS}")
    if "short" in item and item["short"] not in SHORTS:
        rep.errors.append(f"{where}: short er ikke en av {SHORTS}")
    if "short" in item and "nearmiss" in item.get("tags", ()):
        rep.errors.append(f"{where}: et nearmiss-spørsmål har ikke short (kildene avgjør det ikke)")
    iid, refusal = item["id"], item["expect_refusal"]
    prefix = iid.split("-")[0]
    checks = [
        (re.fullmatch(r"(tp|is|an|rf|mt)-\d{3}", iid) is not None, "id må være tp|is|an|rf|mt-NNN"),
        (item["topic"] in TOPICS, f"topic er ikke en av {TOPICS}"),
        (item["role"] in ROLES, f"role er ikke en av {ROLES}"),
        (item["lang"] in LANGS, f"lang er ikke en av {LANGS}"),
        (isinstance(item["tags"], list) and set(item["tags"]) <= set(TAGS), "ukjent tag"),
        (
            isinstance(item["question"], str) and len(item["question"].strip()) > 3,
            "mangler spørsmål",
        ),
        (isinstance(refusal, bool), "expect_refusal må være true eller false"),
        (
            PREFIX_TOPIC.get(prefix, item["topic"]) == item["topic"],
            "id-prefiks og topic stemmer ikke",
        ),
        ((prefix == "rf") == (refusal is True), "rf-id-er og bare de skal avvises"),
        ((prefix == "mt") == bool(item["history"]), "mt-id-er og bare de har history"),
        (
            ("english" in item["tags"]) == (item["lang"] == "en"),
            "tag english når og bare når lang er en",
        ),
        (
            ("followup" in item["tags"]) == bool(item["history"]),
            "tag followup når og bare når history finnes",
        ),
        (
            ("refusal" in item["tags"] or "offtopic" in item["tags"]) == refusal,
            "tag refusal/offtopic når og bare når expect_refusal",
        ),
        (
            not ("nearmiss" in item["tags"] and refusal),
            "et nearmiss-spørsmål avvises ikke (kildene har noe nært)",
        ),
    ]
    for good, msg in checks:
        if not good:
            rep.errors.append(f"{where}: {msg}")
    history = item["history"]
    if not isinstance(history, list) or not all(
        isinstance(h, dict) and set(h) == {"question"} and isinstance(h["question"], str)
        for h in history
    ):
        rep.errors.append(f"{where}: history må være en liste av {{'question': str}}")
    return len(rep.errors) == before


def _check_quote(quote: str, src: Source, rep: Report, where: str) -> None:
    words = len(quote.split())
    if not QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1]:
        rep.errors.append(f"{where}: sitatet har {words} ord, skal ha {QUOTE_WORDS}: «{quote}»")
    if GLUED_MARKER.search(quote):
        rep.errors.append(f"{where}: sitatet inneholder en fotnotemarkør: «{quote}»")
    if SENTENCE_BREAK.search(quote):
        rep.errors.append(f"{where}: sitatet går over mer enn én setning: «{quote}»")
    if quote in src.text:
        return
    if any(quote in variant for variant in src.joined):
        rep.warnings.append(
            f"{where}: sitatet finnes bare over en orddeling ved linjeslutt: «{quote}»"
        )
    else:
        rep.errors.append(f"{where}: sitatet finnes ikke i {src.doc_id}: «{quote}»")


def _check_gold(item: dict[str, Any], corpus: dict[str, Source], rep: Report, where: str) -> None:
    gold, facts, refusal = item["gold"], item["facts"], item["expect_refusal"]
    if refusal:
        if gold or facts:
            rep.errors.append(f"{where}: avvisningsspørsmål skal ha gold [] og facts []")
        return
    if not (isinstance(gold, list) and 1 <= len(gold) <= 3):
        rep.errors.append(f"{where}: gold skal ha 1–3 sitater")
        return
    contexts: list[str] = []
    for g in gold:
        if not (isinstance(g, dict) and set(g) == {"doc", "section", "quote"}):
            rep.errors.append(f"{where}: gold-oppføringer har nøklene doc, section og quote")
            continue
        src = corpus.get(g["doc"])
        if src is None:
            rep.errors.append(f"{where}: ukjent dokument {g['doc']!r}")
            continue
        quote = collapse(g["quote"])
        _check_quote(quote, src, rep, where)
        contexts.append(src.context(quote) or src.text)
        if src.status == "utkast" and "draft" not in item["tags"]:
            rep.errors.append(f"{where}: gold er i et utkast, men tag 'draft' mangler")
        if src.status == "innspill" and "opinion" not in item["tags"]:
            rep.errors.append(f"{where}: gold er i et innspill, men tag 'opinion' mangler")
    _check_facts(item, corpus, contexts, rep, where)


def _check_facts(
    item: dict[str, Any], corpus: dict[str, Source], contexts: list[str], rep: Report, where: str
) -> None:
    facts = item["facts"]
    if not (isinstance(facts, list) and 1 <= len(facts) <= 3):
        rep.errors.append(f"{where}: facts skal ha 1–3 fakta")
        return
    docs = [corpus[g["doc"]].text.casefold() for g in item["gold"] if g.get("doc") in corpus]
    for fact in facts:
        if not (isinstance(fact, list) and fact and all(isinstance(a, str) and a for a in fact)):
            rep.errors.append(f"{where}: et faktum er en ikke-tom liste av formuleringer")
            continue
        alts = [collapse(a).casefold() for a in fact]
        if any(a in c.casefold() for a in alts for c in contexts):
            continue
        if any(a in d for a in alts for d in docs):
            rep.warnings.append(f"{where}: faktum {fact} finnes bare utenfor gold-avsnittene")
        else:
            rep.errors.append(f"{where}: faktum {fact} finnes ikke i noe gold-dokument")


def _count(item: dict[str, Any], rep: Report) -> None:
    c = rep.counts
    c["items"] += 1
    if item["expect_refusal"]:
        c["refusal"] += 1
    else:
        c["answerable"] += 1
        c[f"topic:{item['topic']}"] += 1
    if item["history"]:
        c["multiturn"] += 1
    c[f"role:{item['role']}"] += 1
    c[f"lang:{item['lang']}"] += 1
    for tag in item["tags"]:
        c[f"tag:{tag}"] += 1


def _warn_if_copied(item: dict[str, Any], corpus: dict[str, Source], rep: Report, w: str) -> None:
    """Questions should be paraphrased: flag one sharing seven running words with its gold document."""
    words = collapse(item["question"]).casefold().split()
    texts = {corpus[g["doc"]].text.casefold() for g in item["gold"] if g.get("doc") in corpus}
    for i in range(len(words) - 6):
        shingle = " ".join(words[i : i + 7])
        if "§" in shingle:  # naming a provision is citing, not copying
            continue
        if any(shingle in t for t in texts):
            rep.warnings.append(f"{w}: spørsmålet gjentar kildens ordlyd: «{shingle}»")
            return


def check_sheet(suite: Path, corpus_dir: Path = DEFAULT_CORPUS) -> Report:
    """Check a spreadsheet suite; every message names its row and column."""
    from evals.sheets import SheetError, parse_sheet, read_sheet

    rep = Report()
    try:
        sheet = read_sheet(suite)
    except SheetError as exc:
        rep.errors.append(str(exc))
        return rep
    texts = {doc: src.text for doc, src in load_corpus(corpus_dir).items()}
    items, problems = parse_sheet(sheet, texts, None)
    rep.errors += problems
    for (row, _), item in zip(sheet.rows, items, strict=True):
        if any("passage" in g for g in item["gold"]):
            rep.warnings.append(
                f"{sheet.where(row, 'gull')}: avsnitts-id-er kontrolleres mot indeksen når "
                "settet kjøres (hjemmel eval)"
            )
        rep.counts["items"] += 1
        rep.counts["refusal" if item["expect_refusal"] else "answerable"] += 1
        rep.counts[f"role:{item['role']}"] += 1
    return rep


def check_suite(suite: Path = DEFAULT_SUITE, corpus_dir: Path = DEFAULT_CORPUS) -> Report:
    """Check every item of the suite and the suite's counts; never raises on bad items."""
    if suite.suffix.lower() in (".csv", ".xlsx"):
        return check_sheet(suite, corpus_dir)
    rep = Report()
    corpus = load_corpus(corpus_dir)
    seen: set[str] = set()
    for n, line in enumerate(suite.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            rep.errors.append(f"line {n}: ikke gyldig JSON ({exc})")
            continue
        where = f"line {n} ({item.get('id', '?')})" if isinstance(item, dict) else f"line {n}"
        if not isinstance(item, dict) or not _check_shape(item, rep, where):
            continue
        if item["id"] in seen:
            rep.errors.append(f"{where}: id-en finnes fra før")
        seen.add(item["id"])
        _check_gold(item, corpus, rep, where)
        _warn_if_copied(item, corpus, rep, where)
        _count(item, rep)
    for key, minimum in MINIMA.items():
        if rep.counts[key] < minimum:
            rep.errors.append(f"suite: {key} = {rep.counts[key]}, skal være minst {minimum}")
    for role in ROLES:
        if not rep.counts[f"role:{role}"]:
            rep.errors.append(f"suite: ingen spørsmål for rollen {role}")
    return rep


def main(argv: list[str]) -> int:
    suite = Path(argv[0]) if argv else DEFAULT_SUITE
    rep = check_suite(suite)
    for key in sorted(rep.counts):
        print(f"{key:28} {rep.counts[key]}")
    for msg in rep.warnings:
        print(f"ADVARSEL: {msg}")
    for msg in rep.errors:
        print(f"FEIL: {msg}")
    print(f"{len(rep.errors)} feil, {len(rep.warnings)} advarsler")
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
