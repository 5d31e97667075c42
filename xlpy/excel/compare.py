"""The button "Sammenlign med tidligere version" (its ribbon entry is still to be added): this workbook, as it is now
(unsaved edits included), compared with an earlier version of it on disk; the changes go to the sheet "Ændringer" in
this workbook, with links to the changed cells here and in the earlier file.

    Sammenlign   compare_with_file(book, old_path=None)   the earlier version from the argument, else a file dialog

Like every button it uses only the xlwings API, reads each sheet in one call, writes the sheet in blocks, and ends in
a message, never a traceback. A sheet "Ændringer" that xlpy did not make is never replaced.
"""

from __future__ import annotations

import os
from typing import Any

from ..figures.compute import DEFAULT_RATE
from ..sheet.labels import MARKS_SHEET, SUMMARY_SHEETS
from ..layouts.changes import CHANGES_SHEET, changes_layout, summary_line
from ..made import made_line
from ..portfolio.pipeline import Result, check_sheets
from ..portfolio.diff import Comparison, Version, compare, read_version
from ..made import SIGNATURES
from .host import _alert, _replace_sheet, _sheet, ask_path, button, read_sheets
from .host import book_folder as _folder



def _ask_file() -> str | None:
    return ask_path("Vælg den tidligere version af projektmappen",
                    filetypes=[("Projektmapper", "*.xlsx *.xlsm *.xlsb *.xls *.ods")])


def _made_by_xlpy(sheet: Any) -> bool:
    first = sheet.range("A1").value
    return isinstance(first, str) and first.startswith(SIGNATURES)


@button
def compare_with_file(book: Any, old_path: str | None = None, rate: float = DEFAULT_RATE) -> Comparison | None:
    """Sammenlign: this workbook against an earlier version (a file). Writes "Ændringer" and says what changed."""
    old_path = old_path or _ask_file()
    if not old_path:
        _alert(book, "Ingen fil valgt. Vælg den tidligere version af projektmappen.")
        return None
    if not os.path.isfile(old_path):
        _alert(book, f"Filen findes ikke: {old_path}")
        return None
    existing = _sheet(book, CHANGES_SHEET)
    if existing is not None and not _made_by_xlpy(existing):
        _alert(book, f"Projektmappen har allerede et ark »{CHANGES_SHEET}«, som xlpy ikke har lavet. Omdøb det og "
                     f"prøv igen; intet er ændret.")
        return None
    sheets = read_sheets(book, skip=(*SUMMARY_SHEETS, MARKS_SHEET, CHANGES_SHEET))
    results, findings = check_sheets(book.name, sheets, rate)
    new = Version(book.name, Result(cases=results, findings=findings, files_read=[book.name]))
    c = compare(read_version(old_path, rate), new)
    layout = changes_layout(c, made_line([old_path, book.name]), in_book=book.name, link_base=_folder(book))
    _replace_sheet(book, layout)
    _alert(book, f"{summary_line(c)} Se arket »{CHANGES_SHEET}«." if c.changed else summary_line(c))
    return c
