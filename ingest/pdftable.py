"""Tables without rules on a PDF page: cells one beside another, row after row, in the same places.

A baseline (the lines sharing it) splits into cells where the gap between two lines is wider than
twice the type size. Three or more baselines one under another whose cells start at the same places
(half an em's slack) are a table when its cells are short: the first column's lines end, on most
baselines, well before the next column starts (two columns of running text fill their width). A
baseline under a table row with fewer cells, or all of them closer than the table's row spacing, is
that row's cells wrapped onto another line. Where a column other than the first goes on right above
or below the rows, the page is in columns of running text, not a table. Each table row becomes one
``Row`` whose ``cells`` say where its cells start; its lines leave the page's lines, so they neither
make columns nor join paragraphs.
"""

from __future__ import annotations

import statistics

from ingest.layout import Line, Row, _rows, union

MIN_ROWS = 3  # baselines with every cell filled
SHORT = 0.6  # the first column's lines end before this share of the way to the next column (median)
SLACK = 6.0  # points a cell's line may start off its column (a wrapped line set in a little)


def cell_starts(baseline: list[Line]) -> tuple[float, ...]:
    """Where the cells of one baseline start: a gap wider than twice the type size opens a new cell."""
    xs = sorted(baseline, key=lambda ln: ln.box[0])
    out = [xs[0].box[0]]
    for a, b in zip(xs, xs[1:]):
        if b.box[0] - a.box[2] > 2 * max(a.size, b.size):
            out.append(b.box[0])
    return tuple(out)


def _at(x: float, table: tuple[float, ...]) -> bool:
    return any(abs(x - t) <= SLACK for t in table)


def _aligned(baseline: list[Line], table: tuple[float, ...]) -> bool:
    """Every cell of the baseline starts where a column of the table does."""
    return all(_at(x, table) for x in cell_starts(baseline))


def _full(baseline: list[Line], table: tuple[float, ...]) -> bool:
    """A line starts at every column of the table (a cell may run close to the next one)."""
    return all(any(abs(ln.box[0] - t) <= SLACK for ln in baseline) for t in table)


def _short(run: list[list[Line]], table: tuple[float, ...]) -> bool:
    """Whether the first column's lines, on most baselines that have one, end well before the second
    column starts (in two columns of running text, most lines of the left one fill it)."""
    ratios = []
    for baseline in run:
        first = [ln for ln in baseline if ln.box[0] < table[1] - SLACK]
        if first:
            ratios.append((max(ln.box[2] for ln in first) - table[0]) / (table[1] - table[0]))
    return statistics.median(ratios) < SHORT


def _goes_on(baselines: list[list[Line]], i: int, j: int, table: tuple[float, ...]) -> bool:
    """Whether a column other than the first goes on right above or below baselines ``i:j`` (a line
    there starts where it does): columns of running text, not a table that ends where its rows do."""
    def near(k: int, other: int) -> bool:
        gap = min(ln.box[1] for ln in baselines[max(k, other)]) - max(ln.box[3] for ln in baselines[min(k, other)])
        return 0 <= k < len(baselines) and gap < 2 * baselines[k][0].size

    return any(near(k, edge) and any(_at(ln.box[0], table[1:]) for ln in baselines[k])
               for k, edge in ((i - 1, i), (j, j - 1)) if 0 <= k < len(baselines))


def _table_rows(run: list[list[Line]], table: tuple[float, ...]) -> list[Row]:
    """A run of baselines as table rows: a full baseline opens a row unless it sits closer to the one
    before than the rows are spaced (its cells wrapped), a partial one continues the row before."""
    tops = [min(ln.box[1] for ln in b) for b in run if _full(b, table)]
    spacing = statistics.median([b - a for a, b in zip(tops, tops[1:])])
    groups: list[list[Line]] = []
    prev_top = None
    for baseline in run:
        top = min(ln.box[1] for ln in baseline)
        full = _full(baseline, table)
        if not groups or (full and top - prev_top >= 0.8 * spacing):
            groups.append([])
        groups[-1] += baseline
        prev_top = top
    return [Row(tuple(sorted(g, key=lambda ln: (ln.box[0], ln.box[1]))), (table[0], union(ln.box for ln in g)[2]), 0, table)
            for g in groups]


def find_tables(lines: list[Line]) -> tuple[list[Row], list[Line]]:
    """The page's table rows, and its other lines."""
    baselines = _rows(sorted((ln for ln in lines if ln.upright), key=lambda ln: (ln.box[1], ln.box[0])))
    rows: list[Row] = []
    taken: set[int] = set()
    i = 0
    while i < len(baselines):
        table = cell_starts(baselines[i])
        j = i + 1
        while len(table) >= 2 and j < len(baselines) and _aligned(baselines[j], table) and (
                min(ln.box[1] for ln in baselines[j]) - max(ln.box[3] for ln in baselines[j - 1])
                < 2 * baselines[j][0].size):
            j += 1
        run = baselines[i:j]
        full = [b for b in run if _full(b, table)]
        code = all(ln.mono for b in run for ln in b)  # aligned code keeps its lines as they are
        if (len(table) >= 2 and len(full) >= MIN_ROWS and not code and _short(run, table)
                and not _goes_on(baselines, i, j, table)):
            rows += _table_rows(run, table)
            taken |= {id(ln) for b in run for ln in b}
            i = j
        else:
            i += 1
    return rows, [ln for ln in lines if id(ln) not in taken]
