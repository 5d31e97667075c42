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
    d = results[0].to_dict()
    assert set(d["scenarios"]) == {"pessimistic", "base", "optimistic", "expected"}
    for figures in d["scenarios"].values():  # every scenario is the base: 1.080 invested, 3.450 saved, 2.370 net
        assert (figures["total_investment"], figures["total_saving"], figures["period_net"],
                figures["payback_year"]) == (1_080_000, 3_450_000, 2_370_000, 2027)
    assert d["switching_value"] == round(2370 / 3450, 4)


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
    assert sc.switching_value == pytest.approx(2370 / 3450)


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
    assert d["switching_value"] == round(2370 / 3450, 4)


# --- properties: cases built directly (xlpy.sheet.model), figures the tests compare against worked out by plain sums ------

from hypothesis import given, settings, strategies as st  # noqa: E402

from conftest import IN_CI  # noqa: E402
from xlpy.figures.compute import compute_case  # noqa: E402
from xlpy.sheet.model import Case, Row  # noqa: E402
from xlpy.figures.scenarios import gains_scaled, scenarios  # noqa: E402

AMOUNT = st.integers(min_value=0, max_value=20_000)  # 1.000 kr., whole units as a sheet holds them
PROPERTY = settings(max_examples=150, deadline=None, derandomize=IN_CI, database=None)


@st.composite
def ranged_cases(draw, equal: bool = False):
    """A case (1.000 kr.) with one-off, recurring and one gain row and lav/høj rows for each: lav ≤ base ≤ høj,
    or lav = base = høj when `equal`. Returns the case and its amounts by row as plain lists."""
    n = draw(st.integers(min_value=1, max_value=8))
    rows = {}
    for key, label in (("one_off", "Engangsinvestering"), ("recurring", "Varig investering"), ("saving", "Gevinst")):
        base = draw(st.lists(AMOUNT, min_size=n, max_size=n))
        down = [0] * n if equal else draw(st.lists(st.integers(0, 5_000), min_size=n, max_size=n))
        up = [0] * n if equal else draw(st.lists(st.integers(0, 5_000), min_size=n, max_size=n))
        rows[key] = (label, base, [max(0, b - d) for b, d in zip(base, down)], [b + u for b, u in zip(base, up)])
    return make_case(rows), rows


def make_case(rows):
    n = len(rows["saving"][1])
    line = iter(range(20, 40))
    table = {k: Row(k, label, next(line), list(map(float, base))) for k, (label, base, _, _) in rows.items()}
    beside = [Row("companion", f"{label} ({side})", next(line), list(map(float, values)))
              for label, _, low, high in rows.values() for side, values in (("lav", low), ("høj", high))]
    return Case(file="p.xlsx", sheet="Case 1", fields={}, field_cells={}, label_cells={}, unit="1.000 kr.",
                years=list(range(2026, 2026 + n)), year_cols=list(range(1, n + 1)),
                rows={k: table[k] for k in ("one_off", "recurring")}, gains=[table["saving"]], beside=beside)


def net_by_hand(one_off, recurring, saving):
    """Period net in kr.: the sum of gains less the sum of investments."""
    return (sum(saving) - sum(one_off) - sum(recurring)) * 1000


@PROPERTY
@given(ranged_cases(equal=True))
def test_equal_estimates_give_the_base_in_every_scenario(drawn):
    case, rows = drawn
    sc = scenarios(case)
    assert sc is not None
    net = net_by_hand(rows["one_off"][1], rows["recurring"][1], rows["saving"][1])
    for name in ("pessimistic", "base", "optimistic", "expected"):
        f = sc.figures(name)
        assert f.period_net == pytest.approx(net, abs=0.01)
        assert f.total_saving == pytest.approx(sum(rows["saving"][1]) * 1000, abs=0.01)
        assert f.payback_year == sc.base.payback_year


@PROPERTY
@given(ranged_cases())
def test_scenarios_by_plain_sums_and_ordered(drawn):
    case, rows = drawn
    sc = scenarios(case)
    (_, o, o_low, o_high), (_, r, r_low, r_high), (_, g, g_low, g_high) = (rows[k] for k in
                                                                           ("one_off", "recurring", "saving"))
    pessimistic = net_by_hand(o_high, r_high, g_low)
    optimistic = net_by_hand(o_low, r_low, g_high)
    base = net_by_hand(o, r, g)
    assert sc.pessimistic.period_net == pytest.approx(pessimistic, abs=0.01)
    assert sc.optimistic.period_net == pytest.approx(optimistic, abs=0.01)
    assert pessimistic <= base <= optimistic
    assert sc.pessimistic.period_net <= sc.base.period_net + 0.01 <= sc.optimistic.period_net + 0.02


@PROPERTY
@given(ranged_cases(), st.integers(0, 3_000), st.integers(0, 3_000))
def test_widening_a_range_never_narrows_the_spread(drawn, wider_down, wider_up):
    case, rows = drawn
    before = scenarios(case)
    wide = {k: (label, base, [max(0, v - wider_down) for v in low], [v + wider_up for v in high])
            for k, (label, base, low, high) in rows.items()}
    after = scenarios(make_case(wide))
    assert after.pessimistic.period_net <= before.pessimistic.period_net + 0.01
    assert after.optimistic.period_net >= before.optimistic.period_net - 0.01
    assert after.base.period_net == pytest.approx(before.base.period_net, abs=0.01)


@PROPERTY
@given(ranged_cases())
def test_switching_value_brings_the_period_net_to_zero(drawn):
    case, rows = drawn
    f = compute_case(case)
    saving, invested = sum(rows["saving"][1]) * 1000, (sum(rows["one_off"][1]) + sum(rows["recurring"][1])) * 1000
    s = scenarios(case).switching_value
    if saving == 0:
        assert s is None
        return
    if saving <= invested:  # not positive to begin with: nothing can fall
        assert s == 0
        return
    assert s == pytest.approx((saving - invested) / saving)
    scaled = compute_case(gains_scaled(case, 1 - s))
    assert scaled.period_net == pytest.approx(0, abs=0.05)
    assert sum(scaled.saving) == pytest.approx(saving * (1 - s), abs=0.05)
    if invested > 0:  # a little less than the switching value keeps the payback in the period; a little more loses it
        assert compute_case(gains_scaled(case, 1 - s * 0.999)).payback_year is not None
        assert compute_case(gains_scaled(case, 1 - min(1.0, s * 1.001 + 1e-6))).payback_year is None
