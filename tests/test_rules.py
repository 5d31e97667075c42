"""Every validation rule of DESIGN §4, each shown by changing one cell of a clean case workbook."""

import pytest

S = "Velfærdsteknologi"  # first case of samples/eksempel_uden_fejl.xlsx: B21:G27 is its year table, 2026–2031


def codes(findings, sheet=S):
    return {(f.code, f.cell) for f in findings if f.sheet in (sheet, None)}


def test_clean_workbook_has_no_findings(edit):
    results, findings = edit.check()
    assert findings == []
    assert [r.case.case_nr for r in results] == ["EK-1", "EK-2", "EK-3"]


@pytest.mark.parametrize("ref, label", [("B4", "Case nr."), ("B5", "Titel"), ("B7", "Område"), ("B9", "Type"),
                                        ("B10", "Periode")])
def test_missing_required_field(edit, ref, label):
    _, findings = edit.set(S, ref, "").check()
    assert codes(findings) == {("missing-field", ref)}
    assert label in findings[0].message()


@pytest.mark.parametrize("ref, value", [("B7", "Økonomi"), ("B8", "Digitalisering"), ("B9", "Effektivisering!"),
                                        ("B12", "Måske")])
def test_value_not_in_list(edit, ref, value):
    _, findings = edit.set(S, ref, value).check()
    assert codes(findings) == {("not-in-list", ref)}


def test_list_values_are_matched_without_case_and_spaces(edit):
    _, findings = edit.set(S, "B7", "  ældre ").check()
    assert findings == []


def test_lists_come_from_the_lister_sheet(edit):
    edit.set("Lister", "A2", "Ældre og omsorg")  # the municipality renamed an area: "Ældre" is no longer allowed
    _, findings = edit.set(S, "B7", "Ældre og omsorg").check()
    assert codes(findings) == set()
    _, findings = edit.set(S, "B7", "Tværgående forslag").check()
    assert codes(findings) == {("not-in-list", "B7")}


@pytest.mark.parametrize("value, ok", [(1, True), (2.5, True), ("2,5", True), (3, True), (0.5, False), (4, False),
                                       (1.7, False), ("2-3", False), ("svær", False)])
def test_realisability(edit, value, ok):
    _, findings = edit.set(S, "B11", value).check()
    assert codes(findings) == (set() if ok else {("realisability-invalid", "B11")})


@pytest.mark.parametrize("value, code", [("2026-2031", None), ("2026–2031", None), ("2025–2030", "period-mismatch"),
                                         ("2026–2032", "period-mismatch"), ("snart", "period-invalid"),
                                         ("2031-2026", "period-invalid")])
def test_period(edit, value, code):
    _, findings = edit.set(S, "B10", value).check()
    assert codes(findings) == (set() if code is None else {(code, "B10")})


def test_years_not_consecutive(edit):
    edit.set(S, "D20", 2029).set(S, "E20", 2030).set(S, "F20", 2031).set(S, "G20", 2032)
    _, findings = edit.check()
    assert ("years-not-consecutive", "D20") in codes(findings)


def test_number_stored_as_text_is_read_and_reported(edit):
    results, findings = edit.set(S, "C24", "1.561").check()
    assert codes(findings) >= {("number-as-text", "C24")}
    assert "1561" in next(f for f in findings if f.code == "number-as-text").message()
    assert results[0].figures.saving[1] == 1_561_000


def test_ambiguous_number_is_an_error(edit):
    results, findings = edit.set(S, "C24", "1,561").check()
    assert ("number-ambiguous", "C24") in codes(findings)


def test_range_where_one_number_is_needed(edit):
    results, findings = edit.set(S, "B21", "2.000-8.000").check()
    assert codes(findings) == {("range-not-number", "B21")}
    assert results[0].figures.complete is False


def test_text_in_number_cell(edit):
    results, findings = edit.set(S, "B22", "ca. 80").check()
    assert codes(findings) == {("text-in-number", "B22")}


@pytest.mark.parametrize("value", [True, __import__("datetime").date(2026, 1, 1)])
def test_date_or_boolean_in_number_cell(edit, value):
    _, findings = edit.set(S, "B22", value).check()
    assert codes(findings) == {("wrong-type-in-number", "B22")}


def test_dash_reads_as_zero(edit):
    results, findings = edit.set(S, "C21", "-").check()
    assert codes(findings) == {("dash-as-zero", "C21")}
    assert results[0].figures.one_off[1] == 0


def test_negative_input(edit):
    _, findings = edit.set(S, "C22", -80).check()
    assert ("negative-amount", "C22") in codes(findings)


@pytest.mark.parametrize("shown, code", [(680, None), (681, "computed-rounding"), (679, "computed-rounding"),
                                         (682, "computed-mismatch"), (679.5, "computed-mismatch"),
                                         ("680", "number-as-text")])
def test_hard_coded_total_checked(edit, shown, code):
    # Investering i alt 2026 = Engangsinvestering 600 + Varig investering 80
    _, findings = edit.set(S, "B23", shown).check()
    assert codes(findings) == (set() if code is None else {(code, "B23")})


def test_net_row_inverted(edit):
    # net = saving - investment: 200-680=-480, 650-80=570 ... ; an inverted row shows the opposite signs
    for ref, v in zip("BCDEFG", [480, -570, -570, -570, -570, -570]):
        edit.set(S, f"{ref}26", v)
    _, findings = edit.check()
    assert codes(findings) == {("net-sign-inverted", "B26")}


def test_cumulative_not_running_sum(edit):
    for ref, v in zip("BCDEFG", [-480, 90, 660, 1230, 1800, 2370]):
        edit.set(S, f"{ref}27", v)
    assert codes(edit.check()[1]) == set()
    edit.set(S, "E27", 1300)  # one wrong cell is one fejl: F27 (1800) is right on its own terms
    assert codes(edit.check()[1]) == {("cumulative-mismatch", "E27")}
    edit.set(S, "F27", 1870)  # the slip carried on by a formula (1300 + 570) is still found once, where it starts
    assert codes(edit.check()[1]) == {("cumulative-mismatch", "E27")}
    edit.set(S, "F27", 1900)  # wrong on its own terms as well: a second fejl
    assert codes(edit.check()[1]) == {("cumulative-mismatch", "E27"), ("cumulative-mismatch", "F27")}


def test_cumulative_including_uncounted_gain(edit):
    """Allerød case 2's slip: a gain shown but not counted is added into the cumulative row anyway."""
    edit.set(S, "A25", "Gevinst fra eksisterende case").set(S, "I25", "Nej")
    for ref, v in zip("BCDEFG", [100] * 6):
        edit.set(S, f"{ref}25", v)
    for ref, v in zip("BCDEFG", [-380, 290, 960, 1630, 2300, 2970]):  # running sum of net + 100 a year
        edit.set(S, f"{ref}27", v)
    results, findings = edit.check()
    assert codes(findings) == {("cumulative-includes-uncounted", "B27")}
    assert results[0].figures.period_net == 2_370_000  # the uncounted row stays out


@pytest.mark.parametrize("value, code, unit", [("", "unit-missing", "1.000 kr."), ("tkr.", None, "1.000 kr."),
                                               # the case's largest amount, 650, is implausible as kroner
                                               ("kr.", "unit-implausible", "kr."), ("mio. kr.", None, "mio. kr."),
                                               ("euro", "unit-unknown", "1.000 kr.")])
def test_units(edit, value, code, unit):
    results, findings = edit.set(S, "B16", value).check()
    assert codes(findings) == (set() if code is None else {(code, "B16")})
    assert results[0].case.unit == unit


def test_unit_scales_amounts(edit):
    base = edit.check()[0][0].figures
    mio = edit.set(S, "B16", "mio. kr.").check()[0][0].figures
    assert mio.period_net == base.period_net * 1000
    assert mio.return_per_krone == base.return_per_krone


def test_duplicate_case_nr_within_workbook(edit):
    _, findings = edit.set("Udbud af rengøring", "B4", "EK-1").check()
    dup = [f for f in findings if f.code == "duplicate-case-nr"]
    assert [(f.sheet, f.cell) for f in dup] == [("Udbud af rengøring", "B4")]
    assert "Velfærdsteknologi!B4" in dup[0].message()


def test_empty_year_column(edit):
    for r in (21, 22, 24):
        edit.set(S, f"D{r}", "")
    _, findings = edit.check()
    assert codes(findings) == {("year-column-empty", "D20")}


def test_half_a_table(edit):
    edit.set(S, "A21", "").set(S, "A22", "")
    results, findings = edit.check()
    # the amounts are there without their names: each row is one fejl (not also "Engangsinvestering missing")
    assert codes(findings) == {("row-unplaced", "A21"), ("row-unplaced", "A22")}
    assert not results[0].figures.complete
    edit.set(S, "A21", "").set(S, "A22", "")
    for r in (21, 22):
        for col in "BCDEFG":
            edit.set(S, f"{col}{r}", "")
    _, findings = edit.check()
    assert codes(findings) == {("table-incomplete", "A23")}  # the rows gone altogether: the table lacks them
    assert len(results) == 3  # the other cases are still read


def test_moved_table_and_inserted_rows_still_read(edit):
    sheet = edit.sheet(S)
    for _ in range(5):
        sheet.grid.insert(19, [""] * len(sheet.grid[0]))  # five rows inserted above the table
    sheet.grid = [[""] * 2 + row for row in sheet.grid]  # and two columns to the left
    results, findings = edit.check()
    assert findings == []
    assert results[0].figures.period_net == 2_370_000


def test_messages_switch_to_english(edit):
    _, findings = edit.set(S, "B5", "").check()
    assert findings[0].message("en") == "The field »Titel« is required."
    assert findings[0].to_dict("en")["severity"] == "fejl"  # JSON severity is stable across languages


def test_several_areas_and_categories(edit):
    """KL's catalogue prints one example under several areas and categories: "A; B", each checked."""
    results, findings = edit.set(S, "B7", "Ældre; Sundhed").set(S, "B8", "Strukturtilpasninger; Nyt").check()
    assert codes(findings) == {("not-in-list", "B8")}
    assert "»Nyt«" in findings[0].message()
    assert results[0].case.values("area") == ["Ældre", "Sundhed"]


def test_period_not_required_without_yearly_figures(edit):
    for r in (21, 22, 24):
        for c in "BCDEFG":
            edit.set(S, f"{c}{r}", "")
    _, findings = edit.set(S, "B10", "").check()
    assert codes(findings) == {("no-yearly-figures", "A20")}


def test_rounding_is_one_unit_of_the_last_digit_shown(edit):
    """In mio. kr. written with two decimals, 0,01 is rounding and 0,04 is an error (KL072's slip)."""
    edit.set(S, "B16", "mio. kr.").set(S, "B21", 0.6).set(S, "B22", 0.08).set(S, "B24", 0.2)
    for c, v in zip("CDEFG", [0.65] * 5):
        edit.set(S, f"{c}24", v)
    for c in "CDEFG":
        edit.set(S, f"{c}22", 0.08).set(S, f"{c}21", 0)
    assert codes(edit.set(S, "B23", 0.69).check()[1]) == {("computed-rounding", "B23")}
    assert codes(edit.set(S, "B23", 0.72).check()[1]) == {("computed-mismatch", "B23")}


def test_every_registered_message_names_only_known_parameters():
    """Each template renders in both languages with the parameters its code is raised with (placeholders in
    Danish and English agree)."""
    import string

    from xlpy.findings import REGISTRY

    for code in REGISTRY.values():
        da = {f for _, f, _, _ in string.Formatter().parse(code.da) if f}
        en = {f for _, f, _, _ in string.Formatter().parse(code.en) if f}
        assert da == en, code.code


def test_label_merged_over_two_columns_in_a_live_book(edit):
    """A live book (xlwings) does not say which cells are merged: a label merged over A:B has its value in C."""
    edit.sheet(S).merges = None
    edit.set(S, "C5", edit.sheet(S).grid[4][1]).set(S, "B5", "")
    results, findings = edit.check()
    assert codes(findings) == set()
    assert results[0].case.field_cells["title"] == "C5"
    edit.set(S, "C5", "Titel")  # a label further right is never taken for the value
    _, findings = edit.check()
    assert ("missing-field", "B5") in codes(findings)


@pytest.mark.parametrize("label", ["Gevinst (høj)", "Gevinst, lavt skøn", "Realiseret gevinst"])
def test_rows_beside_the_table_are_not_counted(edit, label):
    """Three-point companions and realised figures under the table are shown, never added to the case's figures."""
    before = edit.check()[0][0].figures
    for col in "BCDEFG":
        edit.set(S, f"{col}28", 100 if "lav" in label else 900)  # a low estimate below the base (lav ≤ basis ≤ høj)
    results, findings = edit.set(S, "A28", label).check()
    assert codes(findings) == set()
    assert results[0].figures.total_saving == before.total_saving == 3_450_000  # 200 + 5 × 650, in 1.000 kr.
