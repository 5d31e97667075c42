"""Workbooks typed the way departments type them (tests/habits.py), one habit per test, each with its figures
summed by hand here. DESIGN §3 "Every amount is accounted for": every row is counted, a sub-row, or a checked total;
what cannot be read with confidence is a fejl at its cell and the case is incomplete — never a silently wrong total.

The base case (1.000 kr., 2026–2031), by hand:
    Engangsinvestering  500  200    0    0    0    0   = 700
    Varig investering     0  100  100  100  100  100   = 500
    Investering i alt   500  300  100  100  100  100   = 1.200  -> 1.200.000 kr.
    Gevinst               0  300  600  800  800  800   = 3.300  -> 3.300.000 kr.
    Nettoresultat      -500    0  500  700  700  700   = 2.100  -> 2.100.000 kr.
    Akk. nettoresultat -500 -500    0  700 1400 2100
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace

import pytest
from openpyxl.utils.cell import coordinate_from_string

from habits import (
    COUNT, GAIN, ONE_OFF, OTHER, RECURRING, SUB, YEARS, CaseSpec, Line, base_lines, one_case, overview_spec,
    stacked, template_spec, write_book, write_lister, write_vejledning,
)
from xlpy.portfolio.pipeline import check_files

BASE_INVESTMENT, BASE_SAVING, BASE_NET = 1_200_000, 3_300_000, 2_100_000  # 1.200, 3.300, 2.100 × 1.000 kr.


# --- helpers ----------------------------------------------------------------------------------------------------

def run(book):
    return check_files([book.path])


def serious(res, sheet: str | None = None):
    """(code, severity, sheet, cell) of every fejl and advarsel."""
    return [(f.code, f.severity.value, f.sheet, f.cell) for f in res.findings
            if f.severity.value in ("fejl", "advarsel") and (sheet is None or f.sheet == sheet)]


def every(res):
    return [(f.code, f.severity.value, f.sheet, f.cell) for f in res.findings]


def with_code(res, code: str):
    return [f for f in res.findings if f.code == code]


def fejl(res):
    return [(f.code, f.cell) for f in res.findings if f.severity.value == "fejl"]


def the_case(res, case_nr: str | None = None):
    cases = [c for c in res.cases if case_nr is None or c.case.case_nr == case_nr]
    assert len(cases) == 1, [(c.case.sheet, c.case.case_nr) for c in res.cases]
    return cases[0]


def close(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.01)


def assert_totals(case, investment, saving, net=None):
    f = case.figures
    net = saving - investment if net is None else net
    assert close(f.total_investment, investment), (f.total_investment, investment)
    assert close(f.total_saving, saving), (f.total_saving, saving)
    assert close(f.period_net, net), (f.period_net, net)


def assert_years(values, expected):
    assert len(values) == len(expected), (values, expected)
    assert all(close(a, b) for a, b in zip(values, expected)), (values, expected)


def kilo(xs):
    return [x * 1000 for x in xs]


# --- the base case is read cleanly (the control every habit changes one thing of) ---------------------------------

def test_base_case_is_clean_and_summed(tmp_path):
    book = one_case(tmp_path / "base.xlsx")
    res = run(book)
    assert every(res) == []
    case = the_case(res, "1")
    assert case.case.title == "Velfærdsteknologi i hjemmeplejen"
    assert case.figures.years == YEARS
    assert_years(case.figures.one_off, kilo([500, 200, 0, 0, 0, 0]))
    assert_years(case.figures.recurring, kilo([0, 100, 100, 100, 100, 100]))
    assert_years(case.figures.saving, kilo([0, 300, 600, 800, 800, 800]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING, BASE_NET)
    assert case.figures.payback_year == 2028  # Akk. -500 -500 0 700 …: from 2028 never below 0
    assert case.figures.complete
    # the generator's own sums agree with the hand sums above
    assert close(book.only().total_investment, BASE_INVESTMENT) and close(book.only().total_saving, BASE_SAVING)


# --- 1. sub-rows ("Heraf …") ----------------------------------------------------------------------------------------

def lines_with(after: str, *extra: Line) -> list[Line]:
    out = []
    for line in base_lines():
        out.append(line)
        if line.label == after:
            out += list(extra)
    return out


@pytest.mark.parametrize("label", ["Heraf løn", "Heraf IT", "heraf: vikarer", "Hvoraf personale",
                                   "Herunder licenser"])
def test_subrow_under_gevinst_is_not_counted(tmp_path, label):
    # Gevinst 0 300 600 800 800 800; the sub-row 0 200 400 500 500 500 is part of it, never added
    book = one_case(tmp_path / "heraf.xlsx",
                    lines=lines_with("Gevinst", Line(label, [0, 200, 400, 500, 500, 500], SUB)))
    res = run(book)
    assert every(res) == []
    case = the_case(res)
    assert_years(case.figures.saving, kilo([0, 300, 600, 800, 800, 800]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)  # 3.300, not 3.300 + 2.100


def test_two_subrows_under_gevinst_together_within_the_parent(tmp_path):
    # Heraf løn 0 200 400 500 500 500 + Heraf IT 0 100 200 300 300 300 = 0 300 600 800 800 800 = Gevinst exactly
    book = one_case(tmp_path / "heraf2.xlsx", lines=lines_with(
        "Gevinst", Line("Heraf løn", [0, 200, 400, 500, 500, 500], SUB),
        Line("Heraf IT", [0, 100, 200, 300, 300, 300], SUB)))
    res = run(book)
    assert every(res) == []
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)


def test_subrow_under_engangsinvestering_is_not_counted(tmp_path):
    # Engangsinvestering 500 200 0 …; Heraf IT-udstyr 300 100 0 … is part of it
    book = one_case(tmp_path / "heraf_inv.xlsx", lines=lines_with(
        "Engangsinvestering", Line("Heraf IT-udstyr", [300, 100, 0, 0, 0, 0], SUB)))
    res = run(book)
    assert every(res) == []
    case = the_case(res)
    assert_years(case.figures.one_off, kilo([500, 200, 0, 0, 0, 0]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)  # 700 + 500, not 700 + 400 + 500


def test_subrow_exceeding_its_parent_is_one_fejl_at_the_first_year(tmp_path):
    # Gevinst 0 300 600 800 800 800; Heraf løn 0 200 700 900 800 800 exceeds it in 2028 (700 > 600) and 2029
    book = one_case(tmp_path / "heraf_for_stor.xlsx", lines=lines_with(
        "Gevinst", Line("Heraf løn", [0, 200, 700, 900, 800, 800], SUB)))
    res = run(book)
    found = with_code(res, "subrow-exceeds-parent")
    assert len(found) == 1, every(res)
    assert found[0].severity.value == "fejl"
    assert found[0].cell == book.layout().cell("Heraf løn", 2)  # 2028


def test_consecutive_subrows_exceeding_their_parent_together_are_one_fejl(tmp_path):
    # Heraf løn 0 200 400 500 500 500 + Heraf IT 0 50 100 400 100 100: in 2029 500 + 400 = 900 > Gevinst 800;
    # each alone is within the parent
    book = one_case(tmp_path / "heraf_sammen.xlsx", lines=lines_with(
        "Gevinst", Line("Heraf løn", [0, 200, 400, 500, 500, 500], SUB),
        Line("Heraf IT", [0, 50, 100, 400, 100, 100], SUB)))
    res = run(book)
    found = with_code(res, "subrow-exceeds-parent")
    assert len(found) == 1, every(res)
    layout = book.layout()
    assert found[0].cell in (layout.cell("Heraf løn", 3), layout.cell("Heraf IT", 3))  # 2029


@pytest.mark.parametrize("headers", ["numbers", "dates"])
def test_subrow_amount_that_reads_as_a_year_does_not_split_the_table(tmp_path, headers):
    # Heraf IT under Varig investering: 0 50 2.012 50 50 50 (1.000 kr.); 2012 is also a year, but a row of amounts
    # is no header: the table stays whole, Gevinst stays in it. By hand as the base case: 1.200 / 3.300 / 2.100.
    spec_headers = None if headers == "numbers" else [dt.date(y, 1, 1) for y in YEARS]
    book = one_case(tmp_path / "heraf_aarstal.xlsx", year_headers=spec_headers, lines=lines_with(
        "Varig investering", Line("Heraf IT", [0, 50, 2012, 50, 50, 50], SUB)))
    res = run(book)
    case = the_case(res, "1")
    assert_years(case.figures.saving, kilo([0, 300, 600, 800, 800, 800]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING, BASE_NET)
    assert [f for f in fejl(res) if f[0] != "subrow-exceeds-parent"] == []  # 2.012 > 100: that fejl, at most


def test_case_whose_years_cannot_be_read_is_a_fejl_not_left_out(tmp_path):
    # The header row holds one year and more numbers that are none (2026, 7, 8, …): no year table can be read. The
    # case is not counted, and says so at its first row label; the other case in the workbook is read as always.
    bad = CaseSpec(case_nr="2", title="Digital post", year_headers=[2026, 7, 8, 9, 10, 11])
    book = write_book(tmp_path / "to_cases.xlsx", [("Case 1", [CaseSpec()]), ("Case 2", [bad]),
                                                    ("Lister", write_lister)])
    res = run(book)
    assert_totals(the_case(res, "1"), BASE_INVESTMENT, BASE_SAVING, BASE_NET)
    found = with_code(res, "table-not-found")
    assert [(f.sheet, f.severity.value, dict(f.params)) for f in found] == [("Case 2", "fejl", {"case": "2"})]
    assert found[0].cell == book.layout("2").label_cell("Engangsinvestering")
    assert [c.case.case_nr for c in res.cases] == ["1"]


# --- 2. input rows by other names ----------------------------------------------------------------------------------

ONE_OFF_NAMES = ["Engangsinvestering", "Anlæg", "Implementeringsomkostninger", "Engangsudgift"]
RECURRING_NAMES = ["Varig investering", "Drift", "Driftsudgifter", "Løbende udgift", "Merudgift"]
GAIN_NAMES = ["Besparelse", "Effektivisering", "Mindreudgift", "Provenu", "Merindtægt"]


@pytest.mark.parametrize("name", ONE_OFF_NAMES)
def test_one_off_row_by_another_name(tmp_path, name):
    lines = base_lines()
    lines[0] = replace(lines[0], label=name)
    res = run(one_case(tmp_path / "engang.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.one_off, kilo([500, 200, 0, 0, 0, 0]))
    assert_years(case.figures.recurring, kilo([0, 100, 100, 100, 100, 100]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


@pytest.mark.parametrize("name", RECURRING_NAMES)
def test_recurring_row_by_another_name(tmp_path, name):
    lines = base_lines()
    lines[1] = replace(lines[1], label=name)
    res = run(one_case(tmp_path / "varig.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.one_off, kilo([500, 200, 0, 0, 0, 0]))
    assert_years(case.figures.recurring, kilo([0, 100, 100, 100, 100, 100]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


@pytest.mark.parametrize("name, kind", [("Anlæg", ONE_OFF), ("Drift", RECURRING), ("Implementeringsomkostninger",
                                                                                     ONE_OFF)])
def test_one_investment_row_alone(tmp_path, name, kind):
    # only one investment row (400 in 2026, 100 in 2027) and Gevinst: 500 invested, 3.300 saved
    lines = [Line(name, [400, 100, 0, 0, 0, 0], kind), Line("Gevinst", [0, 300, 600, 800, 800, 800], GAIN)]
    res = run(one_case(tmp_path / "alene.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    mine, other = ("one_off", "recurring") if kind == ONE_OFF else ("recurring", "one_off")
    assert_years(getattr(case.figures, mine), kilo([400, 100, 0, 0, 0, 0]))
    assert_years(getattr(case.figures, other), [0] * 6)
    assert_totals(case, 500_000, BASE_SAVING)


def test_several_investment_rows_are_all_counted_by_kind(tmp_path):
    lines = [Line("Anlæg", [400, 0, 0, 0, 0, 0], ONE_OFF),
             Line("Implementeringsomkostninger", [150, 50, 0, 0, 0, 0], ONE_OFF),
             Line("Drift", [0, 100, 100, 100, 100, 100], RECURRING),
             Line("Merudgift", [0, 0, 30, 30, 30, 30], RECURRING),
             Line("Gevinst", [0, 300, 600, 800, 800, 800], GAIN)]
    res = run(one_case(tmp_path / "flere_inv.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    # one-off: Anlæg + Implementeringsomkostninger = 550 50 0 0 0 0 (= 600)
    assert_years(case.figures.one_off, kilo([550, 50, 0, 0, 0, 0]))
    # recurring: Drift + Merudgift = 0 100 130 130 130 130 (= 620)
    assert_years(case.figures.recurring, kilo([0, 100, 130, 130, 130, 130]))
    assert_totals(case, 1_220_000, BASE_SAVING)  # 600 + 620 = 1.220


def test_engangsudgift_and_loebende_udgift_together(tmp_path):
    lines = [Line("Engangsudgift", [250, 0, 0, 0, 0, 0], ONE_OFF),
             Line("Løbende udgift", [0, 40, 40, 40, 40, 40], RECURRING),
             Line("Driftsudgifter", [10, 10, 10, 10, 10, 10], RECURRING),
             Line("Gevinst", [0, 150, 150, 150, 150, 150], GAIN)]
    res = run(one_case(tmp_path / "udgift.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.one_off, kilo([250, 0, 0, 0, 0, 0]))
    assert_years(case.figures.recurring, kilo([10, 50, 50, 50, 50, 50]))  # 0/40 + 10
    assert_totals(case, 510_000, 750_000)  # 250 + 260 = 510; 5 × 150 = 750


@pytest.mark.parametrize("name", GAIN_NAMES)
def test_gain_row_by_another_name(tmp_path, name):
    lines = base_lines()
    lines[2] = replace(lines[2], label=name)
    res = run(one_case(tmp_path / "gevinst.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.saving, kilo([0, 300, 600, 800, 800, 800]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


def test_several_gain_rows_are_all_counted(tmp_path):
    lines = base_lines() + [Line("Mindreudgift", [0, 50, 50, 50, 50, 50], GAIN),
                            Line("Merindtægt", [0, 0, 20, 20, 20, 20], GAIN),
                            Line("Provenu", [0, 0, 0, 100, 0, 0], GAIN)]
    res = run(one_case(tmp_path / "flere_gev.xlsx", lines=lines))
    assert serious(res) == []
    case = the_case(res)
    # 0 300 600 800 800 800 + 0 50 50 50 50 50 + 0 0 20 20 20 20 + 0 0 0 100 0 0 = 0 350 670 970 870 870 (= 3.730)
    assert_years(case.figures.saving, kilo([0, 350, 670, 970, 870, 870]))
    assert_totals(case, BASE_INVESTMENT, 3_730_000)


# --- 3. an "I alt" column -----------------------------------------------------------------------------------------

def test_total_column_that_is_right_gives_no_finding(tmp_path):
    res = run(one_case(tmp_path / "i_alt.xlsx", total_column=True))
    assert every(res) == []
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)


def test_total_column_wrong_in_one_row_is_one_fejl_at_that_cell(tmp_path):
    # Gevinst sums to 3.300; the I alt cell says 3.400
    book = one_case(tmp_path / "i_alt_forkert.xlsx", total_column=True, total_column_overrides={"Gevinst": 3400})
    res = run(book)
    assert fejl(res) == [("total-column-mismatch", book.layout().total_cell("Gevinst"))]
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)  # the years are read, not the I alt column


def test_total_column_one_rounding_unit_off_is_not_a_fejl(tmp_path):
    book = one_case(tmp_path / "i_alt_afrundet.xlsx", total_column=True, total_column_overrides={"Gevinst": 3301})
    res = run(book)
    assert fejl(res) == []  # 3.301 against 3.300: at most a rounding difference


# --- 4. the unit ----------------------------------------------------------------------------------------------------

def lines_scaled(k: float) -> list[Line]:
    return [replace(line, values=[round(v * k, 6) for v in line.values]) for line in base_lines()]


MIO = lines_scaled(1 / 1000)   # 0,5 0,2 …; 0,1 …; 0 0,3 0,6 0,8 0,8 0,8 mio. kr. = the base case
KR = lines_scaled(1000)        # 500.000 200.000 …                                   = the base case


@pytest.mark.parametrize("unit, lines", [("kr.", KR), ("1.000 kr.", None), ("mio. kr.", MIO)])
def test_unit_in_the_enhed_field(tmp_path, unit, lines):
    spec = CaseSpec(unit=unit, lines=lines or base_lines())
    res = run(one_case(tmp_path / "enhed.xlsx", spec))
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.saving, [0, 300_000, 600_000, 800_000, 800_000, 800_000])
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)  # the same case in three units


UNIT_ELSEWHERE = {
    "header (i 1000 kr.)": dict(header_label="(i 1000 kr.)"),
    "header Beløb i 1.000 kr.": dict(header_label="Beløb i 1.000 kr."),
    "header Mio. kr.": dict(header_label="Mio. kr.", lines=MIO),
    "header Beløb i kr.": dict(header_label="Beløb i kr.", lines=KR),
    "title line": dict(title_line="Økonomi i mio. kr.", lines=MIO),
    "title line 1.000 kr.": dict(title_line="Økonomiske konsekvenser (1.000 kr.)"),
    "row labels": dict(row_unit="mio. kr.", lines=MIO),
}


@pytest.mark.parametrize("where", list(UNIT_ELSEWHERE))
def test_unit_only_outside_the_enhed_field(tmp_path, where):
    res = run(one_case(tmp_path / "enhed_andetsteds.xlsx", unit=None, **UNIT_ELSEWHERE[where]))
    assert not [f for f in res.findings if f.code.startswith("unit-")], every(res)
    assert serious(res) == []
    case = the_case(res)
    assert_years(case.figures.one_off, [500_000, 200_000, 0, 0, 0, 0])
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


def test_two_units_that_disagree_are_a_conflict(tmp_path):
    book = one_case(tmp_path / "konflikt.xlsx", unit="1.000 kr.", header_label="Mio. kr.")
    res = run(book)
    found = with_code(res, "unit-conflict")
    assert len(found) == 1 and found[0].severity.value == "fejl", every(res)
    assert not the_case(res).figures.complete


def test_no_unit_anywhere_is_read_as_1000_kr_with_a_warning(tmp_path):
    res = run(one_case(tmp_path / "uden_enhed.xlsx", unit=None))
    assert [(c, s) for c, s, _, _ in serious(res)] == [("unit-missing", "advarsel")]
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)  # 1.200 × 1.000


def test_amounts_too_small_for_kr_are_implausible(tmp_path):
    # Enhed "kr." but typed as if in 1.000 kr.: largest yearly amount 1.200
    lines = [Line("Engangsinvestering", [1200, 0, 0, 0, 0, 0], ONE_OFF),
             Line("Varig investering", [0, 50, 50, 50, 50, 50], RECURRING),
             Line("Gevinst", [0, 350, 350, 350, 350, 350], GAIN)]
    res = run(one_case(tmp_path / "lille.xlsx", unit="kr.", lines=lines))
    found = with_code(res, "unit-implausible")
    assert len(found) == 1 and found[0].severity.value == "advarsel", every(res)
    # still read as given: 1.200 + 5 × 50 = 1.450 kr.; 5 × 350 = 1.750 kr.
    assert_totals(the_case(res), 1450, 1750)


# --- 5. year headers ------------------------------------------------------------------------------------------------

FOUR = [2026, 2027, 2028, 2029]
YEAR_HEADERS = {
    "numbers": (YEARS, YEARS),
    "text": ([str(y) for y in YEARS], YEARS),
    "footnote star": ([f"{y}*" for y in YEARS], YEARS),
    "B2026 BO1 2027": (["B2026", "BO1 2027", "BO2 2028", "BO3 2029"], FOUR),
    "B 2026 BO1 2027": (["B 2026", "BO1 2027", "BO2 2028", "BO3 2029"], FOUR),
    "Budget/Overslagsår": (["Budget 2026", "Overslagsår 2027", "Overslagsår 2028", "Overslagsår 2029"], FOUR),
    "dates": ([dt.date(y, 1, 1) for y in YEARS], YEARS),
}


@pytest.mark.parametrize("style", list(YEAR_HEADERS))
def test_year_headers_as_departments_write_them(tmp_path, style):
    headers, years = YEAR_HEADERS[style]
    n = len(years)
    res = run(one_case(tmp_path / "aar.xlsx", years=years, year_headers=headers, lines=base_lines(n),
                       period=f"{years[0]}–{years[-1]}"))
    assert every(res) == []
    case = the_case(res)
    assert case.figures.years == years
    if n == 6:
        assert_totals(case, BASE_INVESTMENT, BASE_SAVING)
    else:
        # 2026–2029: investment 500 + 300 + 100 + 100 = 1.000; gain 0 + 300 + 600 + 800 = 1.700
        assert_totals(case, 1_000_000, 1_700_000)


# --- 6. periods -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2026-2031", "2026–31", "2026-31", "2026 - 2031", "2026–2031 (4 år)"])
def test_period_notations(tmp_path, period):
    res = run(one_case(tmp_path / "periode.xlsx", period=period))
    assert not [f for f in res.findings if f.code.startswith("period")], every(res)
    assert serious(res) == []


# --- 7. where the labels stand --------------------------------------------------------------------------------------

def test_labels_in_column_b(tmp_path):
    res = run(one_case(tmp_path / "kolonne_b.xlsx", label_col=2))
    assert every(res) == []
    case = the_case(res)
    assert (case.case.case_nr, case.case.title) == ("1", "Velfærdsteknologi i hjemmeplejen")
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


def test_metadata_labels_merged_over_two_columns(tmp_path):
    res = run(one_case(tmp_path / "flettet.xlsx", merged_labels=True))
    assert not with_code(res, "missing-field"), every(res)
    assert serious(res) == []
    case = the_case(res)
    assert (case.case.case_nr, case.case.title) == ("1", "Velfærdsteknologi i hjemmeplejen")
    assert case.case.text("area") == "Ældre"
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)


# --- 8. several cases on one sheet ----------------------------------------------------------------------------------

CASE_B_LINES = [Line("Engangsinvestering", [100, 0, 0, 0, 0, 0], ONE_OFF),
                Line("Varig investering", [0, 0, 0, 0, 0, 0], RECURRING),
                Line("Gevinst", [0, 50, 50, 50, 50, 50], GAIN)]
CASE_B = CaseSpec(case_nr="2", title="Digital skoleadministration", area="Skole, SFO og klub", lines=CASE_B_LINES)
# case B by hand: invested 100, saved 5 × 50 = 250, net 150 (1.000 kr.)


def test_two_cases_stacked_on_one_sheet(tmp_path):
    book = write_book(tmp_path / "stablet.xlsx", [("Cases", stacked([CaseSpec(), CASE_B])),
                                                   ("Lister", write_lister)])
    res = run(book)
    assert serious(res) == []
    assert sorted(c.case.case_nr for c in res.cases) == ["1", "2"]
    assert_totals(the_case(res, "1"), BASE_INVESTMENT, BASE_SAVING)
    assert_totals(the_case(res, "2"), 100_000, 250_000)
    assert the_case(res, "2").case.title == "Digital skoleadministration"


def test_two_cases_side_by_side(tmp_path):
    # case 1 in A–H (labels A, years B–G), case 2 in J–Q (labels J, years K–P)
    book = write_book(tmp_path / "side.xlsx", [("Cases", [CaseSpec(), replace(CASE_B, label_col=10)]),
                                                ("Lister", write_lister)])
    res = run(book)
    unclear = with_code(res, "tables-unclear")
    if unclear:
        assert len(unclear) == 1 and unclear[0].severity.value == "fejl"
        assert [c for c in res.cases if c.case.sheet == "Cases"] == []
    else:
        assert sorted(c.case.case_nr for c in res.cases) == ["1", "2"]
        assert_totals(the_case(res, "1"), BASE_INVESTMENT, BASE_SAVING)
        assert_totals(the_case(res, "2"), 100_000, 250_000)
        assert the_case(res, "2").case.title == "Digital skoleadministration"


def test_three_tables_under_one_case_nr_are_unclear(tmp_path):
    res = run(one_case(tmp_path / "tre.xlsx", tables=3))
    found = with_code(res, "tables-unclear")
    assert len(found) == 1 and found[0].severity.value == "fejl", every(res)
    assert [c for c in res.cases if c.case.sheet == "Case 1"] == []


# --- 9. years out of order ------------------------------------------------------------------------------------------

def consolidate_json(*inputs) -> tuple[int, dict]:
    from xlpy.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["consolidate", *map(str, inputs), "--format", "json"])
    assert status in (0, 1), (status, err.getvalue())
    return status, json.loads(out.getvalue())


def test_descending_years(tmp_path):
    years = list(reversed(YEARS))
    book = one_case(tmp_path / "faldende.xlsx", year_headers=years)
    res = run(book)
    assert "years-not-consecutive" in [c for c, _ in fejl(res)], every(res)
    status, _ = consolidate_json(book.path)  # consolidating it is no exception either
    assert status == 1


def test_descending_years_next_to_a_good_case_in_a_folder(tmp_path):
    # a folder: one good case (2026–2031) and one typed 2031 … 2026; the totals by year must not break
    folder = tmp_path / "mappe"
    one_case(folder / "god.xlsx")
    one_case(folder / "faldende.xlsx", title="Faldende år", year_headers=list(reversed(YEARS)))
    status, k = consolidate_json(folder)
    assert status == 1
    assert k["files_read"] == 2


def test_gapped_years(tmp_path):
    years = [2026, 2027, 2029]
    book = one_case(tmp_path / "huller.xlsx", years=years, lines=base_lines(3), period="2026–2029")
    res = run(book)
    assert "years-not-consecutive" in [c for c, _ in fejl(res)], every(res)
    status, _ = consolidate_json(book.path)
    assert status == 1


# --- 10. sheets that are not cases ----------------------------------------------------------------------------------

CASE_A = CaseSpec()


def book_with(tmp_path, name, *extra):
    return write_book(tmp_path / name, [("Case 1", [CASE_A]), ("Case 2", [CASE_B]), *extra])


def test_overview_sheet_is_not_a_case(tmp_path):
    book = book_with(tmp_path, "samlet.xlsx", ("Samlet", [overview_spec([CASE_A, CASE_B])]), ("Lister", write_lister))
    res = run(book)
    assert sorted(c.case.sheet for c in res.cases) == ["Case 1", "Case 2"]
    assert [(f.code, f.severity.value) for f in res.findings if f.sheet == "Samlet"] == [("sheet-overview", "info")]
    assert serious(res) == []


def test_blank_template_copy_is_not_a_case(tmp_path):
    book = book_with(tmp_path, "skabelon.xlsx", ("Case 3", [template_spec()]), ("Lister", write_lister))
    res = run(book)
    assert sorted(c.case.sheet for c in res.cases) == ["Case 1", "Case 2"]
    assert [(f.code, f.severity.value) for f in res.findings if f.sheet == "Case 3"] == \
        [("sheet-template-blank", "info")]
    assert serious(res) == []


def test_lister_and_vejledning_are_not_cases(tmp_path):
    book = book_with(tmp_path, "lister.xlsx", ("Lister", write_lister), ("Vejledning", write_vejledning))
    res = run(book)
    assert sorted(c.case.sheet for c in res.cases) == ["Case 1", "Case 2"]
    assert serious(res) == []


def test_all_non_case_sheets_together(tmp_path):
    book = book_with(tmp_path, "alle.xlsx", ("Samlet", [overview_spec([CASE_A, CASE_B])]),
                     ("Case 3", [template_spec()]), ("Lister", write_lister), ("Vejledning", write_vejledning))
    res = run(book)
    assert sorted(c.case.case_nr for c in res.cases) == ["1", "2"]
    # 1.200 + 100 invested; 3.300 + 250 saved (1.000 kr.)
    assert close(sum(c.figures.total_investment for c in res.cases), 1_300_000)
    assert close(sum(c.figures.total_saving for c in res.cases), 3_550_000)
    assert serious(res) == []


# --- 11. signs ------------------------------------------------------------------------------------------------------

def test_budget_sign_convention_is_one_warning_and_normalised(tmp_path):
    # Mindreudgift typed -0 -300 -600 -800 -800 -800; Besparelse i alt likewise; Nettoresultat = investment +
    # gains = 500 0 -500 -700 -700 -700; Akk. 500 500 0 -700 -1400 -2100
    lines = base_lines()
    lines[2] = replace(lines[2], label="Mindreudgift")
    res = run(one_case(tmp_path / "budget.xlsx", lines=lines, gain_sign=-1))
    assert [(c, s) for c, s, _, _ in serious(res)] == [("sign-budget-convention", "advarsel")]
    case = the_case(res)
    assert_years(case.figures.saving, kilo([0, 300, 600, 800, 800, 800]))
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)  # |0| + |-300| + … = 3.300, positive
    assert case.figures.complete


def test_budget_sign_convention_with_several_gain_rows(tmp_path):
    lines = base_lines() + [Line("Merindtægt", [0, 0, 20, 20, 20, 20], GAIN)]
    res = run(one_case(tmp_path / "budget2.xlsx", lines=lines, gain_sign=-1))
    assert [(c, s) for c, s, _, _ in serious(res)] == [("sign-budget-convention", "advarsel")]
    assert_totals(the_case(res), BASE_INVESTMENT, 3_380_000)  # 3.300 + 4 × 20


def test_mixed_signs_are_one_fejl_and_incomplete(tmp_path):
    # Gevinst positive, Mindreudgift typed with minus: neither convention
    lines = base_lines() + [Line("Mindreudgift", [0, 100, 100, 100, 100, 100], GAIN)]
    negate = {("Mindreudgift", i) for i in range(1, 6)}
    res = run(one_case(tmp_path / "blandet.xlsx", lines=lines, negate=negate, totals="blank"))
    found = with_code(res, "sign-mixed")
    assert len(found) == 1 and found[0].severity.value == "fejl", every(res)
    assert not the_case(res).figures.complete


# --- 12. totals at the precision the sheet shows ------------------------------------------------------------------

def test_totals_typed_at_the_shown_precision(tmp_path):
    # mio. kr.: Gevinst 0,45 and Merindtægt 0,13 a year from 2027 = 0,58, typed (shown) as 0,6;
    # Engangsinvestering 0,2 in 2026. Exact: net -0,2 0,58 …; Akk -0,2 0,38 0,96 1,54 2,12 2,70,
    # typed -0,2 0,4 1,0 1,5 2,1 2,7
    lines = [Line("Engangsinvestering", [0.2, 0, 0, 0, 0, 0], ONE_OFF),
             Line("Varig investering", [0, 0, 0, 0, 0, 0], RECURRING),
             Line("Gevinst", [0, 0.45, 0.45, 0.45, 0.45, 0.45], GAIN),
             Line("Merindtægt", [0, 0.13, 0.13, 0.13, 0.13, 0.13], GAIN)]
    book = one_case(tmp_path / "praecision.xlsx", unit="mio. kr.", lines=lines, totals_decimals=1)
    res = run(book)
    assert serious(res) == []
    case = the_case(res)
    # invested 0,2 mio.; saved 5 × 0,58 = 2,9 mio.; net 2,7 mio.
    assert_totals(case, 200_000, 2_900_000)


# --- 13. numbers typed as text ----------------------------------------------------------------------------------------

def test_table_typed_as_text_is_one_warning_per_row(tmp_path):
    # Engangsinvestering "1.561" "250" …; Varig "0" "100" …; Gevinst "0" "400" "900" "1.200" "1.200" "1.200"
    lines = [Line("Engangsinvestering", [1561, 250, 0, 0, 0, 0], ONE_OFF),
             Line("Varig investering", [0, 100, 100, 100, 100, 100], RECURRING),
             Line("Gevinst", [0, 400, 900, 1200, 1200, 1200], GAIN)]
    book = one_case(tmp_path / "tekst.xlsx", lines=lines, as_text=True)
    res = run(book)
    rows = with_code(res, "number-as-text-row")
    # seven rows: three inputs and four totals, every cell text
    assert len(rows) == 7, every(res)
    assert all(f.severity.value == "advarsel" for f in rows)
    assert not with_code(res, "number-as-text")
    assert {coordinate_from_string(f.cell)[1] for f in rows} == set(book.layout().rows.values())  # one per row
    assert serious(res) == [(f.code, "advarsel", f.sheet, f.cell) for f in rows]
    case = the_case(res)
    assert_years(case.figures.one_off, [1_561_000, 250_000, 0, 0, 0, 0])
    # invested 1.561 + 250 + 5 × 100 = 2.311; saved 400 + 900 + 3 × 1.200 = 4.900
    assert_totals(case, 2_311_000, 4_900_000)


@pytest.mark.parametrize("shown_as", ["0 (Excel's SUM skips the text)", "300 (the text read as a number)"])
def test_number_as_text_is_one_warning_not_a_cascade_through_the_saved_totals(tmp_path, shown_as):
    # Gevinst 2027 typed as the text "300", in a workbook saved by Excel: its formulas give their own reading of the
    # text. Excel's SUM skips it, so Besparelse i alt 2027 shows 0, Nettoresultat 2027 0 − 300 = −300, Akk.
    # -500 -800 -300 400 1100 1800, and the "I alt" of Gevinst 3.300 − 300 = 3.000 (with the sums below it).
    # The one mistake is the text cell: one advarsel there, nothing at the totals it throws off; xlpy reads it
    # as 300, so the case counts 3.300 as typed.
    skipped = shown_as.startswith("0")
    gain_2027 = 0 if skipped else 300
    overrides = {("Gevinst", 1): "300", ("Besparelse i alt", 1): gain_2027, ("Nettoresultat", 1): gain_2027 - 300}
    cumulative = [-500, -500 + gain_2027 - 300]
    for net in (500, 700, 700, 700):
        cumulative.append(cumulative[-1] + net)
    overrides.update({("Akk. nettoresultat", i): v for i, v in enumerate(cumulative)})
    saving_total = 3_300 - 300 + gain_2027
    book = one_case(tmp_path / "tekst_gemt.xlsx", overrides=overrides, total_column=True,
                    total_column_overrides={"Gevinst": saving_total, "Besparelse i alt": saving_total,
                                            "Nettoresultat": saving_total - 1_200})
    res = run(book)
    assert serious(res) == [("number-as-text", "advarsel", "Case 1", book.layout().cell("Gevinst", 1))], every(res)
    case = the_case(res)
    assert_years(case.figures.saving, [0, 300_000, 600_000, 800_000, 800_000, 800_000])
    assert_totals(case, BASE_INVESTMENT, BASE_SAVING)
    assert case.figures.complete


def test_a_wrong_total_in_another_year_is_still_found_beside_a_number_as_text(tmp_path):
    # As above, Excel's SUM skipping "300" in 2027; and Besparelse i alt 2029 typed as 900 where Gevinst gives 800:
    # that slip has nothing to do with the text, so it is its own fejl.
    overrides = {("Gevinst", 1): "300", ("Besparelse i alt", 1): 0, ("Nettoresultat", 1): -300,
                 ("Besparelse i alt", 3): 900}
    res = run(one_case(tmp_path / "tekst_og_slip.xlsx", overrides=overrides))
    book_cells = [(f.code, f.cell) for f in res.findings if f.severity.value in ("fejl", "advarsel")]
    layout = one_case(tmp_path / "layout.xlsx").layout()
    assert ("number-as-text", layout.cell("Gevinst", 1)) in book_cells
    assert ("computed-mismatch", layout.cell("Besparelse i alt", 3)) in book_cells, book_cells
    assert not any(cell in (layout.cell("Besparelse i alt", 1), layout.cell("Nettoresultat", 1))
                   for _, cell in book_cells), book_cells


def test_a_total_typed_by_hand_as_text_is_still_checked_in_a_table_typed_as_text(tmp_path):
    # The whole table typed as text, the totals too (by hand, not formulas): Besparelse i alt 2029 typed "900" where
    # Gevinst gives 800 is a slip of its own, found at its cell beside the one advarsel per row.
    book = one_case(tmp_path / "tekst_slip.xlsx", as_text=True, overrides={("Besparelse i alt", 3): "900"})
    res = run(book)
    assert [(f.code, f.cell) for f in res.findings if f.severity.value == "fejl"] == [
        ("computed-mismatch", book.layout().cell("Besparelse i alt", 3))], every(res)


# --- 14. error values -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", ["#REF!", "#VALUE!", "#DIV/0!", "#N/A"])
def test_error_value_in_a_gain_cell(tmp_path, error):
    book = one_case(tmp_path / "fejlvaerdi.xlsx", overrides={("Gevinst", 2): error})
    res = run(book)
    found = with_code(res, "error-value")
    assert [(f.severity.value, f.cell) for f in found] == [("fejl", book.layout().cell("Gevinst", 2))], every(res)
    assert not the_case(res).figures.complete


def _carried(first: str, year: int) -> dict[tuple[str, int], str]:
    """What Excel shows when row `first` holds #REF! in year index `year`: the error carried by the template's
    formulas into every computed row below it in that year, and into Akk. from that year on."""
    below = ["Besparelse i alt", "Nettoresultat"]
    shown = {(first, year): "#REF!"}
    shown.update({(label, year): "#REF!" for label in below[below.index(first) + 1 if first in below else 0:]})
    shown.update({("Akk. nettoresultat", i): "#REF!" for i in range(year, 6)})
    return shown


@pytest.mark.parametrize("first", ["Gevinst", "Besparelse i alt"])
def test_an_error_value_carried_by_the_formulas_below_it_is_one_fejl(tmp_path, first):
    # Saved by Excel: #REF! in Gevinst 2028 (or in the Besparelse i alt formula itself) shows #REF! in every
    # computed cell that sums it: Besparelse i alt 2028, Nettoresultat 2028, Akk. 2028–2031 and the "I alt" cells.
    # One mistake: one fejl, where it starts.
    book = one_case(tmp_path / "ref.xlsx", overrides=_carried(first, 2), total_column=True,
                    total_column_overrides={label: "#REF!" for label in (first, "Besparelse i alt", "Nettoresultat")})
    res = run(book)
    assert fejl(res) == [("error-value", book.layout().cell(first, 2))], every(res)
    assert the_case(res).figures.complete == (first != "Gevinst")  # xlpy's figures come from the inputs


def test_a_date_in_a_gain_of_a_budget_signed_sheet_is_one_fejl(tmp_path):
    # The budget sign convention (gains and Besparelse i alt typed with minus), saved by Excel, and a date typed in
    # Gevinst 2031: Excel's SUM counts it as its serial number (46.753 for 1 January 2028 … here 2031: 47.849), so
    # Besparelse i alt 2031 shows 47.849 − 0 = a positive total in a row of negatives. That total is the formula's
    # reading of the slip, no sign: the row is still read in the budget convention, and the date is the one fejl.
    serial = (dt.date(2031, 1, 1) - dt.date(1899, 12, 30)).days
    gains = [0, -300, -600, -800, -800, serial]
    investment = [500, 300, 100, 100, 100, 100]
    net = [i + g for i, g in zip(investment, gains)]
    cumulative = [sum(net[:k + 1]) for k in range(6)]
    overrides = {("Gevinst", 5): dt.date(2031, 1, 1)}
    overrides.update({("Besparelse i alt", k): v for k, v in enumerate(gains)})
    overrides.update({("Nettoresultat", k): v for k, v in enumerate(net)})
    overrides.update({("Akk. nettoresultat", k): v for k, v in enumerate(cumulative)})
    book = one_case(tmp_path / "budget_dato.xlsx", gain_sign=-1, overrides=overrides)
    res = run(book)
    assert fejl(res) == [("wrong-type-in-number", book.layout().cell("Gevinst", 5))], every(res)
    assert with_code(res, "sign-budget-convention")
    # read without 2031: saved 300 + 600 + 800 + 800 = 2.500, invested 1.200
    assert_totals(the_case(res), BASE_INVESTMENT, 2_500_000)


def test_an_error_in_a_computed_row_with_no_error_above_it_is_its_own_fejl(tmp_path):
    # #REF! in Gevinst 2028 (carried below it), and in Nettoresultat 2030 a broken formula of its own (carried into
    # Akk. 2030, which shows #REF! anyway from 2028): two fejl, at the two cells where they start.
    shown = _carried("Gevinst", 2)
    shown[("Nettoresultat", 4)] = "#REF!"
    book = one_case(tmp_path / "to_ref.xlsx", overrides=shown)
    res = run(book)
    layout = book.layout()
    assert fejl(res) == [("error-value", layout.cell("Gevinst", 2)),
                         ("error-value", layout.cell("Nettoresultat", 4))], every(res)


# --- 15. one wrong cumulative cell ----------------------------------------------------------------------------------

def test_one_wrong_cumulative_cell_is_one_fejl_at_that_cell(tmp_path):
    # Akk. should be -500 -500 0 700 1400 2100; 2029 typed as 800
    book = one_case(tmp_path / "akk.xlsx", overrides={("Akk. nettoresultat", 3): 800})
    res = run(book)
    assert fejl(res) == [("cumulative-mismatch", book.layout().cell("Akk. nettoresultat", 3))], every(res)
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)


# --- 16. rows xlpy does not know ------------------------------------------------------------------------------------

SYGEFRAVAER = [0, 100, 100, 100, 100, 100]  # = 500


def test_unknown_row_confirmed_by_the_totals_is_counted(tmp_path):
    book = one_case(tmp_path / "ukendt_med.xlsx", lines=lines_with("Gevinst", Line("Reduceret sygefravær",
                                                                                  SYGEFRAVAER, GAIN)))
    res = run(book)
    assert every(res) == []
    case = the_case(res)
    assert_years(case.figures.saving, kilo([0, 400, 700, 900, 900, 900]))
    assert_totals(case, BASE_INVESTMENT, 3_800_000)  # 3.300 + 500


def test_unknown_row_the_totals_leave_out_is_read_as_a_subrow(tmp_path):
    book = one_case(tmp_path / "ukendt_uden.xlsx", lines=lines_with("Gevinst", Line("Reduceret sygefravær",
                                                                                   SYGEFRAVAER, OTHER)))
    res = run(book)
    assert serious(res) == []
    assert [f.severity.value for f in with_code(res, "row-read-as-subrow")] == ["info"], every(res)
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)


def test_unknown_row_without_totals_is_assumed_with_a_warning(tmp_path):
    book = one_case(tmp_path / "ukendt_antaget.xlsx", totals="none",
                    lines=lines_with("Gevinst", Line("Reduceret sygefravær", SYGEFRAVAER, GAIN)))
    res = run(book)
    assert [(c, s) for c, s, _, _ in serious(res)] == [("row-assumed", "advarsel")]
    assert_totals(the_case(res), BASE_INVESTMENT, 3_800_000)


@pytest.mark.parametrize("totals", ["typed", "none"])
def test_unknown_row_in_the_upper_of_two_stacked_cases(tmp_path, totals):
    # two cases stacked; the upper one has Reduceret sygefravær under Gevinst (confirmed by its totals, or no totals)
    upper = CaseSpec(totals=totals, lines=lines_with("Gevinst", Line("Reduceret sygefravær", SYGEFRAVAER, GAIN)))
    lower = replace(CASE_B, totals=totals)
    book = write_book(tmp_path / "stablet_ukendt.xlsx", [("Cases", stacked([upper, lower])), ("Lister", write_lister)])
    res = run(book)
    assert_totals(the_case(res, "1"), BASE_INVESTMENT, 3_800_000)  # 3.300 + 500
    assert_totals(the_case(res, "2"), 100_000, 250_000)
    expected = [] if totals == "typed" else [("row-assumed", "advarsel", "Cases",
                                              book.layout("1").label_cell("Reduceret sygefravær"))]
    assert serious(res) == expected


def test_unknown_row_of_one_rounding_unit_the_totals_leave_out(tmp_path):
    # mio. kr. with two decimals; Reduceret sygefravær 0,01 in 2027 only, and the typed totals leave it out. Without
    # it the totals agree exactly; with it they would be one rounding unit off: it is not counted.
    lines = [Line("Engangsinvestering", [0.5, 0.2, 0, 0, 0, 0], ONE_OFF),
             Line("Varig investering", [0, 0.1, 0.1, 0.1, 0.1, 0.1], RECURRING),
             Line("Gevinst", [0, 0.35, 0.65, 0.85, 0.85, 0.85], GAIN),
             Line("Reduceret sygefravær", [0, 0.01, 0, 0, 0, 0], OTHER)]
    res = run(one_case(tmp_path / "en_enhed.xlsx", unit="mio. kr.", lines=lines))
    assert serious(res) == []
    # invested 0,7 + 0,5 = 1,2 mio.; saved 0,35 + 0,65 + 3 × 0,85 = 3,55 mio.
    assert_totals(the_case(res), 1_200_000, 3_550_000)


def test_full_time_equivalents_are_not_an_amount(tmp_path):
    book = one_case(tmp_path / "aarsvaerk.xlsx",
                    lines=lines_with("Gevinst", Line("Årsværk", [0, 2, 3, 3, 3, 3], COUNT)))
    res = run(book)
    assert serious(res) == []
    assert [f.severity.value for f in with_code(res, "row-not-amount")] == ["info"], every(res)
    assert_totals(the_case(res), BASE_INVESTMENT, BASE_SAVING)


# --- 17. consolidation over a folder --------------------------------------------------------------------------------

ABANDONED = CaseSpec(case_nr="2", title="Samdrift af plejecentre", status="Opgivet",
                     lines=[Line("Engangsinvestering", [100, 0, 0, 0, 0, 0], ONE_OFF),
                            Line("Varig investering", [0] * 6, RECURRING),
                            Line("Gevinst", [0, 50, 50, 50, 50, 50], GAIN)])
SCHOOL = CaseSpec(case_nr="1", title="Digital skoleadministration", area="Skole, SFO og klub", unit="kr.",
                  lines=[Line("Engangsinvestering", [250_000, 0, 0, 0, 0, 0], ONE_OFF),
                         Line("Varig investering", [40_000] * 6, RECURRING),
                         Line("Gevinst", [0, 150_000, 150_000, 150_000, 150_000, 150_000], GAIN)])
# SCHOOL by hand (kr.): invested 250.000 + 6 × 40.000 = 490.000; saved 5 × 150.000 = 750.000


def department_folder(root):
    root.mkdir()
    write_book(root / "aeldre.xlsx", [("Case 1", [CASE_A]), ("Case 2", [ABANDONED]),
                                      ("Samlet", [overview_spec([CASE_A, ABANDONED])])], not_cases=("Samlet",))
    write_book(root / "skole.xlsx", [("Case 1", [SCHOOL])])
    write_book(root / "kopi" / "aeldre_sendt_igen.xlsx", [("Case 1", [CASE_A])])
    return root


def test_consolidation_leaves_out_abandoned_duplicate_and_non_cases(tmp_path):
    from xlpy.portfolio.batch import consolidate_files
    from xlpy.portfolio.consolidate import key_figures_json

    folder = department_folder(tmp_path / "afdelinger")
    c = consolidate_files([str(folder)], None)
    k = key_figures_json(c)
    assert k["files_read"] == 3 and k["files_skipped"] == 0
    # counted: CASE_A once (1.200.000 / 3.300.000) and SCHOOL (490.000 / 750.000)
    assert close(k["total_investment"], 1_690_000)
    assert close(k["total_saving"], 4_050_000)
    assert close(k["total_net"], 2_360_000)  # 2.100.000 + 260.000
    assert k["left_out"] == {"opgivet": 1, "duplicate": 1, "not_a_case": 1}
    assert "Samdrift af plejecentre" in [r.case.title for r in c.results]  # listed, not summed


def test_case_nr_1_in_two_departments_is_not_a_duplicate(tmp_path):
    from xlpy.portfolio.batch import consolidate_files
    from xlpy.portfolio.consolidate import key_figures_json

    folder = tmp_path / "to"
    folder.mkdir()
    write_book(folder / "aeldre.xlsx", [("Case 1", [CASE_A])])
    write_book(folder / "skole.xlsx", [("Case 1", [SCHOOL])])
    c = consolidate_files([str(folder)], None)
    assert not [f for f in c.findings if f.code in ("duplicate-case-nr", "duplicate-case")]
    k = key_figures_json(c)
    assert close(k["total_investment"], 1_690_000)  # 1.200.000 + 490.000
    assert close(k["total_saving"], 4_050_000)      # 3.300.000 + 750.000
    assert k["left_out"]["duplicate"] == 0


def test_consolidate_cli_json_over_the_folder(tmp_path):
    folder = department_folder(tmp_path / "afdelinger")
    status, k = consolidate_json(folder)
    assert status in (0, 1)
    assert close(k["total_investment"], 1_690_000) and close(k["total_saving"], 4_050_000)
    assert k["left_out"] == {"opgivet": 1, "duplicate": 1, "not_a_case": 1}


# --- 18. cases without amounts yet --------------------------------------------------------------------------------

EMPTY = [Line("Engangsinvestering", [None] * 6, ONE_OFF), Line("Varig investering", [None] * 6, RECURRING),
         Line("Gevinst", [None] * 6, GAIN)]


def test_cases_without_amounts_are_still_cases(tmp_path):
    # Case nr. and Titel filled, the table not yet: a case (no-yearly-figures), not a blank template copy
    book = write_book(tmp_path / "tomme.xlsx", [("Case 1", [CaseSpec(lines=EMPTY, totals="blank")]),
                                                ("Case 2", [replace(CASE_B, lines=EMPTY, totals="blank")])])
    res = run(book)
    assert sorted(c.case.case_nr for c in res.cases) == ["1", "2"], every(res)
    assert not with_code(res, "sheet-template-blank")
    assert all(c.figures.total_investment == 0 and c.figures.total_saving == 0 for c in res.cases)


def test_consolidate_json_of_cases_without_amounts(tmp_path):
    book = write_book(tmp_path / "tomme.xlsx", [("Case 1", [CaseSpec(lines=EMPTY, totals="blank")]),
                                                ("Case 2", [replace(CASE_B, lines=EMPTY, totals="blank")])])
    status, k = consolidate_json(book.path)
    assert status in (0, 1)
    assert k["total_investment"] == 0 and k["total_saving"] == 0 and k["total_net"] == 0
    assert k["files_read"] == 1
