"""read → parse → validate → compute, for one workbook's sheets or for many files. The API the CLI and the
ribbon call; everything here works on plain data."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..figures.compute import DEFAULT_RATE, Figures, compute_case
from ..findings import Finding, finding
from ..figures.followup import FollowUp, Thresholds, follow_up, validate_follow_up
from ..sheet.labels import LISTS_SHEET, normalise
from ..sheet.model import Case
from ..sheet.numbers import as_json_number
from ..sheet.lister import parse_lists, parse_thresholds
from ..sheet.parse import is_case_sheet_name, parse_sheet
from ..read.workbook import Sheet, read_workbook
from ..figures.scenarios import Scenarios, plain_dict, scenarios, validate_companions
from ..check.validate import duplicate_case_numbers, validate_case


@dataclass(slots=True)
class CaseResult:
    case: Case
    figures: Figures
    follow_up: FollowUp | None = None  # realised against expected, when the case has realised figures
    scenarios: Scenarios | None = None  # pessimistic/base/optimistic/expected, when the case has companion rows

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
            "follow_up": None if self.follow_up is None else self.follow_up.to_dict(),
            **(self.scenarios.to_dict() if self.scenarios is not None else plain_dict(f)),
        }


@dataclass
class Result:
    cases: list[CaseResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    @classmethod
    def merged(cls, parts: Iterable["Result"]) -> "Result":
        """The results of several runs as one, in the order given."""
        out = cls()
        for r in parts:
            out.cases += r.cases
            out.findings += r.findings
            out.files_read += r.files_read
            out.files_skipped += r.files_skipped
        return out


def check_sheets(file: str, sheets: Sequence[Sheet], rate: float = DEFAULT_RATE,
                 thresholds: Thresholds | None = None) -> tuple[list[CaseResult], list[Finding]]:
    """One workbook's sheets (from a file or a live book) to checked and computed cases. Sheets that hold a year
    table but are not cases — a blank copy of the template, an overview summing the cases — are left out, each with
    an info finding saying why."""
    lists_sheet = next((s for s in sheets if normalise(s.name) == normalise(LISTS_SHEET)), None)
    lists = parse_lists(lists_sheet.grid if lists_sheet else [])
    lights = thresholds or parse_thresholds(lists_sheet.grid if lists_sheet else [])
    read: list[tuple[Case, list[Finding]]] = []
    findings: list[Finding] = []
    for sheet in sheets:
        if not sheet.worksheet or not is_case_sheet_name(sheet.name):
            continue
        cases, sheet_findings = parse_sheet(file, sheet.name, sheet.grid, hidden=not sheet.visible,
                                            merges=getattr(sheet, "merges", None))
        read += cases
        findings += sheet_findings
    results: list[CaseResult] = []
    cases_only = [c for c, _ in read]
    for case, read_findings in read:
        reason = not_a_case(case, cases_only)
        if reason is not None:
            code, params = reason
            findings.append(finding(code, file, case.sheet, "A1", **params))
            continue
        findings += read_findings
        findings += validate_case(case, lists)
        figures = compute_case(case, rate)
        findings += validate_follow_up(case, figures, lights)
        findings += validate_companions(case)
        results.append(CaseResult(case, figures, follow_up(case, figures, lights), scenarios(case, figures, rate)))
    if not results:
        findings.append(finding("no-case-sheet", file))
    findings += duplicate_case_numbers((r.case for r in results), across_files=False)
    return results, findings


OVERVIEW_NAMES = {normalise(x) for x in ("Samlet", "Overblik", "Oversigt", "Total", "I alt", "Sammenfatning",
                                         "Opsummering", "Resumé", "Samlet oversigt", "Samlet effekt", "Alle cases")}


def not_a_case(case: Case, cases: Sequence[Case]) -> tuple[str, dict[str, Any]] | None:
    """(code, params) when a sheet with a year table is not a case: no Case nr. or title and no amounts (a blank
    template copy), or no Case nr. and amounts that are the sum of the workbook's other cases (an overview)."""
    if case.case_nr:
        return None
    if not case.has_amounts():
        return None if case.title else ("sheet-template-blank", {})
    others = [c for c in cases if c is not case and c.case_nr and c.has_amounts()]
    if len(others) >= 2 and _sums_others(case, others):
        return "sheet-overview", {"count": len(others)}
    if normalise(case.sheet) in OVERVIEW_NAMES and not case.title:
        return "sheet-not-case", {"name": case.sheet}
    return None


def _sums_others(case: Case, others: Sequence[Case]) -> bool:
    """Whether the case's investment and saving by year (in kr.) are the sums of the other cases'."""
    def by_year(c: Case) -> dict[int, tuple[float, float]]:
        f = compute_case(c)
        return {y: (i, s) for y, i, s in zip(f.years, f.investment, f.saving)}

    own = by_year(case)
    total: dict[int, list[float]] = {}
    for other in others:
        for y, (i, s) in by_year(other).items():
            acc = total.setdefault(y, [0.0, 0.0])
            acc[0] += i
            acc[1] += s
    years = set(own) | {y for y, v in total.items() if any(v)}
    from ..sheet.readings import decimals

    # the overview may show the sums rounded: half a unit of its own last decimal (0,05 mio. kr. for "3,3")
    tol = 0.5 * 10.0 ** -decimals([v for r in case.input_rows() for v in r.values]) * case.factor + 0.01
    return all(abs(own.get(y, (0.0, 0.0))[k] - total.get(y, [0.0, 0.0])[k]) <= tol for y in years for k in (0, 1))


def check_files(paths: Iterable[str | os.PathLike[str]], rate: float = DEFAULT_RATE,
                cross_file_checks: bool = True, thresholds: Thresholds | None = None) -> Result:
    result = Result()
    for path in paths:
        name = str(path)
        book = read_workbook(path, name)
        result.findings += book.findings
        if not book.readable:
            result.files_skipped.append(name)
            continue
        result.files_read.append(name)
        cases, findings = check_sheets(name, book.sheets, rate, thresholds)
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
