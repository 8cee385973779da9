"""The store seam: Chroma (embedded on disk or a `chroma run` server) through langchain-chroma.

Two collections per embedding model (switching models never mixes vectors):
- ``rag-chunks-<model>``: one record per chunk, metadata doc/lang/paragraph/chunk/aligned/version;
- ``rag-docs-<model>``: one record per document: the parsed document (JSON) and its current version.
A document's chunks are written first, then its record is flipped to the new version in one upsert,
then old chunks are deleted; queries only see chunks of current versions, so never a mix.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

from rag.errors import ConfigError, IndexCorruptError
from rag.index.embedder import Embedder, slug
from rag.types import Chunk, Document, DocumentMeta, Paragraph, Skipped

if TYPE_CHECKING:
    from rag.index.exact import Vectors

log = logging.getLogger(__name__)
_DUMMY_VEC = [1.0, 0.0]


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: str
    doc: str
    lang: str
    paragraph: int
    text: str
    similarity: float
    title: str = ""  # the heading path the chunk was embedded under (``Chunk.title``)


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    source: str
    title: str
    version: str
    n_en: int
    n_zh: int
    pairs: int
    chunks: int
    ingested_at: str = ""  # ISO 8601, UTC

    @property
    def languages(self) -> list[str]:
        return [lang for lang, n in (("en", self.n_en), ("zh", self.n_zh)) if n]

    def to_json(self) -> dict:
        """The record `rag docs --json` prints and `GET /v1/documents` returns."""
        return {"doc": self.doc_id, "title": self.title, "source": self.source, "languages": self.languages,
                "paragraphs": {"en": self.n_en, "zh": self.n_zh}, "aligned_pairs": self.pairs, "chunks": self.chunks,
                "version": self.version[:12], "ingested_at": self.ingested_at}


class Store(Protocol):
    def versions(self) -> Versions: ...
    def documents(self) -> list[DocInfo]: ...
    def get_document(self, doc_id: str) -> Document | None: ...
    def write_document(self, doc: Document, chunks: list[Chunk], on_batch: Callable[[int], None] | None = None) -> None: ...
    def drop_stale(self, doc_id: str, version: str) -> None: ...
    def drop_orphans(self) -> int: ...
    def delete_document(self, doc_id: str) -> bool: ...
    def rename_document(self, doc_id: str, title: str) -> bool: ...
    def search(
        self, vector: list[float], k: int, docs: Iterable[str] | None = None, versions: dict[str, str] | None = None
    ) -> list[ChunkHit]: ...
    def chunks(self, docs: Iterable[str] | None = None) -> list[ChunkHit]: ...
    def reset(self) -> None: ...


def document_to_json(doc: Document) -> str:
    return json.dumps(
        {
            "doc_id": doc.doc_id,
            "source": doc.source,
            "meta": asdict(doc.meta),
            "paragraphs": [_paragraph_json(p) for p in doc.paragraphs],
            "alignment": [list(a) for a in doc.alignment],
            "unaligned": [list(u) for u in doc.unaligned],
            "similarity": [[a, b, round(sim, 4)] for a, b, sim in doc.similarity],
            "content_hash": doc.content_hash,
            "parse_hash": doc.parse_hash,
            "skipped": [asdict(s) for s in doc.skipped],
            "blocks_read": [list(b) for b in doc.blocks_read],
        },
        ensure_ascii=False,
    )


def document_from_json(s: str) -> Document:
    d = json.loads(s)
    return Document(
        doc_id=d["doc_id"],
        source=d["source"],
        meta=DocumentMeta(**d["meta"]),
        paragraphs=tuple(_paragraph_from(d["doc_id"], row) for row in d["paragraphs"]),
        alignment=tuple((a, b) for a, b in d["alignment"]),
        unaligned=tuple((lang, n) for lang, n in d["unaligned"]),
        similarity=tuple((a, b, sim) for a, b, sim in d.get("similarity", [])),
        content_hash=d["content_hash"],
        parse_hash=d.get("parse_hash", ""),
        skipped=tuple(Skipped(**s) for s in d.get("skipped", [])),
        blocks_read=tuple(tuple(b) for b in d.get("blocks_read", [])),
    )


def _paragraph_json(p: Paragraph) -> list:
    """[lang, n, text] plus {section, kind, page, box, end} where they say something (older indexes have 3);
    end: [page, box] of the end of a paragraph run on past a column or page break."""
    box = [round(v, 1) for v in p.box] if p.box else None
    end = [p.page_end, [round(v, 1) for v in p.box_end]] if p.page_end and p.box_end else None
    extra = {k: v for k, v in (("section", list(p.section)), ("kind", p.kind), ("page", p.page), ("box", box),
                               ("end", end)) if v and not (k == "kind" and v == "prose")}
    return [p.lang, p.n, p.text, extra] if extra else [p.lang, p.n, p.text]


def _paragraph_from(doc_id: str, row: list) -> Paragraph:
    extra = row[3] if len(row) > 3 else {}
    box, end = extra.get("box"), extra.get("end")
    return Paragraph(doc_id, row[0], row[1], row[2], tuple(extra.get("section", ())), extra.get("kind", "prose"),
                     extra.get("page"), tuple(box) if box else None, end[0] if end else None,
                     tuple(end[1]) if end else None)


def make_client(chroma_url: str | None, path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if chroma_url:
        from urllib.parse import urlparse

        u = urlparse(chroma_url)
        if not u.hostname:
            raise ConfigError(f"RAG_CHROMA_URL={chroma_url!r} is not a URL like http://127.0.0.1:8000")
        return chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=cs)
    path.mkdir(parents=True, exist_ok=True)
    _forget_another_index(path)
    try:
        return chromadb.PersistentClient(path=str(path), settings=cs)
    except Exception as e:  # chromadb raises many kinds on a damaged directory
        raise IndexCorruptError(f"the index at {path} cannot be opened: {e}") from None


INDEX_ID = "rag-index-id"  # a file in a local index's folder: which index lives there
_OPENED: dict[str, str] = {}  # local index path → the id of the index this process opened there


def _forget_system(path: Path) -> None:
    """Stop and forget chromadb's system for ``path``: chromadb keeps one per path for the life of the
    process (its files, threads and memory), and hands it to every later client of that path."""
    from chromadb.api.shared_system_client import SharedSystemClient as Shared

    system = Shared._identifier_to_system.pop(str(path), None)
    Shared._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # a damaged index may not stop cleanly; it is forgotten all the same
            log.debug("stopping the index system of %s failed", path, exc_info=True)


def _forget_another_index(path: Path) -> None:
    """A new index where this process had opened another (its folder removed, moved aside or
    replaced) must not be served the old one's state from chromadb's cache of systems by path."""
    marker = path / INDEX_ID
    index_id = marker.read_text().strip() if marker.is_file() else ""
    if not index_id:
        index_id = uuid.uuid4().hex
        marker.write_text(index_id)
    if _OPENED.get(str(path), index_id) != index_id:
        _forget_system(path)
    _OPENED[str(path)] = index_id


def set_aside(path: Path) -> Path:
    """Move a damaged local index aside (its files are kept, renamed) so that a clean one can be made."""
    import shutil

    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    shutil.move(str(path), str(aside))
    _forget_system(path)  # forget the failed client for this path (only this path's: other indexes stay open)
    _OPENED.pop(str(path), None)
    return aside


REVISION_ID = "rag:revision"  # a record of the documents collection that is not a document (no id has a ":")


class Versions(dict):
    """Document id → current version, as of one revision of the index; ``titles`` lets a cache of
    documents see a rename (which keeps the version)."""

    revision: str | None = None
    titles: dict[str, str] = {}

    def copy(self) -> Versions:
        out = Versions(self)
        out.revision, out.titles = self.revision, self.titles
        return out

    def cache_key(self, doc_id: str) -> tuple[str | None, str]:
        return self.get(doc_id), self.titles.get(doc_id, "")

    @classmethod
    def of(cls, versions: dict[str, str]) -> Versions:
        """``versions`` as a snapshot (a plain mapping, from a test or a fake store, has no titles)."""
        return versions if isinstance(versions, Versions) else cls(versions)


class ChromaStore:
    def __init__(self, client, embedder: Embedder, batch_size: int = 64, exact_max_chunks: int = 20_000) -> None:
        self.client = client
        self.embedder = embedder
        self.batch_size = batch_size
        self.exact_max_chunks = exact_max_chunks  # a library of at most this many chunks is searched exactly
        self._vectors: tuple[str, Vectors | None] | None = None  # (revision, its vectors or None: too many)
        self._vectors_lock = threading.Lock()
        s = slug(embedder.name)
        self.chunk_name = f"rag-chunks-{s}"
        self.docs_name = f"rag-docs-{s}"
        self._snapshot: Versions | None = None
        self._metadata = {"hnsw:space": "cosine", "embedding_model": embedder.name}
        try:
            self.docs_coll = client.get_or_create_collection(self.docs_name, embedding_function=None)
            self.chunk_coll = client.get_or_create_collection(self.chunk_name, metadata=self._metadata,
                                                              embedding_function=None)
        except Exception as e:
            raise IndexCorruptError(f"the index cannot be opened: {e}") from None

    @functools.cached_property
    def vs(self):
        """The chunks as LangChain's Chroma vector store, made at its first use: a command that only
        reads documents (`rag diff`, `rag docs`) does not import it (a third of a second)."""
        from langchain_chroma import Chroma

        return Chroma(collection_name=self.chunk_name, client=self.client, collection_metadata=self._metadata,
                      embedding_function=self.embedder)  # never Chroma's default (it would download a model)

    # --- the revision: what tells a reader its snapshot of the versions is still current ---------
    def revision(self) -> str:
        """Changes whenever a document is written, renamed or deleted, by any process using this index:
        a token that every write of a record upserts in the same call, and the number of records (so a
        delete cut short before its new token still shows)."""
        got = self.docs_coll.get(ids=[REVISION_ID], include=["metadatas"])
        token = got["metadatas"][0].get("token", "") if got["ids"] else ""
        return f"{token}:{self.docs_coll.count()}"

    def _upsert_records(self, ids: list[str], documents: list[str], metadatas: list[dict]) -> None:
        """Document records and a new revision token, in one upsert."""
        self.docs_coll.upsert(ids=[*ids, REVISION_ID], documents=[*documents, ""],
                              metadatas=[*metadatas, {"token": uuid.uuid4().hex}], embeddings=[_DUMMY_VEC] * (len(ids) + 1))

    def mark_changed(self) -> None:
        """A new revision token (after records were written around the store, as the benchmark does)."""
        self._upsert_records([], [], [])

    # --- documents -------------------------------------------------------
    def _doc_meta(self) -> dict:
        try:
            return self.docs_coll.get(include=["metadatas"])
        except Exception as e:  # a damaged or incompatible index
            raise IndexCorruptError(f"the index cannot be read: {e}") from None

    def versions(self) -> Versions:
        """Each document's current version, from a process-wide snapshot that is read again only when
        the revision changed (one small read per query instead of the whole document table)."""
        rev = self.revision()
        if rev.startswith(":"):  # an index from before revisions: give it one
            self.mark_changed()
            rev = self.revision()
        snap = self._snapshot
        if snap is None or snap.revision != rev:
            records = self._records()  # read after the revision: never older than it
            snap = Versions({i: m["version"] for i, m in records})
            snap.revision, snap.titles = rev, {i: m.get("title", "") for i, m in records}
            self._snapshot = snap
        return snap.copy()

    def _records(self) -> list[tuple[str, dict]]:
        """(id, metadata) of every document record (the revision token is not one)."""
        got = self._doc_meta()
        return [(i, m) for i, m in zip(got["ids"], got["metadatas"]) if i != REVISION_ID]

    def documents(self) -> list[DocInfo]:
        out = [
            DocInfo(
                doc_id=i, source=m.get("source", ""), title=m.get("title", ""), version=m["version"],
                n_en=m.get("n_en", 0), n_zh=m.get("n_zh", 0), pairs=m.get("pairs", 0), chunks=m.get("chunks", 0),
                ingested_at=m.get("ingested_at", ""),
            )
            for i, m in self._records()
        ]
        return sorted(out, key=lambda d: d.doc_id)

    def get_document(self, doc_id: str) -> Document | None:
        got = self.docs_coll.get(ids=[doc_id], include=["documents"])
        if not got["ids"]:
            return None
        try:
            return document_from_json(got["documents"][0])
        except (ValueError, KeyError, TypeError) as e:
            raise IndexCorruptError(f"stored document {doc_id} is damaged: {e}") from None

    def write_document(self, doc: Document, chunks: list[Chunk], on_batch: Callable[[int], None] | None = None) -> None:
        for start in range(0, len(chunks), self.batch_size):
            batch = chunks[start : start + self.batch_size]
            texts = [c.text for c in batch]
            self.chunk_coll.upsert(
                ids=[c.id for c in batch], documents=texts, metadatas=[c.metadata() for c in batch],
                embeddings=self.embedder.embed_titled(texts, [c.title for c in batch]),
            )
            if on_batch:
                on_batch(len(batch))
        meta = {
            "version": doc.content_hash,
            "source": doc.source,
            "title": doc.meta.title or doc.meta.title_zh,
            "n_en": doc.body_count("en"),
            "n_zh": doc.body_count("zh"),
            "pairs": sum(1 for a, b in doc.alignment if a > 0),
            "chunks": len(chunks),
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        # the flip: one upsert makes the new version current (and, with it, a new revision for readers)
        self._upsert_records([doc.doc_id], [document_to_json(doc)], [meta])
        self.drop_stale(doc.doc_id, doc.content_hash)

    def drop_stale(self, doc_id: str, version: str) -> None:
        """Delete the document's chunks of any version but ``version``. A write killed after its flip
        leaves the old chunks; the next ingest of the same file finds the document unchanged and
        clears them here."""
        self._delete_chunks({"$and": [{"doc": doc_id}, {"version": {"$ne": version}}]})

    def drop_orphans(self, page: int = 5000) -> int:
        """Delete every chunk of no current version (of a document with no record, or of a version
        never made current: a write killed before its flip leaves them); how many. Call it holding the
        ingest lock: an ingest in flight writes such chunks on purpose."""
        versions = self.versions()
        stale: list[str] = []
        offset = 0
        while True:
            got = self.vs.get(include=["metadatas"], limit=page, offset=offset)
            stale += [i for i, m in zip(got["ids"], got["metadatas"]) if versions.get(m.get("doc")) != m.get("version")]
            if len(got["ids"]) < page:
                break
            offset += page
        for start in range(0, len(stale), 500):
            self.vs.delete(ids=stale[start : start + 500])
        return len(stale)

    def _delete_chunks(self, where: dict) -> None:
        ids = self.vs.get(where=where, include=[])["ids"]
        for start in range(0, len(ids), 500):
            self.vs.delete(ids=ids[start : start + 500])

    def delete_document(self, doc_id: str) -> bool:
        """Record first, then chunks: queries see only documents with a record, so a delete cut short
        leaves the document gone, and its left-over chunks go with the next delete of that id."""
        existed = bool(self.docs_coll.get(ids=[doc_id])["ids"])
        if existed:
            self.docs_coll.delete(ids=[doc_id])  # (the record count tells readers at once)
            self.mark_changed()
        self._delete_chunks({"doc": doc_id})
        return existed

    def rename_document(self, doc_id: str, title: str) -> bool:
        """A new title for people; the document's version, and so its chunks, stay as they are."""
        got = self.docs_coll.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return False
        doc = document_from_json(got["documents"][0])
        doc = replace(doc, meta=replace(doc.meta, title=title))
        meta = {**got["metadatas"][0], "title": title}
        self._upsert_records([doc_id], [document_to_json(doc)], [meta])  # a running UI shows it from its next question
        return True

    def reset(self) -> None:
        for name in (self.chunk_name, self.docs_name):
            try:
                self.client.delete_collection(name)
            except Exception:  # not there
                pass
        self.__init__(self.client, self.embedder, self.batch_size, self.exact_max_chunks)

    # --- queries ---------------------------------------------------------
    def _current(self, docs: Iterable[str] | None, versions: dict[str, str] | None = None) -> dict[str, str]:
        """The current version of each document (of ``docs`` only, when given)."""
        versions = self.versions() if versions is None else versions
        if docs is None:
            return versions
        wanted = set(docs)
        return {d: v for d, v in versions.items() if d in wanted}

    def search(
        self, vector: list[float], k: int, docs: Iterable[str] | None = None, versions: dict[str, str] | None = None
    ) -> list[ChunkHit]:
        """Nearest chunks of current document versions only.

        A library of at most ``exact_max_chunks`` chunks is searched exactly (`exact.py`: the same
        chunks in every process); a larger one through Chroma's HNSW index. Its fast path: search
        without a version filter (a large ``$in`` filter makes HNSW slow) and drop chunks of other
        versions; if that leaves too few (an ingest in flight), search again filtered."""
        snapshot = self.versions() if versions is None else versions
        revision = getattr(snapshot, "revision", None) or self.revision()  # a plain mapping has none
        versions = self._current(docs, snapshot)
        if not versions:
            return []
        exact = self._exact(revision)
        if exact is not None:
            return self._hits(exact.top(vector, k, versions))
        current = set(versions.values())
        docs_list = sorted(versions)
        where = None if docs is None else ({"doc": docs_list[0]} if len(docs_list) == 1 else {"doc": {"$in": docs_list}})
        fetch = k + 8
        while True:
            res = self.vs.similarity_search_by_vector_with_relevance_scores(vector, k=fetch, filter=where)
            hits = [(d, dist) for d, dist in res if d.metadata.get("version") in current]
            if len(hits) >= k or len(res) < fetch:  # enough current chunks, or nothing more to find
                break
            fetch *= 4  # chunks of other versions (an ingest in flight) crowd the top: look deeper
        return [
            ChunkHit(
                chunk_id=d.id or "", doc=d.metadata["doc"], lang=d.metadata["lang"],
                paragraph=int(d.metadata["paragraph"]), text=d.page_content, similarity=1.0 - float(dist),
            )
            for d, dist in hits[:k]
        ]

    def _exact(self, revision: str, page: int = 5000) -> Vectors | None:
        """Every chunk's vector as of ``revision`` (read once per revision), or None for a library of
        more than ``exact_max_chunks`` chunks. Chunks of every version are read; `Vectors.top` keeps
        the current ones."""
        from rag.index.exact import Vectors  # numpy, at the first search

        with self._vectors_lock:
            if self._vectors is not None and self._vectors[0] == revision:
                return self._vectors[1]
            vectors = None
            if self.chunk_coll.count() <= self.exact_max_chunks:
                try:
                    vectors = Vectors.of(revision, self._vector_rows(page))
                except Exception as e:  # chromadb: "Error finding id" after an ingest killed mid-write
                    log.warning("the stored vectors cannot be read (%s); searching Chroma's HNSW index instead", e)
            self._vectors = (revision, vectors)
            return vectors

    def _vector_rows(self, page: int) -> list[tuple[str, str, str, list[float]]]:
        """(chunk id, doc, version, vector) of every stored chunk, paged."""
        rows: list[tuple[str, str, str, list[float]]] = []
        for offset in range(0, self.exact_max_chunks + page, page):
            got = self.chunk_coll.get(include=["metadatas", "embeddings"], limit=page, offset=offset)
            rows += [(i, m["doc"], m.get("version", ""), e) for i, m, e in zip(got["ids"], got["metadatas"], got["embeddings"])]
            if len(got["ids"]) < page:
                break
        return rows

    def _hits(self, top: list[tuple[str, float]]) -> list[ChunkHit]:
        """The chunks of ``top`` (id, similarity), read from the index in that order."""
        if not top:
            return []
        got = self.chunk_coll.get(ids=[i for i, _ in top], include=["documents", "metadatas"])
        rec = {i: (t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])}
        return [
            ChunkHit(chunk_id=i, doc=rec[i][1]["doc"], lang=rec[i][1]["lang"], paragraph=int(rec[i][1]["paragraph"]),
                     text=rec[i][0], similarity=s)
            for i, s in top if i in rec  # a chunk deleted since its vectors were read is left out
        ]

    def chunks(self, docs: Iterable[str] | None = None, page: int = 5000) -> list[ChunkHit]:
        """Every chunk of the current versions (paged; filtered in Python: a `$in` over thousands of
        versions exceeds SQLite's variable limit)."""
        versions = self._current(docs)
        if not versions:
            return []
        current = set(versions.values())
        out: list[ChunkHit] = []
        offset = 0
        while True:
            got = self.vs.get(include=["documents", "metadatas"], limit=page, offset=offset)
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"]):
                if m.get("version") in current:
                    out.append(ChunkHit(i, m["doc"], m["lang"], int(m["paragraph"]), t, 0.0, m.get("title", "")))
            if len(got["ids"]) < page:
                return out
            offset += page
