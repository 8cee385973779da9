"""DOCX → blocks through python-docx, in body order: headings (by style), paragraphs, list
paragraphs, and table rows (cells labelled by the first row's headers); core properties as metadata."""

from __future__ import annotations

import io

from ingest.blocks import Block, Parsed, Sections, labelled_rows, tidy
from rag.errors import DocumentError


def _heading_level(style_name: str) -> int:
    name = (style_name or "").lower()
    if name == "title":
        return 1
    if name.startswith("heading"):
        digits = "".join(ch for ch in name if ch.isdigit())
        return min(int(digits or 1), 6)
    return 0


def _table_rows(table) -> list[str]:
    rows = [[tidy(c.text).replace("\n", " ") for c in r.cells] for r in table.rows]
    return labelled_rows(rows[0], rows[1:]) if rows else []


def parse_docx(data: bytes, name: str) -> Parsed:
    import docx
    from docx.table import Table

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise DocumentError(f"{name} is not a readable .docx file: {e}") from None
    sections = Sections()
    blocks: list[Block] = []
    for item in d.iter_inner_content():
        if isinstance(item, Table):
            blocks += [Block(t, "table", 0, sections.path) for t in _table_rows(item) if t.strip()]
            continue
        text = tidy(item.text)
        if not text:
            continue
        style = item.style.name if item.style is not None else ""
        level = _heading_level(style)
        if level:
            blocks.append(Block(text, "heading", level, sections.heading(level, text)))
        else:
            kind = "list" if "list" in style.lower() else "prose"
            blocks.append(Block(text, kind, 0, sections.path))
    props = d.core_properties
    meta = {k: str(v).strip() for k, v in (("title", props.title), ("author", props.author)) if v and str(v).strip()}
    if props.created and "date" not in meta:
        meta["date"] = props.created.date().isoformat()
    if "title" not in meta:
        first = next((b for b in blocks if b.kind == "heading"), None)
        if first:
            meta["title"] = first.text
    return Parsed(tuple(blocks), meta)
