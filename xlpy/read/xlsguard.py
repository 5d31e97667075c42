"""The guard for the old .xls (BIFF in an OLE compound file), before python-calamine reads a byte of it.

The Workbook stream holds every sheet and is parsed whole when calamine opens the file, so a sheet too large makes
the whole file unreadable. The stream is found in the compound file and walked record by record, every sheet from
where the workbook says it starts (as calamine does); encryption (FILEPASS) is told, and the cells calamine leaves
out of a grid (error values, non-finite numbers) are noted for read.py to put back. The scan only ever
over-estimates what calamine would allocate: everything that might be a cell counts. The .ods and .xlsb guards are
in formatguard.py, the .xlsx one in zipguard.py.
"""

from __future__ import annotations

import math
import struct

from ..findings import Finding
from .formatguard import ERROR_TEXTS, MAX_BOOK_SCAN_CELLS, MAX_ITEMS, Problem, _too_large, _whole_file
from .zipguard import MAX_ROWS, Scan

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_XLS_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0201}  # FORMULA, LABELSST, NUMBER, …
_XLS_MULRK, _XLS_MULBLANK, _XLS_DIMENSIONS, _XLS_BOF, _XLS_EOF, _XLS_BOUNDSHEET = 0xBD, 0xBE, 0x0200, 0x0809, 0x0A, 0x85
_XLS_FILEPASS = 0x2F


def guard_xls(blob: bytes, file: str, findings: list[Finding], fixes: dict[str, Scan]) -> Problem | None:
    """The old .xls: its Workbook stream found in the compound file and walked record by record, every sheet from
    where the workbook says it starts (as calamine does)."""
    try:
        stream = _cfb_stream(blob, ("workbook", "book"))
    except (ValueError, struct.error, IndexError):
        stream = None
    if stream is None:
        return "file-unreadable", {"reason": "ingen læsbar Workbook-strøm i .xls-filen"}
    sheets, biff8 = [], True
    for typ, data in _biff_records(stream, 0):
        if typ == _XLS_BOF and len(data) >= 2:
            biff8 = struct.unpack_from("<H", data)[0] >= 0x0600
        elif typ == _XLS_FILEPASS and len(data) >= 2 and data[:2] != b"\0\0":
            return "file-encrypted", {}
        elif typ == _XLS_BOUNDSHEET and len(data) >= 8:
            sheets.append((struct.unpack_from("<I", data)[0], _biff_sheet_name(data, biff8)))
        elif typ in (_XLS_EOF, -1):
            break
    total, budget = 0, [MAX_ITEMS]
    for pos, name in sheets:
        scan = _scan_biff_sheet(stream, pos, budget)
        if scan.too_large:
            return _whole_file(file, findings, "sheet-too-large", name, scan.rows, scan.cols, ".xls")
        total += scan.rows * scan.cols
        if total > MAX_BOOK_SCAN_CELLS:
            return _whole_file(file, findings, "book-too-large", name, scan.rows, scan.cols, ".xls")
        if scan.errors or scan.odd_numbers:
            fixes.setdefault(name, scan)
    return None


def _biff_records(stream: bytes, pos: int, budget: list[int] | None = None):
    """(type, data) of the records from `pos`; (-1, b"") once `budget` (records for the whole file) is spent."""
    n, budget = len(stream), budget if budget is not None else [MAX_ITEMS]
    while pos + 4 <= n:
        typ, size = struct.unpack_from("<HH", stream, pos)
        budget[0] -= 1
        if budget[0] < 0:
            yield -1, b""
            return
        yield typ, stream[pos + 4:pos + 4 + size]
        pos += 4 + size


def _biff_sheet_name(data: bytes, biff8: bool) -> str:
    """BoundSheet8's name: a ShortXLUnicodeString in BIFF8 (length, flags, characters), bytes in BIFF5."""
    cch = data[6] if len(data) > 6 else 0
    if not biff8:
        return data[7:7 + cch].decode("latin-1")
    if len(data) > 7 and data[7] & 0x01:
        return data[8:8 + 2 * cch].decode("utf-16-le", "replace")
    return data[8:8 + cch].decode("latin-1")


def _scan_biff_sheet(stream: bytes, pos: int, budget: list[int]) -> Scan:
    """Where a sheet's cells reach, and what its declared dimensions would have calamine reserve; its error cells
    and non-finite numbers. Cells in embedded substreams (charts) count too."""
    scan = Scan()
    cells, depth, seen = 0, 0, False
    for typ, data in _biff_records(stream, pos, budget):
        if typ == -1:
            scan.rows = max(scan.rows, MAX_ROWS + 1)
            break
        if typ == _XLS_BOF:
            depth += 1 if seen else 0
            seen = True
        elif typ == _XLS_EOF:
            if depth == 0:
                break
            depth -= 1
        elif typ == _XLS_DIMENSIONS:
            if len(data) >= 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
            elif len(data) >= 10:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
            else:
                continue
            rows, cols = max(last_row, first_row) + 1, max(last_col, first_col) + 1
            if _too_large(rows, cols):
                scan.rows, scan.cols = max(scan.rows, rows), max(scan.cols, cols)
                break
        elif len(data) >= 4 and (typ in _XLS_CELLS or typ in (_XLS_MULRK, _XLS_MULBLANK)):
            row, col = struct.unpack_from("<HH", data)
            last = struct.unpack_from("<H", data, len(data) - 2)[0] if typ in (_XLS_MULRK, _XLS_MULBLANK) and \
                len(data) >= 6 else col
            cells += max(last - col + 1, 1)
            scan.rows, scan.cols = max(scan.rows, row + 1), max(scan.cols, last + 1, col + 1)
            if _too_large(scan.rows, scan.cols, cells):
                scan.rows = max(scan.rows, cells)
                break
            if typ == 0x0205 and len(data) >= 8 and data[7] == 1:  # BOOLERR holding an error
                scan.errors.append((row, col, ERROR_TEXTS.get(data[6], "#VALUE!")))
            elif typ == 0x0006 and len(data) >= 14 and data[12:14] == b"\xff\xff" and data[6] == 2:
                scan.errors.append((row, col, ERROR_TEXTS.get(data[8], "#VALUE!")))
            elif typ == 0x0203 and len(data) >= 14 and not math.isfinite(struct.unpack_from("<d", data, 6)[0]):
                scan.odd_numbers = True
    return scan


def _cfb_stream(blob: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream of an OLE compound file whose name (any case) is one of `names`, in that order."""
    if len(blob) < 512:
        return None
    shift, mini_shift = struct.unpack_from("<HH", blob, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift <= shift:
        return None
    size = 1 << shift
    n_fat, first_dir, _, cutoff, first_mini, _, first_difat, n_difat = struct.unpack_from("<IIIIIIII", blob, 0x2C)
    sectors = max((len(blob) - size) // size, 0) + 1

    def sector(i: int) -> bytes:
        return blob[(i + 1) * size:(i + 2) * size]

    difat = [s for s in struct.unpack_from("<109I", blob, 0x4C) if s < sectors]
    nxt, seen = first_difat, set()
    while nxt < sectors and nxt not in seen and len(seen) <= n_difat:
        seen.add(nxt)
        entries = struct.unpack(f"<{size // 4}I", sector(nxt).ljust(size, b"\xff"))
        difat += [s for s in entries[:-1] if s < sectors]
        nxt = entries[-1]
    fat: list[int] = []
    for s in difat[:max(n_fat, 1)]:
        fat += struct.unpack(f"<{size // 4}I", sector(s).ljust(size, b"\xff"))

    def chain(start: int, table: list[int]) -> list[int]:
        out, seen_ = [], set()
        while start < len(table) and start not in seen_:
            seen_.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        raw = directory[off:off + 128]
        length, kind = struct.unpack_from("<HB", raw, 64)
        name = raw[:max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<IQ", raw, 116)
        entries.append((name, kind, start, stream_size if shift > 9 else stream_size & 0xFFFFFFFF))
    if not entries:
        return None
    for wanted in names:
        for name, kind, start, stream_size in entries:
            if kind != 2 or name.casefold() != wanted:
                continue
            if stream_size < cutoff:
                root = entries[0]
                mini_stream = b"".join(sector(s) for s in chain(root[2], fat))
                mini_fat_bytes = b"".join(sector(s) for s in chain(first_mini, fat))
                mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes[:len(mini_fat_bytes)
                                                                                              // 4 * 4]))
                m = 1 << mini_shift
                data = b"".join(mini_stream[s * m:(s + 1) * m] for s in chain(start, mini_fat))
            else:
                data = b"".join(sector(s) for s in chain(start, fat))
            return data[:stream_size]
    return None
