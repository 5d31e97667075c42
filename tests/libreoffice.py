"""Test helper: recalculate .xlsx workbooks and render them to PDF with headless LibreOffice.

Standard library + python-calamine (value reading).  Verified with
LibreOffice 7.4.7 on Debian 12 (see REPORT.md).

Every soffice run gets its own throw-away work directory holding
  profile/   a fresh user profile (-env:UserInstallation) whose
             registrymodifications.xcu forces "always recalculate on load"
             for OOXML and ODF files,
  home/      used as HOME / XDG_* dirs (so an unwritable HOME is harmless),
  in/        copies of the inputs (unique names, the originals are never touched),
  out/       --outdir.
so parallel calls (threads or processes, root or not) never share state.

Public API
  recalc(src, dst=None, timeout=...)           -> Path   recalculated xlsx copy
  recalc_many(srcs, out_dir, timeout=...)      -> [Path] one soffice start for N files
  recalc_values(src, timeout=...)              -> {sheet: rows}  (recalc + read_values)
  read_values(path)                            -> {sheet: rows}, A1-anchored, errors as '#DIV/0!' etc.
  cell(values, "'Case 1'!B12")                 -> value of one cell from read_values() output
  to_pdf(src, dst=None, timeout=...)           -> Path
  convert(srcs, fmt, out_dir, timeout=...)     -> [Path] generic conversion
  find_soffice() / write_profile(dir)
Exceptions: LibreOfficeError > (SofficeNotFound, ConversionTimeout, ConversionFailed)
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "LibreOfficeError", "SofficeNotFound", "ConversionTimeout", "ConversionFailed",
    "find_soffice", "write_profile", "convert", "recalc", "recalc_many",
    "recalc_values", "read_values", "cell", "to_pdf", "XLSX_FILTER", "PDF_FILTER",
]

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
PDF_FILTER = "pdf:calc_pdf_Export"
DEFAULT_TIMEOUT = 120.0

# 0 = always recalculate, 1 = never, 2 = prompt (headless: treated as never).
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """Base class. Has .stdout/.stderr/.returncode when a process ran."""

    def __init__(self, msg: str, *, returncode=None, stdout: str = "", stderr: str = ""):
        super().__init__(msg)
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class SofficeNotFound(LibreOfficeError):
    pass


class ConversionTimeout(LibreOfficeError):
    pass


class ConversionFailed(LibreOfficeError):
    pass


# --------------------------------------------------------------------------- soffice
def find_soffice() -> str:
    """$LO_SOFFICE, then soffice/libreoffice on PATH, then usual install dirs."""
    env = os.environ.get("LO_SOFFICE")
    if env:
        if os.access(env, os.X_OK):
            return env
        raise SofficeNotFound(f"LO_SOFFICE={env!r} is not executable")
    for name in ("soffice", "libreoffice"):
        p = shutil.which(name)
        if p:
            return p
    cands = ["/usr/lib/libreoffice/program/soffice", "/usr/bin/soffice",
             "/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    cands += sorted(str(p) for p in Path("/opt").glob("libreoffice*/program/soffice"))
    for c in cands:
        if os.access(c, os.X_OK):
            return c
    raise SofficeNotFound("LibreOffice not found (apt-get install libreoffice-calc-nogui, or set LO_SOFFICE)")


def write_profile(profile_dir: str | os.PathLike) -> Path:
    """Create a user profile dir pre-seeded with the always-recalc settings.

    Must be written *before* the first soffice start with this profile; soffice
    keeps (fuses) our items when it writes its own registrymodifications.xcu.
    """
    user = Path(profile_dir) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    return Path(profile_dir)


def _group_alive(pgid: int) -> bool:
    """True if the process group has a member that is not a zombie.

    soffice leaves short-lived zombie gpg/gpgconf children that killpg(pgid, 0)
    still counts; /proc lets us ignore them (Linux), else fall back to killpg.
    """
    if os.path.isdir("/proc/self"):
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    st = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(st[2]) == pgid and st[0] != b"Z":
                return True
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def _kill_group(pgid: int, grace: float = 2.0) -> None:
    """SIGTERM the process group, wait up to `grace` s, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(pgid):
            return
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.05)


def _run_soffice(args: Sequence[str], work: Path, timeout: float) -> tuple[int, str, str]:
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_RUNTIME_DIR=str(home), TMPDIR=str(home))
    for var in ("PYTHONHOME", "PYTHONPATH", "SAL_USE_VCLPLUGIN"):
        env.pop(var, None)
    proc = subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=str(work),
                            start_new_session=True)  # own process group -> killpg
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        raise ConversionTimeout(f"soffice did not finish within {timeout}s (process group killed)",
                                returncode=proc.returncode, stdout=out.decode(errors="replace"),
                                stderr=err.decode(errors="replace"))
    finally:
        if proc.poll() is None:  # KeyboardInterrupt etc.
            _kill_group(proc.pid, grace=0.5)
    _kill_group(proc.pid, grace=0.5)  # stray children (oosplash/soffice.bin) if any
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def _looks_valid(path: Path, ext: str) -> bool:
    try:
        if path.stat().st_size == 0:
            return False
        if ext in ("xlsx", "xlsm", "ods", "docx", "odt"):
            return zipfile.is_zipfile(path)
        if ext == "pdf":
            with open(path, "rb") as fh:
                return fh.read(5) == b"%PDF-"
        return True
    except OSError:
        return False


def convert(srcs: Iterable[str | os.PathLike], fmt: str, out_dir: str | os.PathLike, *,
            timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None,
            retries: int = 1, keep_workdir: bool = False) -> list[Path]:
    """Convert files with ONE soffice start. Returns output paths (same order as srcs).

    fmt is soffice's --convert-to argument, e.g. XLSX_FILTER, PDF_FILTER, "csv".
    Output name: <stem of src>.<ext of fmt> in out_dir (existing files overwritten).
    Files that produced no (valid) output are retried `retries` times, then
    ConversionFailed is raised (soffice exits 0 when a source cannot be loaded).
    timeout is for the whole batch; on expiry the process group is killed.
    """
    srcs = [Path(s) for s in srcs]
    if not srcs:
        return []
    for s in srcs:
        if not s.is_file():
            raise FileNotFoundError(s)
    stems = [s.stem for s in srcs]
    if len(set(stems)) != len(stems):
        raise ValueError(f"duplicate file stems in one batch: {stems}")
    ext = fmt.split(":", 1)[0].lower()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exe = soffice or find_soffice()

    work = Path(tempfile.mkdtemp(prefix="lo_recalc_"))
    try:
        profile = write_profile(work / "profile")
        ind, outd = work / "in", work / "out"
        ind.mkdir(); outd.mkdir()
        # copy inputs: unique names, never let soffice write next to / over the originals
        staged = []
        for i, s in enumerate(srcs):
            name = f"f{i:04d}{s.suffix.lower() or '.xlsx'}"
            shutil.copyfile(s, ind / name)
            staged.append(ind / name)
        pending = list(range(len(srcs)))
        results: dict[int, Path] = {}
        last = (None, "", "")
        for attempt in range(retries + 1):
            args = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                    "--convert-to", fmt, "--outdir", str(outd)] + [str(staged[i]) for i in pending]
            lock = profile / ".lock"  # stale lock from a killed run: remove (profile is private)
            if lock.exists():
                lock.unlink()
            last = _run_soffice(args, work, timeout)
            still = []
            for i in pending:
                produced = outd / f"{staged[i].stem}.{ext}"
                if _looks_valid(produced, ext):
                    dst = out_dir / f"{stems[i]}.{ext}"
                    shutil.move(str(produced), str(dst))
                    results[i] = dst
                else:
                    produced.unlink(missing_ok=True)
                    still.append(i)
            pending = still
            if not pending or last[0] == 0:  # rc 0 + no output = source not loadable: no retry
                break
        if pending:
            rc, out, err = last
            bad = ", ".join(str(srcs[i]) for i in pending)
            hint = " (source could not be loaded: corrupt/unsupported file?)" \
                if "could not be loaded" in err else ""
            raise ConversionFailed(f"soffice (rc={rc}) produced no {ext} for: {bad}{hint}\n"
                                   f"stderr: {err.strip()[-2000:]}",
                                   returncode=rc, stdout=out, stderr=err)
        return [results[i] for i in range(len(srcs))]
    finally:
        if not keep_workdir:
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- recalc / pdf
def recalc_many(srcs: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *,
                timeout: float = DEFAULT_TIMEOUT, **kw) -> list[Path]:
    """Recalculate several workbooks with one soffice start -> out_dir/<stem>.xlsx."""
    return convert(srcs, XLSX_FILTER, out_dir, timeout=timeout, **kw)


def recalc(src: str | os.PathLike, dst: str | os.PathLike | None = None, *,
           timeout: float = DEFAULT_TIMEOUT, **kw) -> Path:
    """Write a recalculated copy of src (default: <stem>.recalc.xlsx beside src).

    dst may equal src (atomic replace). Note the copy is LibreOffice's
    re-serialisation (see REPORT.md): use it to read values, not as a
    pixel-identical replacement of the original.
    """
    src = Path(src)
    dst = Path(dst) if dst is not None else src.with_name(f"{src.stem}.recalc.xlsx")
    with tempfile.TemporaryDirectory(prefix="lo_recalc_out_") as tmp:
        (produced,) = convert([src], XLSX_FILTER, tmp, timeout=timeout, **kw)
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp_dst = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
        shutil.move(str(produced), str(tmp_dst))
        os.replace(tmp_dst, dst)
    return dst


def recalc_values(src: str | os.PathLike, *, timeout: float = DEFAULT_TIMEOUT, **kw) -> dict[str, list[list]]:
    """Recalculate src in a temp dir and return read_values() of the result."""
    with tempfile.TemporaryDirectory(prefix="lo_recalc_val_") as tmp:
        out = recalc(src, Path(tmp) / "recalc.xlsx", timeout=timeout, **kw)
        return read_values(out)


def to_pdf(src: str | os.PathLike, dst: str | os.PathLike | None = None, *,
           timeout: float = DEFAULT_TIMEOUT, **kw) -> Path:
    """Render a workbook to PDF (all visible, non-empty sheets; formulas recalculated)."""
    src = Path(src)
    dst = Path(dst) if dst is not None else src.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="lo_pdf_out_") as tmp:
        (produced,) = convert([src], PDF_FILTER, tmp, timeout=timeout, **kw)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), str(dst))
    return dst


# --------------------------------------------------------------------------- reading
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _rc(ref: str) -> tuple[int, int]:
    m = _REF_RE.match(ref)
    if not m:
        raise ValueError(f"bad cell reference {ref!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """{sheet: {(row0, col0): '#NAME?'}} for cells stored with t="e" (calamine drops them)."""
    res: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if "xl/workbook.xml" not in names:
            return res
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(_NS_PKG + "Relationship"):
                t = r.get("Target", "")
                rels[r.get("Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
        for sh in ET.fromstring(z.read("xl/workbook.xml")).iter(_NS_MAIN + "sheet"):
            part = rels.get(sh.get(_NS_REL + "id"))
            if not part or part not in names:
                continue
            errs = {}
            with z.open(part) as fh:
                for _, el in ET.iterparse(fh):
                    if el.tag == _NS_MAIN + "c":
                        if el.get("t") == "e" and el.get("r"):
                            v = el.find(_NS_MAIN + "v")
                            errs[_rc(el.get("r"))] = v.text if v is not None and v.text else "#N/A"
                        el.clear()
            if errs:
                res[sh.get("name")] = errs
    return res


def read_values(path: str | os.PathLike) -> dict[str, list[list]]:
    """Cached values of every sheet as row lists anchored at A1 (values[r][c] is cell r+1,c+1).

    Empty cells are '' (calamine convention); error cells are their error
    strings ('#DIV/0!', '#NAME?', ...) rather than calamine's ''.  For .xlsx
    files never opened by a spreadsheet app (openpyxl output) formula cells
    read as '' -- recalc first.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path)
    wb = CalamineWorkbook.from_path(str(path))
    out: dict[str, list[list]] = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = [list(r) for r in rows]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for name, errs in _error_cells(path).items():
            grid = out.setdefault(name, [])
            for (r, c), v in errs.items():
                while len(grid) <= r:
                    grid.append([])
                row = grid[r]
                while len(row) <= c:
                    row.append("")
                row[c] = v
    return out


def cell(values: dict[str, list[list]], ref: str, sheet: str | None = None):
    """Value at "Sheet!A1", "'Case 1'!B12" or "A1" (+ sheet=...) in read_values() output.

    Cells outside the used range return ''.
    """
    if "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    if sheet is None:
        sheet = next(iter(values))
    r, c = _rc(ref)
    rows = values[sheet]
    if r < len(rows) and c < len(rows[r]):
        return rows[r][c]
    return ""
