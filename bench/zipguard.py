"""The zip guard alone, full scan against the one-pass scan of plain sheets: `python -m bench.zipguard [N ...]`.

For each N (default 100 and 1000) the benchmark's generated workbooks (bench/generate.py, kept in the folder given
by --folder) are read into memory once, as generated (xlpy's writer leaves formula values empty) and with a cached
value in every formula cell (as Excel saves them); then guard_zip runs over all of them with every sheet scanned in
full (zipguard._scan_part, today's scan and the reference) and with the plain-sheet scan (the default), alternately,
best of --repeat. The same for the wild corpus when it is here (XLPY_CORPUS, ../shared/corpus/wild). With
--consolidate N, also the whole `xlpy consolidate` of the first N workbooks in this process (--jobs 1: everything
in one process, so that the guard is the only difference), full scan and plain scan alternately, best of --repeat.
Prints Markdown tables; not part of the test suite.
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
from xlpy.read import plainscan, zipguard  # noqa: E402


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


def consolidate(folder: Path, repeat: int) -> str:
    """The whole consolidation, and the time in guard_zip within it (CPU seconds), full and plain alternately."""
    from xlpy.read import workbook as read  # noqa: PLC0415
    from xlpy.portfolio.batch import consolidate_files  # noqa: PLC0415

    out = Path(tempfile.mkdtemp()) / "overblik.xlsx"
    guard, in_guard = read.guard_zip, [0.0]

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return guard(*args, **kwargs)
        finally:
            in_guard[0] += time.process_time() - start

    times: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
    read.guard_zip, scan_plain = timed, zipguard._scan_plain_part
    try:
        for _ in range(repeat):
            for full in (True, False):
                zipguard._scan_plain_part = zipguard._scan_part if full else scan_plain
                wall, cpu, in_guard[0] = time.perf_counter(), time.process_time(), 0.0
                consolidate_files([str(folder)], str(out), jobs=1)
                times[full].append((time.perf_counter() - wall, time.process_time() - cpu, in_guard[0]))
    finally:
        read.guard_zip, zipguard._scan_plain_part = guard, scan_plain
    (fw, fc, fg), (nw, nc, ng) = (tuple(min(t[i] for t in times[full]) for i in range(3)) for full in (True, False))
    return f"| {fw:.2f} | {fc:.2f} | {fg:.2f} | {nw:.2f} | {nc:.2f} | {ng:.2f} | {fc / nc:.3f} | {fg / ng:.2f} |"


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
    parser.add_argument("--consolidate", type=int, default=0, metavar="N")
    args = parser.parse_args()
    print("| workbooks | files | sheet parts | plain | full scan (s) | plain scan (s) | full ÷ plain |"
          " µs saved per part |")
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
    if args.consolidate:
        folder = Path(tempfile.mkdtemp())
        for path in paths[:args.consolidate]:
            os.link(path, folder / path.name)
        print(f"\n`xlpy consolidate` of N = {args.consolidate:,} workbooks, --jobs 1, in this process (seconds):\n")
        print("| full: wall | full: CPU | full: guard CPU | plain: wall | plain: CPU | plain: guard CPU |"
              " CPU full ÷ plain | guard full ÷ plain |")
        print("|---|---|---|---|---|---|---|---|")
        print(consolidate(folder, args.repeat), flush=True)


if __name__ == "__main__":
    main()
