"""Choosing between readings of a year table, with the sheet's own totals as the evidence.

Two things a department's sheet can leave open, settled here once the table is read:
- the sign convention: in the budget's convention savings are typed with minus (a "mindreudgift" of −500); when
  every gain is ≤ 0 and every investment ≥ 0 that reading is unambiguous and the case is normalised (one advarsel);
  negative amounts in any other pattern are one fejl, and the case's figures are not trusted;
- rows whose label xlpy does not know, standing among the investments or the gains: counted when the sheet's
  totals agree with that, read as sub-rows (not added) when the totals agree only without them, a fejl when the
  totals agree with neither reading, and counted with an advarsel when the sheet has no total to ask.
"""

from __future__ import annotations

from itertools import combinations
from typing import Callable, Sequence

from ..cells import a1
from .model import Case, Row

Add = Callable[..., None]  # add(code, cell, **params)
MAX_ASSUMED = 8  # readings tried: every subset of at most this many unknown rows


def settle(case: Case, add: Add) -> None:
    if not case.years:
        return
    signs(case, add)
    assumed_rows(case, add)


# --- signs ----------------------------------------------------------------------------------------------------
def signs(case: Case, add: Add) -> None:
    costs, gains = case.cost_rows(), case.gains
    negative = [(row, i) for row in (*costs, *gains) for i, v in enumerate(row.values) if v is not None and v < 0]
    if not negative:
        return
    gain_negative = any(v is not None and v < 0 for g in gains for v in g.values)
    gain_positive = any(v is not None and v > 0 for g in gains for v in g.values)
    cost_negative = any(v is not None and v < 0 for c in costs for v in c.values)
    if gain_negative and not gain_positive and not cost_negative:
        first = next((row, i) for row, i in negative if row in gains)
        for row in gains:
            _negate(row)
        for sub in case.subrows:
            if sub.parent is not None and sub.parent in gains:
                _negate(sub)
        total = case.rows.get("saving_total")
        slips = case.unreadable | case.years_from_text()  # what the sheet's formulas made of a slip tells no sign
        if total is not None and all(v is None or v <= 0 or i in slips for i, v in enumerate(total.values)):
            _negate(total)
        _settle_net_sign(case)
        add("sign-budget-convention", first[0].cell(first[1], case.year_cols))
        return
    row, i = negative[0]
    if len(negative) == 1:
        add("negative-amount", row.cell(i, case.year_cols), label=row.label, value=row.values[i])
    else:
        cells = ", ".join(r.cell(j, case.year_cols) for r, j in negative[:3]) + (" …" if len(negative) > 3 else "")
        add("sign-mixed", row.cell(i, case.year_cols), count=len(negative), cells=cells)
    case.doubtful = True


def _negate(row: Row) -> None:
    row.values = [None if v is None else -v + 0.0 for v in row.values]
    if row.total is not None:
        row.total = -row.total + 0.0


def _settle_net_sign(case: Case) -> None:
    """In the budget's convention the net row is investment + gains (negative for a saving): read it, and the
    cumulative row with it, with the opposite sign when that is what agrees with the recomputation."""
    net_row = case.rows.get("net")
    if net_row is None:
        return
    investment, saving = sums(case)
    expected = [s - i for s, i in zip(saving, investment)]
    same = flipped = 0
    for shown, want in zip(net_row.values, expected):
        if shown is None or abs(want) < 1e-9:
            continue
        same += abs(shown - want) <= tolerance(net_row)
        flipped += abs(shown + want) <= tolerance(net_row)
    if flipped > same:
        _negate(net_row)
        if "cumulative" in case.rows:
            _negate(case.rows["cumulative"])


# --- unknown rows -----------------------------------------------------------------------------------------------
def sums(case: Case, left_out: Sequence[Row] = ()) -> tuple[list[float], list[float]]:
    """(investment, saving) by year, from the counted input rows, without `left_out`."""
    n = len(case.years)
    investment, saving = [0.0] * n, [0.0] * n
    for rows, target in ((case.cost_rows(), investment), (case.gains, saving)):
        for row in rows:
            if not row.counted or any(row is x for x in left_out):
                continue
            for i, v in enumerate(row.values):
                target[i] += v or 0.0
    return investment, saving


def decimals(values: Sequence[float | None]) -> int:
    """The most decimals any of these values is written with (0 for whole numbers, at most 4)."""
    most = 0
    for v in values:
        if v is None or float(v).is_integer():
            continue
        for d in range(1, 5):
            if abs(round(v, d) - v) < 1e-9:
                most = max(most, d)
                break
        else:
            return 4
    return most


def tolerance(row: Row) -> float:
    """How far a typed total may be from the exact figure and still agree: half a unit of its own last decimal."""
    return 0.5 * 10.0 ** -decimals(row.values) + 1e-6


def input_step(case: Case) -> float:
    """One unit of the last digit the table's inputs are written with: 1 for whole numbers, 0,01 for a table in
    mio. kr. written with two decimals."""
    return 10.0 ** -decimals([v for r in case.input_rows() for v in r.values]) + 1e-6


EXACT, ROUNDED = 2, 1  # how well a reading agrees with the sheet's totals


def _agrees(case: Case, key: str, expected: Sequence[float]) -> int | None:
    """How well the sheet's row `key` shows `expected`: EXACT (to half a unit of the row's own last decimal),
    ROUNDED (to one unit of the inputs' last decimal), 0 (not), or None (no such row, or nothing to compare)."""
    row = case.rows.get(key)
    if row is None or key in case.unchecked:
        return None
    compared = False
    exact, rounded = tolerance(row), max(tolerance(row), input_step(case))
    worst = EXACT
    skip = case.formulas_read_text(row)
    for i, shown in enumerate(row.values):
        if shown is None or i in case.unreadable or i in skip:
            continue
        compared = True
        diff = abs(shown - expected[i])
        if key == "net":  # an inverted net row is its own finding; its size still tells
            diff = min(diff, abs(shown + expected[i]))
        if diff > rounded:
            return 0
        if diff > exact:
            worst = ROUNDED
    return worst if compared else None


def _evidence(case: Case, group: str, left_out: Sequence[Row]) -> int | None:
    investment, saving = sums(case, left_out)
    specific = _agrees(case, "investment" if group == "cost" else "saving_total",
                       investment if group == "cost" else saving)
    if specific is not None:
        return specific
    return _agrees(case, "net", [s - i for s, i in zip(saving, investment)])


def assumed_rows(case: Case, add: Add) -> None:
    for group, rows in (("cost", case.cost_rows()), ("gain", case.gains)):
        unknown = [r for r in rows if r.assumed and r.counted]
        if not unknown:
            continue
        kind = "investering" if group == "cost" else "gevinst"
        verdict = _evidence(case, group, ())
        if verdict is None:
            for row in unknown:
                add("row-assumed", _label_cell(case, row), label=row.label, kind=kind)
            continue
        if verdict == EXACT:
            continue
        reading = _first_agreeing(case, group, unknown, EXACT)  # a reading the totals show exactly beats rounding
        if reading is None and not verdict:
            reading = _first_agreeing(case, group, unknown, ROUNDED)
        if reading is None:
            if verdict:
                continue  # counted; the rounding difference is validate's advarsel
            for row in unknown:
                add("row-uncertain", _label_cell(case, row), label=row.label, kind=kind)
            case.doubtful = True
            case.unchecked.update({"investment" if group == "cost" else "saving_total", "net", "cumulative"})
            continue
        for row in reading:
            row.counted = False
            add("row-read-as-subrow", _label_cell(case, row), label=row.label, parent=_parent(rows, row).label)


def _first_agreeing(case: Case, group: str, unknown: list[Row], at_least: int) -> tuple[Row, ...] | None:
    """The smallest set of unknown rows whose exclusion makes the totals agree at least this well (None: no such
    set, or two that agree equally well, so the sheet does not say which)."""
    candidates = unknown[:MAX_ASSUMED]
    for size in range(1, len(candidates) + 1):
        agreeing = [combo for combo in combinations(candidates, size)
                    if (_evidence(case, group, combo) or 0) >= at_least]
        if len(agreeing) == 1:
            return agreeing[0]
        if agreeing:
            return None
    return None


def _parent(rows: list[Row], row: Row) -> Row:
    above = [r for r in rows if r.row < row.row and not r.assumed]
    return above[-1] if above else row


def _label_cell(case: Case, row: Row) -> str:
    return a1(row.row, case.label_col)
