"""A PDF page as an image with one paragraph's area highlighted, rendered by PyMuPDF."""

from __future__ import annotations

from pathlib import Path

from rag.errors import NotFoundError
from rag.types import Paragraph

ZOOM = 1.5  # 108 dpi: the page readable beside the reader
HIGHLIGHT = (1.0, 0.85, 0.2)


def _area(page, para: Paragraph):
    """The paragraph's stored area, or (an index from before areas were kept) where its opening words are found."""
    import pymupdf

    if para.box:
        return pymupdf.Rect(para.box)
    hits = page.search_for(" ".join(para.text.split())[:40])
    if not hits:
        return None
    area = hits[0]
    for r in hits[1:]:
        area |= r
    return area


def page_png(pdf: Path, para: Paragraph, zoom: float = ZOOM) -> bytes:
    """PNG bytes of the page ``para`` stands on, its area filled in translucent yellow and outlined."""
    import pymupdf

    if not para.page:
        raise NotFoundError(f"{para.place} is not on a PDF page")
    with pymupdf.open(pdf) as doc:
        if not 1 <= para.page <= doc.page_count:
            raise NotFoundError(f"{pdf.name} has no page {para.page}")
        page = doc[para.page - 1]
        area = _area(page, para)
        if area is not None:  # drawn on the page in memory; the kept file is not changed
            page.draw_rect(area + (-3, -3, 3, 3), color=(0.85, 0.55, 0.0), fill=HIGHLIGHT, fill_opacity=0.35,
                           width=1.5, overlay=True)
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
