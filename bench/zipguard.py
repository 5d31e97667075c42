"""The zip guard alone, full scan against the one-pass scan of plain sheets: `python -m bench.zipguard [N ...]`.

For each N (default 100 and 1000) the benchmark's generated workbooks (bench/generate.py, kept in the folder given
by --folder) are read into memory once, as generated (xlpy's writer leaves formula values empty) and with a cached
value in every formula cell (as Excel saves them); then guard_zip runs over all of them with every sheet scanned in
full (zipguard._scan_part, today's scan and the reference) and with the plain-sheet scan (the default), alternately,
best of --repeat. The same for the wild corpus when it is here (XLPY_CORPUS, ../shared/corpus/wild). Prints a
Markdown table; not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from xlpy import plainscan, zipguard  # noqa: E402


def books(paths: list[Path]) -> list[tuple[str, bytes, str]]:
    out = []
    for path in paths:
        blob = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(blob)):
            fmt = {".xlsm": "xlsm", ".xlsb": "xlsb", ".ods": "ods"}.get(path.suffix.lower(), "xlsx")
            out.append((str(path), blob, fmt))
    return out


def as_saved_by_excel(items: list[tuple[str, bytes, str]]) -> list[tuple[str, bytes, str]]:
    """The same workbooks with a cached value in every formula cell (<v></v> -> <v>0</v>), as Excel saves them."""
    out = []
    for file, blob, fmt in items:
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info, data.replace(b"<v></v>", b"<v>0</v>") if "worksheets/" in info.filename else data)
        out.append((file, buf.getvalue(), fmt))
    return out


def guard_all(items: list[tuple[str, bytes, str]], full: bool) -> float:
    scan_plain = zipguard._scan_plain_part
    if full:
        zipguard._scan_plain_part = zipguard._scan_part
    try:
        start = time.perf_counter()
        for file, blob, fmt in items:
            try:
                zipguard.guard_zip(zipfile.ZipFile(io.BytesIO(blob)), blob, file, [], {}, {}, fmt)
            except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
                pass
        return time.perf_counter() - start
    finally:
        zipguard._scan_plain_part = scan_plain


def plain_share(items: list[tuple[str, bytes, str]]) -> tuple[int, int]:
    """(sheet parts found plain, sheet parts) over the workbooks."""
    plain = total = 0
    for _, blob, _ in items:
        try:
            zf = zipfile.ZipFile(io.BytesIO(blob))
            if zipguard._guard_directory(zf):
                continue
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
            continue
        for info in zf.infolist():
            name = info.filename
            if name.endswith("/") or not info.file_size or zipguard._NOT_SHEETS.search(name) \
                    or zipguard._BINARY.search(name):
                continue
            total += 1
            data = b"".join(zipguard._chunks(zf, blob, info))
            plain += len(data) < zipguard._CHUNK and plainscan.survey(data)[0]
    return plain, total


def measure(name: str, items: list[tuple[str, bytes, str]], repeat: int) -> str:
    guard_all(items, False)  # compile the patterns, warm the caches
    full = new = float("inf")
    for _ in range(repeat):
        full = min(full, guard_all(items, True))
        new = min(new, guard_all(items, False))
    plain, parts = plain_share(items)
    return (f"| {name} | {len(items):,} | {parts:,} | {plain:,} | {full:.3f} | {new:.3f} | {full / new:.2f} |"
            f" {(full - new) / max(parts, 1) * 1e6:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "xlpy-bench-books")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| workbooks | files | sheet parts | plain | full scan (s) | plain scan (s) | full ÷ plain | µs saved per part |")
    print("|---|---|---|---|---|---|---|---|")
    paths = generate(args.folder, max(args.sizes))
    for n in args.sizes:
        print(measure(f"generated, N = {n:,}", books(paths[:n]), args.repeat), flush=True)
    for n in args.sizes:
        print(measure(f"generated, N = {n:,}, values cached", as_saved_by_excel(books(paths[:n])), args.repeat),
              flush=True)
    corpus = next((Path(p) for p in (os.environ.get("XLPY_CORPUS"), ROOT.parent / "shared" / "corpus" / "wild",
                                     "/work/shared/corpus/wild") if p and Path(p).is_dir()), None)
    if corpus:
        wild = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm"))
        print(measure("wild corpus (.xlsx, .xlsm)", books(wild), args.repeat), flush=True)


if __name__ == "__main__":
    main()
