"""Every ribbon button, run through xlwings itself on its remote engine (what xlwings Server and Lite run):
the payload is built from a workbook file, the button runs on `xw.Book(json=payload)`, and the tests assert on the
actions it sends back to Excel. Needs XLWINGS_LICENSE_KEY=noncommercial (set here, for the tests only)."""

import os
import shutil

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlpy.excel as buttons  # noqa: E402
from conftest import SAMPLES, require  # noqa: E402
from remote import actions, open_remote  # noqa: E402
from xlpy.casesheet import CaseSpec, Gain, case_sheet, lists_sheet  # noqa: E402
from xlpy.xlsx import write_book  # noqa: E402


def by_func(acts, func):
    return [a for a in acts if a["func"] == func]


def alerts(acts):
    return [a["args"][0] for a in by_func(acts, "alert")]


def sheet_values(acts, position):
    return [a for a in by_func(acts, "setValues") if a["sheet_position"] == position]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Samples with cached formula results, as Excel would send them (LibreOffice calculated them)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    out = tmp_path_factory.mktemp("remote")
    paths = libreoffice.recalc_many([SAMPLES / "allerod_2021.xlsx", SAMPLES / "eksempel_uden_fejl.xlsx"], out,
                                    timeout=180)
    return {p.name: p for p in paths}


def write_cases(path, n, years=range(2026, 2032)):
    specs = [CaseSpec(sheet=f"Case {i}", years=years, fields={
        "case_nr": i, "title": f"Case nummer {i}", "area": "Ældre", "type": "Effektivisering",
        "period": f"{years[0]}–{years[-1]}", "municipality": "Testkommune"},
        one_off=[100 + i] + [0] * (len(years) - 1), recurring=[10] * len(years),
        gains=[Gain("Gevinst", [50 * k for k in range(len(years))])]) for i in range(1, n + 1)]
    write_book(path, [*(case_sheet(s) for s in specs), lists_sheet()])
    return path


def test_validate_writes_findings_marks_and_a_message():
    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    findings = buttons.validate(book)
    acts = actions(book)
    assert [(f.sheet, f.cell) for f in findings] == [("Case 2", "B27"), ("Case 2", "B28"), ("Case 4", "B21"),
                                                     ("Case 4", "C26")]
    added = [a["args"][1] for a in by_func(acts, "addSheet")]
    assert added == ["Fejl", "xlpy_markeringer"]
    fejl = sheet_values(acts, 7)[0]["values"]
    assert [row[1] for row in fejl[2:]] == [f.code for f in findings]
    assert fejl[2][4] == "=HYPERLINK(\"#'Case 2'!B27\",\"B27\")"
    # highlights: red for fejl, yellow for advarsel, on exactly the finding cells (sheet positions 1 and 3)
    marks = {(a["sheet_position"], a["start_row"], a["start_column"], a["args"][0])
             for a in by_func(acts, "setRangeColor") if a["sheet_position"] in (1, 3)}
    assert marks == {(1, 26, 1, "#FFC7CE"), (1, 27, 1, "#FFC7CE"), (3, 20, 1, "#FFC7CE"), (3, 25, 2, "#FFEB9C")}
    record = sheet_values(acts, 8)[0]["values"]
    assert record[1:] == [["Case 2", "B27", "#EDEDED"], ["Case 2", "B28", "#EDEDED"], ["Case 4", "B21", "#FFF2CC"],
                          ["Case 4", "C26", "#EDEDED"]]
    assert alerts(acts) == ["5 case(s) kontrolleret: 3 fejl og 1 advarsler. Se arket »Fejl«."]
    # nothing the user typed is written: every setValues goes to xlpy's own new sheets
    assert {a["sheet_position"] for a in by_func(acts, "setValues")} == {7, 8}


def test_clear_marks_restores_the_recorded_fills_and_nothing_else(tmp_path):
    from openpyxl import load_workbook

    book_path = tmp_path / "markeret.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book_path)
    wb = load_workbook(book_path)
    ws = wb.create_sheet("xlpy_markeringer")
    for row in (["Ark", "Celle", "Oprindelig farve"], ["Case 2", "B27", "#EDEDED"], ["Case 4", "B21", ""]):
        ws.append(row)
    wb.save(book_path)
    book = open_remote(book_path)
    assert buttons.clear_marks(book) == 2
    acts = actions(book)
    colors = [(a["sheet_position"], a["start_row"], a["start_column"], a["args"][0])
              for a in by_func(acts, "setRangeColor")]
    assert colors == [(1, 26, 1, "#EDEDED"), (3, 20, 1, None)]
    assert by_func(acts, "setValues") == []
    assert [a["func"] for a in acts] == ["setRangeColor", "setRangeColor", "sheetDelete", "alert"]


def test_compute_writes_the_block_and_leaves_typed_and_formula_cells_alone(recalculated):
    book = open_remote(recalculated["allerod_2021.xlsx"])
    results = buttons.compute(book)
    acts = actions(book)
    blocks = {a["sheet_position"]: a for a in by_func(acts, "setValues") if a["values"][0][0] == "Beregnet af xlpy"}
    assert sorted(blocks) == [0, 1, 2, 3, 4]
    for position, result in enumerate(results):
        block = blocks[position]
        assert (block["start_row"], block["start_column"]) == (3, 10)  # K4, right of the year table
        values = dict((row[0], row[1]) for row in block["values"][1:] if row[0])
        f = result.figures
        assert values["Investering i perioden (1.000 kr.)"] * 1000 == pytest.approx(f.total_investment)
        assert values["Netto i perioden (1.000 kr.)"] * 1000 == pytest.approx(f.period_net)
        assert values["Tilbagebetalingsår"] == (f.payback_year or "–")
    # every computed cell shows a value (a formula's result or a typed number): none is overwritten
    assert [a for a in by_func(acts, "setValues") if a["values"][0][0] != "Beregnet af xlpy"] == []


def test_compute_fills_empty_computed_cells(tmp_path):
    path = write_cases(tmp_path / "tomme.xlsx", 1)  # openpyxl wrote formulas without results: cells read empty
    book = open_remote(path)
    result = buttons.compute(book)[0]
    rows = {a["start_row"]: a["values"][0] for a in by_func(actions(book), "setValues")
            if a["values"][0][0] != "Beregnet af xlpy"}
    case = result.case
    assert rows[case.rows["net"].row] == [v / 1000 for v in result.figures.net]
    assert rows[case.rows["cumulative"].row] == [v / 1000 for v in result.figures.cumulative]


def test_refresh_overview_gives_the_batch_figures(tmp_path):
    from xlpy.batch import consolidate_in_place
    from xlpy.read import read_workbook

    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    buttons.refresh_overview(book)
    acts = actions(book)
    added = [a["args"][1] for a in by_func(acts, "addSheet")]
    assert added == ["Overblik", "Nøgletal", "Pr. år", "Pr. område", "Fejl"]
    batch = tmp_path / "allerod_2021.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", batch)
    consolidate_in_place(str(batch))
    files = {s.name: s.grid for s in read_workbook(batch).sheets}
    for offset, name in enumerate(added):
        written = sheet_values(acts, 7 + offset)[0]["values"]
        grid = files[name]
        for r, row in enumerate(written[1:], start=1):  # row 0: the "made at" line
            for c, value in enumerate(row):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert grid[r][c] == pytest.approx(value), (name, r, c)
                elif isinstance(value, str) and not value.startswith("="):
                    assert grid[r][c] == value.lstrip("'"), (name, r, c)
    assert any(a["func"] == "addChart" for a in acts)
    assert alerts(acts) == ["Overblikket er opdateret: 5 case(s)."]


def test_new_case_copies_the_last_case_with_inputs_emptied():
    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    assert buttons.new_case(book) == "Case 6"
    acts = actions(book)
    copy = by_func(acts, "copySheet")
    assert len(copy) == 1
    written = {(a["start_row"], a["start_column"]): a["values"] for a in by_func(acts, "setValues")}
    assert written[(3, 1)] == [[6]]  # Case nr. B4
    assert written[(4, 1)] == [[""]]  # Titel emptied; Område, Kommune, Enhed kept (not written)
    assert (6, 1) not in written
    assert written[(20, 1)] == [[0] * 6]  # Engangsinvestering 2022–2027
    # Case 5 (copied) has one gain row: rows 21-27 are one-off … cumulative; computed rows get live formulas
    assert written[(25, 1)] == [["=B25-B23", "=C25-C23", "=D25-D23", "=E25-E23", "=F25-F23", "=G25-G23"]]
    assert written[(26, 1)] == [["=B26", "=B27+C26", "=C27+D26", "=D27+E26", "=E27+F26", "=F27+G26"]]
    assert alerts(acts) == ["Arket »Case 6« er oprettet med Case nr. 6."]


def test_new_case_in_a_workbook_without_cases(tmp_path):
    path = tmp_path / "tom.xlsx"
    write_book(path, [lists_sheet()])
    book = open_remote(path)
    assert buttons.new_case(book) == "Case 1"
    acts = actions(book)
    values = by_func(acts, "setValues")[0]["values"]
    assert values[3][:2] == ["Case nr.", "1"]


def test_buttons_on_a_workbook_without_cases(tmp_path):
    path = tmp_path / "tom.xlsx"
    write_book(path, [lists_sheet()])
    for action, message in ((buttons.validate, "Projektmappen har ingen caseark"),
                            (buttons.compute, "Projektmappen har ingen caseark"),
                            (buttons.refresh_overview, "Projektmappen har ingen caseark")):
        book = open_remote(path)
        action(book)
        assert any(m.startswith(message) for m in alerts(actions(book))), action.__name__


def test_half_filled_case_is_a_finding_not_a_traceback(tmp_path):
    from openpyxl import load_workbook

    path = write_cases(tmp_path / "halv.xlsx", 2)
    wb = load_workbook(path)
    ws = wb["Case 2"]
    ws["A21"] = None  # Engangsinvestering label gone
    ws["C22"] = "ca. 10"
    wb.save(path)
    book = open_remote(path)
    findings = buttons.validate(book)
    assert {f.code for f in findings} >= {"row-unplaced", "text-in-number"}  # the unnamed row's amounts: a fejl
    assert not any("kunne ikke" in m for m in alerts(actions(book)))


def test_unexpected_error_becomes_a_message(monkeypatch):
    book = open_remote(SAMPLES / "eksempel_uden_fejl.xlsx")
    monkeypatch.setattr(buttons, "check_sheets", lambda *a: 1 / 0)
    assert buttons.validate(book) is None
    assert alerts(actions(book)) == ["xlpy kunne ikke gøre det færdigt: ZeroDivisionError: division by zero. "
                                     "Intet du har skrevet er ændret."]


def test_collect_departments_reads_a_folder(tmp_path):
    folder = tmp_path / "afd"
    folder.mkdir()
    shutil.copy(SAMPLES / "allerod_2021.xlsx", folder)
    shutil.copy(SAMPLES / "eksempel_uden_fejl.xlsx", folder)
    book = open_remote(write_cases(tmp_path / "samle.xlsx", 1))
    c = buttons.collect_departments(book, folder=str(folder))
    assert (len(c.files_read), len(c.results)) == (2, 8)
    assert [a["args"][1] for a in by_func(actions(book), "addSheet")] == ["Overblik", "Nøgletal", "Pr. år",
                                                                          "Pr. område", "Fejl"]


def action_counts(path):
    counts = {}
    for action in (buttons.new_case, buttons.validate, buttons.compute, buttons.refresh_overview):
        book = open_remote(path)
        action(book)
        counts[action.__name__] = len(actions(book))
    return counts


def test_action_counts_do_not_grow_per_cell(tmp_path):
    """Per button, the number of calls sent to Excel for 10 and for 50 case sheets (and for 6 and 12 years):
    constant, except Beregn, which writes one block per case sheet."""
    small = action_counts(write_cases(tmp_path / "ti.xlsx", 10))
    large = action_counts(write_cases(tmp_path / "halvtreds.xlsx", 50))
    wide = action_counts(write_cases(tmp_path / "lang.xlsx", 50, years=range(2026, 2038)))
    for name in ("new_case", "validate"):
        assert large[name] == small[name], name
    # column widths fitted to the contents may merge into one more or one fewer call; 40 more cases (640 more cells)
    # must not add calls
    assert abs(large["refresh_overview"] - small["refresh_overview"]) <= 2
    per_case = (large["compute"] - small["compute"]) / 40
    assert per_case == int(per_case) and per_case <= 8
    assert wide["compute"] == large["compute"]  # more years (cells) per case: no more calls
    assert wide["validate"] == large["validate"]
