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
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Callable, Sequence

from ..cells import a1, split_a1
from ..findings import Finding, Severity
from ..labels import FINDINGS_SHEET, MARKS_SHEET, SUMMARY_SHEETS, normalise
from ..pipeline import CaseResult, Result, check_sheets
from ..read import Sheet
from ..layout import case_nr_value
from .render import render

MARK_COLORS = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
INPUT_FILL, COMPUTED_FILL = "#FFF2CC", "#EDEDED"
BLOCK_TITLE = "Beregnet af xlpy"
KEPT_ON_NEW_CASE = ("committee", "area", "category", "type", "period", "municipality", "department", "unit",
                    "price_level", "status")


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
    from ..compute import DEFAULT_RATE

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


# --- Beregn -----------------------------------------------------------------------------------------------------

AMOUNT_FORMAT = "#,##0;[Red]-#,##0"
BLOCK_ROWS = 13
BLOCK_AMOUNTS = (1, 8)  # rows 1-8 of the block are numbers in one number format; kr. igen and the years follow
OLD_BLOCK_RATIO_ROW = 5  # blocks written before the amounts were contiguous had kr. igen here and the NPV on row 7


def _block_values(r: CaseResult, rate: float) -> list[list[Any]]:
    """The block "Beregnet af xlpy": the case's figures; for a case with low and high estimates the pessimistic and
    optimistic period net and the payback years' range (blank otherwise, so an earlier run's figures do not stay);
    the switching value in per cent (a number, so the block keeps one number format)."""
    from ..made import now
    from ..scenarios import payback_range, switching_value

    f, unit, s = r.figures, r.case.factor, r.scenarios
    label = {1: "kr.", 1000: "1.000 kr.", 1_000_000: "mio. kr."}.get(unit, "kr.")
    dash = "–"
    share = switching_value(f)
    return [
        [BLOCK_TITLE, f"{now():%d-%m-%Y %H:%M}"],
        [f"Investering i perioden ({label})", f.total_investment / unit],
        [f"Bruttogevinst i perioden ({label})", f.total_saving / unit],
        [f"Netto i perioden ({label})", f.period_net / unit],
        [f"Årlig gevinst ved fuld indfasning ({label})", f.full_phase_in_saving / unit],
        [f"Nutidsværdi, {rate * 100:.1f} % ({label})".replace(".", ","), f.npv / unit],
        [f"Netto i perioden, pessimistisk ({label})", s.pessimistic.period_net / unit] if s else ["", ""],
        [f"Netto i perioden, optimistisk ({label})", s.optimistic.period_net / unit] if s else ["", ""],
        ["Skæringsværdi: gevinsterne kan falde med (%)", dash if share is None else round(share * 100, 2)],
        ["Kr. igen pr. investeret krone", dash if f.return_per_krone is None else round(f.return_per_krone, 4)],
        ["Tilbagebetalingsår", dash if f.payback_year is None else f.payback_year],
        ["Tilbagebetalingsår (pess.–opt.)", payback_range(s)] if s else ["", ""],
        ["Ufuldstændig: et beløb kunne ikke læses" if not f.complete else "", ""],
    ]


def _find_label(grid: list[list[Any]], text: str) -> tuple[int, int] | None:
    target = normalise(text)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and normalise(value) == target:
                return r, c
    return None


def _cell(grid: list[list[Any]], r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


COMPUTED_ROWS = ("investment", "saving_total", "net", "cumulative")


@button
def compute(book: Any, rate: float | None = None) -> list[CaseResult]:
    """Beregn: on every case sheet, a block "Beregnet af xlpy" with the case's figures, and Python's yearly
    figures in the computed rows' empty cells (a cell that shows a value, typed or formula, is left alone).

    Per case sheet that is two actions (the block's values, one number format for its amounts), plus one write per
    rectangle of empty computed cells, which only a sheet whose computed rows were left empty has (Excel sends a
    formula's result as its value, so the template's rows are never empty)."""
    from ..compute import DEFAULT_RATE

    rate = DEFAULT_RATE if rate is None else rate
    results, findings, sheets = _check(book, rate)
    grids = {s.name: s.grid for s in sheets}
    for r in results:
        case, sheet = r.case, _sheet(book, r.case.sheet)
        grid = grids[case.sheet]
        where = _find_label(grid, BLOCK_TITLE)
        if where is None:
            first_field = min((split_a1(c)[0] for c in case.label_cells.values()), default=0)
            where = (first_field, (max(case.year_cols) if case.year_cols else case.label_col) + 4)
        elif normalise(_cell(grid, where[0] + OLD_BLOCK_RATIO_ROW, where[1])) == normalise(
                "Kr. igen pr. investeret krone"):  # an older block: its kr. igen and year cells had other formats
            sheet.range(a1(where[0] + 6, where[1] + 1) + ":" + a1(where[0] + 7, where[1] + 1)).number_format = \
                "General"
        sheet.range(a1(*where)).value = _block_values(r, rate)
        first, last = BLOCK_AMOUNTS
        sheet.range(a1(where[0] + first, where[1] + 1) + ":" + a1(where[0] + last, where[1] + 1)).number_format = \
            AMOUNT_FORMAT
        _fill_empty_computed(sheet, r, grid)
    _alert(book, f"{len(results)} case(s) beregnet." if results else
           "Projektmappen har ingen caseark. Brug »Ny case« for at oprette et.")
    return results


def _fill_empty_computed(sheet: Any, r: CaseResult, grid: list[list[Any]]) -> None:
    """Python's yearly figures in the computed rows' empty cells: one write per rectangle of empty cells (the same
    years empty in neighbouring computed rows go together)."""
    case = r.case
    series = {"investment": r.figures.investment, "saving_total": r.figures.saving, "net": r.figures.net,
              "cumulative": r.figures.cumulative}
    rows = [(case.rows[key], series[key]) for key in COMPUTED_ROWS if key in case.rows]
    if not rows or not case.year_cols:
        return
    formulas = _formulas(sheet, [row.row for row, _ in rows], case.year_cols)
    runs: list[tuple[int, int, int, list[float]]] = []  # (sheet row, first year index, last year index, values)
    for row, values in sorted(rows, key=lambda x: x[0].row):
        empty = [i for i, v in enumerate(row.values)
                 if v is None and i not in case.unreadable and not formulas.get((row.row, case.year_cols[i]))
                 and _cell(grid, row.row, case.year_cols[i]) in ("", None)]
        for start, stop in _contiguous(empty):
            runs.append((row.row, start, stop, [values[i] / case.factor for i in range(start, stop + 1)]))
    blocks: list[list[Any]] = []  # [first sheet row, start, stop, rows of values]
    for sheet_row, start, stop, values in runs:
        last = blocks[-1] if blocks else None
        if last and last[1] == start and last[2] == stop and last[0] + len(last[3]) == sheet_row:
            last[3].append(values)
        else:
            blocks.append([sheet_row, start, stop, [values]])
    for sheet_row, start, _, values in blocks:
        sheet.range(a1(sheet_row, case.year_cols[start])).value = values


def _formulas(sheet: Any, rows: Sequence[int], cols: Sequence[int]) -> dict[tuple[int, int], bool]:
    """Which cells of the computed rows hold a formula: one read of the rectangle they span. Hosts that cannot say
    (the remote engine, xlwings Lite) report none; there an empty-looking cell is one with no value, which Excel
    sends for a formula only when it shows an error, and those columns are the unreadable ones, skipped by the
    caller."""
    top, bottom, left, right = min(rows), max(rows), cols[0], cols[-1]
    try:
        found = sheet.range(a1(top, left) + ":" + a1(bottom, right)).options(ndim=2).formula
    except (NotImplementedError, AttributeError):
        return {}
    if not isinstance(found, (list, tuple)):
        found = [[found]]  # one cell
    elif found and not isinstance(found[0], (list, tuple)):
        found = [found] if top == bottom else [[v] for v in found]  # one row, or one column
    out = {}
    for r in rows:
        line = found[r - top] if found and r - top < len(found) else ()
        for c in cols:
            text = line[c - left] if c - left < len(line) else None
            out[(r, c)] = isinstance(text, str) and text.startswith("=")
    return out


def _contiguous(indexes: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


# --- Opdatér overblik / Hent afdelinger --------------------------------------------------------------------------

def _stress_settings(book: Any, sheets: Sequence[Sheet] | None = None) -> tuple[Any, list[Finding]]:
    """The stress tests' settings from this workbook's "Forudsætninger" sheet (the defaults without one)."""
    from ..assumptions import SHEET, find_sheet, parse_assumptions
    from ..stress import StressSettings

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
    from ..compute import DEFAULT_RATE
    from ..consolidate import consolidate
    from ..summary import summary_layouts

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


@button
def collect_departments(book: Any, folder: str | None = None, cutoff_year: int | None = None) -> Any:
    """Hent afdelinger: consolidate the department workbooks in a folder into this workbook's summary sheets.
    The folder is the argument, else the cell next to "Afdelingsmappe" in this workbook, else a folder dialog."""
    import os

    from ..collect import check_many, find_workbooks

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
    from ..casesheet import CaseSpec, case_sheet

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
