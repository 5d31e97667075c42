"""The benchmark: `python -m bench` (from the repository root). Not part of the test suite.

For N = 100, 1,000 and 5,000 department workbooks × 10 case sheets (generated, seeded, with a few findings per
file), in one run, each measurement in a fresh child process:

    (a) floor     python-calamine opens every file and reads every sheet's values, nothing else
    (b) baseline  what a user would write: pandas.read_excel(engine="openpyxl") over the same sheets
    (c) xlpy      `xlpy consolidate` end to end: read, validate, compute, write the summary workbook

It reports medians of several runs, the ratios (c)/(a) and (b)/(c), time per case and peak memory (the child's
maximum resident set size), the import time of the module the ribbon loads next to `import xlwings`, and, for
workbooks of 10, 50 and 200 case sheets, the xlwings actions each ribbon button sends on xlwings' remote engine and
its wall time there (payload build included); and writes the tables to bench/RESULTS.md.

`python -m bench --ribbon-only` measures the ribbon alone and replaces only the "## Ribbon" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import CASES_PER_BOOK, generate  # noqa: E402
from bench.saved import saved  # noqa: E402

# The two sets of workbooks measured: as xlpy's template writer leaves them (formulas without results), and the same
# workbooks as Excel saves them (every formula's result stored; bench/saved.py), which is what departments send.
INPUTS = {"written": "as written (formulas without results)", "saved": "as Excel saves them"}

CHILD = {
    "floor": """
import glob, sys, time
t = time.perf_counter()
import python_calamine as pc
for f in sorted(glob.glob(sys.argv[1] + '/*.xlsx')):
    wb = pc.CalamineWorkbook.from_path(f)
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
print(time.perf_counter() - t)
""",
    "baseline": """
import glob, sys, time
t = time.perf_counter()
import pandas as pd
for f in sorted(glob.glob(sys.argv[1] + '/*.xlsx')):
    pd.read_excel(f, sheet_name=None, header=None, engine="openpyxl")
print(time.perf_counter() - t)
""",
    "xlpy": """
import sys, time
t = time.perf_counter()
try:
    from xlpy.portfolio.batch import consolidate_files
except ImportError:  # a checkout from before xlpy/portfolio/ (python -m bench.steps --against OLD_ROOT)
    from xlpy.batch import consolidate_files
consolidate_files([sys.argv[1]], sys.argv[2])
print(time.perf_counter() - t)
""",
}


def run_child(kind: str, folder: Path, out: Path) -> tuple[float, float]:
    """(seconds of work as the child measured it, peak RSS in MB)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD[kind], str(folder), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    stdout = proc.stdout.read().decode()
    stderr = proc.stderr.read().decode()
    if status != 0:
        raise RuntimeError(f"{kind} failed:\n{stderr}")
    return float(stdout.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def subset(books: Path, n: int, work: Path, prefix: str = "n") -> Path:
    """A folder with the first n generated workbooks (hard links: no copying)."""
    folder = work / f"{prefix}{n}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for i in range(n):
            name = f"afdeling_{i:05d}.xlsx"
            os.link(books / name, folder / name)
    return folder


def importtime(args: list[str], env: dict[str, str] | None = None) -> tuple[float, list[tuple[float, str]]]:
    """One fresh interpreter under `python -X importtime ARGS`: (the sum of the cumulative times of the top-level
    entries in ms, [(a module's own ms, its name)] largest first)."""
    env = env or {**os.environ, "PYTHONPATH": str(ROOT)}
    err = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, cwd=ROOT,
                         env=env).stderr
    total, own = 0.0, []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[1].strip().isdigit():
            if parts[2].startswith(" ") and not parts[2].startswith("  "):  # top level: one space, no nesting
                total += int(parts[1]) / 1000
            own.append((int(parts[0].split(":")[1]) / 1000, parts[2].strip()))
    return total, sorted(own, reverse=True)


def import_time(code: str, repeats: int = 7) -> float:
    """Median total import time (ms) of the imports in `code`, in fresh interpreters (importtime)."""
    return statistics.median(importtime(["-c", code])[0] for _ in range(repeats))


RIBBON_SIZES = (10, 50, 200)
RIBBON_BUTTONS = {"new_case": "Ny case", "validate": "Validér", "clear_marks": "Ryd markeringer",
                  "compute": "Beregn", "refresh_overview": "Opdatér overblik",
                  "collect_departments": "Hent afdelinger",
                  "compute_empty": "Beregn, computed rows empty (first run on sheets left without formulas)"}


def ribbon(work: Path, sizes: tuple[int, ...] = RIBBON_SIZES, repeats: int = 3) -> list[dict] | str:
    """Per size and button on xlwings' remote engine: actions sent, payload build and button seconds (medians).

    The workbooks are the tests' (tests/test_excel_remote.py write_cases): N case sheets from the template, each with
    one hand-typed slip (one fejl, one marked cell), recalculated by LibreOffice so the formulas carry their results
    as Excel sends them. Ryd markeringer runs on a copy carrying Validér's record; Hent afdelinger on a folder holding
    the workbook. Run in a child process (XLWINGS_LICENSE_KEY=noncommercial, set there)."""
    script = f"""
import json, os, statistics, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / 'tests')!r})
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import libreoffice
from test_excel_remote import BUTTONS, marked_copy, run_button, write_cases
work = Path({str(work / 'ribbon')!r})
work.mkdir(parents=True, exist_ok=True)
sources = [write_cases(work / f"src{{n}}.xlsx", n, slip=True) for n in {list(sizes)!r}]
done = {{p.name: p for p in libreoffice.recalc_many(sources, work / "recalculated", timeout=1800)}}
rows = []
for n in {list(sizes)!r}:
    path = done[f"src{{n}}.xlsx"]
    marked = marked_copy(path, work / f"marked{{n}}.xlsx")
    folder = work / f"folder{{n}}"
    folder.mkdir(exist_ok=True)
    (folder / path.name).write_bytes(path.read_bytes())
    for name in BUTTONS:
        runs = [run_button(name, marked if name == "clear_marks" else path, folder) for _ in range({repeats})]
        rows.append({{"n": n, "button": name, "actions": len(runs[0][0]),
                     "payload": statistics.median(r[1] for r in runs), "run": statistics.median(r[2] for r in runs)}})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    empty = work / f"src{{n}}.xlsx"  # not recalculated: every computed cell shows nothing
    runs = [run_button("compute", empty) for _ in range({repeats})]
    rows.append({{"n": n, "button": "compute_empty", "actions": len(runs[0][0]),
                 "payload": statistics.median(r[1] for r in runs), "run": statistics.median(r[2] for r in runs)}})
print(json.dumps(rows))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        return f"not measured: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    from importlib.metadata import version

    libs = ", ".join(f"{p} {version(p)}" for p in ("python-calamine", "XlsxWriter", "openpyxl", "pandas", "xlwings"))
    return (f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {mem}; {platform.platform()}; "
            f"Python {platform.python_version()}; {libs}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="numbers of workbooks (default %(default)s)")
    parser.add_argument("--skip-largest", action="store_true", help="leave out the largest size (slow machines)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--baseline-up-to", type=int, default=1000,
                        help="run the pandas baseline only up to this N (it takes minutes beyond)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlpy-bench",
                        help="where the generated workbooks are kept between runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--ribbon-only", action="store_true",
                        help="measure only the ribbon buttons and replace only the Ribbon section of --out")
    parser.add_argument("--no-ribbon", action="store_true",
                        help="leave out the ribbon buttons (minutes of LibreOffice); their section of --out stays")
    args = parser.parse_args(argv)
    if args.ribbon_only:
        imports = {"xlwings": import_time("import xlwings"),
                   "both": import_time("import xlwings; import xlpy.excel")}
        section = render_ribbon(imports, ribbon(args.work, repeats=args.repeats))
        write_sections(args.out, {"Ribbon": section})
        print(section)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.skip_largest:
        sizes = sizes[:-1]

    books = args.work / "books"
    t = time.perf_counter()
    generate(books, max(sizes))
    saved(books, args.work / "books-saved", max(sizes))
    print(f"generated {max(sizes)} workbooks in {time.perf_counter() - t:.1f} s ({books}, and as saved)", flush=True)

    rows = []
    for n in sizes:
        for name in INPUTS:
            source, prefix = (books, "n") if name == "written" else (args.work / "books-saved", "s")
            folder = subset(source, n, args.work, prefix)
            out = args.work / f"out{n}.xlsx"
            result = {"n": n, "cases": n * CASES_PER_BOOK, "input": name}
            for kind in ("floor", "xlpy", "baseline"):
                if kind == "baseline" and n > args.baseline_up_to:
                    continue
                repeats = args.repeats if kind != "baseline" or n <= 100 else 1
                runs = [run_child(kind, folder, out) for _ in range(repeats)]
                result[kind] = statistics.median(r[0] for r in runs)
                result[kind + "_mb"] = max(r[1] for r in runs)
                print(f"N={n} {name} {kind}: {result[kind]:.2f} s, {result[kind + '_mb']:.0f} MB", flush=True)
            rows.append(result)

    sections = {"": render(rows), "Start-up": render_startup(startup())}
    if not args.no_ribbon:
        imports = {"xlwings": import_time("import xlwings"),
                   "both": import_time("import xlwings; import xlpy.excel")}
        sections["Ribbon"] = render_ribbon(imports, ribbon(args.work, repeats=args.repeats))
    write_sections(args.out, sections)
    print("\n".join(sections.values()))
    return 0


def write_sections(out: Path, sections: dict[str, str]) -> None:
    """Replace the "## <name>" sections of `out` given in `sections` ("" = the head, up to the first "## "), keeping
    the others (a section measured by another command, such as the ribbon's or the zip guard's)."""
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    parts = text.split("\n## ")
    existing = {"": parts[0].rstrip("\n") + "\n"}
    for part in parts[1:]:
        name = part.split("\n", 1)[0].strip()
        existing[name] = "## " + part.rstrip("\n") + "\n"
    existing.update({name: body.rstrip("\n") + "\n" for name, body in sections.items()})
    head = existing.pop("")
    out.write_text("\n".join([head] + list(existing.values())), encoding="utf-8")


STARTUP_BOOK = ROOT / "samples" / "eksempel_uden_fejl.xlsx"
STARTUP = {
    "calamine": ["-c", "import python_calamine"],
    "validate": ["-c", "import sys; from xlpy.cli import main; sys.exit(main())", "validate", str(STARTUP_BOOK)],
}


def startup(repeats: int = 21) -> dict:
    """Whole processes, as a user waits for them: median wall time of `python -c "import python_calamine"` and of
    `xlpy validate` on one workbook (the console script's own call), with bytecode cached as on a user's machine
    (PYTHONDONTWRITEBYTECODE is dropped and each is run once before timing); and the largest top-level imports
    (`python -X importtime`) of validate and of the ribbon's module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    out: dict = {}
    for name, args in STARTUP.items():
        subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, env=env)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, env=env)
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times) * 1000
    for name, args in (("validate", STARTUP["validate"]), ("ribbon", ["-c", "import xlpy.excel"])):
        out[name + "_imports"] = importtime(args, env)
    return out


def render_startup(s: dict) -> str:
    today = dt.date.today().isoformat()
    ratio = s["validate"] / s["calamine"]
    lines = ["## Start-up", "", f"Run on {today} with `python -m bench` on {machine()}.", "",
             "Whole processes, median wall time of 21 runs, bytecode cached (as on a user's machine):", "",
             "| process | ms |", "|---|---|",
             f"| `python -c \"import python_calamine\"` | {s['calamine']:.0f} |",
             f"| `xlpy validate samples/eksempel_uden_fejl.xlsx` | {s['validate']:.0f} |",
             f"| ratio (target ≤ 2,0) | {ratio:.2f} |", ""]
    for name, title in (("validate", "`xlpy validate` (one workbook)"), ("ribbon", "`import xlpy.excel` (the ribbon's module)")):
        total, own = s[name + "_imports"]
        shown = ", ".join(f"{mod} {ms:.1f}" for ms, mod in own[:10])
        by = ", ".join(f"{origin} {ms:.0f}" for origin, ms in import_origins(own).items())
        lines.append(f"`python -X importtime`, {title}: {total:.0f} ms of imports ({by}); the modules taking most "
                     f"of it themselves (ms): {shown}.")
        lines.append("")
    return "\n".join(lines) + "\n"


def import_origins(own: list[tuple[float, str]]) -> dict[str, float]:
    """The imports' own times (ms) summed by where the modules come from: xlpy, the standard library, the rest."""
    out: dict[str, float] = {"xlpy": 0.0, "standard library": 0.0, "other packages": 0.0}
    for ms, module in own:
        top = module.split(".")[0]
        origin = "xlpy" if top == "xlpy" else "standard library" if top in sys.stdlib_module_names else \
            "other packages"
        out[origin] += ms
    return out


def render(rows: list[dict]) -> str:
    today = dt.date.today().isoformat()
    lines = [
        "# Benchmark results",
        "",
        f"Run on {today} with `python -m bench` on {machine()}.",
        "",
        "N workbooks × 10 case sheets (seeded, a few findings per file). Times are medians of the runs, in seconds,",
        "as each child process measured its own work (imports included, interpreter start-up not); memory is the",
        "child's peak resident set size. (a) python-calamine reading every sheet's values and nothing else;",
        "(b) `pandas.read_excel(engine=\"openpyxl\")` over every sheet; (c) `xlpy consolidate` end to end.",
        "Two sets of the same workbooks: as xlpy's template writer leaves them (32 formulas per case sheet without",
        "a result) and as Excel saves them (every formula's result stored: bench/saved.py), which is what",
        "departments send.",
        "",
        "| N | cases | workbooks | (a) floor | (b) pandas | (c) xlpy | (c)/(a) | (b)/(c) | xlpy per case | "
        "xlpy peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = f"{r['baseline']:.2f}" if "baseline" in r else "–"
        bc = f"{r['baseline'] / r['xlpy']:.1f}" if "baseline" in r else "–"
        per_case = r["xlpy"] / r["cases"] * 1000
        lines.append(f"| {r['n']:,} | {r['cases']:,} | {INPUTS[r.get('input', 'written')]} | {r['floor']:.2f} | "
                     f"{b} | {r['xlpy']:.2f} | {r['xlpy'] / r['floor']:.2f} | {bc} | {per_case:.3f} ms | "
                     f"{r['xlpy_mb']:.0f} |")
    for name, title in INPUTS.items():
        of = [r for r in rows if r.get("input", "written") == name]
        if len(of) > 1:
            base, largest = min(of, key=lambda r: r["n"]), max(of, key=lambda r: r["n"])
            ratio = (largest["xlpy"] / largest["cases"]) / (base["xlpy"] / base["cases"])
            lines += ["", f"Workbooks {title}: time per case at N = {largest['n']:,} is {ratio:.2f} × the time per "
                          f"case at N = {base['n']:,}."]
    for name, title in INPUTS.items():
        found = targets([r for r in rows if r.get("input", "written") == name])
        if found:
            lines += ["", f"Targets (issue 16), from this run, workbooks {title}:", ""] + [f"- {t}" for t in found]
    return "\n".join(lines) + "\n"


def targets(rows: list[dict]) -> list[str]:
    """Each target of the performance issue this run can judge, met or not, with the figure (rows of one input)."""
    by_n = {r["n"]: r for r in rows}
    out = []

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    if 1000 in by_n:
        r = by_n[1000]
        ratio = r["xlpy"] / r["floor"]
        out.append(f"N = 1.000: xlpy ≤ 3,0 × the floor (stretch 2,0): {ratio:.2f} × — {mark(ratio <= 3.0)}")
        if "baseline" in r:
            speed = r["baseline"] / r["xlpy"]
            out.append(f"N = 1.000: ≥ 12 × faster than pandas+openpyxl: {speed:.1f} × — {mark(speed >= 12)}")
    if 100 in by_n and 5000 in by_n:
        per = (by_n[5000]["xlpy"] / by_n[5000]["cases"]) / (by_n[100]["xlpy"] / by_n[100]["cases"])
        out.append(f"time per case at N = 5.000 within 25 % of N = 100 (no more than 1,25 ×; less is the fixed "
                   f"start-up shared by more cases): {per:.2f} × — {mark(per <= 1.25)}")
    if 5000 in by_n:
        mb = by_n[5000]["xlpy_mb"]
        out.append(f"peak memory at N = 5.000 under 500 MB: {mb:.0f} MB — {mark(mb < 500)}")
    return out


def render_ribbon(imports: dict[str, float], counts: list[dict] | str) -> str:
    today = dt.date.today().isoformat()
    lines = ["## Ribbon", "",
             f"Run on {today} with `python -m bench` (or `python -m bench --ribbon-only`) on {machine()}.", "",
             f"Import time (median of 7 fresh interpreters, sum of the top-level entries of `python -X importtime`): "
             f"`import xlwings` {imports['xlwings']:.0f} ms; `import xlwings; import xlpy.excel` (what a button "
             f"press imports) {imports['both']:.0f} ms = {imports['both'] / imports['xlwings']:.2f} × "
             f"`import xlwings`.", ""]
    if isinstance(counts, str):
        return "\n".join(lines + [f"Buttons: {counts}"]) + "\n"
    sizes = sorted({r["n"] for r in counts})
    by = {(r["button"], r["n"]): r for r in counts}
    lines += ["Each button on xlwings' remote engine (`xw.Book(json=payload)`, what xlwings Lite and xlwings Server",
              "run) for a workbook of N case sheets from the template, each with one hand-typed slip (so Validér marks",
              "one cell per sheet), recalculated by LibreOffice so formulas carry their results as Excel sends them.",
              "Actions: the calls the button sends back to Excel. Payload: building the request from the file",
              "(openpyxl, twice: what Excel itself does when it sends the workbook). Button: the button's own run",
              "(medians of 3). Ryd markeringer runs after Validér; Hent afdelinger reads a folder holding the workbook.",
              "",
              "| button | " + " | ".join(f"actions N={n}" for n in sizes) + " | per added case sheet | " +
              " | ".join(f"payload + button N={n} (s)" for n in sizes) + " |",
              "|---|" + "---|" * (2 * len(sizes) + 1)]
    for name, label in RIBBON_BUTTONS.items():
        if (name, sizes[0]) not in by:
            continue
        acts = [by[(name, n)]["actions"] for n in sizes]
        per = (acts[-1] - acts[0]) / (sizes[-1] - sizes[0])
        times = [f"{by[(name, n)]['payload']:.2f} + {by[(name, n)]['run']:.2f}" for n in sizes]
        lines.append(f"| {label} | " + " | ".join(str(a) for a in acts) + f" | {per:.2f} | " + " | ".join(times)
                     + " |")
    lines += ["", "Bound (tests/test_excel_remote.py checks it for 10 and 50 sheets): at most 2 actions per case sheet",
              "plus a constant. Beregn: the block and its number format; Validér and Ryd markeringer: one set of fills",
              "per marked sheet (xlwings Lite's setRangeColors; hosts without it get one call per marked cell). The",
              "exception is the last row: a sheet whose computed rows show nothing gets Python's figures written into",
              "them, one more write per block of empty rows (two on the template's layout; three here, where the typed",
              "net row parts them), once: the next run finds values there. Excel sends a formula's result, so a sheet",
              "from the template never shows empty rows."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
