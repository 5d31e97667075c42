"""Writing into a person's workbook without losing anything.

`validate --mark` and `consolidate --in-place` edit the workbook's package: after either, every part other than
xlpy's own sheets and the bookkeeping parts is byte-identical (a marked sheet differs only by xlpy's conditional
formats), styles.xml is only appended to, python-calamine reads the same values from every user sheet, stored
formula results included, and the package keeps Excel's rules (tests/ooxml.py). Tried on workbooks made by
XlsxWriter with charts, shapes, pictures, comments, validations, names, tables and formulas whose stored results are
not what a recalculation gives; on the samples; on `workbook/xlpy.xlsm` (VBA, ribbon); on parts Excel writes for
pivot tables, slicers, form controls and embedded objects; on the legacy files of xlpy's openpyxl writer; and on the
real-world corpus (files made by Excel, LibreOffice, Google Sheets and others).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

import ooxml
from conftest import ROOT, SAMPLES, require
from xlpy.portfolio.batch import consolidate_in_place
from xlpy.findings import finding
from xlpy.write.mark import clear_marks, mark_file
from xlpy.portfolio.pipeline import check_files, compute, validate

# the real-world corpus: $XLPY_CORPUS, ../shared beside the checkout, or the workplace's copy (as tests/test_bad_input.py)
CORPUS = next((Path(p) for p in (os.environ.get("XLPY_CORPUS"), ROOT.parent / "shared" / "corpus" / "wild",
                                 "/work/shared/corpus/wild") if p and Path(p).is_dir()),
              ROOT.parent / "shared" / "corpus" / "wild")
LEGACY = ROOT / "tests" / "legacy"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "xlpy.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def png() -> bytes:
    """A 2×2 PNG, for a picture in a drawing."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


FORMULA_ROWS = ("Engangsinvestering", "Varig investering", "Gevinst", "Samlet effekt pr. år", "Akk. effekt")
FEATURES = ("formulas", "chart", "shape", "picture", "comments", "validation", "names", "table", "own_format",
            "hyperlink", "autofilter")


def user_workbook(path: Path, features=FEATURES) -> Path:
    """Allerød's five cases as a person's workbook made by XlsxWriter, with what people put in workbooks: the
    amounts as formulas with their stored results, a formula whose stored result is not what it calculates to
    (=1+1 stored as 5), a chart, a text box, a picture, comments, a dropdown, defined names, a table, a conditional
    format of their own on a cell xlpy marks, a link, a filter."""
    import xlsxwriter

    from xlpy.read.workbook import read_workbook

    sheets = read_workbook(SAMPLES / "allerod_2021.xlsx").sheets
    wb = xlsxwriter.Workbook(str(path))
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        for r, row in enumerate(sheet.grid):
            for c, value in enumerate(row):
                if value == "":
                    continue
                if "formulas" in features and isinstance(value, float) and c > 0 and row[0] in FORMULA_ROWS:
                    ws.write_formula(r, c, f"={value:g}*1", None, value)
                else:
                    ws.write(r, c, value)
    notes = wb.add_worksheet("Noter")
    notes.write("A1", "Noter")
    notes.write_formula("A2", "=1+1", None, 5)  # stored 5: a reader of stored values must still see 5
    notes.write_formula("A3", "=TODAY()", None, 45000)
    case1, case2 = wb.get_worksheet_by_name("Case 1"), wb.get_worksheet_by_name("Case 2")
    if "chart" in features:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "Gevinst", "categories": "='Case 1'!$B$21:$G$21",
                          "values": "='Case 1'!$B$25:$G$25"})
        case1.insert_chart("K2", chart)
    if "shape" in features:
        case1.insert_textbox("K20", "Husk at opdatere tallene", {"width": 200, "height": 60})
    if "picture" in features:
        case2.insert_image("K2", "logo.png", {"image_data": io.BytesIO(png())})
    if "comments" in features:
        case1.write_comment("B25", "Tallet er fra budgetforslaget")
        case2.write_comment("B27", "Tjek fortegnet")
    if "validation" in features:
        case1.data_validation("B12", {"validate": "list", "source": ["Idé", "Besluttet", "Opgivet"]})
    if "names" in features:
        wb.define_name("Gevinst_case1", "='Case 1'!$B$25:$G$25")
        wb.define_name("'Case 2'!Lokalt", "='Case 2'!$B$27")
    if "table" in features:
        notes.add_table("C2:D4", {"name": "Noter_tabel", "columns": [{"header": "Hvad"}, {"header": "Hvem"}]})
    if "own_format" in features:
        case2.conditional_format("B27:G27", {"type": "cell", "criteria": "<", "value": 0,
                                             "format": wb.add_format({"font_color": "#FF0000"})})
    if "hyperlink" in features:
        notes.write_url("A5", "https://www.allerod.dk/", string="Allerød Kommune")
    if "autofilter" in features:
        notes.write_row("F2", ["År", "Beløb"])
        notes.write_row("F3", [2026, 100])
        notes.autofilter("F2:G3")
    wb.close()
    return path


def synthetic_findings(path: Path) -> list:
    """A fejl at A1 and an advarsel at B2 of the first sheet (for workbooks that have no case sheet)."""
    from xlpy.read.workbook import read_workbook

    first = read_workbook(path).sheets[0].name
    return [finding("missing-field", str(path), first, "A1", label="Titel"),
            finding("unit-missing", str(path), first, "B2")]


def assert_kept(before: dict, path: Path, values_before: dict) -> None:
    after = ooxml.parts(path)
    assert ooxml.changed_parts(before, after) == []
    assert ooxml.styles_append_only(before, after) == []
    shared = [n for n in before if ooxml.key(n) == "xl/sharedstrings.xml"]
    assert all(after.get(n) == before[n] for n in shared)  # xlpy writes its text inline: sharedStrings untouched
    assert ooxml.values(path) == values_before


def mark_and_consolidate(path: Path, findings=None) -> None:
    """--mark, then --in-place, then --mark again, each checked: nothing of the user's changes."""
    originals = ooxml.parts(path)
    values = ooxml.values(path)
    problems_before = ooxml.problems(path)
    count, problems = mark_file(str(path), validate([path]) if findings is None else findings)
    assert problems == []
    assert_kept(originals, path, values)
    c, written = consolidate_in_place(str(path))
    assert written, [f.message() for f in c.findings[:3]]
    assert_kept(originals, path, values)
    mark_file(str(path), validate([path]) if findings is None else findings)
    assert_kept(originals, path, values)
    assert ooxml.problems(path) - problems_before == set()
    import openpyxl

    try:
        openpyxl.load_workbook(io.BytesIO(ooxml_bytes(originals)))
    except Exception:  # noqa: BLE001 (openpyxl cannot read the original either: nothing to compare)
        return
    openpyxl.load_workbook(path)  # openpyxl still reads it (it is the strictest reader at hand)


def ooxml_bytes(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


# --- workbooks made by XlsxWriter, with everything people put in them ------------------------------------------

@pytest.mark.parametrize("feature", FEATURES)
def test_every_user_part_is_kept(tmp_path, feature):
    book = user_workbook(tmp_path / f"bog_{feature}.xlsx", features=(feature,))
    mark_and_consolidate(book)


def test_stored_formula_results_survive(tmp_path):
    """The issue's Case 1: its Gevinst formulas keep their stored results, so the next run reads the same figures
    (no formula-no-value, the saving stays), and a reader of stored values sees 5 where =1+1 was stored as 5."""
    book = user_workbook(tmp_path / "formler.xlsx", features=("formulas",))
    before = [(r.case.sheet, r.figures.total_saving, r.figures.period_net) for r in compute([book])]
    mark_file(str(book), validate([book]))
    consolidate_in_place(str(book))
    after = [(r.case.sheet, r.figures.total_saving, r.figures.period_net) for r in compute([book])]
    assert after == before and before[0][1] == pytest.approx(2_460_000)  # kr.
    codes = {f.code for f in check_files([book]).findings}
    assert "formula-no-value" not in codes
    assert ooxml.values(book)["Noter"][1][0] == 5.0
    import pandas

    assert pandas.read_excel(book, sheet_name="Noter", header=None).iloc[1, 0] == 5  # what other programs see


def test_a_fejl_found_before_marking_is_found_after(tmp_path):
    book = user_workbook(tmp_path / "fejl.xlsx", features=("formulas",))
    before = sorted((f.code, f.sheet, f.cell) for f in validate([book]) if f.sheet != "Fejl")
    mark_file(str(book), validate([book]))
    after = sorted((f.code, f.sheet, f.cell) for f in validate([book]) if f.sheet != "Fejl")
    assert after == before and any(code == "net-sign-inverted" for code, _, _ in before)


def test_marks_sit_where_the_schema_puts_them_and_leave_the_users_own_format(tmp_path):
    book = user_workbook(tmp_path / "cf.xlsx")
    sheet = dict(ooxml.sheets(ooxml.parts(book)))["Case 2"]
    original = ooxml.parts(book)[sheet]
    mark_file(str(book), validate([book]))
    marked = ooxml.parts(book)[sheet]
    assert marked != original and ooxml.strip_marks(marked) == original
    assert marked.index(b"xlpy-markering") < marked.index(b"<pageMargins")
    assert marked.count(b"<conditionalFormatting") == 2  # the user's and xlpy's
    assert ooxml.problems(book, {ooxml.key(sheet)}) == set()


def test_idempotent_and_clearing_gives_back_the_original_bytes(tmp_path, monkeypatch):
    for name, value in EPOCH.items():
        monkeypatch.setenv(name, value)
    book = user_workbook(tmp_path / "gentag.xlsx")
    original = ooxml.parts(book)
    snapshots = []
    for _ in range(3):
        mark_file(str(book), validate([book]))
        consolidate_in_place(str(book))
        snapshots.append(book.read_bytes())
    assert snapshots[1] == snapshots[2]
    assert snapshots[0] == snapshots[1]  # the first run already writes what every later run writes
    assert clear_marks(str(book)) == 3  # Case 2 (fejl), Case 4 (fejl and advarsel)
    cleared = ooxml.parts(book)
    for name, part in ooxml.sheets(original):
        if name not in ooxml.XLPY_SHEETS:
            assert cleared[part] == original[part], name
    assert "Fejl" not in dict(ooxml.sheets(cleared))


# --- the samples, the ribbon workbook, parts Excel writes ------------------------------------------------------

@pytest.mark.parametrize("name", ["allerod_2021.xlsx", "eksempel_uden_fejl.xlsx", "afdelinger/arbejdsmarked.xlsx",
                                  "afdelinger/oekonomi_og_digitalisering.xlsx", "kl_2016/aarhus_kommune.xlsx"])
def test_samples(tmp_path, name):
    source = SAMPLES / name
    book = tmp_path / source.name
    shutil.copy(source, book)
    mark_and_consolidate(book)


def test_ribbon_workbook_keeps_its_vba_and_ribbon(tmp_path):
    book = tmp_path / "xlpy.xlsm"
    shutil.copy(ROOT / "workbook" / "xlpy.xlsm", book)
    before = ooxml.parts(book)
    mark_and_consolidate(book, synthetic_findings(book))
    after = ooxml.parts(book)
    for name in ("xl/vbaProject.bin", "customUI/customUI.xml", "customUI/customUI14.xml", "_rels/.rels"):
        assert after[name] == before[name], name
    assert check_files([book]).files_read  # still an .xlsm xlpy reads
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(book))
    assert parser.detect_vba_macros() and any("RunPython" in code for *_, code in parser.extract_macros())
    parser.close()


EXCEL_PARTS = {  # parts Excel writes for pivot tables, slicers, timelines, form controls, embedded objects
    "xl/pivotCache/pivotCacheDefinition1.xml": b'<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/'
                                               b'spreadsheetml/2006/main"/>',
    "xl/pivotTables/pivotTable1.xml": b'<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml'
                                      b'/2006/main" name="Pivot1"/>',
    "xl/slicers/slicer1.xml": b'<slicers xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/>',
    "xl/timelines/timeline1.xml": b'<timelines xmlns="http://schemas.microsoft.com/office/spreadsheetml/2010/11/'
                                  b'main"/>',
    "xl/ctrlProps/ctrlProp1.xml": b'<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/'
                                  b'main" objectType="Button"/>',
    "xl/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
    "xl/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0 activeX",
    "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 embedded",
}
EXCEL_SHEET_TAIL = (
    b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    b'<mc:Choice Requires="x14"><oleObjects><oleObject progId="Package" shapeId="1025" r:id="rIdX1"/></oleObjects>'
    b'</mc:Choice></mc:AlternateContent>'
    b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    b'<mc:Choice Requires="x14"><controls><control shapeId="1026" r:id="rIdX2" name="Knap 1"/></controls>'
    b'</mc:Choice></mc:AlternateContent>')


def excel_parts_workbook(path: Path) -> tuple[Path, str]:
    """The sample with the parts Excel writes for pivots, slicers, timelines, form controls, ActiveX and embedded
    objects, related to the workbook or to Case 2 (whose sheet also gets Excel's oleObjects and controls)."""
    import re

    with zipfile.ZipFile(SAMPLES / "allerod_2021.xlsx") as src:
        files = {i.filename: src.read(i) for i in src.infolist()}
    sheet = dict(ooxml.sheets(files))["Case 2"]
    data = files[sheet]
    cut = data.index(b"</worksheet>")
    files[sheet] = data[:cut] + EXCEL_SHEET_TAIL + data[cut:]
    files.update(EXCEL_PARTS)
    rels = ooxml._rels_name(sheet)
    rel = '<Relationship Id="{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" ' \
          'Target="{}"/>'
    entries = [("rIdX1", "oleObject", "../embeddings/oleObject1.bin"), ("rIdX2", "ctrlProp", "../ctrlProps/ctrlProp1.xml"),
               ("rIdX3", "pivotTable", "../pivotTables/pivotTable1.xml"),
               ("rIdX4", "control", "../activeX/activeX1.xml")]
    body = "".join(rel.format(*e) for e in entries).encode()
    files[rels] = (files[rels].replace(b"</Relationships>", body + b"</Relationships>") if rels in files else
                   b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   b'package/2006/relationships">' + body + b"</Relationships>")
    files["xl/pivotTables/_rels/pivotTable1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/pivotCacheDefinition" Target="../pivotCache/pivotCacheDefinition1.xml"/></Relationships>')
    files["xl/activeX/_rels/activeX1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'activeXControlBinary" Target="activeX1.bin"/></Relationships>')
    book_rels = "xl/_rels/workbook.xml.rels"
    files[book_rels] = files[book_rels].replace(b"</Relationships>", rel.format(
        "rIdX9", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml").encode() + b"</Relationships>")
    files["xl/workbook.xml"] = re.sub(rb"(</sheets>(?:<definedNames>.*?</definedNames>)?)",
                                      rb'\1<pivotCaches><pivotCache cacheId="1" r:id="rIdX9"/></pivotCaches>',
                                      files["xl/workbook.xml"], count=1)
    types = {"xl/pivotCache/pivotCacheDefinition1.xml": "openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition",
             "xl/pivotTables/pivotTable1.xml": "openxmlformats-officedocument.spreadsheetml.pivotTable",
             "xl/ctrlProps/ctrlProp1.xml": "ms-excel.controlproperties", "xl/activeX/activeX1.xml": "ms-office.activeX",
             "xl/slicers/slicer1.xml": "ms-excel.slicer", "xl/timelines/timeline1.xml": "ms-excel.timeline"}
    overrides = "".join(f'<Override PartName="/{p}" ContentType="application/vnd.{t}+xml"/>' for p, t in types.items())
    overrides += '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", overrides.encode() + b"</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    return path, sheet


def test_parts_excel_writes_for_pivots_slicers_controls_and_objects_are_kept(tmp_path):
    book, sheet = excel_parts_workbook(tmp_path / "excel_dele.xlsx")
    before = ooxml.parts(book)
    mark_and_consolidate(book)
    after = ooxml.parts(book)
    for name in EXCEL_PARTS:
        assert after[name] == before[name], name
    marked = after[sheet]
    assert marked.index(b"xlpy-markering") < marked.index(b"<mc:AlternateContent")  # before oleObjects, controls
    assert b"<pivotCaches>" in after["xl/workbook.xml"]


# --- ownership --------------------------------------------------------------------------------------------------

def add_user_sheet(source: Path, target: Path, name: str) -> Path:
    from openpyxl import load_workbook

    wb = load_workbook(source)
    ws = wb.create_sheet(name)
    ws["A1"] = "Mine egne noter"
    ws["A2"] = 42
    wb.save(target)
    return target


@pytest.mark.parametrize("name", ["Overblik", "Pr. år", "Fejl", "fejl"])
def test_a_users_sheet_with_xlpys_name_is_never_touched(tmp_path, name):
    book = add_user_sheet(SAMPLES / "allerod_2021.xlsx", tmp_path / "egen.xlsx", name)
    before = book.read_bytes()
    c, written = consolidate_in_place(str(book))
    assert not written and book.read_bytes() == before
    taken = [f for f in c.findings if f.code == "sheet-name-taken"]
    assert [(f.sheet, f.severity.value) for f in taken] == [(name, "fejl")]
    assert name in taken[0].message() and "Omdøb" in taken[0].message() and "Rename" in taken[0].message("en")
    if name.casefold() == "fejl":
        count, problems = mark_file(str(book), validate([book]))
        assert count == 0 and [p.code for p in problems] == ["sheet-name-taken"]
        assert book.read_bytes() == before  # no marks either: nothing is written
        assert clear_marks(str(book)) == 0 and book.read_bytes() == before


def test_cli_never_says_it_wrote_what_it_did_not(tmp_path):
    book = add_user_sheet(SAMPLES / "allerod_2021.xlsx", tmp_path / "egen.xlsx", "Overblik")
    before = book.read_bytes()
    out = run("consolidate", book, "--in-place")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "Resultatet er skrevet" not in out.stdout and "Intet er skrevet i" in out.stdout
    assert "sheet-name-taken" in out.stdout
    data = json.loads(run("consolidate", book, "--in-place", "--format", "json").stdout)
    assert data["output"] is None
    fejl = add_user_sheet(SAMPLES / "allerod_2021.xlsx", tmp_path / "fejl.xlsx", "Fejl")
    out = run("validate", fejl, "--mark", "--lang", "en")
    assert "Marks written" not in out.stdout and "sheet-name-taken" in out.stdout
    assert book.read_bytes() == before


def test_legacy_sheets_and_marks_of_the_openpyxl_writer_are_recognised(tmp_path):
    """Workbooks xlpy's earlier writer marked or consolidated: their Fejl/Overblik sheets (A1 "Lavet af xlpy …") are
    replaced, their marks (same signature) removed; nothing is added twice."""
    marked = tmp_path / "markeret.xlsx"
    shutil.copy(LEGACY / "allerod_openpyxl_marked.xlsx", marked)
    count, problems = mark_file(str(marked), validate([marked]))
    assert problems == []
    files = ooxml.parts(marked)
    names = [n for n, _ in ooxml.sheets(files)]
    assert names.count("Fejl") == 1 and names[-1] == "Fejl"
    assert sum(data.count(b"xlpy-markering") for data in files.values()) == len(
        {(f.sheet, f.severity) for f in validate([marked]) if f.sheet and f.cell and f.severity.value != "info"})
    in_place = tmp_path / "samlet.xlsx"
    shutil.copy(LEGACY / "allerod_openpyxl_in_place.xlsx", in_place)
    sheets_before = [n for n, _ in ooxml.sheets(ooxml.parts(in_place))]
    c, written = consolidate_in_place(str(in_place))
    assert written
    assert [n for n, _ in ooxml.sheets(ooxml.parts(in_place))] == sheets_before


def test_a_renamed_or_moved_xlpy_sheet(tmp_path):
    """Moved: replaced where it stands. Renamed: it is the user's now and stays; a new Overblik is made."""
    from openpyxl import load_workbook

    book = tmp_path / "flyttet.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    consolidate_in_place(str(book))
    files = ooxml.parts(book)
    # moved to the front, as Excel does it: the sheet list reordered, sheet-level names following their sheets
    import re

    wb_xml = files["xl/workbook.xml"].decode()
    sheets = re.findall(r"<sheet [^>]*/>", wb_xml)
    order = [sheets[7]] + sheets[:7] + sheets[8:]
    wb_xml = wb_xml.replace("".join(sheets), "".join(order))
    wb_xml = re.sub(r'localSheetId="(\d+)"', lambda m: f'localSheetId="{0 if int(m.group(1)) == 7 else int(m.group(1)) + (1 if int(m.group(1)) < 7 else 0)}"', wb_xml)
    files["xl/workbook.xml"] = wb_xml.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    assert [n for n, _ in ooxml.sheets(ooxml.parts(book))][0] == "Overblik"
    c, written = consolidate_in_place(str(book))
    assert written
    names = [n for n, _ in ooxml.sheets(ooxml.parts(book))]
    assert names[0] == "Overblik" and names.count("Overblik") == 1 and len(names) == 12
    wb = load_workbook(book)
    wb["Overblik"].title = "Overblik 2025"
    wb.save(book)
    kept = ooxml.values(book)["Overblik 2025"]
    c, written = consolidate_in_place(str(book))
    assert written
    names = [n for n, _ in ooxml.sheets(ooxml.parts(book))]
    assert "Overblik 2025" in names and names[-1] == "Overblik"
    assert ooxml.values(book)["Overblik 2025"] == kept


def test_sheets_the_excel_buttons_made_are_recognised(tmp_path):
    """Opdatér overblik in Excel replaces sheets by deleting and adding them (no owner name): their A1 says xlpy."""
    from openpyxl import load_workbook

    book = tmp_path / "knapper.xlsx"
    wb = load_workbook(SAMPLES / "allerod_2021.xlsx")
    ws = wb.create_sheet("Overblik")
    ws["A1"] = "Lavet af xlpy 0.1.0 den 01-02-2026 kl. 10:00 ud fra knapper.xlsx."
    wb.save(book)
    c, written = consolidate_in_place(str(book))
    assert written and [n for n, _ in ooxml.sheets(ooxml.parts(book))].count("Overblik") == 1


def test_a_failed_write_leaves_the_workbook_as_it_was(tmp_path, monkeypatch):
    book = tmp_path / "afbrudt.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    before = book.read_bytes()

    import xlpy.write.package

    entry, calls = xlpy.write.package._entry, []

    def disk_full(*args):  # the disk fills up after the first parts of the new file are written
        calls.append(1)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        return entry(*args)

    monkeypatch.setattr(xlpy.write.package, "_entry", disk_full)
    with pytest.raises(OSError):
        consolidate_in_place(str(book))
    calls.clear()
    with pytest.raises(OSError):
        mark_file(str(book), validate([book]))
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afbrudt.xlsx"]


def test_what_cannot_be_written_is_a_finding_not_a_traceback(tmp_path):
    """Strict Open XML, and a part xlpy must edit that is not UTF-8: a finding, the file unchanged."""
    strict = CORPUS / "calamine" / "strict_iso_paths.xlsx"
    require(strict.exists(), f"the real-world corpus is not at {CORPUS}")
    book = tmp_path / "strict.xlsx"
    shutil.copy(strict, book)
    before = book.read_bytes()
    c, written = consolidate_in_place(str(book))
    assert not written and c.findings[0].code == "in-place-not-possible" and "Strict" in c.findings[0].message()
    count, problems = mark_file(str(book), [])
    assert [p.code for p in problems] == ["mark-not-possible"]
    out = run("consolidate", book, "--in-place")
    assert out.returncode == 1 and "Traceback" not in out.stderr and "Intet er skrevet" in out.stdout
    assert book.read_bytes() == before


# --- the real-world corpus ---------------------------------------------------------------------------------------

def corpus_sample() -> list[Path]:
    """Every file with parts of a kind (charts, pivots, comments, VBA, tables, links, pictures, rich data, VML,
    text boxes) and every third of the rest, all .xlsx/.xlsm."""
    files = sorted(CORPUS.glob("*/*.xls[xm]")) if CORPUS.exists() else []
    special = ("pivot", "comment", "vba", "table", "external", "richdata", "vml", "textbox", "chart_bar", "chart_pie",
               "chart_line", "hyperlink", "defined_name", "data_validation", "button", "image", "picture",
               "temperature", "no-header", "empty_sheet", "date", "issue127", "rph", "nonstandard", "issue_530",
               "issue_174", "issue_261", "whitespace", "inline", "strict")
    return [f for i, f in enumerate(files) if any(s in f.name.lower() for s in special) or i % 3 == 0]


@pytest.fixture(scope="module")
def corpus():
    require(CORPUS.exists(), f"the real-world corpus is not at {CORPUS}")
    return corpus_sample()


def test_corpus_sample(corpus, tmp_path):
    """Every readable file of the sample: marks and xlpy's sheets written, nothing of the file's own changed."""
    from xlpy.read.workbook import read_workbook

    tried = refused = 0
    for source in corpus:
        book = tmp_path / source.name
        shutil.copy(source, book)
        if not read_workbook(book).readable:
            continue  # unreadable files are never written (test_bad_input, test_hostile)
        if source.name == "strict_iso_paths.xlsx":
            refused += 1
            continue
        tried += 1
        try:
            mark_and_consolidate(book, synthetic_findings(book))
        except AssertionError as exc:
            raise AssertionError(f"{source.name}: {exc}") from None
    assert tried >= 80 and refused == 1


# --- LibreOffice: makes a workbook, opens and recalculates what xlpy wrote -------------------------------------

@pytest.fixture(scope="module")
def libreoffice_books(tmp_path_factory):
    """A person's workbook as LibreOffice writes it, marked and consolidated; then every written workbook opened in
    LibreOffice, recalculated and saved again (one soffice start for each step)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    root = tmp_path_factory.mktemp("lo")
    made = user_workbook(root / "lo_bog.xlsx")
    (lo_made,) = libreoffice.convert([made], libreoffice.XLSX_FILTER, root / "made")
    written = []
    for source in (lo_made, made, SAMPLES / "allerod_2021.xlsx", ROOT / "workbook" / "xlpy.xlsm"):
        book = root / "written" / f"{source.stem}_{len(written)}{source.suffix}"
        book.parent.mkdir(exist_ok=True)
        shutil.copy(source, book)
        findings = synthetic_findings(book) if source.suffix == ".xlsm" else None
        mark_and_consolidate(book, findings)
        written.append(book)
    opened = libreoffice.convert(written, libreoffice.XLSX_FILTER, root / "opened", timeout=240)
    return list(zip(written, opened))


def test_libreoffice_opens_and_recalculates_what_xlpy_wrote(libreoffice_books):
    import libreoffice

    for written, opened in libreoffice_books:
        lo = libreoffice.read_values(opened)
        python = ooxml.values(written, skip=())
        assert set(ooxml.ALWAYS_WRITTEN) <= set(lo), written.name
        per_year = lo["Pr. år"]
        header = per_year[1]
        total = header.index("I alt")
        for row in per_year[2:]:  # LibreOffice's sum of each row is the sum of the amounts xlpy wrote
            amounts = [v for v in row[2:total] if isinstance(v, float)]
            if row[1] in ("Besparelse", "Investering") and amounts:
                assert row[total] == pytest.approx(sum(amounts)), (written.name, row)
        for name, grid in python.items():  # the user's sheets show what they stored
            if name in ooxml.XLPY_SHEETS or name == "Noter":
                continue
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    if isinstance(value, float):
                        assert lo[name][r][c] == pytest.approx(value), (written.name, name, r, c)


def test_ownership_survives_a_libreoffice_save(libreoffice_books, tmp_path):
    """LibreOffice keeps xlpy's sheet-level owner names: the next run replaces the sheets, it does not refuse."""
    for written, opened in libreoffice_books:
        book = tmp_path / opened.name
        shutil.copy(opened, book)
        files = ooxml.parts(book)
        assert files["xl/workbook.xml"].count(b'name="_xlpy_ark"') == 5
        names = [n for n, _ in ooxml.sheets(files)]
        c, done = consolidate_in_place(str(book))
        assert done, (opened.name, [f.message() for f in c.findings[:2]])
        assert [n for n, _ in ooxml.sheets(ooxml.parts(book))] == names



def test_a_damaged_part_is_a_finding_and_the_file_is_left_alone(tmp_path):
    """A part that cannot be unpacked (calamine never reads it) cannot be carried over byte for byte: refused."""
    book = tmp_path / "skadet.xlsx"
    data = bytearray((SAMPLES / "allerod_2021.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("docProps/app.xml")
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start:start + 8] = b"\xff" * 8
    book.write_bytes(bytes(data))
    assert check_files([book]).files_read
    count, problems = mark_file(str(book), validate([book]))
    assert [p.code for p in problems] == ["mark-not-possible"] and "docProps/app.xml" in problems[0].message()
    c, written = consolidate_in_place(str(book))
    assert not written and c.findings[0].code == "in-place-not-possible"
    assert book.read_bytes() == bytes(data)
    out = run("validate", book, "--mark")
    assert "Traceback" not in out.stderr and "mark-not-possible" in out.stdout


def with_calc_chain(book: Path, sheet_ids: list[int]) -> None:
    """The calculation chain Excel keeps, listing a formula cell of each sheet id given."""
    files = ooxml.parts(book)
    cells = "".join(f'<c r="C3" i="{i}"/>' for i in sheet_ids)
    files["xl/calcChain.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns="http://schemas.'
                                 f'openxmlformats.org/spreadsheetml/2006/main">{cells}</calcChain>').encode()
    if b"calcChain" not in files["xl/_rels/workbook.xml.rels"]:
        add_calc_chain_entries(files)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)


def add_calc_chain_entries(files: dict) -> None:
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>')


def test_a_calculation_chain_naming_a_replaced_sheet_goes(tmp_path):
    """Excel lists formula cells in calcChain.xml and reports damage when one is gone: when xlpy replaces a sheet
    the chain names, the chain goes (Excel rebuilds it); a chain of the user's sheets only stays as it was."""
    book = tmp_path / "kaede.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    with_calc_chain(book, [1])
    chain = ooxml.parts(book)["xl/calcChain.xml"]
    consolidate_in_place(str(book))
    assert ooxml.parts(book)["xl/calcChain.xml"] == chain
    per_year = [i for i, (name, _) in enumerate(ooxml.sheets(ooxml.parts(book)), start=1) if name == "Pr. år"][0]
    with_calc_chain(book, [1, per_year])
    problems_before = ooxml.problems(book)
    consolidate_in_place(str(book))
    files = ooxml.parts(book)
    assert "xl/calcChain.xml" not in files and b"calcChain" not in files["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in files["[Content_Types].xml"]
    assert ooxml.problems(book) - problems_before == set()


def test_a_protected_structure_is_respected(tmp_path):
    """A workbook whose structure the user protected gets no new sheet: refused, nothing written."""
    book = tmp_path / "beskyttet.xlsx"
    files = ooxml.parts(SAMPLES / "allerod_2021.xlsx")
    files["xl/workbook.xml"] = files["xl/workbook.xml"].replace(
        b"<bookViews>", b'<workbookProtection lockStructure="1"/><bookViews>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    before = book.read_bytes()
    c, written = consolidate_in_place(str(book))
    assert not written and "beskyttet" in c.findings[0].message()
    count, problems = mark_file(str(book), validate([book]))
    assert [p.code for p in problems] == ["mark-not-possible"]
    assert book.read_bytes() == before


def test_calculation_on_opening_is_asked_for_unless_the_workbook_calculates_by_hand(tmp_path):
    """xlpy's formulas (Pr. år, Nøgletal) carry no results yet: the workbook asks to be calculated on opening, unless
    it is set to manual calculation."""
    for mode, expected in (("", True), (' calcMode="manual"', False)):
        book = tmp_path / f"beregn{len(mode)}.xlsx"
        files = ooxml.parts(SAMPLES / "allerod_2021.xlsx")
        files["xl/workbook.xml"] = files["xl/workbook.xml"].replace(
            b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', f'<calcPr calcId="191029"{mode}/>'.encode())
        with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in files.items():
                out.writestr(name, data)
        consolidate_in_place(str(book))
        assert (b'fullCalcOnLoad="1"' in ooxml.parts(book)["xl/workbook.xml"]) is expected


def test_a_linked_workbook_is_written_through_its_link(tmp_path):
    target = tmp_path / "version3.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", target)
    link = tmp_path / "aktuel.xlsx"
    link.symlink_to(target)
    c, written = consolidate_in_place(str(link))
    assert written and link.is_symlink() and "Overblik" in dict(ooxml.sheets(ooxml.parts(target)))


def test_table_names_and_ids_stay_unique(tmp_path):
    """A user's table already named like one of xlpy's: xlpy's gets another name; ids never repeat."""
    import xlsxwriter

    book = tmp_path / "tabeller.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    other = tmp_path / "kilde.xlsx"
    wb = xlsxwriter.Workbook(str(other))
    ws = wb.add_worksheet("Noter")
    ws.add_table("A1:B3", {"name": "xlpyFejl", "columns": [{"header": "a"}, {"header": "b"}]})
    wb.close()
    files, extra = ooxml.parts(book), ooxml.parts(other)
    files["xl/worksheets/sheet20.xml"] = extra["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/_rels/sheet20.xml.rels"] = extra["xl/worksheets/_rels/sheet1.xml.rels"]
    files["xl/tables/table1.xml"] = extra["xl/tables/table1.xml"]
    files["xl/workbook.xml"] = files["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Noter" sheetId="20" r:id="rId20"/></sheets>')
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId20" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet20.xml"/></Relationships>')
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/worksheets/sheet20.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/tables/table1.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/></Types>')
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    assert ooxml.problems(book) == set()
    mark_and_consolidate(book)
    tables = {n: d for n, d in ooxml.parts(book).items() if n.startswith("xl/tables/")}
    assert len(tables) == 3 and tables["xl/tables/table1.xml"] == extra["xl/tables/table1.xml"]
    assert any(b'displayName="xlpyFejl2"' in d for d in tables.values())


def test_xlpys_sheets_in_place_are_the_sheets_of_a_new_workbook(tmp_path):
    """What the file writer gives a new workbook, the package edit gives the user's: cells, styles as seen, tables,
    print area and titles, frozen panes."""
    from openpyxl import load_workbook

    from compare import Ignore, book_view
    from xlpy.portfolio.batch import consolidate_files

    book = tmp_path / "allerod_2021.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    consolidate_in_place(str(book))
    new = tmp_path / "ny.xlsx"
    consolidate_files([str(book)], str(new))
    users = frozenset(n for n, _ in ooxml.sheets(ooxml.parts(book)) if n not in ooxml.XLPY_SHEETS)
    in_place, fresh = book_view(book, Ignore(sheets=users)), book_view(new, Ignore(sheets=users))
    for name in ooxml.ALWAYS_WRITTEN:
        mine, theirs = in_place["content"][name], fresh["content"][name]
        for key in ("validations", "conditional", "freeze", "tables", "widths"):
            if key == "widths" and name in ("Overblik", "Fejl"):
                continue  # sized to the source column's text: "Case 1" here, "allerod_2021.xlsx › Case 1" there
            assert mine[key] == theirs[key], (name, key)
        for coord in set(mine["cells"]) | set(theirs["cells"]):
            x, y = mine["cells"].get(coord), theirs["cells"].get(coord)
            if coord == "A1" or (x and x["link"]) or (y and y["link"]) or (name == "Fejl" and coord[0] == "C"):
                continue  # the "made from" line; links to cells here, to files there; the file named in Fejl
            assert x == y, (name, coord)
    a, b = load_workbook(book), load_workbook(new)
    for name in ooxml.ALWAYS_WRITTEN:
        assert (a[name].print_title_rows, a[name].print_area) == (b[name].print_title_rows, b[name].print_area)
