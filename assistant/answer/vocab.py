"""The corpus vocabulary (analysed tokens with document frequencies): idf, membership, typo repair.

A question word the sources never use is strong evidence that they do not answer it, unless it is a
typo of a word they do use. This module answers both questions cheaply; it does not retrieve.
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

MIN_TYPO_LEN = 5  # shorter words are too ambiguous to repair
MIN_PREFIX_LEN = 7  # a stem this long that starts a corpus word is the same word inflected


class Vocabulary:
    def __init__(self, documents: Iterable[Iterable[str]], words: Iterable[str] = ()) -> None:
        df: Counter[str] = Counter()
        n = 0
        for tokens in documents:
            df.update(set(tokens))
            n += 1
        self.df = df
        self.words = frozenset(w.lower() for w in words)  # surface forms, before analysis
        self.n = max(1, n)
        by_len: dict[int, list[str]] = defaultdict(list)
        for tok in df:
            if not tok.startswith("§") and tok.isalpha():
                by_len[len(tok)].append(tok)
        self._by_len = {k: sorted(v) for k, v in by_len.items()}
        self._sorted = sorted(t for v in by_len.values() for t in v)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def __contains__(self, token: object) -> bool:
        return token in self.df

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def _correct(self, token: str) -> str | None:
        """The corpus token this one is most likely a typo of, or None."""
        if token in self.df or len(token) < MIN_TYPO_LEN or not token.isalpha():
            return None
        # Another inflection of a corpus word («journalfør» → «journalføring»).
        if len(token) >= MIN_PREFIX_LEN:
            i = bisect.bisect_left(self._sorted, token)
            if i < len(self._sorted) and self._sorted[i].startswith(token):
                return self._sorted[i]
        pool: list[str] = []
        for length in range(len(token) - 2, len(token) + 3):
            pool.extend(self._by_len.get(length, ()))
        cutoff = 0.84
        best = difflib.get_close_matches(token, pool, n=1, cutoff=cutoff)
        return best[0] if best else None
