"""Beregn: Python's figures on every case sheet, in a block beside the table ("Beregnet af xlpy"), in one write
and one number format per sheet; computed rows the sheet shows empty are filled once."""

from __future__ import annotations

from typing import Any, Sequence

from ..cells import a1, split_a1
from ..sheet.labels import normalise
from ..portfolio.pipeline import CaseResult
from .host import _alert, _cell, _check, _find_label, _sheet, button

BLOCK_TITLE = "Beregnet af xlpy"


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
    from ..figures.scenarios import payback_range, switching_value

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
        ["Tilbagebetalingsår (opt.–pess.)", payback_range(s)] if s else ["", ""],
        ["Ufuldstændig: et beløb kunne ikke læses" if not f.complete else "", ""],
    ]


COMPUTED_ROWS = ("investment", "saving_total", "net", "cumulative")


@button
def compute(book: Any, rate: float | None = None) -> list[CaseResult]:
    """Beregn: on every case sheet, a block "Beregnet af xlpy" with the case's figures, and Python's yearly
    figures in the computed rows' empty cells (a cell that shows a value, typed or formula, is left alone).

    Per case sheet that is two actions (the block's values, one number format for its amounts), plus one write per
    rectangle of empty computed cells, which only a sheet whose computed rows were left empty has (Excel sends a
    formula's result as its value, so the template's rows are never empty)."""
    from ..figures.compute import DEFAULT_RATE

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
