"""Reading workbook files into grids with python-calamine. Never raises: a file that cannot be read is a finding.

The format is judged by the file's first bytes, not its name: a zip holding xl/workbook.xml is xlsx/xlsm, one
holding xl/workbook.bin is xlsb, content.xml is ods; an OLE file is an old .xls or, when it holds an
EncryptedPackage stream, a password-protected xlsx. The file is opened read-only and never written.
"""

from __future__ import annotations

import html
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, finding

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUPPORTED = ("xlsx", "xlsm", "xlsb", "xls", "ods")


@dataclass
class Sheet:
    name: str
    grid: list[list[Any]]
    visible: bool = True
    worksheet: bool = True


@dataclass
class Workbook:
    file: str  # the path as the user gave it; findings name this
    format: str | None = None
    sheets: list[Sheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.format is not None


def sniff(path: Path) -> tuple[str | None, str]:
    """(format, detail): the format from the content, or None with what it is instead."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(ZIP_MAGIC):
            try:
                with zipfile.ZipFile(fh) as zf:
                    return _zip_format(set(zf.namelist()))
            except (zipfile.BadZipFile, ValueError, EOFError):
                return None, "beskadiget zip-fil"
        if head == OLE_MAGIC:
            fh.seek(0)
            return _ole_format(fh.read(4 << 20))
    return _other_format(head)


def _zip_format(names: set[str]) -> tuple[str | None, str]:
    if "xl/workbook.xml" in names:
        return ("xlsm" if "xl/vbaProject.bin" in names else "xlsx"), ""
    if "xl/workbook.bin" in names:
        return "xlsb", ""
    if "content.xml" in names:
        return "ods", ""
    if "word/document.xml" in names:
        return None, "Word-dokument"
    return None, "zip-fil uden projektmappe"


def _ole_format(blob: bytes) -> tuple[str | None, str]:
    if "EncryptedPackage".encode("utf-16-le") in blob:
        return "encrypted", ""
    return "xls", ""


def _other_format(head: bytes) -> tuple[str | None, str]:
    if head.startswith(b"%PDF"):
        return None, "PDF"
    return None, "ikke en projektmappe"


# --- limits: what a workbook may ask of the reader ----------------------------------------------------------------
# A case workbook is tens of kilobytes; these bounds are far above any real one and keep a hostile file from taking
# the machine's memory (python-calamine holds a sheet's used area densely, and aborts the process when it cannot
# allocate it).
MAX_FILE_BYTES = 100 << 20  # on disk
MAX_UNCOMPRESSED = 512 << 20  # all parts of a zip together, as its directory declares them
MAX_RATIO = 100  # declared ÷ compressed size, for parts of at least RATIO_FROM bytes
RATIO_FROM = 1 << 20
MAX_ROWS = 100_000  # per sheet
MAX_CELLS = 2_000_000  # rows × columns of a sheet's area from A1 to its last cell
XML_HEAD = 8192  # a DTD must come before the root element; this much of each XML part is looked at
_CHUNK = 8 << 20


def read_workbook(path: str | os.PathLike[str], file: str | None = None) -> Workbook:
    p = Path(path)
    book = Workbook(file=file if file is not None else str(path))

    def fail(code: str, **params: Any) -> Workbook:
        book.findings.append(finding(code, book.file, **params))
        return book

    try:
        if p.is_symlink():
            try:
                p.stat()
            except OSError as exc:
                return fail("link-broken", reason=exc.strerror or type(exc).__name__)
        if not p.exists():
            return fail("file-not-found")
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            return fail("file-not-found")  # a folder named like a workbook (tests/test_bad_input.py holds this code)
        if not stat.S_ISREG(st.st_mode):
            return fail("not-a-file", kind="en specialfil (enhed, FIFO eller socket)")
        if st.st_size == 0:
            return fail("file-empty")
        if st.st_size > MAX_FILE_BYTES:
            return fail("file-too-large", size=_mb(st.st_size), limit=_mb(MAX_FILE_BYTES))
        with open(p, "rb") as fh:
            blob = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return fail("file-unreadable", reason=exc.strerror or type(exc).__name__)
    if len(blob) > MAX_FILE_BYTES:  # grew while being read
        return fail("file-too-large", size=_mb(len(blob)), limit=_mb(MAX_FILE_BYTES))
    if not blob:
        return fail("file-empty")

    skip: dict[str, tuple[str, dict[str, Any]]] = {}  # sheet name -> (code, params) of a sheet not to be read
    if blob.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                fmt, detail = _zip_format(set(zf.namelist()))
                if fmt in ("xlsx", "xlsm", "xlsb", "ods"):
                    problem = _guard_zip(zf, blob, book, skip)
                    if problem:
                        return fail(problem[0], **problem[1])
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
            fmt, detail = None, "beskadiget zip-fil"
    elif blob[:8] == OLE_MAGIC:
        fmt, detail = _ole_format(blob[: 4 << 20])
    else:
        fmt, detail = _other_format(blob[:8])
    if fmt == "encrypted":
        return fail("file-encrypted")
    if fmt is None:
        return fail("format-not-supported", detail=detail)
    extension = p.suffix.lower().lstrip(".")
    if extension != fmt and not (extension in ("xlsx", "xlsm") and fmt in ("xlsx", "xlsm")):
        book.findings.append(finding("extension-mismatch", book.file, extension=extension or "?", actual=fmt))
    if fmt == "xls":
        book.findings.append(finding("format-old", book.file))

    import python_calamine as pc  # noqa: PLC0415 (kept off the import path of modules that never read files)

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(blob))
        metadata = {m.name: m for m in wb.sheets_metadata}
        seen: dict[str, str] = {}
        for name in wb.sheet_names:
            key = " ".join(name.split()).casefold()
            if key in seen:
                book.findings.append(finding("sheet-name-duplicate", book.file, name, other=seen[key]))
            seen.setdefault(key, name)
            meta = metadata.get(name)
            visible = meta is None or meta.visible == pc.SheetVisibleEnum.Visible
            worksheet = meta is None or meta.typ == pc.SheetTypeEnum.WorkSheet
            if not worksheet:
                kind = _SHEET_KINDS.get(str(meta.typ).rsplit(".", 1)[-1], "ark af en anden type") if meta else ""
                book.findings.append(finding("sheet-not-worksheet", book.file, name, kind=kind))
                book.sheets.append(Sheet(name, [], visible, False))
                continue
            if name in skip:
                code, params = skip[name]
                book.findings.append(finding(code, book.file, name, **params))
                continue
            try:
                sheet = wb.get_sheet_by_name(name)
                rows, cols = _extent(sheet)
                if rows > MAX_ROWS or rows * cols > MAX_CELLS:
                    book.findings.append(finding("sheet-too-large", book.file, name, **_too_large(rows, cols)))
                    continue
                grid = sheet.to_python(skip_empty_area=False)
            except Exception as exc:  # calamine raises its own error types per sheet
                book.findings.append(finding("sheet-unreadable", book.file, name, reason=_reason(exc)))
                continue
            book.sheets.append(Sheet(name, grid, visible, True))
    except pc.PasswordError:
        book.sheets.clear()
        return fail("file-encrypted")
    except Exception as exc:  # a broken file must never become a traceback
        book.sheets.clear()
        return fail("file-unreadable", reason=_reason(exc))
    book.format = fmt
    return book


_SHEET_KINDS = {"ChartSheet": "diagramark", "MacroSheet": "makroark", "DialogSheet": "dialogark", "Vba": "VBA-modul"}


def _extent(sheet: Any) -> tuple[int, int]:
    """Rows and columns from A1 to the sheet's last cell (what to_python(skip_empty_area=False) returns)."""
    end = sheet.end
    if end is None:
        return 0, 0
    return end[0] + 1, end[1] + 1


def _too_large(rows: int, cols: int) -> dict[str, Any]:
    return {"rows": rows, "cols": cols, "max_rows": MAX_ROWS, "max_cells": MAX_CELLS}


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB" if size >= 1 << 20 else f"{size} byte"


# --- the zip guard --------------------------------------------------------------------------------------------------
# Everything here works from the zip directory (read anyway to judge the format) and from the sheets' XML, each
# decompressed once into memory (in chunks when large). Only the sheet parts are read in full; of every other XML
# part, the first XML_HEAD bytes.

_NOT_SHEETS = re.compile(r"^(?:docProps/|customXml/|xl/theme/|xl/media/|xl/printerSettings/|xl/drawings/|"
                         r"xl/charts/|xl/externalLinks/|xl/pivot|xl/slicer|xl/tables/|xl/queryTables/|"
                         r"xl/styles\.xml$|xl/sharedStrings\.xml$|xl/workbook\.xml$|xl/calcChain\.xml$|"
                         r"xl/connections\.xml$|xl/metadata\.xml$|xl/volatileDependencies\.xml$|"
                         r"\[Content_Types\]\.xml$)|\.rels$")
# The parts python-calamine (and openpyxl, for --mark and --in-place) parse besides the sheets.
_PARSED = re.compile(r"^(?:xl/workbook\.xml|xl/sharedStrings\.xml|xl/styles\.xml|xl/tables/.*|"
                     r"\[Content_Types\]\.xml)$|\.rels$")
_LONG_REF = re.compile(rb' r="(?:[A-Z]{3}|[A-Z]{0,2}[0-9]{4})')  # a row >= 1000 or a column >= AAA
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]*)"')
_EXTERNAL = re.compile(rb"(?i)<(?:[\w.-]+:)?f\b[^>]*>[^<]*(?:\||hyperlink\(|webservice\(|filterxml\(|call\(|"
                       rb"register\(|exec\(|https?:|file:|\\\\)")
_FORMULA_CELL = re.compile(rb'(?s)<(?:[\w.-]+:)?c\b[^>]*\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*'
                           rb"<(?:[\w.-]+:)?f\b[^>]*>([^<]*)</")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_ROOT = re.compile(rb"<[A-Za-z_]")


def _guard_zip(zf: zipfile.ZipFile, blob: bytes, book: Workbook,
               skip: dict[str, tuple[str, dict[str, Any]]]) -> tuple[str, dict[str, Any]] | None:
    """A reason not to read this zip at all (code, params), or None. Sheets that must not be read go into `skip`;
    findings about single cells go into `book.findings`."""
    infos = zf.infolist()
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return "zip-suspicious", {"detail": f"{info.filename}: pakket med metode {info.compress_type}"}
        if info.flag_bits & 0x1:
            return "zip-suspicious", {"detail": f"{info.filename}: krypteret zip-del"}
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            return "file-too-large", {"size": _mb(total) + " udpakket", "limit": _mb(MAX_UNCOMPRESSED)}
        if info.file_size >= RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return "zip-suspicious", {"detail": f"{info.filename}: {_mb(info.file_size)} pakket {ratio}:1"}
    sheet_parts: list[tuple[zipfile.ZipInfo, tuple[int, int, list[tuple[str, str]]]]] = []
    for info in infos:
        name = info.filename
        if name.endswith("/") or info.file_size == 0:
            continue
        is_xml = name.endswith((".xml", ".rels", ".vml"))
        if not is_xml:
            continue
        if _NOT_SHEETS.search(name):
            if _PARSED.search(name) and _has_dtd(_head(zf, blob, info, XML_HEAD)):
                return "xml-unsafe", {"part": name}
            continue
        result = _scan_sheet(zf, blob, info)
        if result is None:
            return "xml-unsafe", {"part": name}
        sheet_parts.append((info, result))
    problems = [(info, r) for info, r in sheet_parts
                if r[0] > MAX_ROWS or r[0] * r[1] > MAX_CELLS or r[2]]
    if problems:
        names = _sheet_names_by_part(zf, blob)
        for info, (rows, cols, formulas) in problems:
            sheet = names.get(info.filename, info.filename)
            if rows > MAX_ROWS or rows * cols > MAX_CELLS:
                skip[sheet] = ("sheet-too-large", _too_large(rows, cols))
            for cell, formula in formulas:
                book.findings.append(finding("formula-external", book.file, sheet, cell, formula=formula))
    return None


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


def _scan_sheet(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo) -> tuple[int, int, list] | None:
    """(rows, columns) from A1 to the last cell of a sheet part, as calamine would place its cells, and the cells
    whose formula points outside the workbook; None when the part's XML has a DTD."""
    try:
        first = True
        rows = cols = 0
        state = [0, 0]  # current row, current column (1-based), for rows and cells without an address
        formulas: list[tuple[str, str]] = []
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
            r, c = _extent_of(part, state)
            rows, cols = max(rows, r), max(cols, c)
            if b"<f" in part or b":f" in part:
                formulas += _external_formulas(part)
        if carry:
            r, c = _extent_of(carry, state)
            rows, cols = max(rows, r), max(cols, c)
        return rows, cols, formulas
    except zlib.error:
        return 0, 0, []  # a broken part: calamine reports it when it reads the sheet


def _extent_of(data: bytes, state: list[int]) -> tuple[int, int]:
    if (len(data) < _CHUNK and b":c" not in data and b":row" not in data and b"<c>" not in data
            and b"<c/>" not in data and b"\tr=" not in data and b"\nr=" not in data
            and data.count(b"<row") == data.count(b'<row r="') and data.count(b"<c ") == data.count(b'<c r="')
            and not _LONG_REF.search(data)):
        # The common case: every row and cell carries its address (as first attribute, the way every spreadsheet
        # program writes it), and every address is below row 1000 and column AAA.
        return 999, 702
    rows = cols = 0
    for m in _TAG.finditer(data):
        kind, attrs = m.group(1), m.group(2)
        ref = _REF.search(attrs)
        if kind == b"row":
            state[0] = int(ref.group(2)) if ref and ref.group(2) else state[0] + 1
            state[1] = 0
            rows = max(rows, state[0])
        else:
            if ref and ref.group(1):
                state[1] = _col(ref.group(1))
                if ref.group(2):
                    state[0] = int(ref.group(2))
            else:
                state[1] += 1
            rows, cols = max(rows, state[0]), max(cols, state[1])
    return rows, cols


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_EXTERNAL_HINTS = (b"|", b"hyperlink", b"webservice", b"filterxml", b"call(", b"register(", b"exec(", b"http",
                   b"file:", b"\\\\")


def _external_formulas(data: bytes) -> list[tuple[str, str]]:
    low = data[max(data.find(b"sheetData"), 0):].lower()  # namespace declarations (xmlns="http:...") come before
    if not any(hint in low for hint in _EXTERNAL_HINTS) or not _EXTERNAL.search(data):
        return []
    out = []
    for m in _FORMULA_CELL.finditer(data):
        text = m.group(2)
        if _EXTERNAL.search(b"<f>" + text):
            out.append((m.group(1).decode(), html.unescape(text.decode("utf-8", "replace"))[:100]))
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


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
