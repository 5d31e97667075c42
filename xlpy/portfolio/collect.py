"""Batch input: find the department workbooks in folders and check them, in parallel where that is faster."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

from ..figures.compute import DEFAULT_RATE
from ..figures.followup import Thresholds
from ..findings import Finding, finding
from .pipeline import CaseResult, Result, check_files

EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".ods", ".xls")  # what python-calamine reads; read.py judges the content
# Spreadsheet-like files a user may expect to be read from a folder, but which are not: reported, never silent.
NOT_COLLECTED = (".csv", ".tsv", ".numbers", ".xltx", ".xltm", ".xlt", ".ots", ".fods", ".xlam", ".xla")
SKIPPED_CODES = ("file-not-collected", "link-broken")  # findings of the search that name a file not read
PARALLEL_FROM = 16  # below this many files, starting worker processes costs more than it saves
# A batch makes hundreds of thousands of small objects that live until the end and hold no cycles worth collecting
# early: Python's default (a collection every 700 allocations, a full one every 100 of those) spends 10–15 % of a
# run of 1.000 workbooks scanning them (bench/RESULTS.md). Batch runs collect far less often.
BATCH_GC_THRESHOLD = (100_000, 50, 100)


def collected_text() -> str:
    """The extensions collected from folders, as messages list them: ".xlsx, .xlsm, .xlsb, .ods, .xls"."""
    return ", ".join(EXTENSIONS)


def find_workbooks(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Finding]]:
    """Files as given, and the workbooks (EXTENSIONS) found recursively in folders (sorted, so runs are
    deterministic). Excel's ~$ lock files are skipped with an info finding; other spreadsheet files (NOT_COLLECTED)
    and broken links are skipped with a finding naming the file (see skipped_files); a folder with no workbook is a
    finding."""
    files: list[str] = []
    findings: list[Finding] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = []
            for p in sorted(path.rglob("*")):
                suffix = p.suffix.lower()
                if p.is_symlink() and not p.exists():
                    if suffix in EXTENSIONS or suffix in NOT_COLLECTED:
                        findings.append(finding("link-broken", str(p), reason=f"→ {os.readlink(p)}"))
                    continue
                if not p.is_file():
                    continue
                if p.name.startswith("~$"):
                    if suffix in EXTENSIONS:
                        findings.append(finding("lock-file-skipped", str(p)))
                    continue
                if suffix in NOT_COLLECTED:
                    findings.append(finding("file-not-collected", str(p), extension=suffix.lstrip("."),
                                            collected=collected_text()))
                    continue
                if suffix in EXTENSIONS:
                    found.append(str(p))
            if not found:
                findings.append(finding("no-workbooks", str(path), path=str(path), collected=collected_text()))
            files += found
        else:
            files.append(str(path))  # a missing or odd file becomes a finding when it is read
    given = {os.path.normpath(f) for f in files}  # a file in a folder that is also given by name is read
    findings = [f for f in findings if f.code not in SKIPPED_CODES or os.path.normpath(f.file) not in given]
    return list(dict.fromkeys(files)), findings


def skipped_files(found: Sequence[Finding]) -> list[str]:
    """The files the search found but does not read (not collected, broken links), once each, in order."""
    return list(dict.fromkeys(f.file for f in found if f.code in SKIPPED_CODES))


def add_search(result: Result, found: Sequence[Finding]) -> Result:
    """The search's findings first, and the files it skipped counted with those reading skipped."""
    skipped = skipped_files(found)
    seen = set(skipped)
    result.findings = list(found) + result.findings
    result.files_skipped = skipped + [f for f in result.files_skipped if f not in seen]
    return result


def batch_gc() -> None:
    """Collect garbage as a batch run should (BATCH_GC_THRESHOLD): set in the worker processes for good."""
    import gc

    gc.set_threshold(*BATCH_GC_THRESHOLD)


@contextmanager
def batch_collection() -> Iterator[None]:
    """BATCH_GC_THRESHOLD for the length of a batch job in this process (the command line's, or the Excel host's for
    Hent afdelinger), and the objects alive before it never scanned; as it was afterwards."""
    import gc

    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


@contextmanager
def without_collection() -> Iterator[None]:
    """No cyclic garbage collection for the tail of a batch job (consolidating, laying out and writing the summary):
    what it makes lives to its end or is freed by reference count, so a collection only scans it — 0,2 s of 2 s at
    10.000 cases (bench/RESULTS.md). Collected as usual afterwards."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _check_chunk(args: tuple[Sequence[str], float, Thresholds | None]) -> Result:
    """In a worker process: check a chunk of files and send back slim cases (metadata and figures, no table)."""
    paths, rate, thresholds = args
    result = check_files(paths, rate, cross_file_checks=False, thresholds=thresholds)
    result.cases = [CaseResult(r.case.without_table(), r.figures, r.follow_up, r.scenarios) for r in result.cases]
    return result


def check_many(files: Sequence[str], rate: float = DEFAULT_RATE, jobs: int | None = None,
               progress: Callable[[int], None] | None = None, thresholds: Thresholds | None = None) -> Result:
    """check_files over many files; worker processes when there are enough files and cores. Results keep the
    order of `files`."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        parts = []
        for path in files:
            parts.append(check_files([path], rate, cross_file_checks=False, thresholds=thresholds))
            if progress:
                progress(1)
    else:
        from concurrent.futures import ProcessPoolExecutor  # 12 ms of imports a single workbook does not need

        # Small chunks: the last one to finish keeps the other worker idle for its length (16 files: ~0,1 s).
        size = max(4, min(16, len(files) // (jobs * 8) or 1))
        chunks = [list(files[i:i + size]) for i in range(0, len(files), size)]
        parts = []
        with ProcessPoolExecutor(max_workers=jobs, initializer=batch_gc) as pool:
            for chunk, part in zip(chunks, pool.map(_check_chunk, [(c, rate, thresholds) for c in chunks])):
                parts.append(part)
                if progress:
                    progress(len(chunk))
    result = Result.merged(parts)
    _share_strings(result)
    if len(result.files_read) > 1:
        flagged = {(f.file, f.sheet) for f in result.findings if f.code == "duplicate-case-nr"}
        result.findings += cross_file_findings(result.cases, flagged)
    return result


def cross_file_findings(results: Sequence[CaseResult], already: set[tuple[str, str]] = frozenset()) -> list[Finding]:
    """The same case in two workbooks: the same Case nr. with the same Kommune and Forvaltning
    (validate.duplicate_case_numbers), else the same title and table (duplicate_cases); one finding per duplicated
    case. Of two workbooks holding the same case, the one whose path sorts later is reported, whatever order the
    files were given in. `already`: (file, sheet) of cases reported as duplicate-case-nr within their workbook."""
    from ..check.validate import duplicate_case_numbers

    paths = {file: Path(file) for file in {r.case.file for r in results}}  # one Path per file, not per case
    ordered = sorted(results, key=lambda r: paths[r.case.file])  # stable: sheets keep their order in a file
    found = duplicate_case_numbers((r.case for r in ordered), across_files=True)
    return found + duplicate_cases(ordered, set(already) | {(f.file, f.sheet) for f in found})


def _signature(result: CaseResult) -> tuple | None:
    """Identical title and table: the same case, whatever its number says. Works on slim cases (figures only)."""
    f = result.figures
    if not result.case.title or not f.has_amounts:
        return None
    title = " ".join(result.case.title.split()).casefold()  # not labels.normalise: "(2)" and "(3)" differ here
    return (title, tuple(f.years), tuple(f.one_off), tuple(f.recurring), tuple(f.saving))


def duplicate_cases(results: Sequence[CaseResult], already: set[tuple[str, str]] = frozenset()) -> list[Finding]:
    """Across files: the same title and table in two workbooks, whatever the case numbers say. The first of
    `results` is the original; every later one in another workbook is reported at its Titel cell, unless it is in
    `already` (reported as duplicate-case-nr)."""
    seen: dict[tuple, CaseResult] = {}
    out = []
    for r in results:
        key = _signature(r)
        if key is None:
            continue
        first = seen.setdefault(key, r)
        if first is not r and first.case.file != r.case.file and (r.case.file, r.case.sheet) not in already:
            out.append(finding("duplicate-case", r.case.file, r.case.sheet, r.case.cell_of("title"),
                               other=f"{first.case.file}, {first.case.sheet}"))
    return out


def _share_strings(result: Result) -> None:
    """Cases from worker processes arrive with their own copies of the same texts (cell addresses, areas, the
    municipality): one shared copy each keeps memory proportional to the distinct texts, not to the cases."""
    intern = sys.intern
    layouts: dict[tuple, dict[str, str]] = {}  # cases from one template share one field -> cell map
    for r in result.cases:
        case = r.case
        key = tuple(case.field_cells.items())
        case.field_cells = layouts.setdefault(key, {k: intern(v) for k, v in case.field_cells.items()})
        case.fields = {k: intern(v) if v.__class__ is str and len(v) < 200 else v for k, v in case.fields.items()}
        case.file = intern(case.file)


def check_inputs(inputs: Iterable[str | os.PathLike[str]], rate: float = DEFAULT_RATE,
                 jobs: int | None = None, thresholds: Thresholds | None = None) -> Result:
    """Files and folders (searched recursively) to checked cases; the findings of the search come first."""
    files, found = find_workbooks(inputs)
    return add_search(check_many(files, rate, jobs, thresholds=thresholds), found)
