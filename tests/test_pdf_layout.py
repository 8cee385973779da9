"""PDFs as a reader sees them (issue #34): paragraphs from layout, columns in reading order, fake bold and
page furniture reported, a paragraph across a column or page break kept whole with both its parts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.indexer import indexer_for
from eval.ingest_quality import cut_mid_sentence, duplicated
from eval.pdf_samples import SAMPLE, TITLE, sample_pdf
from ingest.layout import DUPLICATE
from ingest.loaders import parse_bytes, parse_path

DATA = Path(__file__).parent / "data"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def samples() -> dict[str, bytes]:
    return {lang: sample_pdf(lang) for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sample_report_comes_out_block_for_block(samples, lang):
    parsed = parse_bytes(samples[lang], f"report.{lang}.pdf")
    want = [("heading", TITLE[lang])] + [("prose" if k == "split" else k, t) for k, t in SAMPLE[lang]]
    assert [(b.kind, squash(b.text)) for b in parsed.blocks] == [(k, squash(t)) for k, t in want]
    if lang == "en":  # wrapped lines joined with one space, the words whole
        assert [b.text for b in parsed.blocks[1:]] == [t for _, t in SAMPLE["en"]]
    heads = [b for b in parsed.blocks if b.kind == "heading"]
    assert [b.level for b in heads] == [1] + [2] * (len(heads) - 1)
    assert parsed.blocks[-1].section == (TITLE[lang], SAMPLE[lang][-2][1])
    assert parsed.meta["title"] == TITLE[lang]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_paragraph_across_a_column_or_page_break_is_one_with_both_parts(samples, lang):
    parsed = parse_bytes(samples[lang], f"report.{lang}.pdf")
    split = [b for b in parsed.blocks if b.page_end]
    assert len(split) == 2
    column, page = split
    assert column.page == column.page_end == 1
    assert column.box[2] < 210 < column.box_end[0]  # from the foot of the left column to the top of the right one
    assert column.box_end[1] < column.box[1]
    assert (page.page, page.page_end) == (1, 2) and page.box_end[1] < 100
    others = [b for b in parsed.blocks if not b.page_end]
    assert all(b.box_end is None for b in others)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fake_bold_headers_and_page_numbers_are_reported_not_stored(samples, lang):
    parsed = parse_bytes(samples[lang], f"report.{lang}.pdf")
    reasons = Counter(s.reason for s in parsed.skipped)
    headings = sum(1 for k, _ in SAMPLE[lang] if k == "heading")
    assert reasons == {DUPLICATE: 2 * headings, "running header or footer": 2, "page number": 2}
    dup = [s.what for s in parsed.skipped if s.reason == DUPLICATE]
    assert dup[:2] == [SAMPLE[lang][0][1]] * 2  # each copy reported whole
    texts = [b.text for b in parsed.blocks]
    assert not any(duplicated(a, b) for a, b in zip([""] + texts, texts))
    assert not any("Acme" in t for t in texts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_prose_paragraph_ends_mid_sentence_without_a_break(samples, lang):
    blocks = parse_bytes(samples[lang], f"report.{lang}.pdf").blocks
    assert not any(cut_mid_sentence(b, nxt) for b, nxt in zip(blocks, blocks[1:]))


def test_interleaved_fake_bold_in_one_line_is_read_once():
    """Some producers draw each glyph twice in a row inside one line: it must read "Scope", not "SSccooppee".
    MuPDF's text layer already holds such a glyph once (so nothing is reported); a copy drawn as text of
    its own, as the sample's headings are, is this reader's to drop (the tests above)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    font = pymupdf.Font("helv")
    tw = pymupdf.TextWriter(page.rect)
    x = 72.0
    for c in "Scope of work":
        for dx in (0.0, 0.35):
            tw.append((x + dx, 100), c, font=font, fontsize=14)
        x += font.text_length(c, fontsize=14)
    tw.append((72, 130), "The contractor renews the deck and the cables.", font=font, fontsize=10)
    tw.write_text(page)
    parsed = parse_bytes(doc.tobytes(), "scope.pdf")
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("heading", "Scope of work"), ("prose", "The contractor renews the deck and the cables.")]
    assert parsed.skipped == ()


# --- a real two-column cheat sheet (a dev pair, its fonts not embedded: tests/data/README.md) ----------


@pytest.fixture(scope="module")
def cheat() -> dict:
    return {lang: parse_path(DATA / f"cs229-algebra.{lang}.pdf") for lang in ("en", "zh")}


def test_the_cheat_sheet_reads_left_column_then_right(cheat):
    en = [b.text for b in cheat["en"].blocks]
    left = en.index("• inner product: for x,y ∈Rn, we have:")
    right = en.index("• outer product: for x ∈Rm, y ∈Rn, we have:")
    assert left < right and all(cheat["en"].blocks[i].box[2] < 395 for i in range(left + 1))
    assert all(b.box[0] > 395 for b in cheat["en"].blocks[right:] if b.page == 1)
    zh = [b.text for b in cheat["zh"].blocks]
    assert zh.index("• 内积：对x,y ∈Rn，我们有：") < zh.index("• 外积：对x ∈Rm, y ∈Rn，我们有：")


def test_the_cheat_sheet_keeps_headings_items_and_formulas_apart(cheat):
    """Section headings (a point larger than the text), the bulleted entries and the display formulas
    come out one block each, as many in either language; no glyph of a formula is a heading."""
    counts = {}
    for lang, heads in (("en", ["General notations", "Matrix operations"]), ("zh", ["通用符号", "矩阵运算"])):
        blocks = [b for b in cheat[lang].blocks if b.page == 1]
        assert set(heads) <= {b.text for b in blocks if b.kind == "heading"}
        items = [b for b in blocks if b.kind == "list"]
        assert all(b.text[0] in "Ì•" for b in items)
        counts[lang] = Counter(b.kind for b in cheat[lang].blocks if b.kind in ("list", "code"))
        assert not any(b.kind == "heading" and len(b.text) < 3 for b in cheat[lang].blocks)
        transpose = next(i for i, b in enumerate(blocks) if "Transpose" in b.text or "转置" in b.text)
        assert blocks[transpose + 1].kind == "code" and "AT" in blocks[transpose + 1].text
    assert counts["en"] == counts["zh"] and counts["en"]["list"] >= 25 and counts["en"]["code"] >= 20


def test_the_cheat_sheet_has_as_many_paragraphs_in_both_languages(cheat):
    en, zh = (len(cheat[lang].blocks) for lang in ("en", "zh"))
    assert 0.8 <= zh / en <= 1.25
    for lang in ("en", "zh"):
        blocks = cheat[lang].blocks
        assert not any(cut_mid_sentence(b, nxt) for b, nxt in zip(blocks, blocks[1:])), lang
        assert {s.reason for s in cheat[lang].skipped} == {"running header or footer", "page number"}


def test_the_page_view_highlights_both_parts(fake_app, tmp_path, samples):
    """Across a page break: both pages, one above the other, each part highlighted; across a column
    break: one page, both areas highlighted."""
    import pymupdf

    from ingest.targets import Target
    from rag.pages import page_png

    for lang in ("en", "zh"):
        (tmp_path / f"report.{lang}.pdf").write_bytes(samples[lang])
    indexer_for(fake_app).ingest([Target("report", tmp_path / "report.en.pdf", tmp_path / "report.zh.pdf")], progress=False)
    doc = fake_app.store.get_document("report")
    column, page = [p for p in doc.by_lang("en") if p.page_end]
    assert page.place.endswith("p. 1–2") and column.place.endswith("p. 1")
    assert (page.page, page.page_end, column.page_end) == (1, 2, 1) and page.box_end and column.box_end

    def yellow(pix, x, y) -> bool:
        r, g, b = pix.pixel(int(x * 1.5), int(y * 1.5))
        return b < r - 40

    pix = pymupdf.Pixmap(page_png(fake_app.sources.pdf("report", "en"), page))
    assert pix.height == int(2 * 480 * 1.5)
    assert yellow(pix, page.box[2] + 1, (page.box[1] + page.box[3]) / 2)
    assert yellow(pix, page.box_end[2] + 1, 480 + (page.box_end[1] + page.box_end[3]) / 2)
    assert not yellow(pix, 300, 480 + 300)
    pix = pymupdf.Pixmap(page_png(fake_app.sources.pdf("report", "en"), column))
    assert pix.height == int(480 * 1.5)
    assert yellow(pix, column.box[2] + 1, (column.box[1] + column.box[3]) / 2)
    assert yellow(pix, column.box_end[2] + 1, (column.box_end[1] + column.box_end[3]) / 2)


@pytest.mark.parametrize("which", ["sample", "cheat sheet"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_of_the_text_layer_is_lost(tmp_path, samples, which, lang):
    """Every character of the PDF's text layer is in a stored paragraph or counted in a skip."""
    from eval.ingest_quality import measure_lang
    from ingest.parse import build_document

    path = DATA / f"cs229-algebra.{lang}.pdf"
    if which == "sample":
        path = tmp_path / f"report.{lang}.pdf"
        path.write_bytes(samples[lang])
    doc = build_document(parse_path(path), "d", str(path), lang=lang)
    got = measure_lang(doc, lang, path)
    assert got["chars"] > 400 and got["lost"] == 0 and got["duplicated"] == 0
    assert sum(s.chars for s in doc.skipped) > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_full_width_lines_over_columns_stay_one_paragraph_and_a_table_without_rules_is_rows(lang):
    """Lines that cross the gutter of the columns below them are one paragraph (each used to close a
    band of its own, so every line was a paragraph), with the bullet set smaller beside the first and
    the short last line that crosses no gutter; a table without rules comes out row by row."""
    from eval.pdf_samples import SAMPLE, WIDE, wide_over_columns_pdf

    parsed = parse_bytes(wide_over_columns_pdf(lang), f"wide.{lang}.pdf")
    text = WIDE[lang]
    rows = [f"{a} | {b}" for a, b in zip(text["left"], text["right"])]
    want = [("prose", text["intro"]), ("list", "• " + text["item"]), ("list", "• " + text["item2"]), ("prose", SAMPLE[lang][2][1]),
            ("prose", SAMPLE[lang][7][1])] + [("table", r) for r in rows]
    assert [(b.kind, squash(b.text)) for b in parsed.blocks] == [(k, squash(t)) for k, t in want]
    assert [b.text for b in parsed.blocks if b.kind == "table"] == rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bullets_drawn_apart_from_their_text_make_no_column(lang):
    from eval.pdf_samples import ITEMS, bullets_apart_pdf

    parsed = parse_bytes(bullets_apart_pdf(lang), f"bullets.{lang}.pdf")
    assert [squash(b.text) for b in parsed.blocks if b.kind == "list"] == [squash("• " + t) for t in ITEMS[lang]]
    assert [b.kind for b in parsed.blocks] == ["prose"] + ["list"] * len(ITEMS[lang]) + ["prose"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bold_line_inside_a_paragraph_does_not_cut_it(lang):
    from eval.pdf_samples import BOLD_LINES, bold_inside_pdf

    parsed = parse_bytes(bold_inside_pdf(lang), f"bold.{lang}.pdf")
    assert [squash(b.text) for b in parsed.blocks][0] == squash("".join(BOLD_LINES[lang]))
    assert len(parsed.blocks) == 2


def test_a_glyph_with_no_letter_is_a_bullet_before_words_not_before_a_formula():
    """Symbol fonts' bullets often come out as control codes or private-use characters; a math font's
    bracket pieces too, before a formula."""
    from ingest.layout import Line, Row
    from ingest.pdf import _listish

    def row(text):
        return Row((Line(1, text, (88, 100, 300, 110), 9.0, False, False, False),), (72, 520), 0)

    assert _listish(row("\x02 允许的字符集")) and _listish(row("\uf0b7 Use strong passwords"))
    assert not _listish(row("\x10 ∇Af(A) \x11 = ∂f(A)")) and not _listish(row("\uf8eb 1 0 · · · 0"))


def test_aligned_code_is_no_table():
    from ingest.layout import Line
    from ingest.pdftable import find_tables

    lines = [Line(1, t, (x, y, x + 40, y + 9), 9.0, False, True, False)
             for y, row in ((100, ("r", "INTEGER,")), (112, ("s", "INTEGER,")), (124, ("z", "INTEGER")))
             for x, t in zip((72, 160), row)]
    tables, rest = find_tables(lines)
    assert tables == [] and len(rest) == 6
    plain = [Line(ln.page, ln.text, ln.box, ln.size, False, False, False) for ln in lines]
    tables, rest = find_tables(plain)
    assert [t.text for t in tables] == ["r | INTEGER,", "s | INTEGER,", "z | INTEGER"] and rest == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_glyph_in_the_gutter_leaves_the_columns_as_they_are(lang):
    """A stray superscript between two columns used to close the gutter: the page was read row by row
    across both columns."""
    from eval.pdf_samples import stray_glyph_pdf

    plain = [b.text for b in parse_bytes(sample_pdf(lang), f"report.{lang}.pdf").blocks]
    stray = [b.text for b in parse_bytes(stray_glyph_pdf(lang), f"stray.{lang}.pdf").blocks]
    assert [t for t in stray if t != "2"] == plain and stray.count("2") == 1  # stored, apart


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_column_of_set_in_items_and_formulas_is_still_a_column(lang):
    """Only two lines of the right column start at its margin (items), the rest are set in (bullets,
    formulas): the left column's paragraph is read whole first."""
    from eval.pdf_samples import SHEET, indented_column_pdf

    blocks = parse_bytes(indented_column_pdf(lang), f"sheet.{lang}.pdf").blocks
    sheet = SHEET[lang]
    want = [("prose", sheet["left"])]
    for item, bullet, formula in zip(sheet["items"], sheet["bullets"], ("C = 410", "R = 95 / 5")):
        want += [("prose", item), ("list", bullet), ("code", formula)]
    assert [(b.kind, squash(b.text)) for b in blocks] == [(k, squash(t)) for k, t in want]


def test_a_number_chinese_typesetting_broke_across_lines_is_joined_whole():
    from ingest.blocks import join_lines

    assert join_lines(["仅靠维修每五年就要花费95", "00万美元。"], typeset=True) == "仅靠维修每五年就要花费9500万美元。"
    assert join_lines(["仅靠维修每五年就要花费95", "00万美元。"]) == "仅靠维修每五年就要花费95 00万美元。"  # a source's line break
    assert join_lines(["released in 2024", "2025 was"], typeset=True) == "released in 2024 2025 was"


def test_a_bold_row_of_cells_set_apart_is_a_table_header_not_a_heading():
    from ingest.layout import Line, Row
    from ingest.pdf import Style, _headish

    def row(*cells):
        return Row(tuple(Line(1, t, (x, 100, x + 6 * len(t), 108), 8.0, True, False, False) for x, t in cells), (40, 750), 0)

    st = Style(8.0, 9.6)
    assert not _headish(row((406, "Case"), (467, "CDF F"), (560, "PDF f"), (645, "Properties of PDF")), st)
    assert _headish(row((40, "Recurrent Neural Networks")), st)


def test_the_cheat_sheets_table_header_is_a_table_row_in_both_languages(cheat):
    """In English the header row is bold (it was read as a heading), in Chinese it is not (it was prose):
    the two kinds kept the rows apart in the alignment."""
    tables = {lang: [b.text for b in cheat[lang].blocks if b.kind == "table"] for lang in ("en", "zh")}
    assert tables == {"en": ["Norm | Notation Deﬁnition | Use case"], "zh": ["范数 | 符号 | 定义 | 用例"]}


def test_a_header_row_of_han_words_over_formulas_is_words_not_a_formula():
    """A Han character weighs as a word as much as two and a half Latin letters: the probability sheet's
    Chinese header row (種類 分佈 PDF ψ(ω) E[X] Var(X)) was read into the formula block under it, where
    its English header ("Type Distribution …") was a row of its own."""
    from ingest.layout import Line, Row
    from ingest.pdf import Style, _math

    def row(*cells):
        return Row(tuple(Line(1, t, (x, 246, x + 6 * len(t), 254), 8.0, False, False, False) for x, t in cells),
                   (402, 755), 0)

    st = Style(8.0, 14.7)
    header = [(419, "種類"), (463, "分佈"), (546, "PDF"), (630, "ψ(ω)"), (675, "E[X]"), (709, "Var(X)")]
    assert not _math(row(*header), st)
    assert not _math(row((419, "Type"), (463, "Distribution"), *header[2:]), st)
    assert _math(row((449, "X ∼B(n, p)"), (508, "P(X = x) ="), (574, "pxqn−x"), (618, "(peiω + q)n"), (680, "np")), st)
    assert _math(row((455, "二项"), (508, "x ∈[[0,n]]"), (560, "µx x! e−µ eµ(eiω−1)")), st)
