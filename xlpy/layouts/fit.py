"""Fitting a layout to what its cells show: column widths from the widest text each column shows (numbers through
their number format, in Danish notation), header heights for wrapped titles, row heights for wrapped cells. Measured
in the font (measure.py), so that nothing is cut off and no header breaks inside a word."""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from ..layout import STYLES, Formula, SheetLayout
from ..sheet.numbers import grouped, plain
from . import measure

LINE_HEIGHT = 15.0  # points per line of 11-point text (Excel's default row holds one)
CELL_MARGIN = 1.5  # column units around a cell's text
FILTER_BUTTON = 2.5  # the filter button in the header cells of an Excel Table


def shown_text(value, style: str) -> str:
    """What a cell shows (Danish notation), for measuring: numbers through their number format, a Formula by the
    value Python computed for it."""
    if isinstance(value, Formula):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "SAND"
    if not isinstance(value, (int, float)) or value != value:
        return str(value)
    fmt = (STYLES[style].number_format or "General").split(";")[0]
    if fmt == "General":
        return plain(value)
    decimals = _decimals(fmt)
    if "," in fmt:
        return grouped(value, "da", decimals, fixed=True)
    return f"{value:.{decimals}f}".replace(".", ",")


@lru_cache(maxsize=64)
def _decimals(number_format: str) -> int:
    """The decimals a number format shows ("#,##0.0;[Red]-#,##0.0" -> 1)."""
    first = number_format.split(";")[0]
    return len(first.split(".")[1]) if "." in first else 0


def fit_widths(sheet: SheetLayout, minimum: float = 8, maximum: float = 60, skip_rows: int = 1,
                header_rows: Sequence[int] = (), table_header: int | None = None) -> None:
    """Column widths from the widest text each column shows (measured in the font, bold where bold). In header rows
    a wrapping header needs room for its longest word only — never less, whatever `maximum` says, so no header breaks
    inside a word — and a table's header room for its filter button too."""
    widest: dict[int, float] = {}
    headers: dict[int, float] = {}
    # (column, decimals, bold, negative) -> the largest magnitude whose bound is within its column's widest: a number
    # no larger (same sign and decimals) shows no more digits, so it is no wider (every digit is as wide as "0").
    known: dict[tuple[int, int, bool, bool], float] = {}
    headings = set(header_rows) | ({table_header} if table_header is not None else set())
    for cell in sheet.cells:
        value = cell.value
        if (cell.row < skip_rows and cell.row not in headings) or value is None:
            continue
        style = STYLES[cell.style]
        number = value.__class__ in (int, float) and cell.row not in headings
        if number and value == value and style.number_format and abs(value) < 1e15:
            # Most numbers of a column are no wider than one already measured: a bound without babel or Decimal.
            # Python's rounding of the number differs from what Excel shows (halves up, after 15 significant
            # digits) at most by a carry that adds a digit, which needs a text of nines.
            decimals = _decimals(style.number_format)
            key = (cell.col, decimals, style.bold, value < 0)
            if abs(value) <= known.get(key, -1.0):
                continue
            python = f"{value:,.{decimals}f}"
            bound = measure.columns(python, style.bold)
            if "9" in python and not python.strip("-,.9"):
                bound += measure.digit_columns(style.bold)
            if bound <= widest.get(cell.col, 0.0):
                known[key] = abs(value)
                continue
        text = shown_text(value, cell.style)
        if not text:
            continue
        if cell.row in headings:
            word = measure.longest_word(text, style.bold) if style.wrap else measure.columns(text, style.bold)
            word += CELL_MARGIN + (FILTER_BUTTON if cell.row == table_header else 0)
            headers[cell.col] = max(headers.get(cell.col, 0.0), word)
            continue
        w = measure.columns(text, style.bold)
        if w > widest.get(cell.col, 0.0):
            widest[cell.col] = w
    for col in set(widest) | set(headers):
        width = max(minimum, min(maximum, widest.get(col, 0.0) + CELL_MARGIN), headers.get(col, 0.0))
        sheet.widths[col] = round(width + 0.49)  # whole units, rounded up


def fit_header_height(sheet: SheetLayout, row: int, table: bool = False) -> None:
    """The height of a header row whose titles wrap: the most lines any of its titles takes at its column's width."""
    most = 1
    for cell in sheet.cells:
        if cell.row != row or not isinstance(cell.value, str) or not STYLES[cell.style].wrap:
            continue
        room = sheet.widths.get(cell.col, 8.43) - CELL_MARGIN - (FILTER_BUTTON if table else 0)
        most = max(most, measure.lines(cell.value, room, bold=STYLES[cell.style].bold))
    sheet.heights[row] = most * LINE_HEIGHT + 3


def fit_row_heights(sheet: SheetLayout, col: int, first_row: int) -> None:
    """Rows whose cell in `col` wraps onto several lines get the height for them."""
    room = sheet.widths.get(col, 8.43) - CELL_MARGIN
    for cell in sheet.cells:
        if cell.col == col and cell.row >= first_row and isinstance(cell.value, str) and STYLES[cell.style].wrap:
            bold = STYLES[cell.style].bold
            if "\n" not in cell.value and measure.columns(cell.value, bold) <= room - 1e-6:
                continue  # the whole text fits on one line (most titles): no wrapping to count
            n = measure.lines(cell.value, room, bold=bold)
            if n > 1:
                sheet.heights[cell.row] = max(sheet.heights.get(cell.row, 0), n * LINE_HEIGHT)
