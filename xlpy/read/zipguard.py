"""The zip guard: what a workbook file may ask of the reader, checked before python-calamine reads it.

A case workbook is tens of kilobytes. A hostile or broken one can be a zip bomb (a few MB that unpack to GBs), an
XML entity bomb, or a sheet with one cell at XFD1048576, for which calamine allocates the whole area at once and
aborts the process when it cannot. Everything here works from the zip directory (read anyway to judge the format)
and from the sheets' XML, each decompressed once (in chunks when large); of every other XML part python-calamine
parses, only the first XML_HEAD bytes. What calamine leaves out of a grid (error values such as #REF!, which it
gives as empty cells) is noted too, so read.py can put it back. The zip's own checks hold for every zip format; the
parts of .ods and .xlsb are checked as those formats have them, in formatguard.py.
"""

from __future__ import annotations

import math
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from . import plainscan
from ..findings import Finding, finding

ZIP_MAGIC = b"PK\x03\x04"

# --- limits ----------------------------------------------------------------
# A case workbook is tens of kilobytes; these bounds are far above any real one and keep a hostile file from taking
# the machine's memory (python-calamine holds a sheet's used area densely, and aborts the process when it cannot
# allocate it).
MAX_FILE_BYTES = 100 << 20  # on disk
MAX_UNCOMPRESSED = 512 << 20  # all parts of a zip together, as its directory declares them
MAX_RATIO = 100  # declared ÷ compressed size, for parts of at least RATIO_FROM bytes
RATIO_FROM = 1 << 20
MAX_ROWS = 100_000  # per sheet
MAX_CELLS = 1_000_000  # rows × columns of a sheet's area from A1 to its last cell
MAX_BOOK_CELLS = 1_000_000  # the same, summed over a workbook's sheets (their grids are all held in memory)
SCAN_MAX_CELLS = 2_000_000  # the bound the XML scan checks before calamine loads a sheet (it may overestimate)
XML_HEAD = 8192  # a DTD must come before the root element; this much of each XML part is looked at
_CHUNK = 8 << 20



def too_large_params(rows: int, cols: int) -> dict[str, Any]:
    return {"rows": rows, "cols": cols, "max_rows": MAX_ROWS, "max_cells": MAX_CELLS}


def size_text(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB" if size >= 1 << 20 else f"{size} byte"


# --- the zip guard --------------------------------------------------------------------------------------------------
class _Lazy:
    """A regex compiled on first use, so that importing the package (every command's start-up) does not pay for it."""

    def __init__(self, pattern: bytes | str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for what is not set yet: compile, then keep the methods
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(*self._args)
        for method in ("search", "match", "finditer", "findall"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


_NOT_SHEETS = _Lazy(r"^(?:docProps/|customXml/|xl/theme/|xl/media/|xl/printerSettings/|xl/drawings/|"
                    r"xl/charts/|xl/externalLinks/|xl/pivot|xl/slicer|xl/tables/|xl/queryTables/|"
                    r"xl/styles\.xml$|xl/sharedStrings\.xml$|xl/workbook\.xml$|xl/calcChain\.xml$|"
                    r"xl/connections\.xml$|xl/metadata\.xml$|xl/volatileDependencies\.xml$|"
                    r"\[Content_Types\]\.xml$)|\.rels$")
# The parts python-calamine (and openpyxl, for --mark and --in-place) parse besides the sheets.
_PARSED = _Lazy(r"^(?:xl/workbook\.xml|xl/sharedStrings\.xml|xl/styles\.xml|xl/tables/.*|"
                r"\[Content_Types\]\.xml)$|\.rels$")
_LONG_REF = _Lazy(rb"r\s*=\s*['\"]\s*(?:[A-Z]{3}|[A-Z]{0,2}[0-9]{4})")  # a row >= 1000 or a column >= AAA
_TAG = _Lazy(rb"<(?:[\w.-]+:)?(row|c)(?![\w.:-])([^>]*)>")
# A cell that is not empty: not <c .../> and not <c ...></c> (whatever it holds counts, so nothing can hide a value).
_VALUE_CELL = _Lazy(rb'<c r="([A-Z]{1,3})0*([0-9]{1,9})"[^>]*(?<!/)>(?!\s*</(?:[\w.-]+:)?c>)')
_LAST_CELL = _Lazy(rb'<c r="([A-Z]{1,3})0*([0-9]{1,9})"')
_REF = _Lazy(rb"(?<![\w.:-])r\s*=\s*['\"]\s*([A-Z]{0,3})0*([0-9]*)")
_EXTERNAL = _Lazy(rb"(?i)<(?:[\w.-]+:)?f\b[^>]*>[^<]*(?:\||hyperlink\(|webservice\(|filterxml\(|call\(|"
                  rb"register\(|exec\(|https?:|file:|\\\\)")
_FORMULA_CELL = _Lazy(rb'(?s)<(?:[\w.-]+:)?c\b[^>]*\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*'
                      rb"<(?:[\w.-]+:)?f\b[^>]*>([^<]*)</")
# A formula cell with no cached value: <c r="B21"><f>…</f></c>, <f>…</f><v /> or <f>…</f><v></v> (what openpyxl
# writes — <v></v> when lxml is installed — and other tools; Excel and LibreOffice always store a value). xlpy's own
# templates write <v></v> for their computed rows too: there a formula without a value means "nothing to check".
_FORMULA_NO_VALUE = _Lazy(rb'<c r="([A-Z]{1,3})0*([0-9]{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
                          rb"(?:<v\s*/>|<v></v>)?\s*</c>")
_ERROR_CELL = _Lazy(rb"<(?:[\w.-]+:)?c\b[^>]*?\br=[\"']([A-Z]{1,3})([0-9]{1,7})[\"'][^>]*?\bt=[\"']e[\"'][^>]*>"
                    rb"(?:(?!</(?:[\w.-]+:)?c>).)*?<(?:[\w.-]+:)?v>([^<]{1,40})</", re.S)
_ODD = rb">\s*[-+]?(?:[0-9.]*[eE][-+]?[0-9]{3}|[iI][nN][fF]|[nN][aA][nN]|[0-9.]{300})"
_ODD_NUMBER = _Lazy(rb"<v" + _ODD)  # a literal start: fast
_ODD_NUMBER_PREFIXED = _Lazy(rb"<[\w.-]+:v" + _ODD)
_BINARY = _Lazy(r"(?i)\.(?:bin|png|jpe?g|gif|bmp|tiff?|emf|wmf|svg)$|^xl/embeddings/|^xl/activeX/|^customUI")
_DTD = _Lazy(rb"<!(?:DOCTYPE|ENTITY)")
_ROOT = _Lazy(rb"<[A-Za-z_]")


def guard_zip(zf: zipfile.ZipFile, blob: bytes, file: str, findings: list[Finding],
              skip: dict[str, tuple[str, dict[str, Any]]], fixes: dict[str, Scan],
              fmt: str = "xlsx") -> tuple[str, dict[str, Any]] | None:
    """A reason not to read this zip at all (code, params), or None. Sheets that must not be read go into `skip`;
    findings about single cells go into `findings`. `fmt` is what the zip holds (xlsx, xlsm, xlsb, ods): the checks
    of the zip itself are the same for all; the parts are checked as the format has them (.ods and .xlsb in
    formatguard.py)."""
    problem = _guard_directory(zf)
    if problem or fmt not in ("xlsb", "ods"):
        return problem or _guard_ooxml(zf, blob, file, findings, skip, fixes)
    from .formatguard import guard_ods, guard_xlsb  # noqa: PLC0415 (formatguard imports this module)

    if fmt == "ods":
        return guard_ods(zf, blob, file, findings, fixes)
    return guard_xlsb(zf, blob, file, findings, skip, fixes)


def _guard_directory(zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]] | None:
    """The zip's directory: packing methods, encryption, sizes and compression ratios as declared."""
    infos = zf.infolist()
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return "zip-suspicious", {"detail": f"{info.filename}: pakket med metode {info.compress_type}"}
        if info.flag_bits & 0x1:
            return "zip-suspicious", {"detail": f"{info.filename}: krypteret zip-del"}
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            return "file-too-large", {"size": size_text(total) + " udpakket", "limit": size_text(MAX_UNCOMPRESSED)}
        if info.file_size >= RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return "zip-suspicious", {"detail": f"{info.filename}: {size_text(info.file_size)} pakket {ratio}:1"}
    return None


def _guard_ooxml(zf: zipfile.ZipFile, blob: bytes, file: str, findings: list[Finding],
                 skip: dict[str, tuple[str, dict[str, Any]]],
                 fixes: dict[str, Scan]) -> tuple[str, dict[str, Any]] | None:
    """.xlsx/.xlsm: the sheets' XML scanned in full, the other parts' prologs for DTDs."""
    sheet_parts: list[tuple[zipfile.ZipInfo, Scan]] = []
    for info in zf.infolist():
        name = info.filename
        if name.endswith("/") or info.file_size == 0:
            continue
        if _NOT_SHEETS.search(name):
            if _PARSED.search(name) and _has_dtd(_head(zf, blob, info, XML_HEAD)):
                return "xml-unsafe", {"part": name}
            continue
        if _BINARY.search(name):
            continue
        scan = _scan_sheet(zf, blob, info)
        if scan is None:
            return "xml-unsafe", {"part": name}
        sheet_parts.append((info, scan))
    problems = [(info, scan) for info, scan in sheet_parts if scan.too_large or scan.formulas or scan.errors
                or scan.odd_numbers or scan.no_value]
    if problems:
        names = _sheet_names_by_part(zf, blob)
        for info, scan in problems:
            sheet = names.get(info.filename, info.filename)
            if scan.too_large:
                skip[sheet] = ("sheet-too-large", too_large_params(scan.rows, scan.cols))
            for cell, formula in scan.formulas:
                findings.append(finding("formula-external", file, sheet, cell, formula=formula))
            if scan.errors or scan.odd_numbers or scan.no_value:
                fixes[sheet] = scan
    return None


@dataclass
class Scan:
    rows: int = 0
    cols: int = 0
    formulas: list[tuple[str, str]] = field(default_factory=list)  # (cell, formula) pointing outside
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, col, "#REF!"): 0-based
    odd_numbers: bool = False  # a number that may not be finite (1e309, NaN)
    no_value: list[tuple[int, int]] = field(default_factory=list)  # formula cells no program has calculated

    @property
    def too_large(self) -> bool:
        return self.rows > MAX_ROWS or self.rows * self.cols > SCAN_MAX_CELLS


class NoValue(str):
    """A formula cell no spreadsheet program has calculated (no cached value): calamine reads it as empty. It still
    equals "", so everything that does not ask treats it as an empty cell; parse.py asks, for amounts."""


NO_VALUE = NoValue("")


def apply_fixes(grid: list[list[Any]], scan: Scan) -> None:
    """What calamine leaves out of a grid, put back as the cell shows it: an error value (#REF!, which calamine
    gives as an empty cell), a number that is not finite (given as text, so it is reported, not summed), and a
    formula without a value (marked NO_VALUE, so an amount that is not known is not taken for 0)."""
    for r, c, text in scan.errors:
        if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
            grid[r][c] = text
    for r, c in scan.no_value:
        if r < len(grid) and c < len(grid[r]) and grid[r][c] == "":
            grid[r][c] = NO_VALUE
    if scan.odd_numbers:
        for row in grid:
            for i, v in enumerate(row):
                if isinstance(v, float) and not math.isfinite(v):
                    row[i] = str(v)


def _raw(blob: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a part, from its local header (None when the header is not where it says)."""
    off = info.header_offset
    if blob[off:off + 4] != ZIP_MAGIC:
        return None
    n, m = struct.unpack_from("<HH", blob, off + 26)
    start = off + 30 + n + m
    return blob[start:start + info.compress_size]


def _chunks(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo, limit: int | None = None):
    """The part's bytes in chunks, never more than its declared size (+1, to notice a lie), at most `limit`."""
    cap = info.file_size + 1 if limit is None else min(limit, info.file_size + 1)
    raw = _raw(blob, info)
    if raw is None:
        with zf.open(info) as fh:  # an odd layout: let zipfile find the data
            while cap > 0:
                data = fh.read(min(_CHUNK, cap))
                if not data:
                    return
                cap -= len(data)
                yield data
        return
    if info.compress_type == zipfile.ZIP_STORED:
        yield raw[:cap]
        return
    d = zlib.decompressobj(-15)
    pos = 0
    while cap > 0 and pos < len(raw):
        data = d.decompress(raw[pos:pos + (1 << 20)], min(_CHUNK, cap))
        pos += 1 << 20
        while True:
            if data:
                cap -= len(data)
                yield data
            if cap <= 0 or not d.unconsumed_tail:
                break
            data = d.decompress(d.unconsumed_tail, min(_CHUNK, cap))


def _head(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo, size: int) -> bytes:
    try:
        out = b""
        for data in _chunks(zf, blob, info, size):
            out += data
            if len(out) >= size:
                break
        return out[:size]
    except zlib.error:
        return b""  # calamine will report the broken part if it reads it


def _has_dtd(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    root = _ROOT.search(head)
    prolog = head[:root.start()] if root else head
    return bool(_DTD.search(prolog)) or (root is None and len(head) >= XML_HEAD)


def _scan_sheet(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo, full: bool = False) -> Scan | None:
    """Where a sheet part's cells reach (rows and columns from A1, as calamine would place them), its formulas that
    point outside the workbook, its error cells and non-finite numbers; None when the part's XML has a DTD. A plain
    part is scanned in a few passes (_scan_plain_part), any other in full; `full` scans every part in full (the
    reference the plain scan is tested against)."""
    scan_part = _scan_part if full else _scan_plain_part
    scan = Scan()
    try:
        first = True
        state = [0, 0]  # current row, current column (1-based), for rows and cells without an address
        carry = b""
        for data in _chunks(zf, blob, info):
            if first:
                if _has_dtd(data[:XML_HEAD]):
                    return None
                first = False
            buf = carry + data
            cut = buf.rfind(b"<") if len(buf) >= _CHUNK else len(buf)
            cut = cut if cut > 0 else len(buf)
            part, carry = buf[:cut], buf[cut:]
            scan_part(part, state, scan)
            if scan.too_large:
                return scan
        if carry:
            scan_part(carry, state, scan)
        return scan
    except zlib.error:
        return scan  # a broken part: calamine reports it when it reads the sheet


def _scan_plain_part(data: bytes, state: list[int], scan: Scan) -> None:
    """What _scan_part records, in few passes when plainscan.py finds the part plain: then where its cells reach is
    told by counting tags (as _extent_of does when no address is far), and only its formulas without a cached value
    are looked for. Any other part, and one whose count is beyond the limits, gets the full scan."""
    plain, uncached = plainscan.survey(data) if len(data) < _CHUNK else (False, True)
    if not plain:
        return _scan_part(data, state, scan)
    rows, cols = 999 + data.count(b"<row"), 702 + data.count(b"<c")
    if plainscan.prefixed(data):
        rows, cols = rows + data.count(b":row"), cols + data.count(b":c")
    if rows > MAX_ROWS or rows * cols > SCAN_MAX_CELLS:
        return _scan_part(data, state, scan)
    scan.rows, scan.cols = max(scan.rows, rows), max(scan.cols, cols)
    if not scan.too_large and uncached:
        scan.no_value += [(int(digits) - 1, _col(letters) - 1) for letters, digits in _FORMULA_NO_VALUE.findall(data)]
    return None


def _scan_part(data: bytes, state: list[int], scan: Scan) -> None:
    """The full scan of a part of a sheet's XML. plainscan.py's patterns stand in for its patterns: change them
    together (tests/test_plainscan.py checks that each still covers the other)."""
    r, c = _extent_of(data, state)
    scan.rows, scan.cols = max(scan.rows, r), max(scan.cols, c)
    if scan.too_large:
        return
    if b"<f" in data or b":f" in data:
        scan.formulas += _external_formulas(data)
        for m in _FORMULA_NO_VALUE.finditer(data):
            scan.no_value.append((int(m.group(2)) - 1, _col(m.group(1)) - 1))
    if b't="e"' in data or b"t='e'" in data:
        for m in _ERROR_CELL.finditer(data):
            letters, digits, text = m.group(1), m.group(2), m.group(3)
            if digits:
                scan.errors.append((int(digits) - 1, _col(letters) - 1, _unescape(text.decode("utf-8", "replace"))))
    if not scan.odd_numbers and (_ODD_NUMBER.search(data) or (b":v>" in data and _ODD_NUMBER_PREFIXED.search(data))):
        scan.odd_numbers = True


def _extent_of(data: bytes, state: list[int]) -> tuple[int, int]:
    if len(data) < _CHUNK and not _LONG_REF.search(data):
        # The common case: every address is below row 1000 and column AAA. Cells and rows without an address are
        # placed one after the other, so they reach at most as far as there are tags that could be cells or rows.
        rows = 999 + data.count(b"<row") + data.count(b":row")
        cols = 702 + data.count(b"<c") + data.count(b":c")
        if rows <= MAX_ROWS and rows * cols <= SCAN_MAX_CELLS:
            return rows, cols
    if _well_formed(data):
        return _extent_addressed(data, state)
    rows = cols = 0
    for m in _TAG.finditer(data):
        kind, attrs = m.group(1), m.group(2)
        ref = _REF.search(attrs)
        if kind == b"row":
            state[0] = int(ref.group(2)) if ref and ref.group(2) else state[0] + 1
            state[1] = 0
        else:
            if ref and ref.group(1):
                state[1] = _col(ref.group(1))
                if ref.group(2):
                    state[0] = int(ref.group(2))
            else:
                state[1] += 1
            if not attrs.rstrip().endswith(b"/"):  # an empty <c .../> only takes its place
                rows, cols = max(rows, state[0]), max(cols, state[1])
        if rows > MAX_ROWS or rows * cols > SCAN_MAX_CELLS:
            break  # too large already; where it ends does not matter
    return rows, cols


def _well_formed(data: bytes) -> bool:
    """Every cell and row carries its address as first attribute, written `<c r="A1"` / `<row r="1"` (as every
    spreadsheet program writes it); then the addresses alone say where the cells are."""
    return (data.count(b"<c ") == data.count(b'<c r="') and data.count(b"<row ") == data.count(b'<row r="')
            and not any(odd in data for odd in (b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r", b":c ", b":c>", b":c/",
                                                b"<row>", b"<row/>", b"<row\t", b"<row\n", b"<row\r", b":row")))


def _extent_addressed(data: bytes, state: list[int]) -> tuple[int, int]:
    """Only cells with content count (calamine leaves out a cell that is only formatted, as programs write for a
    formatted row or column that reaches the sheet's last cell XFD1048576)."""
    found = _VALUE_CELL.findall(data)
    letters, numbers = (set(x) for x in zip(*found)) if found else (set(), set())
    rows = max(map(int, numbers), default=0)
    cols = max(map(_col, letters), default=0)
    last = _LAST_CELL.match(data, max(data.rfind(b'<c r="'), 0))
    if last:
        state[0], state[1] = int(last.group(2)), _col(last.group(1))
    return rows, cols


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_EXTERNAL_HINTS = (b"|", b"hyperlink", b"webservice", b"filterxml", b"call(", b"register(", b"exec(", b"http",
                   b"file:", b"\\\\")


def _unescape(text: str) -> str:
    """XML's character references resolved ("&amp;" -> "&"); html and its entity table (5 ms) are imported only for
    the rare sheet with an error cell or an external formula."""
    if "&" not in text:
        return text
    import html  # noqa: PLC0415

    return html.unescape(text)


def _external_formulas(data: bytes) -> list[tuple[str, str]]:
    low = data[max(data.find(b"sheetData"), 0):].lower()  # namespace declarations (xmlns="http:...") come before
    if not any(hint in low for hint in _EXTERNAL_HINTS) or not _EXTERNAL.search(data):
        return []
    out = []
    for m in _FORMULA_CELL.finditer(data):
        text = m.group(2)
        if _EXTERNAL.search(b"<f>" + text):
            out.append((m.group(1).decode(), _unescape(text.decode("utf-8", "replace"))[:100]))
    return out


def _sheet_names_by_part(zf: zipfile.ZipFile, blob: bytes) -> dict[str, str]:
    """Part name -> sheet name, from workbook.xml and its relationships (only asked when something is wrong)."""
    from xml.etree import ElementTree as ET  # noqa: PLC0415 (DTDs were refused before this is reached)

    try:
        book = ET.fromstring(b"".join(_chunks(zf, blob, zf.getinfo("xl/workbook.xml"), 16 << 20)))
        rels = ET.fromstring(b"".join(_chunks(zf, blob, zf.getinfo("xl/_rels/workbook.xml.rels"), 16 << 20)))
    except (KeyError, ET.ParseError, zlib.error):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    out = {}
    for el in book.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            if rid in targets and el.get("name"):
                out[targets[rid]] = el.get("name")
    return out
