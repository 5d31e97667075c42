"""Writing xlpy's own sheets into an existing workbook (in-place consolidation, --mark), with openpyxl: the only
library that can load a workbook and save it with everything else kept. New workbooks are written by xlsx.py.

Text is always written as text (data_type "s", with quotePrefix when it starts with "=", "+", "-" or "@"), so no
text from an input becomes a formula; only layout.Formula values become formulas.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from .layout import STYLES, Formula, SheetLayout, Style, reads_as_formula
from .xlsx import atomic_write



class _StyleCache:
    """openpyxl style objects are immutable and shareable; build each named style once."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._mods = (Alignment, Border, Font, PatternFill, Side)
        self._cache: dict[str, dict[str, Any]] = {}

    def get(self, name: str) -> dict[str, Any]:
        if name not in self._cache:
            self._cache[name] = self._build(STYLES[name])
        return self._cache[name]

    def _build(self, s: Style) -> dict[str, Any]:
        Alignment, Border, Font, PatternFill, Side = self._mods
        out: dict[str, Any] = {}
        if s.bold or s.italic or s.size or s.color:
            out["font"] = Font(bold=s.bold, italic=s.italic, size=s.size, color=s.color)
        if s.fill:
            out["fill"] = PatternFill("solid", start_color=s.fill, end_color=s.fill)
        if s.number_format:
            out["number_format"] = s.number_format
        if s.wrap or s.align:
            out["alignment"] = Alignment(wrap_text=s.wrap, horizontal=s.align, vertical="top" if s.wrap else None)
        if s.border:
            thin = Side(style="thin", color="BFBFBF")
            out["border"] = Border(left=thin, right=thin, top=thin, bottom=thin)
        elif s.border_bottom:
            out["border"] = Border(bottom=Side(style="thin", color="808080"))
        return out


def set_text(cell: Any, text: str) -> None:
    """Write text that stays text, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"
    if reads_as_formula(text):
        cell.quotePrefix = True


def render_sheet(ws: Any, layout: SheetLayout, styles: _StyleCache | None = None) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    styles = styles or _StyleCache()
    for spec in layout.cells:
        cell = ws.cell(row=spec.row + 1, column=spec.col + 1)
        value = spec.value
        if isinstance(value, Formula):
            cell.value = value.text
        elif isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        for attr, obj in styles.get(spec.style).items():
            setattr(cell, attr, obj)
        if spec.link:
            cell.hyperlink = spec.link
            if spec.link.startswith("#"):
                cell.hyperlink.location = spec.link[1:]
                cell.hyperlink.target = None
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    for row, height in layout.heights.items():
        ws.row_dimensions[row + 1].height = height
    for v in layout.validations:
        dv = DataValidation(type="list", formula1=v.source.lstrip("="), allow_blank=True)
        dv.error = "Vælg en værdi fra listen (arket Lister)."
        dv.errorTitle = "Ugyldig værdi"
        dv.showErrorMessage = True
        if v.prompt:
            dv.prompt = v.prompt
        dv.add(v.ref)
        ws.add_data_validation(dv)
    if layout.table:
        from openpyxl.worksheet.table import Table, TableStyleInfo

        name, ref = layout.table
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    for chart in layout.charts:
        ws.add_chart(_chart(ws, chart), chart.anchor)
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    if layout.landscape:
        ws.page_setup.orientation = "landscape"
    if layout.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


def _chart(ws: Any, spec: Any) -> Any:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    chart.title = spec.title
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    r0, c0, r1, c1 = spec.data
    data = Reference(ws, min_row=r0 + 1, min_col=c0 + 1, max_row=r1 + 1, max_col=c1 + 1)
    chart.add_data(data, titles_from_data=True, from_rows=spec.series_in_rows)
    q0, d0, q1, d1 = spec.categories
    chart.set_categories(Reference(ws, min_row=q0 + 1, min_col=d0 + 1, max_row=q1 + 1, max_col=d1 + 1))
    chart.y_axis.title = spec.y_title
    chart.x_axis.title = spec.x_title
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = spec.width_cm, spec.height_cm
    return chart


def replace_sheets(path: str | os.PathLike[str], layouts: Iterable[SheetLayout], owned: Iterable[str]) -> None:
    """Write `layouts` into an existing workbook: xlpy's own sheets (`owned`) are dropped and re-created at the
    end; every other sheet is left as it is. The caller has checked that openpyxl can carry the file over."""
    from openpyxl import load_workbook

    from .labels import normalise

    keep_vba = Path(path).suffix.lower() == ".xlsm"
    wb = load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=True)
    owned_names = {normalise(n) for n in owned}
    active = wb.active.title if wb.active is not None else None
    for ws in list(wb.worksheets):
        if normalise(ws.title) in owned_names:
            wb.remove(ws)
    styles = _StyleCache()
    for layout in layouts:
        ws = wb.create_sheet(layout.name)
        render_sheet(ws, layout, styles)
    if active is not None and active in wb.sheetnames:
        wb.active = wb.sheetnames.index(active)
    atomic_write(path, wb.save)
