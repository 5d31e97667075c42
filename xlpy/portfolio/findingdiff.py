"""Findings that appeared or disappeared between two versions.

A finding is known by its file (as the comparison pairs the files), its case (as the comparison pairs the cases; a
finding on a sheet with several cases belongs to the case whose block holds its cell; else its sheet), its code and
its parameters, not by its cell or the other places it names: a finding that moved with an inserted row, or on a sheet
that was renamed, is the same finding. Counted as a multiset, so a second identical finding is a new one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Sequence

from ..cells import split_a1
from ..findings import Finding
from ..sheet.labels import normalise
from ..sheet.model import Case
from .pipeline import CaseResult

if TYPE_CHECKING:
    from .diff import FilePair, Version

NOT_COMPARED = "not_compared"
_CELLS = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?(?:,\s*\$?[A-Z]{1,3}\$?\d+)*$")
PLACE_PARAMS = frozenset({"other", "path", "cells", "first_cell", "second_cell"})  # where, not what


def _what(f: Finding) -> tuple:
    """A finding's code and parameters without the places it names (cells, other files, folders)."""
    return (f.code, *((k, repr(v)) for k, v in f.params
                      if k not in PLACE_PARAMS and not (isinstance(v, str) and _CELLS.match(v))))


def _box(case: Case) -> tuple[int, int, int, int]:
    """The rows and columns a case covers on its sheet (metadata block and table)."""
    cells = [split_a1(c) for c in (*case.field_cells.values(), *case.label_cells.values())]
    rows = [r for r, _ in cells] + [case.header_row] + [r.row for r in (*case.input_rows(), *case.subrows,
                                                                           *case.beside, *case.rows.values())]
    cols = [c for _, c in cells] + [case.label_col, *case.year_cols] + [
        c for c in (case.total_col, case.counted_col) if c is not None]
    return min(rows), max(rows), min(cols), max(cols)


def _whose(f: Finding, cases: Sequence[tuple[Case, Any]]) -> Any:
    """The case a finding on a sheet is about: the sheet's one case, or the one whose block holds the cell."""
    if len(cases) == 1:
        return cases[0][1]
    if f.cell and cases:
        try:
            row, col = split_a1(f.cell)
        except ValueError:
            return None
        for case, ident in cases:
            top, bottom, left, right = _box(case)
            if top <= row <= bottom and left <= col <= right:
                return ident
    return None


def finding_changes(old: Version, new: Version, files: Sequence[FilePair],
                    pairs: Sequence[tuple[CaseResult | None, CaseResult | None, str]]) -> tuple[list[Finding],
                                                                                                 list[Finding]]:
    """(appeared, disappeared): findings in the new version that the old one does not have, and the other way round.
    A finding is known by its file (as the files are paired), its case (as the cases are paired; else its sheet),
    its code and its parameters, not by its cell. In a file that is not compared, only the findings about the file
    itself count (why it could not be read)."""
    ids: dict[int, Any] = {}
    for k, (o, n, _) in enumerate(pairs):
        for r in (o, n):
            if r is not None:
                ids[id(r)] = ("case", k)
    file_id: dict[str, Any] = {}
    for k, p in enumerate(files):
        for f in (p.old, p.new):
            if f:
                file_id[f] = ("file", k)
    not_compared = {f for p in files if p.status == NOT_COMPARED for f in (p.old, p.new) if f}

    def keyed(v: Version) -> dict[tuple, list[Finding]]:
        sheets: dict[tuple[str, str], list[tuple[Case, Any]]] = defaultdict(list)
        for r in v.result.cases:
            sheets[(r.case.file, r.case.sheet)].append((r.case, ids.get(id(r))))
        out: dict[tuple, list[Finding]] = defaultdict(list)
        for f in v.result.findings:
            if f.file in not_compared and f.sheet:
                continue
            where = file_id.get(f.file, ("name", v.name_of(f.file)))
            ident = _whose(f, sheets.get((f.file, f.sheet), ())) if f.sheet else None
            place = ident if ident is not None else (where, normalise(f.sheet or ""))
            out[(place, *_what(f))].append(f)
        return out

    before, after = keyed(old), keyed(new)
    appeared = [f for key, fs in after.items() for f in fs[len(before.get(key, ())):]]
    disappeared = [f for key, fs in before.items() for f in fs[len(after.get(key, ())):]]
    return sorted(appeared, key=Finding.sort_key), sorted(disappeared, key=Finding.sort_key)
