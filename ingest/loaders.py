"""File → ``Parsed`` (blocks, metadata, what was skipped) for every format ingest supports."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ingest.blocks import Parsed
from ingest.decode import check_text, decode_bytes
from rag.errors import DocumentError

TEXT_EXT = {".txt", ".text"}
MARKDOWN_EXT = {".md", ".markdown"}
HTML_EXT = {".html", ".htm"}
SUPPORTED = TEXT_EXT | MARKDOWN_EXT | HTML_EXT | {".pdf", ".docx"}
MAX_BYTES = 50 * 1024 * 1024


def doc_id_for(path: Path) -> str:
    stem = re.sub(r"\.{2,}", ".", re.sub(r"[^\w.\-]+", "_", path.stem)).strip("._-")
    return stem[:80] or "document"


def parse_bytes(data: bytes, name: str) -> Parsed:
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED:
        raise DocumentError(f"{name}: unsupported file type {ext or '(none)'}; use one of {', '.join(sorted(SUPPORTED))}")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if ext == ".pdf":
        from ingest.pdf import parse_pdf

        parsed = parse_pdf(data, name)
    elif ext == ".docx":
        from ingest.word import parse_docx

        parsed = parse_docx(data, name)
    else:
        text = (ext in HTML_EXT and declared_charset_text(data)) or decode_bytes(data, name)
        if not text.strip():
            raise DocumentError(f"{name} has no text")
        text = check_text(text, name)
        parsed = _parse_text_format(text, ext, name)
    if not parsed.blocks and not parsed.front:
        held = Counter(sk.reason for sk in parsed.skipped)
        what = f"; skipped: {', '.join(f'{r} ×{n}' for r, n in held.items())}" if held else ""
        raise DocumentError(f"{name} has no text{what}")
    return parsed


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset_text(data: bytes) -> str | None:
    """An HTML file in the encoding its ``<meta charset>`` declares (the HTML standard's prescan of
    the first 1024 bytes), e.g. an English page in ISO-8859-1; None when it declares none or lies."""
    m = META_CHARSET.search(data[:1024])
    if not m:
        return None
    try:
        return data.decode(m.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


def _parse_text_format(text: str, ext: str, name: str) -> Parsed:
    if ext in MARKDOWN_EXT:
        from ingest.md import parse_markdown

        return parse_markdown(text)
    if ext in HTML_EXT:
        from ingest.web import parse_html

        return parse_html(text)
    from ingest.parse import parse_plain

    return parse_plain(text, name)


def parse_path(path: Path) -> Parsed:
    if not path.exists():
        raise DocumentError(f"{path}: no such file")
    if path.is_dir():
        raise DocumentError(f"{path} is a folder; give the files in it")
    return parse_bytes(path.read_bytes(), str(path))
