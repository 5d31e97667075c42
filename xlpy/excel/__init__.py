"""The ribbon's buttons (and the xlwings Lite scripts): each takes an xlwings Book and uses only the xlwings API.

    Ny case            new_case(book)             a new case sheet, next free Case nr.
    Validér            validate(book)             findings to the "Fejl" sheet, highlights on the cells
    Ryd markeringer    clear_marks(book)          removes xlpy's highlights and nothing else
    Beregn             compute(book)              Python's figures on every case sheet
    Opdatér overblik   refresh_overview(book)     the summary sheets, from the same layouts the file writer uses
    Hent afdelinger    collect_departments(book)  consolidate a folder of department workbooks into this book

Each sheet is read in one call; each block is written in one call, so what a button sends to Excel grows with the
case sheets, not with their cells: at most two actions per case sheet plus a constant (Beregn: the block and its
number format; Validér and Ryd markeringer: one set of fills per marked sheet where the host can set many fills at
once, as xlwings Lite can). A cell the user typed is never written, except the highlight Validér sets and Ryd
markeringer removes. Errors end in a message, never a traceback dialog.

Where each lives: host.py (the @button wrapper, reading the book, asking for a file or folder), marks.py (Validér, Ryd
markeringer), block.py (Beregn), here (Opdatér overblik, Hent afdelinger, Ny case), compare.py and deck.py
(Sammenlign med tidligere version, Lav beslutningsoplæg), functions.py (the worksheet functions).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..cells import a1
from ..sheet.labels import normalise
from ..layout import case_nr_value
from ..findings import Finding
from ..portfolio.pipeline import Result
from ..read.workbook import Sheet
from .block import BLOCK_ROWS, BLOCK_TITLE, compute
from .host import (_alert, _ask_folder, _check, _find_label, _replace_sheet, _settings_folder, _sheet, ask_path,
                   book_folder, button, read_sheets)
from .marks import clear_marks, validate
from .render import render

__all__ = ["ask_path", "book_folder", "button", "clear_marks", "collect_departments", "compare_versions", "compute",
           "decision_paper", "new_case", "read_sheets", "refresh_overview", "validate"]

KEPT_ON_NEW_CASE = ("committee", "area", "category", "type", "period", "municipality", "department", "unit",
                    "price_level", "status")



# --- Opdatér overblik / Hent afdelinger --------------------------------------------------------------------------

def _stress_settings(book: Any, sheets: Sequence[Sheet] | None = None) -> tuple[Any, list[Finding]]:
    """The stress tests' settings from this workbook's "Forudsætninger" sheet (the defaults without one)."""
    from ..figures.assumptions import SHEET, find_sheet, parse_assumptions
    from ..figures.stress import StressSettings

    found = find_sheet(sheets) if sheets is not None else None
    if found is None and sheets is None:
        live = _sheet(book, SHEET)
        found = read_sheets(book, skip=[s.name for s in book.sheets if s.name != live.name])[0] if live else None
    if found is None:
        return StressSettings(), []
    values, findings = parse_assumptions(found.grid, book.name, found.name)
    return StressSettings().updated(values, "sheet"), findings


def _render_summary(book: Any, result: Result, cutoff_year: int | None, in_book: str | None,
                    sheets: Sequence[Sheet] | None = None) -> Any:
    from ..figures.compute import DEFAULT_RATE
    from ..portfolio.consolidate import consolidate
    from ..layouts.summary import summary_layouts

    settings, findings = _stress_settings(book, sheets)
    result.findings += findings
    c = consolidate(result, cutoff_year, DEFAULT_RATE, settings)
    for layout in summary_layouts(c, in_book=in_book):
        _replace_sheet(book, layout)
    return c


@button
def refresh_overview(book: Any, cutoff_year: int | None = None) -> Any:
    """Opdatér overblik: Overblik, Nøgletal, Pr. år, Pr. område and Fejl for this workbook's cases (and Opfølgning,
    Følsomhed when the cases have follow-up figures or low/high estimates; the stress tests as the workbook's
    Forudsætninger sheet sets them)."""
    results, findings, sheets = _check(book)
    c = _render_summary(book, Result(cases=results, findings=findings, files_read=[book.name]), cutoff_year,
                        in_book=book.name, sheets=sheets)
    _alert(book, f"Overblikket er opdateret: {len(results)} case(s)." if results else
           "Projektmappen har ingen caseark; overblikket er tomt.")
    return c


@button
def collect_departments(book: Any, folder: str | None = None, cutoff_year: int | None = None) -> Any:
    """Hent afdelinger: consolidate the department workbooks in a folder into this workbook's summary sheets.
    The folder is the argument, else the cell next to "Afdelingsmappe" in this workbook, else a folder dialog."""
    import os

    from ..portfolio.collect import check_many, find_workbooks

    folder = folder or _settings_folder(book) or _ask_folder()
    if not folder:
        _alert(book, "Ingen mappe valgt. Skriv mappen ud for »Afdelingsmappe« eller vælg den i dialogen.")
        return None
    if not os.path.isdir(folder):
        _alert(book, f"Mappen findes ikke: {folder}")
        return None
    files, found = find_workbooks([folder])
    own = getattr(book, "fullname", None)
    files = [f for f in files if not own or os.path.abspath(f) != os.path.abspath(own)]
    result = check_many(files)
    result.findings = found + result.findings
    c = _render_summary(book, result, cutoff_year, in_book=None)
    _alert(book, f"{len(c.files_read)} projektmappe(r) og {len(c.results)} case(s) hentet fra {folder}; "
                 f"{len(c.files_skipped)} sprunget over.")
    return c


# --- Ny case ----------------------------------------------------------------------------------------------------

def next_case_nr(numbers: Sequence[str]) -> str:
    """After "3" comes "4"; after "AM-3" comes "AM-4"; with no cases, "1"."""
    best: tuple[int, str] | None = None
    for nr in numbers:
        match = re.fullmatch(r"(.*?)(\d+)", nr.strip())
        if match and (best is None or int(match[2]) > best[0]):
            best = (int(match[2]), match[1])
    if best is None:
        return "1"
    return f"{best[1]}{best[0] + 1}"


def _unique_name(book: Any, base: str) -> str:
    taken = {normalise(s.name) for s in book.sheets}
    name, k = base, 2
    while normalise(name) in taken:
        name, k = f"{base} ({k})", k + 1
    return name[:31]


@button
def new_case(book: Any) -> str:
    """Ny case: a copy of the last case sheet with its inputs emptied (Kommune, Forvaltning, Udvalg, Enhed and the
    like kept), live formulas in its computed rows, and the next free Case nr. With no case sheet, the template's."""
    from ..layouts.casesheet import CaseSpec, case_sheet

    results, _, sheets = _check(book)
    nr = next_case_nr([r.case.case_nr for r in results])
    name = _unique_name(book, f"Case {nr}")
    if not results:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
        render(sheet, case_sheet(CaseSpec(sheet=name, fields={"case_nr": nr})))
        _alert(book, f"Arket »{name}« er oprettet.")
        return name
    source = results[-1].case
    sheet = _sheet(book, source.sheet).copy(after=_sheet(book, source.sheet), name=name)
    for field, cell in source.field_cells.items():
        if field == "case_nr":
            sheet.range(cell).value = case_nr_value(nr)
        elif field not in KEPT_ON_NEW_CASE:
            sheet.range(cell).value = None
    block = _find_label(next(s.grid for s in sheets if s.name == source.sheet), BLOCK_TITLE)
    if block is not None:  # the copied "Beregnet af xlpy" block belongs to the other case
        sheet.range(a1(*block) + ":" + a1(block[0] + BLOCK_ROWS - 1, block[1] + 1)).clear_contents()
    cols = source.year_cols
    if cols:
        for row in (*source.input_rows(), *source.subrows):
            sheet.range(a1(row.row, cols[0])).value = [[0] * len(cols)]
        for row in source.beside:  # realised figures and low/high estimates belong to the other case: emptied
            sheet.range(a1(row.row, cols[0])).value = [[None] * len(cols)]
        for key, formulas in _computed_formulas(source).items():
            sheet.range(a1(source.rows[key].row, cols[0])).value = [formulas]
    _alert(book, f"Arket »{name}« er oprettet med Case nr. {nr}.")
    return name


def _computed_formulas(case: Any) -> dict[str, list[str]]:
    """The template's live formulas for the computed rows, for this sheet's own row and column positions."""
    cols, rows = case.year_cols, case.rows
    out: dict[str, list[str]] = {}
    costs = [r for r in case.cost_rows() if r.counted]
    if "investment" in rows and costs:
        out["investment"] = ["=" + "+".join(a1(r.row, c) for r in costs) for c in cols]
    if "saving_total" in rows and case.gains:
        first, last = case.gains[0].row, case.gains[-1].row
        contiguous = [g.row for g in case.gains] == list(range(first, last + 1))
        if case.counted_col is not None and contiguous:  # the template's formula: follows Medregnes = Nej
            flags = f"{a1(first, case.counted_col, absolute=True)}:{a1(last, case.counted_col, absolute=True)}"
            out["saving_total"] = [f'=SUMPRODUCT({a1(first, c)}:{a1(last, c)}*({flags}<>"Nej"))' for c in cols]
        else:
            counted = [g for g in case.gains if g.counted]
            out["saving_total"] = ["=" + "+".join(a1(g.row, c) for g in counted) if counted else "=0"
                                   for c in cols]
    if "net" in rows and "saving_total" in rows and "investment" in rows:
        out["net"] = [f"={a1(rows['saving_total'].row, c)}-{a1(rows['investment'].row, c)}" for c in cols]
    if "cumulative" in rows and "net" in rows:
        out["cumulative"] = [f"={a1(rows['net'].row, c)}" if i == 0 else
                             f"={a1(rows['cumulative'].row, cols[i - 1])}+{a1(rows['net'].row, c)}"
                             for i, c in enumerate(cols)]
    return out


# --- Sammenlign med tidligere version, Lav beslutningsoplæg: their own modules, imported on the click ---------------

@button
def compare_versions(book: Any) -> Any:
    """Sammenlign med tidligere version: asks for the earlier file and writes the sheet "Ændringer" (compare.py)."""
    from .compare import compare_with_file

    return compare_with_file.__wrapped__(book)


@button
def decision_paper(book: Any) -> Any:
    """Lav beslutningsoplæg: the committee's deck next to the workbook, from its cases (deck.py)."""
    from .deck import make_deck

    return make_deck.__wrapped__(book)
