"""Fitting a layout to what its cells show: column widths from the widest text each column shows (numbers through
their number format, in Danish notation), header heights for wrapped titles, row heights for wrapped cells. Measured
in the font (measure.py), so that nothing is cut off and no header breaks inside a word."""

from __future__ import annotations

from functools import lru_cache
from typing import Collection, Iterable, Sequence

from ..layout import STYLES, Cell, Formula, SheetLayout
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


def _bound_spec(number_format: str | None) -> str | None:
    """How fit_widths writes a number (Python's format spec) to bound the width it shows in `number_format`: with
    the format's decimals, and grouped where the format groups ("#,##0"), so that a year shown "2028" is bounded by
    "2028", not by "2,028" (wider than anything the column shows, it would have every year measured). None for
    General, which shows as many decimals as the number has ("2", "2,5"): there the shown text itself is measured."""
    if not number_format:
        return ""
    if number_format == "General":
        return None
    grouping = "," in number_format.split(";")[0]
    return f"{',' if grouping else ''}.{_decimals(number_format)}f"


def fit_widths(sheet: SheetLayout, minimum: float = 8, maximum: float = 60, skip_rows: int = 1,
                header_rows: Sequence[int] = (), table_header: int | None = None,
                skip_cols: Collection[int] = ()) -> None:
    """Column widths from the widest text each column shows (measured in the font, bold where bold). In header rows
    a wrapping header needs room for its longest word only — never less, whatever `maximum` says, so no header breaks
    inside a word — and a table's header room for its filter button too. Columns in `skip_cols` are left to the
    caller."""
    widest: dict[int, float] = {}
    headers: dict[int, float] = {}
    # (column, decimals, bold, negative) -> the largest magnitude whose bound is within its column's widest: a number
    # no larger (same sign and decimals) shows no more digits, so it is no wider (every digit is as wide as "0").
    known: dict[tuple[int, int, bool, bool], float] = {}
    headings = set(header_rows) | ({table_header} if table_header is not None else set())
    looks: dict[str, tuple[str | None, int, str, bool, bool]] = {}  # style -> number format, decimals, bound, bold, wrap
    texts: tuple[dict[str, float], dict[str, float]] = ({}, {})  # regular, bold: text -> width (columns())
    for cell in sheet.cells:
        value, row, col = cell.value, cell.row, cell.col
        if value is None or col in skip_cols:
            continue
        heading = row in headings
        if row < skip_rows and not heading:
            continue
        look = looks.get(cell.style)
        if look is None:
            style = STYLES[cell.style]
            fmt = style.number_format
            look = looks[cell.style] = (fmt, _decimals(fmt) if fmt else 0, _bound_spec(fmt), style.bold, style.wrap)
        number_format, decimals, spec, bold, wrap = look
        kind = value.__class__
        if kind is str and not heading:  # a text shows as itself (shown_text); each distinct one measured once
            if value:
                w = texts[bold].get(value)
                if w is None:
                    w = texts[bold][value] = measure.columns(value, bold)
                if w > widest.get(col, 0.0):
                    widest[col] = w
            continue
        if (kind is int or kind is float) and not heading and value == value and number_format and abs(value) < 1e15:
            # Most numbers of a column are no wider than one already measured: a bound without babel or Decimal.
            # Python's rounding of the number differs from what Excel shows (halves up, after 15 significant
            # digits) at most by a carry that adds a digit, which needs a text of nines.
            if spec is None:  # General: the text shown, and no larger number with as many decimals is wider
                python = plain(value)
                key = (col, len(python.partition(",")[2]), bold, value < 0)
            else:
                python = ""
                key = (col, decimals, bold, value < 0)
            if abs(value) <= known.get(key, -1.0):
                continue
            python = python or format(value, spec)
            bound = measure.columns(python, bold)
            if "9" in python and not python.strip("-,.9"):
                bound += measure.digit_columns(bold)
            if bound <= widest.get(col, 0.0):
                known[key] = abs(value)
                continue
        text = shown_text(value, cell.style)
        if not text:
            continue
        if heading:
            word = measure.longest_word(text, bold) if wrap else measure.columns(text, bold)
            word += CELL_MARGIN + (FILTER_BUTTON if row == table_header else 0)
            headers[col] = max(headers.get(col, 0.0), word)
            continue
        w = measure.columns(text, bold)
        if w > widest.get(col, 0.0):
            widest[col] = w
    for col in set(widest) | set(headers):
        width = max(minimum, min(maximum, widest.get(col, 0.0) + CELL_MARGIN), headers.get(col, 0.0))
        sheet.widths[col] = round(width + 0.49)  # whole units, rounded up


def fit_header_height(sheet: SheetLayout, row: int, table: bool = False, cells: Iterable[Cell] | None = None) -> None:
    """The height of a header row whose titles wrap: the most lines any of its titles takes at its column's width.
    `cells`: where the row's cells are among (default: all the sheet's cells)."""
    most = 1
    for cell in sheet.cells if cells is None else cells:
        if cell.row != row or not isinstance(cell.value, str) or not STYLES[cell.style].wrap:
            continue
        room = sheet.widths.get(cell.col, 8.43) - CELL_MARGIN - (FILTER_BUTTON if table else 0)
        most = max(most, measure.lines(cell.value, room, bold=STYLES[cell.style].bold))
    sheet.heights[row] = most * LINE_HEIGHT + 3


def fit_row_heights(sheet: SheetLayout, col: int, first_row: int, cells: Iterable[Cell] | None = None) -> None:
    """Rows whose cell in `col` wraps onto several lines get the height for them. `cells`: where the column's cells
    are among, in row order (default: all the sheet's cells)."""
    room = sheet.widths.get(col, 8.43) - CELL_MARGIN
    for cell in sheet.cells if cells is None else cells:
        if cell.col == col and cell.row >= first_row and isinstance(cell.value, str) and STYLES[cell.style].wrap:
            bold = STYLES[cell.style].bold
            if "\n" not in cell.value and measure.columns(cell.value, bold) <= room - 1e-6:
                continue  # the whole text fits on one line (most titles): no wrapping to count
            n = measure.lines(cell.value, room, bold=bold)
            if n > 1:
                sheet.heights[cell.row] = max(sheet.heights.get(cell.row, 0), n * LINE_HEIGHT)
