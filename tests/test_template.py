"""The committed template is what the code generates (values, formulas, validations, formats)."""

from compare import assert_same_workbook, book_view
from conftest import ROOT
from xlpy.template import write_template

TEMPLATE = ROOT / "templates" / "investeringscase.xlsx"


def test_committed_template_is_generated(tmp_path):
    fresh = tmp_path / "t.xlsx"
    write_template(fresh)
    assert_same_workbook(TEMPLATE, fresh)


def test_template_shape():
    view = book_view(TEMPLATE)
    assert view["sheets"] == ["Case 1", "Lister", "Vejledning"]
    case = view["content"]["Case 1"]
    cells = case["cells"]
    # labels in Danish, inputs yellow, computed grey with live formulas and thousands separators
    assert cells["A21"]["value"] == "Engangsinvestering" and cells["B21"]["fill"] == "FFF2CC"
    assert cells["B23"]["value"] == "=B21+B22" and cells["B23"]["fill"] == "EDEDED"
    assert cells["B27"]["value"] == "=B26-B23"
    assert cells["C28"]["value"] == "=B28+C27"
    assert cells["B26"]["number_format"] == "#,##0;[Red]-#,##0"
    dropdowns = {ref for ref, _, _ in case["validations"]}
    assert {"B7", "B8", "B9", "B12", "B16", "B11", "I24:I25"} == dropdowns
