"""Two submissions compared: what changed, and what it does to each case's figures and to the portfolio's totals.

OLD and NEW are two workbooks or two folders of workbooks (a live book can be one side: see `Version`). Folders are
matched file by file: by the path inside the folder, then ignoring case, then ignoring the extension (a department
that saves its .xls as .xlsx hands in the same file). Cases are matched by their identity: Case nr. with Kommune and
Forvaltning; else the title (a number that is missing or changed); else, within the same file, the Case nr. alone; a
case whose number and title both changed is one case removed and another added. Cases left over in one file are
looked for in the other files (a case moved to another department's workbook, a renamed file) by the same identity.

Rows are matched by label (a unit in parentheses after it left out: "Gevinst (mio. kr.)" is "Gevinst"), the n-th row
of a label with the n-th, and amounts year by year, in kr.; so an inserted row, a moved table, a renamed sheet or
another unit with the same amounts in kr. is no change of amount. A change of unit is reported as one.

Each version is read and checked the way `validate` reads it (in one process: the comparison needs every case's
rows, which collect's worker processes leave behind). A file that cannot be read is a finding in its version
and its cases are not compared. Findings are matched across the versions by file, case, code and what they say (not
by cell, so a finding that moved with an inserted row is the same finding).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from ..figures.compute import DEFAULT_RATE
from .consolidate import Consolidation, consolidate
from ..findings import Finding
from ..sheet.labels import normalise
from ..sheet.model import Case
from ..sheet.numbers import as_json_number
from .pipeline import CaseResult, Result
from .casediff import AMOUNT, COUNTED, FIELD, UNIT, Change, compare_cases, row_id
from .findingdiff import finding_changes

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
COMPARED, NOT_COMPARED, RENAMED = "compared", "not_compared", "renamed"
FIGURES = ("total_investment", "total_saving", "period_net", "return_per_krone", "payback_year", "npv", "complete",
           "in_totals")
TOTALS = ("cases", "total_investment", "total_saving", "total_net", "return_per_krone", "npv")
__all__ = ["ADDED", "AMOUNT", "CHANGED", "COUNTED", "FIELD", "REMOVED", "UNIT", "CaseChange", "Change", "Comparison",
           "FilePair", "Version", "compare", "compare_cases", "compare_paths", "read_version", "row_id"]


# --- the two versions -------------------------------------------------------------------------------------------

@dataclass
class Version:
    """One side: what was given (a file, a folder, a live book's name) and its checked cases and findings."""

    path: str
    result: Result
    folder: bool = False
    consolidation: Consolidation = field(init=False)

    def __post_init__(self) -> None:
        self.consolidation = consolidate(self.result)

    def files(self) -> list[str]:
        """Every file of this version, read or not, once each."""
        return list(dict.fromkeys([*self.result.files_read, *self.result.files_skipped]))

    def name_of(self, file: str) -> str:
        """A file as the comparison names it: its path inside the folder, or its file name."""
        if self.folder:
            try:
                rel = os.path.relpath(file, self.path)
            except ValueError:  # another drive
                return file
            return file if rel.startswith("..") else rel
        return os.path.basename(file) or file


def read_version(path: str | os.PathLike[str], rate: float = DEFAULT_RATE,
                 skip: Sequence[str | os.PathLike[str]] = ()) -> Version:
    """A file or a folder (searched recursively, like every command) read and checked; `skip`: files never read (the
    comparison's own output). One process: worker processes would have to send every case back with its table, and
    on two cores that was slower than reading in one (1.000 workbooks × 10 cases: 9–11 s in one process, 14–18 s
    in two)."""
    from .collect import add_search, check_many, find_workbooks

    files, found = find_workbooks([path])
    skipped = {_resolved(s) for s in skip}
    files = [f for f in files if _resolved(f) not in skipped]
    return Version(str(path), add_search(check_many(files, rate, jobs=1), found), Path(path).is_dir())


def _resolved(path: str | os.PathLike[str]) -> Path | None:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return None


# --- what changed -----------------------------------------------------------------------------------------------

@dataclass
class FilePair:
    old: str | None
    new: str | None
    name: str  # as the comparison shows it (the path inside the folder)
    status: str  # compared | added | removed | not_compared | renamed (a file added and one removed, the same cases)
    unreadable: tuple[str, ...] = ()  # "old", "new": the versions in which the file could not be read

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "status": self.status,
                "unreadable": list(self.unreadable)}


@dataclass
class CaseChange:
    kind: str  # added | removed | changed
    old: CaseResult | None
    new: CaseResult | None
    changes: list[Change]
    figures: dict[str, tuple[Any, Any]]
    file: str  # the file's name in the comparison (the new version's; the old one's for a removed case)

    @property
    def case(self) -> Case:
        return (self.new or self.old).case

    def figure_changed(self, name: str) -> bool:
        old, new = self.figures[name]
        return old != new

    def to_dict(self) -> dict[str, Any]:
        case = self.case
        return {"kind": self.kind, "file": case.file, "sheet": case.sheet, "case_nr": case.case_nr,
                "title": case.title, "old_file": self.old.case.file if self.old else None,
                "old_sheet": self.old.case.sheet if self.old else None,
                "changes": [c.to_dict() for c in self.changes],
                "figures": {name: list(pair) for name, pair in self.figures.items()}}


@dataclass
class Comparison:
    old: Version
    new: Version
    files: list[FilePair]
    cases: list[CaseChange]  # the cases added, removed or changed
    unchanged: int  # cases in both versions with nothing changed
    totals: dict[str, tuple[Any, Any]]
    appeared: list[Finding]
    disappeared: list[Finding]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.cases if c.kind == kind)

    @property
    def changed(self) -> bool:
        return bool(self.cases or self.appeared or self.disappeared
                    or any(p.status not in (COMPARED, RENAMED) for p in self.files)
                    or any(old != new for old, new in self.totals.values()))

    def to_dict(self, lang: str = "da") -> dict[str, Any]:
        return {
            "old": self.old.path,
            "new": self.new.path,
            "changed": self.changed,
            "summary": {ADDED: self.count(ADDED), REMOVED: self.count(REMOVED), CHANGED: self.count(CHANGED),
                        "unchanged": self.unchanged},
            "files": [p.to_dict() for p in self.files],
            "cases": [c.to_dict() for c in self.cases],
            "totals": {name: list(pair) for name, pair in self.totals.items()},
            "findings": {"appeared": [f.to_dict(lang) for f in self.appeared],
                         "disappeared": [f.to_dict(lang) for f in self.disappeared]},
        }


# --- the comparison ---------------------------------------------------------------------------------------------

def compare_paths(old: str | os.PathLike[str], new: str | os.PathLike[str], rate: float = DEFAULT_RATE,
                  skip: Sequence[str | os.PathLike[str]] = ()) -> Comparison:
    """Two workbooks or two folders, read, checked and compared."""
    return compare(read_version(old, rate, skip), read_version(new, rate, skip))


def compare(old: Version, new: Version) -> Comparison:
    files = pair_files(old, new)
    cases_old = _by_file(old.result.cases)
    cases_new = _by_file(new.result.cases)

    pairs: list[tuple[CaseResult | None, CaseResult | None, str]] = []  # (old, new, name of the file)
    rest_old: list[CaseResult] = []
    rest_new: list[tuple[CaseResult, str]] = []
    for p in files:
        if p.status == NOT_COMPARED:
            continue
        olds, news = cases_old.get(p.old, []), cases_new.get(p.new, [])
        matched, left_o, left_n = match(olds, news, SAME_FILE_KEYS) if p.status == COMPARED else ([], olds, news)
        pairs += [(o, n, p.name) for o, n in matched]
        rest_old += left_o
        rest_new += [(n, p.name) for n in left_n]
    # cases left over in one file, found in another (a case moved to another workbook, a renamed file)
    matched, left_o, left_n = match(rest_old, [n for n, _ in rest_new], ANY_FILE_KEYS)
    name_new = {id(n): name for n, name in rest_new}
    pairs += [(o, n, name_new[id(n)]) for o, n in matched]
    pairs += [(None, n, name_new[id(n)]) for n in left_n]
    pairs += [(o, None, old.name_of(o.case.file)) for o in left_o]  # a removed case: where it was
    files = _renamed(files, matched, left_o, left_n)

    changes: list[CaseChange] = []
    unchanged = 0
    order_new = {id(r): i for i, r in enumerate(new.result.cases)}
    order_old = {id(r): i for i, r in enumerate(old.result.cases)}
    for o, n, name in pairs:
        if o is not None and n is not None:
            found = compare_cases(o.case, n.case)
            figures = _figures(o, n, old, new)
            if found or any(a != b for a, b in figures.values()):
                changes.append(CaseChange(CHANGED, o, n, found, figures, name))
            else:
                unchanged += 1
        elif n is not None:
            changes.append(CaseChange(ADDED, None, n, [], _figures(None, n, old, new), name))
        else:
            changes.append(CaseChange(REMOVED, o, None, [], _figures(o, None, old, new), name))
    changes.sort(key=lambda c: (c.file.casefold(), c.kind == REMOVED,
                                order_new.get(id(c.new), 0) if c.new else order_old.get(id(c.old), 0)))
    appeared, disappeared = finding_changes(old, new, files, pairs)
    return Comparison(old, new, files, changes, unchanged, _totals(old, new), appeared, disappeared)


def _renamed(files: list[FilePair], moved: Sequence[tuple[CaseResult, CaseResult]], left_old: Sequence[CaseResult],
             left_new: Sequence[CaseResult]) -> list[FilePair]:
    """A file removed and a file added that hold the same cases, every one of them matched from the one to the other,
    are one file renamed."""
    removed = {p.old: p for p in files if p.status == REMOVED}
    added = {p.new: p for p in files if p.status == ADDED}
    targets: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for o, n in moved:
        targets[o.case.file].add(n.case.file)
        sources[n.case.file].add(o.case.file)
    unmatched = {r.case.file for r in (*left_old, *left_new)}
    renames = {}
    for file, (target, *more) in ((f, sorted(t)) for f, t in targets.items()):
        if file in removed and target in added and not more and sources[target] == {file} \
                and file not in unmatched and target not in unmatched:
            renames[file] = target
    if not renames:
        return files
    gone = set(renames) | set(renames.values())
    out = [p for p in files if (p.old if p.status == REMOVED else p.new) not in gone]
    out += [FilePair(o, n, added[n].name, RENAMED) for o, n in renames.items()]
    return sorted(out, key=lambda p: p.name.casefold())


def _by_file(results: Sequence[CaseResult]) -> dict[str, list[CaseResult]]:
    out: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        out[r.case.file].append(r)
    return out


def pair_files(old: Version, new: Version) -> list[FilePair]:
    """The files of the two versions, matched: two workbooks are each other's versions whatever their names; in
    folders, by the path inside the folder, then ignoring case, then ignoring the extension as well."""
    olds, news = old.files(), new.files()
    matched: list[tuple[str, str]] = []
    if not old.folder and not new.folder:
        if olds and news:
            matched = [(olds[0], news[0])]
            olds, news = olds[1:], news[1:]
    else:
        for key in (lambda v, f: v.name_of(f), lambda v, f: v.name_of(f).casefold(),
                    lambda v, f: os.path.splitext(v.name_of(f).casefold())[0]):
            by_key: dict[str, list[str]] = defaultdict(list)
            for f in news:
                by_key[key(new, f)].append(f)
            rest = []
            for f in olds:
                candidates = by_key.get(key(old, f))
                if candidates:
                    n = candidates.pop(0)
                    matched.append((f, n))
                    news = [x for x in news if x != n]
                else:
                    rest.append(f)
            olds = rest
    read_old, read_new = set(old.result.files_read), set(new.result.files_read)
    out = []
    for o, n in matched:
        unreadable = tuple(side for side, f, read in (("old", o, read_old), ("new", n, read_new)) if f not in read)
        out.append(FilePair(o, n, new.name_of(n), NOT_COMPARED if unreadable else COMPARED, unreadable))
    out += [FilePair(o, None, old.name_of(o), REMOVED) for o in olds]
    out += [FilePair(None, n, new.name_of(n), ADDED) for n in news]
    return sorted(out, key=lambda p: p.name.casefold())


# --- matching cases ---------------------------------------------------------------------------------------------

def _ident(text: str) -> str:
    return " ".join(text.split()).casefold()


def _full_id(r: CaseResult) -> tuple | None:
    c = r.case
    nr = _ident(c.case_nr)
    return (nr, _ident(c.text("municipality")), _ident(c.text("department"))) if nr else None


def _strong_id(r: CaseResult) -> tuple | None:
    """Case nr. with Kommune or Forvaltning: an identity that holds across workbooks."""
    key = _full_id(r)
    return key if key and (key[1] or key[2]) else None


def _title(r: CaseResult) -> str | None:
    return _ident(r.case.title) or None


def _number(r: CaseResult) -> str | None:
    return _ident(r.case.case_nr) or None


def _anonymous(r: CaseResult) -> str | None:
    """A case with neither number nor title: known only by its sheet."""
    c = r.case
    return None if c.case_nr or c.title else normalise(c.sheet)


Key = Callable[[CaseResult], Any]
SAME_FILE_KEYS: tuple[Key, ...] = (_full_id, _title, _number, _anonymous)
ANY_FILE_KEYS: tuple[Key, ...] = (_strong_id, _title)


def match(olds: Sequence[CaseResult], news: Sequence[CaseResult], keys: Sequence[Key]) -> tuple[
        list[tuple[CaseResult, CaseResult]], list[CaseResult], list[CaseResult]]:
    """Pairs of the same case, by the first key that both give (the n-th of a key with the n-th), and what is left
    of each side, in order."""
    pairs: list[tuple[CaseResult, CaseResult]] = []
    olds, news = list(olds), list(news)
    for key in keys:
        by_key: dict[Any, list[CaseResult]] = defaultdict(list)
        for n in news:
            k = key(n)
            if k is not None:
                by_key[k].append(n)
        taken: set[int] = set()
        rest = []
        for o in olds:
            k = key(o)
            candidates = by_key.get(k) if k is not None else None
            if candidates:
                n = candidates.pop(0)
                pairs.append((o, n))
                taken.add(id(n))
            else:
                rest.append(o)
        olds, news = rest, [n for n in news if id(n) not in taken]
    return pairs, olds, news


# --- the figures -------------------------------------------------------------------------------------------

def figures_of(r: CaseResult | None, v: Version | None = None) -> dict[str, Any]:
    """The figures a change is judged by, rounded as they are reported (kr. to the øre, kr. igen to 4 decimals);
    `in_totals`: whether the version's totals count the case (not Opgivet, not a duplicate)."""
    if r is None:
        return {name: None for name in FIGURES}
    f = r.figures
    return {"total_investment": as_json_number(f.total_investment), "total_saving": as_json_number(f.total_saving),
            "period_net": as_json_number(f.period_net),
            "return_per_krone": None if f.return_per_krone is None else round(f.return_per_krone, 4),
            "payback_year": f.payback_year, "npv": as_json_number(f.npv), "complete": f.complete,
            "in_totals": None if v is None else v.consolidation.counted(r)}


def _figures(old: CaseResult | None, new: CaseResult | None, v_old: Version,
             v_new: Version) -> dict[str, tuple[Any, Any]]:
    a, b = figures_of(old, v_old), figures_of(new, v_new)
    return {name: (a[name], b[name]) for name in FIGURES}


def totals_of(v: Version) -> dict[str, Any]:
    """The portfolio's totals as consolidate counts them (Opgivet and duplicates left out), plus the NPV sum."""
    c = v.consolidation
    k = c.whole
    npv = sum(r.figures.npv for r in c.results if c.counted(r))
    return {"cases": k.cases, "total_investment": as_json_number(k.investment),
            "total_saving": as_json_number(k.saving), "total_net": as_json_number(k.net),
            "return_per_krone": None if k.return_per_krone is None else round(k.return_per_krone, 4),
            "npv": as_json_number(npv)}


def _totals(old: Version, new: Version) -> dict[str, tuple[Any, Any]]:
    a, b = totals_of(old), totals_of(new)
    return {name: (a[name], b[name]) for name in TOTALS}
