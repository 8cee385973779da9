"""Idempotent, atomic ingest: parse and validate everything first, then write per document."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ingest.align import align, merge_pair
from ingest.chunk import chunk_document, split_paragraph
from ingest.loaders import SUPPORTED, doc_id_for, load_bytes, load_path
from ingest.parse import parse_text
from rag.errors import DocumentError, IndexBusyError
from rag.types import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    doc_id: str
    source: str
    status: str  # added | updated | unchanged
    n_en: int
    n_zh: int
    pairs: int
    unaligned: tuple[tuple[str, int], ...]
    chunks: int
    seconds: float


@contextmanager
def ingest_lock(home: Path) -> Iterator[None]:
    """One writer at a time per data directory; a second ingest is refused clearly."""
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / "ingest.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError("another ingest is writing to this index") from None
        yield
    finally:
        os.close(fd)


def expand_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED)
            if not found:
                raise DocumentError(f"{p} holds no supported documents ({', '.join(sorted(SUPPORTED))})")
            out.extend(found)
        else:
            out.append(p)
    return out


class Indexer:
    def __init__(self, store, embedder, chunk_chars: int = 900, overlap: int = 1) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.overlap = overlap

    def _unchanged(self, doc: Document) -> Document | None:
        """The stored document when this parse is identical to it (no embedding needed)."""
        stored = self.store.get_document(doc.doc_id)
        if stored is not None and stored.parse_hash == doc.parse_hash and stored.source == doc.source:
            return stored
        return None

    def _embed_paragraphs(self, texts: list[str]) -> list[list[float]]:
        """Paragraph vectors for alignment: the mean of the paragraph's chunk vectors, so the chunks
        are embedded once (the write that follows hits the embedder's cache)."""
        import numpy as np

        spans = [split_paragraph(t, self.chunk_chars, self.overlap) for t in texts]
        flat = [t[a:b].strip() for t, sp in zip(texts, spans) for a, b in sp]
        vecs = np.asarray(self.embedder.embed_documents(flat), dtype=np.float32)
        out, i = [], 0
        for sp in spans:
            v = vecs[i : i + len(sp)].mean(axis=0)
            out.append((v / (np.linalg.norm(v) or 1.0)).tolist())
            i += len(sp)
        return out

    def prepare_text(self, text: str, doc_id: str, source: str) -> Document:
        doc = parse_text(text, doc_id, source)
        return self._unchanged(doc) or align(doc, self._embed_paragraphs if len(doc.langs) == 2 else None)

    def prepare_path(self, path: Path) -> Document:
        return self.prepare_text(load_path(path), doc_id_for(path), str(path))

    def prepare_pair(self, en_path: Path, zh_path: Path) -> Document:
        en = parse_text(load_path(en_path), "en", str(en_path))
        zh = parse_text(load_path(zh_path), "zh", str(zh_path))
        if "en" not in en.langs or "zh" not in zh.langs:
            raise DocumentError(f"--pair wants an English file then a Chinese file, got {en_path} and {zh_path}")
        doc_id = doc_id_for(en_path).removesuffix("_en").removesuffix("-en") or "document"
        merged = merge_pair(en, zh, doc_id, f"{en_path} + {zh_path}")
        return self._unchanged(merged) or align(merged, self._embed_paragraphs)

    def validate_path(self, path: Path) -> None:
        """Read and parse a file without keeping it: raises the user-facing error for bad input."""
        parse_text(load_path(path), doc_id_for(path), str(path))

    def ingest_paths(self, paths: list[Path], progress: bool = True) -> list[IngestReport]:
        """One document at a time (memory stays bounded however many files); validate them first."""
        from tqdm import tqdm

        reports: list[IngestReport] = []
        many = len(paths) > 1
        for p in tqdm(paths, desc="ingest", unit="doc", disable=not (progress and many)):
            reports.extend(self.write([self.prepare_path(p)], progress=progress and not many))
        return reports

    def prepare_upload(self, data: bytes, name: str) -> Document:
        return self.prepare_text(load_bytes(data, name), doc_id_for(Path(name)), name)

    def write(self, docs: list[Document], progress: bool = True) -> list[IngestReport]:
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
            for doc, chunks, status in plans:
                t0 = time.perf_counter()
                if status != "unchanged":
                    self.store.write_document(doc, chunks, on_batch=bar.update)
                reports.append(
                    IngestReport(
                        doc_id=doc.doc_id, source=doc.source, status=status,
                        n_en=doc.body_count("en"), n_zh=doc.body_count("zh"),
                        pairs=sum(1 for a, _ in doc.alignment if a > 0), unaligned=doc.unaligned,
                        chunks=len(chunks), seconds=time.perf_counter() - t0,
                    )
                )
        return reports
