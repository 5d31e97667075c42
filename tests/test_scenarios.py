"""Three-point estimates and scenarios, on the clean sample's first case with companion rows typed under its table
(rows 35–40, the template's "Usikkerhed" block).

Velfærdsteknologi (1.000 kr.), 2026–2031: Engangsinvestering 600 in 2026, Varig investering 80 a year, Gevinst 200
in 2026 and 650 a year after. Base: investment 1.080, saving 3.450, period net 2.370, payback 2027. Every figure
below is worked out by hand from those amounts and the estimates the tests type in."""

import json

import pytest

from xlpy.cli import main

S = "Velfærdsteknologi"


LABELS = {35: "Usikkerhed (lav/høj, tomt = som basis)", 36: "Engangsinvestering (lav)",
          37: "Engangsinvestering (høj)", 38: "Varig investering (lav)", 39: "Varig investering (høj)",
          40: "Gevinst (lav)", 41: "Gevinst (høj)"}


def estimates(edit):
    """Engangsinvestering (høj) 900 in 2026; Gevinst (lav) 100, then 400; Gevinst (høj) blank (= 200) in 2026, then
    800. Varig investering has no estimates (lav = høj = base)."""
    for r, label in LABELS.items():  # the template's Usikkerhed block under the Opfølgning block
        edit.set(S, f"A{r}", label)
    edit.set(S, "B37", 900).set(S, "B40", 100)
    for col in "CDEFG":
        edit.set(S, f"{col}40", 400).set(S, f"{col}41", 800)
    return edit


def codes(findings):
    return {(f.code, f.cell) for f in findings if f.sheet == S}


def test_no_companions_no_scenarios(edit):
    for r, label in LABELS.items():  # the template's block, left blank: no estimates
        edit.set(S, f"A{r}", label)
    results, _ = edit.check()
    assert results[0].scenarios is None
    assert results[0].to_dict()["scenarios"] is None


def test_scenarios_by_hand(edit):
    results, findings = estimates(edit).check()
    assert codes(findings) == set()
    sc = results[0].scenarios
    f = results[0].figures
    assert (f.total_investment, f.total_saving, f.period_net, f.payback_year) == (1_080_000, 3_450_000, 2_370_000, 2027)
    assert sc.base is f
    # pessimistic: høj costs (one-off 900) and lav gains (100 + 5 × 400 = 2.100)
    p = sc.pessimistic
    assert (p.total_investment, p.total_saving, p.period_net) == (1_380_000, 2_100_000, 720_000)
    assert p.return_per_krone == pytest.approx(2100 / 1380)
    assert p.payback_year == 2029  # net −880, +320 a year: cumulative −880, −560, −240, +80
    annuity = sum(1 / 1.035 ** t for t in range(1, 6))
    assert p.npv == pytest.approx(-880_000 + 320_000 * annuity, abs=0.01)
    # optimistic: lav costs (none given: the base) and høj gains (200 + 5 × 800 = 4.200)
    o = sc.optimistic
    assert (o.total_investment, o.total_saving, o.period_net, o.payback_year) == (1_080_000, 4_200_000, 3_120_000, 2027)
    # expected (PERT): one-off (600 + 4·600 + 900)/6 = 650; gain 2026 (100 + 800 + 200)/6, later (400 + 2600 + 800)/6
    e = sc.expected
    assert e.one_off[0] == 650_000 and e.total_investment == 1_130_000
    assert e.total_saving == pytest.approx(3_350_000, abs=0.05)
    assert e.period_net == pytest.approx(2_220_000, abs=0.05)
    # switching value: gains can fall by 2.370 / 3.450 before the period net (and the payback) is gone
    assert sc.switching_period_net == pytest.approx(2370 / 3450)
    assert sc.switching_payback == pytest.approx(2370 / 3450, abs=1e-6)


def test_aliases_and_blank_as_base(edit):
    estimates(edit).set(S, "A40", "Gevinst - lavt skøn").set(S, "A41", "Gevinst maksimum")
    results, findings = edit.check()
    assert codes(findings) == set()
    assert results[0].scenarios.pessimistic.total_saving == 2_100_000


def test_companion_order_and_orphan(edit):
    estimates(edit).set(S, "C40", 700).set(S, "B41", 150)  # lav 700 > 650; høj 150 < 200
    edit.set(S, "A38", "Anlæg (lav)").set(S, "B38", 10)  # the table has no Anlæg row
    _, findings = edit.check()
    assert codes(findings) == {("companion-low-above-base", "C40"), ("companion-high-below-base", "B41"),
                               ("companion-without-base", "A38")}
    assert all(f.severity.value == "fejl" for f in findings if f.sheet == S)
    msg = next(f for f in findings if f.code == "companion-low-above-base")
    assert "700" in msg.message() and "650" in msg.message() and "Gevinst" in msg.message()
    assert "Low" in msg.message("en")


def test_range_message_points_to_the_companion_rows(edit):
    _, findings = edit.set(S, "C24", "600-700").check()
    f = next(f for f in findings if f.code == "range-not-number")
    assert "lavt og højt skøn" in f.message() and "low and high" in f.message("en")


def test_compute_json(edit, tmp_path):
    results, _ = estimates(edit).check()
    d = results[0].to_dict()
    json.dumps(d)
    assert d["scenarios"]["pessimistic"] == {"total_investment": 1_380_000, "total_saving": 2_100_000,
                                             "period_net": 720_000, "return_per_krone": round(2100 / 1380, 4),
                                             "payback_year": 2029, "npv": d["scenarios"]["pessimistic"]["npv"]}
    assert set(d["scenarios"]) == {"pessimistic", "base", "optimistic", "expected"}
    assert d["switching_value"] == {"period_net": round(2370 / 3450, 4), "payback": round(2370 / 3450, 4)}
