"""Idempotent, atomic ingest: parse and validate everything first, then write per document."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from dataclasses import replace
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator
from weakref import WeakKeyDictionary

from ingest.align import align, merge_pair, stats
from ingest.blocks import Parsed
from ingest.chunk import chunk_document, chunk_title, split_paragraph
from rag.diff import counts, discrepancies
from ingest.loaders import doc_id_for, parse_bytes, parse_path
from ingest.parse import build_document, file_lang
from ingest.report import IngestReport
from ingest.targets import Target
from rag.errors import DocumentError, IndexBusyError
from rag.index.embedder import Embedder
from rag.index.sources import SourceFiles
from rag.index.store import Store
from rag.types import Document, Paragraph

if TYPE_CHECKING:
    from rag.compose import App

log = logging.getLogger(__name__)


@contextmanager
def ingest_lock(home: Path, wait_s: float = 0.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One writer at a time per data directory. A second writer waits up to ``wait_s`` (calling
    ``on_wait`` once, so an upload can show "waiting"), then is refused clearly."""
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / "ingest.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError("another ingest is writing to this index") from None
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


LANG_NAME = {"en": "English", "zh": "Chinese"}


def _one_language(path: Path, want: str, doc_id: str | None) -> Document:
    """One version of a pair: the file must read as ``want``; every block of it is in that language."""
    parsed = parse_path(path)
    got = file_lang(parsed)
    if got != want:
        of = f" of {doc_id}" if doc_id else ""
        raise DocumentError(f"{path} should be the {LANG_NAME[want]} version{of}, but it reads as {LANG_NAME[got]}",
                            hint="nothing was stored; give the English version first, then the Chinese one")
    return build_document(parsed, want, str(path), lang=want)  # type: ignore[arg-type]


class Indexer:
    def __init__(
        self, store: Store, embedder: Embedder, chunk_chars: int = 900, overlap: int = 1, sources: SourceFiles | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.sources = sources
        self.chunk_chars = chunk_chars
        self.overlap = overlap

    def _unchanged(self, doc: Document) -> Document | None:
        """The stored document when this parse is identical to it (no embedding needed)."""
        stored = self.store.get_document(doc.doc_id)
        if stored is not None and stored.parse_hash == doc.parse_hash and stored.source == doc.source:
            return stored
        return None

    def _embed_paragraphs(self, paragraphs: list[Paragraph]) -> list[list[float]]:
        """Paragraph vectors for alignment: the mean of the paragraph's chunk vectors, each read under
        its heading path as the store reads it, so the chunks are embedded once (the write that follows
        hits the embedder's cache)."""
        import numpy as np

        spans = [split_paragraph(p.text, self.chunk_chars, self.overlap) for p in paragraphs]
        flat = [p.text[a:b].strip() for p, sp in zip(paragraphs, spans) for a, b in sp]
        titles = [chunk_title(p) for p, sp in zip(paragraphs, spans) for _ in sp]
        vecs = np.asarray(self.embedder.embed_titled(flat, titles), dtype=np.float32)
        out, i = [], 0
        for sp in spans:
            v = vecs[i : i + len(sp)].mean(axis=0)
            out.append((v / (np.linalg.norm(v) or 1.0)).tolist())
            i += len(sp)
        return out

    def prepare_parsed(self, parsed: Parsed, doc_id: str, source: str) -> Document:
        doc = build_document(parsed, doc_id, source)
        return self._unchanged(doc) or align(doc, self._embed_paragraphs if len(doc.langs) == 2 else None)

    def prepare_path(self, path: Path) -> Document:
        return self.prepare(Target(doc_id_for(path), path))

    def prepare(self, target: Target) -> Document:
        if target.zh is None:  # the files ride along to be kept (a PDF's pages, ingesting again)
            doc = self.prepare_parsed(parse_path(target.en), target.doc_id, target.source)
            return replace(doc, files=(("", str(target.en)),))
        doc = self.prepare_pair(target.en, target.zh, target.doc_id, target.source)
        return replace(doc, files=(("en", str(target.en)), ("zh", str(target.zh))))

    def prepare_pair(self, en_path: Path, zh_path: Path, doc_id: str | None = None, source: str = "") -> Document:
        """Two one-language files: every block of each is in that file's language."""
        docs = [_one_language(en_path, "en", doc_id), _one_language(zh_path, "zh", doc_id)]
        if doc_id is None:
            from ingest.targets import plan

            doc_id = plan([en_path, zh_path], pair=True)[0].doc_id
        merged = merge_pair(docs[0], docs[1], doc_id, source or f"{en_path} + {zh_path}")
        return self._unchanged(merged) or align(merged, self._embed_paragraphs)

    def validate(self, target: Target) -> None:
        """Read and parse a document's files without keeping them: raises the user-facing error for bad input."""
        if target.zh is None:
            build_document(parse_path(target.en), target.doc_id, str(target.en))
        else:
            _one_language(target.en, "en", target.doc_id)
            _one_language(target.zh, "zh", target.doc_id)

    def ingest(self, targets: list[Target], progress: bool = True) -> list[IngestReport]:
        """One document at a time (memory stays bounded however many files); validate them first."""
        from tqdm import tqdm

        reports: list[IngestReport] = []
        many = len(targets) > 1
        for t in tqdm(targets, desc="ingest", unit="doc", disable=not (progress and many)):
            t0 = time.perf_counter()
            doc = self.prepare(t)
            took = time.perf_counter() - t0
            reports.extend(replace(r, seconds=r.seconds + took) for r in self.write([doc], progress=progress and not many))
        return reports

    def prepare_upload(self, data: bytes, name: str) -> Document:
        return self.prepare_parsed(parse_bytes(data, name), doc_id_for(Path(name)), name)

    def write(
        self, docs: list[Document], progress: bool = True, on_chunks: Callable[[int, int], None] | None = None,
    ) -> list[IngestReport]:
        """Store prepared documents (a tqdm bar with ``progress``; ``on_chunks(done, total)`` after each
        batch of chunks embedded and stored) and keep their files."""
        from tqdm import tqdm

        current = self.store.versions()
        plans = []
        for doc in docs:
            chunks = chunk_document(doc, self.chunk_chars, self.overlap)
            status = "unchanged" if current.get(doc.doc_id) == doc.content_hash else (
                "updated" if doc.doc_id in current else "added"
            )
            plans.append((doc, chunks, status))
        total = sum(len(c) for _, c, s in plans if s != "unchanged")
        reports = []
        with tqdm(total=total, unit="chunk", desc="ingest", disable=not progress or total == 0) as bar:

            def batch_done(n: int) -> None:
                bar.update(n)
                if on_chunks is not None:
                    on_chunks(bar.n, total)

            for doc, chunks, status in plans:
                t0 = time.perf_counter()
                if status != "unchanged":
                    self.store.write_document(doc, chunks, on_batch=batch_done)
                else:  # a write killed after its flip left the old version's chunks behind
                    self.store.drop_stale(doc.doc_id, doc.content_hash)
                if self.sources is not None and doc.files:
                    self.sources.keep(doc)  # a PDF's pages for its citations; the files to ingest again
                reports.append(
                    IngestReport(
                        doc_id=doc.doc_id, source=doc.source, status=status,
                        n_en=doc.body_count("en"), n_zh=doc.body_count("zh"),
                        pairs=sum(1 for a, _ in doc.alignment if a > 0), unaligned=doc.unaligned,
                        chunks=len(chunks), seconds=time.perf_counter() - t0,
                        blocks_read=doc.blocks_read, skipped=doc.skipped,
                        alignment=stats(doc) if len(doc.langs) == 2 else None,
                        discrepancies=counts(discrepancies(doc)) if len(doc.langs) == 2 and status != "unchanged" else None,
                    )
                )
        return reports


_indexers: WeakKeyDictionary[App, Indexer] = WeakKeyDictionary()
_indexers_lock = threading.Lock()


def indexer_for(app: App) -> Indexer:
    """The app's indexer, made once per app over its store and models (and again over the new store
    after the app forgot a damaged or closed index)."""
    store = app.store
    with _indexers_lock:
        indexer = _indexers.get(app)
        if indexer is None or indexer.store is not store:
            s = app.settings
            indexer = Indexer(store, app.embedder, s.chunk_chars, s.chunk_overlap_sentences, app.sources)
            _indexers[app] = indexer
        return indexer


def delete_document(app: App, doc_id: str, wait_s: float = 0.0) -> bool:
    """Delete a document (record, paragraphs, chunks, kept PDF) under the ingest lock; False when
    there is none."""
    with ingest_lock(app.settings.home, wait_s):
        gone = app.store.delete_document(doc_id)
    app.sources.drop(doc_id)
    return gone
