"""Helpers for the fault-injection tests: a tiny real corpus, a fake-embedder index, the CLI.

The corpus is a few real Norwegian text files with a manifest; builds use the deterministic `fake`
embedder so each ingest takes about a second and the fault tests stay bounded in time. Everything
else (loading, structure, BM25, embedded Chroma on disk, the CLI in a subprocess) is the real code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SECTIONS = [
    (
        "1 Taushetsplikt",
        "Helsepersonell har taushetsplikt etter helsepersonelloven § 21. "
        "Opplysninger kan gis videre med samtykke fra den innsatte.",
    ),
    (
        "2 Utelukkelse",
        "Kriminalomsorgen skal varsle helsetjenesten når en innsatt utelukkes fra "
        "fellesskapet. Helsetjenesten skal tilse innsatte i isolasjon daglig.",
    ),
    (
        "3 Sikkerhetscelle",
        "Ved bruk av sikkerhetscelle skal lege tilkalles. Tilsyn skal skje "
        "minimum en gang per døgn.",
    ),
]

MANIFEST = """[[document]]
id = "rundskriv"
title = "Rundskriv om helsetjenester i fengsel"
type = "rundskriv"
issuer = "Kriminalomsorgsdirektoratet"
date = "2024-01-01"
status = "gjeldende"
file = "rundskriv.txt"
short_title = "Fengselsrundskrivet"
"""


def write_corpus(folder: Path, copies: int = 1) -> Path:
    """A corpus folder with one listed document (`copies` × the sections, to lengthen a build)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for n in range(copies):
        for heading, text in SECTIONS:
            number, _, title = heading.partition(" ")
            parts.append(f"{int(number) + 3 * n} {title}\n\n{text}\n")
    (folder / "rundskriv.txt").write_text("\n".join(parts), encoding="utf-8")
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return folder


def env(home: Path, corpus: Path, **extra: str) -> dict[str, str]:
    out = dict(os.environ)
    out.update(
        PYTHONPATH=str(REPO),
        HJEMMEL_HOME=str(home),
        HJEMMEL_CORPUS=str(corpus),
        HJEMMEL_EMBEDDER="fake",
        OMP_NUM_THREADS="1",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    out.pop("HJEMMEL_USERS", None)
    out.update(extra)
    return out


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", *args]


def hjemmel(
    home: Path, corpus: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args),
        env=env(home, corpus),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=home.parent,
    )


def build(home: Path, corpus: Path) -> None:
    """An in-process build with the fake embedder."""
    from ingest.index import build_index
    from ingest.pipeline import load_corpus

    build_index(load_corpus([corpus]), home / "index", "fake", home / "cache")


def built_site(tmp: Path) -> tuple[Path, Path]:
    """A data directory built over a tiny corpus under `tmp`: (home, corpus)."""
    corpus, home = write_corpus(tmp / "corpus"), tmp / "home"
    build(home, corpus)
    return home, corpus


def valid_fnr() -> str:
    """A checksum-valid fødselsnummer (born 15.03.85), found rather than written down."""
    from assistant.redact import is_fodselsnummer

    for tail in range(1000):
        for check in range(100):
            candidate = f"150385{tail:03d}{check:02d}"
            if is_fodselsnummer(candidate):
                return candidate
    raise AssertionError("no valid number")


FNR = valid_fnr()
# The ways a user writes one: run together, 6+5, in pairs, with dots, with a dash.
FNR_FORMS = [
    FNR,
    f"{FNR[:6]} {FNR[6:]}",
    f"{FNR[:2]} {FNR[2:4]} {FNR[4:6]} {FNR[6:]}",
    f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} {FNR[6:]}",
    f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]}-{FNR[6:]}",
]
