"""Where the cases are on a sheet: its year tables, and which part of the sheet belongs to each.

Most sheets hold one case. Some departments stack several cases on one sheet (each metadata block above its
table) or put them side by side; an overview can hold many tables. A year table is a column of row labels
(Engangsinvestering, Gevinst, …) under a header row with years. With one table the whole sheet is its case; with
several, each needs its own Case nr. label above or beside it, or the sheet is one finding — never merged figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import Any, Sequence

from .labels import (COUNTED_HEADER, METADATA_BY_ALIAS, TOTAL_HEADER, _normalise, is_table_label, normalise,
                     row_key)

Grid = Sequence[Sequence[Any]]
Texts = list[tuple[int, int, str, str]]  # (row, column, text, normalised text) of every non-empty text cell
MIN_YEAR, MAX_YEAR = 1990, 2200
HEADER_SEARCH = 4  # rows above a table's first label where its header row may be

# "2026", "2026*", "B2026", "B 2026", "BO1 2027", "BO 3 2029", "Budget 2026", "Budgetår 2026", "Overslagsår 2027",
# "R2025", "Regnskab 2025", "2026 (B)": a year with the budget's own words around it.
_YEAR_TEXT = re.compile(
    r"^(?:(?:b|bo\s*\d?|bf|budget(?:år)?|overslag(?:sår)?\s*\d?|os\s*\d?|r|regnskab|forventet|estimat|år)"
    r"\s*[-:.]?\s*)?((?:19|20|21)\d\d)\s*\*?\s*(?:\([^()]{0,12}\))?\s*\*?$", re.IGNORECASE)


def year_of(value: Any) -> int | None:
    """The year a header cell shows: a number, a text such as "B2026" or "BO1 2027", or a date shown as a year."""
    if value.__class__ is float or value.__class__ is int:
        if float(value).is_integer() and MIN_YEAR <= value <= MAX_YEAR:
            return int(value)
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if len(text) > 24 else _year_of_text(text)
    if isinstance(value, (dt.date, dt.datetime)) and MIN_YEAR <= value.year <= MAX_YEAR:
        return value.year
    return None


@lru_cache(maxsize=4096)  # header texts ("B2026", "I alt") recur on every sheet; at most 24 characters each
def _year_of_text(text: str) -> int | None:
    match = _YEAR_TEXT.match(text)
    if match:
        year = int(match[1])
        return year if MIN_YEAR <= year <= MAX_YEAR else None
    return None


_COLUMNS = tuple(range(n) for n in range(1025))  # range(n) for the widths a sheet has, made once


def text_cells(grid: Grid) -> Texts:
    """Every text cell of a grid, with its normalised form: the one pass over the grid that finds labels."""
    out = []
    append, norm, ranges = out.append, _normalise, _COLUMNS
    for r, row in enumerate(grid):
        # only the truthy cells, picked in C: most cells of a sheet are empty ("" is falsy, and so is NoValue); the
        # column numbers from a range made once for each width
        n = len(row)
        for c in compress(ranges[n] if n < len(ranges) else range(n), row):
            value = row[c]
            if value.__class__ is str:
                append((r, c, value, norm(value)))
    return out


@dataclass(frozen=True, slots=True)
class Region:
    """Rows top..bottom-1 and columns left..right-1 of a sheet: where one case's labels and values are."""

    top: int
    bottom: int
    left: int
    right: int

    def holds(self, row: int, col: int) -> bool:
        return self.top <= row < self.bottom and self.left <= col < self.right


EVERYWHERE = Region(0, 1 << 30, 0, 1 << 30)


@dataclass(frozen=True, slots=True)
class Table:
    label_col: int
    header_row: int
    first_row: int  # first labelled row under the header
    last_row: int  # last labelled row before the next table's header


_END_OF_YEARS = TOTAL_HEADER + COUNTED_HEADER


def header_years(grid: Grid, row: int, label_col: int, right: int = 1 << 30) -> list[tuple[int, int]]:
    """(column, year) of the year cells right of `label_col` in `row`, up to an "I alt"/"Medregnes" column."""
    if not 0 <= row < len(grid):
        return []
    cells = grid[row]
    out = []
    for c in range(label_col + 1, min(len(cells), right)):
        value = cells[c]
        if value.__class__ is float:  # year_of of a float, inlined: a whole number from MIN_YEAR to MAX_YEAR
            if value.is_integer() and MIN_YEAR <= value <= MAX_YEAR:
                out.append((c, int(value)))
            continue
        if value.__class__ is str and not value:  # an empty cell: no year, no "I alt"
            continue
        year = year_of(value)
        if year is not None:
            out.append((c, year))
        elif isinstance(value, str) and normalise(value) in _END_OF_YEARS:
            break
    return out


def table_labels(texts: Texts) -> dict[int, list[int]]:
    """Column -> the rows of the labels in it that make a table (Engangsinvestering, Gevinst, …)."""
    by_col: dict[int, list[int]] = {}
    # is_table_label: the same as is_table_key(label_key(text, norm)), in one remembered call; asked in C of every text
    for r, c, _, _ in compress(texts, map(is_table_label, map(_TEXT, texts))):
        by_col.setdefault(c, []).append(r)
    return by_col


_TEXT = itemgetter(2)  # a text cell's text


def find_tables(grid: Grid, texts: Texts, by_col: dict[int, list[int]] | None = None) -> list[Table]:
    """Every year table on the sheet: a column with at least two row labels, under a header row with years.
    `by_col`: table_labels(texts), when the caller has it."""
    if by_col is None:
        by_col = table_labels(texts)
    tables: list[Table] = []
    for col, rows in sorted(by_col.items()):
        if len(rows) < 2:
            continue
        header: int | None = None
        start = previous = -1
        found: list[Table] = []
        for r in rows:
            if r - 1 > previous:  # rows between the label before and this one (a label right under another has none)
                # the nearest header row above r, up to HEADER_SEARCH rows and not past the label before
                for h in range(r - 1, max(previous, r - 1 - HEADER_SEARCH, -1), -1):
                    if _is_header(grid, h, col):
                        if header is not None:
                            found.append(Table(col, header, start, previous))
                        header, start = h, r
                        break
            previous = r
        if header is not None:
            found.append(Table(col, header, start, previous))
        tables += found if len(found) == 1 else [t for t in found if _labelled_rows(rows, t) >= 2]
    return sorted(tables, key=lambda t: (t.header_row, t.label_col)) if len(tables) > 1 else tables


def _labelled_rows(rows: list[int], t: Table) -> int:
    return sum(1 for r in rows if t.first_row <= r <= t.last_row)


_AMOUNT_ROWS = ("sub", "companion", "realised")  # rows of amounts that make no table of their own


def _is_header(grid: Grid, row: int, label_col: int) -> bool:
    """A row of years: no label of a row of amounts, and more years than other numbers. A row of amounts can hold a
    number that reads as a year ("Heraf IT" with 2.012 kr. in 2030); a table split there would lose its rows."""
    if not 0 <= row < len(grid):
        return False
    cells = grid[row]
    label = cells[label_col] if label_col < len(cells) else ""
    if isinstance(label, str) and (is_table_label(label) or row_key(label) in _AMOUNT_ROWS):
        return False
    # one pass for both counts: the years (header_years(grid, row, label_col)) and the numbers that are no year, each
    # up to the first "I alt"/"Medregnes" cell (no such text reads as a year, so both counts stop at the same cell)
    years = others = 0
    for value in cells[label_col + 1:]:
        if value.__class__ is float:  # year_of of a float, inlined
            if value.is_integer() and MIN_YEAR <= value <= MAX_YEAR:
                years += 1
            else:
                others += 1
        elif value.__class__ is str and not value:  # an empty cell
            continue
        elif year_of(value) is not None:  # an int, a text such as "B2026", a date
            years += 1
        elif value.__class__ is int:
            others += 1
        elif isinstance(value, str) and normalise(value) in _END_OF_YEARS:
            break
    return years > others  # (without years: never more than the others)


def split(grid: Grid, texts: Texts, tables: list[Table]) -> list[Region] | None:
    """One region per table, or None when the tables cannot be told apart as cases."""
    if len(tables) <= 1:
        return [EVERYWHERE] * len(tables)
    anchors = _anchors(texts, tables)
    cols = {t.label_col for t in tables}
    if len(cols) == 1 or _disjoint_rows(tables):  # stacked: one under the other
        ordered = sorted(tables, key=lambda t: t.header_row)
        if len(anchors) != len(ordered):
            return None
        rows = sorted(r for r, _ in anchors)
        if all(rows[k] < t.header_row and (k == 0 or rows[k] > ordered[k - 1].last_row)
               for k, t in enumerate(ordered)):  # each Case nr. above its table; rows right under a table are its
            bounds = [0] + [_end_of(grid, texts, ordered[k - 1], rows[k]) for k in range(1, len(ordered))] + [1 << 30]
        elif all(rows[k] > t.last_row and (k + 1 == len(ordered) or rows[k] < ordered[k + 1].header_row)
                 for k, t in enumerate(ordered)):  # each Case nr. below its table
            bounds = [0] + [ordered[k].header_row for k in range(1, len(ordered))] + [1 << 30]
        else:
            return None
        by_table = {id(t): Region(bounds[k], bounds[k + 1], 0, 1 << 30) for k, t in enumerate(ordered)}
        return [by_table[id(t)] for t in tables]
    if len(cols) == len(tables) and _overlapping_rows(tables):  # side by side: each in its own columns
        ordered = sorted(tables, key=lambda t: t.label_col)
        bounds = [0] + [t.label_col for t in ordered[1:]] + [1 << 30]
        regions = [Region(0, 1 << 30, bounds[k], bounds[k + 1]) for k in range(len(ordered))]
        if [sum(1 for _, c in anchors if reg.left <= c < reg.right) for reg in regions] != [1] * len(regions):
            return None
        by_table = {id(t): reg for t, reg in zip(ordered, regions)}
        return [by_table[id(t)] for t in tables]
    return None


def _end_of(grid: Grid, texts: Texts, table: Table, next_anchor: int) -> int:
    """Where a stacked table's region ends: after the rows right under its last known row (unknown rows, sub-rows),
    at the first row whose label cell is blank or a metadata label, and never past the next case's Case nr."""
    metadata_rows = {r for r, c, _, norm in texts if c == table.label_col and norm in METADATA_BY_ALIAS}
    r = table.last_row + 1
    while r < next_anchor and r not in metadata_rows:
        cells = grid[r] if r < len(grid) else ()
        label = cells[table.label_col] if table.label_col < len(cells) else ""
        if not (isinstance(label, str) and label.strip()):
            break
        r += 1
    return r


def _anchors(texts: Texts, tables: list[Table]) -> list[tuple[int, int]]:
    """Where each case starts: its Case nr. labels (or, without any, its Titel labels)."""
    for name in ("case_nr", "title"):
        found = [(r, c) for r, c, _, norm in texts if METADATA_BY_ALIAS.get(norm) == name
                 and not any(t.label_col == c and t.header_row <= r <= t.last_row for t in tables)]
        if found:
            return found
    return []


def _disjoint_rows(tables: list[Table]) -> bool:
    ordered = sorted(tables, key=lambda t: t.header_row)
    return all(a.last_row < b.header_row for a, b in zip(ordered, ordered[1:]))


def _overlapping_rows(tables: list[Table]) -> bool:
    return all(a.header_row <= b.last_row and b.header_row <= a.last_row for a in tables for b in tables)
