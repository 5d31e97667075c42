"""The "Følsomhed" sheet as data (DESIGN §5): per case with three-point estimates the pessimistic, base, optimistic
and expected (PERT) period net and the switching values; portfolio stress tests over every counted case (gains a
year late, gains at 75 %, investments 25 % over, rate ± 1 point); a chart of each case's range. Amounts in
1.000 kr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cells import a1
from ..labels import SENSITIVITY_SHEET
from ..layout import Chart, SheetLayout, case_nr_value
from ..scenarios import stress_tests

if TYPE_CHECKING:
    from ..consolidate import Consolidation

SHEET = SENSITIVITY_SHEET
THOUSAND = 1000.0
DASH = "–"
CASE_COLUMNS = ("Nr.", "Område", "Titel", "Pessimistisk", "Basis", "Optimistisk", "Forventet (PERT)",
                "Skæringsværdi (resultat)", "Skæringsværdi (tilbagebetaling)")
STRESS_COLUMNS = ("Stresstest (alle medregnede cases)", "Samlet effektivisering i perioden", "Ændring",
                  "Nutidsværdi", "Ændring", "Cases med negativt resultat")


def sensitivity_layout(c: "Consolidation", made: str) -> SheetLayout:
    sheet = SheetLayout(SHEET, freeze="A5", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, "Følsomhed: samlet effektivisering i perioden pr. scenarie (1.000 kr.)", "title")
    sheet.put(2, 0, "Pessimistisk = høje investeringer og lave gevinster; optimistisk = lave investeringer og høje "
                    "gevinster; forventet (PERT) = (lav + 4 × basis + høj) / 6. Skæringsværdi: hvor meget alle "
                    "gevinster kan falde, før resultatet når 0 (før tilbagebetalingen falder uden for perioden).",
              "note")
    header = 3
    for col, title in enumerate(CASE_COLUMNS):
        sheet.put(header, col, title, "header_wrap")
    counted = [r for r in c.results if c.counted(r)]
    ranged = [r for r in counted if r.scenarios is not None]
    row = header
    for r in ranged:
        row += 1
        s = r.scenarios
        sheet.put(row, 0, case_nr_value(r.case.case_nr), "text_left" if not r.case.case_nr.isdigit() else "general")
        sheet.put(row, 1, r.case.text("area"))
        sheet.put(row, 2, r.case.title, "wrap")
        for col, f in ((3, s.pessimistic), (4, s.base), (5, s.optimistic), (6, s.expected)):
            sheet.put(row, col, f.period_net / THOUSAND, "amount")
        for col, share in ((7, s.switching_period_net), (8, s.switching_payback)):
            sheet.put(row, col, DASH if share is None else share, "percent")
    if ranged:
        sheet.table = ("xlpyFoelsomhed", f"A{header + 1}:{a1(row, len(CASE_COLUMNS) - 1)}")
        sheet.charts.append(Chart(
            title="Samlet effektivisering i perioden pr. scenarie (1.000 kr.)", data=(header, 3, row, 5),
            categories=(header + 1, 0, row, 0), anchor=a1(row + 12, 0), series_in_rows=False, stacked=False,
            number_format="#,##0"))
    else:
        row += 1
        sheet.put(row, 0, "Ingen cases har lave og høje skøn.", "note")

    row += 2
    stress_header = row
    for col, title in enumerate(STRESS_COLUMNS):
        sheet.put(row, col, title, "header_wrap")
    tests = stress_tests([r.figures for r in counted])
    base = tests[0]
    for t in tests:
        row += 1
        sheet.put(row, 0, t.label, "total_label" if t.test == "base" else "text")
        sheet.put(row, 1, t.period_net / THOUSAND, "amount")
        sheet.put(row, 2, (t.period_net - base.period_net) / THOUSAND, "amount")
        sheet.put(row, 3, t.npv / THOUSAND, "amount")
        sheet.put(row, 4, (t.npv - base.npv) / THOUSAND, "amount")
        sheet.put(row, 5, t.negative, "integer")
    sheet.heights[stress_header] = 45

    widths = [30, 22, 40, 14, 14, 14, 14, 15, 17]
    for col, w in enumerate(widths):
        sheet.widths[col] = w
    sheet.heights[header] = 45
    return sheet
