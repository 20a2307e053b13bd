"""The legal advisers' tools: verify a quote, cite a source, read a claimed place, list references."""
