"""The dense search: exact (``rag/index/exact.py``) against Chroma's HNSW index (the textbook search), on
the same stored vectors in the same run. Writes a section of docs/benchmarks.md (or --out).

    .venv/bin/python -m bench.dense                          # 1k, 5k and 20k chunks (768-d, clustered)
    .venv/bin/python -m bench.dense --sizes 300 --queries 5  # a smoke run (the test suite's)

The vectors are synthetic but clustered like a library's (a document's chunks near its own centre), and
the queries are noisy copies of stored chunks, so recall@12 says how often HNSW misses a neighbour.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.run import ROOT, machine, replace_section

K = 12


def _library(rng: np.random.Generator, n: int, dim: int, per_doc: int = 100) -> tuple[np.ndarray, list[str]]:
    centres = rng.normal(size=(n // per_doc + 1, dim))
    docs = [i // per_doc for i in range(n)]
    vecs = centres[docs] + 0.9 * rng.normal(size=(n, dim))
    return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32), [f"doc{d:05d}" for d in docs]


def _fill(store, vecs: np.ndarray, docs: list[str]) -> None:
    ids = [f"{d}:v:en:{i}:0" for i, d in enumerate(docs)]
    for s in range(0, len(ids), 2000):
        store.chunk_coll.add(ids=ids[s:s + 2000], embeddings=vecs[s:s + 2000].tolist(), documents=["text"] * len(ids[s:s + 2000]),
                             metadatas=[{"doc": d, "lang": "en", "paragraph": i, "version": f"v-{d}"} for i, d in enumerate(docs[s:s + 2000], s)])
    names = sorted(set(docs))
    store._upsert_records(names, ["{}"] * len(names), [{"version": f"v-{d}", "title": d} for d in names])


def _timed(search, queries: np.ndarray, versions) -> tuple[list[list[str]], list[float]]:
    got, ms = [], []
    for q in queries:
        t = time.perf_counter()
        hits = search(q.tolist(), K, versions=versions)
        ms.append((time.perf_counter() - t) * 1000)
        got.append([h.chunk_id for h in hits])
    return got, ms


def bench_size(n: int, queries: int, dim: int, seed: int = 0) -> dict:
    from chromadb.api.shared_system_client import SharedSystemClient

    from rag.index.embedder import FakeEmbedder
    from rag.index.store import ChromaStore, make_client

    rng = np.random.default_rng(seed)
    vecs, docs = _library(rng, n, dim)
    picks = rng.choice(n, size=queries, replace=False)
    qs = vecs[picks] + 0.02 * rng.normal(size=(queries, dim)).astype(np.float32)
    with tempfile.TemporaryDirectory(prefix="bench-dense-") as tmp:
        client = make_client(None, Path(tmp))
        exact = ChromaStore(client, FakeEmbedder(dim=dim), exact_max_chunks=n)
        hnsw = ChromaStore(client, FakeEmbedder(dim=dim), exact_max_chunks=0)
        _fill(exact, vecs, docs)
        versions = exact.versions()
        t = time.perf_counter()
        exact.search(qs[0].tolist(), K, versions=versions)  # reads the vectors: once per revision
        load_ms = (time.perf_counter() - t) * 1000
        want, exact_ms = _timed(exact.search, qs, versions)
        got, hnsw_ms = _timed(hnsw.search, qs, versions)
        SharedSystemClient.clear_system_cache()
    recall = statistics.mean(len(set(a) & set(b)) / K for a, b in zip(want, got))
    return {"chunks": n, "exact_p50_ms": statistics.median(exact_ms), "hnsw_p50_ms": statistics.median(hnsw_ms),
            "load_ms": load_ms, "hnsw_recall": recall, "matrix_mb": vecs.nbytes / 2**20}


def render(rows: list[dict], queries: int) -> str:
    lines = ["### dense search: exact against Chroma's HNSW (#33, tenth session)", "",
             f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}. `python -m bench.dense`: clustered 768-d vectors "
             f"(100 chunks a document), {queries} queries a size (noisy copies of stored chunks), top {K}, "
             "both searches over the same index in the same run.", "",
             "| chunks | exact p50 | HNSW p50 (textbook) | HNSW recall@12 against exact | exact: reading the vectors, once per revision | vectors in memory |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['chunks']:,} | {r['exact_p50_ms']:.1f} ms | {r['hnsw_p50_ms']:.1f} ms | {r['hnsw_recall']:.3f} | "
                     f"{r['load_ms']:.0f} ms | {r['matrix_mb']:.0f} MB |")
    lines += ["", "Within one process HNSW finds these synthetic neighbours; the exact search is there because over the "
              "corpus libraries HNSW gave different top chunks for the same query vector in different processes (6 of 209 "
              "dev and 7 of 105 test questions over six processes, docs/eval.md, tenth session). A library over "
              "`RAG_EXACT_SEARCH_MAX_CHUNKS` (20,000) is searched through HNSW."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    rows = []
    for n in args.sizes:
        rows.append(bench_size(n, args.queries, args.dim))
        print(rows[-1], file=sys.stderr, flush=True)
    replace_section(args.out, render(rows, args.queries))


if __name__ == "__main__":
    main()
