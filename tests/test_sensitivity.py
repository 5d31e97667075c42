"""The Følsomhed sheet and the portfolio stress tests, worked out by hand.

Stress tests on the clean sample's Velfærdsteknologi (1.000 kr., 2026–2031): investment 680, then 80 a year (1.080);
gain 200, then 650 a year (3.450); period net 2.370. Allerød's case 4 (SD-1 in samples/afdelinger) prints its one-off
investment as "2.000-8.000" and computes with 4.000: its Usikkerhed rows hold lav 2.000 and høj 8.000."""

import pytest

from xlpy.scenarios import stress_tests

S = "Velfærdsteknologi"


def test_stress_tests_by_hand(edit):
    results, _ = edit.check()
    f = next(r.figures for r in results if r.case.sheet == S)
    t = {x.test: x for x in stress_tests([f])}
    assert t["base"].period_net == 2_370_000
    assert t["gains_late"].period_net == 1_720_000  # gains 0, 200, 650 × 4 = 2.800 (the last 650 falls outside)
    assert t["gains_75"].period_net == 1_507_500  # 0,75 × 3.450 − 1.080
    assert t["investment_125"].period_net == 2_100_000  # 3.450 − 1,25 × 1.080
    annuity = lambda rate: sum(1 / (1 + rate) ** k for k in range(1, 6))  # noqa: E731
    assert t["rate_up"].period_net == 2_370_000
    assert t["rate_up"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.045), abs=0.01)
    assert t["rate_down"].npv == pytest.approx(-480_000 + 570_000 * annuity(0.025), abs=0.01)
    assert all(x.negative == 0 for x in t.values())


def test_sensitivity_sheet_of_the_department_sample(tmp_path):
    from openpyxl import load_workbook

    from conftest import SAMPLES
    from xlpy.batch import consolidate_files

    out = tmp_path / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "afdelinger")], str(out))
    wb = load_workbook(out)
    assert "Følsomhed" in wb.sheetnames
    rows = {r[0]: r for r in wb["Følsomhed"].iter_rows(values_only=True) if r and r[0]}
    sd1 = rows["SD-1"]
    # base period net 3.760; one-off 4.000 → høj 8.000: −240; lav 2.000: 5.760; PERT (2.000 + 16.000 + 8.000)/6
    assert sd1[3:7] == (pytest.approx(-240), pytest.approx(3760), pytest.approx(5760),
                        pytest.approx(3760 - (26000 / 6 - 4000)))
    assert sd1[7] == pytest.approx(3760 / 47472, abs=1e-4)
    assert "Gevinster et år forsinket" in rows and "Kalkulationsrente + 1 point" in rows


def test_no_estimates_no_sensitivity_sheet(tmp_path):
    from openpyxl import load_workbook

    from conftest import SAMPLES
    from xlpy.batch import consolidate_files

    out = tmp_path / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "eksempel_uden_fejl.xlsx")], str(out))
    assert "Følsomhed" not in load_workbook(out).sheetnames
