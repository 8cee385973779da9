"""The original files of ingested documents, kept under ``RAG_HOME/sources/<doc>/`` (``doc.<ext>``
for one file, ``en.<ext>`` + ``zh.<ext>`` for a pair): a citation of a PDF paragraph opens its page
long after the upload's temporary file is gone, and a document can be ingested again from them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rag.types import Document


class SourceFiles:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _folder(self, doc_id: str) -> Path:
        if not re.fullmatch(r"[\w.\-]{1,120}", doc_id) or doc_id in (".", ".."):
            raise ValueError(f"not a document id: {doc_id!r}")
        return self.root / doc_id

    def keep(self, doc: Document) -> None:
        """Copy the document's input files (``doc.files``), replacing what was kept before; the old
        copies may be the very files being ingested again, so the new set is built beside them first."""
        folder = self._folder(doc.doc_id)
        fresh = folder.with_name(folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        for lang, path in doc.files:
            src = Path(path)
            if src.is_file():
                shutil.copyfile(src, fresh / f"{lang or 'doc'}{src.suffix.lower()}")
        shutil.rmtree(folder, ignore_errors=True)
        fresh.rename(folder)

    def files(self, doc_id: str) -> dict[str, Path]:
        """The kept files by role: "doc" (one file), or "en" and "zh"."""
        folder = self._folder(doc_id)
        return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}

    def pdf(self, doc_id: str, lang: str) -> Path | None:
        """The PDF that holds the document's ``lang`` paragraphs, if one was kept."""
        kept = self.files(doc_id)
        path = kept.get(lang) or kept.get("doc")
        return path if path is not None and path.suffix == ".pdf" else None

    def size(self, doc_id: str) -> int | None:
        """Bytes of the kept files (None when nothing is kept: a document ingested before files were)."""
        kept = self.files(doc_id)
        return sum(p.stat().st_size for p in kept.values()) if kept else None

    def drop(self, doc_id: str) -> None:
        shutil.rmtree(self._folder(doc_id), ignore_errors=True)
