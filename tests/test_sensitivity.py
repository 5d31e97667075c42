"""The Følsomhed sheet and the portfolio stress tests, worked out by hand.

Stress tests on the clean sample's Velfærdsteknologi (1.000 kr., 2026–2031): investment 680, then 80 a year (1.080);
gain 200, then 650 a year (3.450); period net 2.370. Allerød's case 4 (SD-1 in samples/afdelinger) prints its one-off
investment as "2.000-8.000" and computes with 4.000: its Usikkerhed rows hold lav 2.000 and høj 8.000."""

import pytest

from xlpy.figures.stress import StressSettings, stress_tests

S = "Velfærdsteknologi"


def test_stress_tests_by_hand(edit):
    results, _ = edit.check()
    f = next(r.figures for r in results if r.case.sheet == S)
    t = {x.name: x for x in stress_tests([f])}
    assert t["base"].period_net == 2_370_000
    assert t["gains_late"].period_net == 1_720_000  # gains 0, 200, 650 × 4 = 2.800 (the last 650 falls outside)
    assert t["gains_share"].period_net == 1_507_500  # 0,75 × 3.450 − 1.080
    assert t["investment_over"].period_net == 2_100_000  # 3.450 − 1,25 × 1.080
    annuity = lambda rate: sum(1 / (1 + rate) ** k for k in range(1, 6))  # noqa: E731
    assert t["rate_up"].period_net == 2_370_000
    assert t["rate_up"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.045), abs=0.01)
    assert t["rate_down"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.025), abs=0.01)
    assert all(x.not_paying_back == 0 and x.no_longer_paying_back == 0 for x in t.values())
    assert t["gains_share"].return_per_krone == pytest.approx(0.75 * 3450 / 1080)
    assert t["base"].label == "Basis (som casene er indtastet)"
    assert t["gains_share"].label == "Gevinster realiseret med 75 %"


def test_stress_settings_and_rate(edit):
    """Gains 2 years late: 0, 0, 200, 650 × 3 = 2.150; at 30 %: 0,3 × 3.450 = 1.035 < 1.080 (no longer pays back);
    investments 100 % over: 3.450 − 2.160; the rate the run used (5 %) ± 2 points."""
    results, _ = edit.check()
    f = next(r.figures for r in results if r.case.sheet == S)
    settings = StressSettings(delay_years=2, gains_share=0.3, investment_overrun=1.0, rate_points=0.02)
    t = {x.name: x for x in stress_tests([f], 0.05, settings)}
    assert t["gains_late"].period_net == 2_150_000 - 1_080_000
    assert t["gains_share"].period_net == pytest.approx(1_035_000 - 1_080_000)
    assert (t["gains_share"].not_paying_back, t["gains_share"].no_longer_paying_back) == (1, 1)
    assert t["investment_over"].period_net == 3_450_000 - 2_160_000
    annuity = lambda rate: sum(1 / (1 + rate) ** k for k in range(1, 6))  # noqa: E731
    assert t["rate_up"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.07), abs=0.01)
    assert t["rate_down"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.03), abs=0.01)
    assert t["rate_up"].label == "Kalkulationsrente 7 % (+2 point)"
    assert t["gains_late"].label == "Gevinster 2 år forsinket"


def test_sensitivity_sheet_of_the_department_sample(tmp_path):
    from openpyxl import load_workbook

    from conftest import SAMPLES
    from xlpy.portfolio.batch import consolidate_files

    out = tmp_path / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "afdelinger")], str(out))
    wb = load_workbook(out)
    assert "Følsomhed" in wb.sheetnames
    rows = {r[0]: r for r in wb["Følsomhed"].iter_rows(values_only=True) if r and r[0]}
    by_nr = {r[1]: r for r in wb["Følsomhed"].iter_rows(values_only=True) if r and r[1]}
    sd1 = by_nr["SD-1"]
    # base period net 3.760; one-off 4.000 → høj 8.000: −240; lav 2.000: 5.760; PERT (2.000 + 16.000 + 8.000)/6
    assert sd1[3:7] == (pytest.approx(-240), pytest.approx(3760), pytest.approx(5760),
                        pytest.approx(3760 - (26000 / 6 - 4000)))
    assert sd1[7] == "=F5-D5"  # the spread (optimistic − pessimistic), a live formula
    assert sd1[10] == "2029–efter 2032"  # optimistic pays back in 2029; pessimistic not within 2027–2032
    assert sd1[11] == pytest.approx(3760 / 47472, abs=1e-4)
    assert "Gevinster 1 år forsinket" in rows and "Kalkulationsrente 4,5 % (+1 point)" in rows
    assert "Basis (som casene er indtastet)" in rows
    chart = wb["Følsomhed"]._charts[0]
    assert chart.tagname == "lineChart"  # markers for pessimistic, base, optimistic; the base's error bars span them
    assert [s.tx.strRef.f for s in chart.series] == ["Følsomhed!$D$4", "Følsomhed!$E$4", "Følsomhed!$F$4"]
    bars = chart.series[1].errBars
    assert (bars.errValType, bars.minus.numRef.f, bars.plus.numRef.f) == ("cust", "'Følsomhed'!$I$5:$I$5",
                                                                           "'Følsomhed'!$J$5:$J$5")


def test_no_estimates_no_sensitivity_sheet(tmp_path):
    from openpyxl import load_workbook

    from conftest import SAMPLES
    from xlpy.portfolio.batch import consolidate_files

    out = tmp_path / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "eksempel_uden_fejl.xlsx")], str(out))
    assert "Følsomhed" not in load_workbook(out).sheetnames
