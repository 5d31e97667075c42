"""Properties of the computation (xlpy.figures.compute.compute_case), for any case: built directly as
xlpy.sheet.model.Case/Row, with amounts as a sheet holds them (non-negative, whole or half units)."""

from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st

from xlpy.figures.compute import compute_case
from xlpy.sheet.labels import UNITS
from xlpy.sheet.model import Case, Row

AMOUNT = st.integers(min_value=0, max_value=2_000_000).map(lambda n: n / 2)  # 0, 0.5, 1, ... 1.000.000


@st.composite
def cases(draw, unit: str | None = None):
    n = draw(st.integers(min_value=1, max_value=12))
    first = draw(st.integers(min_value=2000, max_value=2040))
    years = list(range(first, first + n))
    values = lambda: draw(st.lists(AMOUNT, min_size=n, max_size=n))  # noqa: E731
    rows = {"one_off": Row("one_off", "Engangsinvestering", 21, values()),
            "recurring": Row("recurring", "Varig investering", 22, values())}
    gains = [Row("saving", f"Gevinst {k}", 24 + k, values(), counted=draw(st.booleans()) if k else True)
             for k in range(draw(st.integers(min_value=1, max_value=3)))]
    return Case(file="p.xlsx", sheet="Case 1", fields={}, field_cells={}, label_cells={},
                unit=unit or draw(st.sampled_from(sorted(UNITS))), years=years,
                year_cols=list(range(1, n + 1)), rows=rows, gains=gains)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.005)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_cumulative_ends_in_the_period_net(case):
    f = compute_case(case)
    assert close(f.cumulative[-1], f.period_net)
    assert all(close(f.cumulative[i], sum(f.net[:i + 1])) for i in range(len(f.net)))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_net_is_saving_minus_investment_every_year(case):
    f = compute_case(case)
    for i in range(len(case.years)):
        assert close(f.investment[i], f.one_off[i] + f.recurring[i])
        assert close(f.net[i], f.saving[i] - f.investment[i])
    assert close(f.total_investment, sum(f.investment))
    assert close(f.total_saving, sum(f.saving))
    counted = [g for g in case.gains if g.counted]
    for i in range(len(case.years)):
        assert close(f.saving[i], sum(g.values[i] for g in counted) * case.factor)


@settings(max_examples=200, deadline=None)
@given(cases(unit="kr."))
def test_the_unit_scales_every_amount(case):
    base = compute_case(case)
    for unit, factor in (("1.000 kr.", 1000), ("mio. kr.", 1_000_000)):
        case.unit = unit
        f = compute_case(case)
        for name in ("one_off", "recurring", "investment", "saving", "net", "cumulative"):
            assert all(close(a, b * factor) for a, b in zip(getattr(f, name), getattr(base, name))), name
        for name in ("total_investment", "total_saving", "period_net", "full_phase_in_saving"):
            assert math.isclose(getattr(f, name), getattr(base, name) * factor, rel_tol=1e-9, abs_tol=0.01), name
        # NPV is rounded to øre in kr.: in kr. that rounding is scaled along
        assert math.isclose(f.npv, base.npv * factor, rel_tol=1e-9, abs_tol=0.005 * factor + 0.01)
        # what does not depend on the unit does not change
        assert f.payback_year == base.payback_year
        assert (f.return_per_krone is None) == (base.return_per_krone is None)
        if f.return_per_krone is not None:
            assert math.isclose(f.return_per_krone, base.return_per_krone, rel_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_payback_year_agrees_with_the_cumulative_row(case):
    f = compute_case(case)
    if f.total_investment == 0:
        assert f.payback_year is None
        return
    if f.payback_year is None:
        assert f.cumulative[-1] < 0  # never paid back within the period
        return
    i = case.years.index(f.payback_year)
    assert all(c >= 0 for c in f.cumulative[i:])
    if i > 0:
        assert f.cumulative[i - 1] < 0


@settings(max_examples=300, deadline=None)
@given(cases())
def test_return_per_krone_is_none_exactly_when_nothing_is_invested(case):
    f = compute_case(case)
    assert (f.return_per_krone is None) == (f.total_investment == 0)
    if f.return_per_krone is not None:
        assert math.isclose(f.return_per_krone, f.total_saving / f.total_investment)
