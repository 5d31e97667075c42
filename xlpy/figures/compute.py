"""The figures of a case, recomputed from its inputs (never from the sheet's own totals). Amounts in kr.

Definitions (DESIGN §2): investment = one-off + recurring; saving = the counted gain rows; net = saving −
investment; cumulative = running sum of net; full-phase-in saving = the highest yearly saving; period net = sum of
net; kr. igen pr. krone = total saving ÷ total investment; payback year = first year from which the cumulative net
never again goes below 0; NPV = net discounted to the first year. Where there is no investment, kr. igen pr. krone
and payback year are None ("–").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..sheet.model import Case

DEFAULT_RATE = 0.035  # the Ministry of Finance's discount rate for years 0–35 (since 2021)


@dataclass(slots=True)
class Figures:
    years: list[int]
    one_off: list[float]
    recurring: list[float]
    saving: list[float]
    total_investment: float
    total_saving: float
    period_net: float
    full_phase_in_saving: float
    return_per_krone: float | None
    payback_year: int | None
    npv: float
    complete: bool  # False when an input amount could not be read, or a fejl says the figures cannot be trusted
    has_amounts: bool

    # Derived by year, on demand (a batch of 50.000 cases holds only what it cannot derive).
    @property
    def investment(self) -> list[float]:
        return [_round(a + b) for a, b in zip(self.one_off, self.recurring)]

    def recurring_and_one_off(self) -> list[float]:
        """Investment by year without rounding each year (what totals add up)."""
        return [a + b for a, b in zip(self.one_off, self.recurring)]

    @property
    def net(self) -> list[float]:
        return [_round(s - i) for s, i in zip(self.saving, self.investment)]

    @property
    def cumulative(self) -> list[float]:
        return running_sum(self.net)


def _round(value: float) -> float:
    """Amounts are kr. and øre; rounding to øre removes the float noise of unit scaling (0.1 * 1000).

    A whole number is its own rounding (round(x, 2) == x for every whole float; `% 1.0` is exact), and amounts in
    kr. nearly always are whole: skipping round() there, which costs several times the test, is most of
    compute_case's time. `+ 0.0` turns -0.0 into 0.0 on both paths."""
    return value + 0.0 if value % 1.0 == 0.0 else round(value, 2) + 0.0


def yearly(values: Sequence[float | None], factor: float) -> list[float]:
    return [_round((v or 0.0) * factor) for v in values]


def running_sum(values: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total = _round(total + v)
        out.append(total)
    return out


def payback_year(years: Sequence[int], cumulative: Sequence[float], total_investment: float) -> int | None:
    if total_investment <= 0 or not years:
        return None
    year = None
    for y, cum in zip(years, cumulative):
        if cum < 0:
            year = None
        elif year is None:
            year = y
    return year


def npv(net: Sequence[float], rate: float) -> float:
    return _round(sum(v / (1.0 + rate) ** t for t, v in enumerate(net)))


def compute_case(case: Case, rate: float = DEFAULT_RATE) -> Figures:
    n = len(case.years)
    factor = case.factor
    one_off, recurring, saving = [0.0] * n, [0.0] * n, [0.0] * n
    for row in (*case.cost_rows(), *case.gains):
        if not row.counted:
            continue
        target = saving if row.key == "saving" else recurring if row.key == "recurring" else one_off
        for i, v in enumerate(yearly(row.values, factor)):
            target[i] = _round(target[i] + v)
    investment = [_round(a + b) for a, b in zip(one_off, recurring)]
    net = [_round(s - i) for s, i in zip(saving, investment)]
    cumulative = running_sum(net)
    total_investment = _round(sum(investment))
    total_saving = _round(sum(saving))
    return Figures(
        years=case.years,
        one_off=one_off,
        recurring=recurring,
        saving=saving,
        total_investment=total_investment,
        total_saving=total_saving,
        period_net=_round(sum(net)),
        full_phase_in_saving=max(saving, default=0.0),
        return_per_krone=(total_saving / total_investment) if total_investment > 0 else None,
        payback_year=payback_year(case.years, cumulative, total_investment),
        npv=npv(net, rate),
        complete=case.complete,
        has_amounts=case.has_amounts(),
    )
