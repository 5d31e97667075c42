"""Reading workbook files into grids with python-calamine. Never raises: a file that cannot be read is a finding.

The format is judged by the file's first bytes, not its name: a zip holding xl/workbook.xml is xlsx/xlsm, one
holding xl/workbook.bin is xlsb, content.xml (and an OpenDocument spreadsheet's mimetype, when it has one) is ods;
an OLE file is an old .xls or, when it holds an EncryptedPackage stream, a password-protected xlsx. The file is
opened read-only and never written. Before python-calamine reads a byte of it, the file is checked: zipguard.py
checks a zip (sizes, compression, DTDs; for .xlsx where the sheets' cells reach), formatguard.py the sheets of .ods
and .xlsb, xlsguard.py those of .xls (where their cells reach, DTDs, encryption). A sheet or workbook larger than
the limits there is a finding and is skipped, never a crash; for .ods and .xls, which calamine loads whole, the file
is not read.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, finding
from .zipguard import (MAX_BOOK_CELLS, MAX_CELLS, MAX_FILE_BYTES, MAX_ROWS, Scan, apply_fixes, guard_zip, size_text,
                       too_large_params)

ZIP_MAGIC = b"PK\x03\x04"
ODF_MIMETYPE = "application/vnd.oasis.opendocument."
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    name: str
    grid: list[list[Any]]
    visible: bool = True
    worksheet: bool = True
    merges: list[tuple[tuple[int, int], tuple[int, int]]] | None = None  # merged ranges, 0-based; None: not known


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
                    return _zip_format(set(zf.namelist()), _mimetype(zf))
            except (zipfile.BadZipFile, ValueError, EOFError):
                return None, "beskadiget zip-fil"
        if head == OLE_MAGIC:
            fh.seek(0)
            return _ole_format(fh.read(4 << 20))
    return _other_format(head)


def _zip_format(names: set[str], mimetype: str = "") -> tuple[str | None, str]:
    if "xl/workbook.xml" in names:
        return ("xlsm" if "xl/vbaProject.bin" in names else "xlsx"), ""
    if "xl/workbook.bin" in names:
        return "xlsb", ""
    if "content.xml" in names:
        if mimetype.startswith(ODF_MIMETYPE) and not mimetype.startswith(ODF_MIMETYPE + "spreadsheet"):
            return None, f"OpenDocument-fil, men intet regneark ({mimetype[len(ODF_MIMETYPE):][:40]})"
        return "ods", ""
    if "word/document.xml" in names:
        return None, "Word-dokument"
    return None, "zip-fil uden projektmappe"


def _mimetype(zf: zipfile.ZipFile) -> str:
    """An OpenDocument file's own statement of what it is (the stored part "mimetype"), or ""."""
    try:
        info = zf.getinfo("mimetype")
        if info.file_size > 200:
            return ""
        with zf.open(info) as fh:
            return fh.read(200).decode("ascii", "replace").strip()
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError, RuntimeError):
        return ""


def _ole_format(blob: bytes) -> tuple[str | None, str]:
    if "EncryptedPackage".encode("utf-16-le") in blob:
        return "encrypted", ""
    return "xls", ""


def _other_format(head: bytes) -> tuple[str | None, str]:
    if head.startswith(b"%PDF"):
        return None, "PDF"
    return None, "ikke en projektmappe"


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
            return fail("file-too-large", size=size_text(st.st_size), limit=size_text(MAX_FILE_BYTES))
        with open(p, "rb") as fh:
            blob = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return fail("file-unreadable", reason=exc.strerror or type(exc).__name__)
    if len(blob) > MAX_FILE_BYTES:  # grew while being read
        return fail("file-too-large", size=size_text(len(blob)), limit=size_text(MAX_FILE_BYTES))
    if not blob:
        return fail("file-empty")

    skip: dict[str, tuple[str, dict[str, Any]]] = {}  # sheet name -> (code, params) of a sheet not to be read
    fixes: dict[str, Scan] = {}  # sheet name -> what calamine's grid leaves out
    if blob.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                fmt, detail = _zip_format(set(zf.namelist()), _mimetype(zf))
                if fmt in ("xlsx", "xlsm", "xlsb", "ods"):
                    problem = guard_zip(zf, blob, book.file, book.findings, skip, fixes, fmt)
                    if problem:
                        return fail(problem[0], **problem[1])
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
            fmt, detail = None, "beskadiget zip-fil"
    elif blob[:8] == OLE_MAGIC:
        fmt, detail = _ole_format(blob[: 4 << 20])
        if fmt == "xls":
            from .xlsguard import guard_xls  # noqa: PLC0415 (.xls is rare: its guard loads with the first one)

            problem = guard_xls(blob, book.file, book.findings, fixes)
            if problem:
                return fail(problem[0], **problem[1])
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
        cells = 0
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
            if cells >= MAX_BOOK_CELLS:  # nothing more fits: not even loaded
                book.findings.append(finding("book-too-large", book.file, name, max_cells=MAX_BOOK_CELLS))
                continue
            try:
                sheet = wb.get_sheet_by_name(name)
                rows, cols = _extent(sheet)
                if rows > MAX_ROWS or rows * cols > MAX_CELLS:
                    book.findings.append(finding("sheet-too-large", book.file, name, **too_large_params(rows, cols)))
                    continue
                if cells + rows * cols > MAX_BOOK_CELLS:
                    book.findings.append(finding("book-too-large", book.file, name, max_cells=MAX_BOOK_CELLS))
                    continue
                cells += rows * cols
                grid = sheet.to_python(skip_empty_area=False)
                if name in fixes:
                    apply_fixes(grid, fixes[name])
            except Exception as exc:  # calamine raises its own error types per sheet
                book.findings.append(finding("sheet-unreadable", book.file, name, reason=_reason(exc)))
                continue
            book.sheets.append(Sheet(name, grid, visible, True, _merges(sheet)))
    except pc.PasswordError:
        book.sheets.clear()
        return fail("file-encrypted")
    except Exception as exc:  # a broken file must never become a traceback
        book.sheets.clear()
        return fail("file-unreadable", reason=_reason(exc))
    book.format = fmt
    return book


_SHEET_KINDS = {"ChartSheet": "diagramark", "MacroSheet": "makroark", "DialogSheet": "dialogark", "Vba": "VBA-modul"}


def _merges(sheet: Any) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """The sheet's merged ranges as calamine reports them (xlsx, xls), so a label merged over two columns finds its
    value right of the merge; None when the format does not tell."""
    try:
        ranges = sheet.merged_cell_ranges
    except Exception:  # noqa: BLE001 (a format without merge information)
        return None
    return [((a[0], a[1]), (b[0], b[1])) for a, b in ranges] if ranges is not None else None


def _extent(sheet: Any) -> tuple[int, int]:
    """Rows and columns from A1 to the sheet's last cell (what to_python(skip_empty_area=False) returns)."""
    end = sheet.end
    if end is None:
        return 0, 0
    return end[0] + 1, end[1] + 1


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
