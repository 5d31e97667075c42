"""What a case sheet holds once it has been read: plain dataclasses, no Excel library in sight."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .cells import a1
from .labels import DEFAULT_UNIT, UNITS, metadata_label, row_label, split_values


@dataclass(slots=True)
class Row:
    """One row of the year table. `values` has one entry per year column.

    For input rows (investments, gains) a blank cell is 0.0 and an unreadable cell is None. For computed rows
    (totals, net, cumulative) None means "nothing to check" (blank, or a formula no program has calculated).
    """

    key: str
    label: str
    row: int
    values: list[float | None]
    counted: bool = True  # gain rows only: False when the sheet says it is shown but not counted

    def cell(self, index: int, year_cols: list[int]) -> str:
        return a1(self.row, year_cols[index])


@dataclass(slots=True)
class Case:
    file: str
    sheet: str
    fields: dict[str, Any]  # metadata as typed into the sheet, by field name (see labels.METADATA)
    field_cells: dict[str, str]  # field -> A1 address of its value cell
    label_cells: dict[str, str]  # field -> A1 address of its label cell
    unit: str = DEFAULT_UNIT
    years: list[int] = field(default_factory=list)
    year_cols: list[int] = field(default_factory=list)
    header_row: int = 0
    label_col: int = 0
    counted_col: int | None = None  # the "Medregnes" column, when the sheet has one
    rows: dict[str, Row] = field(default_factory=dict)  # one_off, recurring, investment, saving_total, net, cumulative
    gains: list[Row] = field(default_factory=list)
    unreadable: set[int] = field(default_factory=set)  # year indexes where an input amount could not be read
    hidden: bool = False

    @property
    def factor(self) -> int:
        return UNITS.get(self.unit, UNITS[DEFAULT_UNIT])

    @property
    def case_nr(self) -> str:
        return text_of(self.fields.get("case_nr"))

    @property
    def title(self) -> str:
        return text_of(self.fields.get("title"))

    def values(self, name: str) -> list[str]:
        """All values of a list field ("A; B" -> ["A", "B"]); the first is the primary one."""
        return split_values(self.fields.get(name))

    def text(self, name: str) -> str:
        return text_of(self.fields.get(name))

    def cell_of(self, name: str) -> str | None:
        """The value cell of a metadata field, or its label cell, or None when the field is absent."""
        return self.field_cells.get(name) or self.label_cells.get(name)

    def label_of(self, name: str) -> str:
        if name in self.rows:
            return self.rows[name].label
        return row_label(name) if name in ("one_off", "recurring", "investment", "saving_total", "net",
                                           "cumulative") else metadata_label(name)

    def without_table(self) -> "Case":
        """The case without its year-table rows: what consolidation needs (metadata, cells, years; the figures are
        in its CaseResult). Worker processes send cases back this way, which halves what is pickled and held."""
        return replace(self, label_cells={}, rows={}, gains=[], unreadable=frozenset(self.unreadable))

    def has_amounts(self) -> bool:
        inputs = [self.rows.get("one_off"), self.rows.get("recurring"), *self.gains]
        return any(v for r in inputs if r for v in r.values)


def text_of(value: Any) -> str:
    """A metadata value as text: 1.0 -> "1", None -> "", "  x " -> "x"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PERIOD = re.compile(r"^\s*(\d{4})\s*[-\u2013\u2014/]\s*(\d{4})\s*$")


def parse_period(value: Any) -> tuple[int, int] | None:
    """ "2021–2026" or "2021-2026" -> (2021, 2026); a single year -> (y, y); None when unreadable."""
    text = text_of(value)
    match = _PERIOD.match(text)
    if match:
        first, last = int(match[1]), int(match[2])
        return (first, last) if first <= last else None
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    return None
