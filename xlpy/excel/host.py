"""The host side of the ribbon's buttons: the @button wrapper (a message, never a traceback dialog), the book a
button runs on, reading its sheets in one call each, replacing a sheet, asking for a file or folder, the book's
folder. Used by every button module (marks, block, overview, newcase, compare, deck)."""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, Sequence

from ..findings import Finding
from ..sheet.labels import MARKS_SHEET, SUMMARY_SHEETS, normalise
from ..portfolio.pipeline import CaseResult, check_sheets
from ..read.workbook import Sheet
from .render import render


def _caller(book: Any | None) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _alert(book: Any, text: str, title: str = "xlpy") -> None:
    try:
        book.app.alert(text, title=title)
    except Exception:  # noqa: BLE001 (a host without message boxes: the Fejl sheet says it all)
        pass


def button(action: Callable[..., Any]) -> Callable[..., Any]:
    """A button never shows a Python traceback: an unexpected error becomes a short message."""

    @functools.wraps(action)
    def run(book: Any | None = None, *args: Any, **kwargs: Any) -> Any:
        book = _caller(book)
        try:
            return action(book, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            _alert(book, f"xlpy kunne ikke gøre det færdigt: {type(exc).__name__}: {exc}. Intet du har skrevet er "
                         f"ændret.", "xlpy – fejl")
            return None

    return run


# --- reading --------------------------------------------------------------------------------------------------------

def read_sheets(book: Any, skip: Sequence[str] = ()) -> list[Sheet]:
    """Every sheet's values from A1 to its last used cell, one read per sheet."""
    skipped = {normalise(s) for s in skip}
    out = []
    for sheet in book.sheets:
        if normalise(sheet.name) in skipped:
            continue
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        grid = [["" if v is None else v for v in row] for row in (values or [])]
        try:
            visible = bool(sheet.visible)
        except Exception:  # noqa: BLE001
            visible = True
        out.append(Sheet(sheet.name, grid, visible))
    return out


def _check(book: Any, rate: float | None = None) -> tuple[list[CaseResult], list[Finding], list[Sheet]]:
    from ..figures.compute import DEFAULT_RATE

    sheets = read_sheets(book, skip=(*SUMMARY_SHEETS, MARKS_SHEET))
    results, findings = check_sheets(book.name, sheets, DEFAULT_RATE if rate is None else rate)
    return results, sorted(findings, key=Finding.sort_key), sheets


def _sheet(book: Any, name: str) -> Any | None:
    for sheet in book.sheets:
        if normalise(sheet.name) == normalise(name):
            return sheet
    return None


def _replace_sheet(book: Any, layout: Any) -> Any:
    old = _sheet(book, layout.name)
    if old is not None:
        old.delete()
    sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    render(sheet, layout)
    return sheet


def _settings_folder(book: Any) -> str | None:
    """A folder named in the workbook: the cell right of the label "Afdelingsmappe" on any sheet."""
    for sheet in read_sheets(book, skip=(*SUMMARY_SHEETS, MARKS_SHEET)):
        where = _find_label(sheet.grid, "Afdelingsmappe")
        if where is not None:
            r, c = where
            row = sheet.grid[r]
            value = row[c + 1] if c + 1 < len(row) else ""
            return str(value).strip() or None
    return None


def ask_path(title: str, folder: bool = False, **options: Any) -> str | None:
    """A file (or folder) chosen in the desktop's own dialog (tkinter); None when cancelled or there is none."""
    try:
        import tkinter
        from tkinter import filedialog
    except ImportError:
        return None
    root = tkinter.Tk()
    root.withdraw()
    root.attributes("-topmost", True)
    chosen = (filedialog.askdirectory if folder else filedialog.askopenfilename)(title=title, **options)
    root.destroy()
    return chosen or None


def _ask_folder() -> str | None:
    return ask_path("Vælg mappen med afdelingernes projektmapper", folder=True)


def book_folder(book: Any) -> str | None:
    """The folder the workbook is saved in; None for a book not saved anywhere known."""
    try:
        full = book.fullname
    except Exception:  # noqa: BLE001 (a host that does not know where the book is saved)
        return None
    return os.path.dirname(full) if full and os.path.isabs(full) else None


def _find_label(grid: list[list[Any]], text: str) -> tuple[int, int] | None:
    target = normalise(text)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and normalise(value) == target:
                return r, c
    return None


def _cell(grid: list[list[Any]], r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
