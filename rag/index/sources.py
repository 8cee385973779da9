"""The original files of documents whose pages can be shown (PDFs), kept under ``RAG_HOME/sources``
so a citation can open its page long after the upload's temporary file is gone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from rag.types import Document

KEPT = {".pdf"}


class SourceFiles:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _folder(self, doc_id: str) -> Path:
        if not re.fullmatch(r"[\w.\-]{1,120}", doc_id) or doc_id in (".", ".."):
            raise ValueError(f"not a document id: {doc_id!r}")
        return self.root / doc_id

    def keep(self, doc: Document) -> None:
        """Copy the document's PDF files (``en.pdf``, ``zh.pdf``, or ``doc.pdf`` for one file);
        files of other formats are not needed and not kept."""
        folder = self._folder(doc.doc_id)
        shutil.rmtree(folder, ignore_errors=True)
        for lang, path in doc.files:
            src = Path(path)
            if src.suffix.lower() in KEPT and src.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, folder / f"{lang or 'doc'}{src.suffix.lower()}")

    def pdf(self, doc_id: str, lang: str) -> Path | None:
        """The PDF that holds the document's ``lang`` paragraphs, if it was kept."""
        folder = self._folder(doc_id)
        for name in (f"{lang}.pdf", "doc.pdf"):
            if (folder / name).is_file():
                return folder / name
        return None

    def drop(self, doc_id: str) -> None:
        shutil.rmtree(self._folder(doc_id), ignore_errors=True)
