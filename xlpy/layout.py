"""Sheets as data: what goes in which cell, with which style. Decided once in the core; each writer (openpyxl for
files, xlwings for a live book) only renders it.

A cell's value is a number, a text, a date, None, or a `Formula`. A plain str is always text, even when it starts
with "=": only a `Formula` made by xlpy's own code becomes a formula in a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

AMOUNT_FORMAT = "#,##0;[Red]-#,##0"
AMOUNT_FORMAT_2 = "#,##0.00;[Red]-#,##0.00"
RATIO_FORMAT = "0.00"
REALISABILITY_FORMAT = "0.0"
YEAR_FORMAT = "0"
MIO_FORMAT = "#,##0.0;[Red]-#,##0.0"


FORMULA_LEAD = ("=", "+", "-", "@")  # how a text starts that Excel would take for a formula when typed


def reads_as_formula(text: str) -> bool:
    """Would Excel read this text as a formula if it were typed? Writers then store it with a quote prefix."""
    return text[:1] in FORMULA_LEAD


def case_nr_value(nr: str) -> Any:
    """A Case nr. as it goes into a cell: "3" as the number 3 (no "number stored as text" triangle), "AM-1" as text."""
    return int(nr) if nr.isdigit() and len(nr) < 10 else nr


@dataclass(frozen=True)
class Formula:
    text: str  # starts with "="
    value: Any = None  # the result Python computed, stored as the formula's cached value where known

    def __post_init__(self) -> None:
        assert self.text.startswith("="), self.text


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # RRGGBB
    number_format: str | None = None
    wrap: bool = False
    align: str | None = None  # left | center | right
    border_bottom: bool = False
    border: bool = False
    valign: str | None = None  # top | center | bottom (wrapped text: top)


STYLES: dict[str, Style] = {
    "title": Style(bold=True, size=14),
    "note": Style(italic=True, color="595959"),
    "label": Style(bold=True),
    "header": Style(bold=True, fill="D9E1F2", border_bottom=True, align="center"),
    "header_left": Style(bold=True, fill="D9E1F2", border_bottom=True),
    "header_wrap": Style(bold=True, fill="D9E1F2", border_bottom=True, wrap=True),
    "header_wrap_right": Style(bold=True, fill="D9E1F2", border_bottom=True, wrap=True, align="right"),
    "input_text": Style(fill="FFF2CC", border=True),
    "input_amount": Style(fill="FFF2CC", number_format=AMOUNT_FORMAT, border=True),
    "input_year": Style(fill="FFF2CC", number_format=YEAR_FORMAT, bold=True, border=True, align="center"),
    "input_realisability": Style(fill="FFF2CC", number_format=REALISABILITY_FORMAT, border=True),
    "input_percent": Style(fill="FFF2CC", number_format="0%", border=True),
    "input_integer": Style(fill="FFF2CC", number_format="0", border=True),
    "input_decimal": Style(fill="FFF2CC", number_format="0.0", border=True),
    "computed_amount": Style(fill="EDEDED", number_format=AMOUNT_FORMAT, border=True),
    "computed_total": Style(fill="EDEDED", number_format=AMOUNT_FORMAT, bold=True, border=True),
    "amount": Style(number_format=AMOUNT_FORMAT),
    "amount_bold": Style(number_format=AMOUNT_FORMAT, bold=True),
    "ratio": Style(number_format=RATIO_FORMAT),
    "mio": Style(number_format=MIO_FORMAT),
    "integer": Style(number_format="#,##0"),
    "percent": Style(number_format="0%"),
    "subtitle": Style(bold=True, size=12),
    "year": Style(number_format=YEAR_FORMAT),
    "text": Style(),
    "text_left": Style(align="left"),
    "general": Style(number_format="General"),
    "total_label": Style(bold=True),
    "wrap": Style(wrap=True),
    "link": Style(color="0563C1"),
    "sev_error": Style(fill="FFC7CE", color="9C0006", bold=True),
    "sev_warning": Style(fill="FFEB9C", color="9C5700", bold=True),
    "sev_info": Style(fill="DDEBF7", color="1F4E78"),
    # the "Ændringer" sheet (xlpy diff): a changed amount, and a difference by what it does to the net result
    "amount_changed": Style(fill="FFEB9C", number_format=AMOUNT_FORMAT),
    "amount_better": Style(fill="C6EFCE", color="006100", number_format=AMOUNT_FORMAT),
    "amount_worse": Style(fill="FFC7CE", color="9C0006", number_format=AMOUNT_FORMAT),
    "ratio_changed": Style(fill="FFEB9C", number_format=AMOUNT_FORMAT_2),
    "ratio_better": Style(fill="C6EFCE", color="006100", number_format=AMOUNT_FORMAT_2),
    "ratio_worse": Style(fill="FFC7CE", color="9C0006", number_format=AMOUNT_FORMAT_2),
    "year_changed": Style(fill="FFEB9C", number_format=YEAR_FORMAT),
    "legend_input": Style(fill="FFF2CC", border=True),
    "legend_computed": Style(fill="EDEDED", border=True),
    "text_right": Style(align="right"),
    "text_center": Style(align="center"),
    "year_center": Style(number_format=YEAR_FORMAT, align="center"),
    "general_center": Style(number_format="General", align="center"),
    "header_wrap_center": Style(bold=True, fill="D9E1F2", border_bottom=True, wrap=True, align="center"),
}
# Top-aligned variants for the rows of a table whose titles wrap: the other cells of a two-line row start at its top.
STYLES.update({f"{name}_top": replace(style, valign="top") for name, style in list(STYLES.items())})


@dataclass(slots=True)
class Cell:
    row: int  # 0-based
    col: int  # 0-based
    value: Any
    style: str = "text"
    link: str | None = None  # "#'Sheet'!A1" inside the book, or a file path / URL


@dataclass
class Validation:
    """A dropdown list on a range (A1 notation), from a range formula such as "=Lister!$A$2:$A$16"."""

    ref: str
    source: str
    prompt: str | None = None


@dataclass
class Chart:
    """A native chart over cells of its own sheet (0-based, inclusive ranges). Series are rows (`series_in_rows`)
    or columns of the data block; the first column (rows) or row (columns) of the block holds the series names."""

    title: str
    data: tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (names included)
    categories: tuple[int, int, int, int]
    anchor: str
    series_in_rows: bool = True
    stacked: bool = True
    horizontal: bool = False
    y_title: str | None = None
    x_title: str | None = None
    width_cm: float = 18.0
    height_cm: float = 9.0
    number_format: str | None = None  # of the value axis
    # "bar" (columns or bars, as stacked/horizontal say) or "range": each column of the data block a series of
    # markers without lines (pessimistic, base, optimistic), the middle one with error bars down and up by the
    # columns `error_bars` names (0-based, same rows), so each category shows its range around the base
    kind: str = "bar"
    error_bars: tuple[int, int] | None = None  # (minus column, plus column) for kind "range"


@dataclass
class IconSet:
    """Excel's own traffic-light icon set on a range of shares (A1 notation): green from `green`, yellow from
    `yellow`, red below. A conditional format, so it stays live when people edit the cells."""

    ref: str
    green: float
    yellow: float


@dataclass
class TableTotals:
    """The totals row of the sheet's Excel Table, right below its last data row. Its cells are ordinary cells of the
    layout (text, and Formulas with the values Python computed); `formulas` names the columns (0-based) whose
    cell is the row's own total formula, so a writer that knows Excel Tables makes it the Table's totals row and one
    that does not shows the same cells under the table."""

    row: int
    formulas: dict[int, str] = field(default_factory=dict)  # column -> formula text (starts with "=")
    labels: dict[int, str] = field(default_factory=dict)  # column -> text


@dataclass
class SheetLayout:
    name: str
    cells: list[Cell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 0-based column -> width in characters
    heights: dict[int, float] = field(default_factory=dict)  # 0-based row -> height in points
    validations: list[Validation] = field(default_factory=list)
    freeze: str | None = None  # top-left cell of the scrolling area, e.g. "A3"
    landscape: bool = False
    fit_width: bool = False
    table: tuple[str, str] | None = None  # (table name, A1 range) for an Excel Table
    totals: TableTotals | None = None  # the Table's totals row (below the range of `table`)
    text_numbers: list[str] = field(default_factory=list)  # A1 ranges of digits written as text on purpose
    print_area: str | None = None  # A1 range printed (default: everything)
    repeat_rows: tuple[int, int] | None = None  # 0-based rows printed at the top of every page
    charts: list[Chart] = field(default_factory=list)
    icon_sets: list[IconSet] = field(default_factory=list)

    def put(self, row: int, col: int, value: Any, style: str = "text", link: str | None = None) -> Cell:
        cell = Cell(row, col, value, style, link)
        self.cells.append(cell)
        return cell

    def value_at(self, row: int, col: int) -> Any:
        for cell in reversed(self.cells):
            if cell.row == row and cell.col == col:
                return cell.value
        return None
