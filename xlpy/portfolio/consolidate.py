"""Consolidation: many checked cases in, the figures of the summary sheets out (plain data, amounts in kr.).

Totals by year run over the union of the counted cases' years. What goes into the totals (README, "What goes into
totals"): every case is listed in Overblik, but a case with status Opgivet and a duplicate (the one a duplicate
finding names) are left out of every sum and count; a case whose figures are incomplete is counted with what could
be read and marked. A counted case belongs to its primary area (the first of "A; B") for amounts, and to all its
areas and categories for the counts of examples per area and per category (KL's catalogue prints one example under
several). Cases without yearly figures are counted but add nothing to the sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..figures.compute import DEFAULT_RATE, running_sum
from ..findings import Finding, Severity
from ..sheet.labels import normalise
from .pipeline import CaseResult, Result
from ..figures.stress import StressSettings

NO_AREA = "(uden område)"
NO_CATEGORY = "(uden kategori)"


@dataclass
class Totals:
    saving: list[float]
    investment: list[float]
    net: list[float]
    cumulative: list[float]
    cases: int = 0

    @classmethod
    def empty(cls, n: int) -> "Totals":
        return cls([0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n)

    def add(self, amounts: Sequence[tuple[int, float, float]]) -> None:
        """Add a case's amounts by year, as by_year() gives them (an index into these totals, saving, investment)."""
        self.cases += 1
        saving, investment, net = self.saving, self.investment, self.net
        for j, s, i in amounts:
            saving[j] += s
            investment[j] += i
            net[j] += s - i

    def finish(self) -> None:
        self.saving = [round(v, 2) for v in self.saving]
        self.investment = [round(v, 2) for v in self.investment]
        self.net = [round(v, 2) for v in self.net]
        self.cumulative = running_sum(self.net)


@dataclass
class KeyFigures:
    cases: int
    first_year: int | None
    last_year: int | None
    areas: int
    investment: float
    saving: float
    net: float

    @property
    def return_per_krone(self) -> float | None:
        return self.saving / self.investment if self.investment > 0 else None


@dataclass
class Consolidation:
    results: list[CaseResult]
    years: list[int]
    total: Totals
    by_area: dict[str, Totals]
    counts_by_area_year: dict[str, list[int]]
    examples_by_area: dict[str, int]
    examples_by_category: dict[str, int]
    whole: KeyFigures
    cut: KeyFigures
    cutoff_year: int | None
    findings: list[Finding]
    files_read: list[str]
    files_skipped: list[tuple[str, str]]  # (file, finding code)
    errors_by_case: dict[int, int] = field(default_factory=dict)  # id(result) -> number of fejl on its case
    left_out: dict[int, str] = field(default_factory=dict)  # id(result) -> "opgivet" | "duplicate"
    not_a_case: int = 0  # sheets with a year table that are not cases (overview, blank template)
    rate: float = DEFAULT_RATE  # the discount rate the cases were computed with (the stress tests move it)
    stress: StressSettings = field(default_factory=StressSettings)  # the stress tests' settings

    def counted(self, result: CaseResult) -> bool:
        return id(result) not in self.left_out

    def left_out_counts(self) -> dict[str, int]:
        counts = {"opgivet": 0, "duplicate": 0, "not_a_case": self.not_a_case}
        for reason in self.left_out.values():
            counts[reason] += 1
        return counts

    @property
    def sources(self) -> list[str]:
        return self.files_read + [f for f, _ in self.files_skipped]

    def severity_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts


def primary_area(result: CaseResult) -> str:
    areas = result.case.values("area")
    return areas[0] if areas else NO_AREA


def by_year(result: CaseResult, first: int) -> list[tuple[int, float, float]]:
    """A case's amounts as Totals.add takes them: (year - first, saving, investment) for each of its years."""
    f = result.figures
    return [(year - first, saving, investment)
            for year, saving, investment in zip(f.years, f.saving, f.recurring_and_one_off())]


def _key_figures(cases: int, areas: int, years: Sequence[int], total: Totals, last: int | None) -> KeyFigures:
    upto = [i for i, y in enumerate(years) if last is None or y <= last]
    return KeyFigures(
        cases=cases,
        first_year=years[0] if years else None,
        last_year=(years[upto[-1]] if upto else None) if years else None,
        areas=areas,
        investment=round(sum(total.investment[i] for i in upto), 2),
        saving=round(sum(total.saving[i] for i in upto), 2),
        net=round(sum(total.net[i] for i in upto), 2),
    )


def _errors_by_case(results: Sequence[CaseResult], findings: Sequence[Finding]) -> dict[int, int]:
    """The fejl on each case's sheet; where a sheet holds several cases (stacked or side by side), each fejl goes
    to the case whose part of the sheet holds its cell."""
    from ..cells import split_a1

    by_sheet: dict[tuple[str, str], list[CaseResult]] = {}
    for r in results:
        by_sheet.setdefault((r.case.file, r.case.sheet), []).append(r)
    starts: dict[tuple[str, str], tuple[bool, list[tuple[int, CaseResult]]]] = {}
    for key, rs in by_sheet.items():
        if len(rs) > 1:
            side_by_side = len({r.case.label_col for r in rs}) == len(rs)
            begin = [(r.case.label_col if side_by_side else min([r.case.header_row] + [
                split_a1(a)[0] for a in r.case.field_cells.values()]), r) for r in rs]
            starts[key] = (side_by_side, sorted(begin, key=lambda x: x[0]))
    out: dict[int, int] = {}
    for f in findings:
        if f.severity is not Severity.ERROR or not f.sheet:
            continue
        rs = by_sheet.get((f.file, f.sheet))
        if not rs:
            continue
        owner = rs[0]
        if (f.file, f.sheet) in starts and f.cell:
            side_by_side, begin = starts[(f.file, f.sheet)]
            row, col = split_a1(f.cell)
            at = col if side_by_side else row
            owner = next((r for start, r in reversed(begin) if start <= at), begin[0][1])
        out[id(owner)] = out.get(id(owner), 0) + 1
    return out


def default_cutoff(years: Sequence[int]) -> int | None:
    """The budget year and three overslagsår: the first year + 3 (or the last year, if earlier)."""
    return min(years[0] + 3, years[-1]) if years else None


ABANDONED = "opgivet"
DUPLICATE_CODES = ("duplicate-case-nr", "duplicate-case")
NOT_A_CASE_CODES = ("sheet-overview", "sheet-template-blank", "sheet-not-case")


def left_out_of_totals(results: Sequence[CaseResult], findings: Sequence[Finding]) -> dict[int, str]:
    """id(result) -> why the case is listed but not summed: "opgivet" (status Opgivet) or "duplicate" (the case a
    duplicate finding names; the first of the two is summed)."""
    duplicates = {(f.file, f.sheet, f.cell) for f in findings if f.code in DUPLICATE_CODES}
    out = {}
    for r in results:
        case = r.case
        if normalise(case.text("status")) == ABANDONED:
            out[id(r)] = "opgivet"
        elif duplicates and any((case.file, case.sheet, case.cell_of(name)) in duplicates
                                for name in ("case_nr", "title")):
            out[id(r)] = "duplicate"
    return out


def consolidate(result: Result, cutoff_year: int | None = None, rate: float = DEFAULT_RATE,
                stress: StressSettings | None = None) -> Consolidation:
    """`rate` is the one the cases were computed with (check_files' rate); `stress` the stress tests' settings."""
    all_results = list(result.cases)
    left_out = left_out_of_totals(all_results, result.findings)
    results = [r for r in all_results if id(r) not in left_out]  # what the sums and counts run over
    with_years = [r for r in results if r.figures.years and r.figures.has_amounts]
    counted = {id(r) for r in with_years}
    first = min((min(r.figures.years) for r in with_years), default=None)
    last = max((max(r.figures.years) for r in with_years), default=None)
    years = list(range(first, last + 1)) if first is not None and last is not None else []
    n = len(years)

    total = Totals.empty(n)
    by_area: dict[str, Totals] = {}
    counts: dict[str, list[int]] = {}
    areas_of = [r.case.values("area") for r in results]  # each case's areas, the first its primary one
    for r, areas in zip(results, areas_of):
        area = areas[0] if areas else NO_AREA  # primary_area(r)
        if area not in by_area:
            by_area[area], counts[area] = Totals.empty(n), [0] * n
        area_totals, area_counts = by_area[area], counts[area]
        if id(r) in counted:
            amounts = by_year(r, first)
            total.add(amounts)
            area_totals.add(amounts)
            for y in set(r.figures.years):
                area_counts[y - first] += 1
        else:
            area_totals.cases += 1
    total.cases = len(results)
    total.finish()
    for t in by_area.values():
        t.finish()

    examples_by_area: dict[str, int] = {}
    examples_by_category: dict[str, int] = {}
    for r, areas in zip(results, areas_of):
        for a in dict.fromkeys(areas) or [NO_AREA]:
            examples_by_area[a] = examples_by_area.get(a, 0) + 1
        for c in dict.fromkeys(r.case.values("category")) or [NO_CATEGORY]:
            examples_by_category[c] = examples_by_category.get(c, 0) + 1

    findings = list(result.findings)
    findings.sort(key=Finding.sort_key)
    errors = _errors_by_case(all_results, findings)

    cutoff = cutoff_year if cutoff_year is not None else default_cutoff(years)
    skipped = set(result.files_skipped)
    skipped_reasons = {f.file: f.code for f in result.findings if f.file in skipped}
    areas = len({a for case_areas in areas_of for a in case_areas})  # the same for the whole period and the cut
    return Consolidation(
        results=all_results,
        years=years,
        total=total,
        by_area=dict(sorted(by_area.items())),
        counts_by_area_year=dict(sorted(counts.items())),
        examples_by_area=dict(sorted(examples_by_area.items())),
        examples_by_category=dict(sorted(examples_by_category.items())),
        whole=_key_figures(len(results), areas, years, total, None),
        cut=_key_figures(len(results), areas, years, total, cutoff),
        cutoff_year=cutoff,
        findings=findings,
        files_read=list(result.files_read),
        files_skipped=[(f, skipped_reasons.get(f, "file-unreadable")) for f in result.files_skipped],
        errors_by_case=errors,
        left_out=left_out,
        not_a_case=sum(1 for f in findings if f.code in NOT_A_CASE_CODES),
        rate=rate,
        stress=stress or StressSettings(),
    )


def key_figures_json(c: Consolidation, lang: str = "da") -> dict:
    from ..sheet.numbers import as_json_number

    def figures(k: KeyFigures) -> dict:
        return {"cases": k.cases, "period": [k.first_year, k.last_year] if k.first_year else None, "areas": k.areas,
                "total_investment": as_json_number(k.investment), "total_saving": as_json_number(k.saving),
                "total_net": as_json_number(k.net),
                "return_per_krone": None if k.return_per_krone is None else round(k.return_per_krone, 4)}

    out = {**figures(c.whole), "files_read": len(c.files_read), "files_skipped": len(c.files_skipped)}
    out["skipped"] = [{"file": f, "reason": code} for f, code in c.files_skipped]
    out["cutoff_year"] = c.cutoff_year
    out["until_cutoff"] = figures(c.cut)
    out["by_area"] = [{"area": a, "cases": t.cases, "total_investment": as_json_number(sum(t.investment)),
                       "total_saving": as_json_number(sum(t.saving)), "total_net": as_json_number(sum(t.net))}
                      for a, t in c.by_area.items()]
    out["examples_by_area"] = c.examples_by_area
    out["examples_by_category"] = c.examples_by_category
    out["cases_listed"] = len(c.results)
    out["left_out"] = c.left_out_counts()
    out["incomplete"] = sum(1 for r in c.results if c.counted(r) and not r.figures.complete)
    from ..figures.followup import follow_up_json

    out["follow_up"] = follow_up_json(c.results, c.counted, primary_area)
    from ..figures.stress import portfolio_scenarios, stress_json

    counted = [r for r in c.results if c.counted(r)]
    out["scenarios"] = {p.name: p.to_dict() for p in portfolio_scenarios(counted)}
    out["stress_tests"] = stress_json([r.figures for r in counted], c.rate, c.stress, lang)
    out["rate"] = c.rate
    out["findings"] = c.severity_counts()
    return out

