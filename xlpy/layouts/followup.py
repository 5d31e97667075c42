"""The "Opfølgning" sheet as data: expected against realised up to each case's follow-up year, per case and per
area, with the realisation rate as a live formula under Excel's own traffic-light icon set, the reasons given, the
cases still without follow-up, and a chart of expected against realised gain by year. Amounts in 1.000 kr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..cells import a1
from ..figures.followup import FollowUpTotals, Thresholds, current_year
from ..sheet.labels import FOLLOW_UP_SHEET
from ..layout import Chart, Formula, IconSet, SheetLayout, case_nr_value

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation

SHEET = FOLLOW_UP_SHEET
THOUSAND = 1000.0
DASH = "–"
CASE_COLUMNS = ("Nr.", "Område", "Titel", "Opfølgningsår", "Forventet investering", "Realiseret investering",
                "Forventet gevinst", "Realiseret gevinst", "Afvigelse (gevinst)", "Realiseringsgrad", "Lys",
                "Forventet gevinst efter opfølgningsåret", "Forklaring på afvigelse")
AREA_COLUMNS = ("Område", "Cases", "Forventet gevinst", "Realiseret gevinst", "Afvigelse (gevinst)",
                "Realiseringsgrad", "Lys")


def _rate(sheet: SheetLayout, row: int, expected_col: int, realised_col: int, value: float | None) -> None:
    """Realiseringsgrad = realised ÷ expected, live, with Python's figure as its cached value."""
    e, r = a1(row, expected_col), a1(row, realised_col)
    sheet.put(row, realised_col + 2, Formula(f'=IF({e}>0,{r}/{e},"{DASH}")', DASH if value is None else value),
              "percent")


def follow_up_layout(c: "Consolidation", made: str, thresholds: Thresholds = Thresholds()) -> SheetLayout:
    from ..portfolio.consolidate import primary_area  # noqa: PLC0415 (the consolidation imports the pipeline)

    sheet = SheetLayout(SHEET, freeze="A5", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, "Opfølgning: realiseret mod forventet til og med hver cases opfølgningsår (1.000 kr.)", "title")
    sheet.put(2, 0, f"Lys: grøn fra {round(thresholds.green * 100)} %, gul fra {round(thresholds.yellow * 100)} %, "
                    f"rød derunder.", "note")
    header = 3
    for col, title in enumerate(CASE_COLUMNS):
        sheet.put(header, col, title, "header_wrap")
    followed = [r for r in c.results if c.counted(r) and r.follow_up is not None]
    row = header
    for r in followed:
        row += 1
        f = r.follow_up
        sheet.put(row, 0, case_nr_value(r.case.case_nr), "text_left" if not r.case.case_nr.isdigit() else "general")
        sheet.put(row, 1, r.case.text("area"))
        sheet.put(row, 2, r.case.title, "wrap")
        sheet.put(row, 3, f.year, "year")
        for col, value in ((4, f.expected_investment), (5, f.realised_investment), (6, f.expected_saving),
                           (7, f.realised_saving)):
            sheet.put(row, col, value / THOUSAND, "amount")
        sheet.put(row, 8, Formula(f"={a1(row, 7)}-{a1(row, 6)}", f.deviation / THOUSAND), "amount")
        _rate(sheet, row, 6, 7, f.realisation_rate)
        sheet.put(row, 10, thresholds.light(f.realisation_rate) or DASH)
        sheet.put(row, 11, f.saving_to_come / THOUSAND, "amount")
        sheet.put(row, 12, f.reason, "wrap")
    if followed:
        sheet.table = ("xlpyOpfoelgning", f"A{header + 1}:{a1(row, len(CASE_COLUMNS) - 1)}")
        sheet.icon_sets.append(IconSet(f"{a1(header + 1, 9)}:{a1(row, 9)}", thresholds.green, thresholds.yellow))
    else:
        row += 1
        sheet.put(row, 0, "Ingen cases har realiserede tal endnu.", "note")

    # per area, in the case table's columns (Område, Cases, then the gain columns)
    row += 2
    sheet.put(row, 0, "Pr. område", "subtitle")
    row += 1
    area_header = row
    for col, title in ((0, "Område"), (3, "Cases"), (6, "Forventet gevinst"), (7, "Realiseret gevinst"),
                       (8, "Afvigelse (gevinst)"), (9, "Realiseringsgrad"), (10, "Lys")):
        sheet.put(row, col, title, "header_wrap")
    for col in (1, 2, 4, 5):
        sheet.put(row, col, "", "header_wrap")
    sheet.heights[row] = 30
    by_area: dict[str, FollowUpTotals] = {}
    for r in followed:
        by_area.setdefault(primary_area(r), FollowUpTotals()).add(r.follow_up)
    total = FollowUpTotals()
    for r in followed:
        total.add(r.follow_up)
    for area, t in [*sorted(by_area.items()), ("I alt", total)]:
        row += 1
        sheet.put(row, 0, area, "total_label" if area == "I alt" else "text")
        sheet.put(row, 3, t.cases, "integer")
        sheet.put(row, 6, t.expected_saving / THOUSAND, "amount")
        sheet.put(row, 7, t.realised_saving / THOUSAND, "amount")
        sheet.put(row, 8, Formula(f"={a1(row, 7)}-{a1(row, 6)}", (t.realised_saving - t.expected_saving) / THOUSAND),
                  "amount")
        _rate(sheet, row, 6, 7, t.realisation_rate)
        sheet.put(row, 10, thresholds.light(t.realisation_rate) or DASH)
    sheet.icon_sets.append(IconSet(f"{a1(area_header + 1, 9)}:{a1(row, 9)}", thresholds.green, thresholds.yellow))

    # counted cases whose first gain year has passed and that have no realised figures (Rigsrevisionen's third)
    this_year = current_year()
    missing = [r for r in c.results if c.counted(r) and r.follow_up is None and any(
        s > 0 and y < this_year for y, s in zip(r.figures.years, r.figures.saving))]
    row += 2
    sheet.put(row, 0, f"Uden opfølgning ({len(missing)}): cases, hvis første gevinstår er passeret, uden "
                      f"realiserede tal", "subtitle")
    for r in missing:
        row += 1
        sheet.put(row, 0, case_nr_value(r.case.case_nr), "text_left" if not r.case.case_nr.isdigit() else "general")
        sheet.put(row, 1, r.case.text("area"))
        sheet.put(row, 2, r.case.title, "wrap")
        sheet.put(row, 3, r.case.text("status"))

    # expected against realised gain by year, summed over the cases with follow-up (years up to their follow-up year)
    years = sorted({y for r in followed for y in r.figures.years if y <= r.follow_up.year})
    if years:
        expected = {y: 0.0 for y in years}
        realised = {y: 0.0 for y in years}
        for r in followed:
            for y, s in zip(r.figures.years, r.figures.saving):
                if y <= r.follow_up.year:
                    expected[y] += s
            for y, v in _realised_by_year(r).items():
                if y in realised:
                    realised[y] += v
        row += 2
        sheet.put(row, 0, "Gevinst pr. år (1.000 kr.)", "subtitle")
        row += 1
        first = row
        sheet.put(row, 2, "", "header_left")
        for i, y in enumerate(years):
            sheet.put(row, 3 + i, y, "header")
        for label, values in (("Forventet gevinst", expected), ("Realiseret gevinst", realised)):
            row += 1
            sheet.put(row, 2, label, "label")
            for i, y in enumerate(years):
                sheet.put(row, 3 + i, round(values[y], 2) / THOUSAND, "amount")
        sheet.charts.append(Chart(
            title="Forventet og realiseret gevinst pr. år (1.000 kr.)", data=(first + 1, 2, row, 2 + len(years)),
            categories=(first, 3, first, 2 + len(years)), anchor=a1(row + 2, 2), stacked=False,
            number_format="#,##0"))

    widths = [10, 22, 40, 15, 13, 13, 13, 13, 13, 17, 8, 16, 50]
    for col, w in enumerate(widths):
        sheet.widths[col] = w
    sheet.heights[header] = 45
    return sheet


def _realised_by_year(result: Any) -> dict[int, float]:
    """The realised gain by year (kr.), as the case's follow-up counted it (slim cases keep it on the follow-up)."""
    return dict(result.follow_up.saving_by_year)
