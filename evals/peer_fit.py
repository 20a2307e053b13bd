"""Fit the llama-index hybrid peers' refusal cutoffs on the core suite, and only on it.

`python -m evals.peer_fit` opens the index in HJEMMEL_HOME, builds each hybrid peer without a
cutoff, asks every core question (a follow-up with its earlier questions, as in a run), takes the
best dense cosine of each, and prints the cutoff with the best refusal F1 (`evals.llamaindex_fair.
fit_cutoff`) with its precision and recall on core, and both pipelines' mean chunk length beside
hjemmel's passages. The printed cutoffs are copied by hand into `evals.llamaindex_fair`; no other
suite is read. It deliberately writes nothing.
"""

from __future__ import annotations

from evals import llamaindex, llamaindex_fair
from evals.llamaindex import HYBRID, HYBRID_SHORT, mean_chars

SUITE = "core"


def main() -> int:
    from assistant.api import Assistant
    from assistant.settings import Settings
    from evals.suite import load_suite, resolve_suite

    settings = Settings.load()
    index = Assistant.load(settings).index
    items = load_suite(resolve_suite(SUITE), index.texts, frozenset(p.id for p in index.passages))
    chars = sum(len(p.text) for p in index.passages) / len(index.passages)
    print(f"hjemmel: {len(index.passages)} avsnitt, snitt {chars:.1f} tegn")
    chroma = settings.home / "llamaindex"
    for name in (HYBRID, HYBRID_SHORT):
        peer = llamaindex.build(
            name, index.texts, index.embedder, settings.cache_dir, chroma, index.documents, None
        )
        tops: list[float] = []
        for item in items:
            peer.run(item.question, item.role, item.history)
            tops.append(peer.dense_top() or -1.0)
        expected = [item.expect_refusal for item in items]
        cutoff, f1 = llamaindex_fair.fit_cutoff(tops, expected)
        refused = [t < cutoff for t in tops]
        right = sum(1 for r, e in zip(refused, expected, strict=True) if r and e)
        false = sum(1 for r, e in zip(refused, expected, strict=True) if r and not e)
        print(
            f"{name}: {len(peer.chunks)} biter, snitt {mean_chars(peer.chunks):.1f} tegn; "
            f"grense {cutoff} (cosinus) på {SUITE}: F1 {f1}, avviste {right} av {sum(expected)} "
            f"som skulle avvises, {false} av {len(items) - sum(expected)} feilaktig"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
