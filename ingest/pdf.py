"""PDF → blocks through PyMuPDF: its text blocks are the paragraphs, each with its page.

Running headers and footers (the same text, digits aside, in the top or bottom margin of most pages)
and bare page numbers are removed and reported; hyphenated line ends are joined; lines larger than
the body text and short become headings (level by size); a paragraph cut by a page break is joined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.blocks import Block, Parsed, Sections, Skipped, excerpt, join_lines
from rag.errors import DocumentError
from rag.text.sentences import ZH_SENT_END

MARGIN = 0.08  # top and bottom share of the page where running headers and footers live
PAGE_NO = re.compile(r"^\s*(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?\s*(?:/\s*\d{1,4})?\s*$|^\s*第\s*\d{1,4}\s*页\s*$", re.I)


@dataclass(frozen=True)
class _Raw:
    page: int
    text: str
    size: float  # the largest font size in the block
    top: float  # share of the page height
    bottom: float
    box: tuple[float, float, float, float]  # in PDF points


def _raw_blocks(doc) -> list[_Raw]:
    out: list[_Raw] = []
    for pno, page in enumerate(doc, start=1):
        height = page.rect.height or 1.0
        for b in page.get_text("dict")["blocks"]:  # content-stream order: columns stay whole
            lines = ["".join(s["text"] for s in ln["spans"]) for ln in b.get("lines", [])]
            sizes = [s["size"] for ln in b.get("lines", []) for s in ln["spans"] if s["text"].strip()]
            text = join_lines(lines)
            if text.strip():
                box = tuple(float(v) for v in b["bbox"])
                out.append(_Raw(pno, text, max(sizes or [0.0]), box[1] / height, box[3] / height, box))
    return out


def _furniture(raw: list[_Raw], pages: int) -> dict[int, str]:
    """Index → reason for the blocks that are page furniture, not text of the document."""
    key = lambda r: re.sub(r"\d+", "#", r.text.strip().lower())  # noqa: E731
    in_margin = [i for i, r in enumerate(raw) if r.top < MARGIN or r.bottom > 1 - MARGIN]
    seen = Counter(key(raw[i]) for i in in_margin)
    out: dict[int, str] = {}
    for i in in_margin:
        if PAGE_NO.match(raw[i].text):
            out[i] = "page number"
        elif pages >= 2 and seen[key(raw[i])] >= max(2, pages // 2):
            out[i] = "running header or footer"
    return out


def _continues(prev: Block, nxt: _Raw) -> bool:
    """A paragraph cut by a page break: the last block of a page ends mid-sentence."""
    end = prev.text.rstrip()[-1:]
    return prev.kind == "prose" and nxt.page == (prev.page or 0) + 1 and end not in ".!?:;" + ZH_SENT_END + "：…”\"'"


def parse_pdf(data: bytes, name: str) -> Parsed:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as e:
        raise DocumentError(f"{name} is not a readable PDF: {e}") from None
    if doc.needs_pass:
        raise DocumentError(f"{name} is password-protected; remove the password and try again")
    raw = _raw_blocks(doc)
    furniture = _furniture(raw, doc.page_count)
    body = Counter()
    for i, r in enumerate(raw):
        if i not in furniture:
            body[round(r.size, 1)] += len(r.text)
    body_size = body.most_common(1)[0][0] if body else 0.0
    head_sizes = sorted({round(r.size, 1) for r in raw if r.size > body_size * 1.15}, reverse=True)
    sections = Sections()
    blocks: list[Block] = []
    skipped = [Skipped(excerpt(raw[i].text), why, raw[i].page) for i, why in sorted(furniture.items())]
    for i, r in enumerate(raw):
        if i in furniture:
            continue
        size = round(r.size, 1)
        if size in head_sizes and len(r.text) < 150 and r.text.rstrip()[-1:] not in ".。":
            level = min(head_sizes.index(size) + 1, 6)
            blocks.append(Block(r.text, "heading", level, sections.heading(level, r.text), r.page, r.box))
        elif blocks and _continues(blocks[-1], r):
            prev = blocks.pop()  # the paragraph's area stays where it starts
            blocks.append(Block(join_lines([prev.text, r.text]), "prose", 0, prev.section, prev.page, prev.box))
        else:
            blocks.append(Block(r.text, "prose", 0, sections.path, r.page, r.box))
    meta = {k: v.strip() for k, v in (doc.metadata or {}).items() if k in ("title", "author") and v and v.strip()}
    if "title" not in meta and blocks and blocks[0].kind == "heading":
        meta["title"] = blocks[0].text
    return Parsed(tuple(blocks), meta, "", tuple(skipped))
