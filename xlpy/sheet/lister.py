"""The workbook's "Lister" sheet: the allowed values of the list fields (Område, Kategori, Type, Status) and the
follow-up light's thresholds ("Grøn fra", "Gul fra"); the defaults where a workbook has no such sheet."""

from __future__ import annotations

from typing import Any, Sequence

from ..figures.followup import GREEN, YELLOW, Thresholds
from .labels import DEFAULT_LISTS, LIST_FIELDS, METADATA_BY_ALIAS, normalise
from .model import text_of
from .numbers import parse_number_text

Grid = Sequence[Sequence[Any]]

THRESHOLD_LABELS = {normalise("Grøn fra"): "green", normalise("Grønt lys fra"): "green", normalise("Gul fra"): "yellow",
                    normalise("Gult lys fra"): "yellow"}


def parse_thresholds(grid: Grid) -> Thresholds:
    """The follow-up light's thresholds from the Lister sheet ("Grøn fra" 90 %, "Gul fra" 60 %, label and value to
    its right; a fraction or a percentage), or the defaults."""
    found: dict[str, float] = {}
    for r, cells in enumerate(grid):
        for c, value in enumerate(cells):
            name = THRESHOLD_LABELS.get(normalise(value)) if isinstance(value, str) else None
            if name and c + 1 < len(cells):
                number = _fraction(cells[c + 1])
                if number is not None:
                    found.setdefault(name, number)
    return Thresholds(found.get("green", GREEN), found.get("yellow", YELLOW))


def _fraction(value: Any) -> float | None:
    """0.9, 90, "90 %", "0,9" -> 0.9; None when not a share."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        read = parse_number_text(text)
        if read.kind != "number" or read.value is None:
            return None
        number = read.value
    else:
        return None
    number = number / 100 if number > 1 else number
    return number if 0 <= number <= 1 else None


def parse_lists(grid: Grid) -> dict[str, tuple[str, ...]]:
    """The allowed values from a "Lister" sheet: a header row naming the fields, values below each."""
    lists: dict[str, tuple[str, ...]] = {}
    for r, cells in enumerate(grid[:10]):
        for c, value in enumerate(cells):
            name = METADATA_BY_ALIAS.get(normalise(value))
            if name in LIST_FIELDS and name not in lists:
                values = []
                for below in grid[r + 1:]:
                    item = below[c] if c < len(below) else ""
                    if item in ("", None):
                        break
                    values.append(text_of(item))
                lists[name] = tuple(values)
    return {name: lists.get(name, DEFAULT_LISTS[name]) for name in LIST_FIELDS}
