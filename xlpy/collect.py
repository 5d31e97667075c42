"""Batch input: find the department workbooks in folders and check them, in parallel where that is faster."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .compute import DEFAULT_RATE
from .findings import Finding, finding
from .pipeline import Result, check_files

EXTENSIONS = (".xlsx", ".xlsm")
NOT_COLLECTED = (".xls", ".xlsb", ".ods", ".csv", ".xltx", ".xltm", ".numbers")  # spreadsheets a user may expect read
PARALLEL_FROM = 16  # below this many files, starting worker processes costs more than it saves


def find_workbooks(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Finding]]:
    """Files as given, and .xlsx/.xlsm found recursively in folders (sorted, so runs are deterministic). Excel's
    ~$ lock files are skipped with an info finding; a folder with no workbook is a finding."""
    files: list[str] = []
    findings: list[Finding] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = []
            for p in sorted(path.rglob("*")):
                suffix = p.suffix.lower()
                if p.is_symlink() and not p.exists():
                    if suffix in EXTENSIONS:
                        findings.append(finding("link-broken", str(p), reason=f"→ {os.readlink(p)}"))
                    continue
                if not p.is_file():
                    continue
                if suffix in NOT_COLLECTED and not p.name.startswith("~$"):
                    findings.append(finding("file-not-collected", str(p), extension=suffix.lstrip(".")))
                    continue
                if suffix not in EXTENSIONS:
                    continue
                if p.name.startswith("~$"):
                    findings.append(finding("lock-file-skipped", str(p)))
                    continue
                found.append(str(p))
            if not found:
                findings.append(finding("no-workbooks", str(path), path=str(path)))
            files += found
        else:
            files.append(str(path))  # a missing or odd file becomes a finding when it is read
    return list(dict.fromkeys(files)), findings


def _check_chunk(args: tuple[Sequence[str], float]) -> Result:
    """In a worker process: check a chunk of files and send back slim cases (metadata and figures, no table)."""
    from .pipeline import CaseResult

    paths, rate = args
    result = check_files(paths, rate, cross_file_checks=False)
    result.cases = [CaseResult(r.case.without_table(), r.figures) for r in result.cases]
    return result


def check_many(files: Sequence[str], rate: float = DEFAULT_RATE, jobs: int | None = None,
               progress: Callable[[int], None] | None = None) -> Result:
    """check_files over many files; worker processes when there are enough files and cores. Results keep the
    order of `files`."""
    from .consolidate import merge
    from .validate import duplicate_case_numbers

    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        parts = []
        for path in files:
            parts.append(check_files([path], rate, cross_file_checks=False))
            if progress:
                progress(1)
    else:
        size = max(4, min(64, len(files) // (jobs * 8) or 1))
        chunks = [list(files[i:i + size]) for i in range(0, len(files), size)]
        parts = []
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for chunk, part in zip(chunks, pool.map(_check_chunk, [(c, rate) for c in chunks])):
                parts.append(part)
                if progress:
                    progress(len(chunk))
    result = merge(parts)
    _share_strings(result)
    if len(result.files_read) > 1:
        result.findings += duplicate_case_numbers((r.case for r in result.cases), across_files=True)
    return result


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
                 jobs: int | None = None) -> Result:
    """Files and folders (searched recursively) to checked cases; the findings of the search come first."""
    files, found = find_workbooks(inputs)
    result = check_many(files, rate, jobs)
    result.findings = found + result.findings
    return result
