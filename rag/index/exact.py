"""Exact nearest chunks: every stored vector compared with the query, for a library small enough to
hold its vectors in memory (768 floats a chunk: 20,000 chunks are 61 MB).

Why not Chroma's HNSW index alone: on a 3,263-chunk library the same query vector got the 12 chunks of
the right document in most fresh processes and 12 chunks of an unrelated one (similarity 0.28 against
0.56) in about one of four (docs/eval.md, the tenth session; chroma-core/chroma#3638). An exact search
gives the same answer in every process, and costs a few milliseconds at this size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass(frozen=True)
class Vectors:
    """The stored chunks' vectors as of one revision of the index, rows sorted by chunk id."""

    revision: str
    ids: tuple[str, ...]
    keys: dict[tuple[str, str], int]  # (doc, version) → its code
    codes: np.ndarray  # the (doc, version) code of each row: which rows are current is one integer `isin`
    matrix: np.ndarray  # float32, one unit-length row per chunk

    @classmethod
    def of(cls, revision: str, rows: Iterable[tuple[str, str, str, list[float]]]) -> Vectors:
        """From (chunk id, doc, version, vector) rows, in any order."""
        rows = sorted(rows, key=lambda r: r[0])
        dim = len(rows[0][3]) if rows else 0
        matrix = np.asarray([r[3] for r in rows], dtype=np.float32).reshape(len(rows), dim)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)
        keys: dict[tuple[str, str], int] = {}
        codes = np.fromiter((keys.setdefault((r[1], r[2]), len(keys)) for r in rows), dtype=np.int64, count=len(rows))
        return cls(revision, tuple(r[0] for r in rows), keys, codes, matrix)

    def top(self, vector: list[float], k: int, versions: dict[str, str]) -> list[tuple[str, float]]:
        """The ``k`` most similar chunks (id, cosine similarity) of the documents in ``versions``, each
        at its version there; ties go to the smaller chunk id."""
        current = [c for key in versions.items() if (c := self.keys.get(key)) is not None]
        rows = np.flatnonzero(np.isin(self.codes, current)) if len(current) < len(self.keys) else np.arange(len(self.ids))
        if not rows.size or k <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32)
        q /= float(np.linalg.norm(q)) or 1.0
        sims = (self.matrix @ q)[rows]
        if rows.size > k:  # the k best and every row tied with the k-th, then in order
            cut = np.partition(sims, rows.size - k)[rows.size - k]
            keep = np.flatnonzero(sims >= cut)
            rows, sims = rows[keep], sims[keep]
        order = np.lexsort((rows, -sims))[:k]  # by similarity, then by row (chunk id): no ties left to chance
        return [(self.ids[rows[i]], float(sims[i])) for i in order]
