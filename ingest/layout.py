"""A PDF page's typeset lines as a reader sees them: duplicates gone, columns found, rows in reading order.

PyMuPDF gives characters with their positions; this module turns one page into ``Line``s (a
character drawn again a fraction of a point away, as fake-bold headings are, is dropped and
reported), finds the page's columns (a vertical gap no narrow line crosses, a glyph or two in it
aside, with a column's left margin on its right side) and returns the lines in reading order: band by
band down the page (a line that crosses a gutter, such as a title, closes a band; full-width lines one
under another share one, with a bullet set beside the first), in a band column by column, in a column
row by row (pieces of one baseline, a superscript or a formula's parts, make one ``Row``).
``ingest.pdf`` groups the rows into paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ingest.blocks import join_lines

Box = tuple[float, float, float, float]
DUPLICATE = "fake-bold duplicate (the same text drawn again at a small offset)"
_SYMBOL_FONT = re.compile(r"dingbat|wingding|zapf", re.I)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_MONO_FONT = re.compile(r"mono|courier|consol|menlo|typewriter|code", re.I)


@dataclass(frozen=True)
class Line:
    """One typeset line of a page (its duplicate characters removed)."""

    page: int
    text: str
    box: Box
    size: float  # the font size most of its characters have
    bold: bool  # bold font, or drawn twice (fake bold)
    mono: bool  # a monospaced font: code
    marker: bool  # starts with a glyph of a symbol font (a bullet)
    upright: bool = True  # horizontal text


@dataclass(frozen=True)
class Row:
    """Lines sharing a baseline within one column (a formula's parts, a superscript), left to right; its
    text, area and style are worked out once."""

    lines: tuple[Line, ...]
    column: tuple[float, float]  # the column's left and right edges
    band: int  # which band of the page (a gutter-crossing line starts a new one)
    cells: tuple[float, ...] = ()  # a table row's cells: where each starts (``ingest.pdftable``)
    stray: bool = False  # a glyph or two standing in a gutter

    @cached_property
    def page(self) -> int:
        return self.lines[0].page

    @cached_property
    def text(self) -> str:
        if self.cells:  # cell by cell, each cell's lines top to bottom
            parts = [[ln for ln in sorted(self.lines, key=lambda ln: ln.box[1]) if _cell(self.cells, ln) == k]
                     for k in range(len(self.cells))]
            return " | ".join(join_lines([ln.text for ln in part]) for part in parts if part)
        out = ""
        for ln in self.lines:
            out = join_lines([out, ln.text]) if out else ln.text
        return out

    @cached_property
    def box(self) -> Box:
        return union(ln.box for ln in self.lines)

    @cached_property
    def size(self) -> float:
        sizes = Counter()
        for ln in self.lines:
            sizes[ln.size] += len(ln.text.strip())
        return main_size(sizes)

    @cached_property
    def bold(self) -> bool:
        return all(ln.bold for ln in self.lines)

    @cached_property
    def mono(self) -> bool:
        return all(ln.mono for ln in self.lines)


def _cell(starts: tuple[float, ...], ln: Line) -> int:
    """The cell a line belongs to: the last whose start is left of the line's (a few points' slack)."""
    return max((k for k, x in enumerate(starts) if x <= ln.box[0] + 6), default=0)


def main_size(sizes: Counter) -> float:
    """The size most characters have; between two as common, the larger (a word of smaller code or
    superscript type does not make a line of body text small)."""
    return max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def union(boxes) -> Box:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


class _Seen:
    """Characters already drawn on a page, bucketed by position, to find one drawn again nearby."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, int, int], list[tuple[float, float]]] = {}

    def again(self, c: str, x: float, y: float, size: float) -> bool:
        tol = max(0.15 * size, 0.5)
        cx, cy = int(x // 4), int(y // 4)
        cells = self._cells
        for i in (cx - 1, cx, cx + 1):
            for j in (cy - 1, cy, cy + 1):
                for a, b in cells.get((c, i, j), ()):
                    if abs(x - a) <= tol and abs(y - b) <= tol:
                        return True
        cells.setdefault((c, cx, cy), []).append((x, y))
        return False


def page_lines(page, pno: int) -> tuple[list[Line], list[tuple[str, int]]]:
    """The page's lines and the duplicate text dropped from them, (text, page) per line that had any."""
    import pymupdf

    seen = _Seen()
    lines: list[Line] = []
    dropped: list[tuple[str, int]] = []
    for b in page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_TEXT)["blocks"]:
        for ln in b.get("lines", []):
            chars = [(ch["c"], ch["bbox"], sp, bool(ch["c"].strip()) and seen.again(ch["c"], *ch["origin"], sp["size"]))
                     for sp in ln["spans"] for ch in sp["chars"]]
            drop = _fake_bold(chars)
            kept = [(c, bb, sp) for (c, bb, sp, _), d in zip(chars, drop) if not d]
            if any(drop):  # a line drawn again whole is reported whole; else the characters drawn twice
                whole = not any(c.strip() for c, _, _ in kept)
                dropped.append(("".join(x[0] for x in chars) if whole else "".join(x[0] for x, d in zip(chars, drop) if d), pno))
            line = _line(kept, pno, ln["dir"], any(drop))
            if line is not None:
                lines.append(line)
    return lines, dropped


def _fake_bold(chars: list) -> list[bool]:
    """Which characters to drop: those drawn again in a run of three or more (a word drawn twice), or all
    of a line drawn again whole; a lone glyph over another ("[[" set as two overlapping brackets) stays."""
    again = [x[3] for x in chars]
    ink = [i for i, x in enumerate(chars) if x[0].strip()]
    if ink and all(again[i] for i in ink):
        return again
    drop = [False] * len(chars)
    run: list[int] = []
    for i in ink + [-1]:
        if i >= 0 and again[i]:
            run.append(i)
            continue
        if len(run) >= 3:
            for j in run:
                drop[j] = True
        run = []
    return drop


def _line(kept: list, pno: int, direction, doubled: bool) -> Line | None:
    text = re.sub(r"\s+", " ", "".join(c for c, _, _ in kept)).strip()
    if not text:
        return None
    ink = [(c, bb, sp) for c, bb, sp in kept if c.strip()]
    letters = [x for x in ink if x[0].isalpha()] or ink  # a superscript's digits do not make the line small
    sizes = Counter(round(sp["size"], 1) for _, _, sp in letters)
    bold = sum(1 for _, _, sp in ink if sp["flags"] & 16 or _BOLD_FONT.search(sp["font"]))
    latin = [sp for c, _, sp in ink if c.isascii()]  # CJK fonts are fixed-width: only Latin text tells code
    mono = sum(1 for sp in latin if sp["flags"] & 8 or _MONO_FONT.search(sp["font"])) if len(latin) > len(ink) / 2 else 0
    first = ink[0][2]["font"]
    return Line(pno, text, union(bb for _, bb, _ in ink), main_size(sizes), doubled or bold > len(ink) / 2,
                mono > len(latin) / 2, bool(_SYMBOL_FONT.search(first)), abs(direction[1]) < 0.1)


def _glyphs(ln: Line) -> bool:
    """A glyph or two alone (a bullet, an item number, a superscript out of place): no line of text, so
    it neither makes nor closes a column, and may sit in a gutter."""
    return len(ln.text.strip()) <= 2


def gutters(lines: list[Line]) -> list[tuple[float, float]]:
    """Vertical gaps between columns: x-ranges that no narrow line of three characters or more crosses,
    at least 6 pt wide, with text on both sides and the next column's margin at their right edge
    (``_is_gutter``)."""
    upright = [ln for ln in lines if ln.upright]
    if len(upright) < 6:
        return []
    left, right = min(ln.box[0] for ln in upright), max(ln.box[2] for ln in upright)
    narrow = sorted((ln.box[0], ln.box[2]) for ln in upright
                    if ln.box[2] - ln.box[0] < 0.55 * (right - left) and not _glyphs(ln))
    out: list[tuple[float, float]] = []
    reach = None
    for x0, x1 in narrow:
        if reach is not None and x0 - reach >= 6 and _is_gutter(upright, reach, x0):
            out.append((reach, x0))
        reach = x1 if reach is None else max(reach, x1)
    return out


def _is_gutter(lines: list[Line], a: float, b: float) -> bool:
    """Three lines of text end left of it (bullets or item numbers alone, one under another, are no
    column), three lie right of it and two of those start at its right edge (a column of indented
    items and set-in formulas has few lines at its margin)."""
    on_left = sum(1 for ln in lines if ln.box[2] <= a + 0.5 and not _glyphs(ln))
    on_right = sum(1 for ln in lines if ln.box[0] >= b - 0.5 and not _glyphs(ln))
    margin = sum(1 for ln in lines if abs(ln.box[0] - b) <= 3)
    return on_left >= 3 and on_right >= 3 and margin >= 2


def reading_order(lines: list[Line], page_width: float, tables: list[Row] = ()) -> list[Row]:
    """The page's lines as rows, band by band, column by column, top to bottom; ``tables``' rows (found
    before, their lines not in ``lines``) each close a band, as a full-width line does."""
    gaps = gutters(lines)
    edges = [min((ln.box[0] for ln in lines), default=0.0)] + [x for g in gaps for x in g]
    edges.append(max((ln.box[2] for ln in lines), default=page_width))
    columns = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    rows: list[Row] = []
    band: list[Line] = []
    n = 0
    todo = sorted(list(lines) + list(tables), key=lambda x: (x.box[1], x.box[0]))
    for ln in todo:
        if isinstance(ln, Row):  # a table's row
            rows += _band_rows(band, columns, n, gaps)
            rows.append(Row(ln.lines, (columns[0][0], columns[-1][1]), n + 1, ln.cells))
            band, n = [], n + 2
            continue
        wide = not ln.upright or any(ln.box[0] < a - 2 and ln.box[2] > b + 2 for a, b in gaps)
        if wide:  # with a bullet set just before it on its baseline (the band's last lines)
            mine = tuple(b for b in band if _beside(ln.box, b))
            band = [b for b in band if all(b is not m for m in mine)]
            lns = tuple(sorted((ln,) + mine, key=lambda x: x.box[0]))
        after_wide = not band and rows and rows[-1].band == n - 1 and not rows[-1].cells
        if wide and after_wide and rows[-1].lines[0].upright:
            rows.append(Row(lns, rows[-1].column, n - 1))  # the full-width lines one under another: one band
        elif wide:
            rows += _band_rows(band, columns, n, gaps)
            rows += [Row(lns, (columns[0][0], columns[-1][1]), n + 1)]
            band, n = [], n + 2
        elif after_wide and _beside(rows[-1].box, ln):
            rows[-1] = Row(tuple(sorted(rows[-1].lines + (ln,), key=lambda x: x.box[0])), rows[-1].column, n - 1)
        else:
            band.append(ln)
    return rows + _band_rows(band, columns, n, gaps)


def _beside(box: Box, ln: Line) -> bool:
    """A narrow line on a full-width line's baseline (its bullet, set smaller or larger): part of its row."""
    top, bottom = box[1], box[3]
    return min(bottom, ln.box[3]) - max(top, ln.box[1]) >= 0.5 * min(bottom - top, ln.box[3] - ln.box[1])


def _band_rows(band: list[Line], columns: list[tuple[float, float]], n: int,
               gaps: list[tuple[float, float]] = ()) -> list[Row]:
    """A band's rows, column by column; a glyph or two standing in a gutter (a superscript out of place)
    is a row of its own after them, so it neither joins nor splits a column's paragraph."""
    stray = {id(ln): g for ln in band for g in gaps
             if _glyphs(ln) and g[0] - 1 <= ln.box[0] and ln.box[2] <= g[1] + 1}
    out: list[Row] = []
    for col in columns:
        mine = [ln for ln in band if id(ln) not in stray and _column_of(ln, columns) == col]
        out += [Row(tuple(sorted(r, key=lambda ln: ln.box[0])), col, n) for r in _rows(mine)]
    return out + [Row((ln,), stray[id(ln)], n, stray=True) for ln in band if id(ln) in stray]


def _column_of(ln: Line, columns: list[tuple[float, float]]) -> tuple[float, float]:
    mid = (ln.box[0] + ln.box[2]) / 2
    return min(columns, key=lambda c: 0 if c[0] - 1 <= mid <= c[1] + 1 else min(abs(mid - c[0]), abs(mid - c[1])))


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines (top to bottom) grouped where they overlap vertically by half the smaller height."""
    out: list[list[Line]] = []
    top = bottom = 0.0
    for ln in lines:
        y0, y1 = ln.box[1], ln.box[3]
        if out and min(bottom, y1) - max(top, y0) >= 0.5 * min(bottom - top, y1 - y0):
            out[-1].append(ln)
            top, bottom = min(top, y0), max(bottom, y1)
        else:
            out.append([ln])
            top, bottom = y0, y1
    return out
