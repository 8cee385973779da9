"""Hybrid retrieval: dense (Chroma) + lexical (BM25 over jieba/word tokens), grouped into aligned pairs.

A pair is a paragraph and its aligned twin in the other language; its score is the mean of the two
dense similarities (findings: the cheap cross-lingual fix) plus a bounded lexical boost.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

from rag.errors import IndexCorruptError
from rag.index.embedder import Embedder
from rag.index.lexical import BM25Index
from rag.index.store import ChunkHit, Store, Versions
from rag.text.chinese import to_simplified
from rag.text.script import HAN_RE
from rag.text.tokens import tokenize
from rag.types import Document, Hit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairHit:
    doc: str
    en: Hit | None
    zh: Hit | None
    score: float

    @property
    def members(self) -> tuple[Hit, ...]:
        return tuple(h for h in (self.en, self.zh) if h is not None)


@dataclass(frozen=True)
class Naming:
    """The documents a question names better than the one retrieval read (``Retriever.named``)."""

    docs: tuple[str, ...]  # read instead
    words: tuple[str, ...]  # the name words the question writes and ``instead_of`` never does
    instead_of: str  # the document retrieval read first

    def reason(self) -> str:
        return (f"the question names {', '.join(self.docs)} by {', '.join(self.words)}, which "
                f"{self.instead_of}, the document retrieval found first, never writes")


class LexicalIndex:
    """BM25 over the current chunks, each with the words of its heading path (as its vector has them),
    rebuilt when the stored versions change."""

    def __init__(self, store) -> None:
        self.store = store
        self._key: tuple | None = None
        self._bm25 = None
        self._chunks: list[ChunkHit] = []
        self._lock = threading.Lock()

    def _ensure(self, versions: dict[str, str] | None = None) -> None:
        key = tuple(sorted((self.store.versions() if versions is None else versions).items()))
        if key == self._key:
            return
        with self._lock:
            if key == self._key:
                return
            chunks = self.store.chunks()
            self._bm25 = BM25Index([tokenize(f"{c.title}\n{c.text}") for c in chunks]) if chunks else None
            self._chunks = chunks
            self._key = key

    def search(self, query: str, k: int, docs: set[str] | None = None, versions: dict[str, str] | None = None) -> list[tuple[ChunkHit, float]]:
        self._ensure(versions)
        toks = tokenize(query)
        if not toks or self._bm25 is None:
            return []
        # over-fetch when limited to some documents, then filter
        want = k if docs is None else max(k * 20, 200)
        out = []
        for i, s in self._bm25.top(toks, want):
            c = self._chunks[i]
            if docs is None or c.doc in docs:
                out.append((c, s))
            if len(out) >= k:
                break
        return out

    def idf(self, tokens: list[str], versions: dict[str, str] | None = None) -> dict[str, float]:
        """Each token's BM25 idf over the current chunks (1.0 each when nothing is indexed)."""
        self._ensure(versions)
        return {t: (self._bm25.idf(t) if self._bm25 is not None else 1.0) for t in tokens}

    def writers(self, token: str, versions: dict[str, str] | None = None) -> set[str]:
        """The documents that write ``token`` (in a paragraph or a heading over it), in either language."""
        self._ensure(versions)
        if self._bm25 is None:
            return set()
        return {self._chunks[i].doc for i in self._bm25.holders(token)}


def _current(cache: dict, versions: dict[str, str]) -> dict:
    """``cache`` (keyed by document id, version, title) without the versions long replaced."""
    if len(cache) > 4 * len(versions) + 64:
        return {k: v for k, v in cache.items() if versions.get(k[0]) == k[1]}
    return cache


_NAME_SEP = re.compile(r"(?<!\d)[._]|[._](?!\d)|[-/]")


def name_words(text: str) -> set[str]:
    """The words of a document's name or of a question, as names are written: a file name's parts
    ("code-of-conduct-2.1" → code, conduct, 2.1; a version keeps its dots), title words, Chinese words
    of two characters or more."""
    return {t for t in tokenize(_NAME_SEP.sub(" ", text)) if not (HAN_RE.match(t) and len(t) < 2)}


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, dense_k: int = 12, lexical_weight: float = 0.5, mode: str = "hybrid") -> None:
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"unknown retrieval mode {mode!r}")
        self.mode = mode
        self.store = store
        self.embedder = embedder
        self.dense_k = dense_k
        self.lexical_weight = lexical_weight
        self.lexical = LexicalIndex(store)
        self._docs: dict[tuple[str, str | None, str], Document] = {}  # (id, version, title) → document
        self._names: dict[tuple[str, str | None, str], set[str]] = {}  # (id, version, title) → name words

    def document(self, doc_id: str, versions: dict[str, str] | None = None) -> Document | None:
        versions = self.store.versions() if versions is None else versions
        version = versions.get(doc_id)
        if version is None:
            return None
        # (a renamed document keeps its version; the snapshot's title tells the cache to read it again)
        key = (doc_id, *Versions.of(versions).cache_key(doc_id))
        if key not in self._docs:
            doc = self.store.get_document(doc_id)
            if doc is None:
                return None
            self._docs = _current(self._docs, versions)
            self._docs[key] = doc
        return self._docs[key]

    def warm_up(self) -> None:
        """Build the BM25 index and read every document's name now (about 1 s per 1,000 documents,
        docs/benchmarks.md), so the first question does not wait for them."""
        versions = self.store.versions()
        self.lexical.idf([], versions)
        for doc_id in versions:
            self.name(doc_id, versions)

    def name(self, doc_id: str, versions: dict[str, str]) -> set[str]:
        """The words a document is called by: its id and its titles in both languages."""
        key = (doc_id, *Versions.of(versions).cache_key(doc_id))
        if key not in self._names:
            try:
                doc = self.store.get_document(doc_id)
            except IndexCorruptError:  # a damaged document elsewhere must not stop this answer: its id still names it
                log.warning("document %s is damaged; named by its id and title only", doc_id)
                doc = None
            titles = [key[2], doc.meta.title, doc.meta.title_zh] if doc is not None else [key[2]]
            self._names = _current(self._names, versions)
            self._names[key] = name_words(" ".join([doc_id, *titles]))
        return self._names[key]

    def named(self, question: str, top: str, versions: dict[str, str], among: list[str] | None = None) -> Naming | None:
        """The documents the question names better than ``top``, the document retrieval read, by name
        words ``top`` never writes: "Contributor Covenant 2.1" over a 2.0 that never writes "2.1", or
        "the CNCF Glossary on multitenancy" over the glossary's other entry. Only when the question names
        ``top`` too (a question that names no document, or another document alone, is read as
        retrieved); several when they are named as well as each other."""
        asked = name_words(question)
        have = self.name(top, versions) & asked
        if not have:
            return None
        better: dict[str, set[str]] = {}
        for d in among or versions:
            called = self.name(d, versions) & asked if d != top else set()
            if called > have and not any(top in self.lexical.writers(w, versions) for w in called - have):
                better[d] = called
        if not better:
            return None
        most = max(map(len, better.values()))
        docs = tuple(sorted(d for d, words in better.items() if len(words) == most))
        return Naming(docs, tuple(sorted(set().union(*(better[d] for d in docs)) - have)), top)

    def paragraphs(
        self, query: str, k: int = 5, docs: list[str] | None = None, versions: dict[str, str] | None = None
    ) -> list[Hit]:
        """Ranked paragraphs (both languages) for a query."""
        q = to_simplified(query)
        wanted = set(docs) if docs else None
        versions = self.store.versions() if versions is None else versions
        dense: dict[tuple[str, str, int], float] = {}
        if self.mode != "bm25":
            vec = self.embedder.embed_query(q)
            for c in self.store.search(vec, k=max(self.dense_k, k * 2), docs=docs, versions=versions):
                key = (c.doc, c.lang, c.paragraph)
                dense[key] = max(dense.get(key, -1.0), c.similarity)
        lex: dict[tuple[str, str, int], float] = {}
        if self.mode != "dense":
            for c, s in self.lexical.search(q, k=max(self.dense_k, k * 2), docs=wanted, versions=versions):
                key = (c.doc, c.lang, c.paragraph)
                lex[key] = max(lex.get(key, 0.0), s)
        floor = min(dense.values()) if dense else 0.0
        top_lex = max(lex.values()) if lex else 1.0
        hits: list[Hit] = []
        for key in sorted(set(dense) | set(lex)):  # sorted: ties rank the same in every process
            d = dense.get(key)
            lx = lex.get(key, 0.0) / top_lex if top_lex else 0.0
            if self.mode == "bm25":
                score = lx
            else:
                score = (d if d is not None else floor) + self.lexical_weight * 0.1 * lx
            doc = self.document(key[0], versions)
            para = doc.get(key[1], key[2]) if doc else None
            if para is None:
                continue
            hits.append(Hit(key[0], key[1], key[2], para.text, score, dense=d, lexical=lex.get(key)))  # type: ignore[arg-type]
        hits.sort(key=lambda h: -h.score)  # stable: equal scores stay in paragraph order
        return hits[:k] if k else hits

    def pairs(
        self, query: str, k: int = 3, docs: list[str] | None = None, versions: dict[str, str] | None = None
    ) -> tuple[list[PairHit], list[Hit]]:
        """Top aligned pairs, and every paragraph hit considered (for display and eval)."""
        versions = self.store.versions() if versions is None else versions  # one snapshot for the whole query
        hits = self.paragraphs(query, k=0, docs=docs, versions=versions)
        if not hits:
            return [], []
        floor = min(h.score for h in hits)
        by_key = {h.key: h for h in hits}
        seen: set[tuple[str, str, int]] = set()
        pairs: list[PairHit] = []
        for h in hits:
            if h.key in seen:
                continue
            doc = self.document(h.doc, versions)
            twin_n = doc.twin(h.lang, h.paragraph) if doc else None
            twin = None
            if twin_n is not None and doc is not None:
                other = "zh" if h.lang == "en" else "en"
                twin = by_key.get((h.doc, other, twin_n))
                if twin is None:
                    p = doc.get(other, twin_n)
                    twin = Hit(h.doc, other, twin_n, p.text, floor) if p else None  # type: ignore[arg-type]
            seen.add(h.key)
            members = [h] + ([twin] if twin else [])
            for m in members:
                seen.add(m.key)
            score = sum(m.score for m in members) / len(members) if twin else h.score
            en = next((m for m in members if m.lang == "en"), None)
            zh = next((m for m in members if m.lang == "zh"), None)
            pairs.append(PairHit(h.doc, en, zh, score))
        pairs.sort(key=lambda p: p.score, reverse=True)
        return pairs[:k], hits
