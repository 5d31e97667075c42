"""Bad input ends as a coded finding and the run goes on; nothing is modified."""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, require
from xlpy.portfolio.pipeline import check_files

CLEAN = SAMPLES / "eksempel_uden_fejl.xlsx"


def corpus_dir() -> Path | None:
    for candidate in (os.environ.get("XLPY_CORPUS"), ROOT.parent / "shared" / "corpus" / "wild",
                      Path("/work/shared/corpus/wild")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def codes_for(result, name):
    return {f.code for f in result.findings if f.file == str(name)}


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def truncated(tmp_path):
    data = CLEAN.read_bytes()
    return write(tmp_path, "afkortet.xlsx", data[: len(data) // 2])


def word_document(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return write(tmp_path, "notat.xlsx", buf.getvalue())


def missing_sheet_part(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(CLEAN) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item))
    return write(tmp_path, "uden_ark.xlsx", buf.getvalue())


@pytest.mark.parametrize("make, code", [
    (lambda t: write(t, "tom.xlsx", b""), "file-empty"),
    (lambda t: write(t, "tekst.xlsx", b"Dette er ikke en projektmappe\n"), "format-not-supported"),
    (lambda t: write(t, "rapport.xlsx", b"%PDF-1.4\n..."), "format-not-supported"),
    (truncated, "format-not-supported"),
    (word_document, "format-not-supported"),
    (lambda t: t / "findes-ikke.xlsx", "file-not-found"),
    (lambda t: (t / "mappe.xlsx").mkdir() or (t / "mappe.xlsx"), "file-not-found"),
])
def test_bad_file_is_a_finding_and_the_next_file_is_read(tmp_path, make, code):
    bad = make(tmp_path)
    result = check_files([bad, CLEAN])
    assert code in codes_for(result, bad)
    assert [r.case.case_nr for r in result.cases if r.case.file == str(CLEAN)] == ["EK-1", "EK-2", "EK-3"]
    assert codes_for(result, CLEAN) == set()


def test_missing_sheet_part_keeps_the_other_sheets(tmp_path):
    """openpyxl loads such a zip silently with no sheets; we report the one sheet and read the others."""
    bad = missing_sheet_part(tmp_path)
    result = check_files([bad])
    assert [(f.code, f.sheet) for f in result.findings] == [("sheet-unreadable", "Velfærdsteknologi")]
    assert [r.case.case_nr for r in result.cases] == ["EK-2", "EK-3"]


def test_renamed_xlsx_is_read_with_a_warning(tmp_path):
    renamed = write(tmp_path, "forkert.xls", CLEAN.read_bytes())
    result = check_files([renamed])
    assert codes_for(result, renamed) == {"extension-mismatch"}
    assert len(result.cases) == 3


def test_wild_corpus_never_crashes_and_is_never_modified():
    """~330 real workbooks from Excel, LibreOffice, Google Sheets and others; none is a case workbook."""
    corpus = corpus_dir()
    require(corpus is not None, "the wild corpus (../shared/corpus/wild) is not here")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() != ".md")
    assert len(files) > 300
    before = {p: hashlib.sha256(p.read_bytes()).digest() for p in files}
    result = check_files(files)
    after = {p: hashlib.sha256(p.read_bytes()).digest() for p in files}
    assert before == after
    for path in files:
        codes = codes_for(result, path)
        assert codes, f"{path.name}: no finding at all"
        # every file ends in a finding that says why nothing was taken from it, or in findings about its cases
        assert codes & {"no-case-sheet", "format-not-supported", "file-unreadable", "file-encrypted", "file-empty",
                        "sheet-unreadable"} or any(r.case.file == str(path) for r in result.cases), path.name


def test_formula_without_value_is_not_taken_for_zero(tmp_path):
    """A formula no spreadsheet program has calculated (a file written by a tool, never opened in Excel): in an
    amount cell the amount is unknown, not 0; in a computed row there is simply nothing to check."""
    import zipfile as zf

    src = tmp_path / "kilde.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(CLEAN)
    wb["Velfærdsteknologi"]["C22"] = "=40+40"  # Varig investering 2027, as openpyxl writes it: no cached value
    wb.save(src)
    with zf.ZipFile(src) as z:
        assert b"<f>40+40</f>" in z.read("xl/worksheets/sheet1.xml")
    result = check_files([src])
    assert {(f.code, f.sheet, f.cell) for f in result.findings} == {("formula-no-value", "Velfærdsteknologi", "C22")}
    case = result.cases[0]
    assert case.figures.complete is False and case.figures.recurring[1] == 0
