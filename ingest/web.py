"""HTML → blocks with lxml's HTML parser: whole ``.html`` files and the HTML blocks inside Markdown.

Block elements (headings, paragraphs, list items, table rows, ``pre``, block quotes) become blocks;
inline elements give their text (links their text, images their alt text, ``<br>`` a line break,
``<sup>`` a caret); ``script``/``style`` content and comments are skipped and reported.
"""

from __future__ import annotations

import re

from ingest.blocks import Block, Parsed, Sections, Skipped, excerpt, join_lines, labelled_rows, tidy

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
KIND_OF = {"li": "list", "dt": "list", "dd": "list", "tr": "table", "pre": "code", "blockquote": "quote"}
BLOCK_TAGS = set(HEADINGS) | set(KIND_OF) | {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "body", "html",
    "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "figure", "figcaption", "caption",
    "details", "summary", "form", "fieldset", "center", "hr", "address",
}
NOT_TEXT = {"script", "style", "template", "noscript", "head", "svg", "math"}


def _source_text(s: str) -> str:
    """Whitespace as a browser shows it: a source line break between CJK characters is no space;
    a source line break with nothing else between two elements keeps them on separate lines."""
    if "\n" not in s:
        return s
    return "\n" if not s.strip() else join_lines(s.split("\n"))


class _Walker:
    def __init__(self, sections: Sections) -> None:
        self.sections = sections
        self.blocks: list[Block] = []
        self.skipped: list[Skipped] = []
        self.buf: list[str] = []
        self.alts: list[str] = []  # image alt texts in ``buf``: a block of nothing else is a figure
        self.item = ""  # "list" while inside a list item

    # --- inline text ---
    def inline(self, el) -> str:
        """The text of an element and its inline children (block children are walked separately)."""
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:  # a comment or processing instruction
            self._skip_comment(el)
            return ""
        if tag == "head":  # its <title> is the document's title (metadata); scripts and styles are reported
            for child in el:
                if isinstance(child.tag, str) and child.tag in NOT_TEXT:
                    self._skip_not_text(child, child.tag)
            return ""
        if tag in NOT_TEXT:
            self._skip_not_text(el, tag)
            return ""
        if tag == "br":
            return "\n"
        if tag == "img":
            self.alts.append(el.get("alt") or "")
            return self.alts[-1]
        parts = ["^" if tag == "sup" else "", _source_text(el.text or "")]
        for child in el:
            parts.append(self.inline(child))
            parts.append(_source_text(child.tail or ""))
        return "".join(parts)

    def _skip_comment(self, el) -> None:
        text = (el.text or "").strip()
        if text:
            self.skipped.append(Skipped(excerpt(f"<!--{text}-->"), "HTML comment"))

    def _skip_not_text(self, el, tag: str) -> None:
        text = "".join(el.itertext()).strip()
        if text:
            self.skipped.append(Skipped(excerpt(text), f"<{tag}> content is not document text"))

    # --- blocks ---
    def flush(self, kind: str = "prose", level: int = 0) -> None:
        text = tidy("".join(self.buf)) if kind != "code" else "".join(self.buf).strip("\n")
        images_only = kind == "prose" and self._images_only(text)
        self.buf, self.alts = [], []
        if not text.strip():
            return
        if kind == "heading":
            text = text.replace("\n", " ")
            self.blocks.append(Block(text, "heading", level, self.sections.heading(level, text)))
        else:
            self.blocks.append(Block(text, "figure" if images_only else kind, 0, self.sections.path))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            self.inline(el)
            return
        if tag in HEADINGS:
            self.flush()
            self.buf.append("".join(el.itertext()) if el.find(".//img") is None else self.inline(el))
            self.flush("heading", HEADINGS[tag])
        elif tag == "pre":
            self.flush()
            self.buf.append("".join(el.itertext()))
            self.flush("code")
        elif tag == "table":
            self.flush()
            self._table(el)
        elif tag == "tr":  # a row outside any table
            self.flush()
            self.buf.append(" | ".join(c for c in self._cells(el) if c))
            self.flush("table")
        elif tag in BLOCK_TAGS:
            self.flush()
            outer = self.item
            self.item = "list" if KIND_OF.get(tag) == "list" else outer
            self._walk_children(el)
            self.flush(self._kind(tag))
            self.item = outer
        else:
            self.buf.append(self.inline(el))

    def _kind(self, tag: str) -> str:
        """A block's kind; a paragraph inside a list item is that item (``<li><p>…</p></li>``)."""
        return KIND_OF.get(tag) or (self.item if tag in ("p", "div") else "") or "prose"

    def _cells(self, tr) -> list[str]:
        return [tidy(self.inline(c)).replace("\n", " ") for c in tr if isinstance(c.tag, str)]

    def _table(self, el) -> None:
        """Its caption, then a block per row; a header row (in ``<thead>``, or a first row of ``<th>``
        cells only) labels each body row's cells, as a Markdown table's header does."""
        for caption in el.findall("caption"):
            self.walk(caption)
        rows = [tr for tr in el.iter("tr") if next(tr.iterancestors("table"), None) is el]
        grid = [self._cells(tr) for tr in rows]
        first = [c for c in rows[0] if isinstance(c.tag, str)] if rows else []
        header = len(rows) > 1 and (rows[0].getparent().tag == "thead" or all(c.tag == "th" for c in first))
        for text in labelled_rows(grid[0], grid[1:]) if header else [" | ".join(c for c in r if c) for r in grid]:
            self.buf.append(text)
            self.flush("table")

    def _walk_children(self, el) -> None:
        self.buf.append(_source_text(el.text or ""))
        for child in el:
            if isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child.find(".//p") is not None):
                self.flush(self._kind(el.tag))
                self.walk(child)
            else:
                self.buf.append(self.inline(child))
            self.buf.append(_source_text(child.tail or ""))

    def _images_only(self, text: str) -> bool:
        """Whether the buffered block is images alone: their alt texts are all its text."""
        rest = text
        for alt in self.alts:
            rest = rest.replace(tidy(alt), "", 1) if alt.strip() else rest
        return bool(self.alts) and not rest.strip()


def html_blocks(html: str, sections: Sections) -> tuple[list[Block], list[Skipped]]:
    """Blocks and skipped parts of an HTML fragment or document, continuing ``sections``."""
    import lxml.html

    if not html.strip():
        return [], []
    w = _Walker(sections)
    try:
        root = lxml.html.document_fromstring(html) if re.search(r"<html|<body", html, re.I) else (
            lxml.html.fragment_fromstring(html, create_parent="div")
        )
    except Exception:  # lxml refuses a few odd fragments (a lone comment): keep its text as is
        return [Block(html.strip(), "prose", 0, sections.path)], []
    w.walk(root)
    w.flush()
    return w.blocks, w.skipped


def parse_html(text: str) -> Parsed:
    import lxml.html

    sections = Sections()
    blocks, skipped = html_blocks(text, sections)
    meta = {}
    try:
        title = lxml.html.document_fromstring(text).findtext(".//title")
    except Exception:
        title = None
    first = next((b.text for b in blocks if b.kind == "heading"), "")
    if title and title.strip():
        meta["title"] = title.strip()
    elif first:
        meta["title"] = first
    return Parsed(tuple(blocks), meta, "", tuple(skipped))
