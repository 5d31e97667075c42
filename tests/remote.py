"""Test helper: build an xlwings "remote" payload (what xlwings Server/Lite clients POST) from an
.xlsx on disk, so that `xw.Book(json=payload)` works on Linux without Excel.

Format derived from xlwings 0.37.8: xlwings/addin/Remote.bas (client "VBA"),
xlwings/js/xlwings.ts (client "Microsoft Office Scripts") and the keys read in
xlwings/pro/_xlremote.py (client "Office.js" = xlwings Lite adds more keys).

Rules that matter:
  * top level: client, version, book{name, active_sheet_index, selection}, names, sheets
  * version must equal xlwings.__version__ unless client == "Office.js"
  * sheet["values"]: rectangular 2D list anchored at A1 (NOT at the used range's
    top-left); empty cell == "" ; dates as ISO strings *ending in Z*
    ("2024-01-31T00:00:00.000Z") because xlwings strips the last char.
  * empty sheet: values == [[]]
"""

import datetime as dt

import openpyxl
import xlwings as xw
from openpyxl.utils.cell import range_boundaries


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat(timespec="milliseconds") + "Z"
    if isinstance(v, dt.time):
        return v.isoformat()
    return v


def _strip(address):
    return address.replace("$", "")


def build_payload(path, client="Office.js", selection="A1"):
    # data_only=True -> cached formula results (what Excel would send);
    # openpyxl-written files have no cached values, formulas then read as None.
    wb_values = openpyxl.load_workbook(path, data_only=True)
    wb = openpyxl.load_workbook(path)  # for tables / defined names
    sheet_names = wb.sheetnames
    sheets = []
    names = []
    for ix, ws in enumerate(wb.worksheets):
        wsv = wb_values[ws.title]
        if wsv.max_row == 1 and wsv.max_column == 1 and wsv["A1"].value is None:
            values = [[]]
        else:
            values = [
                [_cell(v) for v in row]
                for row in wsv.iter_rows(
                    min_row=1, min_col=1, max_row=wsv.max_row,
                    max_col=wsv.max_column, values_only=True,
                )
            ]
        tables = []
        for t in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(t.ref)
            hdr = (t.headerRowCount or 0) > 0 if t.headerRowCount is not None else True
            tot = bool(t.totalsRowCount)
            body_r1 = r1 + (1 if hdr else 0)
            body_r2 = r2 - (1 if tot else 0)
            col = lambda c: openpyxl.utils.get_column_letter(c)
            style = t.tableStyleInfo
            tables.append({
                "name": t.displayName,
                "range_address": t.ref,
                "header_row_range_address": f"{col(c1)}{r1}:{col(c2)}{r1}" if hdr else None,
                "data_body_range_address": f"{col(c1)}{body_r1}:{col(c2)}{body_r2}",
                "total_row_range_address": f"{col(c1)}{r2}:{col(c2)}{r2}" if tot else None,
                "show_headers": hdr,
                "show_totals": tot,
                "table_style": style.name if style else "",
                "show_autofilter": t.autoFilter is not None,
                "show_table_style_first_column": bool(style and style.showFirstColumn),
                "show_table_style_last_column": bool(style and style.showLastColumn),
                "show_table_style_row_stripes": bool(style and style.showRowStripes),
                "show_table_style_column_stripes": bool(style and style.showColumnStripes),
                "row_count": r2 - r1 + 1,
                "column_count": c2 - c1 + 1,
                "columns": [c.name for c in t.tableColumns],
            })
        # sheet-scoped defined names (openpyxl >= 3.1)
        for dn in ws.defined_names.values():
            for sname, ref in dn.destinations:
                names.append({
                    "name": f"{ws.title}!{dn.name}", "sheet_index": sheet_names.index(sname),
                    "address": _strip(ref), "book_scope": False,
                    "scope_sheet_name": ws.title, "scope_sheet_index": ix,
                    "refers_to": "=" + dn.attr_text,
                })
        sheet = {
            "name": ws.title,
            "values": values,
            "pictures": [],  # {"name","width","height"[, "left","top"...]}
            "tables": tables,
        }
        if client == "Office.js":  # extra keys xlwings Lite sends
            sheet.update({
                "visibility": {"visible": "Visible", "hidden": "Hidden",
                               "veryHidden": "VeryHidden"}[ws.sheet_state],
                "shapes": [], "charts": [], "notes": [], "pivot_tables": [],
                "show_gridlines": ws.sheet_view.showGridLines is not False,
                "print_area": None,
            })
        sheets.append(sheet)
    for dn in wb.defined_names.values():  # book-scoped names pointing at ranges
        dests = list(dn.destinations)
        if len(dests) != 1:
            continue
        sname, ref = dests[0]
        names.append({
            "name": dn.name, "sheet_index": sheet_names.index(sname),
            "address": _strip(ref), "book_scope": True,
            "scope_sheet_name": None, "scope_sheet_index": None,
            "refers_to": "=" + dn.attr_text,
        })
    return {
        "client": client,  # "VBA", "Microsoft Office Scripts", "Google Apps Script", "Office.js"
        "version": xw.__version__,
        "book": {
            "name": str(path).rsplit("/", 1)[-1],
            "active_sheet_index": wb.index(wb.active),
            "selection": selection,
        },
        "names": names,
        "sheets": sheets,
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(build_payload(sys.argv[1]), indent=1, default=str))


def open_remote(path, **kw):
    """xw.Book on xlwings' remote engine, from a workbook file (needs XLWINGS_LICENSE_KEY=noncommercial)."""
    import copy

    return xw.Book(json=copy.deepcopy(build_payload(str(path), **kw)))


def actions(book):
    return book.json()["actions"]
