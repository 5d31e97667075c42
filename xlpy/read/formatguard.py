"""The guard for the formats python-calamine reads besides .xlsx/.xlsm: .ods and .xlsb (the old .xls: xlsguard.py).

What zipguard.py does for .xlsx, done from each format's own structure, before python-calamine reads a byte of it:
where the cells of every sheet reach (calamine holds a sheet's area from its first to its last cell densely, and
aborts the process when it cannot allocate it: a 600-byte .xlsb or a 5 KB .xls with one cell at the far corner is
enough), DTDs and entity declarations in every XML part, encryption, and the cells calamine leaves out of a grid
(error values, non-finite numbers; read.py puts them back, as for .xlsx).

- .ods: all sheets are in content.xml, which calamine parses whole when it opens the file; a sheet that is too
  large makes the whole file unreadable. The scan follows rows and cells with their repeat counts.
- .xlsb: each sheet is a binary part of records, loaded when the sheet is asked for; a sheet too large is skipped.
- .xls: an OLE compound file whose Workbook stream holds every sheet, parsed whole when calamine opens the file.
The scans only ever over-estimate what calamine would allocate: everything that might be a cell counts.
"""

from __future__ import annotations

import math
import posixpath
import struct
import zipfile
import zlib
from typing import Any
from xml.parsers import expat

from ..findings import Finding, finding
from .zipguard import MAX_ROWS, SCAN_MAX_CELLS, XML_HEAD, Scan, _chunks, _has_dtd, _head, too_large_params

Problem = tuple[str, dict[str, Any]]  # a reason not to read the file at all: (finding code, params)

MAX_BOOK_SCAN_CELLS = 2 * SCAN_MAX_CELLS  # .ods and .xls: every sheet is loaded at once, so their areas add up
MAX_ITEMS = 4 * SCAN_MAX_CELLS  # records or XML elements looked at per part: bounds the time a scan takes
ERROR_TEXTS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _too_large(rows: int, cols: int, cells: int = 0) -> bool:
    return rows > MAX_ROWS or rows * cols > SCAN_MAX_CELLS or cells > SCAN_MAX_CELLS


def _whole_file(file: str, findings: list[Finding], code: str, sheet: str | None, rows: int, cols: int,
                kind: str) -> Problem:
    """A sheet of a format calamine loads whole is too large: the sheet is named, and the file is not read."""
    if code == "sheet-too-large":
        findings.append(finding(code, file, sheet, **too_large_params(rows, cols)))
        return "file-unreadable", {"reason": f"en {kind}-fil læses hel, og et af dens ark er for stort"}
    findings.append(finding(code, file, sheet, max_cells=MAX_BOOK_SCAN_CELLS))
    return "file-unreadable", {"reason": f"en {kind}-fil læses hel, og dens ark har tilsammen for mange celler"}


# --- .ods -------------------------------------------------------------------------------------------------------------

class _Stop(Exception):
    pass


def guard_ods(zf: zipfile.ZipFile, blob: bytes, file: str, findings: list[Finding],
              fixes: dict[str, Scan]) -> Problem | None:
    for info in zf.infolist():
        name = info.filename
        if name.endswith("/") or info.file_size == 0 or not name.lower().endswith((".xml", ".rdf")):
            continue
        if _has_dtd(_head(zf, blob, info, XML_HEAD)):
            return "xml-unsafe", {"part": name}
    try:
        manifest = b"".join(_chunks(zf, blob, zf.getinfo("META-INF/manifest.xml"), 4 << 20))
    except (KeyError, zlib.error):
        manifest = b""
    if b"encryption-data" in manifest:
        return "file-encrypted", {}
    try:
        content = zf.getinfo("content.xml")
    except KeyError:
        return None  # calamine reports it
    scan = _OdsScan()
    try:
        for data in _chunks(zf, blob, content):
            scan.parser.Parse(data, False)
        scan.parser.Parse(b"", True)
    except _Stop as stop:
        if stop.args and stop.args[0] == "dtd":
            return "xml-unsafe", {"part": "content.xml"}
    except (expat.ExpatError, zlib.error) as exc:
        return "file-unreadable", {"reason": f"content.xml er ikke gyldig XML ({_short(exc)})"}
    total = 0
    for name, rows, cols in scan.tables:
        if _too_large(rows, cols):
            return _whole_file(file, findings, "sheet-too-large", name, rows, cols, ".ods")
        total += rows * cols
        if total > MAX_BOOK_SCAN_CELLS:
            return _whole_file(file, findings, "book-too-large", name, rows, cols, ".ods")
    for name, errors in scan.errors.items():
        fixes[name] = Scan(errors=errors)
    return None


class _OdsScan:
    """Streams content.xml through expat: per table, how far its cells with content reach from A1 (rows and cells
    repeated by number-rows-repeated / number-columns-repeated count as often as they are repeated)."""

    def __init__(self) -> None:
        self.tables: list[tuple[str, int, int]] = []
        self.errors: dict[str, list[tuple[int, int, str]]] = {}  # sheet -> error cells (calamine reads them as "")
        self.stack: list[dict[str, Any]] = []  # tables being read (a table inside a cell is a table of its own)
        self.items = 0
        p = expat.ParserCreate()
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.StartDoctypeDeclHandler = p.EntityDeclHandler = self.unsafe
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser = p

    @staticmethod
    def unsafe(*_: Any) -> None:
        raise _Stop("dtd")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.items += 1
        local = tag.rpartition(":")[2]
        t = self.stack[-1] if self.stack else None
        if self.items > MAX_ITEMS and t is not None:
            t["rows"] = max(t["rows"], MAX_ROWS + 1)
            self._close()
            raise _Stop("large")
        if t is not None and t["cell"] is not None:
            t["cell"][2] = True  # anything inside a cell: it has content
            if local != "table":
                t["depth"] += 1
                return
        if local == "table":
            name = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "name"), "")
            self.stack.append({"name": name, "row": 0, "repeat": 1, "col": 0, "reach": 0, "rows": 0, "cols": 0,
                               "cell": None, "depth": 0})
        elif t is None:
            return
        elif local == "table-row":
            t["repeat"], t["col"], t["reach"] = _count(attrs, "number-rows-repeated"), 0, 0
        elif local in ("table-cell", "covered-table-cell"):
            start, t["col"] = t["col"], t["col"] + _count(attrs, "number-columns-repeated")
            error = any(k.rpartition(":")[2] == "value-type" and v == "error" for k, v in attrs.items())
            t["cell"] = [start, t["col"], any(k.rpartition(":")[2] in _VALUE_ATTRS for k in attrs), error, ""]
            t["depth"] = 0

    def end(self, tag: str) -> None:
        if not self.stack:
            return
        t = self.stack[-1]
        local = tag.rpartition(":")[2]
        if t["cell"] is not None:
            if t["depth"] > 0:
                t["depth"] -= 1
            else:  # the cell's own end tag
                start, stop, content, error, text = t["cell"]
                if content:
                    t["reach"] = max(t["reach"], stop)
                if error:
                    errors = self.errors.setdefault(t["name"], [])
                    for r in range(t["row"], min(t["row"] + t["repeat"], t["row"] + _MAX_ERRORS)):
                        for c in range(start, min(stop, start + _MAX_ERRORS)):
                            if len(errors) < _MAX_ERRORS:
                                errors.append((r, c, text.strip() or "#VALUE!"))
                t["cell"] = None
            return
        if local == "table-row":
            if t["reach"]:
                t["rows"] = max(t["rows"], t["row"] + t["repeat"])
                t["cols"] = max(t["cols"], t["reach"])
            t["row"] += t["repeat"]
            t["repeat"], t["reach"] = 1, 0
            if _too_large(t["rows"], t["cols"]):
                self._close()
                raise _Stop("large")
        elif local == "table":
            self._close()

    def text(self, data: str) -> None:
        t = self.stack[-1] if self.stack else None
        if t is not None and t["cell"] is not None and t["cell"][3] and len(t["cell"][4]) < 40:
            t["cell"][4] += data

    def _close(self) -> None:
        t = self.stack.pop()
        self.tables.append((t["name"], t["rows"], t["cols"]))


_MAX_ERRORS = 10_000  # error cells noted per sheet (more are left as calamine gives them: empty)
_VALUE_ATTRS = {"value-type", "value", "date-value", "time-value", "boolean-value", "string-value", "formula"}


def _count(attrs: dict[str, str], name: str) -> int:
    for k, v in attrs.items():
        if k.rpartition(":")[2] == name:
            try:
                return max(int(v.strip()), 1)
            except ValueError:
                return 1
    return 1


def _short(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]


# --- .xlsb ------------------------------------------------------------------------------------------------------------

_XLSB_SHEET_DIRS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
_XLSB_VALUES = frozenset(range(0x02, 0x0C))  # BrtCellRk … BrtFmlaError: every record calamine may take as a cell
_XLSB_ROW, _XLSB_ERROR, _XLSB_FMLA_ERROR, _XLSB_REAL, _XLSB_FMLA_NUM, _XLSB_RK = 0x00, 0x03, 0x0B, 0x05, 0x09, 0x02


def guard_xlsb(zf: zipfile.ZipFile, blob: bytes, file: str, findings: list[Finding],
               skip: dict[str, tuple[str, dict[str, Any]]], fixes: dict[str, Scan]) -> Problem | None:
    infos = {i.filename.lower(): i for i in zf.infolist() if not i.filename.endswith("/")}
    for info in infos.values():
        if info.file_size and info.filename.lower().endswith((".xml", ".rels")):
            if _has_dtd(_head(zf, blob, info, XML_HEAD)):
                return "xml-unsafe", {"part": info.filename}
    names = _xlsb_sheet_names(zf, blob)
    parts = {p for p in infos if p.startswith(_XLSB_SHEET_DIRS) and not p.endswith((".xml", ".rels"))}
    parts |= {p for p in names if p in infos}
    for part in sorted(parts):
        info = infos[part]
        scan = _scan_xlsb_sheet(zf, blob, info)
        sheet = names.get(part)
        if scan.too_large:
            if sheet is None:  # a sheet part xlpy cannot name: calamine might still open it
                return _whole_file(file, findings, "sheet-too-large", info.filename, scan.rows, scan.cols, ".xlsb")
            skip[sheet] = ("sheet-too-large", too_large_params(scan.rows, scan.cols))
        elif sheet is not None and (scan.errors or scan.odd_numbers):
            fixes[sheet] = scan
    return None


def _records(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo, wanted: frozenset[int], head: int):
    """(type, first `head` bytes of the body) of every record of a binary part whose type is in `wanted`; other
    records are stepped over without being kept. Ends at a truncated record. Yields (-1, b"") when MAX_ITEMS
    records have been looked at."""
    pending, skip, count = b"", 0, 0
    for data in _chunks(zf, blob, info):
        if skip:
            if skip >= len(data):
                skip -= len(data)
                continue
            data, skip = data[skip:], 0
        buf = pending + data if pending else data
        pending, pos, n = b"", 0, len(buf)
        while pos < n:
            start = pos
            b = buf[pos]
            pos += 1
            if b & 0x80:  # the type takes two bytes (calamine's read_type)
                if pos >= n:
                    pending = buf[start:]
                    break
                typ = (b & 0x7F) | ((buf[pos] & 0x7F) << 7)
                pos += 1
            else:
                typ = b
            size, complete = 0, False
            for i in range(4):  # the size: at most four bytes of seven bits (calamine's fill_buffer)
                if pos >= n:
                    break
                b = buf[pos]
                pos += 1
                size |= (b & 0x7F) << (7 * i)
                if not b & 0x80 or i == 3:
                    complete = True
                    break
            if not complete:
                pending = buf[start:]
                break
            count += 1
            if count > MAX_ITEMS:
                yield -1, b""
                return
            if typ in wanted:
                need = min(size, head)
                if n - pos < need:
                    pending = buf[start:]
                    break
                yield typ, buf[pos:pos + need]
            if pos + size <= n:
                pos += size
            else:
                skip = pos + size - n
                break


def _scan_xlsb_sheet(zf: zipfile.ZipFile, blob: bytes, info: zipfile.ZipInfo) -> Scan:
    scan = Scan()
    row, cells = 0, 0
    try:
        for typ, body in _records(zf, blob, info, _XLSB_VALUES | {_XLSB_ROW}, 16):
            if typ == -1:
                scan.rows = max(scan.rows, MAX_ROWS + 1)
                break
            if len(body) < 4:
                continue
            if typ == _XLSB_ROW:
                row = struct.unpack_from("<I", body)[0]
                continue
            col = struct.unpack_from("<I", body)[0]
            cells += 1
            scan.rows, scan.cols = max(scan.rows, row + 1), max(scan.cols, col + 1)
            if _too_large(scan.rows, scan.cols, cells):
                scan.rows = max(scan.rows, cells)  # so that `too_large` holds, also for many cells on one spot
                break
            if typ in (_XLSB_ERROR, _XLSB_FMLA_ERROR) and len(body) > 8:
                scan.errors.append((row, col, ERROR_TEXTS.get(body[8], "#VALUE!")))
            elif typ in (_XLSB_REAL, _XLSB_FMLA_NUM) and len(body) >= 16:
                if not math.isfinite(struct.unpack_from("<d", body, 8)[0]):
                    scan.odd_numbers = True
            elif typ == _XLSB_RK and len(body) >= 12 and not body[8] & 0x02:
                raw = struct.pack("<II", 0, struct.unpack_from("<I", body, 8)[0] & 0xFFFFFFFC)
                if not math.isfinite(struct.unpack("<d", raw)[0]):
                    scan.odd_numbers = True
    except zlib.error:
        pass  # a broken part: calamine reports it when it reads the sheet
    return scan


def _xlsb_sheet_names(zf: zipfile.ZipFile, blob: bytes) -> dict[str, str]:
    """Lower-cased part name -> sheet name, from xl/workbook.bin's BrtBundleSh records and their relationships (as
    calamine reads them: the target is taken relative to xl/)."""
    from xml.etree import ElementTree as ET  # noqa: PLC0415 (DTDs were refused before this is reached)

    try:
        book = zf.getinfo("xl/workbook.bin")
        rels = ET.fromstring(b"".join(_chunks(zf, blob, zf.getinfo("xl/_rels/workbook.bin.rels"), 16 << 20)))
    except (KeyError, ET.ParseError, zlib.error):
        return {}
    targets = {el.get("Id"): el.get("Target") or "" for el in rels.iter()
               if el.tag.rpartition("}")[2] == "Relationship"}
    out = {}
    try:
        for _, body in _records(zf, blob, book, frozenset({0x9C}), 1 << 16):
            if len(body) < 12:
                continue
            rel_len = struct.unpack_from("<I", body, 8)[0]
            if rel_len == 0xFFFFFFFF or 12 + 2 * rel_len + 4 > len(body):
                continue
            rel = body[12:12 + 2 * rel_len].decode("utf-16-le", "replace")
            name_len = struct.unpack_from("<I", body, 12 + 2 * rel_len)[0]
            start = 16 + 2 * rel_len
            name = body[start:start + 2 * name_len].decode("utf-16-le", "replace")
            if rel in targets:
                target = targets[rel]
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                out[part.lower()] = name
                out.setdefault(posixpath.normpath(part).lower(), name)
    except zlib.error:
        pass
    return out
