"""What a case sheet holds once it has been read: plain dataclasses, no Excel library in sight."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..cells import a1
from .labels import DEFAULT_UNIT, UNITS, metadata_label, row_label, split_values


@dataclass(slots=True)
class Row:
    """One row of the year table. `values` has one entry per year column.

    For input rows (investments, gains) a blank cell is 0.0 and an unreadable cell is None. For computed rows
    (totals, net, cumulative) None means "nothing to check" (blank, or a formula no program has calculated).
    """

    key: str  # one_off, recurring, saving (inputs); investment, saving_total, net, cumulative (computed); sub
    label: str
    row: int
    values: list[float | None]
    counted: bool = True  # input rows: False when the sheet says it is shown but not counted, or it is read as a sub-row
    assumed: bool = False  # an unknown label read as an input because of where it stands (readings.py decides)
    total: float | None = None  # what the row's "I alt" cell shows, when the table has that column
    parent: "Row | None" = None  # sub-rows: the row they are part of
    # The year indexes whose amount was typed as text ("1.075"). The workbook's own formulas read such a cell in an
    # input row their own way (Excel's SUM skips it), so the computed values it feeds are not compared with xlpy's
    # (unless typed as text themselves, by hand): the text cell's finding is the one finding.
    from_text: tuple[int, ...] = ()

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
    rows: dict[str, Row] = field(default_factory=dict)  # first one_off and recurring row; the computed rows
    gains: list[Row] = field(default_factory=list)
    costs: list[Row] = field(default_factory=list)  # every investment row (Anlæg, Drift, …); empty: rows one_off/recurring
    subrows: list[Row] = field(default_factory=list)  # "Heraf …" rows: shown, never counted, checked against parent
    beside: list[Row] = field(default_factory=list)  # "Gevinst (lav)", "Realiseret gevinst": never counted here
    unreadable: set[int] = field(default_factory=set)  # year indexes where an input amount could not be read
    doubtful: bool = False  # a fejl says the figures cannot be trusted (unit conflict, mixed signs, uncertain row)
    hidden: bool = False
    total_col: int | None = None  # the "I alt" column, when the table has one
    unchecked: set[str] = field(default_factory=set)  # computed rows not to compare (a fejl already explains them)

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
        return replace(self, label_cells={}, rows={}, gains=[], costs=[], subrows=[], beside=[],
                       unreadable=frozenset(self.unreadable))

    def years_from_text(self) -> set[int]:
        """Year indexes where an investment or gain was typed as text."""
        return {i for row in (*self.cost_rows(), *self.gains) for i in row.from_text}

    def formulas_read_text(self, row: Row) -> set[int]:
        """Year indexes where `row` (a computed row) shows what the workbook's own formulas made of an investment or
        gain typed as text (Excel's SUM skips it): not compared with xlpy's figures, since the text cell's finding is
        the one finding. A value the row itself has typed as text is typed by hand, and is compared."""
        return self.years_from_text().difference(row.from_text)

    def cost_rows(self) -> list[Row]:
        """Every investment row; for a case built by hand, its one_off and recurring rows."""
        if self.costs:
            return self.costs
        return [r for r in (self.rows.get("one_off"), self.rows.get("recurring")) if r is not None]

    def input_rows(self) -> list[Row]:
        return [*self.cost_rows(), *self.gains]

    def has_amounts(self) -> bool:
        return any(v for r in self.input_rows() for v in r.values)

    @property
    def complete(self) -> bool:
        return not self.unreadable and not self.doubtful


def text_of(value: Any) -> str:
    """A metadata value as text: 1.0 -> "1", None -> "", "  x " -> "x"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013\u2014/]|til)\s*(\d{4}|\d{2})\s*(?:\([^()]*\))?\s*$")


def parse_period(value: Any) -> tuple[int, int] | None:
    """ "2021–2026", "2021-2026", "2021–26", "2021 - 2026", "2021–2026 (4 år)" -> (2021, 2026); a single year ->
    (y, y); None when unreadable."""
    return _period_of_text(text_of(value))


@lru_cache(maxsize=4096)  # the same few periods ("2025–2030") on every case
def _period_of_text(text: str) -> tuple[int, int] | None:
    match = _PERIOD.match(text)
    if match:
        first, last = int(match[1]), match[2]
        end = int(last) if len(last) == 4 else first - first % 100 + int(last)
        if len(last) == 2 and end < first:
            end += 100
        return (first, end) if first <= end else None
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    return None
