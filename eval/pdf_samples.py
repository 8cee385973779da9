"""Sample PDFs typeset with PyMuPDF for the PDF reader's tests and measurement (issue #34).

One report in English and in Chinese, laid out as real reports are: a running header and a page
number on every page, a title, section headings drawn three times a fraction of a point apart (fake
bold), page 1 in two columns and page 2 in one, wrapped lines, first-line indents, bullet items; one
paragraph runs from the foot of the left column to the top of the right one, another from the foot of
page 1 to the top of page 2. ``sample_pdf(lang)`` gives the bytes; ``SAMPLE[lang]`` the blocks
(kind, text) in reading order, as the reader should store them ("split": a prose paragraph whose
first lines end the column it starts in).
"""

from __future__ import annotations

HEADER = {"en": "Acme Quarterly Review", "zh": "Acme 季度回顾"}
TITLE = {"en": "Harbour Bridge Renewal", "zh": "港湾大桥翻新工程"}

# (kind, text): the document's blocks in reading order
SAMPLE: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("heading", "Background"),
        ("prose", "The harbour bridge carries forty thousand vehicles a day and was opened in 1932. Its deck, "
                  "cables and lighting have been repaired many times, but the steel of the main span now shows "
                  "fatigue that repairs can no longer hold back."),
        ("prose", "In 2024 the city council asked engineers to compare three options: another round of repairs, a "
                  "full renewal of the span, or a new crossing further east. The study took nine months and "
                  "consulted residents, shipping companies and the port authority before it reported."),
        ("heading", "Findings"),
        ("split", "Renewal was the cheapest option over thirty years. It costs 410 million dollars, keeps two lanes "
                  "open during the works and extends the life of the bridge by at least sixty years, while a new "
                  "crossing would cost more than twice as much and take a decade to build."),
        ("list", "• Repairs alone would cost 95 million dollars every five years."),
        ("list", "• A new crossing would need land that the port still uses."),
        ("prose", "The engineers also found that the lighting and the footpaths can be replaced at the same time "
                  "as the deck, which saves a further eighteen months of lane closures and lowers the cost of "
                  "traffic control for the contractor and for the city."),
        ("heading", "Next steps"),
        ("split", "Tenders open in March and close in June. The council will choose a contractor in September, "
                  "and the works are planned to start early next year, first on the northern approach and then "
                  "on the main span, so that the busiest lanes stay open through the summer season."),
        ("heading", "Costs"),
        ("prose", "The city will pay 260 million dollars from its own budget and the state will pay the rest."),
    ],
    "zh": [
        ("heading", "背景"),
        ("prose", "港湾大桥每天通行四万辆汽车，于1932年建成通车。它的桥面、缆索和照明已经多次维修，但主跨的"
                  "钢材如今出现了疲劳，维修已经无法再加以遏制。"),
        ("prose", "2024年，市议会请工程师比较三种方案：再进行一轮维修、全面翻新主跨，或者在更东面修建一座新的"
                  "过江通道。研究历时九个月，在提交报告之前征求了居民、航运公司和港务局的意见。"),
        ("heading", "结论"),
        ("split", "从三十年来看，翻新是成本最低的方案。它需要4.1亿美元，施工期间保持两条车道通行，并能使大桥"
                  "的寿命延长至少六十年，而新建通道的费用是其两倍以上，且需要十年才能建成。"),
        ("list", "• 仅靠维修每五年就要花费9500万美元。"),
        ("list", "• 新建通道需要占用港口仍在使用的土地。"),
        ("prose", "工程师还发现，照明和人行道可以与桥面同时更换，这样可以再减少十八个月的车道封闭时间，并降低"
                  "承包商和市政府的交通管制费用。"),
        ("heading", "下一步"),
        ("split", "招标将于三月开始，六月截止。市议会将在九月选定承包商，工程计划于明年年初开工，先修北侧引桥，"
                  "再修主跨，以便最繁忙的车道在整个夏季保持畅通。"),
        ("heading", "费用"),
        ("prose", "市政府将从自身预算中支付2.6亿美元，其余部分由州政府支付。"),
    ],
}

PAGE = (420.0, 480.0)
TOP, BOTTOM = 56.0, 430.0
COLUMNS = {1: [(36.0, 204.0), (216.0, 384.0)]}  # page 1 in two columns; later pages in one
ONE = [(36.0, 384.0)]


class _Flow:
    """Text poured into columns and pages: what does not fit goes on at the top of the next column."""

    def __init__(self, lang: str) -> None:
        import pymupdf

        self.pymupdf = pymupdf
        self.lang = lang
        self.font = pymupdf.Font("cjk" if lang == "zh" else "helv")
        self.doc = pymupdf.open()
        self.page = None
        self.column = 0
        self.y = TOP
        self._next_column()

    def _columns(self):
        return COLUMNS.get(self.doc.page_count, ONE)

    def _next_column(self) -> None:
        self.column += 1
        if self.page is None or self.column >= len(self._columns()):
            self.page = self.doc.new_page(width=PAGE[0], height=PAGE[1])
            tw = self.pymupdf.TextWriter(self.page.rect)
            tw.append((36, 28), HEADER[self.lang], font=self.font, fontsize=7)
            tw.append((206, 460), str(self.doc.page_count), font=self.font, fontsize=7)
            tw.write_text(self.page)
            self.column = 0
        self.y = TOP

    def write(self, text: str, size: float, indent: float = 0.0, copies: int = 1, lines: int = 0) -> None:
        """``text`` from the current point on; ``lines``: only that many lines here, the rest in the next column."""
        while text:
            if self.y + size * 2.6 > BOTTOM:  # not two lines' room left: the next column
                self._next_column()
            x0, x1 = self._columns()[self.column]
            bottom = min(BOTTOM, self.y + lines * size * 1.3 + 2) if lines else BOTTOM
            left = []
            for k in range(copies):  # fake bold: the same text drawn again a fraction of a point away
                tw = self.pymupdf.TextWriter(self.page.rect)
                rect = self.pymupdf.Rect(x0 + 0.3 * k, self.y + 0.3 * k, x1 + 0.3 * k, bottom + 0.3 * k)
                left = tw.fill_textbox(rect, text, pos=(x0 + indent + 0.3 * k, self.y + size + 0.3 * k),
                                       font=self.font, fontsize=size, lineheight=1.3)
                tw.write_text(self.page)
            self.y = tw.last_point.y + size * 0.9
            text, indent, lines = ("" if self.lang == "zh" else " ").join(t for t, _ in left), 0.0, 0
            if text:
                self._next_column()


def typeset(lang: str, blocks: list[tuple[str, str]], title: str = "") -> bytes:
    """Blocks (heading | prose | list | split, text) as a PDF in ``lang``: page 1 in two columns, the rest
    in one, each page with a running header and its number; headings in fake bold."""
    flow = _Flow(lang)
    if title:
        flow.write(title, 16)
    for kind, text in blocks:
        if kind == "heading":
            flow.write(text, 11, copies=3)
        else:
            flow.write(text, 9, indent=0 if kind == "list" else 12, lines=2 if kind == "split" else 0)
    return flow.doc.tobytes()


def sample_pdf(lang: str) -> bytes:
    """The sample report in ``lang`` ("en" or "zh") as PDF bytes."""
    return typeset(lang, SAMPLE[lang], TITLE[lang])


# A page set in two columns below paragraphs that run the full width: each full-width line crosses the
# columns' gutter. Two paragraphs are bullet items set in from the margin, the first bullet a smaller
# glyph sitting a little lower than the line, the second a larger one reaching above it; the first item's
# last line is short (it does not cross the gutter). Under the columns, a table of two columns without rules.
WIDE = {
    "en": {
        "intro": "The review panel met four times between January and May and heard evidence from engineers, "
                 "residents and the port authority before it agreed on the recommendations that follow below.",
        "item": "Renewal of the main span – the panel found that renewal keeps two lanes open throughout the works, "
                "costs less over thirty years than any other option and extends the life of the bridge by at "
                "least sixty years, which is why it comes first in this report.",
        "item2": "Lighting and footpaths – they can be replaced together with the deck, which saves a further "
                 "eighteen months of lane closures and lowers the cost of traffic control for the contractor.",
        "left": ["Old name", "North approach", "South approach", "Main span"],
        "right": ["New name", "Harbour gate", "Market gate", "Central span"],
    },
    "zh": {
        "intro": "评审小组在一月至五月间开会四次，听取了工程师、居民和港务局的意见，随后就下列建议达成一致，"
                 "并决定将这些建议提交市议会审议，以便在今年秋季之前作出最终决定。",
        "item": "主跨翻新——评审小组认为，翻新可以在整个施工期间保持两条车道通行，三十年内的费用低于其他任何方案，"
                "并能使大桥的寿命延长至少六十年，这就是本报告将其列在首位的原因，也是市议会最应优先考虑的方案。",
        "item2": "照明和人行道——可以与桥面同时更换，这样可以再减少十八个月的车道封闭时间，并降低承包商的交通管制费用，"
                 "也让市民在施工期间照常步行过桥，不必绕行到更远的渡口或者其他过江通道。",
        "left": ["旧名称", "北侧引桥", "南侧引桥", "主跨"],
        "right": ["新名称", "港门", "市场门", "中央跨"],
    },
}


def wide_over_columns_pdf(lang: str) -> bytes:
    """One page: two full-width paragraphs (the second a bullet item set in from the margin, its short
    last line inside one column) above two columns of running text, and a table without rules."""
    import pymupdf

    text = WIDE[lang]
    font = pymupdf.Font("cjk" if lang == "zh" else "helv")
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE[0], height=PAGE[1])
    tw = pymupdf.TextWriter(page.rect)
    left = tw.fill_textbox(pymupdf.Rect(36, 56, 384, 140), text["intro"], font=font, fontsize=9, lineheight=1.3)
    y = tw.last_point.y + 16
    tw.append((48, y + 1.2), "•", font=font, fontsize=7.5)  # the bullet: smaller, a little lower
    tw.fill_textbox(pymupdf.Rect(60, y - 9, 384, 300), text["item"], font=font, fontsize=9, lineheight=1.3)
    y = tw.last_point.y + 16
    tw.append((47, y + 0.5), "•", font=font, fontsize=11)  # the next bullet: larger, its top above the line's
    tw.fill_textbox(pymupdf.Rect(60, y - 9, 384, 300), text["item2"], font=font, fontsize=9, lineheight=1.3)
    y = tw.last_point.y + 24
    for x, k in ((36, 2), (216, 7)):  # two columns of running text: the gutter the lines above cross
        tw.fill_textbox(pymupdf.Rect(x, y - 9, x + 168, y + 120), SAMPLE[lang][k][1], font=font, fontsize=9,
                        lineheight=1.3)
    y += 130
    for k, (a, b) in enumerate(zip(text["left"], text["right"])):
        tw.append((36, y + 14 * k), a, font=font, fontsize=9)
        tw.append((216, y + 14 * k), b, font=font, fontsize=9)
    tw.write_text(page)
    assert not left, "the sample's first paragraph must fit its box"
    return doc.tobytes()


ITEMS = {
    "en": ["Repairs alone would cost 95 million dollars every five years.",
           "A new crossing would need land that the port still uses.",
           "Renewal keeps two lanes open during the works.",
           "The lighting can be replaced at the same time as the deck."],
    "zh": ["仅靠维修每五年就要花费9500万美元。", "新建通道需要占用港口仍在使用的土地。",
           "翻新期间可以保持两条车道通行。", "照明可以与桥面同时更换。"],
}


def bullets_apart_pdf(lang: str) -> bytes:
    """One page: a paragraph, then bullet items whose bullets are drawn apart from their text (as word
    processors export them: the glyph, a gap, the text), then a closing paragraph."""
    import pymupdf

    font = pymupdf.Font("cjk" if lang == "zh" else "helv")
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE[0], height=PAGE[1])
    tw = pymupdf.TextWriter(page.rect)
    tw.fill_textbox(pymupdf.Rect(36, 56, 384, 140), WIDE[lang]["intro"], font=font, fontsize=9, lineheight=1.3)
    y = tw.last_point.y + 18
    for k, item in enumerate(ITEMS[lang]):
        tw.append((48, y + 16 * k), "•", font=font, fontsize=9)
        tw.append((62, y + 16 * k), item, font=font, fontsize=9)
    tw.fill_textbox(pymupdf.Rect(36, y + 16 * len(ITEMS[lang]), 384, 400), SAMPLE[lang][-1][1], font=font,
                    fontsize=9, lineheight=1.3)
    tw.write_text(page)
    return doc.tobytes()


BOLD_LINES = {
    "en": ["When a city opens a bridge to traffic, it invites every driver to cross it, and each",
           "crossing wears the deck. This means that the deck is part of the city's budget, and",
           "as the number, weight and speed of the vehicles grows, so does the cost of its upkeep."],
    "zh": ["当一座城市向车辆开放一座大桥时，它就邀请每一位司机通过它，而每一次通过都会",
           "使桥面磨损一点。这意味着桥面是城市预算的一部分，而随着车辆的数量、重量和速度",
           "不断增长，维护它的费用也随之增长。"],
}


def bold_inside_pdf(lang: str) -> bytes:
    """One page: a paragraph whose middle line is set in bold (words stressed inside a sentence that
    runs on), then a paragraph after it."""
    import pymupdf

    font = pymupdf.Font("cjk" if lang == "zh" else "helv")
    bold = pymupdf.Font("cjk" if lang == "zh" else "hebo")
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE[0], height=PAGE[1])
    tw = pymupdf.TextWriter(page.rect)
    for k, line in enumerate(BOLD_LINES[lang]):
        copies = 2 if k == 1 and lang == "zh" else 1  # no bold CJK font: drawn twice, a fraction apart
        for c in range(copies):
            tw.append((36 + 0.3 * c, 70 + 11.7 * k), line, font=bold if k == 1 else font, fontsize=9)
    tw.fill_textbox(pymupdf.Rect(36, 70 + 11.7 * 3 + 8, 384, 300), SAMPLE[lang][-1][1], font=font, fontsize=9,
                    lineheight=1.3)
    tw.write_text(page)
    return doc.tobytes()


def stray_glyph_pdf(lang: str) -> bytes:
    """The sample report with one small glyph (a superscript "2" out of place) in page 1's gutter."""
    import pymupdf

    doc = pymupdf.open(stream=sample_pdf(lang))
    tw = pymupdf.TextWriter(doc[0].rect)
    tw.append((208, 150), "2", font=pymupdf.Font("helv"), fontsize=6)
    tw.write_text(doc[0])
    return doc.tobytes()


SHEET = {
    "en": {"left": SAMPLE["en"][1][1] + " " + SAMPLE["en"][2][1],
           "items": ["Renewal cost – 410 million dollars.", "Repair cost – 95 million in five years."],
           "bullets": ["• The state pays what the city does not.", "• Lanes stay open during the works."]},
    "zh": {"left": SAMPLE["zh"][1][1] + SAMPLE["zh"][2][1],
           "items": ["翻新费用——共需4.1亿美元。", "维修费用——每五年9500万美元。"],
           "bullets": ["• 城市不支付的部分由州政府支付。", "• 施工期间车道保持通行。"]},
}


def indented_column_pdf(lang: str) -> bytes:
    """One page in two columns, as a cheat sheet: running text on the left; on the right two items at
    the column's margin, each followed by a set-in bullet and a formula centred in the column (so only
    two lines of the right column start at its margin)."""
    import pymupdf

    font = pymupdf.Font("cjk" if lang == "zh" else "helv")
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE[0], height=PAGE[1])
    tw = pymupdf.TextWriter(page.rect)
    tw.fill_textbox(pymupdf.Rect(36, 56, 204, 400), SHEET[lang]["left"], font=font, fontsize=9, lineheight=1.3)
    y = 65.0
    for item, bullet, formula in zip(SHEET[lang]["items"], SHEET[lang]["bullets"], ("C = 410", "R = 95 / 5")):
        tw.fill_textbox(pymupdf.Rect(216, y - 9, 384, y + 40), item, font=font, fontsize=9, lineheight=1.3)
        y = tw.last_point.y + 16
        tw.append((230, y), bullet, font=font, fontsize=9)
        tw.append((280, y + 16), formula, font=font, fontsize=9)
        y += 40
    tw.write_text(page)
    return doc.tobytes()
