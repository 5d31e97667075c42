"""Case sheets as Excel saves them, with one slip in an input: one finding, at the slip.

A department's workbook has been saved by Excel, so its totals (Investering i alt, Besparelse i alt, Nettoresultat,
Akk. nettoresultat, the "I alt" column) hold what their formulas gave. When one input cell is wrong, those formulas
carry it on: a number typed as text is left out by SUM (read as its number by +), words ("ca. 300") are left out by SUM
and #VALUE! to +, a date counts as its serial number, an error value (#REF!) shows in every total that sums it. The slip is one mistake, so it is one finding, at its cell — never a trail of mismatches through
the totals — and every other figure is still checked. Hypothesis varies what else departments vary: the unit and its
decimals, how many rows and which names, a "Heraf" row, where the labels stand, how the years are written, an "I alt"
column, the budget sign convention, whether the totals sum with SUM or with +, and which cell slips how.

The totals are computed here from the generated amounts, by plain arithmetic, the way Excel's formulas do.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from habits import (
    GAIN, ONE_OFF, RECURRING, SUB, TOTAL_LABELS, CaseSpec, Line, danish, stacked, write_book, write_lister,
    year_headers,
)
from xlpy.portfolio.pipeline import check_files

IN_CI = bool(os.environ.get("CI"))
EXAMPLES = int(os.environ.get("XLPY_SAVED_EXAMPLES", "150" if IN_CI else "60"))  # CI: the same 150 every run

UNITS = {  # unit -> (kr. per unit, decimals typed, smallest and largest amount in the unit: 20.000 kr. to 3 mio. kr.)
    "kr.": (1, (0,), (20_000, 3_000_000)),
    "1.000 kr.": (1000, (0, 1), (20, 3_000)),
    "mio. kr.": (1_000_000, (1, 2), (0.1, 3)),
}
ERRORS = ("#REF!", "#VALUE!", "#N/A", "#DIV/0!")
NAMES = {ONE_OFF: ["Engangsinvestering", "Anlæg", "Implementeringsomkostninger"],
         RECURRING: ["Varig investering", "Drift", "Driftsudgifter"],
         GAIN: ["Gevinst", "Besparelse", "Merindtægt", "Mindreudgift"]}


@st.composite
def saved_cases(draw, slip: bool = True):
    """(spec, slip, kr. per unit): a case sheet as Excel saved it, and the slipped cell as (label, year index, kind)
    (kind "none" when `slip` is false: every input typed as a number)."""
    unit = draw(st.sampled_from(sorted(UNITS)))
    factor, decimal_choices, (low, high) = UNITS[unit]
    decimals = draw(st.sampled_from(decimal_choices))
    n = draw(st.integers(3, 7))
    first = draw(st.integers(2024, 2028))
    years = list(range(first, first + n))

    scale = 10 ** decimals

    def amount() -> float:
        k = draw(st.integers(round(low * scale), round(high * scale)))
        return k / scale if decimals else k

    def amounts() -> list[float]:
        return [0 if draw(st.integers(0, 3)) == 0 else amount() for _ in range(n)]

    lines: list[Line] = []
    for kind, most in ((ONE_OFF, 2), (RECURRING, 2), (GAIN, 3)):
        for name in draw(st.lists(st.sampled_from(NAMES[kind]), min_size=1, max_size=most, unique=True)):
            lines.append(Line(name, amounts(), kind))
    in_gains: set[str] = {line.label for line in lines if line.kind == GAIN}  # signed in the budget convention
    if draw(st.booleans()):  # a "Heraf" row: half its parent, never in the totals
        k = draw(st.integers(0, len(lines) - 1))
        half = [round(v / 2, decimals) for v in lines[k].values]
        lines.insert(k + 1, Line("Heraf løn", half, SUB))
        if lines[k].kind == GAIN:
            in_gains.add("Heraf løn")
    inputs = [line for line in lines if line.kind != SUB]
    slipped = draw(st.sampled_from(inputs))
    i = draw(st.integers(0, n - 1))
    if slipped.values[i] == 0:
        slipped.values[i] = amount()
    sign = draw(st.sampled_from([1, 1, -1]))  # -1: the budget sign convention (gains typed with minus)
    gain = next(line for line in lines if line.kind == GAIN)
    if sign < 0 and not gain.values[(i + 1) % n]:  # a gain besides the slip shows how the sheet is signed
        gain.values[(i + 1) % n] = amount()
    signed = lambda line: -1 if sign < 0 and line.label in in_gains else 1  # noqa: E731
    kind = draw(st.sampled_from(["text", "text", "error", "words", "date"])) if slip else "none"
    typed = None if kind == "none" else {"text": lambda: danish(signed(slipped) * slipped.values[i]), "error": lambda: draw(st.sampled_from(ERRORS)),
             "words": lambda: draw(st.sampled_from(["ca. 300", "ikke kendt", "se note", "?"])),
             "date": lambda: dt.date(years[i], draw(st.integers(1, 12)), 1)}[kind]()
    adds_text = draw(st.booleans())  # the totals written as B21+B22 (text read as its number) or SUM (text left out)

    def cell(line: Line, y: int):
        """What a total formula takes from this input cell, as Excel computes: a number typed as text is its number
        to + and nothing to SUM; words are #VALUE! to + and nothing to SUM; a date is its serial number to both."""
        if line is slipped and y == i and kind != "none":
            if kind == "error":
                return typed
            if kind == "date":
                return (typed - dt.date(1899, 12, 30)).days
            if kind == "words":
                return "#VALUE!" if adds_text else 0
            return signed(line) * line.values[y] if adds_text else 0
        return signed(line) * line.values[y]

    def total(values: list) -> object:
        errors = [v for v in values if isinstance(v, str)]
        return errors[0] if errors else round(sum(values), 9)

    shown: dict[tuple[str, int], object] = {(slipped.label, i): typed} if slip else {}
    investment = [total([cell(line, y) for line in inputs if line.kind != GAIN]) for y in range(n)]
    saving = [total([cell(line, y) for line in inputs if line.kind == GAIN]) for y in range(n)]
    # net: gains − investment; in the budget convention investment + (negative) gains, a saving shown negative
    net = [total([s, -v if not isinstance(v, str) else v]) for s, v in zip(saving, investment)] if sign > 0 else \
        [total([v, s]) for s, v in zip(saving, investment)]
    cumulative, run = [], 0.0
    for v in net:
        run = v if isinstance(v, str) or isinstance(run, str) else round(run + v, 9)
        cumulative.append(run)
    for key, values in (("investment", investment), ("saving_total", saving), ("net", net),
                        ("cumulative", cumulative)):
        shown.update({(TOTAL_LABELS[key], y): v for y, v in enumerate(values)})
    total_column = draw(st.booleans())
    column: dict[str, object] = {}
    if total_column:  # each row's "I alt" is SUM over its years: text left out, an error carried
        for line in lines:
            column[line.label] = total([cell(line, y) if line.kind != SUB else signed(line) * line.values[y]
                                        for y in range(n)])
        for key, values in (("investment", investment), ("saving_total", saving), ("net", net)):
            column[TOTAL_LABELS[key]] = total(values)
    spec = CaseSpec(unit=unit, years=years, year_headers=year_headers(
        draw(st.sampled_from(["numbers", "text", "budget", "dates"])), years),
        period=f"{years[0]}–{years[-1]}", lines=lines, overrides=shown, total_column=total_column,
        total_column_overrides=column, label_col=draw(st.sampled_from([1, 2])), gain_sign=sign,
        merged_labels=draw(st.booleans()) and draw(st.booleans()))
    return spec, (slipped.label, i, kind), factor


def serious(res):
    """Every fejl and advarsel but the one the budget sign convention is (it says how the sheet is signed)."""
    return [(f.code, f.cell) for f in res.findings
            if f.severity.value in ("fejl", "advarsel") and f.code != "sign-budget-convention"]


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=IN_CI,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(saved_cases())
def test_one_slip_in_a_saved_workbook_is_one_finding_at_the_slip(tmp_path: Path, example):
    spec, (label, i, kind), factor = example
    book = write_book(tmp_path / "gemt.xlsx", [("Case 1", [spec]), ("Lister", write_lister)])
    res = check_files([book.path])
    at = book.layout().cell(label, i)
    found = serious(res)
    if kind != "text":  # an amount that cannot be read: one fejl, the case incomplete
        code = {"error": "error-value", "words": "text-in-number", "date": "wrong-type-in-number"}[kind]
        assert found == [(code, at)], (found, spec)
        assert not res.cases[0].figures.complete
        return
    assert len(found) == 1 and found[0][1] == at and found[0][0] in ("number-as-text", "number-ambiguous"), \
        (found, spec)
    if found[0][0] == "number-as-text":  # read as the number it says: the figures are the typed amounts
        f = res.cases[0].figures
        investment = sum(v for line in spec.lines if line.kind in (ONE_OFF, RECURRING) for v in line.values)
        saving = sum(v for line in spec.lines if line.kind == GAIN for v in line.values)
        assert abs(f.total_investment - investment * factor) < 0.01, (f.total_investment, investment, spec)
        assert abs(f.total_saving - saving * factor) < 0.01, (f.total_saving, saving, spec)


SLIP_CODES = {"error": ("error-value",), "words": ("text-in-number",), "date": ("wrong-type-in-number",),
              "text": ("number-as-text", "number-ambiguous")}


@settings(max_examples=max(EXAMPLES // 2, 20), deadline=None, database=None, derandomize=IN_CI,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(saved_cases(), saved_cases(slip=False), st.booleans())
def test_one_slip_in_one_of_two_stacked_cases_is_one_finding(tmp_path: Path, slipped, clean, slipped_first):
    """Two cases one under the other on a sheet (the department's label column), one of them with a slip: the other
    case's totals are no business of the slip, and the slip is still one finding at its cell."""
    (a, (label, i, kind), _), (b, _, _) = slipped, clean
    a = replace(a, case_nr="1", title="Velfærdsteknologi i hjemmeplejen")
    b = replace(b, case_nr="2", title="Digital skoleadministration", label_col=a.label_col,
                merged_labels=a.merged_labels)
    book = write_book(tmp_path / "to_cases.xlsx", [("Case 1", stacked([a, b] if slipped_first else [b, a])),
                                                    ("Lister", write_lister)])
    res = check_files([book.path])
    found = serious(res)
    assert len(found) == 1 and found[0][0] in SLIP_CODES[kind], (found, a, b)
    assert found[0][1] == book.layouts["1"].cell(label, i), (found, a, b)
    assert sorted(r.case.case_nr for r in res.cases) == ["1", "2"]
