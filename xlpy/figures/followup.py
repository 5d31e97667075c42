"""Follow-up: what a case has realised against what it expected, up to and including its follow-up year.

The realised figures are the optional rows "Realiseret investering" and "Realiseret gevinst" under the year table
(labels.realised_kind), in the sheet's unit; the follow-up year is the Opfølgningsår field, or else the last year
with any realised value. Realisation rate = realised gain ÷ expected gain to date; the light is grøn at ≥ 90 %, gul at
60–90 %, rød below 60 % (thresholds configurable). Amounts in kr.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..cells import a1
from .compute import Figures
from ..findings import finding
from ..sheet.labels import normalise
from ..sheet.model import Case, text_of

GREEN, YELLOW = 0.9, 0.6  # default thresholds of the light
LIGHTS = ("grøn", "gul", "rød")


@dataclass(frozen=True, slots=True)
class Thresholds:
    green: float = GREEN
    yellow: float = YELLOW

    def light(self, rate: float | None) -> str | None:
        if rate is None:
            return None
        return "grøn" if rate >= self.green else "gul" if rate >= self.yellow else "rød"


@dataclass(slots=True)
class FollowUp:
    year: int
    expected_investment: float
    realised_investment: float
    expected_saving: float
    realised_saving: float
    realisation_rate: float | None  # None when nothing was expected to date
    light: str | None
    saving_to_come: float  # expected gain after the follow-up year
    reason: str  # Forklaring på afvigelse, as typed
    saving_by_year: tuple[tuple[int, float], ...] = ()  # realised gain by year (kr.), up to the follow-up year

    @property
    def deviation(self) -> float:
        return round(self.realised_saving - self.expected_saving, 2)

    def to_dict(self) -> dict[str, Any]:
        from ..sheet.numbers import as_json_number

        return {"year": self.year,
                "expected_saving_to_date": as_json_number(self.expected_saving),
                "realised_saving_to_date": as_json_number(self.realised_saving),
                "expected_investment_to_date": as_json_number(self.expected_investment),
                "realised_investment_to_date": as_json_number(self.realised_investment),
                "realisation_rate": None if self.realisation_rate is None else round(self.realisation_rate, 4),
                "light": self.light,
                "deviation": as_json_number(self.deviation),
                "expected_saving_to_come": as_json_number(self.saving_to_come),
                "reason": self.reason or None}


def realised_rows(case: Case) -> list:
    return [r for r in case.beside if r.key in ("realised_investment", "realised_saving")]


def typed_years(case: Case) -> list[int]:
    """The years in which any realised value is typed."""
    typed = set()
    for row in realised_rows(case):
        for i, v in enumerate(row.values):
            if v is not None and i < len(case.years):
                typed.add(case.years[i])
    return sorted(typed)


def follow_up_year(case: Case) -> int | None:
    """The Opfølgningsår field when it is a year of the table, else the last year with a realised value."""
    raw = case.fields.get("follow_up_year")
    text = text_of(raw)
    if text.isdigit() and int(text) in case.years:
        return int(text)
    typed = typed_years(case)
    return typed[-1] if typed else None


def follow_up(case: Case, figures: Figures, thresholds: Thresholds = Thresholds()) -> FollowUp | None:
    """The case's follow-up, or None when it has no realised figures."""
    rows = realised_rows(case)
    year = follow_up_year(case)
    if not rows or year is None or not typed_years(case):
        return None
    upto = [i for i, y in enumerate(figures.years) if y <= year]
    factor = case.factor

    def realised(kind: str) -> float:
        return round(sum((r.values[i] or 0.0) * factor for r in rows if r.key == kind for i in upto
                         if i < len(r.values)), 2)

    expected_saving = round(sum(figures.saving[i] for i in upto), 2)
    expected_investment = round(sum(figures.investment[i] for i in upto), 2)
    realised_saving = realised("realised_saving")
    rate = realised_saving / expected_saving if expected_saving > 0 else None
    return FollowUp(
        year=year,
        expected_investment=expected_investment,
        realised_investment=realised("realised_investment"),
        expected_saving=expected_saving,
        realised_saving=realised_saving,
        realisation_rate=rate,
        light=thresholds.light(rate),
        saving_to_come=round(sum(s for y, s in zip(figures.years, figures.saving) if y > year), 2),
        reason=case.text("deviation_reason"),
        saving_by_year=tuple((figures.years[i], round(sum((r.values[i] or 0.0) * factor for r in rows
                                                          if r.key == "realised_saving" and i < len(r.values)), 2))
                             for i in upto),
    )


def current_year() -> int:
    """This year; SOURCE_DATE_EPOCH (repeatable runs and tests) decides when it is set (made.now)."""
    from ..made import now

    return now().year


_UNDER_WAY = (normalise("Implementeret"), normalise("Igangsat"))  # statuses that call for a follow-up


def validate_follow_up(case: Case, figures: Figures, thresholds: Thresholds = Thresholds()) -> list:
    """The follow-up rules: realised figures after the follow-up year, realised gains where none was expected, a
    case under way with no follow-up, a red light without a reason, a follow-up year outside the table."""
    out = []

    def add(code: str, cell: str | None, **params: Any) -> None:
        out.append(finding(code, case.file, case.sheet, cell, **params))

    if not case.years:
        return out
    raw = text_of(case.fields.get("follow_up_year"))
    if raw and not (raw.isdigit() and int(raw) in case.years):
        add("follow-up-year-invalid", case.cell_of("follow_up_year"), value=raw, first=str(case.years[0]),
            last=str(case.years[-1]))
    rows = realised_rows(case)
    typed = typed_years(case)
    if not typed:
        status = normalise(case.text("status"))
        first_gain = next((y for y, s in zip(figures.years, figures.saving) if s > 0), None)
        if status in _UNDER_WAY and first_gain is not None \
                and first_gain < current_year():
            add("follow-up-missing", case.cell_of("status"), status=case.text("status"), year=str(first_gain))
        return out
    year = follow_up_year(case)
    after = [y for y in typed if year is not None and y > year]
    if after:
        row = next(r for r in rows if r.values[case.years.index(after[0])] is not None)
        add("realised-after-follow-up-year", row.cell(case.years.index(after[0]), case.year_cols),
            year=str(after[0]), follow_up_year=str(year))
    for row in rows:
        if row.key != "realised_saving":
            continue
        for i, v in enumerate(row.values):
            if v and i < len(figures.saving) and not figures.saving[i]:
                add("realised-without-expected", row.cell(i, case.year_cols), year=str(case.years[i]))
                break
    result = follow_up(case, figures, thresholds)
    if result is not None and result.light == "rød" and not result.reason:
        add("follow-up-red-without-reason", case.cell_of("deviation_reason") or
            a1(rows[0].row, case.label_col), rate=f"{round(result.realisation_rate * 100)} %", year=str(result.year))
    return out


@dataclass(slots=True)
class FollowUpTotals:
    """Expected against realised to date, summed over the cases that have realised figures."""

    cases: int = 0
    expected_investment: float = 0.0
    realised_investment: float = 0.0
    expected_saving: float = 0.0
    realised_saving: float = 0.0

    def add(self, f: FollowUp) -> None:
        self.cases += 1
        self.expected_investment += f.expected_investment
        self.realised_investment += f.realised_investment
        self.expected_saving += f.expected_saving
        self.realised_saving += f.realised_saving

    @property
    def realisation_rate(self) -> float | None:
        return self.realised_saving / self.expected_saving if self.expected_saving > 0 else None

    def to_dict(self, thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
        from ..sheet.numbers import as_json_number

        rate = self.realisation_rate
        return {"cases": self.cases,
                "expected_saving_to_date": as_json_number(self.expected_saving),
                "realised_saving_to_date": as_json_number(self.realised_saving),
                "expected_investment_to_date": as_json_number(self.expected_investment),
                "realised_investment_to_date": as_json_number(self.realised_investment),
                "realisation_rate": None if rate is None else round(rate, 4),
                "light": thresholds.light(rate)}


def portfolio_follow_up(results: Any, counted: Any, area_of: Any) -> tuple[FollowUpTotals, dict[str, FollowUpTotals],
                                                                           int]:
    """(totals, totals per area, number of counted cases without follow-up whose first gain year has passed)."""
    total = FollowUpTotals()
    by_area: dict[str, FollowUpTotals] = {}
    missing = 0
    this_year = current_year()
    for r in results:
        if not counted(r):
            continue
        if r.follow_up is None:
            first_gain = next((y for y, s in zip(r.figures.years, r.figures.saving) if s > 0), None)
            missing += first_gain is not None and first_gain < this_year
            continue
        total.add(r.follow_up)
        by_area.setdefault(area_of(r), FollowUpTotals()).add(r.follow_up)
    return total, dict(sorted(by_area.items())), missing


def follow_up_json(results: Any, counted: Any, area_of: Any) -> dict[str, Any]:
    total, by_area, missing = portfolio_follow_up(results, counted, area_of)
    return {**total.to_dict(), "cases_without_follow_up": missing,
            "by_area": [{"area": a, **t.to_dict()} for a, t in by_area.items()]}
