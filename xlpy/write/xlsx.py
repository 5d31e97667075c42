"""The file writer: renders SheetLayouts into a new .xlsx with XlsxWriter, and writes files atomically.

XlsxWriter is several times faster than openpyxl at writing (and imports in a fifth of the time), which is what
the batch path needs; writing into an existing workbook is inplace.py's job. Text is always written as a string
cell (with Excel's quote prefix when it starts with "=", "+", "-" or "@"), so no text from an input becomes a
formula; only layout.Formula values become formulas, stored with the value Python computed for them (or none,
never XlsxWriter's default 0, which a reader would take for a result).
"""

from __future__ import annotations

import os
import tempfile
from bisect import bisect_left
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Iterable

from ..layout import FORMULA_LEAD, STYLES, Cell, Formula, SheetLayout, Style, reads_as_formula

MAX_LINKS = 65_000  # Excel's limit is 65,530 hyperlinks per worksheet; beyond it, the text without a link


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call write(tmp_path) for a temporary file beside `path`, then rename it over `path` in one step."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _format_props(s: Style) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if s.bold:
        props["bold"] = True
    if s.italic:
        props["italic"] = True
    if s.size:
        props["font_size"] = s.size
    if s.color:
        props["font_color"] = "#" + s.color
    if s.fill:
        props["bg_color"] = "#" + s.fill
        props["pattern"] = 1
    if s.number_format:
        props["num_format"] = s.number_format
    if s.wrap:
        props["text_wrap"] = True
        props["valign"] = "top"
    if s.valign:
        props["valign"] = "vcenter" if s.valign == "center" else s.valign
    if s.align:
        props["align"] = s.align
    if s.border:
        props["border"] = 1
        props["border_color"] = "#BFBFBF"
    elif s.border_bottom:
        props["bottom"] = 1
        props["bottom_color"] = "#808080"
    return props


class _Formats:
    def __init__(self, workbook: Any):
        self.workbook = workbook
        self.cache: dict[tuple[str, bool], Any] = {}

    def get(self, style: str, quote: bool = False) -> Any:
        key = (style, quote)
        fmt = self.cache.get(key)
        if fmt is None:
            props = _format_props(STYLES[style])
            if quote:
                props["quote_prefix"] = True
            fmt = self.cache[key] = self.workbook.add_format(props) if props else None
        return fmt


def _text(value: str) -> str:
    """Text that can be written as UTF-8: a file name that is not valid UTF-8 reaches Python with surrogate
    escapes (os.fsdecode), which no XML writer can encode; those bytes are shown as U+FFFD."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace").encode(
            "utf-8", "replace").decode("utf-8")
    return value


def _link_target(link: str, text: str | None = None) -> Any:
    """A link as XlsxWriter takes it: in the book, a URL, or a file — a file path with forward slashes, as xlpy
    writes it (XlsxWriter would turn them into backslashes, which only Windows reads)."""
    link = _text(link)
    if link.startswith("#"):
        return "internal:" + link[1:]
    if "://" in link or link.startswith("mailto:"):
        return link
    try:
        url = _file_url_class()("external:" + link)
    except ValueError:  # longer than Excel allows: XlsxWriter leaves the link out with a warning
        return "external:" + link
    if text:
        url.text = text
    return url


@lru_cache(maxsize=1)
def _file_url_class() -> Any:
    from xlsxwriter.url import Url, UrlTypes

    class FileUrl(Url):
        def _parse_url(self) -> None:
            super()._parse_url()
            if self._link_type == UrlTypes.EXTERNAL:
                self._link = self._link.replace("\\", "/")
                self._relationship_link = self._relationship_link.replace("\\", "/")

    return FileUrl


_row_col = attrgetter("row", "col")


class _NothingToOverlap(dict):
    """XlsxWriter checks that a table overlaps no earlier table or merged range by keeping a dict entry for every
    cell of every table: 180.000 entries (20 MB) for an Overblik of 10.000 cases, 100 MB at 50.000. A layout has one
    table and no merged ranges, so there is nothing to overlap: the entries are not kept."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


class _StyleFormats(dict):
    """style -> its XlsxWriter format (with the quote prefix or without), looked up once a style per sheet."""

    def __init__(self, formats: _Formats, quote: bool):
        super().__init__()
        self.formats, self.quote = formats, quote

    def __missing__(self, style: str) -> Any:
        fmt = self[style] = self.formats.get(style, self.quote)
        return fmt


def _row_cells(cells: list[Cell], row: int) -> list[Cell]:
    """The cells of one row, in order, from cells sorted by row and column (bisect: no scan of every cell)."""
    start = bisect_left(cells, row, key=attrgetter("row"))
    end = bisect_left(cells, row + 1, lo=start, key=attrgetter("row"))
    return cells[start:end]


def cell_writers(ws: Any) -> tuple[Callable[..., Any], ...]:
    """The worksheet's write_number, write_string, write_blank and write_url for (row, column) numbers. XlsxWriter's
    public ones are its _write_number, … behind a decorator that also takes A1 notation ("B7"), which costs a call and
    a conversion attempt per cell (0,1 s of 1,6 at 10.000 cases); render gives numbers only, so it calls them
    directly, the same calls with the same arguments. An XlsxWriter without them gets the public ones."""
    return tuple(getattr(ws, "_" + name, getattr(ws, name))
                 for name in ("write_number", "write_string", "write_blank", "write_url"))


def render(workbook: Any, layout: SheetLayout, formats: _Formats) -> Any:
    """One layout as a worksheet. Cells are written in row order, so that in constant_memory mode each finished row
    can go to disk; everything that shapes rows (heights, the table's header) is set first."""
    from ..cells import split_a1

    ws = workbook.add_worksheet(layout.name)
    for col, width in layout.widths.items():
        ws.set_column(col, col, width)
    for row, height in layout.heights.items():
        ws.set_row(row, height)
    cells = sorted(layout.cells, key=_row_col)
    if layout.table:
        name, ref = layout.table
        (r0, c0), (r1, c1) = split_a1(ref.split(":")[0]), split_a1(ref.split(":")[1])
        headers = {cell.col: cell for cell in _row_cells(cells, r0)}
        columns = [{"header": str(headers[col].value if col in headers else f"Kolonne {col + 1}"),
                    "header_format": formats.get(headers[col].style if col in headers else "header_wrap")}
                   for col in range(c0, c1 + 1)]
        options = {"name": name, "columns": columns, "style": "Table Style Light 9", "autofilter": True}
        last = max(r1, r0 + 1)
        totals = layout.totals
        if totals is not None:  # the Table's own totals row; its cells are the layout's, written below like any
            last = totals.row
            options["total_row"] = True
            at = {(cell.row, cell.col): cell for cell in _row_cells(cells, totals.row)}
            for col, column in zip(range(c0, c1 + 1), columns):
                if col in totals.formulas:
                    cell = at.get((totals.row, col))
                    value = cell.value.value if cell is not None and isinstance(cell.value, Formula) else None
                    column["total_function"] = totals.formulas[col].lstrip("=")
                    column["total_value"] = "" if value is None else value
                elif col in totals.labels:
                    column["total_string"] = totals.labels[col]
        # XlsxWriter refuses tables in constant_memory mode only because a table writes its header cells; before
        # any row is written, those cells can go into the row buffer like any other.
        streaming, ws.constant_memory = ws.constant_memory, False
        ws.table_cells = _NothingToOverlap()
        ws.add_table(r0, c0, last, c1, options)
        ws.constant_memory = streaming
    links = 0
    write_number, write_string, write_blank, write_url = cell_writers(ws)
    plain = _StyleFormats(formats, quote=False)  # style -> format: most cells
    quoted = _StyleFormats(formats, quote=True)  # with the quote prefix, for a text Excel would read as a formula
    for cell in cells:
        r, c, value, link = cell.row, cell.col, cell.value, cell.link
        kind = value.__class__
        if not link:  # the common cases first: a text, a number
            if kind is str:
                if not value.isascii():
                    value = _text(value)
                # value[:1] in FORMULA_LEAD is layout.reads_as_formula(value), without a call per cell
                write_string(r, c, value, quoted[cell.style] if value[:1] in FORMULA_LEAD else plain[cell.style])
                continue
            if kind is float or kind is int:
                write_number(r, c, value, plain[cell.style])
                continue
            if value is None:  # a blank cell only where it has a format (an empty amount of a case row)
                fmt = plain[cell.style]
                if fmt is not None:
                    write_blank(r, c, None, fmt)
                continue
        fmt = plain[cell.style]
        if isinstance(value, Formula):
            cached = "" if value.value is None else value.value
            ws.write_formula(r, c, value.text, fmt, cached)
        elif link and links < MAX_LINKS:
            links += 1
            text = "" if value is None else _text(str(value))
            write_url(r, c, _link_target(link, text or None), fmt, text or None)
        elif isinstance(value, str):
            value = _text(value)
            write_string(r, c, value, quoted[cell.style] if reads_as_formula(value) else fmt)
        elif value is None:
            if fmt is not None:
                write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, fmt)
        elif isinstance(value, (int, float)):
            write_number(r, c, value, fmt)
        else:
            ws.write(r, c, value, fmt)
    for v in layout.validations:
        options = {"validate": "list", "source": v.source, "error_title": "Ugyldig værdi",
                   "error_message": "Vælg en værdi fra listen (arket Lister)."}
        if v.prompt:
            options["input_message"] = v.prompt
        ws.data_validation(v.ref, options)
    for icons in layout.icon_sets:  # Excel's traffic lights: green ≥ green, yellow ≥ yellow, red below
        ws.conditional_format(icons.ref, {"type": "icon_set", "icon_style": "3_traffic_lights",
                                          "icons": [{"criteria": ">=", "type": "number", "value": icons.green},
                                                    {"criteria": ">=", "type": "number", "value": icons.yellow}]})
    for chart in layout.charts:
        ws.insert_chart(chart.anchor, _chart(workbook, layout.name, chart),
                        {"x_scale": chart.width_cm / 12.7, "y_scale": chart.height_cm / 7.62})
    if layout.text_numbers:  # digits written as text on purpose (Nr.): no "number stored as text" flag
        ws.ignore_errors({"number_stored_as_text": " ".join(layout.text_numbers)})
    if layout.freeze:
        ws.freeze_panes(*split_a1(layout.freeze))
    if layout.print_area:
        ws.print_area(layout.print_area)
    if layout.repeat_rows:
        ws.repeat_rows(*layout.repeat_rows)
    if layout.landscape:
        ws.set_landscape()
    if layout.fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_paper(9)  # A4
    return ws


RANGE_MARKERS = ({"type": "square", "size": 6, "border": {"color": "C00000"}, "fill": {"color": "C00000"}},
                 {"type": "diamond", "size": 9, "border": {"color": "1F3864"}, "fill": {"color": "1F3864"}},
                 {"type": "triangle", "size": 7, "border": {"color": "548235"}, "fill": {"color": "548235"}})


def _range_chart(workbook: Any, sheet: str, spec: Any) -> Any:
    """Markers for pessimistic, base and optimistic per category, no lines; the base carries error bars down to the
    pessimistic and up to the optimistic value (cell ranges), so each case shows as a vertical range."""
    chart = workbook.add_chart({"type": "line"})
    r0, c0, r1, c1 = spec.data
    q0, d0, q1, d1 = spec.categories
    for i, c in enumerate(range(c0, c1 + 1)):
        series = {"name": [sheet, r0, c], "categories": [sheet, q0, d0, q1, d1], "values": [sheet, r0 + 1, c, r1, c],
                  "line": {"none": True}, "marker": RANGE_MARKERS[min(i, 2)]}
        if spec.error_bars and c == (c0 + c1) // 2:
            minus, plus = spec.error_bars
            series["y_error_bars"] = {
                "type": "custom", "direction": "both", "end_style": 1,
                "plus_values": f"='{sheet}'!${_col(plus)}${r0 + 2}:${_col(plus)}${r1 + 1}",
                "minus_values": f"='{sheet}'!${_col(minus)}${r0 + 2}:${_col(minus)}${r1 + 1}",
                "line": {"color": "595959", "width": 2.25}}
        chart.add_series(series)
    return chart


def _col(index: int) -> str:
    from ..cells import column_letter

    return column_letter(index)


def _chart(workbook: Any, sheet: str, spec: Any) -> Any:
    if getattr(spec, "kind", "bar") == "range":
        chart = _range_chart(workbook, sheet, spec)
        _axes(chart, spec)
        return chart
    kind = "bar" if spec.horizontal else "column"
    chart = workbook.add_chart({"type": kind, **({"subtype": "stacked"} if spec.stacked else {})})
    r0, c0, r1, c1 = spec.data
    q0, d0, q1, d1 = spec.categories
    if spec.series_in_rows:  # names in the first column, values to the right
        for r in range(r0, r1 + 1):
            chart.add_series({"name": [sheet, r, c0], "categories": [sheet, q0, d0, q1, d1],
                              "values": [sheet, r, c0 + 1, r, c1]})
    else:  # names in the first row, values below
        for c in range(c0, c1 + 1):
            chart.add_series({"name": [sheet, r0, c], "categories": [sheet, q0, d0, q1, d1],
                              "values": [sheet, r0 + 1, c, r1, c]})
    _axes(chart, spec)
    return chart


def _axes(chart: Any, spec: Any) -> None:
    chart.set_title({"name": spec.title})
    y_axis = {"name": spec.y_title} if spec.y_title else {}
    if spec.number_format:
        y_axis["num_format"] = spec.number_format
    if y_axis:
        chart.set_y_axis(y_axis)
    x_axis = {"label_position": "low"}  # under the bars, also where values go below 0
    if spec.x_title:
        x_axis["name"] = spec.x_title
    chart.set_x_axis(x_axis)
    chart.set_legend({"position": "right"})


def _write(path: str, layouts: Iterable[SheetLayout], extra: Callable[[Any], None] | None,
           streaming: bool) -> None:
    import xlsxwriter

    from ..made import now

    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                          "strings_to_urls": False, "constant_memory": streaming})
    workbook.set_properties({"author": "xlpy", "created": now()})
    formats = _Formats(workbook)
    for layout in layouts:
        render(workbook, layout, formats)
    if extra is not None:
        extra(workbook)
    workbook.close()


def write_book(path: str | os.PathLike[str], layouts: Iterable[SheetLayout],
               extra: Callable[[Any], None] | None = None, streaming: bool = False) -> None:
    """A new workbook holding `layouts` (any iterable, consumed once: each layout is dropped once rendered), written
    atomically. `extra(workbook)` may add to the XlsxWriter book. `streaming` writes each finished row to disk
    (XlsxWriter's constant_memory: memory stays flat for 50.000 cases; text is stored in the cells rather than in
    a shared-strings part)."""
    atomic_write(path, lambda tmp: _write(tmp, layouts, extra, streaming))
