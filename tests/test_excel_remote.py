"""Every ribbon button, run through xlwings itself on its remote engine (what xlwings Server and Lite run):
the payload is built from a workbook file, the button runs on `xw.Book(json=payload)`, and the tests assert on the
actions it sends back to Excel. Needs XLWINGS_LICENSE_KEY=noncommercial (set here, for the tests only)."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlpy.excel as buttons  # noqa: E402
from conftest import SAMPLES, require  # noqa: E402
from remote import actions, open_remote  # noqa: E402
from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, lists_sheet  # noqa: E402
from xlpy.write.xlsx import write_book  # noqa: E402


def by_func(acts, func):
    return [a for a in acts if a["func"] == func]


def alerts(acts):
    return [a["args"][0] for a in by_func(acts, "alert")]


def sheet_values(acts, position):
    return [a for a in by_func(acts, "setValues") if a["sheet_position"] == position]


def fills(acts, positions=(1, 3)):
    """{(sheet position, row, column): colour} set on the given sheets by setRangeColor (one cell) and
    setRangeColors (a block, "keep" where a cell keeps its fill); colours in upper case."""
    out = {}
    for a in acts:
        if a["sheet_position"] not in positions:
            continue
        if a["func"] == "setRangeColor":
            out[(a["sheet_position"], a["start_row"], a["start_column"])] = a["args"][0] and a["args"][0].upper()
        elif a["func"] == "setRangeColors":
            for i, line in enumerate(a["args"][0]):
                for j, color in enumerate(line):
                    if color != "keep":
                        out[(a["sheet_position"], a["start_row"] + i, a["start_column"] + j)] = color and color.upper()
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Samples with cached formula results, as Excel would send them (LibreOffice calculated them)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    out = tmp_path_factory.mktemp("remote")
    paths = libreoffice.recalc_many([SAMPLES / "allerod_2021.xlsx", SAMPLES / "eksempel_uden_fejl.xlsx"], out,
                                    timeout=180)
    return {p.name: p for p in paths}


def write_cases(path, n, years=range(2026, 2032), slip=False):
    """n case sheets from the template. slip: each sheet's net row typed by hand, one unit off in its last year
    (one fejl, one marked cell per sheet)."""
    def net(i):
        values = [50 * k - (100 + i if k == 0 else 0) - 10 for k in range(len(years))]
        values[-1] += 1
        return values

    specs = [CaseSpec(sheet=f"Case {i}", years=years, fields={
        "case_nr": i, "title": f"Case nummer {i}", "area": "Ældre", "type": "Effektivisering",
        "period": f"{years[0]}–{years[-1]}", "municipality": "Testkommune"},
        one_off=[100 + i] + [0] * (len(years) - 1), recurring=[10] * len(years),
        gains=[Gain("Gevinst", [50 * k for k in range(len(years))])], net=net(i) if slip else None)
        for i in range(1, n + 1)]
    write_book(path, [*(case_sheet(s) for s in specs), lists_sheet()])
    return path


def marked_copy(path, out):
    """A copy of a workbook as Validér leaves it: with its record of the marks (the sheet xlpy_markeringer)."""
    from openpyxl import load_workbook

    book = open_remote(path)
    buttons.validate(book)
    acts = actions(book)
    position = len(book.sheets) - 1
    record = sheet_values(acts, position)[0]["values"]
    wb = load_workbook(path)
    ws = wb.create_sheet("xlpy_markeringer")
    for line in record:
        ws.append(line)
    wb.save(out)
    return out


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
    # highlights: red for fejl, yellow for advarsel, on exactly the finding cells (sheet positions 1 and 3), one
    # call per sheet (xlwings Lite sets a block of fills at once; "keep" leaves a cell's fill alone)
    assert fills(acts) == {(1, 26, 1): "#FFC7CE", (1, 27, 1): "#FFC7CE", (3, 20, 1): "#FFC7CE", (3, 25, 2): "#FFEB9C"}
    assert [a["sheet_position"] for a in by_func(acts, "setRangeColors")] == [1, 3]
    assert [a for a in by_func(acts, "setRangeColor") if a["sheet_position"] in (1, 3)] == []
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
    assert fills(acts) == {(1, 26, 1): "#EDEDED", (3, 20, 1): None}
    assert by_func(acts, "setValues") == []
    assert [a["func"] for a in acts] == ["setRangeColors", "setRangeColors", "sheetDelete", "alert"]


def test_marks_go_one_cell_at_a_time_where_the_host_cannot_set_many(tmp_path):
    """The remote engine's VBA client (xlwings Server from VBA) has no setRangeColors: one setRangeColor per cell."""
    book = open_remote(SAMPLES / "allerod_2021.xlsx", client="VBA")
    buttons.validate(book)
    acts = actions(book)
    assert by_func(acts, "setRangeColors") == []
    assert fills(acts) == {(1, 26, 1): "#FFC7CE", (1, 27, 1): "#FFC7CE", (3, 20, 1): "#FFC7CE", (3, 25, 2): "#FFEB9C"}


def test_color_blocks_stay_within_xlwings_limit():
    from xlpy.excel.marks import MAX_COLOR_CELLS, _color_blocks

    cells = [(r, c) for r in range(0, 3000, 7) for c in (0, 25)]
    blocks = _color_blocks(cells)
    assert all((b - t + 1) * (r - l + 1) <= MAX_COLOR_CELLS for t, b, l, r in blocks)
    assert all(any(t <= row <= b and l <= col <= r for t, b, l, r in blocks) for row, col in cells)
    assert len(blocks) == 8  # 3000 rows × 26 columns in bands of 384 rows


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
    rows = {}
    writes = [a for a in by_func(actions(book), "setValues") if a["values"][0][0] != "Beregnet af xlpy"]
    for a in writes:
        for i, line in enumerate(a["values"]):
            rows[a["start_row"] + i] = line
    case = result.case
    assert rows[case.rows["investment"].row] == [v / 1000 for v in result.figures.investment]
    assert rows[case.rows["net"].row] == [v / 1000 for v in result.figures.net]
    assert rows[case.rows["cumulative"].row] == [v / 1000 for v in result.figures.cumulative]
    # neighbouring empty rows go in one write: Investering i alt; Besparelse i alt, Nettoresultat and Akk. together
    assert [(a["start_row"], len(a["values"])) for a in writes] == [(case.rows["investment"].row, 1),
                                                                    (case.rows["saving_total"].row, 3)]


def test_refresh_overview_gives_the_batch_figures(tmp_path):
    from xlpy.portfolio.batch import consolidate_in_place
    from xlpy.read.workbook import read_workbook

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
    # the follow-up rows under the table are kept and emptied (rows 30-31: Realiseret investering, gevinst)
    assert written[(29, 1)] == written[(30, 1)] == [[""] * 6]
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
    monkeypatch.setattr(buttons.host, "check_sheets", lambda *a: 1 / 0)  # the reading every button does
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


BUTTONS = ("new_case", "validate", "clear_marks", "compute", "refresh_overview", "collect_departments")


def run_button(name, path, folder=None):
    """One button on the remote engine: (actions it sends, seconds for the payload, seconds for the button)."""
    import time

    t0 = time.perf_counter()
    book = open_remote(path)
    t1 = time.perf_counter()
    if name == "collect_departments":
        buttons.collect_departments(book, folder=str(folder))
    else:
        getattr(buttons, name)(book)
    t2 = time.perf_counter()
    return actions(book), t1 - t0, t2 - t1


def action_counts(path, work=None):
    """Actions per button for a workbook; Ryd markeringer on a copy that carries Validér's record, Hent afdelinger
    with a folder holding the workbook."""
    work = Path(work or Path(path).parent)
    marked = marked_copy(path, work / f"{Path(path).stem}.marked.xlsx")
    folder = work / f"{Path(path).stem}.folder"
    folder.mkdir(exist_ok=True)
    shutil.copy(path, folder)
    counts = {}
    for name in BUTTONS:
        acts, _, _ = run_button(name, marked if name == "clear_marks" else path, folder)
        counts[name] = len(acts)
    return counts


@pytest.fixture(scope="module")
def recalculated_cases(tmp_path_factory):
    """Case workbooks with the formulas' results in them, as Excel sends a workbook (LibreOffice calculated them),
    with one hand-typed slip per sheet: 10 and 50 case sheets, and 50 with twelve years."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    src, out = tmp_path_factory.mktemp("cases"), tmp_path_factory.mktemp("recalculated")
    paths = [write_cases(src / "ti.xlsx", 10, slip=True), write_cases(src / "halvtreds.xlsx", 50, slip=True),
             write_cases(src / "lang.xlsx", 50, years=range(2026, 2038), slip=True)]
    done = {p.name: p for p in libreoffice.recalc_many(paths, out, timeout=300)}
    return {name: done[f"{name}.xlsx"] for name in ("ti", "halvtreds", "lang")}


def test_every_button_sends_at_most_two_actions_per_case_sheet(recalculated_cases):
    """Per button, the actions sent to Excel for 10 and for 50 case sheets, every sheet with one marked cell: at most
    two more per case sheet (Beregn: its block and the block's number format; Validér and Ryd markeringer: one set of
    fills per sheet), the rest constant; and twelve years instead of six (more cells per case) add none."""
    small = action_counts(recalculated_cases["ti"])
    large = action_counts(recalculated_cases["halvtreds"])
    wide = action_counts(recalculated_cases["lang"])
    per_case = {name: (large[name] - small[name]) / 40 for name in BUTTONS}
    assert per_case["compute"] == 2
    assert per_case["validate"] == 1 and per_case["clear_marks"] == 1
    assert per_case["new_case"] == 0 and per_case["collect_departments"] * 40 <= 2
    # column widths fitted to the contents may merge into one more or one fewer call
    assert abs(large["refresh_overview"] - small["refresh_overview"]) <= 2
    for name in BUTTONS:
        assert per_case[name] <= 2, (name, small[name], large[name])
        assert abs(wide[name] - large[name]) <= 2, (name, large[name], wide[name])


def test_beregn_on_sheets_whose_computed_rows_are_empty(tmp_path):
    """The one case above two: computed rows that show nothing (here formulas no program has calculated; in Excel,
    rows left empty) get Python's figures, one write per block of empty rows: Investering i alt, then Besparelse i
    alt to Akk. together. Four actions per case sheet, and none the next time (the cells then show values)."""
    small = action_counts(write_cases(tmp_path / "ti.xlsx", 10))
    large = action_counts(write_cases(tmp_path / "halvtreds.xlsx", 50))
    assert (large["compute"] - small["compute"]) / 40 == 4


def test_ribbon_buttons_for_the_budget_round_reach_their_actions(tmp_path, monkeypatch):
    """"Sammenlign med tidligere version" asks for the earlier file and writes Ændringer; "Lav beslutningsoplæg"
    writes the deck next to the workbook (with no file chosen: a message, nothing written)."""
    import xlpy.excel.compare as compare
    import xlpy.excel.deck as deck

    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    monkeypatch.setattr(compare, "_ask_file", lambda: str(SAMPLES / "allerod_2021.xlsx"))
    assert buttons.compare_versions(book) is not None  # the same workbook: compared, nothing changed
    assert [a["args"][1] for a in actions(book) if a["func"] == "addSheet"] == ["Ændringer"]
    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    monkeypatch.setattr(compare, "_ask_file", lambda: None)
    assert buttons.compare_versions(book) is None
    assert not [a for a in actions(book) if a["func"] == "addSheet"]
    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    monkeypatch.setattr(deck, "_folder", lambda _book: str(tmp_path))
    assert buttons.decision_paper(book) == str(tmp_path / "allerod_2021 – beslutningsoplæg.pptx")


def test_refresh_overview_shows_the_sensitivity_sheet(tmp_path):
    """Opdatér overblik on the corrected paper (case 4 with lav/høj 2.000/8.000): the Følsomhed sheet through the
    xlwings renderer, with the batch's figures, its chart, and the stress tests as the book's Forudsætninger sheet
    sets them (gains 2 years late)."""
    import openpyxl

    from xlpy.portfolio.batch import consolidate_in_place
    from xlpy.read.workbook import read_workbook

    path = tmp_path / "rettet.xlsx"
    shutil.copy(SAMPLES / "allerod_2021_rettet.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Forudsætninger")
    ws["A1"], ws["B1"] = "Gevinster forsinket (år)", 2
    wb.save(path)
    book = open_remote(path)
    buttons.refresh_overview(book)
    acts = actions(book)
    added = [a["args"][1] for a in by_func(acts, "addSheet")]
    assert "Følsomhed" in added
    position = len(wb.sheetnames) + added.index("Følsomhed")
    written = [row for a in sheet_values(acts, position) for row in a["values"]]
    by_nr = {row[1]: row for row in written if len(row) > 1 and row[1] == 4}
    assert by_nr[4][3:6] == [pytest.approx(-240), pytest.approx(3_760), pytest.approx(5_760)]  # pess., basis, opt.
    assert by_nr[4][10] == "2024–efter 2027"
    assert any(row and row[0] == "Gevinster 2 år forsinket" for row in written)
    batch = tmp_path / "batch.xlsx"
    shutil.copy(path, batch)
    consolidate_in_place(str(batch))
    grid = {s.name: s.grid for s in read_workbook(batch).sheets}["Følsomhed"]
    labels = [row[0] for row in grid]
    assert "Gevinster 2 år forsinket" in labels  # the same sheet setting in the batch
    assert len([a for a in by_func(acts, "addChart") if a["sheet_position"] == position]) == 1


def test_compute_shows_the_scenarios_of_a_case_with_estimates():
    book = open_remote(SAMPLES / "allerod_2021_rettet.xlsx")
    results = buttons.compute(book)
    blocks = {a["sheet_position"]: a for a in by_func(actions(book), "setValues")
              if a["values"][0][0] == "Beregnet af xlpy"}
    four = dict((row[0], row[1]) for row in blocks[3]["values"][1:] if row[0])
    assert four["Netto i perioden, pessimistisk (1.000 kr.)"] == pytest.approx(-240)  # one-off 8.000: 3.760 − 4.000
    assert four["Netto i perioden, optimistisk (1.000 kr.)"] == pytest.approx(5_760)  # one-off 2.000
    assert four["Tilbagebetalingsår (opt.–pess.)"] == "2024–efter 2027"
    assert four["Skæringsværdi: gevinsterne kan falde med (%)"] == pytest.approx(100 * 3_760 / 47_472, abs=0.01)
    one = dict((row[0], row[1]) for row in blocks[0]["values"][1:] if row[0])
    assert "Netto i perioden, pessimistisk (1.000 kr.)" not in one  # no estimates: no scenario rows
    assert one["Skæringsværdi: gevinsterne kan falde med (%)"] == 100  # no investment: all gains can go
    assert len(results) == 5
