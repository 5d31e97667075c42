"""From a grid of cell values to cases: find each case's metadata block and year table by their labels.

A grid is a list of rows, each a list of cell values as python-calamine gives them (float, str, bool, date, ""
for empty), starting at A1. Nothing is found by a fixed address: a department can insert rows, move the table,
rename the sheet, put its labels in column B or merge them over two columns, or put several cases on one sheet
(regions.py finds where each one is). Every row of a year table is read as an input (an investment or a gain), a
sub-row ("Heraf …"), a row that is not an amount, or a total; an unknown row among the inputs is read as one of them
for now, and readings.py lets the sheet's own totals decide. Findings here are about reading cells; what the values
mean is validate.py's.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import Any, Sequence

from ..cells import a1
from ..findings import Finding, Plain, finding
from .amounts import AmountReader
from .labels import (
    COUNTED_HEADER, COST_KEYS, DEFAULT_UNIT, METADATA_BY_ALIAS, NOT_CASE_SHEETS, NOT_COUNTED, TOTAL_HEADER,
    _row_key_of_text, is_table_key, normalise, row_key, row_label, realised_kind,
)
from .metadata import MetadataReader
from .model import Case, Row, text_of
from .readings import settle
from .regions import EVERYWHERE, Region, Table, Texts, find_tables, header_years, split, table_labels, text_cells
from ..read.zipguard import NoValue

Grid = Sequence[Sequence[Any]]
Merges = Sequence[tuple[tuple[int, int], tuple[int, int]]]  # ((row, col), (row, col)) of merged ranges, 0-based

SINGLE_ROWS = ("investment", "saving_total", "net", "cumulative")
UNLABELLED = "(uden tekst)"
FOLLOW_UP_FIELDS = ("follow_up_year", "deviation_reason")
BELOW = 20  # rows under a table searched for its companion and realised rows
_RECURRING_WORDS = tuple(normalise(w) for w in ("drift", "løbende", "årlig", "varig", "licens"))


def is_case_sheet_name(name: str) -> bool:
    return normalise(name) not in NOT_CASE_SHEETS


class _Reader(MetadataReader, AmountReader):
    """Reads one case from its region of a sheet; collects findings as it goes. Its metadata block and unit are read
    as metadata.py says, its amount cells as amounts.py says, its year table here."""

    def __init__(self, file: str, sheet: str, grid: Grid, texts: Texts, region: Region, merges: Merges | None):
        self.file, self.sheet, self.grid, self.texts, self.region = file, sheet, grid, texts, region
        self.merge_ends = {start: end for start, end in (merges or ())}
        self.merges_known = merges is not None
        self.bounded = region is not EVERYWHERE
        self.findings: list[Finding] = []

    def add(self, code: str, cell: str | None = None, **params: Any) -> None:
        self.findings.append(finding(code, self.file, self.sheet, cell, **params))

    def value(self, row: int, col: int) -> Any:
        if self.bounded and not self.region.holds(row, col):
            return ""
        if 0 <= row < len(self.grid):
            cells = self.grid[row]
            if 0 <= col < len(cells):
                return cells[col]
        return ""

    def row_label(self, r: int, label_col: int, first_year_col: int) -> str:
        """The row's label: in the label column, or indented into a column before the years. (For the sheet's one
        case, table() and rows_below() read it from the grid themselves.)"""
        for value in [self.value(r, c) for c in range(label_col, first_year_col)]:
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""

    # --- the year table -----------------------------------------------------------------------------------------
    def table(self, case: Case, table: Table) -> list[Row]:
        """Read the year table into the case; returns every row read (inputs, sub-rows, totals) in sheet order."""
        label_col = case.label_col = table.label_col
        case.header_row = table.header_row
        found = header_years(self.grid, table.header_row, label_col, self.region.right)
        year_cols, years = [c for c, _ in found], [y for _, y in found]
        if not years:
            self.add("years-missing", a1(max(table.first_row - 1, 0), label_col + 1))
            return []
        if years != list(range(years[0], years[0] + len(years))):  # (consecutive years: each is years[0] + i)
            for i in range(1, len(years)):  # a year is wrong on its own terms: neither after the one before nor in
                # place
                if years[i] != years[i - 1] + 1 and years[i] != years[0] + i:
                    self.add("years-not-consecutive", a1(table.header_row, year_cols[i]), after=Plain(years[i - 1]),
                             year=Plain(years[i]))
                    case.doubtful = True  # amounts by year cannot be placed with confidence
        case.years, case.year_cols = years, year_cols
        case.counted_col, case.total_col = self.header_cols(table.header_row, label_col)

        read: list[Row] = []
        broken: set[int] = set()  # year indexes where a row read so far holds no amount (#REF!, text)
        section = None  # "cost", "gain", "after_cost_total", "end": where an unknown row stands
        parent: Row | None = None
        grid, bounded, total_col, last_row = self.grid, self.bounded, case.total_col, table.last_row
        first_year, last_year_col, n_years = year_cols[0], year_cols[-1], len(year_cols)
        pick = itemgetter(*year_cols) if n_years > 1 else lambda cells: (cells[first_year],)
        r = table.header_row
        while True:
            r += 1
            cells = grid[r] if r < len(grid) else ()
            if bounded:
                label = self.row_label(r, label_col, first_year)
            elif first_year == label_col + 1:  # row_label() inlined for the sheet's one case, its label in one column
                cell = cells[label_col] if label_col < len(cells) else ""
                label = cell.strip() if isinstance(cell, str) else ""
            else:  # row_label() inlined: the first text from the label column to the years
                label = ""
                for value in cells[label_col:first_year]:
                    if isinstance(value, str) and value.strip():
                        label = value.strip()
                        break
            key = _row_key_of_text(label) if label else None  # row_key(label)
            # rows right under the last known one still belong to the table: sub-rows, and unknown rows among the
            # inputs (readings.py settles them); a blank label ends it
            if r > last_row and (not label or key not in _TRAILING and not (
                    key is None and section in ("cost", "gain"))):
                break
            # the cells under the years, read once for both questions: does the row hold values, and which (a cell
            # past the end of a short row is blank)
            raw = pick(cells) if len(cells) > last_year_col else tuple(
                cells[c] if c < len(cells) else "" for c in year_cols)
            kinds = {*map(type, raw)}
            if kinds == _ALL_FLOAT or kinds == _ALL_STR or kinds == _ALL_NO_VALUE:
                has_values = any(raw)  # a value is a float other than ±0.0 (NaN is one) or a text other than "": what
                # `not in _NOTHING` says of these types (NoValue equals "")
            else:
                has_values = any(v not in _NOTHING for v in raw)
            if not label and not has_values:
                continue
            label = label or UNLABELLED
            assumed = False
            if key is None:
                if section == "cost":
                    norm = normalise(label)
                    key = "recurring" if any(w in norm for w in _RECURRING_WORDS) else "one_off"
                    assumed = True
                elif section in ("gain", "after_cost_total"):
                    key, assumed = "saving", True
                elif section is None:
                    if has_values:
                        self.add("row-unplaced", a1(r, label_col), label=label)
                        case.doubtful = True
                    continue
                else:
                    if has_values:
                        self.add("row-ignored", a1(r, label_col), label=label)
                    continue
            if key == "note":
                if has_values:
                    self.add("row-not-amount", a1(r, label_col), label=label)
                continue
            if key in ("companion", "realised"):  # shown beside the table, never counted in it
                self.beside(case, r, label, key)
                continue
            if key in SINGLE_ROWS and key in case.rows:
                self.add("label-duplicate", a1(r, label_col), label=label, first=a1(case.rows[key].row, label_col))
                continue
            is_input = key in COST_KEYS or key in ("saving", "sub")
            blank = 0.0 if is_input else None
            from_text: Sequence[int] = ()
            # what amounts() gives, without its call, for the rows most tables are made of: numbers as they are; a
            # blank row; a computed row of formulas nobody calculated (nothing to check)
            if kinds == _ALL_FLOAT:
                values, unreadable = list(raw), ()
            elif not has_values and (kinds == _ALL_STR or (kinds == _ALL_NO_VALUE and blank is None)):
                values, unreadable = [blank] * n_years, ()
            else:
                mark = len(self.findings)
                values, unreadable, from_text = self.amounts(r, label, year_cols, blank)
                if not is_input and unreadable:
                    self.carried_errors(mark, r, key, year_cols, unreadable, broken)
            if key != "sub":  # "Heraf" rows feed no formula
                broken.update(unreadable)
            if total_col is None:
                total = None
            elif bounded:
                total = self.total(r, total_col)
            else:  # total() inlined: what the row's "I alt" cell shows, when it is a number
                shown = cells[total_col] if total_col < len(cells) else ""
                total = float(shown) if shown.__class__ in (float, int) else None
            row = Row(key, label, r, values, True, assumed, total)  # counted, assumed, total: positional is faster
            if from_text:
                row.from_text = tuple(from_text)
            read.append(row)
            if key == "sub":
                row.parent, row.counted = parent, False
                case.subrows.append(row)
                continue
            if unreadable and (key in COST_KEYS or key == "saving"):
                case.unreadable.update(unreadable)
            if key in COST_KEYS:
                case.costs.append(row)
                case.rows.setdefault(key, row)
                section = "cost"
            elif key == "saving":
                if case.counted_col is not None:
                    row.counted = normalise(text_of(self.value(r, case.counted_col))) not in NOT_COUNTED
                case.gains.append(row)
                section = "gain"
            else:
                case.rows[key] = row
                section = "after_cost_total" if key == "investment" else "end"
            parent = row

        self.rows_below(case, r)
        if any(f.code == "row-unplaced" for f in self.findings):
            return read  # the rows are there without their names: that is the finding, not a missing row
        if not case.costs:
            self.add("table-incomplete", a1(table.first_row, label_col), row=row_label("one_off"))
        if not case.gains:
            self.add("table-incomplete", a1(table.first_row, label_col), row=row_label("saving"))
        self.empty_year_columns(case)
        return read

    def carried_errors(self, mark: int, r: int, key: str, year_cols: list[int], unreadable: list[int],
                       broken: set[int]) -> None:
        """A computed row's error values that its formulas carry from a row above (#REF! in Gevinst 2028 shows in
        Besparelse i alt, Nettoresultat and Akk. 2028, and in Akk. every year after): no findings of their own, since
        the error where it starts is the one finding. The cumulative row also carries its own earlier errors."""
        first = min(broken, default=None)
        carried = set()
        for i in unreadable:
            if i in broken or (key == "cumulative" and first is not None and first <= i):
                carried.add(a1(r, year_cols[i]))
            if key == "cumulative" and (first is None or i < first):
                first = i
        if carried:
            self.findings[mark:] = [f for f in self.findings[mark:]
                                    if not (f.code == "error-value" and f.cell in carried)]

    def beside(self, case: Case, r: int, label: str, key: str) -> None:
        """A low/high companion or a realised row: read (blank cells stay None: a realised figure not yet known, or
        an estimate the same as the base)."""
        realised = key == "realised"
        values, _, _ = self.amounts(r, label, case.year_cols, None)
        case.beside.append(Row(realised_kind(label) if realised else key, label, r, values, counted=False))

    def rows_below(self, case: Case, start: int) -> None:
        """Companion and realised rows a few rows under the table (after a blank line or a heading such as
        "Usikkerhed" or "Opfølgning"), up to the next table or metadata label."""
        grid, label_col, first_year = self.grid, case.label_col, case.year_cols[0]
        for r in range(start, min(start + BELOW, self.region.bottom, len(self.grid))):
            if self.bounded:
                label = self.row_label(r, label_col, first_year)
            else:  # row_label() inlined, as in table()
                label = ""
                for value in grid[r][label_col:first_year]:
                    if isinstance(value, str) and value.strip():
                        label = value.strip()
                        break
            if not label:
                continue
            what = _below_table(label)
            if what == "end":
                return
            if what is not None:
                self.beside(case, r, label, what)

    def total(self, r: int, total_col: int | None) -> float | None:
        if total_col is None:
            return None
        value = self.value(r, total_col)
        return float(value) if value.__class__ in (float, int) else None

    def header_cols(self, header_row: int, label_col: int) -> tuple[int | None, int | None]:
        """The "Medregnes" and the "I alt" column of the header row: the first cell right of the label column that
        names each, or None."""
        cells = self.grid[header_row] if header_row < len(self.grid) else []
        counted = total = None
        for c in range(label_col + 1, min(len(cells), self.region.right)):
            if isinstance(cells[c], str) and cells[c]:
                norm = normalise(cells[c])
                if counted is None and norm in COUNTED_HEADER:
                    counted = c
                if total is None and norm in TOTAL_HEADER:
                    total = c
        return counted, total

    def empty_year_columns(self, case: Case) -> None:
        inputs = case.input_rows()
        if not inputs:
            return
        # by year: does an input row hold an amount other than 0 (every row read here has one value per year)
        filled = [any(column) for column in zip(*(r.values for r in inputs))]
        if not any(filled):  # case.has_amounts()
            return  # a case with no amounts at all is one finding (no-yearly-figures), not one per year
        if self.bounded:  # value() shows only the region's cells; amounts were read from the whole row
            filled = [False] * len(filled)
        for i, c in enumerate(case.year_cols):
            # an amount other than 0 comes from a cell that is not blank (amount()): only other columns are looked at
            if not filled[i] and all(self.value(r.row, c) in ("", None) for r in inputs):
                self.add("year-column-empty", a1(case.header_row, c), year=Plain(case.years[i]))


_TRAILING = ("sub", "companion", "realised")  # rows under a table's last known row that still belong to it
_NOTHING = ("", None, 0.0)  # cells that do not make a row one with values (False == 0.0 is among them)
# the cell types of a row of numbers; of a row of texts (blank: all ""); of a computed row nobody calculated
_ALL_FLOAT, _ALL_STR, _ALL_NO_VALUE = frozenset({float}), frozenset({str}), frozenset({NoValue})


@lru_cache(maxsize=4096)  # the same few labels ("Usikkerhed", notes) under every table
def _below_table(label: str) -> str | None:
    """What a labelled row under a table is to rows_below(): "companion" or "realised" (a row read beside the table),
    "end" (a table row or a metadata label: the next block), None (anything else, and the Opfølgning block's fields:
    passed over)."""
    key = row_key(label)
    if key in ("companion", "realised"):
        return key
    field = METADATA_BY_ALIAS.get(normalise(label))
    if field in FOLLOW_UP_FIELDS:
        return None  # the Opfølgning block's fields; an Usikkerhed block may follow
    return "end" if is_table_key(key) or field else None


def _table_not_found(file: str, sheet: str, grid: Grid, texts: Texts, by_col: dict[int, list[int]],
                     merges: Merges | None) -> list[Finding]:
    """A sheet that holds a case — a Case nr. or a title, and rows such as Driftsudgifter and Gevinst under each
    other — but no year table that can be read: one fejl, so the case is not left out in silence."""
    rows = next((rows for _, rows in sorted(by_col.items()) if len(rows) >= 2), None)
    fields_by_col: dict[int, set[str]] = {}  # a case's block: its field labels under each other (Case nr., Titel, …)
    for _, c, _, norm in texts:
        if norm in METADATA_BY_ALIAS:
            fields_by_col.setdefault(c, set()).add(METADATA_BY_ALIAS[norm])
    if rows is None or not any(len(f) >= 2 and f & {"case_nr", "title"} for f in fields_by_col.values()):
        return []  # no case block (a table of xlpy's own, such as Ændringer, has these words side by side)
    case = Case(file=file, sheet=sheet, fields={}, field_cells={}, label_cells={})
    _Reader(file, sheet, grid, texts, EVERYWHERE, merges).metadata(case, set(), -1)
    if not case.case_nr and not case.title:
        return []
    col = min(c for c, r in by_col.items() if r is rows)
    return [finding("table-not-found", file, sheet, a1(rows[0], col), case=case.case_nr or case.title)]


def parse_sheet(file: str, sheet: str, grid: Grid, hidden: bool = False,
                merges: Merges | None = None) -> tuple[list[tuple[Case, list[Finding]]], list[Finding]]:
    """Read one sheet: each of its cases with the findings of reading it (none when it is not a case sheet), and
    the findings about the sheet itself."""
    texts = text_cells(grid)
    by_col = table_labels(texts)
    tables = find_tables(grid, texts, by_col)
    if not tables:
        return [], _table_not_found(file, sheet, grid, texts, by_col, merges)
    regions = split(grid, texts, tables)
    if regions is None:
        return [], [finding("tables-unclear", file, sheet, "A1", count=Plain(len(tables)))]
    cases: list[tuple[Case, list[Finding]]] = []
    for table, region in zip(tables, regions):
        own = texts if region is EVERYWHERE else [t for t in texts if region.holds(t[0], t[1])]
        reader = _Reader(file, sheet, grid, own, region, merges)
        case = Case(file=file, sheet=sheet, fields={}, field_cells={}, label_cells={}, hidden=hidden,
                    unit=DEFAULT_UNIT)
        read = reader.table(case, table)
        reader.metadata(case, {r.row for r in read}, case.label_col)
        reader.unit(case, read)
        settle(case, reader.add)
        cases.append((case, reader.findings))
    return cases, [finding("sheet-hidden", file, sheet, "A1")] if hidden else []

