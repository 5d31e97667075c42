"""The xlwings writer: renders a SheetLayout (the same data the file writer renders) into a live workbook.

Everything goes in blocks: one write for all values and formulas of a sheet, one number-format / fill / font call
per run of equally styled cells in a column, so the number of calls grows with the sheet's columns and styles,
not with its cells. Text is protected with Excel's quote prefix ("'") when it could be read as a formula, and a
link becomes a HYPERLINK formula inside the same block (no call per link).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from ..cells import a1, column_letter
from ..layout import STYLES, Formula, SheetLayout, reads_as_formula



def _text(value: str) -> str:
    return "'" + value if reads_as_formula(value) or value[:1] == "'" else value


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def cell_value(value: Any, link: str | None = None) -> Any:
    if isinstance(value, Formula):
        return value.text
    if link:
        shown = "" if value is None else str(value)
        return f"=HYPERLINK({_quoted(link)},{_quoted(shown)})"
    if isinstance(value, str):
        return _text(value)
    return value


def values_block(layout: SheetLayout) -> list[list[Any]]:
    rows = max((c.row for c in layout.cells), default=-1) + 1
    cols = max((c.col for c in layout.cells), default=-1) + 1
    grid: list[list[Any]] = [[None] * cols for _ in range(rows)]
    for c in layout.cells:
        grid[c.row][c.col] = cell_value(c.value, c.link)
    return grid


def _runs(cells: Iterable[tuple[int, int]]) -> list[str]:
    """Cells grouped into rectangles: vertical runs per column, then neighbouring columns with the same run
    merged. [(0,1),(1,1),(0,2),(1,2)] -> ["B1:C2"]; a header row becomes one range."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    runs: list[tuple[int, int, int]] = []  # (start_row, stop_row, col)
    for c in sorted(by_col):
        rows = sorted(set(by_col[c]))
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            runs.append((start, prev, c))
            if r is not None:
                start = prev = r
    rects: list[list[int]] = []  # [start_row, stop_row, first_col, last_col]
    for start, stop, c in sorted(runs):
        last = rects[-1] if rects else None
        if last and last[0] == start and last[1] == stop and last[3] == c - 1:
            last[3] = c
        else:
            rects.append([start, stop, c, c])
    return [a1(r0, c0) if (r0, c0) == (r1, c1) else f"{a1(r0, c0)}:{a1(r1, c1)}" for r0, r1, c0, c1 in rects]


POINTS_PER_CHAR, POINTS_PER_ROW, DEFAULT_WIDTH = 5.6, 15.0, 8.43


def _position(layout: SheetLayout, anchor: str) -> tuple[float, float]:
    """The top-left corner of a cell in points, from the layout's own column widths (hosts such as the remote
    engine cannot report a range's position)."""
    from ..cells import split_a1

    row, col = split_a1(anchor)
    left = sum(layout.widths.get(c, DEFAULT_WIDTH) * POINTS_PER_CHAR for c in range(col))
    return left, row * POINTS_PER_ROW


def render(sheet: Any, layout: SheetLayout) -> None:
    """Write `layout` into the (empty) xlwings sheet."""
    grid = values_block(layout)
    if grid and grid[0]:
        sheet.range("A1").value = grid
    by_style: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in layout.cells:
        by_style["link" if c.link else c.style].append((c.row, c.col))
    for name, cells in sorted(by_style.items()):
        style = STYLES[name]
        for ref in _runs(cells):
            rng = sheet.range(ref)
            if style.number_format:
                rng.number_format = style.number_format
            if style.fill:
                rng.color = "#" + style.fill
            if style.bold:
                rng.font.bold = True
            if style.italic:
                rng.font.italic = True
            if style.color:
                rng.font.color = "#" + style.color
            if style.wrap:
                rng.wrap_text = True
    groups: list[list[Any]] = []  # [first_col, last_col, width]: neighbouring columns of one width, one call
    for col, width in sorted(layout.widths.items()):
        if groups and groups[-1][1] == col - 1 and groups[-1][2] == width:
            groups[-1][1] = col
        else:
            groups.append([col, col, width])
    for first, last, width in groups:
        sheet.range(f"{column_letter(first)}:{column_letter(last)}").column_width = width
    for row, height in sorted(layout.heights.items()):
        sheet.range(f"{row + 1}:{row + 1}").row_height = height
    if layout.table:
        name, ref = layout.table
        try:
            sheet.tables.add(source=sheet.range(ref), name=name, table_style_name="TableStyleLight9")
        except Exception:  # noqa: BLE001 (a host without tables still gets the sheet's contents)
            pass
    for chart in layout.charts:
        r0, c0, r1, c1 = chart.data
        left, top = _position(layout, chart.anchor)
        obj = sheet.charts.add(left=left, top=top, width=chart.width_cm * 28.35, height=chart.height_cm * 28.35)
        q0, d0, _, _ = chart.categories
        if chart.kind == "range" and d0 < c0 - 1:  # categories not beside the data: the data block alone
            obj.set_source_data(sheet.range(f"{a1(r0, c0)}:{a1(r1, c1)}"))
        else:
            obj.set_source_data(sheet.range(f"{a1(min(r0, q0), min(c0, d0))}:{a1(r1, c1)}"))
        try:
            if chart.kind == "range":  # the markers of each case's scenarios (the error bars are the file writer's)
                obj.chart_type = "line_markers"
            else:
                obj.chart_type = ("bar_stacked" if chart.horizontal else "column_stacked") if chart.stacked else \
                    ("bar_clustered" if chart.horizontal else "column_clustered")
        except Exception:  # noqa: BLE001
            pass
    if layout.freeze:
        try:
            sheet.freeze_panes.freeze_at(layout.freeze)
        except Exception:  # noqa: BLE001 (freezing is a nicety; not every host has it)
            pass
