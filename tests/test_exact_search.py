"""The dense search of a small library is exact: every stored vector of a current chunk compared with
the query, the same chunks in every process (Chroma's HNSW index is not asked)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.indexer import indexer_for
from rag.index.embedder import FakeEmbedder
from rag.index.exact import Vectors
from rag.index.store import ChromaStore
from tests.conftest import make_app

QUESTIONS = ["When are the APEC and G20 summits held?", "中美经贸磋商", "trade consultations in Washington"]


def _brute_force(store: ChromaStore, vec: list[float], k: int, docs: set[str] | None = None) -> list[tuple[str, float]]:
    """The k nearest current chunks, computed here from the stored vectors (not through exact.py)."""
    current = store.versions()
    got = store.chunk_coll.get(include=["embeddings", "metadatas"])
    rows = [(i, np.asarray(e, dtype=np.float64)) for i, e, m in zip(got["ids"], got["embeddings"], got["metadatas"])
            if current.get(m["doc"]) == m["version"] and (docs is None or m["doc"] in docs)]
    q = np.asarray(vec, dtype=np.float64)
    sims = [(i, float(e @ q / np.linalg.norm(e) / np.linalg.norm(q))) for i, e in rows]
    return sorted(sims, key=lambda x: (-x[1], x[0]))[:k]


def _no_hnsw(store: ChromaStore, monkeypatch) -> None:
    def refuse(*a, **kw):
        raise AssertionError("the HNSW index was queried")

    monkeypatch.setattr(store.chunk_coll, "query", refuse)


def test_the_search_is_the_brute_force_top_k_and_never_asks_hnsw(settings, monkeypatch):
    app = make_app(settings)
    store = app.store
    _no_hnsw(store, monkeypatch)
    doc = next(iter(store.versions()))
    for q in QUESTIONS:
        vec = app.embedder.embed_query(q)
        for docs in (None, [doc]):
            got = store.search(vec, k=7, docs=docs)
            want = _brute_force(store, vec, 7, None if docs is None else set(docs))
            assert [h.chunk_id for h in got] == [i for i, _ in want]
            assert [h.similarity for h in got] == pytest.approx([s for _, s in want], abs=1e-5)
            assert all(h.text and h.doc == doc for h in got)


def test_a_chunk_of_another_version_is_never_found(settings):
    app = make_app(settings)
    doc, version = next(iter(app.store.versions().items()))
    vec = app.embedder.embed_query(QUESTIONS[0])
    app.store.chunk_coll.upsert(ids=["stale-chunk"], embeddings=[vec], documents=["an old version's text"],
                                metadatas=[{"doc": doc, "lang": "en", "paragraph": 1, "version": "old-" + version}])
    fresh = ChromaStore(app.client, app.embedder)  # reads the vectors now, the stale chunk among them
    hits = fresh.search(vec, k=5)
    assert len(hits) == 5 and "stale-chunk" not in {h.chunk_id for h in hits}
    assert [h.chunk_id for h in hits] == [i for i, _ in _brute_force(fresh, vec, 5)]


def test_a_document_written_since_the_last_search_is_found(settings, tmp_path):
    app = make_app(settings)
    store = app.store
    assert store.search(app.embedder.embed_query(QUESTIONS[0]), k=3)  # the vectors are read
    path = tmp_path / "lighthouse.md"
    path.write_text("# Lighthouse keeping\n\nThe lighthouse keeper trims the lamp wick every evening.\n", encoding="utf-8")
    indexer_for(app).write([indexer_for(app).prepare_path(path)], progress=False)
    new = next(d for d in store.versions() if "lighthouse" in d)
    hits = store.search(app.embedder.embed_query("lighthouse keeper lamp wick"), k=3)
    assert hits[0].doc == new and "wick" in hits[0].text


def test_a_library_over_the_limit_is_searched_through_hnsw(settings):
    app = make_app(settings)
    big = ChromaStore(app.client, FakeEmbedder(), exact_max_chunks=1)
    vec = app.embedder.embed_query(QUESTIONS[0])
    assert big._exact(big.revision()) is None
    hits = big.search(vec, k=5)
    assert [h.chunk_id for h in hits] == [i for i, _ in _brute_force(big, vec, 5)]  # 30 chunks: HNSW is exact here


def test_ties_go_to_the_smaller_chunk_id():
    v = Vectors.of("r1", [("b", "d", "1", [1.0, 0.0]), ("a", "d", "1", [2.0, 0.0]), ("c", "d", "1", [0.0, 1.0]),
                          ("z", "e", "1", [1.0, 0.0])])
    assert v.top([3.0, 0.0], 2, {"d": "1", "e": "1"}) == [("a", 1.0), ("b", 1.0)]
    assert [i for i, _ in v.top([1.0, 0.0], 9, {"d": "1"})] == ["a", "b", "c"]
    assert v.top([1.0, 0.0], 3, {"d": "2"}) == [] and Vectors.of("r", []).top([1.0], 3, {"d": "1"}) == []
