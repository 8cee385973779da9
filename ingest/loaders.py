"""File → text for every format ingest supports."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ingest.decode import check_text, decode_bytes
from rag.errors import DocumentError

TEXT_EXT = {".txt", ".text", ".md", ".markdown"}
SUPPORTED = TEXT_EXT | {".pdf", ".docx"}
MAX_BYTES = 50 * 1024 * 1024


def doc_id_for(path: Path) -> str:
    stem = re.sub(r"\.{2,}", ".", re.sub(r"[^\w.\-]+", "_", path.stem)).strip("._-")
    return stem[:80] or "document"


def _markdown_to_text(text: str) -> str:
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        out.append(line)
    return "\n".join(out)


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [p.extract_text() or "" for p in reader.pages]
    except Exception as e:
        raise DocumentError(f"{name} is not a readable PDF: {e}") from None
    return "\n\n".join(pages)


def _docx_text(data: bytes, name: str) -> str:
    import docx

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise DocumentError(f"{name} is not a readable .docx file: {e}") from None
    return "\n\n".join(p.text for p in d.paragraphs if p.text.strip())


def load_bytes(data: bytes, name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED:
        raise DocumentError(f"{name}: unsupported file type {ext or '(none)'}; use one of {', '.join(sorted(SUPPORTED))}")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if ext == ".pdf":
        text = _pdf_text(data, name)
    elif ext == ".docx":
        text = _docx_text(data, name)
    else:
        text = decode_bytes(data, name)
        if ext in {".md", ".markdown"}:
            text = _markdown_to_text(text)
    if not text.strip():
        raise DocumentError(f"{name} has no text")
    return check_text(text, name)


def load_path(path: Path) -> str:
    if not path.exists():
        raise DocumentError(f"{path}: no such file")
    if path.is_dir():
        raise DocumentError(f"{path} is a folder; give the files in it")
    return load_bytes(path.read_bytes(), str(path))
