"""The zip guard's one-pass scan of plain sheets (xlpy/read/plainscan.py + zipguard._scan_plain_part) records exactly what
the full scan (zipguard._scan_part, kept as the reference) records: for generated sheet XML full of far cells, cells
without addresses, error cells, formulas with and without cached values, external formulas, odd numbers, DTDs,
prefixes and whitespace variants; for every pattern the gate stands in for; and for every real workbook at hand (the
wild corpus, the samples and templates, generated benchmark workbooks and the hostile corpus)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import badinputs
from conftest import ROOT, SAMPLES, require
from xlpy.read import plainscan, zipguard
from xlpy.read.zipguard import Scan

WS = [b"", b" ", b"\t", b"\n", b"\r\n", b"\v", b"\f", b"  \v"]
# What plain sheets hold, and (drawn one time in eight) what makes a sheet unusual or almost so.
COLUMNS = (["A", "B", "I", "Z", "AA", "ZZ"], ["AAA", "XFD", "IV", "a", ""])
ROWS = (["1", "9", "01", "21", "047", "999"], ["0047", "1000", "99999", "100001", "1048576", "0", "0001000"])
NUMBERS = ([b"0", b"12", b"-3.5", b"2.5e-05", b"1E+30", b"1.7976931348623157E+99", b"+5", b"1" * 39, b"TRUE"],
           [b"1.7976931348623157E+308", b"1E+308", b"1e309", b"-1.5E-300", b"NaN", b"nan", b"INF", b"-inf",
            b"+Infinity", b"0x1F", b"9" * 40, b"7" * 301, b"1.2.3", b"." * 300, b"E308", b" 1E+999", b"\v1e400",
            b"caf\xe9", b"\xff"])
FORMULAS = ([b"SUM(B21:G21)", b"A1&amp;B1", b"A1&lt;2", b"Ark1!A1", b"IF(A1&gt;0,1,2)", b""],
            [b"[1]Ark1!A1", b"'C:\\x\\[a.xlsx]S'!A1", b'HYPERLINK("http://x","y")', b'hyperlink("https://x")',
             b"WEBSERVICE(A1)", b"cmd|' /c calc'!A0", b"\\\\server\\share", b"FILE:x", b"Http:x", b"CALL(1)",
             b"REGISTER(1)", b"EXEC(1)", b"FILTERXML(A1)"])
ERRORS = [b"#REF!", b"#N/A", b"#DIV/0!", b"#VALUE!", b"#NAME?", b"&amp;#REF!", b"#" + b"X" * 45]


def pick(draw, choices: tuple[list, list], tame: bool = False):
    """One of the common choices; one time in eight a rare one, unless `tame`."""
    return draw(st.sampled_from(choices[not tame and draw(st.integers(0, 7)) == 0]))


@st.composite
def cells(draw, tame: bool = False) -> bytes:
    prefix = pick(draw, ([b""], [b"x:"]))  # prefixes, quotes, cells without address: plain too
    q = pick(draw, ([b'"'], [b"'"]))
    address = pick(draw, (["plain"], ["none", "spaced"]))
    ref = (pick(draw, tame=tame, choices=COLUMNS) + pick(draw, tame=tame, choices=ROWS)).encode()
    attrs = []
    if address == "plain":
        attrs.append(b"r=" + q + ref + q)
    elif address == "spaced":
        attrs.append(b"r" + draw(st.sampled_from(WS)) + b"=" + draw(st.sampled_from(WS)) + q + ref + q)
    if draw(st.booleans()):
        attrs.insert(draw(st.integers(0, len(attrs))), b's="3"')
    kind = pick(draw, tame=tame, choices=([None, None, b"s", b"str", b"n", b"b", b"inlineStr"], [b"e"]))
    if kind:
        attrs.append(b"t=" + q + kind + q)
    space = draw(st.sampled_from([b" ", b" ", b"\t", b"\n"]))
    head = b"<" + prefix + b"c" + b"".join(space + a for a in attrs)
    body = draw(st.sampled_from(["empty", "closed", "value", "value", "formula", "formula_v", "formula_v", "is"]
                                + (["formula_v"] * 4 if tame else ["error"])))
    ws = draw(st.sampled_from(WS))
    if body == "empty":
        return head + ws + b"/>"
    if body == "closed":
        return head + b">" + ws + b"</" + prefix + b"c>"
    if body == "value":
        number = pick(draw, tame=tame, choices=NUMBERS)
        return head + b"><" + prefix + b"v>" + number + b"</" + prefix + b"v></" + prefix + b"c>"
    if body == "is":
        return head + b"><is><t>" + pick(draw, tame=tame, choices=FORMULAS) + b"</t></is></c>"
    if body == "error":
        error = draw(st.sampled_from(ERRORS))
        return head + b"><" + prefix + b"v>" + error + b"</" + prefix + b"v></" + prefix + b"c>"
    formula = pick(draw, tame=tame, choices=FORMULAS)
    f = draw(st.sampled_from([b"<f>" + formula + b"</f>", b"<F>" + formula + b"</F>",
                              b'<f t="shared" si="0"/>', b"<" + prefix + b"f>" + formula + b"</" + prefix + b"f>"]))
    if body == "formula":
        return head + b">" + ws + f + ws + b"</" + prefix + b"c>"
    value = draw(st.sampled_from([b"<v></v>", b"<v></v>", b"<v/>", b"<v />", b"<v>1</v>", b"<v>#REF!</v>",
                                  b"<v>" + pick(draw, tame=tame, choices=NUMBERS) + b"</v>"]))
    return head + b">" + ws + f + ws + value + ws + b"</" + prefix + b"c>"


@st.composite
def sheets(draw) -> bytes:
    """Half of them tame: only what plain sheets hold (with formulas lacking a cached value among it)."""
    tame = draw(st.booleans())
    prefix = draw(st.sampled_from([b"", b"", b"x:"]))
    rows = []
    for _ in range(draw(st.integers(0 if not tame else 1, 6))):
        address = draw(st.sampled_from([b"", b' r="' + pick(draw, ROWS, tame).encode() + b'"', b' r="7"',
                                        b' spans="1:9" r="3"', b"\tr='" + pick(draw, ROWS, tame).encode() + b"'"]))
        tag = b"<" + draw(st.sampled_from([prefix, b"", b"x:"])) + b"row"
        if draw(st.integers(0, 9)) == 0:
            rows.append(tag + address + b"/>")
            continue
        row_cells = draw(st.lists(cells(tame), min_size=int(tame), max_size=6))
        rows.append(tag + address + b">" + b"".join(row_cells) + b"</" + prefix + b"row>")
    prolog = draw(st.sampled_from([b"", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                                   b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>',
                                   b"<!-- <!DOCTYPE y> -->"]))
    extra = draw(st.sampled_from([b"", b'<dimension ref="A1:XFD1048576"/>', b'<mergeCell ref="AAA1:AAB2"/>',
                                  b'<selection activeCell="A1" sqref="A1000"/>', b'<hyperlink r:id="rId1" ref="A1"/>',
                                  b"<extLst><x14:cfRule><xm:f>Ark1!$A$1</xm:f><xm:sqref>A1</xm:sqref></x14:cfRule>"
                                  b"</extLst>", b"<![CDATA[<c r='B2'><v>1</v></c>]]>"]))
    root = b"<" + prefix + b'worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return (prolog + root + b"<" + prefix + b"sheetData>" + b"".join(rows) + b"</" + prefix + b"sheetData>" + extra
            + b"</" + prefix + b"worksheet>")


def both(data: bytes, scan: Scan | None = None, state: list[int] | None = None) -> tuple:
    """(full, plain) part scans of the same bytes from the same starting scan and state."""
    out = []
    for scan_part in (zipguard._scan_part, zipguard._scan_plain_part):
        s = Scan(**vars(scan)) if scan else Scan()
        s.formulas, s.errors, s.no_value = list(s.formulas), list(s.errors), list(s.no_value)
        st_ = list(state or [0, 0])
        scan_part(data, st_, s)
        out.append((s, st_))
    return tuple(out)


def zipped(data: bytes, method: int = zipfile.ZIP_DEFLATED) -> tuple[zipfile.ZipFile, bytes, zipfile.ZipInfo]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", data)
    blob = buf.getvalue()
    zf = zipfile.ZipFile(io.BytesIO(blob))
    return zf, blob, zf.getinfo("xl/worksheets/sheet1.xml")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.integers(0, 200_000), st.integers(0, 5000), st.booleans(), st.integers(0, 5000))
def test_plain_scan_records_what_the_full_scan_records(data, rows, cols, odd, row):
    """From a fresh scan, and from one carried over from an earlier chunk (rows, columns, odd numbers, position)."""
    full, plain = both(data)
    assert plain == full
    full, plain = both(data, Scan(rows=rows, cols=cols, odd_numbers=odd, no_value=[(1, 1)]), [row, 3])
    assert plain == full


@settings(max_examples=150, deadline=None)
@given(sheets(), st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
def test_plain_scan_of_a_zipped_sheet_is_the_full_scan(data, method):
    zf, blob, info = zipped(data, method)
    assert zipguard._scan_sheet(zf, blob, info) == zipguard._scan_sheet(zf, blob, info, full=True)


# Fragments the gate's patterns are made of, and their near misses: joined at random, every full-scan pattern the
# gate stands in for must imply the gate.
FRAGMENTS = [b"r", b"=", b'"', b"'", b" ", b"\v", b"\t", b"\n", b"AAA", b"AB", b"A", b"z", b"1000", b"12", b"0", b"9",
             b'<c r="', b"<c ", b"<v>", b"</v>", b"<x:v>", b"<v", b"v>", b">", b"<", b"/", b"e", b"E", b"+", b"-",
             b"308", b"1e309", b"inf", b"NaN", b"nAn", b"iNf", b".", b"<f>", b"<F>", b"</f>", b"<f ", b"<x:f>",
             b"/>", b"</c>", b"<v/>", b"<v></v>", b"<v />", b"hyperlink(", b"HyperLink(", b"WEBSERVICE(", b"|",
             b"\\\\", b"\\", b"http:", b"HTTPS:", b"file:", b"t=", b'"e"', b"'e'", b't="e"', b"t='e'", b":c", b":row",
             b"x:", b"\xe9", b"\xc9", b"\xff", b"\x00", b"7" * 40, b"7" * 300, b"sheetData"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=2), max_size=40).map(b"".join))
def test_the_gate_stands_in_for_every_pattern_of_the_full_scan(data):
    unusual = (zipguard._LONG_REF.search(data) or zipguard._EXTERNAL.search(data) or b't="e"' in data
               or b"t='e'" in data or zipguard._ODD_NUMBER.search(data) or zipguard._ODD_NUMBER_PREFIXED.search(data))
    plain, uncached = plainscan.survey(data)
    if unusual:
        assert not plain
    if zipguard._FORMULA_NO_VALUE.search(data):
        assert uncached
    if b":c" in data or b":row" in data:
        assert plainscan.prefixed(data)


PLAIN = (b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>12.5</v></c>'
         b'<c r="C1"><f>SUM(A1:B1)</f><v>12.5</v></c></row></sheetData></worksheet>')
UNUSUAL = {
    "far cell": PLAIN.replace(b'r="B1"', b'r="B1000"'),
    "far column": PLAIN.replace(b'r="B1"', b'r="AAA1"'),
    "error cell": PLAIN.replace(b'<c r="B1">', b'<c r="B1" t="e">').replace(b"12.5</v></c><c", b"#REF!</v></c><c"),
    "external formula": PLAIN.replace(b"SUM(A1:B1)", b"[1]Ark1!A1|x"),
    "odd number": PLAIN.replace(b"<v>12.5</v></c><c", b"<v>1E+309</v></c><c"),
    "NaN": PLAIN.replace(b"<v>12.5</v></c><c", b"<v> nan</v></c><c"),
    "long number": PLAIN.replace(b"<v>12.5</v></c><c", b"<v>" + b"1" * 300 + b"</v></c><c"),
    "external formula after one without a value": PLAIN.replace(b'<c r="A1" t="s"><v>0</v></c>',
                                                                b'<c r="A1"><f>1</f><v></v></c>')
                                                        .replace(b"SUM(A1:B1)", b"[1]Ark1!A1|x"),
}


def _refuse(*args):
    raise AssertionError("the full scan was called")


def test_a_plain_sheet_is_not_scanned_in_full(monkeypatch):
    monkeypatch.setattr(zipguard, "_scan_part", _refuse)
    scan = Scan()
    zipguard._scan_plain_part(PLAIN, [0, 0], scan)
    assert (scan.rows, scan.cols) == (1000, 705)  # as the full scan counts: 999 + rows, 702 + cells
    uncached = PLAIN.replace(b"<v>12.5</v></c></row>", b"<v></v></c></row>")
    zipguard._scan_plain_part(uncached, [0, 0], scan)
    assert scan.no_value == [(0, 2)]


@pytest.mark.parametrize("kind", sorted(UNUSUAL))
def test_an_unusual_sheet_is_scanned_in_full(kind, monkeypatch):
    data = UNUSUAL[kind]
    assert plainscan.survey(data)[0] is False
    (full, _), (plain, _) = both(data)
    assert plain == full and (full.errors or full.formulas or full.odd_numbers or full.rows >= 1000 or full.cols > 702)
    monkeypatch.setattr(zipguard, "_scan_part", _refuse)
    with pytest.raises(AssertionError, match="full scan"):
        zipguard._scan_plain_part(data, [0, 0], Scan())


def test_without_re2_every_sheet_is_scanned_in_full(monkeypatch):
    assert plainscan.survey(PLAIN) == (True, False) and not plainscan.prefixed(PLAIN)
    monkeypatch.setattr(plainscan, "_compiled", {})
    assert plainscan.survey(PLAIN) == (False, True) and plainscan.prefixed(PLAIN)
    (full, _), (plain, _) = both(PLAIN)
    assert plain == full


def test_an_unusable_re2_means_a_full_scan(monkeypatch):
    import sys  # noqa: PLC0415

    monkeypatch.setattr(plainscan, "_compiled", None)
    monkeypatch.setitem(sys.modules, "re2", None)  # import re2 raises ImportError
    assert plainscan.survey(PLAIN) == (False, True) and plainscan.prefixed(PLAIN)
    monkeypatch.setattr(plainscan, "_compiled", None)
    monkeypatch.setitem(sys.modules, "re2", object())  # an re2 without Options
    assert plainscan.survey(PLAIN) == (False, True)
    monkeypatch.setattr(plainscan, "_compiled", None)


def test_an_re2_failure_means_a_full_scan(monkeypatch):
    class Broken:
        def search(self, data):
            raise RuntimeError("DFA out of memory")

    monkeypatch.setattr(plainscan, "_compiled", dict.fromkeys((plainscan.EITHER, plainscan.UNUSUAL,
                                                                plainscan.PREFIXED), Broken()))
    assert plainscan.survey(PLAIN) == (False, True) and plainscan.prefixed(PLAIN)


# --- every workbook at hand -------------------------------------------------------------------------------------------
def corpus_dir() -> Path | None:
    """The wild corpus: $XLPY_CORPUS, ../shared beside the checkout, or the workplace's copy (as test_bad_input.py)."""
    return next((Path(p) for p in (os.environ.get("XLPY_CORPUS"), ROOT.parent / "shared" / "corpus" / "wild",
                                   "/work/shared/corpus/wild") if p and Path(p).is_dir()), None)


def _guard(path: Path, full: bool, monkeypatch) -> tuple:
    """guard_zip's whole result (reason, findings, skipped sheets, fixes) for a zip workbook, or the error raised."""
    blob = path.read_bytes()
    fmt = {".xlsm": "xlsm", ".xlsb": "xlsb", ".ods": "ods"}.get(path.suffix.lower(), "xlsx")
    with monkeypatch.context() as m:
        if full:
            m.setattr(zipguard, "_scan_plain_part", zipguard._scan_part)
        findings, skip, fixes = [], {}, {}
        try:
            zf = zipfile.ZipFile(io.BytesIO(blob))
            problem = zipguard.guard_zip(zf, blob, str(path), findings, skip, fixes, fmt)
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError) as exc:
            return ("error", type(exc).__name__)
    return problem, findings, skip, fixes


def _sheet_parts(path: Path) -> list[tuple[zipfile.ZipFile, bytes, zipfile.ZipInfo]]:
    try:
        blob = path.read_bytes()
        zf = zipfile.ZipFile(io.BytesIO(blob))
        if zipguard._guard_directory(zf):
            return []  # a zip bomb and the like: refused before any part is scanned
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
        return []
    return [(zf, blob, info) for info in zf.infolist() if not info.filename.endswith("/") and info.file_size
            and not zipguard._NOT_SHEETS.search(info.filename) and not zipguard._BINARY.search(info.filename)]


def _compare(paths: list[Path], monkeypatch) -> tuple[int, int]:
    """(workbooks, sheet parts) compared; every one equal."""
    books = parts = 0
    for path in paths:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode) or not zipfile.is_zipfile(path):
                continue
        except OSError:
            continue
        assert _guard(path, False, monkeypatch) == _guard(path, True, monkeypatch), path
        books += 1
        for zf, blob, info in _sheet_parts(path):
            assert zipguard._scan_sheet(zf, blob, info) == zipguard._scan_sheet(zf, blob, info, full=True), \
                (path, info.filename)
            parts += 1
    return books, parts


def test_real_workbooks_give_the_same_result(monkeypatch):
    """The wild corpus (~265 .xlsx/.xlsm from Excel, LibreOffice, Google Sheets and others), the samples and the
    templates."""
    corpus = corpus_dir()
    require(corpus is not None, "the wild corpus (../shared/corpus/wild) is not here")
    paths = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".xlsb", ".ods"))
    paths += sorted(p for folder in (SAMPLES, ROOT / "templates") for p in folder.rglob("*.xls[xm]"))
    books, parts = _compare(paths, monkeypatch)
    assert books > 300 and parts > 700


def test_benchmark_and_hostile_workbooks_give_the_same_result(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    from bench.generate import generate  # noqa: PLC0415 (the benchmark's own generator)

    generated = generate(tmp_path / "bench", 3, jobs=1)
    hostile = badinputs.make_all(tmp_path / "hostile")
    try:
        books, parts = _compare([*generated, *sorted(hostile.values())], monkeypatch)
    finally:
        badinputs.restore(hostile)
    assert books >= 30 and parts >= 100
