"""Amount cells: a number, a number typed as text ("1.561"), an error value, a formula nobody calculated; a row of
them by year.

Part of reading one case (parse.py): a mixin of its reader, which holds the grid and collects the findings.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from ..cells import a1
from ..findings import Finding, Plain
from ..read.zipguard import NoValue
from .numbers import english_reading, kind_name, parse_number_text
from .regions import Grid

_READ_FROM_TEXT = ("number-as-text", "number-ambiguous")  # a number typed as text, read as the number it says
_ERROR_VALUE = re.compile(r"^#(?:REF!|VALUE!|DIV/0!|N/A|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!)$")


class AmountReader:
    grid: Grid
    findings: list[Finding]
    add: Callable[..., None]  # add(code, cell, **params): a finding

    def amount(self, raw: Any, row: int, col: int, blank: float | None) -> tuple[float | None, bool]:
        """(value, readable). Blank cells give `blank`; unreadable ones (None, False) with a finding."""
        if raw.__class__ is NoValue:  # a formula nobody calculated: unknown, not 0 (computed rows: nothing to check)
            if blank is None:
                return None, True
            self.add("formula-no-value", a1(row, col))
            return None, False
        if raw is None or raw == "":
            return blank, True
        cell = a1(row, col)
        if isinstance(raw, bool):
            self.add("wrong-type-in-number", cell, kind=kind_name(raw))
            return None, False
        if isinstance(raw, (int, float)):
            return float(raw), True
        if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            self.add("wrong-type-in-number", cell, kind=kind_name(raw))
            return None, False
        text = str(raw)
        if not text.strip():
            return blank, True
        if _ERROR_VALUE.match(text.strip()):
            self.add("error-value", cell, value=text.strip())
            return None, False
        read = parse_number_text(text)
        if read.kind == "number":
            assert read.value is not None
            if read.ambiguous:
                self.add("number-ambiguous", cell, raw=text.strip(), value=Plain(read.value),
                         other=Plain(english_reading(text)))
            else:
                self.add("number-as-text", cell, raw=text.strip(), value=Plain(read.value))
            return read.value, True
        if read.kind == "dash":
            self.add("dash-as-zero", cell, raw=text.strip())
            return 0.0, True
        if read.kind == "range":
            self.add("range-not-number", cell, raw=text.strip())
            return None, False
        self.add("text-in-number", cell, raw=text.strip()[:60])
        return None, False

    def amounts(self, r: int, label: str, year_cols: list[int],
                blank: float | None) -> tuple[list[float | None], list[int], list[int]]:
        """A row's values by year, the indexes that could not be read and those read from a number typed as text.
        Numbers stored as text in several cells of a row are one finding for the row."""
        cells = self.grid[r] if r < len(self.grid) else []
        width = len(cells)
        values: list[float | None] = []
        unreadable: list[int] = []
        from_text: list[int] = []
        mark = len(self.findings)
        for i, c in enumerate(year_cols):  # the common cells without a call to amount()
            raw = cells[c] if c < width else ""
            kind = raw.__class__
            if kind is float:
                values.append(raw)
            elif kind is NoValue and blank is None:  # a computed row's formula nobody calculated: nothing to check
                values.append(None)
            elif kind is str and not raw:  # blank (NoValue, a subclass, is not this)
                values.append(blank)
            else:
                before = len(self.findings)
                value, readable = self.amount(raw, r, c, blank)
                values.append(value)
                if not readable:
                    unreadable.append(i)
                elif len(self.findings) > before and self.findings[-1].code in _READ_FROM_TEXT:
                    from_text.append(i)
        if len(self.findings) - mark < 2:
            return values, unreadable, from_text  # fewer than two findings: no numbers-as-text to merge
        as_text = [f for f in self.findings[mark:] if f.code == "number-as-text"]
        if len(as_text) > 1:
            first = as_text[0]
            params = dict(first.params)
            self.findings[mark:] = [f for f in self.findings[mark:] if f.code != "number-as-text"]
            self.add("number-as-text-row", first.cell, label=label, count=Plain(len(as_text)), raw=params["raw"],
                     value=params["value"])
        return values, unreadable, from_text
