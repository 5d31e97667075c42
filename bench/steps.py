"""Where the time of one `xlpy consolidate` goes, and two checkouts against each other: `python -m bench.steps`.

    python -m bench.steps [--n 1000] [--jobs 2]          the steps of consolidate_files, timed in this process:
                                                         reading (wall, and the workers' CPU), consolidating, the
                                                         Overblik layout, writing every sheet
    python -m bench.steps --against OLD_ROOT [--repeats 3]
                                                         the floor, OLD_ROOT's xlpy and this checkout's xlpy as
                                                         fresh processes, alternately, medians (OLD_ROOT: e.g. a
                                                         `git worktree add /tmp/old <commit>`)

Uses the benchmark's generated workbooks (bench/generate.py) in --work. Not part of the test suite; prints lines,
writes nothing but its output workbooks under --work.
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
    from xlpy.collect import add_search, batch_collection, check_many, find_workbooks
    from xlpy.consolidate import consolidate
    from xlpy.summary import iter_summary_layouts
    from xlpy.xlsx import write_book

    times: dict[str, float] = {}
    with batch_collection():
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        files, found = find_workbooks([str(folder)])
        result = add_search(check_many(files, jobs=jobs), found)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times["read (wall)"] = time.perf_counter() - t
        times["read (workers' CPU)"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        t = time.perf_counter()
        c = consolidate(result, None)
        times["consolidate"] = time.perf_counter() - t
        t = time.perf_counter()
        layouts = iter_summary_layouts(c, "da", link_base=str(out.parent))
        first = next(layouts)
        times["Overblik layout"] = time.perf_counter() - t
        t = time.perf_counter()
        write_book(out, itertools.chain([first], layouts), streaming=True)
        times["write (XlsxWriter, the other layouts)"] = time.perf_counter() - t
    return times


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
    args = parser.parse_args(argv)
    books = args.work / "books"
    generate(books, args.n)
    folder = subset(books, args.n, args.work)
    if args.against:
        runs = against(args.against.resolve(), folder, args.work, args.repeats)
        med = {k: statistics.median(v) for k, v in runs.items()}
        for name, values in runs.items():
            print(f"{name}: " + ", ".join(f"{v:.2f}" for v in values) + f" s (median {med[name]:.2f})")
        print(f"old ÷ floor {med['old'] / med['floor']:.2f}, new ÷ floor {med['new'] / med['floor']:.2f}, "
              f"old ÷ new {med['old'] / med['new']:.2f}")
        return 0
    times = steps(folder, args.work / f"steps{args.n}.xlsx", args.jobs or os.cpu_count() or 1)
    for name, seconds in times.items():
        print(f"{name}: {seconds:.2f} s")
    print(f"total (wall): {sum(v for k, v in times.items() if 'CPU' not in k):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
