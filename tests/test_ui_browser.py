"""Playwright (Python) driving Debian's chromium against the launched app: ask, see the streamed
answer with a citation chip, click it, see the paragraph highlighted in both languages; upload a
document and ask about it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil

import pytest

from ui.local import running_ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian chromium is missing: run scripts/setup.sh --test as root (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def ui_url(real_app):
    with running_ui(real_app) as url:
        yield url


FINAL = "#chat .answer, #chat .refusal"  # the settled answer (the evidence before it has chips too)


def _ask(page, question: str):
    before = page.locator(FINAL).count()
    page.fill("#question textarea", question)
    page.click("#send")
    # the evidence, then streamed tokens, then the final answer: wait for the answer
    page.wait_for_function(f"() => document.querySelectorAll('{FINAL}').length > {before}", timeout=180_000)


def test_ask_click_chip_highlights_both_languages(browser, ui_url, artifacts):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.wait_for_selector("#question textarea")
    page.fill("#question textarea", "On which dates did President Trump visit China?")
    page.click("#send")
    # streaming: the assistant bubble shows partial text with a cursor before the final answer
    page.wait_for_function("() => document.querySelector('#chat') && document.querySelector('#chat').innerText.includes('▌') || document.querySelector('#chat .cite-chip')", timeout=180_000)
    page.wait_for_selector("#chat .answer", timeout=180_000)
    chips = page.locator("#chat .cite-row .cite-chip")  # the answer's own chips, not the evidence's
    labels = chips.all_inner_texts()
    assert any("¶1" in t for t in labels), labels
    chip = page.locator("#chat .cite-chip", has_text="¶1").first
    chip.click()
    page.wait_for_selector("#reader tr.pair.hl", timeout=30_000)
    row = page.locator("#reader tr.pair.hl")
    text = row.inner_text()
    assert "5月13日至15日" in text and "Since last autumn" in text  # both languages side by side
    assert row.locator("td.cited").count() == 1
    page.screenshot(path=str(artifacts / "ui-chip-highlight.png"), full_page=True)
    page.close()


def test_chinese_question_and_refusal(browser, ui_url, artifacts):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.wait_for_selector("#question textarea")
    _ask(page, "两国元首预计什么时候再次会晤？")
    assert page.locator("#chat .cite-chip").count() >= 1
    _ask_more = "What did Biden say about Taiwan during the summit?"
    page.fill("#question textarea", _ask_more)
    page.click("#send")
    page.wait_for_selector("#chat .refusal", timeout=180_000)
    page.screenshot(path=str(artifacts / "ui-chinese-and-refusal.png"), full_page=True)
    page.close()


def test_upload_then_ask_about_it(browser, ui_url, artifacts, tmp_path):
    doc = tmp_path / "harbor_report.txt"
    doc.write_text(
        "Harbor Report\n\nThe Lumen harbor reopened on 4 March after a storm closed it for eleven days.\n\n"
        "Repairs to the north pier cost 2.3 million dollars and were paid by the port authority.\n\n"
        "港口报告\n\n风暴使卢门港关闭了十一天，港口于3月4日重新开放。\n\n北码头的维修费用为230万美元，由港务局支付。\n",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.click("#upload-panel button, #upload-panel .label-wrap")  # open the accordion
    page.set_input_files("#upload input[type=file]", str(doc))
    page.wait_for_timeout(1500)
    page.click("#ingest")
    page.wait_for_selector("#upload-status:has-text('harbor_report')", timeout=120_000)
    assert "added" in page.inner_text("#upload-status")
    _ask(page, "How much did the north pier repairs cost?")
    answer = page.locator("#chat .answer").last.inner_text()
    assert "2.3 million" in answer or "230" in answer
    assert "harbor_report" in page.locator("#chat .cite-row").last.inner_text()
    page.screenshot(path=str(artifacts / "ui-upload-ask.png"), full_page=True)
    # the uploaded document is the one shown; delete it, asked first
    assert "harbor_report" in page.inner_text("#docs")
    page.click("#delete")
    page.wait_for_selector("#delete-yes", state="visible")
    page.click("#delete-no")  # cancel keeps it
    page.wait_for_selector("#delete-yes", state="hidden")
    assert "harbor_report" in page.inner_text("#docs")
    page.click("#delete")
    page.click("#delete-yes")
    page.wait_for_selector("#upload-status:has-text('Deleted')", timeout=30_000)
    page.wait_for_function("!document.querySelector('#docs').innerText.includes('harbor_report')", timeout=30_000)
    page.screenshot(path=str(artifacts / "ui-deleted.png"), full_page=True)
    page.close()


def test_the_evidence_marks_the_unit_the_answer_quotes(browser, ui_url, artifacts):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.wait_for_selector("#question textarea")
    _ask(page, "Where will the two heads of state meet again toward the end of the year?")
    page.wait_for_selector("#chat blockquote.ev-selected", timeout=30_000)
    quote = page.locator("#chat blockquote.ev-selected").first
    assert "APEC and G20 summits" in quote.inner_text() and "in the answer" in quote.inner_text()
    assert "APEC and G20 summits" in page.locator("#chat .answer").last.inner_text()  # quoted verbatim
    assert quote.locator(".cite-chip").count() == 1  # the unit's own chip opens its paragraph
    quote.locator(".cite-chip").click()
    page.wait_for_selector("#reader tr.pair.hl", timeout=30_000)
    assert "APEC" in page.locator("#reader tr.pair.hl").inner_text()
    page.screenshot(path=str(artifacts / "ui-quote.png"), full_page=True)
    page.close()


def test_example_questions_come_from_the_document_and_fill_the_box(browser, ui_url):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.wait_for_selector("#examples")
    examples = page.locator("#examples").inner_text()
    assert "Who wrote this document?" in examples and "Trump" not in examples  # made from the sample's header
    page.locator("#examples button", has_text="Who wrote this document?").first.click()
    page.wait_for_function("() => document.querySelector('#question textarea').value === 'Who wrote this document?'", timeout=30_000)
    page.close()


def test_conversation_reopened_after_a_restart_and_exported(browser, settings, artifacts):
    """Ask, stop the app; a new app on the same data dir lists the conversation in the sidebar, a click
    brings back the answer with its chips, and the export downloads with footnotes in both languages.
    (The fake models: what is tested is keeping, not answering.)"""
    from rag.compose import App
    from tests.conftest import make_app

    question = "When are the APEC and G20 summits held?"
    with running_ui(make_app(settings)) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#question textarea")
        _ask(page, question)
        page.close()
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    with running_ui(App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend())) as url:  # the restart
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        page.goto(url)
        page.click("#sidebar .toggle-button")
        page.locator("#conversations label", has_text=question).click()
        page.wait_for_selector("#chat .cite-chip", timeout=30_000)
        assert question in page.locator("#chat").inner_text()
        page.wait_for_function("() => !document.querySelector('#export-md').disabled", timeout=30_000)
        with page.expect_download(timeout=30_000) as dl:
            page.click("#export-md")
        md = open(dl.value.path(), encoding="utf-8").read()
        assert f"## 1. {question}" in md and "[^1]: **EN ¶3" in md
        assert "今年9月" in md  # the aligned Chinese paragraph is quoted beside the cited English one
        page.screenshot(path=str(artifacts / "ui-conversation-reopened.png"), full_page=True)
        page.close()


def test_pdf_citation_opens_the_highlighted_page(browser, settings, tmp_path, artifacts):
    """Click the chip of a PDF paragraph: its page appears with the area highlighted, beside the aligned
    Chinese paragraph. (The fake models: the page view is tested, not the answer.)"""
    from ingest.targets import Target
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend
    from tests.test_ingest_formats import EN_PDF, ZH_PDF, make_pdf

    app = App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend())
    (tmp_path / "report.en.pdf").write_bytes(make_pdf(EN_PDF, cjk=False))
    (tmp_path / "report.zh.pdf").write_bytes(make_pdf(ZH_PDF, cjk=True))
    app.indexer.ingest([Target("report", tmp_path / "report.en.pdf", tmp_path / "report.zh.pdf")], progress=False)
    with running_ui(app) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#question textarea")
        _ask(page, "What dividend per share did the board approve?")
        page.locator("#chat .cite-chip", has_text="EN ¶3").first.click()
        img = page.wait_for_selector("#page-view img", timeout=30_000)
        assert img.get_attribute("src").startswith("data:image/png;base64,")
        assert page.locator("#page-view figcaption").inner_text().endswith("page 1")
        assert "每股派发1.20美元股息" in page.locator("#page-view .twin").inner_text()
        page.screenshot(path=str(artifacts / "ui-pdf-page.png"), full_page=True)
        page.close()


ORDER_JS = """() => {
  window.__order = [];
  const chat = document.querySelector('#chat');
  const seen = new Set();
  new MutationObserver(() => {
    if (!seen.has('evidence') && chat.querySelector('.evidence.coming')) { seen.add('evidence'); window.__order.push('evidence'); }
    if (!seen.has('token') && chat.innerText.includes('▌')) { seen.add('token'); window.__order.push('token'); }
    if (!seen.has('answer') && chat.querySelector('.answer')) { seen.add('answer'); window.__order.push('answer'); }
  }).observe(chat, {childList: true, subtree: true, characterData: true});
}"""


def test_evidence_appears_before_the_first_answer_token(browser, ui_url, artifacts):
    """The real models: the evidence block (candidate units, chips, twins) is on screen before the
    answer's first token; when the answer comes it stays above it. (Order, not time: the time is
    benchmarked.)"""
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(ui_url)
    page.wait_for_selector("#question textarea")
    page.evaluate(ORDER_JS)
    page.fill("#question textarea", "两国元首预计什么时候再次会晤？")
    page.click("#send")
    page.wait_for_selector("#chat .evidence.coming .cite-chip", timeout=60_000)
    page.screenshot(path=str(artifacts / "ui-evidence-first.png"), full_page=True)
    page.wait_for_selector("#chat .answer", timeout=180_000)
    order = page.evaluate("() => window.__order")
    assert order[0] == "evidence" and order.index("evidence") < order.index("answer"), order
    if "token" in order:
        assert order.index("evidence") < order.index("token"), order
    assert page.locator("#chat .evidence .ev-twin").count() >= 1  # the aligned English paragraph
    page.close()
