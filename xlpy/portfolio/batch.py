"""The consolidation jobs the command line (and the ribbon's "Hent afdelinger") run: find and check workbooks,
consolidate, and write the summary sheets — to a new workbook, or into the one workbook given."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

from .collect import add_search, batch_collection, check_many, find_workbooks, without_collection
from ..figures.compute import DEFAULT_RATE
from .consolidate import Consolidation, consolidate
from ..findings import finding
from .pipeline import check_files
from ..figures.followup import Thresholds
from ..figures.stress import StressSettings
from ..layouts.summary import iter_summary_layouts, summary_layouts


def consolidate_files(inputs: Sequence[str], output: str | None, cutoff_year: int | None = None,
                      rate: float = DEFAULT_RATE, lang: str = "da", jobs: int | None = None,
                      on_files: Callable[[int], None] | None = None,
                      progress: Callable[[int], None] | None = None,
                      thresholds: Thresholds | None = None, stress: dict | None = None) -> Consolidation:
    """Folders and files in, one consolidated workbook out (written atomically when `output` is given). `stress`:
    the stress tests' settings given on the command line (a department's Forudsætninger sheet is not used: the
    settings are the consolidating department's, README "Uncertainty")."""
    with batch_collection():
        files, found = find_workbooks(inputs)
        if output is not None:
            out = Path(output).resolve()
            files = [f for f in files if _resolved(f) != out]  # never read our own previous output
        if on_files:
            on_files(len(files))
        result = add_search(check_many(files, rate, jobs, progress, thresholds), found)
        with without_collection():
            c = consolidate(result, cutoff_year, rate, StressSettings().updated(stress or {}, "flag"))
            if output is not None:
                from ..write.xlsx import write_book

                base = os.path.dirname(os.path.abspath(output))
                write_book(output, iter_summary_layouts(c, lang, link_base=base), streaming=True)
        return c


def _resolved(path: str) -> Path | None:
    """The real path, or None for a path that has none (a symbolic-link loop); reading it makes the finding."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return None


def consolidate_in_place(path: str, cutoff_year: int | None = None, rate: float = DEFAULT_RATE,
                         lang: str = "da", thresholds: Thresholds | None = None,
                         stress: dict | None = None) -> tuple[Consolidation, bool]:
    """xlpy's sheets (Overblik, Nøgletal, Pr. år, Pr. område, Fejl) added to or replaced in `path`, as an edit of
    its package: every part xlpy did not make keeps its bytes (inplace.py). Returns the consolidation and whether
    the file was written; when it was not, a finding says why (a sheet of one of xlpy's names that xlpy did not
    make, a file that cannot be edited) and the file is as it was."""
    from ..write.inplace import replace_sheets
    from ..write.package import PackageError
    from ..figures.assumptions import read_assumptions
    from ..read.workbook import sniff

    result = check_files([path], rate, thresholds=thresholds)
    on_sheet, problems = read_assumptions(path) if result.files_read else ({}, [])
    result.findings += problems
    settings = StressSettings().updated(on_sheet, "sheet").updated(stress or {}, "flag")
    c = consolidate(result, cutoff_year, rate, settings)
    if not result.files_read:
        return c, False
    fmt, _ = sniff(Path(path))
    if fmt not in ("xlsx", "xlsm"):
        c.findings.append(finding("in-place-not-possible", path,
                                  reason=f"kun .xlsx og .xlsm kan skrives i (filen er {fmt})"))
        return c, False
    try:
        problems = replace_sheets(path, summary_layouts(c, lang, in_book=path), file=path)
    except PackageError as exc:
        problems = [finding("in-place-not-possible", path, reason=str(exc))]
    c.findings[:0] = problems  # first, so a printout that shows only some findings shows why nothing was written
    return c, not problems
