"""One case in two versions: what changed in its metadata, its unit, and its amounts by row and year (in kr.).

Rows are matched by label (without case, spaces, dots and a unit in parentheses: "Gevinst (mio. kr.)" is "Gevinst"),
the n-th row of a label with the n-th, first in the table (inputs and "Heraf" sub-rows) and then beside it (low/high
estimates, realised figures); amounts year by year, each in kr. (the version's own unit applied). So an inserted row,
a moved table or another unit with the same amounts in kr. is no change of amount; the unit itself is reported when it
changed, and so is a row that is counted in one version and not in the other (Medregnes, or read as a sub-row).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..cells import a1
from ..sheet.labels import INPUT_KEYS, METADATA, unit_in_text
from ..sheet.model import Case, Row
from ..sheet.numbers import as_json_number

# kinds of change: a metadata field, the unit, an amount (row, year), whether a row is counted in the case's result
FIELD, UNIT, AMOUNT, COUNTED = "field", "unit", "amount", "counted"
ØRE = 0.005  # amounts closer than half an øre are the same amount


@dataclass
class Change:
    kind: str  # field | unit | amount | counted
    field: str  # the metadata field's name (field, unit), or the row's label as typed (amount, counted)
    year: int | None
    old: Any
    new: Any
    difference: float | None = None  # amounts: new − old in kr. (a row or year in one version only: ± its amount)
    old_cell: str | None = None
    new_cell: str | None = None
    row: str | None = None  # amounts: what the row is (one_off, recurring, saving, sub, companion, realised_…)

    def to_dict(self) -> dict[str, Any]:
        number = as_json_number if self.kind == AMOUNT else (lambda v: v)
        return {"kind": self.kind, "field": self.field, "year": self.year, "old": number(self.old),
                "new": number(self.new), "difference": as_json_number(self.difference), "old_cell": self.old_cell,
                "new_cell": self.new_cell}


def _kr(value: float) -> float:
    return round(value, 2) + 0.0


def _field_value(value: Any) -> Any:
    """A metadata value as it is compared and reported: text with its spaces collapsed, whole numbers as int."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return str(value)
        return int(value) if float(value).is_integer() else value
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


_PARENS = re.compile(r"\s*\(([^()]*)\)\s*$")
_LABEL_NOISE = re.compile(r"[\s.:*]+")


def row_id(label: str) -> str:
    """What identifies a row across versions: its label without case, spaces, dots and a unit in parentheses."""
    text = label.strip()
    m = _PARENS.search(text)
    if m and unit_in_text(m.group(1)):
        text = text[:m.start()]
    return _LABEL_NOISE.sub("", text.casefold())


def _rows(case: Case) -> dict[tuple, Row]:
    """The case's rows with amounts, by (section, label, n-th of that label): the table's inputs and sub-rows in sheet
    order, then the rows beside it (low/high estimates, realised figures)."""
    table = sorted([*case.cost_rows(), *case.gains, *case.subrows], key=lambda r: r.row)
    out: dict[tuple, Row] = {}
    seen: Counter = Counter()
    for section, rows in (("table", table), ("beside", case.beside)):
        for row in rows:
            key = (section, row_id(row.label))
            out[(*key, seen[key])] = row
            seen[key] += 1
    return out


def _amounts(case: Case, row: Row) -> dict[int, tuple[float | None, str | None]]:
    """year -> (amount in kr. or None when it could not be read, its cell)."""
    out: dict[int, tuple[float | None, str | None]] = {}
    for i, (year, value) in enumerate(zip(case.years, row.values)):
        if year in out:
            continue
        cell = row.cell(i, case.year_cols) if i < len(case.year_cols) else None
        out[year] = (None if value is None else _kr(value * case.factor), cell)
    return out


def _counts(row: Row) -> bool:
    return row.key in INPUT_KEYS and row.counted


def _counted_cell(case: Case, row: Row) -> str:
    """Where a row says whether it is counted: its Medregnes cell, else its label."""
    return a1(row.row, case.counted_col if case.counted_col is not None else case.label_col)


def compare_cases(old: Case, new: Case) -> list[Change]:
    """Every change between two versions of one case: metadata fields, the unit, whether a row is counted, and the
    amounts by row and year (in kr.)."""
    changes: list[Change] = []
    names = [n for n in METADATA if n != "unit"]
    names += sorted((set(old.fields) | set(new.fields)) - set(METADATA))
    for name in names:
        a, b = _field_value(old.fields.get(name)), _field_value(new.fields.get(name))
        if a != b:
            changes.append(Change(FIELD, name, None, a, b, old_cell=old.cell_of(name), new_cell=new.cell_of(name)))
    if old.unit != new.unit:
        changes.append(Change(UNIT, "unit", None, old.unit, new.unit, old_cell=old.cell_of("unit"),
                              new_cell=new.cell_of("unit")))
    rows_old, rows_new = _rows(old), _rows(new)
    for key in [*rows_new, *(k for k in rows_old if k not in rows_new)]:
        o, n = rows_old.get(key), rows_new.get(key)
        label = (n or o).label
        if o is not None and n is not None and key[0] == "table" and _counts(o) != _counts(n):
            changes.append(Change(COUNTED, label, None, _counts(o), _counts(n), old_cell=_counted_cell(old, o),
                                  new_cell=_counted_cell(new, n), row=n.key))
        a_old = _amounts(old, o) if o is not None else {}
        a_new = _amounts(new, n) if n is not None else {}
        for year in sorted(set(a_old) | set(a_new)):
            a, cell_a = a_old.get(year, (None, None))
            b, cell_b = a_new.get(year, (None, None))
            if year in a_old and year in a_new:
                if a is None and b is None or a is not None and b is not None and abs(a - b) < ØRE:
                    continue
                difference = _kr(b - a) if a is not None and b is not None else None
            else:  # the row, or the year, is in one version only: a change when it holds an amount
                if not (a if year in a_old else b):
                    continue
                difference = _kr(-a) if year in a_old else _kr(b)
            changes.append(Change(AMOUNT, label, year, a, b, difference, cell_a, cell_b, (n or o).key))
    return changes
