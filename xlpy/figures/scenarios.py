"""Three-point estimates: the companion rows "<input row> (lav)" / "(høj)" of a case, and what they make of it.

A companion belongs to the input row with the same label once the marker is removed ("Gevinst (lav)" -> "Gevinst");
a blank companion cell is the same as the base. Scenarios (DESIGN §2): pessimistic = høj costs with lav gains,
optimistic = lav costs with høj gains, expected (PERT) = (lav + 4·base + høj) / 6 per amount. Each scenario is
compute.compute_case on a copy of the case with the input values swapped, so there is one implementation of the
figures. The switching value (Skæringsværdi) is the share by which all gains can fall before the period net
reaches 0, which is also when the payback year falls outside the period (see switching_value). The portfolio's
stress tests are in stress.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from ..cells import a1
from .compute import DEFAULT_RATE, Figures, compute_case
from ..findings import Finding, Plain, finding
from ..sheet.labels import companion_base, companion_side, normalise
from ..sheet.model import Case, Row
from ..sheet.numbers import as_json_number

SCENARIOS = ("pessimistic", "base", "optimistic", "expected")
Estimates = dict[int, tuple[list[float | None], list[float | None]]]  # id(input row) -> (low, high) by year


def companion_rows(case: Case) -> list[Row]:
    return [r for r in case.beside if r.key == "companion"]


def estimates(case: Case) -> tuple[Estimates, list[Row]]:
    """The low and high values of each input row with companions (None = as the base), and the companions that
    belong to no input row."""
    companions = companion_rows(case)
    if not companions:
        return {}, []  # most cases have no estimates: nothing to match
    by_label: dict[str, Row] = {}
    for row in case.input_rows():
        by_label.setdefault(normalise(row.label), row)
    out: Estimates = {}
    orphans: list[Row] = []
    for comp in companions:
        base = by_label.get(companion_base(comp.label))
        if base is None:
            orphans.append(comp)
            continue
        if all(v is None for v in comp.values):
            continue  # a blank companion row (the template's) is the base
        low, high = out.setdefault(id(base), ([None] * len(base.values), [None] * len(base.values)))
        target = low if companion_side(comp.label) == "low" else high
        for i, v in enumerate(comp.values[: len(target)]):
            if v is not None:
                target[i] = v
    return out, orphans


def validate_companions(case: Case) -> list[Finding]:
    """A companion without a base row; lav ≤ base ≤ høj in every cell (fejl)."""
    out: list[Finding] = []
    companions = companion_rows(case)
    if not companions:
        return out  # most cases have no estimates: nothing to check
    by_label = {normalise(r.label): r for r in reversed(case.input_rows())}
    for comp in companions:
        base = by_label.get(companion_base(comp.label))
        cell = a1(comp.row, case.label_col)
        if base is None and any(v is not None for v in comp.values):  # a blank template row without its base is fine
            name = comp.label.strip()
            out.append(finding("companion-without-base", case.file, case.sheet, cell, label=name,
                               base=_base_text(name)))
            continue
        if base is None:
            continue
        low = companion_side(comp.label) == "low"
        for i, (v, b) in enumerate(zip(comp.values, base.values)):
            if v is None or b is None or (v <= b if low else v >= b):
                continue
            out.append(finding("companion-low-above-base" if low else "companion-high-below-base", case.file,
                               case.sheet, comp.cell(i, case.year_cols), year=str(case.years[i]), value=Plain(v),
                               base=base.label.strip(), base_value=Plain(b)))
    return out


def _base_text(label: str) -> str:
    from ..sheet.labels import _COMPANION  # noqa: PLC0415

    return _COMPANION.sub("", label).rstrip(" ,-\u2013") or label


@dataclass(slots=True)
class Scenarios:
    pessimistic: Figures
    base: Figures
    optimistic: Figures
    expected: Figures
    switching_value: float | None  # share of all gains that can fall before the period net (and the payback) is lost

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenarios": {name: _figures_dict(getattr(self, name)) for name in SCENARIOS},
            "switching_value": _share(self.switching_value),
        }

    def figures(self, name: str) -> Figures:
        return getattr(self, name)


def plain_dict(base: Figures) -> dict[str, Any]:
    """What a case without low and high estimates gives: every scenario is the base."""
    figures = _figures_dict(base)
    return {"scenarios": {name: figures for name in SCENARIOS}, "switching_value": _share(switching_value(base))}


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _figures_dict(f: Figures) -> dict[str, Any]:
    return {
        "total_investment": as_json_number(f.total_investment),
        "total_saving": as_json_number(f.total_saving),
        "period_net": as_json_number(f.period_net),
        "return_per_krone": None if f.return_per_krone is None else round(f.return_per_krone, 4),
        "payback_year": f.payback_year,
        "npv": as_json_number(f.npv),
    }


def with_values(case: Case, value: Callable[[Row, int, float], float]) -> Case:
    """A copy of the case whose input values are value(row, year index, base value); unreadable cells stay None."""
    def swap(row: Row) -> Row:
        return replace(row, values=[None if v is None else value(row, i, v) for i, v in enumerate(row.values)])

    costs = [swap(r) for r in case.costs]
    rows = dict(case.rows)
    if not case.costs:
        for key in ("one_off", "recurring"):
            if key in rows:
                rows[key] = swap(rows[key])
    return replace(case, costs=costs, gains=[swap(r) for r in case.gains], rows=rows)


def scenarios(case: Case, base: Figures | None = None, rate: float = DEFAULT_RATE) -> Scenarios | None:
    """The four scenarios and the switching values; None when the case has no companion rows that belong to it."""
    est, _ = estimates(case)
    if not est:
        return None
    base = base or compute_case(case, rate)

    def bound(row: Row, i: int, v: float, side: int) -> float:
        pair = est.get(id(row))
        if pair is None or pair[side][i] is None:
            return v
        return pair[side][i]

    def low(row: Row, i: int, v: float) -> float:
        return bound(row, i, v, 0)

    def high(row: Row, i: int, v: float) -> float:
        return bound(row, i, v, 1)

    def is_gain(row: Row) -> bool:
        return row.key == "saving"

    pessimistic = compute_case(with_values(case, lambda r, i, v: low(r, i, v) if is_gain(r) else high(r, i, v)), rate)
    optimistic = compute_case(with_values(case, lambda r, i, v: high(r, i, v) if is_gain(r) else low(r, i, v)), rate)
    expected = compute_case(with_values(case, lambda r, i, v: (low(r, i, v) + 4 * v + high(r, i, v)) / 6), rate)
    return Scenarios(pessimistic, base, optimistic, expected, switching_value(base))


def payback_range(s: Scenarios) -> str:
    """Tilbagebetalingsår (opt.–pess.) as shown in Overblik and Følsomhed: the years the optimistic and the pessimistic
    scenario pay back, earliest first ("2024–2027"; one year when they agree; "2024–efter 2027" when the pessimistic
    one does not pay back within the period; "–" when no scenario has an investment)."""
    years = s.base.years
    after = f"efter {years[-1]}" if years else "–"
    ends = (s.optimistic, s.pessimistic)
    known = [f.payback_year for f in ends if f.payback_year is not None]
    late = any(f.payback_year is None and f.total_investment > 0 for f in ends)  # invested, not paid back in time
    if not known:
        return after if late else "–"
    low, high = min(known), max(known)
    if late:
        return f"{low}–{after}"
    return str(low) if low == high else f"{low}–{high}"


def switching_value(f: Figures) -> float | None:
    """period net ÷ total saving: the share all gains can fall by before the period net reaches 0 (0 when it is not
    positive; None without gains).

    It is also the share before the payback year falls outside the period: the payback year (DESIGN §2, the first
    year from which the cumulative net never again goes below 0) lies in the period exactly when the last year's
    cumulative net — the period net — is ≥ 0 (then at the latest the last year is such a year; otherwise none is).
    Scaling every gain by (1 − s) makes the period net total_saving·(1 − s) − total_investment, which reaches 0 at
    s = period_net ÷ total_saving. So the two switching values the issue names are one figure."""
    if f.total_saving <= 0:
        return None
    return max(0.0, min(1.0, f.period_net / f.total_saving))


def gains_scaled(case: Case, factor: float) -> Case:
    return with_values(case, lambda r, i, v: v * factor if r.key == "saving" else v)
