"""PDF pages: the original PDF is kept at ingest, a cited paragraph's page is rendered with its area
highlighted (UI and API), and deleting the document removes the kept file."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ingest.indexer import delete_document, indexer_for
from ingest.targets import Target
from rag.compose import App
from rag.index.embedder import FakeEmbedder
from rag.llm import FakeBackend
from ui.server.api import create_api
from tests.test_ingest_formats import EN_PDF, ZH_PDF, make_pdf
from ui.app import UIHandlers


@pytest.fixture
def pdf_app(settings, tmp_path):
    app = App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend())
    (tmp_path / "report.en.pdf").write_bytes(make_pdf(EN_PDF, cjk=False))
    (tmp_path / "report.zh.pdf").write_bytes(make_pdf(ZH_PDF, cjk=True))
    indexer_for(app).ingest([Target("report", tmp_path / "report.en.pdf", tmp_path / "report.zh.pdf")], progress=False)
    (tmp_path / "report.en.pdf").unlink()  # as an upload's temporary file goes away
    return app


def _pixel(png: bytes, x: float, y: float, zoom: float = 1.5) -> tuple[int, ...]:
    import pymupdf

    pix = pymupdf.Pixmap(png)
    return pix.pixel(int(x * zoom), int(y * zoom))


def test_paragraphs_keep_their_area_and_the_pdf_is_kept(pdf_app):
    doc = pdf_app.store.get_document("report")
    dividend = next(p for p in doc.by_lang("en") if "dividend" in p.text)
    assert dividend.page == 1 and dividend.box is not None
    x0, y0, x1, y1 = dividend.box
    assert 60 < x0 < x1 <= 530 and 200 < y0 < y1 < 340  # the second body box of page 1
    assert pdf_app.sources.pdf("report", "en").name == "en.pdf" and pdf_app.sources.pdf("report", "zh").name == "zh.pdf"


def test_the_page_is_rendered_with_the_paragraph_highlighted(pdf_app):
    from rag.pages import page_png

    doc = pdf_app.store.get_document("report")
    para = next(p for p in doc.by_lang("en") if "dividend" in p.text)
    png = page_png(pdf_app.sources.pdf("report", "en"), para)
    x0, y0, x1, y1 = para.box
    inside = _pixel(png, x1 + 1, (y0 + y1) / 2)  # within the highlight's margin, beside the text
    outside = _pixel(png, x1 + 1, y1 + 60)
    assert outside == (255, 255, 255)
    assert inside != (255, 255, 255) and inside[2] < inside[0]  # yellow: less blue than red


def test_ui_shows_the_page_beside_the_aligned_paragraph(pdf_app):
    h = UIHandlers(pdf_app)
    doc = pdf_app.store.get_document("report")
    para = next(p for p in doc.by_lang("en") if "dividend" in p.text)
    reader, _sel, page = h.show_citation(f"report|en|{para.n}")
    assert '<img src="data:image/png;base64,' in page and "page 1" in page
    twin = doc.get("zh", doc.twins("en", para.n)[0])
    assert twin.text in page and "1.20" in twin.text
    heading = doc.by_lang("en")[0]
    assert h.show_citation(f"report|en|{heading.n}")[2].startswith('<div class="page-view">')


def test_api_serves_the_page_and_404s_otherwise(pdf_app):
    client = TestClient(create_api(pdf_app))
    doc = pdf_app.store.get_document("report")
    para = next(p for p in doc.by_lang("zh") if "股息" in p.text)
    r = client.get(f"/v1/documents/report/paragraphs/zh/{para.n}/page.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:4] == b"\x89PNG"
    assert client.get("/v1/documents/report/paragraphs/zh/99/page.png").status_code == 404
    assert client.get("/v1/documents/nope/paragraphs/en/1/page.png").status_code == 404


def test_deleting_the_document_removes_the_kept_pdf(pdf_app):
    folder = pdf_app.settings.sources_path / "report"
    assert folder.is_dir()
    assert delete_document(pdf_app, "report") is True
    assert not folder.exists() and pdf_app.sources.pdf("report", "en") is None


def test_a_text_document_has_no_page_to_show(settings):
    from tests.conftest import make_app

    app = make_app(settings)
    assert app.sources.pdf("000_e8aec6b6a6faab82", "en") is None
    assert UIHandlers(app).page_view("000_e8aec6b6a6faab82", "en", 3) == ""
