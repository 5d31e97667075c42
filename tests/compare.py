"""Workbook comparison by what people see, in the manner of XlsxWriter's comparison harness: one helper, one
reference file per case, and explicit lists of what is ignored. Compares sheet names and order, every cell's
value or formula, number format, bold/italic, fill colour and hyperlink, data validations, frozen panes, tables
and conditional formats. Never zip bytes or XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable


@dataclass(frozen=True)
class Ignore:
    """What a comparison leaves out, stated per case: whole sheets, cells ("Sheet!A1"), or cell attributes."""

    sheets: frozenset[str] = frozenset()
    cells: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()


NOTHING = Ignore()


def _color(fill: Any) -> str | None:
    if fill is None or fill.fill_type is None:
        return None
    rgb = fill.start_color.rgb if fill.start_color is not None else None
    return rgb[-6:].upper() if isinstance(rgb, str) else None  # "00FFF2CC" (openpyxl) = "FFFFF2CC" (XlsxWriter)


def cell_view(cell: Any) -> dict[str, Any]:
    value = cell.value
    if hasattr(value, "text") and not isinstance(value, str):  # ArrayFormula / rich text
        value = str(value.text)
    return {
        "value": value,
        "type": cell.data_type,
        "number_format": cell.number_format,
        "bold": bool(cell.font and cell.font.b),
        "italic": bool(cell.font and cell.font.i),
        "fill": _color(cell.fill),
        "quote_prefix": bool(cell.quotePrefix),
        "link": (cell.hyperlink.location or cell.hyperlink.target) if cell.hyperlink else None,
    }


def sheet_view(ws: Any, ignore: Ignore = NOTHING) -> dict[str, Any]:
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            key = f"{ws.title}!{cell.coordinate}"
            if key in ignore.cells:
                continue
            view = cell_view(cell)
            for attr in ignore.attributes:
                view.pop(attr, None)
            if view["value"] is None and not view["fill"] and view["number_format"] == "General":
                continue
            cells[cell.coordinate] = view
    validations = sorted((str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation)
    conditional = sorted((str(cf.sqref), tuple(str(f) for r in cf.rules for f in (r.formula or [])))
                         for cf in ws.conditional_formatting)
    return {
        "cells": cells,
        "validations": validations,
        "conditional": conditional,
        "freeze": ws.freeze_panes,
        "tables": sorted((t.displayName, t.ref) for t in ws.tables.values()),
        "state": ws.sheet_state,
        "widths": {k: round(v.width, 1) for k, v in ws.column_dimensions.items() if v.width},
    }


def book_view(path: str | Path, ignore: Ignore = NOTHING) -> dict[str, Any]:
    from openpyxl import load_workbook

    wb = load_workbook(path, keep_links=True)
    return {
        "sheets": [ws.title for ws in wb.worksheets if ws.title not in ignore.sheets],
        "content": {ws.title: sheet_view(ws, ignore) for ws in wb.worksheets if ws.title not in ignore.sheets},
        "names": sorted(wb.defined_names.keys()),
    }


@dataclass
class Differences:
    items: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __str__(self) -> str:
        shown = self.items[:40]
        more = f"\n… and {len(self.items) - 40} more" if len(self.items) > 40 else ""
        return "\n".join(shown) + more


def diff_views(got: dict[str, Any], expected: dict[str, Any]) -> Differences:
    out = Differences()
    if got["sheets"] != expected["sheets"]:
        out.items.append(f"sheets: {got['sheets']} != {expected['sheets']}")
    if got["names"] != expected["names"]:
        out.items.append(f"defined names: {got['names']} != {expected['names']}")
    for name in expected["content"]:
        if name not in got["content"]:
            continue
        g, e = got["content"][name], expected["content"][name]
        for key in ("validations", "conditional", "freeze", "tables", "state", "widths"):
            if g[key] != e[key]:
                out.items.append(f"{name} {key}: {g[key]} != {e[key]}")
        for coord in sorted(set(g["cells"]) | set(e["cells"])):
            gc, ec = g["cells"].get(coord), e["cells"].get(coord)
            if gc != ec:
                out.items.append(f"{name}!{coord}: {gc} != {ec}")
    return out


def assert_same_workbook(got: str | Path, expected: str | Path, ignore: Ignore = NOTHING) -> None:
    differences = diff_views(book_view(got, ignore), book_view(expected, ignore))
    assert not differences, f"{got} differs from {expected}:\n{differences}"


def cells_outside(path: str | Path, sheets: Iterable[str]) -> dict[str, Any]:
    """Every sheet's view except the named ones (xlpy's own), for proving that nothing else changed."""
    view = book_view(path, Ignore(sheets=frozenset(sheets)))
    return view
