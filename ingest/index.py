"""The index on disk: build it beside the live one, swap it in when complete, open it for reading.

STUB CONTRACT (filled in by the index work):

    build_index(load: CorpusLoad, index_dir: Path, embedder_spec: str, cache_dir: Path,
                store: str = "local", progress: bool = False) -> BuildReport
    index_is_stale(paths, index_dir, embedder_spec) -> bool
    Index.open(index_dir: Path, embedder_spec: str | None = None, chroma_host=None, chroma_port=8000)

An opened Index exposes (read-only):
    .format: dict                    embedding model, dim, chunker version, corpus hashes, created
    .documents: dict[str, Document]
    .passages: tuple[Passage, ...]   in document order
    .by_id: dict[str, Passage]
    .texts: dict[str, str]           cleaned text of each document (passage spans index into it)
    .embedder                        the query embedder (loaded lazily)
    .bm25_search(tokens: list[str], k: int) -> list[tuple[str, float]]   (already-analysed tokens)
    .dense_search(query: str, k: int) -> list[tuple[str, float]]         (cosine similarity)
"""
