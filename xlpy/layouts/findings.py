"""The "Fejl" sheet: one row per finding, fejl first, each linked to its cell (in the book written into) or its file.
Written by consolidate, by validate --mark and by the Excel buttons."""

from __future__ import annotations

import os
from typing import Sequence

from ..findings import Finding
from ..sheet.labels import FINDINGS_SHEET
from ..layout import SheetLayout

FINDINGS_HEADERS = {
    "da": ("Alvor", "Kode", "Fil", "Ark", "Celle", "Besked"),
    "en": ("Severity", "Code", "File", "Sheet", "Cell", "Message"),
}
SEVERITY_STYLE = {"fejl": "sev_error", "advarsel": "sev_warning", "info": "sev_info"}
SEVERITY_ORDER = {"fejl": 0, "advarsel": 1, "info": 2}


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Fejl first, then advarsler, then info; within each, the order given (file, sheet, cell)."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity.value])


def sheet_link(sheet: str, cell: str | None) -> str:
    """An in-book hyperlink target: #'Sheet name'!B7 (quotes doubled inside the name)."""
    return f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell or 'A1'}"


def findings_layout(findings: Sequence[Finding], made: str, lang: str = "da", in_book: str | None = None,
                    file_links: dict[str, str] | None = None) -> SheetLayout:
    """The "Fejl" sheet: one row per finding. `in_book` names the workbook the sheet is written into: findings in
    that file link to their cell. `file_links` maps other files to a link target (their path)."""
    sheet = SheetLayout(FINDINGS_SHEET, freeze="A3", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    for c, title in enumerate(FINDINGS_HEADERS[lang]):
        sheet.put(1, c, title, "header_left")
    for r, f in enumerate(by_severity(findings), start=2):
        sheet.put(r, 0, f.severity.label(lang), SEVERITY_STYLE[f.severity.value])
        sheet.put(r, 1, f.code)
        link = None
        if in_book is not None and f.file == in_book:
            link = sheet_link(f.sheet, f.cell) if f.sheet else None
        elif file_links and f.file in file_links:
            link = file_links[f.file] + (sheet_link(f.sheet, f.cell) if f.sheet else "")
        shown = os.path.basename(f.file) if in_book is not None and f.file == in_book else f.file
        sheet.put(r, 2, shown, "link" if link and not f.sheet else "text", link if not f.sheet else None)
        sheet.put(r, 3, f.sheet or "")
        sheet.put(r, 4, f.cell or "", "link" if link and f.sheet else "text", link if f.sheet else None)
        sheet.put(r, 5, f.message(lang), "text")
    if findings:
        sheet.table = ("xlpyFejl", f"A2:F{len(findings) + 2}")
    widths = [10, 28, 30, 18, 8, 100]
    for c, w in enumerate(widths):
        sheet.widths[c] = w
    sheet.repeat_rows = (1, 1)
    return sheet
