"""Reading workbook files into grids with python-calamine. Never raises: a file that cannot be read is a finding.

The format is judged by the file's first bytes, not its name: a zip holding xl/workbook.xml is xlsx/xlsm, one
holding xl/workbook.bin is xlsb, content.xml is ods; an OLE file is an old .xls or, when it holds an
EncryptedPackage stream, a password-protected xlsx. The file is opened read-only and never written.
"""

from __future__ import annotations

import os
import zipfile
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
                    names = set(zf.namelist())
            except zipfile.BadZipFile:
                return None, "beskadiget zip-fil"
            if "xl/workbook.xml" in names:
                return ("xlsm" if "xl/vbaProject.bin" in names else "xlsx"), ""
            if "xl/workbook.bin" in names:
                return "xlsb", ""
            if "content.xml" in names:
                return "ods", ""
            if "word/document.xml" in names:
                return None, "Word-dokument"
            return None, "zip-fil uden projektmappe"
        if head == OLE_MAGIC:
            fh.seek(0)
            blob = fh.read(4 << 20)
            if "EncryptedPackage".encode("utf-16-le") in blob:
                return "encrypted", ""
            return "xls", ""
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
        if not p.is_file():
            return fail("file-not-found")
        if p.stat().st_size == 0:
            return fail("file-empty")
        fmt, detail = sniff(p)
    except OSError as exc:
        return fail("file-unreadable", reason=exc.strerror or type(exc).__name__)
    if fmt == "encrypted":
        return fail("file-encrypted")
    if fmt is None:
        return fail("format-not-supported", detail=detail)
    extension = p.suffix.lower().lstrip(".")
    if extension != fmt and not (extension in ("xlsx", "xlsm") and fmt in ("xlsx", "xlsm")):
        book.findings.append(finding("extension-mismatch", book.file, extension=extension or "?", actual=fmt))

    import python_calamine as pc  # noqa: PLC0415 (kept off the import path of modules that never read files)

    try:
        with open(p, "rb") as fh:
            wb = pc.CalamineWorkbook.from_filelike(fh)
            metadata = {m.name: m for m in wb.sheets_metadata}
            for name in wb.sheet_names:
                meta = metadata.get(name)
                visible = meta is None or meta.visible == pc.SheetVisibleEnum.Visible
                worksheet = meta is None or meta.typ == pc.SheetTypeEnum.WorkSheet
                if not worksheet:
                    book.sheets.append(Sheet(name, [], visible, False))
                    continue
                try:
                    grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                except Exception as exc:  # calamine raises its own error types per sheet
                    book.findings.append(finding("sheet-unreadable", book.file, name, reason=_reason(exc)))
                    continue
                book.sheets.append(Sheet(name, grid, visible, True))
    except pc.PasswordError:
        return fail("file-encrypted")
    except Exception as exc:  # a broken file must never become a traceback
        book.sheets.clear()
        return fail("file-unreadable", reason=_reason(exc))
    book.format = fmt
    return book


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
