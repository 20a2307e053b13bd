"""A synthetic N× corpus for the scale benchmarks: the bundled documents plus altered copies.

`write_scaled_corpus(source, scale, out)` writes the source documents unchanged and `scale - 1`
altered copies of each, every copy with its own manifest entry («<id>-k<n>», the title marked
«syntetisk kopi n»), so ingest, BM25, dense search and the answer path see a corpus about `scale`
times the size. A copy keeps numbered and upper-case headings as they are and elsewhere replaces about one
lower-case word in six with another word of the same document and inflects about one in thirty
(so the vocabulary grows as a real corpus's does); capitals, digits, § references and bullets stay,
so the copy is cut into the same sections and about as many passages. Every line with such a word
is changed somewhere, so nearly every copied passage differs from its original and a cold ingest
embeds nearly all of them anew.
The output is deterministic (seeded by copy number and document id) and is written only under
`out`. It is test data for timing: nothing here is a source, and it is never scored for quality.
"""

from __future__ import annotations

import random
import re
import tomllib
from pathlib import Path
from typing import Any

from ingest.manifest import MANIFEST_NAME

REPLACE_SHARE = 1 / 6
INFLECT_SHARE = 1 / 30
SUFFIXES = ("ene", "ets", "ing", "else", "er")
_WORD = re.compile(r"\b[a-zæøå]{5,}\b")
_HEADING = re.compile(r"^\s*(#|\d+(\.\d+)*\.?\s|[^a-zæøå]+$)")  # numbered, or no lower case


def _toml_value(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _alter(text: str, rng: random.Random, words: list[str]) -> str:
    """The text with some lower-case words swapped for others of the document, some inflected."""

    def swap(match: re.Match[str]) -> str:
        roll = rng.random()
        if roll < REPLACE_SHARE:
            return rng.choice(words)
        if roll < REPLACE_SHARE + INFLECT_SHARE:
            return match.group(0) + rng.choice(SUFFIXES)
        return match.group(0)

    lines = []
    for line in text.split("\n"):
        if _HEADING.match(line):
            lines.append(line)
            continue
        changed = _WORD.sub(swap, line)
        found = list(_WORD.finditer(line))
        if changed == line and found:  # every line with a word to change differs from the source
            m = found[rng.randrange(len(found))]
            changed = line[: m.start()] + m.group(0) + rng.choice(SUFFIXES) + line[m.end() :]
        lines.append(changed)
    return "\n".join(lines)


def write_scaled_corpus(source: Path, scale: int, out: Path) -> Path:
    """Write the source corpus and `scale - 1` altered copies of each document under `out`."""
    if scale < 1:
        raise ValueError("scale må være minst 1")
    manifest = tomllib.loads((source / MANIFEST_NAME).read_text(encoding="utf-8"))
    entries = list(manifest.get("document", []))
    out.mkdir(parents=True, exist_ok=True)
    blocks: list[str] = ["# Syntetisk korpus for tidsmåling (hjemmel bench --corpus-scale)."]
    for copy in range(scale):
        for entry in entries:
            text = (source / entry["file"]).read_text(encoding="utf-8")
            item = dict(entry)
            if copy:
                rng = random.Random(f"{copy}:{entry['id']}")
                words = sorted(set(_WORD.findall(text)))
                text = _alter(text, rng, words)
                item["id"] = f"{entry['id']}-k{copy}"
                item["title"] = f"{entry['title']} (syntetisk kopi {copy})"
                if "short_title" in item:
                    item["short_title"] = f"{entry['short_title']} (kopi {copy})"
                item["file"] = f"kopi{copy:03d}_{Path(entry['file']).name}"
            (out / item["file"]).write_text(text, encoding="utf-8")
            fields = "\n".join(f"{k} = {_toml_value(v)}" for k, v in item.items())
            blocks.append(f"[[document]]\n{fields}")
    (out / MANIFEST_NAME).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return out
