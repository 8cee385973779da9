"""BM25 (Okapi) over an inverted index: scoring touches only the chunks that contain a query term,
so a query over 100k chunks costs about as much as one over 1k."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np


class BM25Index:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.n = len(docs)
        self.k1 = k1
        self.b = b
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        # per-document length normalisation, precomputed once
        self._norm = k1 * (1 - b + b * lengths / (avg or 1.0))
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, d in enumerate(docs):
            for tok, tf in Counter(d).items():
                postings[tok].append((i, tf))
        self._post: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        for tok, plist in postings.items():
            ids = np.fromiter((p[0] for p in plist), dtype=np.int32, count=len(plist))
            tfs = np.fromiter((p[1] for p in plist), dtype=np.float32, count=len(plist))
            df = len(plist)
            idf = math.log((self.n - df + 0.5) / (df + 0.5) + 1.0)  # always positive
            self._post[tok] = (ids, tfs, idf)

    def idf(self, tok: str) -> float:
        """How rare a token is among the chunks; a token no chunk has gets the rarest weight (df = 0)."""
        post = self._post.get(tok)
        return post[2] if post is not None else math.log((self.n + 0.5) / 0.5 + 1.0)

    def holders(self, tok: str) -> np.ndarray:
        """The indices of the documents that contain ``tok``."""
        post = self._post.get(tok)
        return post[0] if post is not None else np.empty(0, dtype=np.int32)

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (doc index, score) pairs with a positive score."""
        if not self.n:
            return []
        touched: list[np.ndarray] = []
        partial: list[np.ndarray] = []
        for tok in sorted(set(query)):  # a fixed order of float sums: the same scores in every process
            post = self._post.get(tok)
            if post is None:
                continue
            ids, tfs, idf = post
            touched.append(ids)
            partial.append(idf * tfs * (self.k1 + 1) / (tfs + self._norm[ids]))
        if not touched:
            return []
        acc = np.bincount(np.concatenate(touched), weights=np.concatenate(partial), minlength=self.n)
        k = min(k, self.n)
        top = np.argpartition(-acc, k - 1)[:k] if k < self.n else np.arange(self.n)
        top = top[np.argsort(-acc[top])]
        return [(int(i), float(acc[i])) for i in top if acc[i] > 0]
