"""The metadata block of a case (each label with its value to the right) and the unit the sheet states.

Part of reading one case (parse.py): a mixin of its reader, which holds the sheet's cells — the grid, its text cells,
the case's region and the merged ranges — and collects the findings.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress
from operator import itemgetter
from typing import Any, Callable

from ..cells import a1
from ..findings import Finding
from .labels import METADATA_BY_ALIAS, is_table_label, metadata_label, normalise, row_key, unit_in_text, unit_of_field
from .model import Case, Row, text_of
from .regions import Grid, Region, Texts

_NORM = itemgetter(3)  # a text cell's normalised text (regions.Texts)


class MetadataReader:
    grid: Grid
    texts: Texts  # the text cells of the case's region, in sheet order
    region: Region
    bounded: bool  # the case has a region of its own (several cases on the sheet)
    merges_known: bool
    merge_ends: dict[tuple[int, int], tuple[int, int]]  # start -> end of each merged range
    findings: list[Finding]
    add: Callable[..., None]  # add(code, cell, **params): a finding
    value: Callable[[int, int], Any]  # the cell at (row, col), "" outside the region

    def metadata(self, case: Case, skip_rows: set[int], label_col: int) -> None:
        fields, label_cells, field_cells = case.fields, case.label_cells, case.field_cells
        # the sheet's one case with its merges known and none of them: each value is the cell right of its label,
        # read straight from the grid (what value_col() and value() give then)
        plain = not self.bounded and self.merges_known and not self.merge_ends
        grid, by_alias = self.grid, METADATA_BY_ALIAS
        # the texts that are metadata labels, picked in C (most texts of a sheet are not)
        for r, c, value, norm in compress(self.texts, map(by_alias.__contains__, map(_NORM, self.texts))):
            name = by_alias[norm]
            if r in skip_rows or (c == label_col and is_table_label(value)):
                continue
            if name in label_cells:
                vc = self.value_col(r, c)
                other = self.value(r, vc)
                if other not in ("", None) and text_of(other) != case.text(name):
                    self.add("label-duplicate", a1(r, c), label=metadata_label(name), first=field_cells[name])
                continue
            if plain:
                vc = c + 1
                cells = grid[r]
                raw = cells[vc] if vc < len(cells) else ""
            else:
                vc = self.value_col(r, c)
                raw = self.value(r, vc)
            label_cells[name] = a1(r, c)
            field_cells[name] = a1(r, vc)
            fields[name] = raw.strip() if isinstance(raw, str) else raw

    def value_col(self, row: int, col: int) -> int:
        """The value of a label is in the first cell to its right, or right of the label's merged range. Where the
        merges are not known (a live book, some formats), an empty cell right of the label is skipped when the cell
        after it holds a value that is no label (what a label merged over two columns looks like)."""
        end = self.merge_ends.get((row, col))
        if end and end[0] >= row:
            return end[1] + 1
        if not self.merges_known and self.value(row, col + 1) in ("", None):
            after = self.value(row, col + 2)
            if after not in ("", None) and not (isinstance(after, str) and (
                    METADATA_BY_ALIAS.get(normalise(after)) or row_key(after))):
                return col + 2
        return col + 1

    def unit(self, case: Case, table_rows: list[Row]) -> None:
        """The unit, from wherever the sheet states it: the Enhed field, the table's header cell, a title line above
        the table, the row labels. Two that disagree are a fejl."""
        stated: list[tuple[str, str, str]] = []  # (text, cell, unit)
        field = text_of(case.fields.get("unit"))
        if field:
            unit = unit_of_field(field)
            if unit is None:
                self.add("unit-unknown", case.cell_of("unit"), value=field)
            else:
                stated.append((field, case.cell_of("unit") or "", unit))
        if case.years:  # the header cell left of the years, and title lines up to three rows above the table
            value_cells: set[str] | None = None  # the metadata's value cells, once a text there states a unit
            first_col, top = max(self.region.left, case.label_col - 1), case.header_row - 3
            # texts are in sheet order (text_cells), so the rows top..header_row are one slice of them
            lo, hi = bisect_left(self.texts, (top,)), bisect_left(self.texts, (case.header_row + 1,))
            for r, c, text, norm in self.texts[lo:hi]:
                if c < first_col or METADATA_BY_ALIAS.get(norm):
                    continue
                if c >= (case.year_cols[0] if r == case.header_row else case.year_cols[-1] + 1):
                    continue
                unit = unit_in_text(text)
                if unit:
                    if value_cells is None:
                        value_cells = set(case.field_cells.values())
                    if a1(r, c) not in value_cells:
                        stated.append((text.strip(), a1(r, c), unit))
        for row in table_rows:
            unit = unit_in_text(row.label)
            if unit:
                stated.append((row.label, a1(row.row, case.label_col), unit))
        if not stated:
            if not field:
                self.add("unit-missing", case.cell_of("unit") or a1(case.header_row, case.label_col))
            return
        case.unit = stated[0][2]
        other = next((s for s in stated if s[2] != case.unit), None) if len(stated) > 1 else None
        if other is not None:
            first = stated[0]
            self.add("unit-conflict", other[1], first=first[0], first_cell=first[1], second=other[0],
                     second_cell=other[1], used=case.unit)
            case.doubtful = True
