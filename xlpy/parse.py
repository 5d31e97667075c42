"""From a grid of cell values to a Case: find the metadata block and the year table by their labels.

A grid is a list of rows, each a list of cell values as python-calamine gives them (float, str, bool, date, ""
for empty), starting at A1. Nothing is found by a fixed address: a department can insert rows, move the table or
rename the sheet. Findings here are about reading cells (a number stored as text, a range, a missing row); rules
about what the values mean live in validate.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from .cells import a1
from .findings import Finding, Plain, finding
from .labels import (
    COUNTED_HEADER, DEFAULT_LISTS, LIST_FIELDS, METADATA_BY_ALIAS, NOT_COUNTED, NOT_CASE_SHEETS, TOTAL_HEADER,
    UNIT_BY_ALIAS,
    _normalise, metadata_label, normalise, row_key, row_key_of, row_label,
)
from .model import Case, Row, text_of
from .numbers import parse_number_text
from .zipguard import NoValue

Grid = Sequence[Sequence[Any]]

INPUT_ROWS = ("one_off", "recurring")
COMPUTED_ROWS = ("investment", "saving_total", "net", "cumulative")
SINGLE_ROWS = INPUT_ROWS + COMPUTED_ROWS
MIN_YEAR, MAX_YEAR = 1990, 2200


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and MIN_YEAR <= value <= MAX_YEAR:
        return int(value)
    if isinstance(value, str):
        text = value.strip().rstrip("*")
        if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
            return int(text)
    return None


Texts = list[tuple[int, int, str, str]]  # (row, column, text, normalised text) of every non-empty text cell


def text_cells(grid: Grid) -> Texts:
    """Every text cell of a grid, with its normalised form: the one pass over the grid that finds labels."""
    out = []
    append, norm = out.append, _normalise
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value.__class__ is str and value:
                append((r, c, value, norm(value)))
    return out


def looks_like_case_sheet(grid: Grid, texts: Texts | None = None) -> bool:
    """A case sheet holds a year table: at least two of its row labels (or one and a Case nr. label)."""
    keys: set[str] = set()
    has_case_nr = False
    for _, _, _, norm in (text_cells(grid) if texts is None else texts):
        key = row_key_of(norm)
        if key:
            keys.add(key)
            if len(keys) >= 2:
                return True
        elif METADATA_BY_ALIAS.get(norm) == "case_nr":
            has_case_nr = True
    return bool(keys) and has_case_nr


def is_case_sheet_name(name: str) -> bool:
    return normalise(name) not in NOT_CASE_SHEETS


class _Reader:
    """Reads one sheet; collects findings as it goes."""

    def __init__(self, file: str, sheet: str, grid: Grid, texts: Texts):
        self.file, self.sheet, self.grid, self.texts = file, sheet, grid, texts
        self.findings: list[Finding] = []

    def add(self, code: str, cell: str | None = None, **params: Any) -> None:
        self.findings.append(finding(code, self.file, self.sheet, cell, **params))

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.grid):
            cells = self.grid[row]
            if 0 <= col < len(cells):
                return cells[col]
        return ""

    # --- metadata -----------------------------------------------------------------------------------------------
    def metadata(self, case: Case, skip_rows: set[int], label_col: int) -> None:
        for r, c, value, norm in self.texts:
            if r in skip_rows:
                continue
            name = METADATA_BY_ALIAS.get(norm)
            if name is None or (c == label_col and row_key_of(norm)):
                continue
            if name in case.label_cells:
                other = self.value(r, c + 1)
                if other not in ("", None) and text_of(other) != case.text(name):
                    self.add("label-duplicate", a1(r, c), label=metadata_label(name), first=case.field_cells[name])
                continue
            case.label_cells[name] = a1(r, c)
            case.field_cells[name] = a1(r, c + 1)
            raw = self.value(r, c + 1)
            case.fields[name] = raw.strip() if isinstance(raw, str) else raw

    def unit(self, case: Case) -> None:
        raw = case.fields.get("unit")
        if raw is None or not text_of(raw):
            self.add("unit-missing", case.cell_of("unit") or a1(case.header_row, case.label_col))
            return
        unit = UNIT_BY_ALIAS.get(normalise(text_of(raw)))
        if unit is None:
            self.add("unit-unknown", case.cell_of("unit"), value=text_of(raw))
        else:
            case.unit = unit

    # --- amounts ------------------------------------------------------------------------------------------------
    def amount(self, raw: Any, row: int, col: int, blank: float | None) -> tuple[float | None, bool]:
        """(value, readable). Blank cells give `blank`; unreadable ones (None, False) with a finding."""
        if raw.__class__ is NoValue:  # a formula nobody calculated: unknown, not 0 (computed rows: nothing to check)
            if blank is None:
                return None, True
            self.add("formula-no-value", a1(row, col))
            return None, False
        if raw is None or raw == "":
            return blank, True
        cell = a1(row, col)
        if isinstance(raw, bool):
            self.add("wrong-type-in-number", cell, kind=_kind_name(raw))
            return None, False
        if isinstance(raw, (int, float)):
            return float(raw), True
        if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            self.add("wrong-type-in-number", cell, kind=_kind_name(raw))
            return None, False
        text = str(raw)
        if not text.strip():
            return blank, True
        read = parse_number_text(text)
        if read.kind == "number":
            assert read.value is not None
            if read.ambiguous:
                self.add("number-ambiguous", cell, raw=text.strip(), value=Plain(read.value),
                         other=Plain(_english_reading(text)))
            else:
                self.add("number-as-text", cell, raw=text.strip(), value=Plain(read.value))
            return read.value, True
        if read.kind == "dash":
            self.add("dash-as-zero", cell, raw=text.strip())
            return 0.0, True
        if read.kind == "range":
            self.add("range-not-number", cell, raw=text.strip())
            return None, False
        self.add("text-in-number", cell, raw=text.strip()[:60])
        return None, False

    # --- the year table -----------------------------------------------------------------------------------------
    def table(self, case: Case) -> bool:
        labelled = [(r, c, key) for r, c, _, norm in self.texts if (key := row_key_of(norm))]
        if not labelled:
            return False
        by_col: dict[int, int] = {}
        for _, c, _ in labelled:
            by_col[c] = by_col.get(c, 0) + 1
        label_col = max(sorted(by_col), key=lambda c: by_col[c])
        table_rows = [(r, key) for r, c, key in labelled if c == label_col]
        first_row = table_rows[0][0]
        case.label_col = label_col

        header_row, year_cols, years = self.header(first_row, label_col)
        case.header_row = header_row
        if not years:
            self.add("years-missing", a1(max(first_row - 1, 0), label_col + 1))
            return True
        for i in range(1, len(years)):
            if years[i] != years[i - 1] + 1:
                self.add("years-not-consecutive", a1(header_row, year_cols[i]), after=Plain(years[i - 1]),
                         year=Plain(years[i]))
        case.years, case.year_cols = years, year_cols
        counted_col = self.header_col(header_row, label_col, COUNTED_HEADER)
        case.counted_col = counted_col

        seen_investment = seen_end = False
        last_row = table_rows[-1][0]
        for r in range(header_row + 1, last_row + 1):
            label = self.value(r, label_col)
            if not isinstance(label, str) or not label.strip():
                continue
            key = row_key(label)
            if key is None:
                if seen_investment and not seen_end:
                    key = "saving"  # a named gain row between the investments and the totals
                else:
                    if any(self.value(r, c) not in ("", None) for c in year_cols):
                        self.add("row-ignored", a1(r, label_col), label=label.strip())
                    continue
            if key in ("one_off", "recurring", "investment"):
                seen_investment = True
            if key in ("saving_total", "net", "cumulative"):
                seen_end = True
            if key in SINGLE_ROWS and key in case.rows:
                self.add("label-duplicate", a1(r, label_col), label=label.strip(),
                         first=a1(case.rows[key].row, label_col))
                continue
            is_input = key in INPUT_ROWS or key == "saving"
            blank = 0.0 if is_input else None
            cells = self.grid[r]
            width = len(cells)
            values: list[float | None] = []
            for i, c in enumerate(year_cols):
                raw = cells[c] if c < width else ""
                if raw.__class__ is float:  # the common case, without a call
                    values.append(raw)
                    continue
                value, readable = self.amount(raw, r, c, blank)
                values.append(value)
                if is_input and not readable:
                    case.unreadable.add(i)
            row = Row(key, label.strip(), r, values)
            if key == "saving":
                if counted_col is not None:
                    row.counted = normalise(text_of(self.value(r, counted_col))) not in NOT_COUNTED
                case.gains.append(row)
            else:
                case.rows[key] = row

        for key in ("one_off", "recurring"):
            if key not in case.rows:
                self.add("table-incomplete", a1(first_row, label_col), row=row_label(key))
        if not case.gains:
            self.add("table-incomplete", a1(first_row, label_col), row=row_label("saving"))
        self.empty_year_columns(case)
        return True

    def header(self, first_row: int, label_col: int) -> tuple[int, list[int], list[int]]:
        for r in range(first_row - 1, max(first_row - 4, -1), -1):
            cols, years = [], []
            for c in range(label_col + 1, len(self.grid[r]) if r < len(self.grid) else 0):
                value = self.value(r, c)
                year = _year(value)
                if year is not None:
                    cols.append(c)
                    years.append(year)
                elif isinstance(value, str) and normalise(value) in TOTAL_HEADER + COUNTED_HEADER:
                    break
            if years:
                return r, cols, years
        return max(first_row - 1, 0), [], []

    def header_col(self, header_row: int, label_col: int, names: tuple[str, ...]) -> int | None:
        cells = self.grid[header_row] if header_row < len(self.grid) else []
        for c in range(label_col + 1, len(cells)):
            if isinstance(cells[c], str) and normalise(cells[c]) in names:
                return c
        return None

    def empty_year_columns(self, case: Case) -> None:
        inputs = [case.rows.get("one_off"), case.rows.get("recurring"), *case.gains]
        inputs = [r for r in inputs if r]
        if not inputs or not case.has_amounts():
            return  # a case with no amounts at all is one finding (no-yearly-figures), not one per year
        for i, c in enumerate(case.year_cols):
            if all(self.value(r.row, c) in ("", None) for r in inputs):
                self.add("year-column-empty", a1(case.header_row, c), year=Plain(case.years[i]))


def _english_reading(text: str) -> float:
    """What an ambiguous text would be in English notation ("1,561" -> 1561, "0.625" -> 0.625)."""
    cleaned = text.strip().rstrip("*").replace(" ", "")
    sign = -1 if cleaned[:1] in "-\u2013\u2212" else 1
    cleaned = cleaned.lstrip("-\u2013\u2212")
    try:
        return sign * float(cleaned.replace(",", ""))
    except ValueError:
        return float("nan")


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "en sandhedsværdi (SAND/FALSK)"
    if isinstance(value, (dt.date, dt.datetime)):
        return "en dato"
    return "et klokkeslæt"


def parse_case_sheet(file: str, sheet: str, grid: Grid, hidden: bool = False) -> tuple[Case | None, list[Finding]]:
    """Read one sheet. Returns (None, []) when the sheet is not a case sheet."""
    texts = text_cells(grid)
    if not looks_like_case_sheet(grid, texts):
        return None, []
    reader = _Reader(file, sheet, grid, texts)
    case = Case(file=file, sheet=sheet, fields={}, field_cells={}, label_cells={}, hidden=hidden)
    reader.table(case)
    table_rows = {r.row for r in (*case.rows.values(), *case.gains)}
    reader.metadata(case, table_rows, case.label_col)
    reader.unit(case)
    if hidden:
        reader.add("sheet-hidden", "A1")
    return case, reader.findings


def parse_lists(grid: Grid) -> dict[str, tuple[str, ...]]:
    """The allowed values from a "Lister" sheet: a header row naming the fields, values below each."""
    lists: dict[str, tuple[str, ...]] = {}
    for r, cells in enumerate(grid[:10]):
        for c, value in enumerate(cells):
            name = METADATA_BY_ALIAS.get(normalise(value))
            if name in LIST_FIELDS and name not in lists:
                values = []
                for below in grid[r + 1:]:
                    item = below[c] if c < len(below) else ""
                    if item in ("", None):
                        break
                    values.append(text_of(item))
                lists[name] = tuple(values)
    return {name: lists.get(name, DEFAULT_LISTS[name]) for name in LIST_FIELDS}
