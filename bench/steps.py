"""Where the time of one `xlpy consolidate` goes, and two checkouts against each other: `python -m bench.steps`.

    python -m bench.steps [--n 1000] [--jobs 2] [--saved] [--section]
                                                         the steps of consolidate_files, timed in this process:
                                                         reading (wall, and the workers' CPU), consolidating, the
                                                         Overblik layout, writing every sheet; then the floors
                                                         (calamine alone, XlsxWriter alone for the same cells);
                                                         --section writes them to bench/RESULTS.md
    python -m bench.steps --against OLD_ROOT [--repeats 3]
                                                         the floor, OLD_ROOT's xlpy and this checkout's xlpy as
                                                         fresh processes, alternately, medians (OLD_ROOT: e.g. a
                                                         `git worktree add /tmp/old <commit>`)

Uses the benchmark's generated workbooks (bench/generate.py) in --work; with --saved, the same workbooks as Excel
saves them (bench/saved.py: every formula's result stored). Not part of the test suite; prints lines
and writes its output workbooks under --work (and, with --section, its section of bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.__main__ import CHILD, subset  # noqa: E402
from bench.generate import generate  # noqa: E402


def steps(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    """Seconds per step of consolidate_files (same calls, same order), in this process."""
    from xlpy.portfolio.collect import add_search, batch_collection, check_many, find_workbooks, without_collection
    from xlpy.portfolio.consolidate import consolidate
    from xlpy.layouts.summary import iter_summary_layouts
    from xlpy.write.xlsx import write_book

    times: dict[str, float] = {}
    with batch_collection():
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        files, found = find_workbooks([str(folder)])
        result = add_search(check_many(files, jobs=jobs), found)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times["read (wall)"] = time.perf_counter() - t
        times["read (workers' CPU)"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        with without_collection():  # as batch.consolidate_files
            t = time.perf_counter()
            c = consolidate(result, None)
            times["consolidate"] = time.perf_counter() - t
            t = time.perf_counter()
            layouts = iter_summary_layouts(c, "da", link_base=str(out.parent))
            first = next(layouts)
            times["Overblik layout"] = time.perf_counter() - t
            t = time.perf_counter()
            rest = list(layouts)
            write_book(out, itertools.chain([first], rest), streaming=True)
            times["write (XlsxWriter, the other layouts)"] = time.perf_counter() - t
        times["floor: python-calamine alone, one process"] = calamine_floor(files)
        times["floor: XlsxWriter alone, the same cells"] = writer_floor([first] + rest, out.with_suffix(".bare.xlsx"))
    return times


def calamine_floor(files: list[str]) -> float:
    """The benchmark's floor (a), here: python-calamine reading every sheet's values, nothing else."""
    import python_calamine as pc

    t = time.perf_counter()
    for f in files:
        wb = pc.CalamineWorkbook.from_path(f)
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t


def writer_floor(layouts: list, out: Path) -> float:
    """XlsxWriter writing the layouts' cells and nothing else (streamed, every value as a number or a text with its
    cell's format; no links, tables, widths or checks): what any summary of these cells costs with this writer."""
    import xlsxwriter

    from xlpy.write.xlsx import _Formats, cell_writers

    t = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    formats = _Formats(book)
    for layout in layouts:
        ws = book.add_worksheet(layout.name)
        write_number, write_string = cell_writers(ws)[:2]  # as render: without the A1-notation decorator
        for cell in sorted(layout.cells, key=lambda c: (c.row, c.col)):
            value = getattr(cell.value, "value", cell.value)  # a Formula by its value
            if value.__class__ in (int, float):
                write_number(cell.row, cell.col, value, formats.get(cell.style))
            elif value is not None:
                write_string(cell.row, cell.col, str(value), formats.get(cell.style))
    book.close()
    return time.perf_counter() - t


def section(times: dict[str, float], n: int, jobs: int, saved: bool = False) -> str:
    """The "Where the time goes" section of RESULTS.md from one run of steps()."""
    from bench.__main__ import machine

    floor = times["floor: python-calamine alone, one process"]
    bare = times["floor: XlsxWriter alone, the same cells"]
    wall = sum(v for k, v in times.items() if "CPU" not in k and "floor" not in k)
    lines = ["## Where the time goes", "",
             f"Run on {time.strftime('%Y-%m-%d')} with `python -m bench.steps --n {n}{' --saved' if saved else ''} "
             f"--section` on {machine()}: the steps of `xlpy consolidate` over N = {n:,} workbooks "
             f"{'as Excel saves them ' if saved else ''}({jobs} worker processes), timed in one process, and two "
             "floors measured in the same process after them.", "",
             "| step | s | ÷ calamine floor |", "|---|---|---|"]
    for name, seconds in times.items():
        lines.append(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} |")
    lines.append(f"| total (wall, the steps) | {wall:.2f} | {wall / floor:.2f} |")
    least = floor / jobs + bare
    lines += ["", f"Reading is parallel, writing the summary is not (one XlsxWriter book). Even if xlpy's reading cost "
                  f"nothing beyond python-calamine's and its writing nothing beyond XlsxWriter's for the same cells, "
                  f"a run would take {floor:.2f} / {jobs} + {bare:.2f} = {least:.2f} s = {least / floor:.2f} × the "
                  "floor on this machine."]
    return "\n".join(lines) + "\n"


def against(old_root: Path, folder: Path, work: Path, repeats: int) -> dict[str, list[float]]:
    """The floor, OLD_ROOT's consolidate and this checkout's, each a fresh process, alternately."""
    runs: dict[str, list[float]] = {"floor": [], "old": [], "new": []}
    for _ in range(repeats):
        for name, kind, root in (("floor", "floor", ROOT), ("old", "xlpy", old_root), ("new", "xlpy", ROOT)):
            out = subprocess.run([sys.executable, "-c", CHILD[kind], str(folder), str(work / f"steps_{name}.xlsx")],
                                 capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
            if out.returncode:
                raise SystemExit(f"{name} failed:\n{out.stderr[-2000:]}")
            runs[name].append(float(out.stdout.strip().splitlines()[-1]))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="workbooks (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--against", type=Path, help="another checkout's root, to compare end to end")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlpy-bench")
    parser.add_argument("--section", action="store_true", help="write the steps as a section of --out")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--saved", action="store_true",
                        help="the workbooks as Excel saves them, every formula's result stored (bench/saved.py)")
    args = parser.parse_args(argv)
    books = args.work / "books"
    generate(books, args.n)
    folder = subset(books, args.n, args.work)
    if args.saved:
        from bench.saved import saved

        saved(books, args.work / "books-saved", args.n)
        folder = subset(args.work / "books-saved", args.n, args.work, "s")
    if args.against:
        runs = against(args.against.resolve(), folder, args.work, args.repeats)
        med = {k: statistics.median(v) for k, v in runs.items()}
        for name, values in runs.items():
            print(f"{name}: " + ", ".join(f"{v:.2f}" for v in values) + f" s (median {med[name]:.2f})")
        print(f"old ÷ floor {med['old'] / med['floor']:.2f}, new ÷ floor {med['new'] / med['floor']:.2f}, "
              f"old ÷ new {med['old'] / med['new']:.2f}")
        return 0
    jobs = args.jobs or os.cpu_count() or 1
    times = steps(folder, args.work / f"steps{args.n}.xlsx", jobs)
    for name, seconds in times.items():
        print(f"{name}: {seconds:.2f} s")
    print(f"total (wall): {sum(v for k, v in times.items() if 'CPU' not in k and 'floor' not in k):.2f} s")
    if args.section:
        from bench.__main__ import write_sections

        write_sections(args.out, {"Where the time goes": section(times, args.n, jobs, args.saved)})
        print(f"wrote the section to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
