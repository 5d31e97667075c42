"""The "Forudsætninger" sheet: the stress tests' settings as a budget economist types them, one per row — a label
and the value in the cell to its right ("Gevinster forsinket (år)" 1, "Gevinster realiseret" 75 %, "Investeringer
over" 25 %, "Kalkulationsrente ± (procentpoint)" 1). Read from the workbook the summary sheets go into (the ribbon
workbook, `consolidate --in-place`); the command line's flags win over it. A value that cannot be used is an
advarsel at its cell and the default (or the flag) is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..findings import Finding, Plain, finding
from ..sheet.labels import ASSUMPTIONS_SHEET, normalise
from ..sheet.numbers import parse_number_text

SHEET = ASSUMPTIONS_SHEET
Grid = Sequence[Sequence[Any]]

if TYPE_CHECKING:
    from ..layout import SheetLayout

LABELS = {
    "delay_years": ("Gevinster forsinket", "Forsinkelse af gevinster", "Gevinster forsinket med", "Forsinkelse"),
    "gains_share": ("Gevinster realiseret", "Gevinster realiseret med", "Gevinstrealisering", "Andel af gevinster"),
    "investment_overrun": ("Investeringer over", "Investeringer overskredet", "Overskridelse af investeringer",
                           "Merforbrug på investeringer", "Investeringer overskredet med"),
    "rate_points": ("Kalkulationsrente ±", "Kalkulationsrente +/-", "Rente ±", "Rente +/-", "Renteændring",
                    "Ændring af kalkulationsrente"),
}
BY_LABEL = {normalise(alias): name for name, aliases in LABELS.items() for alias in aliases}
LIMITS = {"delay_years": (1, 10), "gains_share": (0.0, 1.0), "investment_overrun": (0.0, 5.0),
          "rate_points": (0.0, 0.05)}


def _number(value: Any) -> tuple[float | None, bool]:
    """(the number, whether it was written with a % sign)."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        return float(value), False
    if isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        read = parse_number_text(text.rstrip("%").strip())
        if read.kind == "number" and read.value is not None:
            return read.value, percent
    return None, False


def setting_value(name: str, value: Any) -> float | int | None:
    """A cell's value as the setting `name`, or None when it cannot be one. Shares may be a fraction (0,75, or a
    cell formatted as percent) or a percentage (75 %, or 75); the rate's change is in percentage points (1, or 1 %;
    a fraction of at most 0,05 as typed in a percent cell)."""
    number, percent = _number(value)
    if number is None:
        return None
    low, high = LIMITS[name]
    if name == "delay_years":
        if percent or number != int(number) or not low <= number <= high:
            return None
        return int(number)
    if name == "rate_points":
        number = number / 100 if percent or number > high else number
    elif percent or number > (1.0 if name == "gains_share" else high):
        number = number / 100
    if name == "gains_share" and number <= 0:
        return None
    return number if low <= number <= high else None


def parse_assumptions(grid: Grid, file: str = "", sheet: str = SHEET) -> tuple[dict[str, Any], list[Finding]]:
    """The settings found on the sheet (the first of each), and an advarsel per value that cannot be used."""
    from ..cells import a1

    found: dict[str, Any] = {}
    findings: list[Finding] = []
    for r, cells in enumerate(grid):
        for c, label in enumerate(cells):
            name = BY_LABEL.get(normalise(label)) if isinstance(label, str) else None
            if name is None or name in found:
                continue
            value = cells[c + 1] if c + 1 < len(cells) else ""
            if value in ("", None):
                continue
            setting = setting_value(name, value)
            if setting is None:
                number = isinstance(value, (int, float)) and not isinstance(value, bool)
                findings.append(finding("assumption-invalid", file, sheet, a1(r, c + 1), label=label.strip(),
                                        value=Plain(value) if number else str(value).strip()))
                continue
            found[name] = setting
    return found, findings


def find_sheet(sheets: Sequence[Any]) -> Any | None:
    """The Forudsætninger sheet among a workbook's sheets (objects with .name and .grid), or None."""
    return next((s for s in sheets if normalise(getattr(s, "name", "")) == normalise(SHEET)), None)


def read_assumptions(path: str, file: str | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """The settings on the Forudsætninger sheet of the workbook at `path` (one sheet read with python-calamine); none
    when it has no such sheet or cannot be read (reading the cases reports that)."""
    try:
        import python_calamine as pc  # noqa: PLC0415

        wb = pc.CalamineWorkbook.from_path(str(path))
        name = next((n for n in wb.sheet_names if normalise(n) == normalise(SHEET)), None)
        if name is None:
            return {}, []
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 (a workbook that cannot be read has its finding from the reader)
        return {}, []
    return parse_assumptions(grid, file if file is not None else str(path), name)


def assumptions_sheet() -> "SheetLayout":
    """The Forudsætninger sheet of the ribbon workbook, holding the defaults: the finance department changes a value
    and Opdatér overblik / Hent afdelinger use it."""
    from ..layout import SheetLayout
    from .stress import StressSettings

    d = StressSettings()
    sheet = SheetLayout(SHEET, widths={0: 38, 1: 12, 2: 70})
    sheet.put(0, 0, "Forudsætninger for stresstestene på arket Følsomhed", "title")
    sheet.put(1, 0, "Ændr værdierne i de gule celler. Kommandolinjens --stress-flag går forud for arket.", "note")
    sheet.put(3, 0, "Forudsætning", "header_left")
    sheet.put(3, 1, "Værdi", "header_left")
    sheet.put(3, 2, "Betydning", "header_left")
    rows = (
        (LABELS["delay_years"][0] + " (år)", d.delay_years, "input_integer",
         "Alle gevinster kommer så mange år senere; det, der så falder efter periodens sidste år, går tabt."),
        (LABELS["gains_share"][0], d.gains_share, "input_percent", "Gevinsterne realiseres kun med denne andel."),
        (LABELS["investment_overrun"][0], d.investment_overrun, "input_percent",
         "Alle investeringer (engangs og varige) bliver så meget dyrere."),
        (LABELS["rate_points"][0] + " (procentpoint)", d.rate_points * 100, "input_decimal",
         "Nutidsværdien beregnes også med kalkulationsrenten så mange procentpoint højere og lavere."),
    )
    for r, (label, value, style, meaning) in enumerate(rows, start=4):
        sheet.put(r, 0, label, "text")
        sheet.put(r, 1, value, style)
        sheet.put(r, 2, meaning, "wrap")
    return sheet
