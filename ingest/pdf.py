"""PDF → blocks through PyMuPDF, paragraph by paragraph as a reader sees them.

``ingest.layout`` reads each page's characters into lines (text drawn twice at a small offset, a
fake-bold heading, is dropped and reported), finds its columns and puts the lines in reading order
as rows. Here rows join into paragraphs when the layout says so: the next row follows at the
body's line spacing, in the same font size, is not a list item, and the row before it does not end
a sentence short of the column's right edge (nor does the next one start indented after a sentence).
Headings (larger, or bold lines standing alone; a bold line that runs to the column's edge
mid-sentence is stressed words, not a heading), list items (a bullet glyph or a number; a control
code or private-use glyph before words, as symbol fonts' bullets come out), display formulas (rows
of symbols more than words, set in from the margin), monospaced code and the rows of tables without
rules (``ingest.pdftable``, cells joined with " | ") stay blocks of their own. A paragraph that runs
on from the bottom of a column or page to the top of the next is one block with its first page and
area and the page and area of its end. Running headers and footers (the same text, digits aside, in
the top or bottom margin of most pages) and page numbers are removed and reported; hyphenated line
ends are joined; Chinese lines join without a space (a number Chinese typesetting broke across two
lines too).

Why our own code over PyMuPDF rather than pymupdf4llm / pymupdf-layout (issue #34, measured on the
dev cheat sheets): pymupdf4llm 1.28.2 requires pymupdf-layout 1.28.2, a 43 MB wheel of ONNX layout
and table models run by onnxruntime; the 2.x releases of both are empty shims for PyMuPDF 2.x, a
different PyMuPDF. Its output is Markdown for one page after another, so the paragraph areas the
page view highlights and the reasons for what it leaves out (headers, duplicates) would be lost and
the Markdown parsed again; and on the Chinese algebra cheat sheet it put a right-column bullet under
the title, dropped every display formula, kept the running header and footer and set the Chinese
text in backticks as code. PyMuPDF's characters with positions, fonts and sizes are enough.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

from ingest.blocks import Block, Parsed, Sections, Skipped, excerpt, join_lines
from ingest.layout import DUPLICATE, Line, Row, page_lines, reading_order, union
from ingest.pdftable import cell_starts, find_tables
from rag.errors import DocumentError
from rag.text.script import HAN_RE, HAN_WEIGHT, latin_length
from rag.text.sentences import ends_sentence

MARGIN = 0.08  # top and bottom share of the page where running headers and footers live
PAGE_NO = re.compile(r"^\s*(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?\s*(?:/\s*\d{1,4})?\s*$|^\s*第\s*\d{1,4}\s*页\s*$", re.I)
LIST_ITEM = re.compile(r"^(?:[•◦▪▫●○■□➢►▶‣⁃∙]|[-–*](?=\s)|\(?\d{1,3}[.)](?=\s)|\(?[a-z][.)](?=\s)|[①-⑳]"
                       r"|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
# a glyph with no letter of its own (a control code or a private-use character): a symbol font's bullet
# before words, a math font's bracket piece before a formula
GLYPH = re.compile(r"^[\x01-\x08\x0e-\x1f\ue000-\uf8ff]\s*")
SECTION_NO = re.compile(r"^\d+(?:\.\d+)*\.?$")


@dataclass(frozen=True)
class Style:
    """The document's body text: its font size and the distance from one line's top to the next's."""

    body: float
    pitch: float


def _math(r: Row, st: Style) -> bool:
    """A display formula's row: more symbols than words, set in from the column's margin."""
    t = r.text
    ink, words = _ink_words(t)
    inset = r.box[0] - r.column[0]
    if not ink or SECTION_NO.match(t.strip()) or r.mono or inset < st.body or _listish(r):
        return False
    return words < 0.2 * ink or (words < 0.5 * ink and inset > 2 * st.body)


def _cellish(r: Row) -> bool:
    """Three or more cells set apart on one baseline: a table's row (its header, on a cheat sheet)."""
    return len(r.lines) >= 3 and len(cell_starts(list(r.lines))) >= 3


def _headish(r: Row, st: Style) -> bool:
    """Larger type, or a bold line standing alone; not a row of cells (a table's header row)."""
    if _cellish(r):
        return False
    return r.size >= st.body * 1.1 or (r.bold and len(r.text) < 120 and not _listish(r))


def _ink_words(t: str) -> tuple[float, float]:
    """Characters drawn, and those in words (Latin runs of three letters or more, Han characters), in
    Latin letters (``latin_length``: 種類分佈 is as much a word as "Type Distribution")."""
    latin = sum(len(w) for w in re.findall(r"[A-Za-z]{3,}", t))
    return latin_length(re.sub(r"\s", "", t)), latin + HAN_WEIGHT * len(HAN_RE.findall(t))


def _listish(r: Row) -> bool:
    glyph = GLYPH.match(r.text)
    if glyph:
        ink, words = _ink_words(r.text[glyph.end():])
        return words >= 0.5 * ink > 0
    return r.lines[0].marker or bool(LIST_ITEM.match(r.text))


def _breaks(p: Row, r: Row, st: Style) -> bool:
    """Whether row ``r`` starts a new paragraph after row ``p`` of the same column."""
    if p.cells or r.cells:
        return True  # a table row is a block of its own
    if (p.page, p.column, p.band) != (r.page, r.column, r.band) and not _under(p, r):
        return True  # a column or page break: whether the paragraph runs on is decided later
    mp, mr = _math(p, st), _math(r, st)
    if mp or mr:  # a formula's rows stay together, with a row set in beside them (a matrix's last row)
        close = r.box[1] - p.box[3] < (st.body if mp and mr else 0.5 * st.body)
        inset = min(p.box[0], r.box[0]) > p.column[0] + 2 * st.body
        return not (close and (mp and mr or inset))
    hp, hr = _headish(p, st), _headish(r, st)
    if hr and not hp and abs(p.size - r.size) <= 0.6 and not ends_sentence(p.text):
        hr = False  # words in bold that end a sentence the line before began
    if hp and not hr and abs(p.size - r.size) <= 0.6 and not ends_sentence(p.text) and not _room_left(p, r):
        hp = False  # a bold line that runs to the column's edge mid-sentence: words stressed in a paragraph
    if hp != hr or abs(p.size - r.size) > 0.6 or p.mono != r.mono or _listish(r):
        return True
    if r.box[1] - p.box[1] > 1.5 * st.pitch * r.size / st.body or r.box[1] - p.box[3] > 0.8 * r.size:
        return True
    if not ends_sentence(p.text):
        return False
    indented = r.box[0] > p.column[0] + 0.8 * r.size and r.box[0] > p.box[0] + 0.8 * r.size
    return indented or _room_left(p, r)


def _under(p: Row, r: Row) -> bool:
    """Row ``r`` sits right under full-width row ``p`` where its lines start (a short last line that
    crosses no gutter is put in the columns' band below): the line spacing decides, as in a column."""
    return (p.page == r.page and p.band == r.band - 1 and p.column[0] <= r.column[0] and r.column[1] <= p.column[1]
            and p.box[0] - 0.5 * r.size <= r.box[0] <= p.box[0] + 2 * r.size)


def _room_left(p: Row, r: Row) -> bool:
    """Row ``p`` stops short: the first word of ``r`` would have fitted after it (a reflowing reader's
    test for a paragraph's last line)."""
    text = r.text
    m = re.match(r"\S", text) if HAN_RE.match(text) else re.match(r"\S+", text)
    width = (r.box[2] - r.box[0]) * len(m.group(0)) / max(len(text), 1) if m else 0.0
    return p.box[2] + width + 0.3 * r.size < p.column[1]


def _style(rows: list[Row]) -> Style:
    sizes: Counter = Counter()
    for r in rows:
        sizes[r.size] += len(r.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches = [r.box[1] - p.box[1] for p, r in zip(rows, rows[1:])
               if (p.page, p.column, p.band) == (r.page, r.column, r.band) and p.size == r.size == body
               and 0.8 * body < r.box[1] - p.box[1] < 2.5 * body]
    return Style(body, statistics.median(pitches) if pitches else 1.2 * body)


@dataclass
class _Para:
    rows: list[Row]
    kind: str = "prose"


def _kind(rows: list[Row], st: Style) -> str:
    if rows[0].cells or (len(rows) == 1 and _cellish(rows[0]) and not _math(rows[0], st)):
        return "table"
    text = " ".join(r.text for r in rows)
    if sum(_math(r, st) for r in rows) > len(rows) / 2 or all(r.mono for r in rows):
        return "code"
    if all(_headish(r, st) for r in rows) and len(rows) <= 3 and len(text) < 200 and text.rstrip()[-1:] not in ".。":
        return "heading"
    return "list" if _listish(rows[0]) else "prose"


def _runs_on(prev: _Para, nxt: _Para, st: Style) -> bool:
    """A paragraph cut by a column or page break: it ends mid-sentence at the foot of its column and
    the next column's (or page's) first row goes on in the same size, not indented, not a new item."""
    a, b = prev.rows[-1], nxt.rows[0]
    if prev.kind not in ("prose", "list") or nxt.kind != "prose" or ends_sentence(a.text):
        return False
    moved = b.page == a.page + 1 or (b.page == a.page and (b.column, b.band) != (a.column, a.band))
    return moved and abs(a.size - b.size) <= 0.6 and b.box[0] <= b.column[0] + 0.8 * b.size


def _one_line(p: _Para) -> bool:
    """A prose block of one line that stops short of its column's edge with no sentence end: a link,
    a label, an entry of a contents list."""
    r = p.rows[0]
    return (p.kind == "prose" and len(p.rows) == 1 and not ends_sentence(r.text)
            and r.box[2] - r.box[0] < 0.85 * (r.column[1] - r.column[0]))


def _line_lists(paras: list[_Para]) -> None:
    """Two or more such lines one under another are a list without bullets, one item a line."""
    i = 0
    while i < len(paras):
        j = i
        while j < len(paras) and _one_line(paras[j]) and (j == i or _same_place(paras[j - 1], paras[j])):
            j += 1
        for p in paras[i:j] if j - i >= 2 else ():
            p.kind = "list"
        i = max(j, i + 1)


def _same_place(a: _Para, b: _Para) -> bool:
    x, y = a.rows[-1], b.rows[0]
    return (x.page, x.column, x.band) == (y.page, y.column, y.band)


def paragraphs(rows: list[Row], st: Style) -> list[_Para]:
    out: list[_Para] = []
    for r in rows:
        if out and not _breaks(out[-1].rows[-1], r, st):
            out[-1].rows.append(r)
        else:
            out.append(_Para([r]))
    for p in out:
        p.kind = _kind(p.rows, st)
    _line_lists(out)
    merged: list[_Para] = []
    strays: list[_Para] = []  # a glyph in a gutter between the parts of a run-on paragraph waits for it
    for p in out:
        if p.rows[0].stray:
            strays.append(p)
        elif merged and _runs_on(merged[-1], p, st):
            merged[-1].rows += p.rows
        else:
            merged += strays + [p]
            strays = []
    return merged + strays


def _parts(rows: list[Row]) -> list[tuple[int, tuple]]:
    """(page, area) of each stretch of a paragraph within one column."""
    out: list[tuple[int, tuple, list]] = []
    for r in rows:
        key = (r.page, r.column, r.band)
        if out and out[-1][1] == key:
            out[-1][2].append(r.box)
        else:
            out.append((r.page, key, [r.box]))
    return [(page, union(boxes)) for page, _, boxes in out]


def _furniture(lines: list[Line], heights: dict[int, float], pages: int) -> dict[int, str]:
    """Index → reason for the lines that are page furniture, not text of the document."""
    key = lambda ln: re.sub(r"\d+", "#", ln.text.strip().lower())  # noqa: E731
    in_margin = [i for i, ln in enumerate(lines)
                 if ln.box[1] < MARGIN * heights[ln.page] or ln.box[3] > (1 - MARGIN) * heights[ln.page]]
    seen = Counter(key(lines[i]) for i in {(lines[i].page, key(lines[i])): i for i in in_margin}.values())
    out: dict[int, str] = {}
    for i in in_margin:
        if PAGE_NO.match(lines[i].text):
            out[i] = "page number"
        elif pages >= 2 and seen[key(lines[i])] >= max(2, pages // 2):
            out[i] = "running header or footer"
    return out


def _ink(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _read(doc) -> tuple[list[Row], list[Skipped]]:
    """Every page's rows in reading order, and what was left out (furniture, duplicates)."""
    lines: list[Line] = []
    skipped: list[Skipped] = []
    for pno, page in enumerate(doc, start=1):
        got, dropped = page_lines(page, pno)
        lines += got
        skipped += [Skipped(excerpt(t), DUPLICATE, p, chars=_ink(t)) for t, p in dropped]
    heights = {pno: page.rect.height or 1.0 for pno, page in enumerate(doc, start=1)}
    furniture = _furniture(lines, heights, doc.page_count)
    skipped += [Skipped(excerpt(lines[i].text), why, lines[i].page, chars=_ink(lines[i].text)) for i, why in furniture.items()]
    rows: list[Row] = []
    for pno, page in enumerate(doc, start=1):
        body = [ln for i, ln in enumerate(lines) if ln.page == pno and i not in furniture]
        tables, body = find_tables(body)
        rows += reading_order(body, page.rect.width, tables)
    return rows, sorted(skipped, key=lambda s: s.page or 0)


def _blocks(paras: list[_Para], st: Style) -> list[Block]:
    heads = [p for p in paras if p.kind == "heading"]
    sizes = sorted({p.rows[0].size for p in heads if p.rows[0].size >= st.body * 1.1}, reverse=True)
    sections = Sections()
    out: list[Block] = []
    for p in paras:
        rows = [replace(r, cells=cell_starts(list(r.lines))) if p.kind == "table" and not r.cells else r for r in p.rows]
        text = join_lines([r.text for r in rows], typeset=True) if p.kind != "code" else "\n".join(r.text for r in rows)
        parts = _parts(p.rows)
        (page, box), (page_end, box_end) = parts[0], parts[-1]
        end = {"page_end": page_end, "box_end": box_end} if len(parts) > 1 else {}
        if p.kind == "heading":
            size = p.rows[0].size
            level = min((sizes.index(size) + 1) if size in sizes else len(sizes) + 1, 6)
            out.append(Block(text, "heading", level, sections.heading(level, text), page, box, **end))
        else:
            out.append(Block(text, p.kind, 0, sections.path, page, box, **end))
    return out


def parse_pdf(data: bytes, name: str) -> Parsed:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as e:
        raise DocumentError(f"{name} is not a readable PDF: {e}") from None
    if doc.needs_pass:
        raise DocumentError(f"{name} is password-protected; remove the password and try again")
    rows, skipped = _read(doc)
    st = _style(rows)
    blocks = _blocks(paragraphs(rows, st), st)
    meta = {k: v.strip() for k, v in (doc.metadata or {}).items() if k in ("title", "author") and v and v.strip()}
    if "title" not in meta and blocks and blocks[0].kind == "heading":
        meta["title"] = blocks[0].text
    return Parsed(tuple(blocks), meta, "", tuple(skipped))
