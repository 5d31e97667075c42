"""Hostile and broken inputs (tests/badinputs.py) through the command line, as a user runs it.

For every kind: `xlpy validate` and `xlpy consolidate -o OUT` end in a coded finding (JSON), never a traceback,
exit 0 or 1 (never 3), a good workbook beside the bad one is still consolidated, and each run stays within
TIME_BOUND seconds and MEMORY_BOUND of peak resident memory (the child's, measured with wait4).

Then: no input byte changes (validate, compute, consolidate over the whole corpus and the samples); a consolidation
killed mid-write leaves the previous output whole; no output cell holds a formula xlpy did not write itself, and no
output carries a macro.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES
import badinputs

TIME_BOUND = 60.0  # seconds per command
MEMORY_BOUND = 500 << 20  # bytes of peak RSS per command (the child and its worker processes)
GOOD = SAMPLES / "eksempel_uden_fejl.xlsx"
GOOD_CASES = {"EK-1", "EK-2", "EK-3"}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# The command as `python -m xlpy.cli` runs it, writing its own peak (VmHWM: the high-water mark of the memory the
# process has had since it started) to a file on the way out. wait4's ru_maxrss alone is not the command's peak on
# Linux: it keeps the high-water mark of the forked copy of the test process (pytest, hundreds of MB late in a
# session) across exec.
PEAK_WRAPPER = """
import atexit, sys
def _peak(path=sys.argv[1]):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    with open(path, "w") as out:
                        out.write(line.split()[1])
    except OSError:
        pass
atexit.register(_peak)
from xlpy.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run(args: list[str], cwd: Path | None = None, timeout: float = TIME_BOUND) -> tuple[int, str, str, float, int]:
    """(exit status, stdout, stderr, seconds, peak RSS in bytes) of `python -m xlpy.cli ARGS`."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"xlpy-hostile-{os.getpid()}-{threading.get_ident()}"
    peak_file = Path(f"{out_path}.peak")
    peak_file.unlink(missing_ok=True)
    with open(f"{out_path}.out", "wb") as out, open(f"{out_path}.err", "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", PEAK_WRAPPER, str(peak_file), *args], stdout=out, stderr=err,
                                cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
    stdout = Path(f"{out_path}.out").read_bytes().decode("utf-8", "replace")
    stderr = Path(f"{out_path}.err").read_bytes().decode("utf-8", "replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink()
    peak = usage.ru_maxrss * 1024  # KiB on Linux; what is left when the process could not say (killed, no /proc)
    if peak_file.exists():
        peak = int(peak_file.read_text() or 0) * 1024 or peak
        peak_file.unlink()
    return proc.returncode, stdout, stderr, seconds, peak


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every bad kind in its own folder, with a copy of a good workbook beside it."""
    root = tmp_path_factory.mktemp("hostile")
    paths = badinputs.make_all(root)
    for kind in paths:
        shutil.copy(GOOD, root / kind / "god.xlsx")
    yield paths
    badinputs.restore(paths)


def test_there_are_at_least_30_kinds():
    assert len(badinputs.EXPECTED) >= 30


def _check_run(rc: int, stderr: str, seconds: float, peak: int, what: str) -> None:
    assert "Traceback" not in stderr, f"{what}: {stderr[-2000:]}"
    assert rc in (0, 1), f"{what}: exit {rc}: {stderr[-2000:]}"
    assert seconds < TIME_BOUND, f"{what}: {seconds:.1f} s"
    assert peak < MEMORY_BOUND, f"{what}: {peak / 2**20:.0f} MB peak"


@pytest.mark.parametrize("kind", sorted(badinputs.EXPECTED))
def test_bad_input_is_a_finding_and_the_good_file_is_still_read(corpus, kind, tmp_path):
    bad = corpus[kind]
    folder = bad.parent
    good = folder / "god.xlsx"
    args = [str(folder)] if kind in badinputs.FOLDER_ONLY else [str(folder), str(bad)]
    expected = set(badinputs.EXPECTED[kind])
    if kind == "no_permission" and IS_ROOT:
        expected = set()  # root reads a file whatever its mode: it is read as a normal workbook

    rc, out, err, seconds, peak = run(["validate", *args, "--format", "json"])
    _check_run(rc, err, seconds, peak, f"validate {kind}")
    findings = json.loads(out)
    codes = {f["code"] for f in findings if f["file"] == str(bad)}
    if expected:
        assert codes & expected, f"{kind}: codes {sorted(codes)}, expected one of {sorted(expected)}"
    assert all(f["code"] and f["severity"] in ("fejl", "advarsel", "info") for f in findings)
    assert not [f for f in findings if f["file"] == str(good)], f"{kind}: the good file got findings"

    target = tmp_path / "ud" / "overblik.xlsx"
    rc, out, err, seconds, peak = run(["consolidate", *args, "-o", str(target), "--format", "json"])
    _check_run(rc, err, seconds, peak, f"consolidate {kind}")
    figures = json.loads(out)
    assert figures["files_read"] >= 1
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(target))
    overview = book.get_sheet_by_name("Overblik").to_python()
    numbers = {row[0] for row in overview[2:]}
    assert GOOD_CASES <= numbers, f"{kind}: the good workbook's cases are missing from Overblik"
    fejl = book.get_sheet_by_name("Fejl").to_python()
    if expected:
        sheet_codes = {row[1] for row in fejl[2:] if len(row) > 2 and row[2] and Path(str(row[2])).name in
                       (bad.name, str(bad))}
        assert sheet_codes & expected or codes & expected, f"{kind}: not on the Fejl sheet"


def _inputs(paths: dict[str, Path]) -> list[Path]:
    files = []
    for folder in sorted({p.parent for p in paths.values()}):
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.is_symlink():
                files.append(p)
    files += sorted(p for p in SAMPLES.rglob("*") if p.is_file())
    return files


def _digest(files: list[Path]) -> dict[Path, str]:
    out = {}
    for p in files:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out[p] = h.hexdigest() + f" {p.stat().st_mode:o} {p.stat().st_mtime_ns}"
    return out


@pytest.fixture(scope="module")
def whole_run(corpus, tmp_path_factory):
    """validate, compute and consolidate over the whole corpus plus the samples, with the inputs hashed (content,
    mode and modification time) before and after."""
    root = next(iter(corpus.values())).parent.parent
    explicit = [str(p) for k, p in corpus.items() if k not in badinputs.FOLDER_ONLY]
    files = _inputs(corpus)
    before = _digest(files)
    out = tmp_path_factory.mktemp("whole") / "overblik.xlsx"
    runs = {}
    for name, args in (("validate", ["validate", str(root), str(SAMPLES), *explicit, "--format", "json"]),
                       ("compute", ["compute", str(root), str(SAMPLES), *explicit, "--format", "json"]),
                       ("consolidate", ["consolidate", str(root), str(SAMPLES), *explicit, "-o", str(out),
                                        "--format", "json"])):
        runs[name] = run(args, timeout=120)
    after = _digest(files)
    return before, after, runs, out


def test_no_input_byte_changes(whole_run):
    before, after, runs, _ = whole_run
    for name, (rc, _, err, seconds, peak) in runs.items():
        _check_run(rc, err, seconds, peak, name)
    assert len(before) > 100
    changed = [str(p) for p in before if before[p] != after[p]]
    assert not changed


# xlpy's own formulas: references, SUM/IF, and Overblik's totals row (SUMPRODUCT/SUBTOTAL/OFFSET/ROW over the rows a
# filter shows, tested against xlpy's own "I summen" texts); no text from an input can make one of these.
ALLOWED_FORMULA = re.compile(r"""^=(?:[A-Z]{1,3}\$?[0-9]+|[A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+|SUMPRODUCT|SUBTOTAL|OFFSET|ROW|SUM|IF"""
                             r"""|[-+*/(),.<>=&0-9 ]|"(?:[–-]?|Ja|Ja – ufuldstændig| cases i summen)")+$""")
FORBIDDEN = re.compile(r"(?i)hyperlink|cmd|dde|\||https?:|webservice|call\(|exec|!")


def test_no_harmful_content_in_the_output(whole_run):
    _, _, runs, out = whole_run
    from openpyxl import load_workbook

    wb = load_workbook(out)  # not data_only: formulas come back as their text
    formulas = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and
                                             cell.data_type != "s"):
                    formulas += 1
                    text = str(value)
                    assert not FORBIDDEN.search(text), f"{ws.title}!{cell.coordinate}: {text}"
                    assert ALLOWED_FORMULA.match(text), f"{ws.title}!{cell.coordinate}: {text}"
    assert formulas > 0  # Pr. år and Nøgletal carry live formulas
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert not [n for n in names if "vba" in n.lower() or n.endswith(".bin")]
    # text that looks like a formula in an input stays text in the output
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.data_type == "s" and isinstance(c.value, str)]
    assert any(t.startswith("=HYPERLINK(") for t in texts)
    assert any(t.startswith("=cmd|") for t in texts)


# --- killed mid-write ------------------------------------------------------------------------------------------------

KILLS = 24


def _overview_rows(path: Path) -> int:
    import python_calamine as pc

    return len(pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Overblik").to_python())


def test_a_killed_consolidation_leaves_the_previous_output_whole(tmp_path):
    inputs = tmp_path / "ind"
    inputs.mkdir()
    data = GOOD.read_bytes()
    for i in range(200):
        # 200 workbooks with distinct case numbers (the case nr. is a shared string)
        with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(inputs / f"afd_{i:03d}.xlsx", "w",
                                                           zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                part = src.read(info)
                if info.filename == "xl/sharedStrings.xml":
                    part = re.sub(rb"EK-(\d)", rb"K%03d-\1" % i, part)
                dst.writestr(info, part)
    assert data == GOOD.read_bytes()
    out_dir = tmp_path / "ud"
    out = out_dir / "overblik.xlsx"
    rc, _, err, seconds, _ = run(["consolidate", str(inputs), "-o", str(out), "--format", "json"], timeout=120)
    assert rc in (0, 1), err
    rows = _overview_rows(out)
    assert rows >= 600
    first = out.read_bytes()
    rng = random.Random(20)
    landed_in_write = 0
    for k in range(KILLS):
        delay = rng.uniform(0.2, seconds * 1.1) if k % 3 else seconds * (0.6 + 0.4 * k / KILLS)
        proc = subprocess.Popen([sys.executable, "-m", "xlpy.cli", "consolidate", str(inputs), "-o", str(out),
                                 "--format", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes
        except ProcessLookupError:
            pass
        proc.wait()
        assert _overview_rows(out) == rows, f"kill {k} after {delay:.2f} s"
        strays = [p for p in out_dir.iterdir() if p != out]
        # only xlpy's temporary files (.overblik.*.xlsx.tmp) may remain; they are never named like the output
        assert all(p.name.startswith(".overblik.") and p.name.endswith(".xlsx.tmp") for p in strays), strays
        landed_in_write += bool(strays)
        for p in strays:
            p.unlink()
    assert out.read_bytes() != b"" and len(out.read_bytes()) > 0
    assert _overview_rows(out) == rows
    print(f"\n{KILLS} kills, {landed_in_write} during the write of the temporary file, none lost the output "
          f"({len(first)} bytes, {rows} rows on Overblik)")
