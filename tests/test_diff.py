"""xlpy diff: two submissions compared. Pairs are made from the samples (copied to tmp and edited with openpyxl) and
from tests/habits.py; every expected change and figure is worked out by hand from the amounts the sample holds.

The sample facts used (samples/afdelinger/aeldre_og_sundhed.xlsx, sheet "Vagtplanlægning", case ÆS-1, in mio. kr.):
labels in column A, values in B (Case nr. B4, Titel B5, Realiserbarhed B11, Status B12, Enhed B16); years 2026–2031
in B20:G20, "I alt" in H, "Medregnes" in I;

    Engangsinvestering (row 21)  0,25  0    0    0    0    0      = 0,25
    Varig investering  (row 22)  0,3   0,3  0,3  0,3  0,3  0,3    = 1,8     investment 2,05 mio. kr.
    Gevinst            (row 24)  0,2   0,6  0,9  0,9  0,9  0,9    = 4,4
    net                         -0,35  0,3  0,6  0,6  0,6  0,6    = 2,35
    cumulative                  -0,35 -0,05 0,55 1,15 1,75 2,35   payback 2028, kr. igen 4,4 / 2,05 = 2,1463

The four department files hold 13 cases, 12 in the totals (the RPA case is handed in twice).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

from conftest import SAMPLES
from xlpy import cli
from xlpy.portfolio.diff import compare_paths, row_id

DEPARTMENTS = SAMPLES / "afdelinger"
ÆLDRE = "aeldre_og_sundhed.xlsx"
VAGTPLAN = "Vagtplanlægning"
RATE = 1.035


def call(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def diff_json(old, new, *extra) -> tuple[int, dict]:
    code, out, err = call("diff", old, new, "--format", "json", *extra)
    assert "Traceback" not in out + err
    return code, json.loads(out)


def departments(tmp_path: Path, name: str = "ny") -> Path:
    target = tmp_path / name
    shutil.copytree(DEPARTMENTS, target)
    return target


def edit(path: Path, sheet: str, cells: dict) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


def pinned(tmp_path: Path, **cells) -> Path:
    """The old version: the departments with ÆS-1's cells set as given (what a test says the old version held)."""
    old = departments(tmp_path, "gammel")
    edit(old / ÆLDRE, VAGTPLAN, cells)
    return old


def case(d: dict, nr: str) -> dict:
    return next(c for c in d["cases"] if c["case_nr"] == nr)


def difference(d: dict, name: str) -> float:
    old, new = d["totals"][name]
    return round(new - old, 2)


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


# --- nothing changed ----------------------------------------------------------------------------------------------

def test_the_same_folder_is_no_change():
    code, d = diff_json(DEPARTMENTS, DEPARTMENTS)
    assert code == 0
    assert d["changed"] is False
    assert d["cases"] == []
    assert d["summary"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 13}
    assert d["findings"] == {"appeared": [], "disappeared": []}
    assert [f["status"] for f in d["files"]] == ["compared"] * 4
    assert all(old == new for old, new in d["totals"].values())
    assert d["totals"]["cases"] == [12, 12]
    code, out, _ = call("diff", DEPARTMENTS, DEPARTMENTS)
    assert code == 0
    assert "Ingen ændringer" in out


def test_a_copy_saved_again_by_another_program_is_no_change(tmp_path):
    new = departments(tmp_path)
    for path in new.glob("*.xlsx"):
        load_workbook(path).save(path)
    code, d = diff_json(DEPARTMENTS, new)
    assert (code, d["cases"], d["findings"]["appeared"], d["findings"]["disappeared"]) == (0, [], [], [])


def test_a_relayout_is_no_change(tmp_path):
    """Inserted rows (above the case and inside the table), the table moved right, sheets renamed and reordered, the
    unit left as it is: no change of any kind, and no finding appears or disappears."""
    new = departments(tmp_path)
    wb = load_workbook(new / ÆLDRE)
    ws = wb[VAGTPLAN]
    ws.insert_rows(23)  # a blank row between Varig investering and Investering i alt
    ws.insert_rows(1, 3)
    ws.insert_cols(1, 2)
    ws.title = "Vagtplan (rev. 2)"
    wb.move_sheet(ws, offset=2)
    omsorg = wb["Omsorgsteknologi"]  # ÆS-2, with its range-not-number finding at B21
    omsorg.insert_rows(20, 2)  # the finding's cell moves to B23
    omsorg.title = "Teknologi"
    wb.save(new / ÆLDRE)
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 0, d
    assert d["cases"] == []
    assert d["findings"] == {"appeared": [], "disappeared": []}
    assert d["summary"]["unchanged"] == 13


AMOUNT_ROWS = ("Engangsinvestering", "Varig investering", "Gevinst", "Realiseret investering", "Realiseret gevinst")


def test_a_new_unit_with_the_same_amounts_in_kr_is_only_a_change_of_unit(tmp_path):
    new = departments(tmp_path)
    wb = load_workbook(new / ÆLDRE)
    ws = wb[VAGTPLAN]
    ws["B16"] = "1.000 kr."  # mio. kr. -> 1.000 kr.: every amount (the table's and the realised ones) times 1.000
    for row in ws.iter_rows(min_row=20):
        if row[0].value in AMOUNT_ROWS:
            for cell in row[1:7]:
                if isinstance(cell.value, (int, float)):
                    cell.value = round(cell.value * 1000, 6)
    wb.save(new / ÆLDRE)
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    c = case(d, "ÆS-1")
    assert c["changes"] == [{"kind": "unit", "field": "unit", "year": None, "old": "mio. kr.", "new": "1.000 kr.",
                             "difference": None, "old_cell": "B16", "new_cell": "B16"}]
    assert all(old == new for old, new in c["figures"].values())
    assert c["figures"]["period_net"] == [2_350_000, 2_350_000]
    assert all(old == new for old, new in d["totals"].values())
    assert [x["case_nr"] for x in d["cases"]] == ["ÆS-1"]


def test_row_labels_carrying_the_unit_are_the_same_rows():
    assert row_id("Gevinst (mio. kr.)") == row_id("Gevinst (i 1000 kr.)") == row_id(" gevinst ") == "gevinst"
    assert row_id("Gevinst (lav)") != row_id("Gevinst")
    assert row_id("Akk. nettoresultat:") == "akknettoresultat"


# --- each kind of change --------------------------------------------------------------------------------------------

def test_an_amount_changed_and_what_it_does(tmp_path):
    """ÆS-1's gain in 2028 from 0,9 to 0,3 mio. kr.: net 2028 0,6 -> 0, cumulative 2028 0,55 -> -0,05, so the payback
    year slips from 2028 to 2029; saving 4,4 -> 3,8 mio. kr., period net 2,35 -> 1,75, kr. igen 3,8 / 2,05 = 1,8537."""
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3})
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    assert d["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 12}
    c = case(d, "ÆS-1")
    assert (c["kind"], c["sheet"], c["old_sheet"], c["title"]) == ("changed", VAGTPLAN, VAGTPLAN,
                                                                   "Optimering af vagtplanlægningen")
    assert c["file"] == str(new / ÆLDRE) and c["old_file"] == str(DEPARTMENTS / ÆLDRE)
    assert c["changes"] == [{"kind": "amount", "field": "Gevinst", "year": 2028, "old": 900_000, "new": 300_000,
                             "difference": -600_000, "old_cell": "D24", "new_cell": "D24"}]
    f = c["figures"]
    assert f["total_investment"] == [2_050_000, 2_050_000]
    assert f["total_saving"] == [4_400_000, 3_800_000]
    assert f["period_net"] == [2_350_000, 1_750_000]
    assert f["return_per_krone"] == [2.1463, 1.8537]
    assert f["payback_year"] == [2028, 2029]
    assert f["npv"][1] - f["npv"][0] == pytest.approx(-600_000 / RATE ** 2, abs=0.02)
    assert f["complete"] == [True, True] and f["in_totals"] == [True, True]
    assert difference(d, "total_saving") == -600_000
    assert difference(d, "total_net") == -600_000
    assert difference(d, "total_investment") == 0
    assert d["totals"]["cases"] == [12, 12]
    assert difference(d, "npv") == pytest.approx(-600_000 / RATE ** 2, abs=0.02)
    assert d["findings"] == {"appeared": [], "disappeared": []}


def test_metadata_changes_are_field_old_new(tmp_path):
    old = pinned(tmp_path, B11=2, B12="Under udarbejdelse")
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"B5": "Central vagtplanlægning", "B11": 1.5, "B12": "Besluttet"})
    code, d = diff_json(old, new)
    assert code == 1
    c = case(d, "ÆS-1")
    assert c["changes"] == [
        {"kind": "field", "field": "title", "year": None, "old": "Optimering af vagtplanlægningen",
         "new": "Central vagtplanlægning", "difference": None, "old_cell": "B5", "new_cell": "B5"},
        {"kind": "field", "field": "realisability", "year": None, "old": 2, "new": 1.5, "difference": None,
         "old_cell": "B11", "new_cell": "B11"},
        {"kind": "field", "field": "status", "year": None, "old": "Under udarbejdelse", "new": "Besluttet",
         "difference": None, "old_cell": "B12", "new_cell": "B12"}]
    assert all(old == new for old, new in c["figures"].values())


def test_a_new_case_number_is_matched_by_the_title(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"B4": "ÆS-10"})
    _, d = diff_json(DEPARTMENTS, new)
    assert [(c["kind"], c["case_nr"]) for c in d["cases"]] == [("changed", "ÆS-10")]
    assert case(d, "ÆS-10")["changes"] == [{"kind": "field", "field": "case_nr", "year": None, "old": "ÆS-1",
                                            "new": "ÆS-10", "difference": None, "old_cell": "B4", "new_cell": "B4"}]


def test_a_missing_case_number_is_matched_by_the_title(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"B4": None})
    _, d = diff_json(DEPARTMENTS, new)
    assert [(c["kind"], c["title"]) for c in d["cases"]] == [("changed", "Optimering af vagtplanlægningen")]
    assert [(x["field"], x["old"], x["new"]) for x in d["cases"][0]["changes"]] == [("case_nr", "ÆS-1", None)]


def test_a_new_number_and_a_new_title_is_another_case(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"B4": "ÆS-10", "B5": "Central vagtplanlægning"})
    _, d = diff_json(DEPARTMENTS, new)
    assert [(c["kind"], c["case_nr"]) for c in d["cases"]] == [("added", "ÆS-10"), ("removed", "ÆS-1")]
    assert case(d, "ÆS-10")["figures"]["period_net"] == [None, 2_350_000]
    assert case(d, "ÆS-1")["figures"]["period_net"] == [2_350_000, None]
    assert case(d, "ÆS-10")["changes"] == [] and case(d, "ÆS-1")["old_file"] == str(DEPARTMENTS / ÆLDRE)


def test_a_case_added(tmp_path):
    new = departments(tmp_path)
    wb = load_workbook(new / ÆLDRE)
    copy = wb.copy_worksheet(wb[VAGTPLAN])
    copy.title = "Vagtplan hjemmeplejen"
    copy["B4"], copy["B5"] = "ÆS-4", "Vagtplanlægning i hjemmeplejen"
    wb.save(new / ÆLDRE)
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    assert d["summary"] == {"added": 1, "removed": 0, "changed": 0, "unchanged": 13}
    c = case(d, "ÆS-4")
    assert (c["kind"], c["sheet"], c["old_file"], c["changes"]) == ("added", "Vagtplan hjemmeplejen", None, [])
    assert c["figures"]["period_net"] == [None, 2_350_000]
    assert c["figures"]["total_investment"] == [None, 2_050_000]
    assert c["figures"]["payback_year"] == [None, 2028]
    assert d["totals"]["cases"] == [12, 13]
    assert difference(d, "total_net") == 2_350_000
    assert difference(d, "total_investment") == 2_050_000


def test_a_case_removed(tmp_path):
    new = departments(tmp_path)
    wb = load_workbook(new / ÆLDRE)
    del wb[VAGTPLAN]
    wb.save(new / ÆLDRE)
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    c = case(d, "ÆS-1")
    assert (c["kind"], c["file"], c["sheet"]) == ("removed", str(DEPARTMENTS / ÆLDRE), VAGTPLAN)
    assert c["figures"]["period_net"] == [2_350_000, None]
    assert d["totals"]["cases"] == [12, 11]
    assert difference(d, "total_saving") == -4_400_000
    assert difference(d, "total_net") == -2_350_000


def test_a_new_input_row_is_an_amount_change_in_every_year(tmp_path):
    """A row "Drift, licens" of 0,1 mio. kr. a year typed under Varig investering: six amounts from nothing to
    100.000 kr.; investment 2,05 -> 2,65 mio. kr., period net 2,35 -> 1,75."""
    new = departments(tmp_path)
    wb = load_workbook(new / ÆLDRE)
    ws = wb[VAGTPLAN]
    ws.insert_rows(23)
    ws["A23"] = "Drift, licens"
    for col in "BCDEFG":
        ws[f"{col}23"] = 0.1
    wb.save(new / ÆLDRE)
    _, d = diff_json(DEPARTMENTS, new)
    c = case(d, "ÆS-1")
    assert [(x["field"], x["year"], x["old"], x["new"], x["difference"], x["old_cell"], x["new_cell"])
            for x in c["changes"]] == [("Drift, licens", y, None, 100_000, 100_000, None, f"{col}23")
                                       for y, col in zip(range(2026, 2032), "BCDEFG")]
    assert c["figures"]["total_investment"] == [2_050_000, 2_650_000]
    assert c["figures"]["period_net"] == [2_350_000, 1_750_000]


def test_a_gain_no_longer_counted(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"I24": "Nej"})
    _, d = diff_json(DEPARTMENTS, new)
    c = case(d, "ÆS-1")
    assert c["changes"][0] == {"kind": "counted", "field": "Gevinst", "year": None, "old": True, "new": False,
                               "difference": None, "old_cell": "I24", "new_cell": "I24"}
    assert c["figures"]["total_saving"] == [4_400_000, 0]


def test_a_number_typed_as_text_is_a_finding_that_appeared_not_a_change(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": "0,9"})
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    assert d["cases"] == []
    assert [(f["code"], f["sheet"], f["cell"]) for f in d["findings"]["appeared"]] == [
        ("number-as-text", VAGTPLAN, "D24")]
    assert d["findings"]["disappeared"] == []


def test_a_mistake_corrected(tmp_path):
    """ÆS-2's Engangsinvestering 2026 "2.000-8.000" (unreadable) corrected to 4.000 (1.000 kr.): the amount goes from
    unreadable to 4.000.000 kr., the case is complete again, and the range-not-number finding disappears."""
    new = departments(tmp_path)
    edit(new / ÆLDRE, "Omsorgsteknologi", {"B21": 4000})
    _, d = diff_json(DEPARTMENTS, new)
    c = case(d, "ÆS-2")
    assert c["changes"] == [{"kind": "amount", "field": "Engangsinvestering", "year": 2026, "old": None,
                             "new": 4_000_000, "difference": None, "old_cell": "B21", "new_cell": "B21"}]
    assert c["figures"]["complete"] == [False, True]
    assert c["figures"]["total_investment"][1] - c["figures"]["total_investment"][0] == 4_000_000
    assert [(f["code"], f["cell"]) for f in d["findings"]["disappeared"]] == [("range-not-number", "B21")]


def test_abandoning_a_case_changes_the_totals_not_its_figures(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"B12": "Opgivet"})
    _, d = diff_json(DEPARTMENTS, new)
    c = case(d, "ÆS-1")
    assert c["figures"]["in_totals"] == [True, False]
    assert c["figures"]["period_net"] == [2_350_000, 2_350_000]
    assert d["totals"]["cases"] == [12, 11]
    assert difference(d, "total_net") == -2_350_000
    assert [f["code"] for f in d["findings"]["appeared"]] == ["case-abandoned"]


# --- folders ------------------------------------------------------------------------------------------------------

def test_a_department_file_missing(tmp_path):
    new = departments(tmp_path)
    (new / "skole_og_dagtilbud.xlsx").unlink()
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    assert [(f["name"], f["status"]) for f in d["files"]] == [
        (ÆLDRE, "compared"), ("arbejdsmarked.xlsx", "compared"), ("oekonomi_og_digitalisering.xlsx", "compared"),
        ("skole_og_dagtilbud.xlsx", "removed")]
    assert [(c["kind"], c["case_nr"]) for c in d["cases"]] == [("removed", "SD-1"), ("removed", "SD-2"),
                                                               ("removed", "SD-3")]
    assert d["totals"]["cases"] == [12, 9]
    gone = sum(c["figures"]["period_net"][0] for c in d["cases"])
    assert difference(d, "total_net") == -gone
    assert [(f["code"], f["sheet"], f["cell"]) for f in d["findings"]["disappeared"]] == [
        ("computed-rounding", "Socialrådgivere", "E26")]


def test_files_renamed_are_no_change(tmp_path):
    """A file whose name changed only in case is the same file; a file renamed outright is found by its cases (all
    of them matched from the old file into the new one): a rename, no case added or removed, no change."""
    new = departments(tmp_path)
    (new / "skole_og_dagtilbud.xlsx").rename(new / "Skole_og_Dagtilbud.XLSX")
    (new / "arbejdsmarked.xlsx").rename(new / "arbejdsmarked_v2.xlsx")
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 0
    assert d["cases"] == []
    assert d["summary"]["unchanged"] == 13
    assert [(f["name"], f["status"], os.path.basename(f["old"])) for f in d["files"]] == [
        (ÆLDRE, "compared", ÆLDRE), ("arbejdsmarked_v2.xlsx", "renamed", "arbejdsmarked.xlsx"),
        ("oekonomi_og_digitalisering.xlsx", "compared", "oekonomi_og_digitalisering.xlsx"),
        ("Skole_og_Dagtilbud.XLSX", "compared", "skole_og_dagtilbud.xlsx")]
    assert d["findings"] == {"appeared": [], "disappeared": []}
    _, out, _ = call("diff", DEPARTMENTS, new)
    assert "omdøbt (før: arbejdsmarked.xlsx)" in out


def test_a_file_split_in_two_is_not_a_rename(tmp_path):
    """Two of a file's three cases moved to a new file: the cases are the same (matched across files), the files
    are one changed and one added."""
    new = departments(tmp_path)
    shutil.copy(new / ÆLDRE, new / "aeldre_2.xlsx")
    wb = load_workbook(new / ÆLDRE)
    del wb["Omsorgsteknologi"], wb["Tandpleje"]
    wb.save(new / ÆLDRE)
    wb = load_workbook(new / "aeldre_2.xlsx")
    del wb[VAGTPLAN]
    wb.save(new / "aeldre_2.xlsx")
    code, d = diff_json(DEPARTMENTS, new)
    assert (code, d["cases"]) == (1, [])
    assert [(f["name"], f["status"]) for f in d["files"]][:2] == [("aeldre_2.xlsx", "added"), (ÆLDRE, "compared")]


def test_a_case_moved_between_workbooks_is_the_same_case(tmp_path):
    from habits import CaseSpec, write_book

    spec = lambda nr, title: CaseSpec(case_nr=nr, title=title, municipality="Testkommune",  # noqa: E731
                                      department="Skole")
    x, y = spec("S-1", "Færre klasser"), spec("S-2", "Fælles indkøb")
    write_book(tmp_path / "gammel" / "a.xlsx", [("X", [x])])
    write_book(tmp_path / "gammel" / "b.xlsx", [("Y", [y])])
    write_book(tmp_path / "ny" / "a.xlsx", [("Andet", [])])
    write_book(tmp_path / "ny" / "b.xlsx", [("Y", [y]), ("X", [x])])
    _, d = diff_json(tmp_path / "gammel", tmp_path / "ny")
    assert d["cases"] == []
    assert d["summary"]["unchanged"] == 2
    assert [(f["code"], os.path.basename(f["file"])) for f in d["findings"]["appeared"]] == [("no-case-sheet",
                                                                                                "a.xlsx")]


def test_a_file_that_cannot_be_read_is_not_compared(tmp_path):
    new = departments(tmp_path)
    (new / "arbejdsmarked.xlsx").write_bytes(b"Dette er ikke en projektmappe.\n")
    code, d = diff_json(DEPARTMENTS, new)
    assert code == 1
    pair = next(f for f in d["files"] if f["name"] == "arbejdsmarked.xlsx")
    assert (pair["status"], pair["unreadable"]) == ("not_compared", ["new"])
    assert not [c for c in d["cases"] if c["case_nr"].startswith("AM-")]
    appeared = [(f["code"], os.path.basename(f["file"]), f["sheet"]) for f in d["findings"]["appeared"]]
    assert appeared == [("format-not-supported", "arbejdsmarked.xlsx", None)]
    # AM-4 is gone with the file, so ØD-1 is no longer a copy of it
    assert [f["code"] for f in d["findings"]["disappeared"]] == ["duplicate-case"]


# --- output -------------------------------------------------------------------------------------------------------

def test_json_shape(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3})
    _, d = diff_json(DEPARTMENTS, new)
    assert {"cases", "totals", "files", "findings", "summary", "changed", "old", "new", "output"} == set(d)
    c = d["cases"][0]
    assert {"kind", "file", "sheet", "case_nr", "title", "changes", "figures"} <= set(c)
    assert {"field", "year", "old", "new"} <= set(c["changes"][0])
    assert set(c["figures"]) >= {"period_net", "return_per_krone", "payback_year", "npv"}
    assert all(isinstance(v, list) and len(v) == 2 for v in (*c["figures"].values(), *d["totals"].values()))
    assert set(d["totals"]) == {"cases", "total_investment", "total_saving", "total_net", "return_per_krone", "npv"}


def test_table_in_danish_and_english(tmp_path):
    old = pinned(tmp_path, B12="Under udarbejdelse")
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3, "B12": "Besluttet"})
    code, out, err = call("diff", old, new)
    assert code == 1 and err == ""
    for text in ("Ændringer (beløb i kr.)", "ÆS-1", "Gevinst", "900.000", "300.000", "-600.000", "2028 → 2029",
                 "Virkning på porteføljen", "Status", "Under udarbejdelse", "Besluttet",
                 "1 case(s) ændret, 0 ny(e), 0 fjernet, 12 uændret"):
        assert text in out, text
    code, out, err = call("diff", old, new, "--lang", "en")
    assert code == 1 and err == ""
    for text in ("Changes (amounts in kr.)", "Changed", "900,000", "-600,000", "2028 → 2029", "Payback year",
                 "Effect on the portfolio", "1 case(s) changed, 0 added, 0 removed, 12 unchanged"):
        assert text in out, text
    for danish in ("Ændret", "Ændring", "Før", "Virkning", "Tilbagebetalingsår", "Felt", "beløb", "fund", "Nøgletal",
                   "Titel", "Fil "):
        assert danish not in out, danish


def test_findings_in_the_table_follow_the_language(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": "0,9"})
    _, out, _ = call("diff", DEPARTMENTS, new, "--lang", "en")
    assert "The number is stored as text" in out and "New" in out
    _, out, _ = call("diff", DEPARTMENTS, new)
    assert "Tallet er gemt som tekst" in out and "Nyt" in out


def test_changes_workbook(tmp_path):
    from openpyxl import load_workbook as load

    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3, "C22": 0.2})
    before = {**digest(DEPARTMENTS), **digest(new)}
    out = tmp_path / "ud" / "ændringer.xlsx"
    code, _, err = call("diff", DEPARTMENTS, new, "-o", out)
    assert code == 1 and err == ""
    assert {**digest(DEPARTMENTS), **digest(new)} == before  # inputs untouched
    assert [p.name for p in out.parent.iterdir()] == ["ændringer.xlsx"]  # written atomically, nothing left over
    wb = load(out)
    assert wb.sheetnames == ["Ændringer"]
    ws = wb["Ændringer"]
    assert [c.value for c in ws[3]] == ["Ændring", "Fil", "Ark", "Nr.", "Titel", "Felt / række", "År", "Før", "Nu",
                                        "Forskel", "Celle før", "Celle nu"]
    rows = {(r[5].value, r[6].value): r for r in ws.iter_rows(min_row=4, max_row=5)}
    # Varig investering 2027 from 0,3 to 0,2 mio. kr.: less investment, better (green); Gevinst 2028 down: worse (red)
    cost, gain = rows[("Varig investering", 2027)], rows[("Gevinst", 2028)]
    assert [c.value for c in cost[:10]] == ["Ændret", ÆLDRE, VAGTPLAN, "ÆS-1", "Optimering af vagtplanlægningen",
                                            "Varig investering", 2027, 300_000, 200_000, -100_000]
    assert [c.value for c in gain[7:10]] == [900_000, 300_000, -600_000]
    assert gain[8].fill.fgColor.rgb.endswith("FFEB9C")  # the changed amount
    assert gain[9].fill.fgColor.rgb.endswith("FFC7CE") and cost[9].fill.fgColor.rgb.endswith("C6EFCE")
    assert gain[9].number_format == "#,##0;[Red]-#,##0"
    old_link, new_link = gain[10].hyperlink, gain[11].hyperlink
    assert old_link.target.endswith("samples/afdelinger/aeldre_og_sundhed.xlsx")
    assert new_link.target == f"../ny/{ÆLDRE}"
    assert old_link.location == new_link.location == f"'{VAGTPLAN}'!D24"
    assert "xlpyAendringer" in ws.tables
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Virkning på porteføljen (kr.)" in texts and "Tilbagebetalingsår" in texts


def test_a_changes_sheet_is_not_read_as_a_case(tmp_path):
    """The output next to the versions (or a copy in a folder) is not a case workbook: no case, no finding but that."""
    from xlpy.portfolio.pipeline import check_files

    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3})
    out = tmp_path / "ændringer.xlsx"
    call("diff", DEPARTMENTS, new, "-o", out)
    result = check_files([out])
    assert result.cases == [] and [f.code for f in result.findings] == ["no-case-sheet"]


# --- usage errors and bad inputs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["diff", "<MISSING>", "<DIR>"], ["diff", "<DIR>", "<MISSING>"], ["diff", "<FILE>", "<DIR>"],
    ["diff", "<DIR>", "<FILE>"], ["diff", "<FILE>"], ["diff", "<FILE>", "<FILE>", "-o", "<TMP>/x.csv"],
    ["diff", "<FILE>", "<FILE>", "-o", "<FILE>"], ["diff", "<DIR>", "<DIR>", "-o", "<DIR>/x.xlsx"],
    ["diff", "<FILE>", "<FILE>", "--format", "xml"], ["diff", "<FILE>", "<FILE>", "--rate", "7"]])
def test_usage_errors(tmp_path, argv):
    places = {"<MISSING>": str(tmp_path / "findes-ikke"), "<DIR>": str(DEPARTMENTS), "<TMP>": str(tmp_path),
              "<FILE>": str(SAMPLES / "eksempel_uden_fejl.xlsx")}
    def place(arg: str) -> str:
        for key, value in places.items():
            arg = arg.replace(key, value)
        return arg

    for lang in ("da", "en"):
        code, out, err = call(*map(place, argv), "--lang", lang)
        assert code == 2, (argv, out, err)
        assert "Traceback" not in out + err
        assert err.strip().splitlines()[-1].startswith("xlpy diff: " + ("fejl" if lang == "da" else "error"))


def test_no_traceback_from_bad_inputs(tmp_path):
    """Every kind of bad input of tests/badinputs.py, as the old and as the new version, and all of them in a folder
    against the departments: exit 0 or 1, never a traceback; the bad file is a finding."""
    import badinputs

    made = badinputs.make_all(tmp_path / "bad")
    clean = SAMPLES / "eksempel_uden_fejl.xlsx"
    try:
        for kind, path in made.items():
            if kind in badinputs.FOLDER_ONLY or Path(path).is_dir():
                continue
            for old, new in ((clean, path), (path, clean)):
                code, out, err = call("diff", old, new, "--format", "json")
                assert code in (0, 1), (kind, out, err)
                assert "Traceback" not in out + err, kind
                json.loads(out)
        code, out, err = call("diff", DEPARTMENTS, tmp_path / "bad")
        assert code == 1 and "Traceback" not in out + err
    finally:
        badinputs.restore(made)


def test_the_python_api(tmp_path):
    new = departments(tmp_path)
    edit(new / ÆLDRE, VAGTPLAN, {"D24": 0.3})
    c = compare_paths(DEPARTMENTS, new)
    assert c.changed and c.count("changed") == 1 and c.unchanged == 12
    (change,) = c.cases[0].changes
    assert (change.field, change.year, change.old, change.new, change.difference) == ("Gevinst", 2028, 900_000.0,
                                                                                      300_000.0, -600_000.0)


# --- the button (xlwings' remote engine: what xlwings Server and Lite run) -----------------------------------------

def _remote():
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import remote

    return remote


def test_button_compares_this_workbook_with_an_earlier_file(tmp_path):
    remote = _remote()
    import xlpy.excel.compare as buttons

    new = tmp_path / ÆLDRE
    shutil.copy(DEPARTMENTS / ÆLDRE, new)
    edit(new, VAGTPLAN, {"D24": 0.3})
    book = remote.open_remote(new)
    c = buttons.compare_with_file(book, str(DEPARTMENTS / ÆLDRE))
    assert c is not None and c.count("changed") == 1
    acts = remote.actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["Ændringer"]
    writes = [a for a in acts if a["func"] == "setValues"]
    assert {a["sheet_position"] for a in writes} == {5}  # only the new sheet, after the workbook's five
    values = writes[0]["values"]
    row = next(r for r in values if r[5] == "Gevinst")
    assert row[:10] == ["Ændret", ÆLDRE, VAGTPLAN, "ÆS-1", "Optimering af vagtplanlægningen", "Gevinst", 2028,
                        900_000, 300_000, -600_000]
    assert row[10] == f"=HYPERLINK(\"{DEPARTMENTS / ÆLDRE}#'{VAGTPLAN}'!D24\",\"{VAGTPLAN}!D24\")"
    assert row[11] == f"=HYPERLINK(\"#'{VAGTPLAN}'!D24\",\"{VAGTPLAN}!D24\")"  # this workbook's own cell
    assert [a["args"][0] for a in acts if a["func"] == "alert"] == [
        "1 case(s) ændret, 0 ny(e), 0 fjernet, 2 uændret; 0 fund kommet til, 0 forsvundet. Se arket »Ændringer«."]


def test_button_never_replaces_a_sheet_it_did_not_make(tmp_path):
    remote = _remote()
    import xlpy.excel.compare as buttons

    new = tmp_path / ÆLDRE
    shutil.copy(DEPARTMENTS / ÆLDRE, new)
    wb = load_workbook(new)
    wb.create_sheet("Ændringer")["A1"] = "Mine egne noter om ændringerne"
    wb.save(new)
    book = remote.open_remote(new)
    assert buttons.compare_with_file(book, str(DEPARTMENTS / ÆLDRE)) is None
    acts = remote.actions(book)
    assert not [a for a in acts if a["func"] in ("addSheet", "setValues", "deleteSheet")]
    assert [a["args"][0] for a in acts if a["func"] == "alert"] == [
        "Projektmappen har allerede et ark »Ændringer«, som xlpy ikke har lavet. Omdøb det og prøv igen; intet er "
        "ændret."]


def test_button_without_a_file(tmp_path):
    remote = _remote()
    import xlpy.excel.compare as buttons

    book = remote.open_remote(DEPARTMENTS / ÆLDRE)
    assert buttons.compare_with_file(book, str(tmp_path / "findes-ikke.xlsx")) is None
    assert [a["args"][0] for a in remote.actions(book) if a["func"] == "alert"] == [
        f"Filen findes ikke: {tmp_path / 'findes-ikke.xlsx'}"]


# --- pairs made with tests/habits.py ----------------------------------------------------------------------------------

def test_stacked_cases_each_compared_on_their_own(tmp_path):
    """Two cases stacked on one sheet; in the new version their order is swapped and case 2's gain in 2029 went
    from 800 to 500 (1.000 kr.): only case 2 changed, at its own cell in each version."""
    from dataclasses import replace

    from habits import CaseSpec, Line, base_lines, stacked, write_book

    one = CaseSpec(case_nr="1", title="Velfærdsteknologi")
    lines = base_lines()
    two = CaseSpec(case_nr="2", title="Digital post", area="Administration", lines=lines)
    lowered = [Line(x.label, [500 if (x.kind == "gain" and i == 3) else v for i, v in enumerate(x.values)], x.kind)
               for x in lines]
    old = write_book(tmp_path / "gammel.xlsx", [("Cases", stacked([one, two]))])
    new = write_book(tmp_path / "ny.xlsx", [("Cases", stacked([replace(two, lines=lowered), one]))])
    _, d = diff_json(old.path, new.path)
    assert [(c["kind"], c["case_nr"]) for c in d["cases"]] == [("changed", "2")]
    (change,) = d["cases"][0]["changes"]
    assert (change["field"], change["year"], change["old"], change["new"], change["difference"]) == (
        "Gevinst", 2029, 800_000, 500_000, -300_000)
    assert change["old_cell"] == old.layout("2").cell("Gevinst", 3)
    assert change["new_cell"] == new.layout("2").cell("Gevinst", 3)
    assert change["old_cell"] != change["new_cell"]
    assert d["findings"] == {"appeared": [], "disappeared": []}


def test_two_rows_of_one_label_are_matched_in_order(tmp_path):
    """Two rows named "Gevinst": the second one's 2027 amount from 100 to 150 (1.000 kr.) is a change of the second
    row, at its own cell."""
    from habits import CaseSpec, Line, base_lines, one_case

    def spec(second: float) -> CaseSpec:
        return CaseSpec(lines=base_lines() + [Line("Gevinst", [0, second, 100, 100, 100, 100], "gain")])

    old = one_case(tmp_path / "gammel.xlsx", spec(100))
    new = one_case(tmp_path / "ny.xlsx", spec(150))
    _, d = diff_json(old.path, new.path)
    (change,) = d["cases"][0]["changes"]
    assert (change["field"], change["year"], change["old"], change["new"]) == ("Gevinst", 2027, 100_000, 150_000)
    ws = load_workbook(new.path)["Case 1"]
    row = int(change["new_cell"][1:])
    assert ws[change["new_cell"]].value == 150
    assert (ws[f"A{row}"].value, ws[f"A{row - 1}"].value) == ("Gevinst", "Gevinst")  # the second of the two


UNIT_SCALE = {"kr.": 1000, "1.000 kr.": 1, "mio. kr.": 0.001}  # the base case's amounts are in 1.000 kr.


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label_col=st.sampled_from([1, 2, 4]), top=st.sampled_from([1, 3, 8]), unit=st.sampled_from(list(UNIT_SCALE)),
       row_unit=st.booleans(), totals=st.sampled_from(["typed", "blank", "formula", "none"]),
       sheet=st.sampled_from(["Case 1", "Velfærd (rev)", "Ark2"]))
def test_any_relayout_of_a_case_is_no_change_of_amount(tmp_path_factory, label_col, top, unit, row_unit, totals,
                                                       sheet):
    """The base case typed anywhere on a sheet of any name, in any unit (same amounts in kr.), with its totals typed,
    blank, as formulas or left out, the unit in the row labels or not: no amount or field changes; a change of unit
    when the unit changed, and nothing else."""
    from habits import CaseSpec, Line, base_lines, one_case

    tmp = tmp_path_factory.mktemp("relayout")
    scale = UNIT_SCALE[unit]
    lines = [Line(x.label, [v * scale for v in x.values], x.kind) for x in base_lines()]
    old = one_case(tmp / "gammel.xlsx", CaseSpec())
    new = one_case(tmp / "ny.xlsx", CaseSpec(unit=unit, lines=lines, label_col=label_col, top=top, totals=totals,
                                             row_unit=unit if row_unit else None), sheet=sheet)
    code, d = diff_json(old.path, new.path)
    changes = [x for c in d["cases"] for x in c["changes"]]
    if unit == "1.000 kr.":
        assert d["cases"] == [], changes
    else:
        assert [(c["kind"], c["case_nr"]) for c in d["cases"]] == [("changed", "1")]
        assert [(x["kind"], x["old"], x["new"]) for x in changes] == [("unit", "1.000 kr.", unit)]
        assert all(old == new for old, new in d["cases"][0]["figures"].values())
    assert d["totals"]["total_net"] == [2_100_000, 2_100_000]


DIFF_PLACES = ["<SAMPLE>", "<EDITED>", "<DIR>", "<EDITED_DIR>", "<MISSING>", "<EMPTY_DIR>", "<NOT_A_BOOK>"]
DIFF_OPTIONS = st.lists(st.sampled_from([["--format", "json"], ["--format", "table"], ["--lang", "en"], ["--debug"],
                                         ["--rate", "3,5 %"], ["--rate", "2"], ["-o", "<OUT>.xlsx"],
                                         ["-o", "<OUT>.xls"], ["-o", "<EDITED_DIR>/x.xlsx"], ["--frobnicate"]]),
                        max_size=4)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(places=st.lists(st.sampled_from(DIFF_PLACES), min_size=0, max_size=3), options=DIFF_OPTIONS,
       before=st.booleans())
def test_no_traceback_from_any_diff_command_line(tmp_path_factory, places, options, before):
    tmp = tmp_path_factory.mktemp("argv")
    edited_dir = tmp / "ny"
    edited_dir.mkdir()
    shutil.copy(SAMPLES / "eksempel_uden_fejl.xlsx", edited_dir / "eksempel.xlsx")
    edit(edited_dir / "eksempel.xlsx", load_workbook(edited_dir / "eksempel.xlsx").sheetnames[0], {"B5": "Ny titel"})
    (tmp / "tom").mkdir()
    (tmp / "tekst.xlsx").write_text("ikke en projektmappe")
    where = {"<SAMPLE>": str(SAMPLES / "eksempel_uden_fejl.xlsx"), "<EDITED>": str(edited_dir / "eksempel.xlsx"),
             "<DIR>": str(DEPARTMENTS), "<EDITED_DIR>": str(edited_dir), "<MISSING>": str(tmp / "findes-ikke"),
             "<EMPTY_DIR>": str(tmp / "tom"), "<NOT_A_BOOK>": str(tmp / "tekst.xlsx"), "<OUT>": str(tmp / "ud")}

    def place(arg: str) -> str:
        for key, value in where.items():
            arg = arg.replace(key, value)
        return arg

    flat = [place(a) for group in options for a in group]
    argv = ["diff", *map(place, places), *flat] if not before else [*flat, "diff", *map(place, places)]
    before_hash = digest(SAMPLES / "afdelinger")
    code, out, err = call(*argv)
    assert code in (0, 1, 2), (argv, out, err)
    assert "Traceback" not in out + err, argv
    assert digest(SAMPLES / "afdelinger") == before_hash
