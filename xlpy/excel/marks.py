"""Validér and Ryd markeringer: findings to the "Fejl" sheet and fills on the cells they name; the fills removed
again, each cell back to the colour it had (recorded on xlpy's hidden marks sheet)."""

from __future__ import annotations

from typing import Any, Sequence

from ..cells import a1, split_a1
from ..findings import Finding, Severity
from ..sheet.labels import FINDINGS_SHEET, MARKS_SHEET
from ..portfolio.pipeline import CaseResult
from .host import _alert, _check, _replace_sheet, _sheet, button

MARK_COLORS = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
INPUT_FILL, COMPUTED_FILL = "#FFF2CC", "#EDEDED"


# --- Validér / Ryd markeringer -----------------------------------------------------------------------------------

def _role_fill(results: Sequence[CaseResult]) -> dict[tuple[str, str], str]:
    """The template's fill of each input and computed cell, for restoring a mark where the host cannot tell
    what the fill was (the remote engine and xlwings Lite cannot read colours synchronously)."""
    fills: dict[tuple[str, str], str] = {}
    for r in results:
        case = r.case
        for cell in case.field_cells.values():
            fills[(case.sheet, cell)] = INPUT_FILL
        for row in (*case.rows.values(), *case.input_rows(), *case.subrows):
            fill = INPUT_FILL if row.key in ("one_off", "recurring", "saving", "sub") else COMPUTED_FILL
            for i in range(len(case.year_cols)):
                fills[(case.sheet, row.cell(i, case.year_cols))] = fill
    return fills


def _original_color(rng: Any, fallback: str | None) -> str:
    try:
        color = rng.color
    except NotImplementedError:
        return fallback or ""
    if color is None:
        return ""
    if isinstance(color, tuple):
        return "#{:02X}{:02X}{:02X}".format(*color)
    return str(color)


MAX_COLOR_CELLS = 10_000  # xlwings' limit for one Range.set_colors call


def _many_colors(book: Any) -> bool:
    """Whether the host takes many fills in one call (Range.set_colors): xlwings Lite (the Office.js client of the
    remote engine) and Excel on a Mac do; Excel on Windows (a COM call per cell is no round trip) and the remote
    engine's other clients do not."""
    api = getattr(getattr(book, "impl", None), "api", None)
    if isinstance(api, dict):
        return api.get("client") == "Office.js"
    return True  # desktop engines: tried, with a fall-back to one cell at a time


def _set_fills(book: Any, sheet: Any, fills: dict[str, str | None]) -> None:
    """Give cells their fill (None: no fill): one call per sheet where the host can (rectangles of at most
    MAX_COLOR_CELLS cells, a cell not named keeps its fill), else one call per cell."""
    if not fills:
        return
    cells = {split_a1(ref): color for ref, color in fills.items()}
    if _many_colors(book):
        try:
            for top, bottom, left, right in _color_blocks(list(cells)):
                matrix = [[cells.get((r, c), ...) for c in range(left, right + 1)] for r in range(top, bottom + 1)]
                sheet.range(a1(top, left) + ":" + a1(bottom, right)).set_colors(matrix)
            return
        except NotImplementedError:
            pass  # Excel on Windows: one cell at a time below (nothing was set: it fails on the first call)
    for (r, c), color in sorted(cells.items()):
        sheet.range(a1(r, c)).color = color


def _color_blocks(cells: Sequence[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) rectangles covering `cells`, each at most MAX_COLOR_CELLS cells: the bounding box,
    split into bands of rows when it is larger."""
    left, right = min(c for _, c in cells), max(c for _, c in cells)
    width = right - left + 1
    rows = sorted({r for r, _ in cells})
    band = max(1, MAX_COLOR_CELLS // width)
    blocks: list[tuple[int, int, int, int]] = []
    start = None
    for r in rows:
        if start is None or r - start >= band:
            blocks.append((r, r, left, right))
            start = r
        else:
            blocks[-1] = (blocks[-1][0], r, left, right)
    if width > MAX_COLOR_CELLS:  # a single row wider than the limit: one call per cell's own column
        return [(r, r, c, c) for r, c in sorted(cells)]
    return blocks


def _restore_marks(book: Any) -> int:
    sheet = _sheet(book, MARKS_SHEET)
    if sheet is None:
        return 0
    last = sheet.used_range.last_cell
    rows = sheet.range((1, 1), (last.row, 3)).options(ndim=2).value or []
    by_sheet: dict[str, dict[str, str | None]] = {}
    for name, ref, color in rows[1:]:
        if _sheet(book, str(name or "")) is None or not ref:
            continue
        by_sheet.setdefault(str(name), {})[str(ref)] = color or None
    for name, fills in by_sheet.items():
        _set_fills(book, _sheet(book, name), fills)
    sheet.delete()
    return sum(len(f) for f in by_sheet.values())


@button
def clear_marks(book: Any) -> int:
    """Ryd markeringer: every highlight Validér set goes back to the fill it had. Nothing else changes."""
    restored = _restore_marks(book)
    _alert(book, f"{restored} markering(er) fjernet.")
    return restored


@button
def validate(book: Any) -> list[Finding]:
    """Validér: findings to the Fejl sheet with a link to each cell, highlights on the cells, a short message."""
    from ..made import made_line
    from ..layouts.findings import findings_layout

    results, findings, _ = _check(book)
    _restore_marks(book)  # the previous run's highlights go first
    _replace_sheet(book, findings_layout(findings, made_line([book.name]), in_book=book.name))
    fallback = _role_fill(results)
    marks: dict[tuple[str, str], Severity] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in MARK_COLORS and _sheet(book, f.sheet) is not None:
            key = (f.sheet, f.cell)
            if marks.get(key) is not Severity.ERROR:
                marks[key] = f.severity
    if marks:
        record = [["Ark", "Celle", "Oprindelig farve"]]
        by_sheet: dict[str, dict[str, str | None]] = {}
        for (name, ref), severity in sorted(marks.items()):
            rng = _sheet(book, name).range(ref)
            record.append([name, ref, _original_color(rng, fallback.get((name, ref)))])
            by_sheet.setdefault(name, {})[ref] = MARK_COLORS[severity]
        for name, fills in by_sheet.items():
            _set_fills(book, _sheet(book, name), fills)
        store = book.sheets.add(MARKS_SHEET, after=book.sheets[len(book.sheets) - 1])
        store.range("A1").value = record
        store.visible = False
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if not results:
        _alert(book, "Projektmappen har ingen caseark. Brug »Ny case« for at oprette et.")
    else:
        _alert(book, f"{len(results)} case(s) kontrolleret: {errors} fejl og {warnings} advarsler. "
                     f"Se arket »{FINDINGS_SHEET}«." if findings else
                     f"{len(results)} case(s) kontrolleret: ingen fund.")
    return findings
