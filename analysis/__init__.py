"""Norwegian text analysis shared by ingest (passages) and the assistant (questions).

Tokens and stems (`norwegian`), the legal concept vocabulary (`concepts`), legal references
(`legalrefs`), sentence spans (`sentences`), the actor a sentence binds (`actors`), the kind of
answer asked for (`shape`) and sentence frames (`frames`). It imports neither ingest nor the
assistant: both import it, the way Lucene's analysis sits below indexing and querying.
"""
