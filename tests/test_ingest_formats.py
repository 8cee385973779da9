"""Real documents in, nothing lost: Markdown, HTML, PDF and DOCX through one path to paragraphs."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.real_corpus import lang_file
from ingest.indexer import indexer_for
from ingest.loaders import parse_bytes, parse_path
from ingest.md import parse_markdown
from ingest.parse import build_document, file_lang
from rag.errors import DocumentError

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
PAIRS = sorted(p.with_name(p.name.replace(".en.md", "")) for p in REAL.glob("*/*.en.md"))


needs_real = pytest.mark.skipif(not PAIRS, reason="../shared/corpus/real is not here")


def rendered_text(markdown: str) -> str:
    """The text a reader sees, by another route than ingest's: markdown-it's HTML rendering read back
    by lxml, less what ingest reports as not text (script/style, comments) and the front matter."""
    import lxml.html
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(front_matter_plugin).render(markdown)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for bad in root.xpath("//script|//style|//comment()"):
        bad.drop_tree()
    for img in root.iter("img"):
        img.tail = (img.get("alt") or "") + (img.tail or "")
    return root.text_content()


def chars(text: str) -> Counter:
    return Counter(re.sub(r"\s+", "", re.sub(r"\{#[^}\s]*\}", "", text)))


# --- Markdown structure ----------------------------------------------------------

MD = """---
title: A small guide
author: Jane Doe
date: 2024-05-01
---

# Getting Started

First install the package with `pip install demo` and read [the docs](https://example.com/docs).
This line is wrapped.

## Hardware {#hardware}

You need 16 GB of memory.<br />A GPU is optional.

![architecture diagram](https://example.com/a.png)

```python
>>> import demo
>>> demo.run()
```

| Model | Memory |
| --- | --- |
| small | 2.9GB |
| large | 48.9GB |

- first item
- second item with **bold** text
  - a nested item

> [!NOTE] Quoted advice.

<p align="center"><img src="logo.png" alt="Demo logo"/> Made with <b>care</b></p>

<!-- prettier-ignore -->

<style>
.x { color: red; }
</style>
"""


@pytest.fixture(scope="module")
def md_doc():
    return build_document(parse_markdown(MD), "guide", "guide.md")


def test_markdown_headings_are_their_own_paragraphs_with_a_section_path(md_doc):
    texts = {p.text: p for p in md_doc.by_lang("en")}
    assert texts["Getting Started"].kind == "heading"
    assert texts["Hardware"].kind == "heading"  # the {#id} is markup, not text
    para = next(p for p in md_doc.by_lang("en") if p.text.startswith("First install"))
    assert para.section == ("Getting Started",)
    assert para.text == ("First install the package with pip install demo and read the docs. This line is wrapped.")
    mem = next(p for p in md_doc.by_lang("en") if p.text.startswith("You need"))
    assert mem.section == ("Getting Started", "Hardware")
    assert mem.text == "You need 16 GB of memory.\nA GPU is optional."
    assert mem.place == f"EN ¶{mem.n} · Getting Started › Hardware"


def test_markdown_code_is_verbatim_and_alone(md_doc):
    code = [p for p in md_doc.by_lang("en") if p.kind == "code"]
    assert [p.text for p in code] == [">>> import demo\n>>> demo.run()"]


def test_markdown_tables_lists_quotes_images_html(md_doc):
    by_kind: dict[str, list[str]] = {}
    for p in md_doc.by_lang("en"):
        by_kind.setdefault(p.kind, []).append(p.text)
    assert by_kind["table"] == ["Model: small | Memory: 2.9GB", "Model: large | Memory: 48.9GB"]
    assert by_kind["list"] == ["first item", "second item with bold text\n- a nested item"]
    assert by_kind["quote"] == ["[!NOTE] Quoted advice."]
    assert "architecture diagram" in by_kind["figure"]
    assert any(t == "Demo logo Made with care" for t in by_kind["prose"])
    assert not any("<" in p.text or "https://" in p.text for p in md_doc.by_lang("en") if p.n > 0)


def test_front_matter_is_metadata_and_paragraph_zero(md_doc):
    assert md_doc.meta.title == "A small guide" and md_doc.meta.author == "Jane Doe"
    assert md_doc.meta.date == "2024-05-01"
    assert md_doc.get("en", 0).text == "title: A small guide\nauthor: Jane Doe\ndate: 2024-05-01"
    assert all(p.n > 0 for p in md_doc.by_lang("en") if "title:" in p.text and p.n != 0) is True


def test_what_is_not_text_is_reported_with_the_reason(md_doc):
    reasons = Counter(s.reason for s in md_doc.skipped)
    assert reasons == {"HTML comment": 1, "<style> content is not document text": 1}
    assert all(s.lang == "en" for s in md_doc.skipped)
    (lang, read, front), = md_doc.blocks_read
    assert read == md_doc.body_count("en") + front + len(md_doc.skipped)


def test_a_chinese_block_full_of_code_and_links_is_chinese():
    """The defect that dropped 35 Chinese paragraphs: Latin characters outnumbered Han ones."""
    text = (
        "# Guide\n\nThis English paragraph explains how the server is started and which port it uses.\n\n"
        "运行 `python -m fastchat.serve.openai_api_server --host localhost --port 8000` 启动服务，"
        "详见 [FastChat](https://github.com/lm-sys/FastChat/blob/main/docs/openai_api.md)。\n\n"
        "Qwen-72B、Qwen-14B 和 Qwen-7B 采用 [Tongyi Qianwen LICENSE AGREEMENT](./LICENSE) 授权。\n"
    )
    doc = build_document(parse_markdown(text), "mixed", "mixed.md")
    zh = [p.text for p in doc.by_lang("zh")]
    assert len(zh) == 2 and "8000" in zh[0] and "LICENSE AGREEMENT" in zh[1]
    assert [p.text for p in doc.by_lang("en")] == ["Guide", doc.by_lang("en")[1].text]


def test_glosses_and_short_latin_fragments_do_not_decide_a_language():
    text = "Tuosheng Zhang (張沱生) wrote this long English paragraph about relations.\n\nAPI\n\n中文段落，说明 API 的用法。"
    doc = build_document(parse_markdown(text), "g", "g.md")
    assert [p.lang for p in doc.paragraphs] == ["en", "en", "zh"]  # "API" follows the paragraph before it


# --- the real corpus: nothing lost ------------------------------------------------


@needs_real
@pytest.mark.parametrize("stem", PAIRS, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_real_file_keeps_all_its_text(stem, lang):
    path = lang_file(stem, lang)
    source = path.read_text(encoding="utf-8")
    parsed = parse_path(path)
    assert file_lang(parsed) == lang
    doc = build_document(parsed, "d", str(path), lang=lang)
    stored = "".join(p.text for p in doc.paragraphs if p.n > 0)
    missing = chars(rendered_text(source)) - chars(stored)
    assert not missing, f"characters lost from {path.name}: {dict(missing.most_common(10))}"
    (got_lang, read, front), = doc.blocks_read
    assert got_lang == lang and read == doc.body_count(lang) + front + len(doc.skipped)
    assert {s.reason for s in doc.skipped} <= {"HTML comment", "<style> content is not document text"}
    # every Markdown heading and code block is a paragraph of its own kind
    from ingest.md import _md

    tokens = _md().parse(source)
    kinds = Counter(p.kind for p in doc.paragraphs)
    assert kinds["heading"] == sum(1 for t in tokens if t.type == "heading_open")
    assert kinds["code"] == sum(1 for t in tokens if t.type in ("fence", "code_block") and t.content.strip())


@needs_real
def test_the_qwen_readme_pair_loses_no_chinese_paragraph(fake_app):
    doc = indexer_for(fake_app).prepare_pair(REAL / "qwen_readme/README.en.md", REAL / "qwen_readme/README.zh.md", "qwen")
    zh = doc.by_lang("zh")
    assert doc.body_count("zh") >= 370 and doc.body_count("en") >= 370  # was 34 Chinese paragraphs
    texts = "\n".join(p.text for p in zh)
    for fact in ("Apache 2.0协议", "--port 8000", "qianwen_opensource@alibabacloud.com", "61.4GB"):
        assert fact in texts
    assert any(p.kind == "heading" and p.text == "快速使用" for p in zh)
    assert any(p.kind == "code" and p.text.startswith("pip install") for p in zh)
    # code keeps its comment lines (the regex-based reader took "# use bf16" for a heading)
    code = next(p.text for p in doc.by_lang("en") if p.kind == "code" and "AutoModelForCausalLM" in p.text)
    assert "\n# use bf16\n" in code and code.startswith("from transformers import")


@needs_real
def test_pair_files_in_the_wrong_order_are_refused(fake_app):
    with pytest.raises(DocumentError, match="reads as Chinese"):
        indexer_for(fake_app).prepare_pair(REAL / "antd/css-in-js.zh.md", REAL / "antd/css-in-js.en.md")


@needs_real
def test_ingest_reports_blocks_paragraphs_and_skips(fake_app):
    doc = indexer_for(fake_app).prepare_pair(REAL / "antd/component-button.en.md", REAL / "antd/component-button.zh.md")
    [rep] = indexer_for(fake_app).write([doc], progress=False)
    text = "\n".join(rep.lines())
    assert re.search(r"en: \d+ blocks read → \d+ paragraphs \+ ¶0 \(front matter, 1 block\); 3 skipped", text)
    assert "skipped zh ×2: HTML comment" in text and "<style> content is not document text" in text
    js = rep.to_json()
    for lang, b in js["blocks"].items():
        assert b["read"] == b["paragraphs"] + b["front_matter"] + b["skipped"]
    assert js["doc"] == "component-button" and js["alignment"]["links"] > 0
    stored = fake_app.store.get_document("component-button")
    assert stored.skipped == doc.skipped and stored.paragraphs == doc.paragraphs  # sections and kinds survive the store


# --- HTML, PDF, DOCX ---------------------------------------------------------------


def test_html_file():
    page = (
        "<html><head><title>Release notes</title><script>var x = 1;</script></head><body>"
        "<h1>Release notes</h1><p>Version 2 adds <a href='/x'>streaming</a>.<br>It is faster.</p>"
        "<h2>Known issues</h2><ul><li>One</li><li>Two <b>bold</b></li></ul>"
        "<table><tr><th>Key</th><th>Value</th></tr><tr><td>port</td><td>8000</td></tr></table>"
        "<pre>  indented\n  code</pre><!-- a note --></body></html>"
    )
    doc = build_document(parse_bytes(page.encode(), "notes.html"), "n", "notes.html")
    got = [(p.kind, p.text, p.section) for p in doc.by_lang("en")]
    assert got == [
        ("heading", "Release notes", ("Release notes",)),
        ("prose", "Version 2 adds streaming.\nIt is faster.", ("Release notes",)),
        ("heading", "Known issues", ("Release notes", "Known issues")),
        ("list", "One", ("Release notes", "Known issues")),
        ("list", "Two bold", ("Release notes", "Known issues")),
        ("table", "Key: port | Value: 8000", ("Release notes", "Known issues")),
        ("code", "  indented\n  code", ("Release notes", "Known issues")),
    ]
    assert doc.meta.title == "Release notes"
    assert {s.reason for s in doc.skipped} == {"HTML comment", "<script> content is not document text"}


def test_an_html_tables_header_row_labels_its_cells_as_a_markdown_tables_does():
    """A first row of <th> cells only (with an empty corner cell over a column of row headers), or a
    <thead> of <td> cells, labels each body row's cells; a table without one keeps its rows as they are."""
    page = (
        "<table><caption>Gaps</caption><tr><th></th><th>Traditional app</th><th>Twelve-factor app</th></tr>"
        "<tr><th>Time between deploys</th><td>Weeks</td><td>Hours</td></tr></table>"
        "<table><thead><tr><td>Key</td><td>Value</td></tr></thead><tbody><tr><td>port</td><td>8000</td></tr></tbody></table>"
        "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
    )
    doc = build_document(parse_bytes(page.encode(), "t.html"), "t", "t.html")
    assert [(p.kind, p.text) for p in doc.by_lang("en")] == [
        ("prose", "Gaps"),
        ("table", "Time between deploys | Traditional app: Weeks | Twelve-factor app: Hours"),
        ("table", "Key: port | Value: 8000"),
        ("table", "a | b"),
        ("table", "c | d"),
    ]


def test_a_paragraph_inside_an_html_list_item_is_a_list_item():
    """``<li><p>…</p></li>`` (a loose list, as W3C pages write them) is a list item, so a lead-in keeps
    its items; a paragraph after the list is prose again."""
    page = "<p>The drawbacks are:</p><ul><li><p>one</p></li><li><p>two</p><ul><li><p>two a</p></li></ul></li></ul><p>After.</p>"
    doc = build_document(parse_bytes(page.encode(), "l.html"), "l", "l.html")
    assert [(p.kind, p.text) for p in doc.by_lang("en")] == [
        ("prose", "The drawbacks are:"), ("list", "one"), ("list", "two"), ("list", "two a"), ("prose", "After."),
    ]


def make_pdf(paragraphs: list[tuple[str, str]], cjk: bool) -> bytes:
    """A PDF with a running header, a page number on every page, headings in a larger font and
    paragraphs wrapped (hyphenated in English) across pages."""
    import pymupdf

    doc = pymupdf.open()
    font = "china-s" if cjk else "helv"
    page, y = None, 0.0
    for kind, text in paragraphs:
        if page is None or y > 700 or kind == "pagebreak":
            page = doc.new_page()
            page.insert_text((72, 30), "ACME Annual Report 2025" if not cjk else "ACME 2025 年度报告", fontname=font, fontsize=8)
            page.insert_text((300, 820), str(doc.page_count), fontname=font, fontsize=8)
            y = 80.0
            if kind == "pagebreak":
                continue
        size = 16 if kind == "heading" else 10
        rect = pymupdf.Rect(72, y, 520, y + (30 if kind == "heading" else 120))
        page.insert_textbox(rect, text, fontname=font, fontsize=size)
        y += 40 if kind == "heading" else 130
    return doc.tobytes()


EN_PDF = [
    ("heading", "Overview"),
    ("prose", "Revenue grew by twelve percent in 2025, driven by strong demand for cloud services in every region where we operate."),
    ("prose", "The board approved a dividend of 1.20 dollars per share, payable in March to shareholders of record."),
    ("pagebreak", ""),
    ("heading", "Outlook"),
    ("prose", "We expect moderate growth next year, with investment focused on data centres and on research."),
]
ZH_PDF = [
    ("heading", "概览"),
    ("prose", "2025年收入增长百分之十二，主要得益于我们在各个地区对云服务的强劲需求。"),
    ("prose", "董事会批准每股派发1.20美元股息，于三月向登记在册的股东支付。"),
    ("pagebreak", ""),
    ("heading", "展望"),
    ("prose", "我们预计明年将温和增长，投资将集中于数据中心和研究。"),
]


@pytest.mark.parametrize("spec, cjk", [(EN_PDF, False), (ZH_PDF, True)], ids=["en", "zh"])
def test_pdf_keeps_pages_and_headings_and_drops_page_furniture(spec, cjk):
    parsed = parse_bytes(make_pdf(spec, cjk), "report.pdf")
    want = [(k, t) for k, t in spec if k != "pagebreak"]
    assert [(b.kind, b.text) for b in parsed.blocks] == want
    assert [b.page for b in parsed.blocks] == [1, 1, 1, 2, 2]
    assert parsed.blocks[4].section == (want[3][1],)
    reasons = Counter(s.reason for s in parsed.skipped)
    assert reasons == {"running header or footer": 2, "page number": 2}


def test_pdf_hyphenated_line_ends_are_joined():
    from ingest.blocks import join_lines

    assert join_lines(["The imple-", "mentation is com-", "plete."]) == "The implementation is complete."
    assert join_lines(["中美关系逐步趋向", "稳定。"]) == "中美关系逐步趋向稳定。"
    assert join_lines(["China-U.S.", "relations"]) == "China-U.S. relations"


def test_pdf_pair_ingests_with_pages_in_citations(fake_app, tmp_path):
    (tmp_path / "report_en.pdf").write_bytes(make_pdf(EN_PDF, False))
    (tmp_path / "report_zh.pdf").write_bytes(make_pdf(ZH_PDF, True))
    doc = indexer_for(fake_app).prepare_pair(tmp_path / "report_en.pdf", tmp_path / "report_zh.pdf")
    assert doc.doc_id == "report"
    outlook = next(p for p in doc.by_lang("zh") if p.text.startswith("我们预计"))
    assert outlook.page == 2 and outlook.section == ("展望",) and outlook.place == f"ZH ¶{outlook.n} · 展望 · p. 2"
    # headings anchor each other whatever the embedder (the real one aligns the rest: test_align_real_slow)
    assert {(a, b) for a, b in doc.alignment} >= {(1, 1), (4, 4)}


def make_docx(items: list[tuple[str, str]], title: str) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for kind, text in items:
        if kind == "heading":
            d.add_heading(text, level=1)
        elif kind == "table":
            rows = [r.split(",") for r in text.split(";")]
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
        elif kind == "list":
            d.add_paragraph(text, style="List Bullet")
        else:
            d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_pair_keeps_headings_lists_and_tables(fake_app, tmp_path):
    en = [("heading", "Overview"), ("prose", "Revenue grew by twelve percent in 2025."),
          ("table", "Region,Growth;Asia,15%;Europe,9%"), ("heading", "Risks"), ("list", "Currency movements.")]
    zh = [("heading", "概览"), ("prose", "2025年收入增长百分之十二。"),
          ("table", "地区,增长;亚洲,15%;欧洲,9%"), ("heading", "风险"), ("list", "汇率波动。")]
    (tmp_path / "annual.en.docx").write_bytes(make_docx(en, "Annual report"))
    (tmp_path / "annual.zh.docx").write_bytes(make_docx(zh, "年度报告"))
    doc = indexer_for(fake_app).prepare_pair(tmp_path / "annual.en.docx", tmp_path / "annual.zh.docx")
    got = [(p.kind, p.text, p.section) for p in doc.by_lang("en")]
    assert got == [
        ("heading", "Overview", ("Overview",)),
        ("prose", "Revenue grew by twelve percent in 2025.", ("Overview",)),
        ("table", "Region: Asia | Growth: 15%", ("Overview",)),
        ("table", "Region: Europe | Growth: 9%", ("Overview",)),
        ("heading", "Risks", ("Risks",)),
        ("list", "Currency movements.", ("Risks",)),
    ]
    assert doc.meta.title == "Annual report" and doc.meta.title_zh == "年度报告"
    assert doc.doc_id == "annual"
    assert [(p.kind, p.text) for p in doc.by_lang("zh")][2] == ("table", "地区: 亚洲 | 增长: 15%")


# --- one path for every kind of input ------------------------------------------------


def test_seed_article_parses_exactly_as_before(seed_text):
    """The sample article: 14 + 14 paragraphs with ¶0 front matter, texts as before (snapshot hash)."""
    import hashlib

    from ingest.parse import parse_text

    doc = parse_text(seed_text, "seed", "seed.txt")
    assert doc.body_count("en") == 14 and doc.body_count("zh") == 14
    rows = json.dumps([[p.lang, p.n, p.text] for p in doc.paragraphs], ensure_ascii=False)
    assert hashlib.sha256(rows.encode()).hexdigest()[:16] == SEED_SNAPSHOT
    assert all(p.kind in ("front", "prose") and p.section == () for p in doc.paragraphs)


SEED_SNAPSHOT = "4761c25aeb87b6b7"  # the parse before the structure-aware ingest (main at b8eb9a5)


def test_a_folder_pairs_files_by_their_language_tags_and_keeps_ids_apart(tmp_path):
    from ingest.targets import plan

    for rel in ("a/README.en.md", "a/README.zh.md", "b/README.md", "c/notes_en.txt", "c/notes_zh.txt",
                "c/solo.zh.md", "d/README.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    got = {(t.doc_id, t.en.relative_to(tmp_path).as_posix(), t.zh and t.zh.relative_to(tmp_path).as_posix())
           for t in plan([tmp_path])}
    assert got == {
        ("a-README", "a/README.en.md", "a/README.zh.md"),
        ("b-README", "b/README.md", None),
        ("d-README", "d/README.md", None),
        ("notes", "c/notes_en.txt", "c/notes_zh.txt"),
        ("solo.zh", "c/solo.zh.md", None),
    }
    [one] = plan([tmp_path / "c/notes_en.txt", tmp_path / "c/notes_zh.txt"], pair=True)
    assert (one.doc_id, one.zh.name) == ("notes", "notes_zh.txt")
    with pytest.raises(DocumentError, match="--pair takes exactly two files"):
        plan([tmp_path / "b/README.md"], pair=True)


# --- a real pair turned into PDFs and DOCX files -----------------------------------

SIZES = {1: 20, 2: 17, 3: 14}  # heading font sizes by level; body text is 10


def real_blocks(lang: str):
    return parse_path(REAL / "antd" / f"check-conduct.{lang}.md").blocks


def pdf_from_blocks(blocks, cjk: bool) -> bytes:
    """The blocks typeset as a PDF: headings larger, a running header and a page number on every page."""
    import pymupdf

    doc = pymupdf.open()
    font = "china-s" if cjk else "helv"
    page, y = None, 800.0
    for b in blocks:
        size = SIZES.get(b.level, 10) if b.kind == "heading" else 10
        for attempt in range(2):
            if page is None or y > 700:
                page = doc.new_page()
                page.insert_text((72, 30), "Ant Design blog", fontname=font, fontsize=8)
                page.insert_text((300, 820), str(doc.page_count), fontname=font, fontsize=8)
                y = 70.0
            left = page.insert_textbox(pymupdf.Rect(72, y, 520, 780), b.text, fontname=font, fontsize=size)
            if left >= 0:
                y = 780 - left + 12
                break
            y = 800.0  # did not fit: next page
    return doc.tobytes()


def docx_from_blocks(blocks) -> bytes:
    import docx

    d = docx.Document()
    for b in blocks:
        if b.kind == "heading":
            d.add_heading(b.text, level=b.level)
        elif b.kind == "list":
            d.add_paragraph(b.text, style="List Bullet")
        else:
            d.add_paragraph(b.text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@needs_real
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_real_document_as_pdf_keeps_text_headings_and_pages(lang):
    md = real_blocks(lang)
    parsed = parse_bytes(pdf_from_blocks(md, lang == "zh"), f"check-conduct.{lang}.pdf")
    assert [squash(b.text) for b in parsed.blocks] == [squash(b.text) for b in md]
    assert [b.kind == "heading" for b in parsed.blocks] == [b.kind == "heading" for b in md]
    assert [b.section for b in parsed.blocks] == [b.section for b in md]
    pages = [b.page for b in parsed.blocks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 3
    reasons = Counter(s.reason for s in parsed.skipped)
    assert reasons == {"running header or footer": pages[-1], "page number": pages[-1]}


@needs_real
def test_a_real_pair_as_docx_files_ingests_with_its_structure(fake_app, tmp_path):
    for lang in ("en", "zh"):
        (tmp_path / f"check-conduct.{lang}.docx").write_bytes(docx_from_blocks(real_blocks(lang)))
    doc = indexer_for(fake_app).prepare_pair(tmp_path / "check-conduct.en.docx", tmp_path / "check-conduct.zh.docx")
    for lang in ("en", "zh"):
        md = real_blocks(lang)
        got = doc.by_lang(lang)
        assert [(p.text, p.section, p.kind == "heading") for p in got] == [(b.text, b.section, b.kind == "heading") for b in md]
    assert doc.doc_id == "check-conduct"


def test_a_document_without_front_matter_is_answered_without_a_header(fake_app):
    """A README that starts with its headings has a title (its H1) but no ¶0: the answer pipeline
    must neither cite a ¶0 nor fail (the pipeline before this work raised AttributeError here)."""
    md = ("# Quick Guide\n\nThe service listens on port 8000 by default and can be changed with a flag.\n\n"
          "## Memory\n\nThe small model needs 2.9GB of memory to generate text.\n")
    doc = indexer_for(fake_app).prepare_upload(md.encode(), "guide.md")
    indexer_for(fake_app).write([doc], progress=False)
    assert doc.meta.title == "Quick Guide" and doc.front is None
    for question in ("What is the title of the document?", "Which port does the service listen on?"):
        ans = fake_app.pipeline.answer(question, docs=["guide"])
        assert all(c.paragraph > 0 for c in ans.citations), question


def test_an_html_page_in_the_charset_it_declares():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
            "<body><h1>News</h1><p>Fix typos (Jan Pokorný), thanks to Stéphane. Copyright © 2004.</p></body></html>")
    doc = build_document(parse_bytes(page.encode("latin-1"), "news.html"), "n", "news.html")
    assert [p.text for p in doc.by_lang("en")] == ["News", "Fix typos (Jan Pokorný), thanks to Stéphane. Copyright © 2004."]


def test_a_document_whose_blocks_cannot_tell_their_language_takes_the_files():
    """A list of names or a table of operators: no block is decisive, the file as a whole is English."""
    md = "# Contributors\n\n| Name | Mail |\n|---|---|\n| Thomas Leonard | tal197 |\n| David Faure | faure |\n"
    doc = build_document(parse_markdown(md), "c", "c.md")
    assert doc.langs == ("en",) and doc.body_count("en") == 3
    zh = build_document(parse_markdown("# 贡献者\n\n| 名字 |\n|---|\n| 张三 |\n"), "z", "z.md")
    assert zh.langs == ("zh",)


def test_a_page_with_no_text_says_what_it_held():
    page = b"<html><head><script>var a = 1;</script></head><body><!-- x --><script>b()</script></body></html>"
    with pytest.raises(DocumentError, match=r"has no text; skipped: <script> content is not document text ×2, HTML comment ×1"):
        parse_bytes(page, "t.html")


def test_a_two_column_pdf_page_is_read_column_by_column():
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    left = ["The first column opens the report with a long paragraph about revenue.",
            "It continues in the first column with the outlook for next year."]
    right = ["The second column starts with the risks the company faces this year.",
             "It ends with the dividend policy that the board approved in March."]
    for col, paras in ((72, left), (310, right)):
        y = 80
        for text in paras:
            page.insert_textbox(pymupdf.Rect(col, y, col + 220, y + 80), text, fontsize=10)
            y += 90
    parsed = parse_bytes(doc.tobytes(), "columns.pdf")
    assert [b.text for b in parsed.blocks] == left + right


def test_a_paragraph_that_is_only_a_link_keeps_its_address():
    """A reading list's items say nothing but where they point ("- [高效沟通的拦路虎——XY 问题](https://…)"):
    the address is kept with the link text; a link inside a sentence, a page anchor and a bare address
    are left as they were."""
    md = (
        "Further reading:\n\n- [高效沟通的拦路虎——XY 问题](https://zhuanlan.zhihu.com/p/612569093)\n- [X-Y PROBLEM](https://xyproblem.info/)\n\n"
        "See [the docs](https://x.org) for more.\n\n[Back to top](#top)\n\n<https://a.b/c>\n"
    )
    texts = {p.text for p in build_document(parse_markdown(md), "r", "r.md").paragraphs if p.n > 0}
    assert {"高效沟通的拦路虎——XY 问题 (https://zhuanlan.zhihu.com/p/612569093)", "X-Y PROBLEM (https://xyproblem.info/)"} <= texts
    assert {"See the docs for more.", "Back to top", "https://a.b/c"} <= texts


def test_a_link_that_is_all_its_brackets_hold_keeps_its_address():
    """"LoRA ([论文](https://…))" is a reference: its address is what the brackets say. Stored as "LoRA
    (论文)" it was lost, and read as a name with its Chinese gloss ("what does the README call LoRA?" →
    论文). A link inside a sentence or inside other words in brackets, an anchor and an autolink are
    left as they were; the address stays out of the prose that decides the block's language."""
    md = (
        "- LoRA ([论文](https://arxiv.org/abs/2106.09685))\n- Q-LoRA ([paper](https://arxiv.org/abs/2305.14314))\n\n"
        "多列的宽度（[指定了也不生效？](https://github.com/a/b/issues/1#c)）。\n\n"
        "See [the docs](https://x.org) for more (really), ([top](#top)), (see [y](https://q.r)) and (<https://a.b/c>).\n"
    )
    blocks = parse_markdown(md).blocks
    texts = [b.text for b in blocks]
    assert texts[:2] == ["LoRA (论文 https://arxiv.org/abs/2106.09685)", "Q-LoRA (paper https://arxiv.org/abs/2305.14314)"]
    assert texts[2] == "多列的宽度（指定了也不生效？ https://github.com/a/b/issues/1#c）。"
    assert texts[3] == "See the docs for more (really), (top), (see y) and (https://a.b/c)."
    assert blocks[0].prose == "LoRA (论文)"


def test_text_after_an_image_in_one_html_block_is_prose_not_the_figure():
    from ingest.blocks import Sections
    from ingest.web import html_blocks

    blocks, _ = html_blocks('<p align="center"><img src="f.png" alt="Fault-tolerant design"></p>\n'
                            "Among them, the Master watches the Workers.", Sections())
    assert [(b.kind, b.text) for b in blocks] == [("figure", "Fault-tolerant design"),
                                                  ("prose", "Among them, the Master watches the Workers.")]
    blocks, _ = html_blocks('<p><img alt="logo"> Made with care</p>', Sections())
    assert [(b.kind, b.text) for b in blocks] == [("prose", "logo Made with care")]
