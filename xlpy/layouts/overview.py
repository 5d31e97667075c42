"""The Overblik sheet: one row per case (an Excel Table with its own totals row, a link to each case's source), its
column widths and row heights fitted to what the cells show."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from ..cells import column_letter
from ..layout import Cell, Formula, SheetLayout, TableTotals
from . import measure
from .findings import sheet_link
from .fit import CELL_MARGIN, fit_header_height, fit_row_heights, fit_widths

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation


THOUSAND = 1000.0
DASH = "–"
OVERVIEW_COLUMNS = (
    ("Nr.", "text"), ("Udvalg", "text"), ("Område", "text"), ("Titel", "text"), ("Forvaltning", "text"),
    ("Type", "text"), ("Periode", "text"), ("Årlig gevinst ved fuld indfasning (1.000 kr.)", "amount"),
    ("Samlet effektivisering i perioden (1.000 kr.)", "amount"), ("Investering i alt (1.000 kr.)", "amount"),
    ("Kr. igen pr. krone", "ratio"), ("Tilbagebetalingsår", "year"), ("Tilbagebetalingsår (opt.–pess.)", "year"),
    ("Nutidsværdi (1.000 kr.)", "amount"),
    ("Realiserbarhed", "realisability"), ("Status", "text"), ("I summen", "text"), ("Fejl", "integer"),
    ("Kilde", "link"),
)
OVERVIEW_COLUMN = {title: i for i, (title, _) in enumerate(OVERVIEW_COLUMNS)}
NUMERIC = ("amount", "ratio", "integer")  # right-aligned, headers too
CENTERED = ("year", "realisability")  # one short value under a long header
IN_TOTALS = {"opgivet": "Nej – opgivet", "duplicate": "Nej – dublet"}  # why a listed case is not summed
INCOMPLETE = "Ja – ufuldstændig"  # summed with what could be read; a fejl says what is missing
SUMMED = ("Ja", INCOMPLETE)  # the "I summen" texts of the cases the totals run over


def in_totals_text(c: "Consolidation", result) -> str:
    reason = c.left_out.get(id(result))
    if reason is not None:
        return IN_TOTALS[reason]
    return "Ja" if result.figures.complete else INCOMPLETE


# --- what a cell takes on the screen ---------------------------------------------------------------------------

def source_link(file: str, sheet: str, in_book: str | None, link_base: str | None) -> str:
    if in_book is not None:
        return sheet_link(sheet, "A1")
    return f"{_file_target(file, link_base)}{sheet_link(sheet, 'A1')}" if sheet else _file_target(file, link_base)


@lru_cache(maxsize=1 << 14)
def _file_target(file: str, link_base: str | None) -> str:
    target = file
    if link_base is not None:
        try:
            target = os.path.relpath(file, link_base)
        except ValueError:  # another drive on Windows
            target = os.path.abspath(file)
    return target.replace(os.sep, "/")


def realisability_value(value) -> float | str | None:
    """Realiserbarhed as a number where it is one (shown "2" or "2,5" by the General format), else its text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value) if value not in (None, "") else None


def _counted_sum(col: str, flags: str, first: int, last: int) -> str:
    """The sum of the visible rows of `col` whose "I summen" (`flags`) is one of SUMMED: what a filter leaves of
    the cases the totals run over (SUBTOTAL(109, …) per row skips what the filter hides)."""
    rows = f"{col}{first}:{col}{last}"
    test = "+".join(f'({flags}{first}:{flags}{last}="{s}")' for s in SUMMED)
    return f"SUMPRODUCT(SUBTOTAL(109,OFFSET({col}{first},ROW({rows})-ROW({col}{first}),0)),--({test}))"


def _overview_totals(sheet: SheetLayout, c: "Consolidation", row: int) -> TableTotals:
    """The Table's totals row: the cases in the totals (of those the filter shows), their sums, and kr. igen pr. krone
    of those sums; the values Python computed are the cached results."""
    first, last = 3, row  # 1-based rows of the data
    col = {title: column_letter(i) for title, i in OVERVIEW_COLUMN.items()}
    flags = col["I summen"]
    counted = [r for r in c.results if c.counted(r)]
    with_amounts = [r for r in counted if r.figures.has_amounts]
    totals = TableTotals(row)
    sheet.put(row, OVERVIEW_COLUMN["Nr."], "I alt", "total_label")
    totals.labels[OVERVIEW_COLUMN["Nr."]] = "I alt"
    rows = f"{flags}{first}:{flags}{last}"
    visible_rows = (f"SUMPRODUCT(SUBTOTAL(103,OFFSET({flags}{first},ROW({rows})-ROW({flags}{first}),0)),"
                    f'--(({rows}="{SUMMED[0]}")+({rows}="{SUMMED[1]}")))')
    title = Formula(f'={visible_rows}&" cases i summen"', f"{len(counted)} cases i summen")
    sheet.put(row, OVERVIEW_COLUMN["Titel"], title, "total_label")
    totals.formulas[OVERVIEW_COLUMN["Titel"]] = title.text
    sums = {
        "Årlig gevinst ved fuld indfasning (1.000 kr.)": sum(r.figures.full_phase_in_saving for r in with_amounts),
        "Samlet effektivisering i perioden (1.000 kr.)": sum(r.figures.period_net for r in with_amounts),
        "Investering i alt (1.000 kr.)": sum(r.figures.total_investment for r in with_amounts),
        "Nutidsværdi (1.000 kr.)": sum(r.figures.npv for r in with_amounts),
    }
    for name, value in sums.items():
        formula = Formula(f"={_counted_sum(col[name], flags, first, last)}", round(value / THOUSAND, 6))
        sheet.put(row, OVERVIEW_COLUMN[name], formula, "amount_bold")
        totals.formulas[OVERVIEW_COLUMN[name]] = formula.text
    net = _counted_sum(col["Samlet effektivisering i perioden (1.000 kr.)"], flags, first, last)
    invested = _counted_sum(col["Investering i alt (1.000 kr.)"], flags, first, last)
    investment = sums["Investering i alt (1.000 kr.)"]
    ratio = Formula(f'=IF({invested}>0,({net}+{invested})/{invested},"{DASH}")',
                    round((sums["Samlet effektivisering i perioden (1.000 kr.)"] + investment) / investment, 6)
                    if investment > 0 else DASH)
    sheet.put(row, OVERVIEW_COLUMN["Kr. igen pr. krone"], ratio, "ratio")
    totals.formulas[OVERVIEW_COLUMN["Kr. igen pr. krone"]] = ratio.text
    errors = Formula(f"=SUBTOTAL(109,{col['Fejl']}{first}:{col['Fejl']}{last})", sum(c.errors_by_case.values()))
    sheet.put(row, OVERVIEW_COLUMN["Fejl"], errors, "integer")
    totals.formulas[OVERVIEW_COLUMN["Fejl"]] = errors.text
    return totals


def _case_style(col: int, kind: str, text: bool) -> str:
    """The style of a case row's cell in column `col` (of `kind`), for a text (`text`) or any other value."""
    if col == OVERVIEW_COLUMN["Titel"]:
        return "wrap"
    if col == OVERVIEW_COLUMN["Nr."]:
        return "text_left_top"  # Nr. is a name ("3", "AM-1"): text, left as text is
    if text:  # "–" stands where the numbers do
        return "text_right_top" if kind in NUMERIC else "text_center_top" if kind in CENTERED else "text_top"
    return {"realisability": "general_center", "year": "year_center"}.get(kind, kind) + "_top"


# Per column of a case row (Kilde, the link, apart): its style for a text, and for anything else (a number, blank).
TEXT_STYLES = tuple(_case_style(col, kind, True) for col, (_, kind) in enumerate(OVERVIEW_COLUMNS[:-1]))
VALUE_STYLES = tuple(_case_style(col, kind, False) for col, (_, kind) in enumerate(OVERVIEW_COLUMNS[:-1]))
BOUNDS = {OVERVIEW_COLUMN["Titel"]: (30, 50), OVERVIEW_COLUMN["Kilde"]: (20, 60)}  # longer titles wrap; links run on


def overview_layout(c: "Consolidation", made: str, in_book: str | None = None,
                    link_base: str | None = None) -> SheetLayout:
    sheet = SheetLayout("Overblik", freeze="E3", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    headers = [sheet.put(1, col, title, "header_wrap_right" if kind in NUMERIC else
                         "header_wrap_center" if kind in CENTERED else "header_wrap")
               for col, (title, kind) in enumerate(OVERVIEW_COLUMNS)]
    cells = sheet.cells  # appended to directly: 19 cells a case, 190.000 for 10.000 cases
    titles: list[Cell] = []
    sources: list[str] = []
    kilde = OVERVIEW_COLUMN["Kilde"]
    for r, result in enumerate(c.results, start=2):
        case, f = result.case, result.figures
        values = [
            case.case_nr, case.text("committee"), case.text("area"), case.title, case.text("department"),
            case.text("type"),
            case.text("period") or (f"{f.years[0]}–{f.years[-1]}" if f.has_amounts and f.years else ""),
            f.full_phase_in_saving / THOUSAND if f.has_amounts else None,
            f.period_net / THOUSAND if f.has_amounts else None,
            f.total_investment / THOUSAND if f.has_amounts else None,
            DASH if f.return_per_krone is None else round(f.return_per_krone, 4),
            DASH if f.payback_year is None else f.payback_year,
            _payback_range(result),
            f.npv / THOUSAND if f.has_amounts else None,
            realisability_value(case.fields.get("realisability")),
            case.text("status"),
            in_totals_text(c, result),
            c.errors_by_case.get(id(result), 0),
        ]
        cells += [Cell(r, col, value, TEXT_STYLES[col] if isinstance(value, str) else VALUE_STYLES[col])
                  for col, value in enumerate(values)]
        titles.append(cells[-len(values) + OVERVIEW_COLUMN["Titel"]])
        name = os.path.basename(case.file)
        source = f"{name} › {case.sheet}" if in_book is None else case.sheet
        sources.append(source)
        cells.append(Cell(r, kilde, source, "link_top", source_link(case.file, case.sheet, in_book, link_base)))
    last_row = len(c.results) + 1
    last_col = column_letter(len(OVERVIEW_COLUMNS) - 1)
    if not c.results:
        sheet.put(2, 0, "Ingen cases fundet.", "note")
        sheet.table = ("xlpyOverblik", f"A2:{last_col}3")
    else:
        sheet.table = ("xlpyOverblik", f"A2:{last_col}{last_row + 1}")
        sheet.text_numbers.append(f"A3:A{last_row + 1}")
        sheet.totals = _overview_totals(sheet, c, last_row + 1)
    fit_widths(sheet, minimum=7, maximum=30, skip_rows=2, table_header=1, skip_cols=BOUNDS)
    # Titel and Kilde: as wide as their widest text in a case row, within bounds (their headers wrap, fit below)
    for col, texts in ((OVERVIEW_COLUMN["Titel"], [cell.value for cell in titles]), (kilde, sources)):
        low, high = BOUNDS[col]
        widest = max(map(measure.columns, set(filter(None, texts))), default=0.0)  # each distinct text once
        sheet.widths[col] = round(max(low, min(high, widest + CELL_MARGIN)) + 0.49)
    fit_header_height(sheet, 1, table=True, cells=headers)
    fit_row_heights(sheet, OVERVIEW_COLUMN["Titel"], 2, cells=titles)
    sheet.repeat_rows = (1, 1)
    if c.results:  # on paper, everything but the links (Kilde)
        sheet.print_area = f"A1:{column_letter(OVERVIEW_COLUMN['Kilde'] - 1)}{last_row + 2}"
    return sheet


def _payback_range(result) -> int | str | None:
    """Tilbagebetalingsår (opt.–pess.): blank for a case without low and high estimates; one year as a number."""
    if result.scenarios is None:
        return None
    from ..figures.scenarios import payback_range

    text = payback_range(result.scenarios)
    return int(text) if text.isdigit() else text

