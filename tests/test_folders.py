"""Folders of workbooks as municipalities hand them in: .xlsx, .xlsm, .xlsb, .ods and old .xls are read alike; every
other spreadsheet file found is reported and counted as skipped; `validate DIR` gives exactly the findings
`consolidate DIR` gives, the same case handed in twice (title and table) included; the readers' guards hold for
.ods, .xlsb and .xls as for .xlsx.

The .ods is made by LibreOffice from the sample workbook (a test needing it skips without LibreOffice on a developer
machine and fails without it under CI). LibreOffice cannot write .xlsb, so the .xlsb is written here, record by
record (MS-XLSB), from the sample's values."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES, require
from xlpy.portfolio.batch import consolidate_files
from xlpy.portfolio.collect import EXTENSIONS, check_inputs
from xlpy.portfolio.consolidate import key_figures_json
from xlpy.read.workbook import read_workbook

CLEAN = SAMPLES / "eksempel_uden_fejl.xlsx"
DEPARTMENTS = SAMPLES / "afdelinger"


def run(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlpy.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def where(findings) -> set[tuple]:
    return {(f.code, f.file, f.sheet, f.cell) for f in findings}


# --- an .xlsb writer (values only: numbers, text, booleans), enough for python-calamine --------------------------

def _record(typ: int, body: bytes = b"") -> bytes:
    head = bytes([typ]) if typ < 0x80 else bytes([(typ & 0x7F) | 0x80, typ >> 7])
    size, n = b"", len(body)
    while True:
        size += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            return head + size + body


def _wide(text: str) -> bytes:
    raw = text.encode("utf-16-le")
    return struct.pack("<I", len(raw) // 2) + raw


def _sheet_bin(cells: dict[tuple[int, int], object]) -> bytes:
    rows = max((r for r, _ in cells), default=0)
    cols = max((c for _, c in cells), default=0)
    out = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, rows, 0, cols)) + _record(0x91)  # sheet, dim, data
    for row in sorted({r for r, _ in cells}):
        out += _record(0x00, struct.pack("<I", row) + b"\0" * 13)  # BrtRowHdr
        for (r, c), value in sorted(cells.items()):
            if r != row:
                continue
            head = struct.pack("<II", c, 0)
            if isinstance(value, bool):
                out += _record(0x04, head + bytes([value]))  # BrtCellBool
            elif isinstance(value, (int, float)):
                out += _record(0x05, head + struct.pack("<d", float(value)))  # BrtCellReal
            else:
                out += _record(0x06, head + _wide(str(value)))  # BrtCellSt
    return out + _record(0x92) + _record(0x82)


def write_xlsb(path: Path, sheets: list[tuple[str, dict[tuple[int, int], object]]]) -> Path:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    types = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
             f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             f'<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled'
             f'.main"/>' + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.'
                                    f'ms-excel.worksheet"/>' for i in range(1, len(sheets) + 1)) + "</Types>")
    root = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.bin"/></Relationships>')
    book_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.bin"/>'
                           for i in range(1, len(sheets) + 1)) + "</Relationships>")
    book = _record(0x83) + _record(0x8F)  # BrtBeginBook, BrtBeginBundleShs
    for i, (name, _) in enumerate(sheets, 1):
        book += _record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name))  # BrtBundleSh
    book += _record(0x90) + _record(0x84)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", root)
        zf.writestr("xl/workbook.bin", book)
        zf.writestr("xl/_rels/workbook.bin.rels", book_rels)
        for i, (_, cells) in enumerate(sheets, 1):
            zf.writestr(f"xl/worksheets/sheet{i}.bin", _sheet_bin(cells))
    return path


def xlsb_from(source: Path, target: Path) -> Path:
    """The values of every sheet of `source` as an .xlsb (formulas become the values they show)."""
    book = read_workbook(source)
    assert book.readable, book.findings
    sheets = [(s.name, {(r, c): v for r, row in enumerate(s.grid) for c, v in enumerate(row) if v != ""})
              for s in book.sheets]
    return write_xlsb(target, sheets)


def ods_from(source: Path, target: Path) -> Path:
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    made = libreoffice.convert([source], "ods", target.parent / "lo", timeout=180)[0]
    shutil.move(made, target)
    return target


# --- the formats ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def three_formats(tmp_path_factory) -> Path:
    """One folder: the sample as .xlsx, as .ods (LibreOffice) and as .xlsb, and a .csv."""
    d = tmp_path_factory.mktemp("formater")
    shutil.copy(CLEAN, d / "a_excel.xlsx")
    ods_from(CLEAN, d / "b_libreoffice.ods")
    xlsb_from(CLEAN, d / "c_binaer.xlsb")
    (d / "d_tal.csv").write_text("Case nr.;Titel\nEK-1;Velfærdsteknologi\n", encoding="utf-8")
    return d


def test_xlsx_ods_and_xlsb_in_a_folder_are_read_with_the_same_figures(three_formats):
    d = three_formats
    result = check_inputs([d])
    assert result.files_read == [str(d / "a_excel.xlsx"), str(d / "b_libreoffice.ods"), str(d / "c_binaer.xlsb")]
    by_file: dict[str, dict[str, dict]] = {}
    for r in result.cases:
        row = r.to_dict()
        by_file.setdefault(Path(row.pop("file")).suffix, {})[r.case.sheet] = row
    assert set(by_file) == {".xlsx", ".ods", ".xlsb"}
    assert len(by_file[".xlsx"]) == 3
    assert by_file[".ods"] == by_file[".xlsx"]
    assert by_file[".xlsb"] == by_file[".xlsx"]
    # the same three cases in three files: each copy in a later file is a duplicate; the .csv is not read
    codes = sorted((f.code, Path(f.file).name) for f in result.findings)
    assert codes == [("duplicate-case-nr", "b_libreoffice.ods")] * 3 + [("duplicate-case-nr", "c_binaer.xlsb")] * 3 \
        + [("file-not-collected", "d_tal.csv")]
    assert result.files_skipped == [str(d / "d_tal.csv")]


def test_a_file_not_collected_counts_as_skipped(three_formats):
    d = three_formats
    c = consolidate_files([str(d)], None)
    assert c.files_skipped == [(str(d / "d_tal.csv"), "file-not-collected")]
    figures = key_figures_json(c)
    assert (figures["files_read"], figures["files_skipped"]) == (3, 1)
    message = next(f for f in c.findings if f.code == "file-not-collected").message("en")
    assert all(ext in message for ext in EXTENSIONS), message  # it says what is read


def test_skipped_files_in_the_json_and_the_summary(tmp_path):
    d = tmp_path / "afd"
    d.mkdir()
    shutil.copy(CLEAN, d / "god.xlsx")
    (d / "tal.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (d / "skabelon.xltx").write_bytes(CLEAN.read_bytes())
    (d / "væk.xlsx").symlink_to(tmp_path / "findes-ikke.xlsx")
    (d / "~$god.xlsx").write_bytes(b"Excel's lock file")  # not a workbook: reported, not counted
    (d / "noter.txt").write_text("ikke et regneark", encoding="utf-8")  # not a spreadsheet: not mentioned
    out = run("consolidate", d, "-o", tmp_path / "ud.xlsx", "--format", "json")
    data = json.loads(out.stdout)
    assert (data["files_read"], data["files_skipped"]) == (1, 3)
    assert sorted((Path(s["file"]).name, s["reason"]) for s in data["skipped"]) == [
        ("skabelon.xltx", "file-not-collected"), ("tal.csv", "file-not-collected"), ("væk.xlsx", "link-broken")]
    table = run("validate", d, "--lang", "en")
    assert re.search(r"\b4 file", table.stdout), table.stdout[-500:]  # every file found: read or skipped


def test_old_xls_in_a_folder_is_read(tmp_path):
    import badinputs

    d = tmp_path / "gamle"
    d.mkdir()
    badinputs.old_xls(d / "gammel.xls")
    result = check_inputs([d])
    assert result.files_read == [str(d / "gammel.xls")]
    assert {f.code for f in result.findings} == {"format-old"}
    assert [r.case.case_nr for r in result.cases] == ["XL-1"]


# --- validate DIR = consolidate DIR ---------------------------------------------------------------------------------

@pytest.fixture
def title_duplicate(tmp_path) -> Path:
    """Two departments hand in the same three cases under their own numbers: the same title and table."""
    from openpyxl import load_workbook

    d = tmp_path / "afdelinger"
    d.mkdir()
    shutil.copy(CLEAN, d / "a_oekonomi.xlsx")
    wb = load_workbook(CLEAN)
    for ws in wb.worksheets[:3]:
        ws["B4"].value = f"KOPI-{ws.title[:3]}"
    wb.save(d / "b_kopi.xlsx")
    return d


@pytest.mark.parametrize("folder", ["departments", "title_duplicate"])
def test_validate_gives_the_findings_consolidate_gives(folder, request):
    d = DEPARTMENTS if folder == "departments" else request.getfixturevalue(folder)
    validated = where(check_inputs([d]).findings)
    consolidated = where(consolidate_files([str(d)], None).findings)
    assert validated == consolidated
    assert any(code == "duplicate-case" for code, *_ in validated)


def test_the_duplicate_is_the_case_in_the_later_file_whatever_the_order(title_duplicate):
    a, b = title_duplicate / "a_oekonomi.xlsx", title_duplicate / "b_kopi.xlsx"
    for order in ([a, b], [b, a]):
        found = sorted((f.code, Path(f.file).name, f.sheet, f.cell) for f in check_inputs(order).findings)
        assert found == [("duplicate-case", "b_kopi.xlsx", sheet, "B5")
                         for sheet in ("Lukkeuger", "Udbud af rengøring", "Velfærdsteknologi")]


def test_duplicates_are_found_in_the_cases_worker_processes_send_back(title_duplicate, monkeypatch):
    import xlpy.portfolio.collect as collect

    files = [str(title_duplicate / "a_oekonomi.xlsx"), str(title_duplicate / "b_kopi.xlsx")]
    serial = where(collect.check_many(files, jobs=1).findings)
    monkeypatch.setattr(collect, "PARALLEL_FROM", 2)
    parallel = collect.check_many(files, jobs=2)
    assert where(parallel.findings) == serial
    assert sum(code == "duplicate-case" for code, *_ in serial) == 3


def test_the_sample_folders_readme_lists_exactly_what_validate_reports():
    text = (DEPARTMENTS / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([^`]+)` \| ([^|]+?) \| ([A-Z]+\d+) \| ([a-z-]+) \|$", text, re.M))
    out = run("validate", DEPARTMENTS, "--format", "json")
    reported = {(Path(f["file"]).name, f["sheet"], f["cell"], f["code"]) for f in json.loads(out.stdout)}
    assert len(table) == 6
    assert reported == table


# --- the guards, for every format read --------------------------------------------------------------------------

ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>{dtd}<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="Case 1">{rows}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
BOMB = '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="'
            'application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml">{}</manifest:file-entry></manifest:manifest>')


def ods(path: Path, rows: str = "<table:table-row>" + CELL.format("Titel") + "</table:table-row>", dtd: str = "",
        extra: dict[str, str] | None = None, encrypted: bool = False, kind: str = "spreadsheet") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{kind}")
        zf.writestr("META-INF/manifest.xml", MANIFEST.format(
            '<manifest:encryption-data manifest:checksum="x"/>' if encrypted else ""))
        zf.writestr("content.xml", ODS_CONTENT.format(dtd=dtd, rows=rows))
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
    return path


def far_xls(path: Path) -> Path:
    import badinputs

    stream = badinputs.biff8_workbook([("Case 1", [["Titel", 1.0]])])
    eof = badinputs._biff(0x000A)
    far = badinputs._biff(0x0203, struct.pack("<HHHd", 65535, 65535, 15, 5.0))  # NUMBER at the far corner
    return path.write_bytes(badinputs.compound_file({"Workbook": stream[:-len(eof)] + far + eof})) and path


HOSTILE = {
    # name: (make, the finding codes on the file, is the file read at all)
    "dtd_content.ods": (lambda p: ods(p, dtd=BOMB), {"xml-unsafe"}, False),
    "dtd_styles.ods": (lambda p: ods(p, extra={"styles.xml": '<?xml version="1.0"?>' + BOMB + "<s>&lol2;</s>"}),
                       {"xml-unsafe"}, False),
    "far_repeat.ods": (lambda p: ods(p, rows='<table:table-row table:number-rows-repeated="1048576">'
                                            '<table:table-cell table:number-columns-repeated="16384" office:value-type'
                                            '="float" office:value="1"/></table:table-row>'),
                       {"sheet-too-large", "file-unreadable"}, False),
    "encrypted.ods": (lambda p: ods(p, encrypted=True), {"file-encrypted"}, False),
    "not_a_spreadsheet.ods": (lambda p: ods(p, kind="text"), {"format-not-supported"}, False),
    "far_cell.xlsb": (lambda p: write_xlsb(p, [("Case 1", {(0, 0): "Titel", (1048575, 16383): 1.0}),
                                               ("Noter", {(0, 0): "læses"})]), {"sheet-too-large", "no-case-sheet"},
                      True),
    "far_cell.xls": (far_xls, {"sheet-too-large", "file-unreadable"}, False),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_of_every_format_are_refused_not_read(tmp_path, name):
    make, codes, readable = HOSTILE[name]
    d = tmp_path / "ind"
    d.mkdir()
    shutil.copy(CLEAN, d / "god.xlsx")
    bad = make(d / name)
    out = run("validate", d, "--format", "json")  # a process of its own: a guard that fails must not take pytest
    assert "Traceback" not in out.stderr and out.returncode in (0, 1), out.stderr[-2000:]
    findings = json.loads(out.stdout)
    assert {f["code"] for f in findings if f["file"] == str(bad)} == codes
    assert not [f for f in findings if f["file"] == str(d / "god.xlsx")]
    book = read_workbook(bad)
    assert book.readable is readable
    if name == "far_cell.xlsb":
        assert [s.name for s in book.sheets] == ["Noter"]  # the other sheet is read


def test_ods_error_values_are_put_back_not_read_as_empty(tmp_path):
    """LibreOffice stores #DIV/0! with an empty string value; calamine reads that as an empty cell."""
    row = ('<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
           '</table:table-cell><table:table-cell table:formula="of:=1/0" office:value-type="string" '
           'office:string-value="" calcext:value-type="error" xmlns:calcext="urn:x"><text:p>#DIV/0!</text:p>'
           '</table:table-cell></table:table-row>')
    book = read_workbook(ods(tmp_path / "fejl.ods", rows=row))
    assert book.sheets[0].grid == [[1.0, "#DIV/0!"]]


def test_xlsb_error_values_and_odd_numbers_are_put_back(tmp_path):
    path = write_xlsb(tmp_path / "fejl.xlsb", [("A", {(0, 0): 1.0, (0, 2): float("inf")})])
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = parts["xl/worksheets/sheet1.bin"]
    error = _record(0x03, struct.pack("<II", 1, 0) + bytes([0x07]))  # BrtCellError #DIV/0! at B1
    end = sheet.rindex(_record(0x92))
    parts["xl/worksheets/sheet1.bin"] = sheet[:end] + error + sheet[end:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    grid = read_workbook(path).sheets[0].grid
    assert grid[0][:2] == [1.0, "#DIV/0!"] and grid[0][2] == "inf"


def test_the_wild_corpus_of_ods_xlsb_and_xls_reads_as_before():
    """calamine's own test files in these formats: every one is read, or refused with a finding (the two that are
    refused: one with a sheet of 10^9 × 10^9 cells, and a password-protected one of each kind)."""
    corpus = next((p for p in (os.environ.get("XLPY_CORPUS"), SAMPLES.parent.parent / "shared" / "corpus" / "wild",
                               Path("/work/shared/corpus/wild")) if p and Path(p).is_dir()), None)
    require(corpus is not None, "the wild corpus (../shared/corpus/wild) is not here")
    files = sorted(p for p in Path(corpus).rglob("*") if p.suffix.lower() in (".ods", ".xlsb", ".xls"))
    assert len(files) > 50
    refused = {}
    for path in files:
        book = read_workbook(path)
        if not book.readable:
            refused[path.name] = sorted({f.code for f in book.findings})
    assert refused == {"issue_594_dos.ods": ["file-unreadable", "sheet-too-large"],
                       "pass_protected.ods": ["file-encrypted"], "pass_protected.xlsb": ["file-encrypted"],
                       "issue_385.xls": ["file-encrypted"], "OOM_alloc3.xls": ["file-unreadable", "format-old"],
                       "too_small.xls": ["format-not-supported"]}
