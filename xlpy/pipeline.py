"""read → parse → validate → compute, for one workbook's sheets or for many files. The API the CLI and the
ribbon call; everything here works on plain data."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .compute import DEFAULT_RATE, Figures, compute_case
from .findings import Finding, finding
from .labels import LISTS_SHEET, normalise
from .model import Case
from .numbers import as_json_number
from .parse import is_case_sheet_name, parse_case_sheet, parse_lists
from .read import Sheet, read_workbook
from .validate import duplicate_case_numbers, validate_case


@dataclass(slots=True)
class CaseResult:
    case: Case
    figures: Figures

    def to_dict(self) -> dict[str, Any]:
        c, f = self.case, self.figures
        amounts = lambda xs: [as_json_number(x) for x in xs]  # noqa: E731
        return {
            "file": c.file,
            "sheet": c.sheet,
            "case_nr": c.case_nr,
            "title": c.title,
            "committee": c.text("committee") or None,
            "area": c.text("area"),
            "category": c.text("category") or None,
            "type": c.text("type"),
            "period": c.text("period"),
            "status": c.text("status") or None,
            "municipality": c.text("municipality") or None,
            "department": c.text("department") or None,
            "realisability": c.fields.get("realisability") if isinstance(c.fields.get("realisability"),
                                                                         (int, float)) else None,
            "unit": c.unit,
            "years": f.years,
            "one_off": amounts(f.one_off),
            "recurring": amounts(f.recurring),
            "investment": amounts(f.investment),
            "saving": amounts(f.saving),
            "net": amounts(f.net),
            "cumulative": amounts(f.cumulative),
            "total_investment": as_json_number(f.total_investment),
            "total_saving": as_json_number(f.total_saving),
            "period_net": as_json_number(f.period_net),
            "full_phase_in_saving": as_json_number(f.full_phase_in_saving),
            "return_per_krone": None if f.return_per_krone is None else round(f.return_per_krone, 4),
            "payback_year": f.payback_year,
            "npv": as_json_number(f.npv),
            "complete": f.complete,
        }


@dataclass
class Result:
    cases: list[CaseResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)


def check_sheets(file: str, sheets: Sequence[Sheet], rate: float = DEFAULT_RATE) -> tuple[list[CaseResult],
                                                                                          list[Finding]]:
    """One workbook's sheets (from a file or a live book) to checked and computed cases."""
    lists_sheet = next((s for s in sheets if normalise(s.name) == normalise(LISTS_SHEET)), None)
    lists = parse_lists(lists_sheet.grid if lists_sheet else [])
    results: list[CaseResult] = []
    findings: list[Finding] = []
    for sheet in sheets:
        if not sheet.worksheet or not is_case_sheet_name(sheet.name):
            continue
        case, read_findings = parse_case_sheet(file, sheet.name, sheet.grid, hidden=not sheet.visible)
        if case is None:
            continue
        findings += read_findings
        findings += validate_case(case, lists)
        results.append(CaseResult(case, compute_case(case, rate)))
    if not results:
        findings.append(finding("no-case-sheet", file))
    findings += duplicate_case_numbers((r.case for r in results), across_files=False)
    return results, findings


def check_files(paths: Iterable[str | os.PathLike[str]], rate: float = DEFAULT_RATE,
                cross_file_checks: bool = True) -> Result:
    result = Result()
    for path in paths:
        name = str(path)
        book = read_workbook(path, name)
        result.findings += book.findings
        if not book.readable:
            result.files_skipped.append(name)
            continue
        result.files_read.append(name)
        cases, findings = check_sheets(name, book.sheets, rate)
        result.cases += cases
        result.findings += findings
    if cross_file_checks and len(result.files_read) > 1:
        result.findings += duplicate_case_numbers((r.case for r in result.cases), across_files=True)
    return result


def validate(paths: Iterable[str | os.PathLike[str]]) -> list[Finding]:
    """All findings for these files and folders, sorted by file, sheet and cell."""
    from .collect import check_inputs

    return check_inputs(paths).sorted_findings()


def compute(paths: Iterable[str | os.PathLike[str]], rate: float = DEFAULT_RATE) -> list[CaseResult]:
    """Every case in these files and folders, with its figures."""
    from .collect import check_inputs

    return check_inputs(paths, rate).cases


def cases_frame(results: Sequence[CaseResult]):  # -> pandas.DataFrame
    """One row per case with its metadata and totals (amounts in kr.); yearly lists stay lists."""
    import pandas as pd  # noqa: PLC0415 (heavy; only this function needs it)

    return pd.DataFrame([r.to_dict() for r in results])
