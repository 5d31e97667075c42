"""The button "Lav beslutningsoplæg" (its ribbon entry is still to be added): the committee's decision paper as a
PowerPoint deck made from this workbook's cases (unsaved edits included), written next to the workbook as
"<workbook> – beslutningsoplæg.pptx".

    Lav beslutningsoplæg   make_deck(book, folder=None, template=None, cutoff_year=None)

The municipality's PowerPoint template is the argument, else the file named next to the label "Oplægsskabelon"
anywhere in the workbook (a path, absolute or relative to the workbook's folder), else none (xlpy's plain design).
Like every button it reads each sheet in one call and ends in a message, never a traceback; it writes nothing into
the workbook.
"""

from __future__ import annotations

import os
from typing import Any

from ..sheet.labels import MARKS_SHEET, SUMMARY_SHEETS
from ..portfolio.pipeline import Result
from .host import _alert, _check, _find_label, button, read_sheets
from . import book_folder as _folder

TEMPLATE_LABEL = "Oplægsskabelon"


def _template_setting(book: Any, folder: str | None) -> str | None:
    """The template named next to "Oplægsskabelon" on any sheet; relative paths from the workbook's folder."""
    for sheet in read_sheets(book, skip=(*SUMMARY_SHEETS, MARKS_SHEET)):
        where = _find_label(sheet.grid, TEMPLATE_LABEL)
        if where is None:
            continue
        r, c = where
        row = sheet.grid[r]
        value = str(row[c + 1]).strip() if c + 1 < len(row) and row[c + 1] not in (None, "") else ""
        if value:
            return value if os.path.isabs(value) or folder is None else os.path.join(folder, value)
    return None


def deck_name(book: Any) -> str:
    stem = os.path.splitext(os.path.basename(str(book.name)))[0] or "projektmappe"
    return f"{stem} – beslutningsoplæg.pptx"


@button
def make_deck(book: Any, folder: str | None = None, template: str | None = None,
              cutoff_year: int | None = None) -> str | None:
    """Lav beslutningsoplæg: the deck from this workbook's cases, next to the workbook. Returns its path."""
    from ..portfolio.consolidate import consolidate
    from ..write.deck import TemplateError, write_deck

    folder = folder or _folder(book)
    if folder is None:
        _alert(book, "Gem projektmappen først: beslutningsoplægget skrives i mappen ved siden af den.")
        return None
    results, findings, _ = _check(book)
    if not results:
        _alert(book, "Projektmappen har ingen caseark, så der er intet beslutningsoplæg at lave.")
        return None
    template = template or _template_setting(book, folder)
    c = consolidate(Result(cases=results, findings=findings, files_read=[str(book.name)]), cutoff_year)
    path = os.path.join(folder, deck_name(book))
    try:
        deck = write_deck(path, c, template)
    except TemplateError as exc:
        _alert(book, f"Skabelonen {template} kan ikke bruges: {exc.text('da')}. Intet er skrevet.")
        return None
    except PermissionError:
        _alert(book, f"{path} kan ikke skrives; er den åben i PowerPoint? Luk den, og prøv igen.")
        return None
    errors = c.severity_counts()["fejl"]
    _alert(book, f"Beslutningsoplægget er skrevet: {path} ({len(deck.slides)} dias; {c.whole.cases} af "
                 f"{len(c.results)} cases i summerne" + (f"; {errors} fejl, se sidste dias)." if errors else ")."))
    return path
