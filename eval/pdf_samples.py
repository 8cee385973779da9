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
