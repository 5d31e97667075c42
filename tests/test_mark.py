"""`validate --mark`: a Fejl sheet and highlights, nothing else changed, and a second run replaces the first."""

from compare import book_view
from conftest import SAMPLES
from xlpy.write.mark import SIGNATURE, clear_marks, mark_file
from xlpy.portfolio.pipeline import validate


def outside_xlpy(path):
    view = book_view(path)
    view["sheets"] = [s for s in view["sheets"] if s != "Fejl"]
    view["content"].pop("Fejl", None)
    for sheet in view["content"].values():
        sheet["conditional"] = [cf for cf in sheet["conditional"] if SIGNATURE not in "".join(cf[1])]
    return view


def marked_cells(path):
    view = book_view(path)
    return {(name, cf[0]) for name, sheet in view["content"].items() for cf in sheet["conditional"]
            if SIGNATURE in "".join(cf[1])}


def test_mark_writes_only_xlpy_sheet_and_marks(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    before = outside_xlpy(book)
    count, problems = mark_file(str(book), validate([book]))
    assert problems == [] and count == 4
    assert outside_xlpy(book) == before  # every other cell value, formula, style, validation is unchanged
    view = book_view(book)
    assert view["sheets"][-1] == "Fejl"
    fejl = view["content"]["Fejl"]["cells"]
    assert fejl["B3"]["value"] == "net-sign-inverted"
    assert fejl["E3"]["link"] == "'Case 2'!B27"
    assert marked_cells(book) == {("Case 2", "B27 B28"), ("Case 4", "B21"), ("Case 4", "C26")}


def test_second_run_replaces_first(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    findings = validate([book])
    mark_file(str(book), findings)
    first = book_view(book)
    mark_file(str(book), validate([book]))  # the Fejl sheet itself is not read as a case
    second = book_view(book)
    first["content"]["Fejl"]["cells"].pop("A1")
    second["content"]["Fejl"]["cells"].pop("A1")  # the "made at" line
    assert first == second
    # fixing a cell and marking again removes its mark
    mark_file(str(book), [f for f in findings if f.sheet != "Case 4"])
    assert marked_cells(book) == {("Case 2", "B27 B28")}


def test_clear_marks_restores_the_original(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    original = book_view(book)
    mark_file(str(book), validate([book]))
    assert clear_marks(str(book)) == 3  # three rules (Case 2 one range, Case 4 two severities)
    assert book_view(book) == original


def test_a_workbook_with_a_ribbon_is_marked_and_keeps_it(tmp_path):
    """Parts openpyxl would have dropped (here a ribbon) are no reason to refuse: the package is edited, not
    re-saved, and the part keeps its bytes."""
    import zipfile

    book = tmp_path / "med_baand.xlsx"
    with zipfile.ZipFile(SAMPLES / "allerod_2021.xlsx") as src, zipfile.ZipFile(book, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("customUI/customUI14.xml", "<customUI/>")
    count, problems = mark_file(str(book), validate([book]))
    assert problems == [] and count == 4
    with zipfile.ZipFile(book) as zf:
        assert zf.read("customUI/customUI14.xml") == b"<customUI/>"
    assert marked_cells(book) == {("Case 2", "B27 B28"), ("Case 4", "B21"), ("Case 4", "C26")}


def test_cli_mark(sample_copy):
    import subprocess
    import sys

    book = sample_copy("allerod_2021.xlsx")
    out = subprocess.run([sys.executable, "-m", "xlpy.cli", "validate", str(book), "--mark"], capture_output=True,
                         text=True)
    assert out.returncode == 1
    assert "Fejl" in book_view(book)["sheets"]
    assert f"Markeringer skrevet i {book}: 4 celle(r) markeret" in out.stdout


def test_errors_outrank_warnings(sample_copy):
    """Where a fejl and an advarsel hit one cell, the fejl's rule has the higher priority (the lower number)."""
    from openpyxl import load_workbook

    from xlpy.findings import finding

    book = sample_copy("allerod_2021.xlsx")
    mark_file(str(book), [finding("missing-field", str(book), "Case 1", "B5", label="Titel"),
                          finding("unit-missing", str(book), "Case 1", "B5")])
    rules = {r.dxf.fill.bgColor.rgb[-6:]: r.priority
             for cf in load_workbook(book)["Case 1"].conditional_formatting for r in cf.rules}
    assert rules["FFC7CE"] < rules["FFEB9C"]
