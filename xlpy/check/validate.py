"""The rules of DESIGN §4 applied to a read case: metadata, amounts, and the sheet's own computed rows.

Computed rows are checked where their error starts, so one slip gives one finding: the net row against the
recomputation from the inputs, the cumulative row step by step against the net row the sheet shows. A net row that
is the recomputation with its sign flipped is one finding for the row; a cumulative row that only adds up when a
not-counted gain row is included is one finding for the row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Sequence

from ..cells import a1
from ..findings import Finding, Plain, finding
from ..sheet.labels import (DEFAULT_UNIT, LIST_FIELDS, REALISABILITY_STEPS, REQUIRED, UNITS, metadata_label, normalise,
                     split_values)
from ..sheet.model import Case, Row, parse_period, text_of
from ..sheet.numbers import parse_number_text
from ..sheet.readings import decimals, input_step, sums, tolerance

EXACT = 1e-6


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_metadata(case: Case, lists: dict[str, tuple[str, ...]]) -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, name: str, **params: Any) -> None:
        out.append(finding(code, case.file, case.sheet, case.cell_of(name) or "A1", **params))

    for name in REQUIRED:
        if not _blank(case.fields.get(name)):
            continue
        if name == "period" and not case.has_amounts():
            continue  # a case without yearly figures has no period to state (reported as no-yearly-figures)
        add("missing-field", name, label=metadata_label(name))
    for name in LIST_FIELDS:
        value = case.fields.get(name)
        if _blank(value):
            continue
        for part in _not_in_list(value, _allowed(tuple(lists.get(name, ())))):
            add("not-in-list", name, value=part, label=metadata_label(name),
                allowed=_closest_first(part, lists.get(name, ())))
    value = case.fields.get("realisability")
    if not _blank(value):
        number = _metadata_number(value)
        if number is None or not any(abs(number - step) < EXACT for step in REALISABILITY_STEPS):
            add("realisability-invalid", "realisability", value=text_of(value))
    value = case.fields.get("period")
    if not _blank(value):
        period = parse_period(value)
        if period is None:
            add("period-invalid", "period", value=text_of(value))
        elif case.years and (period[0] != case.years[0] or period[1] != case.years[-1]):
            add("period-mismatch", "period", period=f"{period[0]}–{period[1]}", first=Plain(case.years[0]),
                last=Plain(case.years[-1]))
    return out


def _closest_first(value: str, allowed: Sequence[str], shown: int = 8) -> str:
    """The allowed values a message lists: the ones closest to what was typed first ("Digitalisering" → "Økonomi og
    digitalisering"), then the rest, at most `shown`."""
    import difflib

    lowered = {a.casefold(): a for a in allowed}
    close = [lowered[m] for m in difflib.get_close_matches(value.casefold(), list(lowered), n=3, cutoff=0.3)]
    close += [a for a in allowed if value.casefold() in a.casefold() and a not in close]
    ordered = close + [a for a in allowed if a not in close]
    return ", ".join(ordered[:shown]) + (" …" if len(ordered) > shown else "")


@lru_cache(maxsize=256)
def _allowed(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise(v) for v in values)


@lru_cache(maxsize=4096, typed=True)  # typed: 1.0 and True are different values here ("1.0" and "True")
def _not_in_list(value: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    """The parts of a list field's value that are not among the allowed values, remembered: every case of a
    portfolio repeats the same few areas, categories, types and statuses."""
    return tuple(part for part in split_values(value) if normalise(part) not in allowed)


def _metadata_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    read = parse_number_text(str(value))
    return read.value if read.kind == "number" else None


def validate_amounts(case: Case) -> list[Finding]:
    """Sub-rows against their parent, and amounts that look typed in another unit. (Negative amounts and the sign
    convention are readings.signs'.)"""
    out = []
    by_parent: dict[int, list[Row]] = {}
    for sub in case.subrows:
        if sub.parent is not None:
            by_parent.setdefault(id(sub.parent), []).append(sub)
    for subs in by_parent.values():
        parent = subs[0].parent
        assert parent is not None
        for i, top in enumerate(parent.values):
            if top is None or i in case.unreadable:
                continue
            total = sum(s.values[i] or 0.0 for s in subs)
            if abs(total) > abs(top) + tolerance(parent):
                first = next(s for s in subs if s.values[i])
                out.append(finding("subrow-exceeds-parent", case.file, case.sheet, first.cell(i, case.year_cols),
                                   label=first.label, year=Plain(case.years[i]), shown=total, parent=parent.label,
                                   parent_value=top))
                break
    out += _implausible_unit(case)
    return out


PLAUSIBLE_KR = (10_000.0, 5e9)  # a case's largest yearly amount, in kr.: below or above is likely another unit


def _implausible_unit(case: Case) -> list[Finding]:
    largest = max([abs(v) for r in case.input_rows() for v in r.values if v is not None], default=0.0)
    if not largest:
        return []
    kr = largest * case.factor
    units = list(UNITS)
    at = units.index(case.unit) if case.unit in units else units.index(DEFAULT_UNIT)
    low, high = PLAUSIBLE_KR
    if kr < low and at + 1 < len(units):
        suggested = units[at + 1]
    elif kr > high and at > 0:
        suggested = units[at - 1]
    else:
        return []
    return [finding("unit-implausible", case.file, case.sheet, case.cell_of("unit") or
                    a1(case.header_row, case.label_col), unit=case.unit, amount=kr, suggested=suggested)]


def _expected(case: Case) -> tuple[list[float], list[float], list[float], list[float]]:
    """(investment, saving, net, uncounted gains) per year, in the sheet's unit."""
    n = len(case.years)
    investment, saving = sums(case)
    uncounted = [0.0] * n
    for gain in case.gains:
        if not gain.counted and not gain.assumed:
            for i, v in enumerate(gain.values):
                uncounted[i] += v or 0.0
    net = [s - i for s, i in zip(saving, investment)]
    return investment, saving, net, uncounted


def _silent(row: Row, step: float) -> float:
    """Differences a total may have without any finding: none, unless the row is typed with fewer decimals than the
    inputs (0,45 + 0,13 shown as 0,6), and then half a unit of its own last decimal."""
    return tolerance(row) if 10.0 ** -decimals(row.values) > step else EXACT


def _compare(case: Case, key: str, expected: Sequence[float], how: str, step: float) -> list[Finding]:
    row = case.rows.get(key)
    if row is None or key in case.unchecked:
        return []
    out = []
    skip = case.formulas_read_text(row)
    silent = _silent(row, step)
    step = min(step, 10.0 ** -decimals(row.values) + EXACT)  # 679,5 for 680 is no rounding of whole numbers
    for i, shown in enumerate(row.values):
        if shown is None or i in case.unreadable or i in skip:
            continue
        diff = abs(shown - expected[i])
        if diff <= silent:
            continue
        code = "computed-rounding" if diff <= step else "computed-mismatch"
        out.append(finding(code, case.file, case.sheet, row.cell(i, case.year_cols), label=row.label,
                           year=Plain(case.years[i]), shown=shown, expected=how, computed=expected[i]))
    return out


def _net_inverted(case: Case, expected: Sequence[float], step: float) -> int | None:
    """The first year index showing the flip, when the net row is the recomputation with its sign flipped."""
    row = case.rows.get("net")
    if row is None or "net" in case.unchecked:
        return None
    checked, first_flip = 0, None
    skip = case.formulas_read_text(row)
    for i, shown in enumerate(row.values):
        if shown is None or i in case.unreadable or i in skip or abs(expected[i]) <= step:
            continue
        if abs(shown + expected[i]) > step:
            return None
        checked += 1
        if first_flip is None:
            first_flip = i
    return first_flip if checked else None


def _cumulative_off(case: Case, references: Sequence[Sequence[float | None]],
                    tol: float) -> list[tuple[int, float, float]]:
    """Where the cumulative row is wrong on its own terms: (index, shown, should be). A cell is right when it is the
    running sum of a reference net row, or the cell before it plus that year's net (so one wrong cell is one
    finding, and a slip carried on by the formulas below it is found once, where it starts)."""
    row = case.rows["cumulative"]
    off = []
    runs = []
    for ref in references:
        total: float | None = 0.0
        run = []
        for v in ref:
            total = None if total is None or v is None else total + v
            run.append(total)
        runs.append(run)
    for i, shown in enumerate(row.values):
        if shown is None:
            continue
        if any(run[i] is not None and abs(shown - run[i]) <= tol for run in runs):
            continue
        before = row.values[i - 1] if i else 0.0
        if before is not None and any(ref[i] is not None and abs(shown - (before + ref[i])) <= tol
                                      for ref in references):
            continue
        should = next((run[i] for run in runs if run[i] is not None), None)
        if should is None:
            continue
        off.append((i, shown, should))
    return off


def _shows_something(case: Case) -> bool:
    """Whether the sheet shows any figure validate_computed compares: a value in a computed row, or an "I alt" cell.
    Most sheets show none (their totals are formulas no program has calculated), and then no check below can find
    anything: all of them skip a cell that shows nothing."""
    for key in ("investment", "saving_total", "net", "cumulative"):
        row = case.rows.get(key)
        if row is not None and row.values.count(None) != len(row.values):  # a value that is not None
            return True
    return case.total_col is not None and any(
        row.total is not None for row in (*case.input_rows(), *case.subrows, *case.rows.values()))


def validate_computed(case: Case) -> list[Finding]:
    if not case.years or not _shows_something(case):
        return []
    investment, saving, net, uncounted = _expected(case)
    step = input_step(case)  # a slip of 0,04 mio. kr. in a table written with two decimals is a fejl, not rounding
    out: list[Finding] = []
    labels = [r.label for r in case.cost_rows() if r.counted] or [case.label_of("one_off")]
    gains_how = " + ".join(g.label for g in case.gains if g.counted) or case.label_of("saving_total")
    out += _compare(case, "investment", investment, " + ".join(labels), step)
    out += _compare(case, "saving_total", saving, gains_how, step)

    net_row = case.rows.get("net")
    flipped = _net_inverted(case, net, step)
    if net_row is not None and flipped is not None:
        out.append(finding("net-sign-inverted", case.file, case.sheet, net_row.cell(flipped, case.year_cols),
                           label=net_row.label, year=Plain(case.years[flipped]), shown=net_row.values[flipped],
                           computed=net[flipped]))
    else:
        out += _compare(case, "net", net, f"{gains_how} − {case.label_of('investment')}", step)

    if "cumulative" in case.rows and "cumulative" not in case.unchecked:
        cum_row = case.rows["cumulative"]
        skip = case.unreadable | case.formulas_read_text(cum_row)
        readable = [None if i in skip else v for i, v in enumerate(net)]
        references: list[list[float | None]] = [readable]
        if net_row is not None and flipped is None:
            references.insert(0, [s if s is not None else readable[i] for i, s in enumerate(net_row.values)])
        tol = max(_silent(cum_row, step), EXACT)
        off = _cumulative_off(case, references, tol)
        if off and any(uncounted):
            with_uncounted = [[None if r is None else r + u for r, u in zip(ref, uncounted)] for ref in references]
            if not _cumulative_off(case, with_uncounted, step):
                i, shown, should = off[0]
                names = ", ".join(g.label for g in case.gains if not g.counted and not g.assumed)
                return out + [finding("cumulative-includes-uncounted", case.file, case.sheet,
                                      cum_row.cell(i, case.year_cols), label=cum_row.label, gain=names,
                                      year=Plain(case.years[i]), shown=shown, computed=should)]
        for i, shown, should in off:
            code = "computed-rounding" if abs(shown - should) <= step else "cumulative-mismatch"
            params: dict[str, Any] = dict(label=cum_row.label, year=Plain(case.years[i]), shown=shown,
                                          computed=should)
            if code == "computed-rounding":
                params["expected"] = f"{case.label_of('cumulative')} {case.years[i - 1]} + " \
                                     f"{case.label_of('net')}" if i else case.label_of("net")
            out.append(finding(code, case.file, case.sheet, cum_row.cell(i, case.year_cols), **params))
    out += _total_column(case, step)
    return out


def _total_column(case: Case, step: float) -> list[Finding]:
    """Each row's "I alt" cell against the sum of its years."""
    if case.total_col is None:
        return []
    out = []
    rows = [*case.input_rows(), *case.subrows, *(case.rows[k] for k in ("investment", "saving_total", "net")
                                                 if k in case.rows)]
    for row in rows:
        if row.total is None or row.from_text or any(v is None for v in row.values):
            continue  # nothing to compare, or a cell typed as text that the sheet's own sum reads its own way
        computed = sum(v or 0.0 for v in row.values)
        diff = abs(row.total - computed)
        if diff <= max(EXACT, _silent(Row(row.key, row.label, row.row, [row.total]), step)):
            continue
        cell = a1(row.row, case.total_col)
        if diff <= step:
            out.append(finding("computed-rounding", case.file, case.sheet, cell, label=row.label, year="I alt",
                               shown=row.total, expected=f"{row.label} {case.years[0]}–{case.years[-1]}",
                               computed=computed))
        else:
            out.append(finding("total-column-mismatch", case.file, case.sheet, cell, label=row.label,
                               shown=row.total, computed=computed))
    return out


_ABANDONED = normalise("Opgivet")


def validate_case(case: Case, lists: dict[str, tuple[str, ...]]) -> list[Finding]:
    out = validate_metadata(case, lists) + validate_amounts(case) + validate_computed(case)
    if case.years and not case.has_amounts():
        out.append(finding("no-yearly-figures", case.file, case.sheet, a1(case.header_row, case.label_col)))
    if normalise(case.text("status")) == _ABANDONED:
        out.append(finding("case-abandoned", case.file, case.sheet, case.cell_of("status")))
    return out


def duplicate_case_numbers(cases: Iterable[Case], across_files: bool) -> list[Finding]:
    """The same Case nr. twice in one workbook; across workbooks, the same Case nr. with the same Kommune and
    Forvaltning (departments number their own cases from 1, so a bare number is not a duplicate across files)."""
    seen: dict[tuple, Case] = {}
    out = []
    for case in cases:
        if not case.case_nr:
            continue
        if across_files:
            if not case.text("municipality") and not case.text("department"):
                continue  # "1" in two departments' files is two cases (the same title and table is duplicate-case)
            key = (normalise(case.text("municipality")), normalise(case.text("department")),
                   normalise(case.case_nr))
        else:
            key: tuple = (case.file, normalise(case.case_nr))
        first = seen.get(key)
        if first is None:
            seen[key] = case
            continue
        if across_files and first.file == case.file:
            continue  # reported by the within-workbook check
        where = f"{first.sheet}!{first.cell_of('case_nr')}" if first.file == case.file else \
            f"{first.file}, {first.sheet}"
        out.append(finding("duplicate-case-nr", case.file, case.sheet, case.cell_of("case_nr"),
                           case_nr=case.case_nr, other=where))
    return out
