"""The rules of DESIGN §4 applied to a read case: metadata, amounts, and the sheet's own computed rows.

Computed rows are checked where their error starts, so one slip gives one finding: the net row against the
recomputation from the inputs, the cumulative row step by step against the net row the sheet shows. A net row that
is the recomputation with its sign flipped is one finding for the row; a cumulative row that only adds up when a
not-counted gain row is included is one finding for the row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Sequence

from .cells import a1
from .findings import Finding, Plain, finding
from .labels import LIST_FIELDS, REALISABILITY_STEPS, REQUIRED, metadata_label, normalise, split_values
from .model import Case, parse_period, text_of
from .numbers import parse_number_text

EXACT = 1e-6


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_metadata(case: Case, lists: dict[str, tuple[str, ...]]) -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, name: str, **params: Any) -> None:
        out.append(finding(code, case.file, case.sheet, case.cell_of(name) or "A1", **params))

    for name in REQUIRED:
        if name == "period" and not case.has_amounts():
            continue  # a case without yearly figures has no period to state (reported as no-yearly-figures)
        if _blank(case.fields.get(name)):
            add("missing-field", name, label=metadata_label(name))
    for name in LIST_FIELDS:
        value = case.fields.get(name)
        if _blank(value):
            continue
        allowed = _allowed(tuple(lists.get(name, ())))
        for part in split_values(value):
            if normalise(part) not in allowed:
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


def _metadata_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    read = parse_number_text(str(value))
    return read.value if read.kind == "number" else None


def validate_amounts(case: Case) -> list[Finding]:
    out = []
    for row in (case.rows.get("one_off"), case.rows.get("recurring"), *case.gains):
        if row is None:
            continue
        for i, v in enumerate(row.values):
            if v is not None and v < 0:
                out.append(finding("negative-amount", case.file, case.sheet, row.cell(i, case.year_cols),
                                   label=row.label, value=v))
    return out


def _expected(case: Case) -> tuple[list[float], list[float], list[float], list[float]]:
    """(investment, saving, net, uncounted gains) per year, in the sheet's unit."""
    n = len(case.years)

    def values(key: str) -> list[float]:
        row = case.rows.get(key)
        return [v or 0.0 for v in row.values] if row else [0.0] * n

    investment = [a + b for a, b in zip(values("one_off"), values("recurring"))]
    saving, uncounted = [0.0] * n, [0.0] * n
    for gain in case.gains:
        target = saving if gain.counted else uncounted
        for i, v in enumerate(gain.values):
            target[i] += v or 0.0
    net = [s - i for s, i in zip(saving, investment)]
    return investment, saving, net, uncounted


def rounding_step(case: Case) -> float:
    """One unit of the last digit the table's amounts are written with: 1 for whole numbers, 0,01 for a table in
    mio. kr. written with two decimals. A slip of 0,04 mio. kr. is then a fejl, not a rounding difference."""
    decimals = 0
    for row in (*case.rows.values(), *case.gains):
        for v in row.values:
            if v is None or float(v).is_integer():
                continue
            for d in range(1, 5):
                if abs(round(v, d) - v) < 1e-9:
                    decimals = max(decimals, d)
                    break
            else:
                decimals = 4
    return 10.0 ** -decimals + EXACT


def _compare(case: Case, key: str, expected: Sequence[float], how: str, step: float) -> list[Finding]:
    row = case.rows.get(key)
    if row is None:
        return []
    out = []
    for i, shown in enumerate(row.values):
        if shown is None or i in case.unreadable:
            continue
        diff = abs(shown - expected[i])
        if diff <= EXACT:
            continue
        code = "computed-rounding" if diff <= step else "computed-mismatch"
        out.append(finding(code, case.file, case.sheet, row.cell(i, case.year_cols), label=row.label,
                           year=Plain(case.years[i]), shown=shown, expected=how, computed=expected[i]))
    return out


def _net_inverted(case: Case, expected: Sequence[float], step: float) -> int | None:
    """The first year index showing the flip, when the net row is the recomputation with its sign flipped."""
    row = case.rows.get("net")
    if row is None:
        return None
    checked, first_flip = 0, None
    for i, shown in enumerate(row.values):
        if shown is None or i in case.unreadable or abs(expected[i]) <= step:
            continue
        if abs(shown + expected[i]) > step:
            return None
        checked += 1
        if first_flip is None:
            first_flip = i
    return first_flip if checked else None


def _steps_off(case: Case, reference: Sequence[float | None]) -> list[tuple[int, float, float]]:
    """Year indexes where the cumulative row's step is not the reference net: (index, shown, should be)."""
    row = case.rows["cumulative"]
    off = []
    previous: float | None = 0.0
    for i, shown in enumerate(row.values):
        ref = reference[i]
        if shown is not None and previous is not None and ref is not None:
            should = previous + ref
            if abs(shown - should) > EXACT:
                off.append((i, shown, should))
        previous = shown
    return off


def validate_computed(case: Case) -> list[Finding]:
    if not case.years:
        return []
    investment, saving, net, uncounted = _expected(case)
    step = rounding_step(case)
    out: list[Finding] = []
    labels = {k: case.label_of(k) for k in ("one_off", "recurring")}
    gains_how = " + ".join(g.label for g in case.gains if g.counted) or case.label_of("saving_total")
    out += _compare(case, "investment", investment, f"{labels['one_off']} + {labels['recurring']}", step)
    out += _compare(case, "saving_total", saving, gains_how, step)

    net_row = case.rows.get("net")
    flipped = _net_inverted(case, net, step)
    if net_row is not None and flipped is not None:
        out.append(finding("net-sign-inverted", case.file, case.sheet, net_row.cell(flipped, case.year_cols),
                           label=net_row.label, year=Plain(case.years[flipped]), shown=net_row.values[flipped],
                           computed=net[flipped]))
    else:
        out += _compare(case, "net", net, f"{gains_how} − {case.label_of('investment')}", step)

    if "cumulative" in case.rows:
        cum_row = case.rows["cumulative"]
        readable = [None if i in case.unreadable else v for i, v in enumerate(net)]
        if net_row is not None and flipped is None:
            reference = [s if s is not None else readable[i] for i, s in enumerate(net_row.values)]
        else:
            reference = readable
        off = _steps_off(case, reference)
        if off and any(uncounted):
            with_uncounted = [None if r is None else r + u for r, u in zip(reference, uncounted)]
            if all(abs(shown - should) <= step for _, shown, should in _steps_off(case, with_uncounted)):
                i, shown, should = off[0]
                names = ", ".join(g.label for g in case.gains if not g.counted)
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
    return out


def validate_case(case: Case, lists: dict[str, tuple[str, ...]]) -> list[Finding]:
    out = validate_metadata(case, lists) + validate_amounts(case) + validate_computed(case)
    if case.years and not case.has_amounts():
        out.append(finding("no-yearly-figures", case.file, case.sheet, a1(case.header_row, case.label_col)))
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
            key: tuple = (normalise(case.text("municipality")), normalise(case.text("department")),
                          normalise(case.case_nr))
        else:
            key = (case.file, normalise(case.case_nr))
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
