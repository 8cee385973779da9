"""A PDF page as an image with one paragraph's area highlighted, rendered by PyMuPDF.

A paragraph that runs on past a column break has both its parts highlighted on its page; one that runs
on to the next page is shown as its two pages, one above the other, each part highlighted.
"""

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


def _mark(page, area) -> None:
    """Drawn on the page in memory; the kept file is not changed."""
    page.draw_rect(area + (-3, -3, 3, 3), color=(0.85, 0.55, 0.0), fill=HIGHLIGHT, fill_opacity=0.35,
                   width=1.5, overlay=True)


def page_png(pdf: Path, para: Paragraph, zoom: float = ZOOM) -> bytes:
    """PNG bytes of the page ``para`` stands on, its area filled in translucent yellow and outlined (and
    its end's area, on the same page or on the next one shown below it)."""
    import pymupdf

    if not para.page:
        raise NotFoundError(f"{para.place} is not on a PDF page")
    with pymupdf.open(pdf) as doc:
        if not 1 <= para.page <= doc.page_count:
            raise NotFoundError(f"{pdf.name} has no page {para.page}")
        page = doc[para.page - 1]
        area = _area(page, para)
        if area is not None:
            _mark(page, area)
        end = para.page_end if para.box_end and para.page_end and 1 <= para.page_end <= doc.page_count else None
        if end == para.page:
            _mark(page, pymupdf.Rect(para.box_end))
        elif end is not None:
            return _two_pages(doc, para, zoom)
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def _two_pages(doc, para: Paragraph, zoom: float) -> bytes:
    """The paragraph's first page above the page of its end, both parts highlighted."""
    import pymupdf

    second = doc[para.page_end - 1]
    _mark(second, pymupdf.Rect(para.box_end))
    first = doc[para.page - 1]
    w = max(first.rect.width, second.rect.width)
    with pymupdf.open() as out:
        sheet = out.new_page(width=w, height=first.rect.height + second.rect.height)
        for p, top in ((first, 0.0), (second, first.rect.height)):
            with pymupdf.open() as one:  # the page with its highlight, as drawn
                one.insert_pdf(doc, from_page=p.number, to_page=p.number)
                sheet.show_pdf_page(pymupdf.Rect(0, top, p.rect.width, top + p.rect.height), one, 0)
        return sheet.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
