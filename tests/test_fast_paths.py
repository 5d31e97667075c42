"""The short cuts of reading (parse, validate, compute) against the plain definitions they stand in for: each fast path
must give exactly what the slow one gives, bit for bit, or a figure or a finding would change."""

from __future__ import annotations

import datetime as dt
import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from xlpy.figures.compute import _round, yearly
from xlpy.cells import a1
from xlpy.sheet.labels import (COUNTED_HEADER, DEFAULT_LISTS, METADATA, METADATA_BY_ALIAS, ROWS, TOTAL_HEADER,
                               is_table_key, is_table_label, normalise, row_key)
from xlpy.sheet.model import Case, Row
from xlpy.sheet.parse import FOLLOW_UP_FIELDS, _below_table, _Reader, parse_sheet
from xlpy.sheet.regions import (EVERYWHERE, HEADER_SEARCH, Table, _is_header, _labelled_rows, find_tables,
                                header_years, table_labels, text_cells, year_of)
from xlpy.check.validate import validate_computed, validate_metadata
from xlpy.read.zipguard import NO_VALUE


def _same_float(a: float, b: float) -> bool:
    """Equal to the last bit, sign of zero included (a -0.0 where 0.0 was would show as "-0")."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and struct.pack("<d", a) == struct.pack("<d", b)


AWKWARD = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.125, 0.005, 1.005, 2.675, -2.675, 1e15, 1e16 + 2, 2.0 ** 53,
           2.0 ** 53 + 2, 2.0 ** 60, 1e300, -1e300, 5e-324, -5e-324, 0.1 * 1000, 0.7 * 1_000_000, 1561.0 * 1000,
           float("inf"), float("-inf"), 3, -7, True, False]


def test_round_is_round_to_ore_on_awkward_values() -> None:
    for x in AWKWARD:
        assert _same_float(_round(x), round(x, 2) + 0.0), x


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10 ** 12, 10 ** 12).map(float)
       | st.integers(-10 ** 8, 10 ** 8).map(lambda n: n / 100))
def test_round_is_round_to_ore(x: float) -> None:
    assert _same_float(_round(x), round(x, 2) + 0.0)


def test_yearly_scales_and_rounds_each_value() -> None:
    values = [None, 0.1, -0.0, 1.005, 2.5, 1561.0]
    for factor in (1, 1000, 1_000_000):
        got = yearly(values, factor)
        want = [round((v or 0.0) * factor, 2) + 0.0 for v in values]
        assert all(_same_float(a, b) for a, b in zip(got, want, strict=True))


def test_is_table_label_is_is_table_key_of_row_key() -> None:
    texts = [alias for _, aliases in ROWS.values() for alias in aliases] + [label for label, _ in ROWS.values()]
    texts += [alias for _, aliases in METADATA.values() for alias in aliases]
    texts += [label for label, _ in METADATA.values()]
    texts += ["Heraf løn", "Gevinst (lav)", "Realiseret gevinst", "Årsværk", "Anlæg i alt", "", " ", "Netto",
              "Gevinst fra en eksisterende case som er beskrevet i et notat til udvalget", "Drift (kr.)"]
    kinds = {is_table_label(t) for t in texts}
    assert kinds == {True, False}
    for text in texts:
        assert is_table_label(text) == is_table_key(row_key(text)), text


def _text_cells_plainly(grid: list[list]) -> list:
    from xlpy.sheet.labels import normalise

    return [(r, c, v, normalise(v)) for r, row in enumerate(grid) for c, v in enumerate(row)
            if v.__class__ is str and v]


def test_text_cells_skips_every_kind_of_non_text() -> None:
    grid = [["Gevinst", 0.0, "", NO_VALUE, False, True, None, dt.date(2026, 1, 1), " ", "x"],
            [],
            ["", "", ""],
            [1.0, "Anlæg (kr.)", dt.time(0, 0), dt.timedelta(0), 0, 5],
            [""] * 1030 + ["far right"]]  # wider than the ranges text_cells makes once
    got = text_cells(grid)
    assert got == _text_cells_plainly(grid)
    assert [(r, c) for r, c, _, _ in got] == [(0, 0), (0, 8), (0, 9), (3, 1), (4, 1030)]


def test_year_of_texts() -> None:
    assert [year_of(v) for v in ("B2026", " BO1 2027 ", "2026 (B)", "I alt", "1989", NO_VALUE, "", 2026.0,
                                 dt.date(2030, 5, 1))] == [2026, 2027, 2026, None, None, None, None, 2026, 2030]


def _case(**rows: list[float | None]) -> Case:
    case = Case(file="f.xlsx", sheet="Case 1", fields={}, field_cells={}, label_cells={},
                years=[2025, 2026], year_cols=[1, 2], header_row=3, label_col=0)
    for i, (key, values) in enumerate(rows.items()):
        row = Row(key, key, 4 + i, values)
        if key in ("one_off", "recurring"):
            case.costs.append(row)
            case.rows.setdefault(key, row)
        elif key == "saving":
            case.gains.append(row)
        else:
            case.rows[key] = row
    return case


def test_computed_rows_without_values_are_not_checked_but_with_values_are() -> None:
    blank = _case(one_off=[100.0, 0.0], saving=[0.0, 50.0], investment=[None, None], net=[None, None],
                  cumulative=[None, None])
    assert validate_computed(blank) == []
    shown = _case(one_off=[100.0, 0.0], saving=[0.0, 50.0], investment=[None, None], net=[None, 40.0],
                  cumulative=[None, None])
    assert [f.code for f in validate_computed(shown)] == ["computed-mismatch"]
    total = _case(one_off=[100.0, 0.0], saving=[0.0, 50.0])
    total.total_col, total.costs[0].total = 3, 90.0
    assert [f.code for f in validate_computed(total)] == ["total-column-mismatch"]


def test_list_fields_tell_true_from_one() -> None:
    lists = {**DEFAULT_LISTS, "type": ("1.0", "Effektivisering")}
    findings = {}
    for value in (1.0, True, "1.0"):
        case = _case(one_off=[1.0, 0.0])
        case.fields["type"] = value
        findings[repr(value)] = [f.code for f in validate_metadata(case, lists) if f.code == "not-in-list"]
    assert findings == {"1.0": [], "True": ["not-in-list"], "'1.0'": []}  # 1.0 reads "1.0"; True "True"


# --- the year table: header rows, tables, rows -------------------------------------------------------------------
HEADER_CELLS = [2026.0, 2027.0, 2026.5, 1989.0, 2201.0, 2200.0, 1990.0, -0.0, 0.0, 12.0, float("nan"), float("inf"),
                2026, 7, True, False, "", " ", NO_VALUE, None, "B2026", "BO1 2027", "2026*", "I alt", "Medregnes",
                "Total", "x", "Gevinst", "Heraf IT", dt.date(2030, 1, 1), dt.datetime(2027, 5, 3), dt.time(1, 0)]
_END = TOTAL_HEADER + COUNTED_HEADER


def _header_years_plainly(grid: list, row: int, label_col: int, right: int = 1 << 30) -> list:
    if not 0 <= row < len(grid):
        return []
    out = []
    for c in range(label_col + 1, min(len(grid[row]), right)):
        year = year_of(grid[row][c])
        if year is not None:
            out.append((c, year))
        elif isinstance(grid[row][c], str) and normalise(grid[row][c]) in _END:
            break
    return out


def _is_header_plainly(grid: list, row: int, label_col: int) -> bool:
    if not 0 <= row < len(grid):
        return False
    cells = grid[row]
    label = cells[label_col] if label_col < len(cells) else ""
    if isinstance(label, str) and (is_table_label(label) or row_key(label) in ("sub", "companion", "realised")):
        return False
    years = len(_header_years_plainly(grid, row, label_col))
    if not years:
        return False
    others = 0
    for value in cells[label_col + 1:]:
        if (value.__class__ is float or value.__class__ is int) and year_of(value) is None:
            others += 1
        elif value.__class__ is str and normalise(value) in _END:
            break
    return years > others


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(HEADER_CELLS + ["År", "Heraf løn"]), max_size=12), st.integers(0, 3),
       st.integers(1, 14))
def test_header_rows_are_read_as_year_of_reads_each_cell(cells: list, label_col: int, right: int) -> None:
    grid = [["Gevinst"], cells]
    assert header_years(grid, 1, label_col, right) == _header_years_plainly(grid, 1, label_col, right)
    assert header_years(grid, 1, label_col) == _header_years_plainly(grid, 1, label_col)
    assert _is_header(grid, 1, label_col) == _is_header_plainly(grid, 1, label_col)


def _find_tables_plainly(grid: list, texts: list) -> list:
    tables = []
    for col, rows in sorted(table_labels(texts).items()):
        if len(rows) < 2:
            continue
        header, start, previous, found = None, -1, -1, []
        for r in rows:
            between = range(r - 1, max(previous, r - 1 - HEADER_SEARCH, -1), -1)
            new_header = next((h for h in between if _is_header_plainly(grid, h, col)), None)
            if new_header is not None and (header is None or new_header > previous):
                if header is not None:
                    found.append(Table(col, header, start, previous))
                header, start = new_header, r
            previous = r
        if header is not None:
            found.append(Table(col, header, start, previous))
        tables += [t for t in found if len(found) == 1 or _labelled_rows(rows, t) >= 2]
    return sorted(tables, key=lambda t: (t.header_row, t.label_col))


LINES = ["Engangsinvestering", "Gevinst", "Heraf IT", "Nettoresultat", "Case nr.", "", "Note"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(LINES), st.booleans()), max_size=16))
def test_find_tables_finds_what_the_plain_search_finds(lines: list) -> None:
    grid = []
    for first, second, years in lines:  # a row of years, or two labels (columns A and C) with amounts
        grid.append(["År", 2026.0, 2027.0, "I alt"] if years else [first, 1.0, second, 2.0])
    texts = text_cells(grid)
    assert find_tables(grid, texts) == _find_tables_plainly(grid, texts)


AMOUNT_CELLS = [0.0, -0.0, 1.0, 1561.0, 2026.0, float("nan"), float("inf"), "", " ", NO_VALUE, None, True, False,
                7, "1.234", "1,5", "abc", "#REF!", "-", dt.date(2026, 1, 1)]


def _has_values(cells: list, cols: list[int]) -> bool:
    """Whether a row holds values in these columns: a cell other than "", None and 0 (False == 0 is among them)."""
    return any(c < len(cells) and cells[c] not in ("", None, 0.0) for c in cols)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(AMOUNT_CELLS), min_size=3, max_size=3), min_size=4, max_size=4),
       st.sampled_from(["", "Heraf IT", "Reduceret sygefravær"]), st.booleans())
def test_table_rows_are_read_as_amounts_reads_them(cells: list, between: str, total_column: bool) -> None:
    """The table loop reads a row of numbers, a blank row and a row of formulas nobody calculated without amounts(),
    and tells whether a row holds values from the types of its cells: the same values, findings and rows as
    amounts() and the plain question give."""
    end = ["I alt"] if total_column else []
    grid = [["Case nr.", "T-1"], ["År", 2026.0, 2027.0, 2028.0, *end],
            ["Engangsinvestering", *cells[0], 5.0], [between, *cells[1], 5.0], ["Gevinst", *cells[2], 5.0],
            ["Nettoresultat", *cells[3], 5.0]]
    (case, findings), = parse_sheet("f.xlsx", "Case 1", grid)[0]
    plain = _Reader("f.xlsx", "Case 1", grid, text_cells(grid), EVERYWHERE, None)
    year_cols = case.year_cols  # an amount that reads as a year can take the header's place: the table says where
    read = {r.row: r for r in [*case.costs, *case.gains, *case.subrows, *case.rows.values()]}
    if year_cols and not between and case.header_row == 1 and 2 in read and 4 in read:
        assert (3 in read) == _has_values(grid[3], year_cols)  # an unlabelled row is read when it holds values
    broken: set[int] = set()  # as the table reads: an error a computed row carries from a row above is no finding
    for r, row in sorted(read.items()):  # in sheet order, as the table is read
        mark = len(plain.findings)
        values, unreadable, _ = plain.amounts(r, row.label, year_cols, None if row.key == "net" else 0.0)
        if row.key == "net" and unreadable:
            plain.carried_errors(mark, r, row.key, year_cols, unreadable, broken)
        if row.key != "sub":
            broken.update(unreadable)
        if not any(v is not None and v < 0 for v in values):  # negative amounts: readings.py turns signs
            assert repr(row.values) == repr(values), (r, row.values, values)
    amount_codes = {f.code for f in plain.findings}
    assert [f for f in findings if f.code in amount_codes] == plain.findings


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 1.0, "", None, " ", NO_VALUE, "0", "-", False]), min_size=4, max_size=4),
                min_size=2, max_size=2))
def test_empty_year_columns_are_those_whose_input_cells_are_blank(cells: list) -> None:
    grid = [["Case nr.", "T-1"], ["År", 2026.0, 2027.0, 2028.0, 2029.0],
            ["Engangsinvestering", *cells[0]], ["Gevinst", *cells[1]]]
    (case, findings), = parse_sheet("f.xlsx", "Case 1", grid)[0]
    got = [f.cell for f in findings if f.code == "year-column-empty"]
    inputs = case.input_rows()
    has_amounts = any(v for r in inputs for v in r.values)
    want = [a1(1, c) for c in case.year_cols if has_amounts and all(grid[r.row][c] in ("", None) for r in inputs)]
    assert got == want


def test_header_cols_are_the_first_counted_and_total_columns() -> None:
    for cells in (["År", 2026.0, "I alt", "Medregnes", "Total", "Indgår"], ["År", "Medregnes", 2026.0],
                  ["År", 2026.0], ["År", "", NO_VALUE, "total", "I ALT", "tælles med"], []):
        reader = _Reader("f.xlsx", "S", [cells], [], EVERYWHERE, None)

        def plainly(names: tuple) -> int | None:
            return next((c for c in range(1, len(cells)) if isinstance(cells[c], str)
                         and normalise(cells[c]) in names), None)
        assert reader.header_cols(0, 0) == (plainly(COUNTED_HEADER), plainly(TOTAL_HEADER))


def test_what_rows_under_a_table_are() -> None:
    labels = [alias for _, aliases in ROWS.values() for alias in aliases] + [label for label, _ in ROWS.values()]
    labels += [label for label, _ in METADATA.values()] + ["Gevinst (lav)", "Anlæg (høj)", "Realiseret gevinst",
                                                         "Heraf IT", "Årsværk", "Usikkerhed", "Opfølgning", "x"]
    for label in labels:
        key, field = row_key(label), METADATA_BY_ALIAS.get(normalise(label))
        if key in ("companion", "realised"):
            want = key
        elif field in FOLLOW_UP_FIELDS:
            want = None
        else:
            want = "end" if is_table_key(key) or field else None
        assert _below_table(label) == want, label


METADATA_CELLS = ["Case nr.", "Titel", "Enhed", "Periode", "Case nr", "Gevinst", "1.000 kr.", "  A-1 ", "", " ", None,
                  NO_VALUE, 1.0, True, dt.date(2026, 1, 1)]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(st.sampled_from(METADATA_CELLS), max_size=4), max_size=6))
def test_metadata_of_a_sheet_without_merges_is_read_as_value_col_reads_it(grid: list) -> None:
    """Without merges the metadata reader takes the cell right of each label straight from the grid; with a merge
    elsewhere it asks value_col() and value() for each: the same fields, cells and findings."""
    texts = text_cells(grid)
    got, want = [], []
    for merges, out in (([], got), ([((99, 99), (99, 100))], want)):
        reader = _Reader("f.xlsx", "S", grid, texts, EVERYWHERE, merges)
        case = Case(file="f.xlsx", sheet="S", fields={}, field_cells={}, label_cells={})
        reader.metadata(case, {0}, 0)
        out += [repr(case.fields), case.field_cells, case.label_cells, reader.findings]
    assert got == want


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", " ", "  Gevinst ", "Anlæg", "Heraf IT", NO_VALUE, None, 1.0, True]),
                          st.sampled_from(["", "Gevinst", " Drift", "Heraf løn", NO_VALUE, 2.0, "Nettoresultat"])),
                min_size=1, max_size=6), st.booleans())
def test_table_row_labels_are_what_row_label_reads(labels: list, indented: bool) -> None:
    """The table loop reads a row's label from the grid itself (one cell, or the cells before the years): the label
    row_label() reads through value()."""
    years = [2026.0, 2027.0]
    header = ["År", "", *years] if indented else ["År", *years]
    grid = [["Case nr.", "T-1"], header]
    for first, second in labels:
        grid.append([first, second, 1.0, 2.0] if indented else [second, 1.0, 2.0])
    for case, _ in parse_sheet("f.xlsx", "S", grid)[0]:
        reader = _Reader("f.xlsx", "S", grid, text_cells(grid), EVERYWHERE, None)
        for row in [*case.costs, *case.gains, *case.subrows, *case.rows.values()]:
            assert row.label == (reader.row_label(row.row, case.label_col, case.year_cols[0]) or "(uden tekst)")
