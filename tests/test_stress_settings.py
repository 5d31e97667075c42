"""The stress tests' settings: `consolidate --stress-*` flags and a "Forudsætninger" sheet in the workbook the summary
is written into; the run's --rate; portfolio scenarios and stress tests in `consolidate --format json`.

Figures: samples/allerod_2021_rettet.xlsx (1.000 kr.): total saving 1.561 × … — worked out from the paper's case
tables: gains 2.460 + 6.146 + 3.200 + 47.472 + 3.600 = 62.878; investments 0 + 1.050 + 2.425 + 43.712 + 0 = 47.187."""

import json

import pytest
from openpyxl import load_workbook

from conftest import SAMPLES
from xlpy.cli import main

BOOK = SAMPLES / "allerod_2021_rettet.xlsx"
SAVING, INVESTED = 62_878_000, 47_187_000


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def stress_by_name(out):
    return {t["test"]: t for t in json.loads(out)["stress_tests"]}


def test_defaults_and_the_portfolio_by_hand(capsys):
    code, out, _ = run(capsys, "consolidate", BOOK, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["scenarios"]["base"]["total_saving"] == SAVING and d["scenarios"]["base"]["total_investment"] == INVESTED
    t = stress_by_name(out)
    assert list(t) == ["base", "gains_late", "gains_share", "investment_over", "rate_up", "rate_down"]
    assert t["gains_share"]["setting"] == {"gains_share": 0.75, "source": "default"}
    assert t["gains_share"]["period_net"] == pytest.approx(0.75 * SAVING - INVESTED)
    assert t["gains_share"]["return_per_krone"] == pytest.approx(0.75 * SAVING / INVESTED, abs=1e-4)
    # case 4 at 75 %: 0,75 × 47.472 = 35.604 < 43.712; case 3: 2.400 < 2.425; case 2: 4.609,5 > 1.050
    assert t["gains_share"]["cases_no_longer_paying_back"] == 2
    assert t["investment_over"]["period_net"] == pytest.approx(SAVING - 1.25 * INVESTED)
    assert t["rate_up"]["setting"]["rate"] == pytest.approx(0.045)
    assert t["gains_share"]["label"] == "Gevinster realiseret med 75 %"


def test_flags_and_the_runs_rate(capsys):
    code, out, _ = run(capsys, "consolidate", BOOK, "--format", "json", "--rate", "5 %", "--stress-gains", "50 %",
                       "--stress-overrun", "1,5", "--stress-delay", "2", "--stress-rate-points", "2", "--lang", "en")
    assert code == 0
    t = stress_by_name(out)
    assert t["gains_share"]["setting"] == {"gains_share": 0.5, "source": "flag"}
    assert t["gains_share"]["period_net"] == pytest.approx(0.5 * SAVING - INVESTED)
    assert t["investment_over"]["period_net"] == pytest.approx(SAVING - 2.5 * INVESTED)
    assert t["gains_late"]["setting"] == {"delay_years": 2, "source": "flag"}
    assert (t["rate_up"]["setting"]["rate"], t["rate_down"]["setting"]["rate"]) == (pytest.approx(0.07),
                                                                                     pytest.approx(0.03))
    assert t["base"]["setting"] == {"rate": 0.05}
    assert t["gains_share"]["label"] == "Gains realised at 50 %"


@pytest.mark.parametrize("flag,value,danish,english", [
    ("--stress-gains", "abc", "ugyldig andel »abc«", "invalid share »abc«"),
    ("--stress-gains", "0", "ugyldig andel »0«", "invalid share »0«"),
    ("--stress-delay", "1,5", "ugyldig forsinkelse »1,5«", "invalid delay »1,5«"),
    ("--stress-overrun", "900 %", "ugyldig overskridelse »900 %«", "invalid overrun »900 %«"),
    ("--stress-rate-points", "-1", "ugyldig renteændring »-1«", "invalid change of rate »-1«"),
])
def test_bad_flags_are_usage_errors(capsys, flag, value, danish, english):
    for lang, text in (("da", danish), ("en", english)):
        with pytest.raises(SystemExit) as exc:
            main(["consolidate", str(BOOK), "--format", "json", flag, value, "--lang", lang])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert text in err and "Traceback" not in err


def with_assumptions(path, rows):
    wb = load_workbook(path)
    ws = wb.create_sheet("Forudsætninger")
    for r, (label, value) in enumerate(rows, start=1):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value)
    wb.save(path)


def test_forudsaetninger_sheet_in_place(capsys, tmp_path):
    book = tmp_path / "bog.xlsx"
    book.write_bytes(BOOK.read_bytes())
    with_assumptions(book, [("Stresstest", None), ("Gevinster forsinket (år)", 2), ("Gevinster realiseret", "60 %"),
                            ("Investeringer over", 0.5), ("Kalkulationsrente ± (procentpoint)", "ti")])
    code, out, _ = run(capsys, "consolidate", book, "--in-place", "--format", "json", "--stress-overrun", "10 %")
    assert code == 0
    d = json.loads(out)
    t = {x["test"]: x for x in d["stress_tests"]}
    assert t["gains_late"]["setting"] == {"delay_years": 2, "source": "sheet"}
    assert t["gains_share"]["setting"] == {"gains_share": 0.6, "source": "sheet"}
    assert t["gains_share"]["period_net"] == pytest.approx(0.6 * SAVING - INVESTED)
    assert t["investment_over"]["setting"] == {"investment_overrun": 0.1, "source": "flag"}  # the flag wins
    assert t["rate_up"]["setting"] == {"rate_points": 0.01, "source": "default", "rate": pytest.approx(0.045)}
    assert d["findings"]["advarsel"] >= 1
    ws = load_workbook(book)["Følsomhed"]
    labels = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert "Gevinster 2 år forsinket" in labels and "Investeringer 10 % over" in labels
    assert any("arket Forudsætninger" in x and "kommandolinjen" in x for x in labels)
    fejl = [r for r in load_workbook(book)["Fejl"].iter_rows(values_only=True) if r and "ti" in str(r)]
    assert any("assumption-invalid" in str(r) and "B5" in str(r) for r in fejl)
