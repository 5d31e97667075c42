"""Follow-up: realised against expected, on the clean sample's first case with realised figures typed into its
"Opfølgning" rows (row 30 Realiseret investering, row 31 Realiseret gevinst, B32 Opfølgningsår, B33 Forklaring).

Velfærdsteknologi (1.000 kr.), 2026–2031: Engangsinvestering 600 in 2026, Varig investering 80 a year, Gevinst 200
in 2026 and 650 a year after. Every expected figure below is worked out by hand from those amounts."""

import json

import pytest

from xlpy.cli import main

S = "Velfærdsteknologi"


def realised(edit, investment=(), saving=()):
    for col, v in zip("BCDEFG", investment):
        edit.set(S, f"{col}30", v)
    for col, v in zip("BCDEFG", saving):
        edit.set(S, f"{col}31", v)
    return edit


def codes(findings):
    return {(f.code, f.cell) for f in findings if f.sheet == S}


def test_no_realised_figures_no_follow_up(edit):
    results, findings = edit.check()
    assert results[0].follow_up is None and codes(findings) == set()


def test_behind_with_a_reason(edit):
    realised(edit, investment=[700, 80], saving=[150, 500]).set(S, "B33", "Forsinket indkøb af udstyr")
    results, findings = edit.check()
    fu = results[0].follow_up
    assert codes(findings) == set()
    assert fu.year == 2027  # the last year with a realised value
    assert (fu.expected_saving, fu.realised_saving) == (850_000, 650_000)  # 200 + 650; 150 + 500
    assert (fu.expected_investment, fu.realised_investment) == (760_000, 780_000)  # 680 + 80; 700 + 80
    assert fu.realisation_rate == pytest.approx(650 / 850) and fu.light == "gul"  # 76 %
    assert fu.deviation == -200_000 and fu.saving_to_come == 2_600_000  # 4 × 650 still to come
    assert fu.reason == "Forsinket indkøb af udstyr"


def test_on_track_is_green(edit):
    results, _ = realised(edit, investment=[680], saving=[190]).check()  # 190 of 200 = 95 %
    assert results[0].follow_up.light == "grøn"


def test_red_light_needs_a_reason(edit):
    results, findings = realised(edit, saving=[100, 200]).check()  # 300 of 850 = 35 %
    assert results[0].follow_up.light == "rød"
    assert codes(findings) == {("follow-up-red-without-reason", "B33")}
    _, findings = edit.set(S, "B33", "Borgerne tog ikke løsningen til sig").check()
    assert codes(findings) == set()


def test_follow_up_year_field_and_figures_after_it(edit):
    realised(edit, saving=[200, 600]).set(S, "B32", 2026)
    results, findings = edit.check()
    fu = results[0].follow_up
    assert (fu.year, fu.expected_saving, fu.realised_saving) == (2026, 200_000, 200_000)  # 2027 is after the year
    assert codes(findings) == {("realised-after-follow-up-year", "C31")}


def test_follow_up_year_outside_the_table(edit):
    realised(edit, saving=[200]).set(S, "B32", 2040)
    results, findings = edit.check()
    assert codes(findings) == {("follow-up-year-invalid", "B32")}
    assert results[0].follow_up.year == 2026


def test_realised_gain_where_none_was_expected(edit):
    edit.set(S, "B24", 0)  # no gain expected in 2026
    _, findings = realised(edit, saving=[50]).check()
    assert ("realised-without-expected", "B31") in codes(findings)


def test_case_under_way_without_follow_up(edit, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01: the first gain year 2026 has passed
    edit.set(S, "B12", "Implementeret")
    _, findings = edit.check()
    assert codes(findings) == {("follow-up-missing", "B12")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: not yet
    assert codes(edit.check()[1]) == set()


def test_thresholds_from_the_lister_sheet(edit):
    edit.set("Lister", "K1", "Grøn fra").set("Lister", "L1", "75 %")
    results, _ = realised(edit, saving=[150, 500]).set(S, "B33", "x").check()  # 76 %
    assert results[0].follow_up.light == "grøn"


def test_compute_json_has_the_follow_up(tmp_path, capsys):
    from openpyxl import load_workbook

    from conftest import SAMPLES

    book = tmp_path / "opfoelgning.xlsx"
    wb = load_workbook(SAMPLES / "eksempel_uden_fejl.xlsx")
    ws = wb[S]
    for col, v in zip("BC", [150, 500]):
        ws[f"{col}31"] = v
    ws["B33"] = "Forsinket"
    wb.save(book)
    assert main(["compute", str(book), "--format", "json"]) == 0
    case = next(c for c in json.loads(capsys.readouterr().out) if c["sheet"] == S)
    assert case["follow_up"] == {"year": 2027, "expected_saving_to_date": 850_000, "realised_saving_to_date": 650_000,
                                 "expected_investment_to_date": 760_000, "realised_investment_to_date": 0,
                                 "realisation_rate": round(650 / 850, 4), "light": "gul", "deviation": -200_000,
                                 "expected_saving_to_come": 2_600_000, "reason": "Forsinket"}


def test_department_sample_follow_up(capsys):
    """samples/afdelinger: AM-1 on track (330 of 335 in 2026, 1.000 kr.), ÆS-1 behind with a reason (0,1 of 0,2
    mio. kr.; invested 0,6 against 0,25 + 0,3), ØD-2 decided but not started (no follow-up)."""
    from conftest import SAMPLES

    assert main(["consolidate", str(SAMPLES / "afdelinger"), "--format", "json"]) == 1  # the planted fejl
    follow = json.loads(capsys.readouterr().out)["follow_up"]
    assert {k: follow[k] for k in ("cases", "expected_saving_to_date", "realised_saving_to_date",
                                   "expected_investment_to_date", "realised_investment_to_date",
                                   "cases_without_follow_up")} == {
        "cases": 2, "expected_saving_to_date": 335_000 + 200_000, "realised_saving_to_date": 330_000 + 100_000,
        "expected_investment_to_date": 0 + 550_000, "realised_investment_to_date": 0 + 600_000,
        "cases_without_follow_up": 0}
    assert follow["realisation_rate"] == round(430 / 535, 4) and follow["light"] == "gul"
    by_area = {a["area"]: (a["realisation_rate"], a["light"]) for a in follow["by_area"]}
    assert by_area == {"Arbejdsmarked": (round(330 / 335, 4), "grøn"), "Ældre og sundhed": (0.5, "rød")}


def test_thresholds_on_the_command_line(capsys):
    from conftest import SAMPLES

    main(["consolidate", str(SAMPLES / "afdelinger"), "--format", "json", "--green-from", "45 %",
          "--yellow-from", "0,3"])
    follow = json.loads(capsys.readouterr().out)["follow_up"]
    assert follow["light"] == "grøn"  # 80 % ≥ 45 %
    assert {a["area"]: a["light"] for a in follow["by_area"]} == {"Arbejdsmarked": "grøn", "Ældre og sundhed": "grøn"}
    with pytest.raises(SystemExit) as exit_:  # not a share: a usage error, as argparse reports it
        main(["compute", str(SAMPLES / "afdelinger"), "--yellow-from", "150 %"])
    assert exit_.value.code == 2


def test_follow_up_sheet_recalculates_in_libreoffice(tmp_path):
    """The Opfølgning sheet of the department sample: LibreOffice recalculates its formulas to Python's figures
    (AM-1: 330 − 335 = −5, 98,5 %; ÆS-1: 100 − 200 = −100, 50 %; all: 430 of 535), and the rate column carries
    Excel's traffic-light icon set."""
    import shutil
    import zipfile

    from conftest import SAMPLES, require
    from libreoffice import recalc_values

    from xlpy.portfolio.batch import consolidate_files

    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    out = tmp_path / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "afdelinger")], str(out))
    grid = recalc_values(out)["Opfølgning"]
    rows = {r[0]: r for r in grid if r and r[0] not in ("", None)}
    assert (rows["AM-1"][8], rows["AM-1"][9]) == (-5, pytest.approx(330 / 335))
    assert (rows["ÆS-1"][8], rows["ÆS-1"][9], rows["ÆS-1"][10]) == (-100, 0.5, "rød")
    assert (rows["I alt"][6], rows["I alt"][7], rows["I alt"][9]) == (535, 430, pytest.approx(430 / 535))
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    # the default icon set (3 traffic lights), green from 0,9 and yellow from 0,6
    assert any('<cfRule type="iconSet"' in x and '<cfvo type="num" val="0.9"/>' in x and
               '<cfvo type="num" val="0.6"/>' in x for x in sheets)
