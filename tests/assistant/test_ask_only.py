"""`hjemmel ask --only` parsing and the stale-index warning (the CLI side of issue 12)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.commands.ask import STALE_WARNING, only_documents, warn_if_stale
from assistant.settings import Settings


def test_only_accepts_repeated_and_comma_separated_ids() -> None:
    known = {"rundskriv": 1, "temaside": 2, "veileder": 3}
    assert only_documents(None, known) is None
    assert only_documents(["rundskriv,temaside", " veileder "], known) == {
        "rundskriv",
        "temaside",
        "veileder",
    }
    with pytest.raises(ValueError, match="ukjent dokument nope"):
        only_documents(["rundskriv,nope"], known)


def test_a_corpus_newer_than_the_index_is_warned_about(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Tekst.", encoding="utf-8")
    err = io.StringIO()
    # No index built from this corpus at all: stale.
    assert warn_if_stale(Settings(home=tmp_path / "home", corpus=corpus), err)
    assert STALE_WARNING in err.getvalue()
