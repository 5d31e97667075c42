"""The "Følsomhed" sheet as data (DESIGN §5): per case with three-point estimates the pessimistic, base, optimistic
and expected (PERT) period net, the payback years' range and the switching value; the portfolio per scenario; the
portfolio stress tests over every counted case, each with its setting (gains late, gains realised at a share,
investments over, rate ± points); a chart of each case's range (pessimistic to optimistic) around the base.
Amounts in 1.000 kr. The spreads and the stress tests' changes are live formulas over the figures beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cells import a1, column_letter
from ..sheet.labels import SENSITIVITY_SHEET
from ..layout import Chart, Formula, SheetLayout, case_nr_value
from ..figures.scenarios import payback_range
from ..figures.stress import percent_text, portfolio_scenarios, stress_tests

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation

SHEET = SENSITIVITY_SHEET
THOUSAND = 1000.0
DASH = "–"
CASE_COLUMNS = ("Titel", "Nr.", "Område", "Pessimistisk", "Basis", "Optimistisk", "Forventet (PERT)",
                "Spænd (opt. − pess.)", "Basis − pess.", "Opt. − basis", "Tilbagebetalingsår (opt.–pess.)",
                "Skæringsværdi")
PESS, BASE, OPT, EXPECTED, SPREAD, DOWN, UP, PAYBACK, SWITCHING = range(3, 12)
SCENARIO_NAMES = {"pessimistic": "Pessimistisk", "base": "Basis", "optimistic": "Optimistisk",
                  "expected": "Forventet (PERT)"}
PORTFOLIO_COLUMNS = ("Porteføljen pr. scenarie (alle medregnede cases)", "Investering i alt", "Besparelse i alt",
                     "Samlet effektivisering i perioden", "Kr. igen pr. krone",
                     "Cases ikke tilbagebetalt i perioden")
STRESS_COLUMNS = ("Stresstest (alle medregnede cases)", "Samlet effektivisering i perioden", "Ændring",
                  "Kr. igen pr. krone", "Nutidsværdi", "Ændring", "Cases ikke tilbagebetalt i perioden",
                  "Heraf ikke længere")


def _ratio(value: float | None) -> float | str:
    return DASH if value is None else round(value, 4)


def _settings_note(c: "Consolidation") -> str:
    return (f"Stresstestenes forudsætninger er fra {c.stress.where_from()}; de kan sættes på et ark »Forudsætninger« i "
            f"projektmappen (fx »Gevinster forsinket (år)« 1, »Gevinster realiseret« 75 %, »Investeringer over« "
            f"25 %, »Kalkulationsrente ± (procentpoint)« 1). Kalkulationsrente i basis: {percent_text(c.rate)}.")


def sensitivity_layout(c: "Consolidation", made: str) -> SheetLayout:
    sheet = SheetLayout(SHEET, freeze="A5", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, "Følsomhed: samlet effektivisering i perioden pr. scenarie (1.000 kr.)", "title")
    sheet.put(2, 0, "Pessimistisk = høje investeringer og lave gevinster; optimistisk = lave investeringer og høje "
                    "gevinster; forventet (PERT) = (lav + 4 × basis + høj) / 6. Skæringsværdi: hvor meget alle "
                    "gevinster kan falde, før resultatet i perioden når 0 – og dermed før casen ikke længere er "
                    "tilbagebetalt i perioden.", "note")
    header = 3
    for col, title in enumerate(CASE_COLUMNS):
        sheet.put(header, col, title, "header_wrap")
    counted = [r for r in c.results if c.counted(r)]
    ranged = [r for r in counted if r.scenarios is not None]
    row = header
    for r in ranged:
        row += 1
        s = r.scenarios
        sheet.put(row, 0, r.case.title, "wrap")
        sheet.put(row, 1, case_nr_value(r.case.case_nr), "text_left")
        sheet.put(row, 2, r.case.text("area"), "wrap")
        for col, f in ((PESS, s.pessimistic), (BASE, s.base), (OPT, s.optimistic), (EXPECTED, s.expected)):
            sheet.put(row, col, f.period_net / THOUSAND, "amount")
        n = row + 1
        for col, (a, b), value in ((SPREAD, (OPT, PESS), s.optimistic.period_net - s.pessimistic.period_net),
                                   (DOWN, (BASE, PESS), s.base.period_net - s.pessimistic.period_net),
                                   (UP, (OPT, BASE), s.optimistic.period_net - s.base.period_net)):
            sheet.put(row, col, Formula(f"={column_letter(a)}{n}-{column_letter(b)}{n}", value / THOUSAND), "amount")
        sheet.put(row, PAYBACK, payback_range(s), "text_center")
        sheet.put(row, SWITCHING, DASH if s.switching_value is None else s.switching_value,
                  "text_right" if s.switching_value is None else "percent")
    last_case_row = row
    if ranged:
        sheet.table = ("xlpyFoelsomhed", f"A{header + 1}:{a1(row, len(CASE_COLUMNS) - 1)}")
    else:
        row += 1
        sheet.put(row, 0, "Ingen cases har lave og høje skøn.", "note")

    row += 2
    for col, title in enumerate(PORTFOLIO_COLUMNS):
        sheet.put(row, col, title, "header_wrap")
    sheet.heights[row] = 45
    for p in portfolio_scenarios(counted):
        row += 1
        sheet.put(row, 0, SCENARIO_NAMES[p.name], "total_label" if p.name == "base" else "text")
        sheet.put(row, 1, p.total_investment / THOUSAND, "amount")
        sheet.put(row, 2, p.total_saving / THOUSAND, "amount")
        sheet.put(row, 3, p.period_net / THOUSAND, "amount")
        sheet.put(row, 4, _ratio(p.return_per_krone), "ratio" if p.return_per_krone is not None else "text_right")
        sheet.put(row, 5, p.not_paying_back, "integer")

    row += 2
    stress_header = row
    for col, title in enumerate(STRESS_COLUMNS):
        sheet.put(row, col, title, "header_wrap")
    sheet.heights[stress_header] = 45
    base_row = stress_header + 2  # 1-based row of the base test, the first
    for t in stress_tests([r.figures for r in counted], c.rate, c.stress):
        row += 1
        n = row + 1
        sheet.put(row, 0, t.label, "total_label" if t.name == "base" else "text")
        sheet.put(row, 1, t.period_net / THOUSAND, "amount")
        sheet.put(row, 2, Formula(f"=B{n}-B${base_row}", 0.0), "amount")
        sheet.put(row, 3, _ratio(t.return_per_krone), "ratio" if t.return_per_krone is not None else "text_right")
        sheet.put(row, 4, t.npv / THOUSAND, "amount")
        sheet.put(row, 5, Formula(f"=E{n}-E${base_row}", 0.0), "amount")
        sheet.put(row, 6, t.not_paying_back, "integer")
        sheet.put(row, 7, t.no_longer_paying_back, "integer")
    base_net = sheet.value_at(stress_header + 1, 1)
    base_npv = sheet.value_at(stress_header + 1, 4)
    for cell in sheet.cells:  # the changes' cached values, now that the base is known
        if cell.row > stress_header and cell.col in (2, 5) and isinstance(cell.value, Formula):
            own = sheet.value_at(cell.row, 1 if cell.col == 2 else 4)
            cell.value = Formula(cell.value.text, round(own - (base_net if cell.col == 2 else base_npv), 6))
    row += 1
    sheet.put(row, 0, _settings_note(c), "note")

    if ranged:
        sheet.charts.append(Chart(
            title="Samlet effektivisering i perioden: spænd fra pessimistisk til optimistisk (1.000 kr.)",
            data=(header, PESS, last_case_row, OPT), categories=(header + 1, 1, last_case_row, 1),
            anchor=a1(row + 2, 0), series_in_rows=False, stacked=False, kind="range",
            error_bars=(DOWN, UP), y_title="1.000 kr.", number_format="#,##0",
            width_cm=max(18.0, 2.0 * len(ranged) + 6), height_cm=10.0))

    from .fit import fit_header_height, fit_row_heights

    widths = [48, 13, 18, 14, 13, 14, 14, 14, 13, 13, 18, 14]
    for col, w in enumerate(widths):
        sheet.widths[col] = w
    fit_header_height(sheet, header, table=bool(ranged))
    for col in (0, 2):  # titles and areas that wrap
        fit_row_heights(sheet, col, header + 1)
    return sheet
