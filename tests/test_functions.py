"""The worksheet functions (xlpy.excel.functions): against the batch's own figures for the same case (property tests
over generated case sheets), against plain arithmetic, on the samples, and through xlwings' custom-function engine
(what xlwings Lite and xlwings Server run: metadata and calls as Excel sends them). The VBA wrappers for desktop
Excel are tested in test_vba.py."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import os
from fractions import Fraction
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # before xlwings is imported (functions imports it)

import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import IN_CI, SAMPLES, require  # noqa: E402
from xlpy.excel import functions as F  # noqa: E402
from xlpy.findings import Severity  # noqa: E402
from xlpy.sheet.labels import UNITS  # noqa: E402
from xlpy.portfolio.pipeline import check_sheets  # noqa: E402
from xlpy.read.workbook import Sheet, read_workbook  # noqa: E402

FUNCTIONS_FILE = Path(F.__file__)


def case_grid(years, one_off, recurring, saving, unit):
    """A case sheet as a department types it, in the template's labels."""
    return [["Case nr.", 1], ["Titel", "Genereret case"], ["Område", "Ældre"], ["Type", "Effektivisering"],
            ["Periode", f"{years[0]}-{years[-1]}"], ["Enhed", unit], [""],
            ["År", *years], ["Engangsinvestering", *one_off], ["Varig investering", *recurring],
            ["Gevinst", *saving]]


def batch_figures(grid):
    results, _ = check_sheets("generated.xlsx", [Sheet("Case 1", grid)])
    assert len(results) == 1
    return results[0].figures


def amounts_in(unit: str) -> st.SearchStrategy[float]:
    """Amounts as typed: whole øre at most (a sheet in kr. with two decimals, in 1.000 kr. with three)."""
    digits = 2 if unit == "kr." else 3
    return st.builds(lambda whole, d: whole / 10 ** d, st.integers(0, 5_000_000), st.integers(0, digits))


@st.composite
def cases(draw):
    n = draw(st.integers(1, 10))
    first = draw(st.integers(2015, 2035))
    unit = draw(st.sampled_from(sorted(UNITS)))
    amount = amounts_in(unit)
    amounts = st.lists(amount, min_size=n, max_size=n)
    sparse = st.lists(st.one_of(st.just(0.0), amount), min_size=n, max_size=n)
    return list(range(first, first + n)), draw(sparse), draw(sparse), draw(amounts), unit


def row(values):
    return [list(values)]


def close(a, b):
    return a == pytest.approx(b, rel=1e-12, abs=1e-9)


@settings(max_examples=150, deadline=None, derandomize=IN_CI, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_functions_give_the_batch_figures(case):
    """Each function, given the ranges of a case sheet, gives the figure `xlpy consolidate` computes for that sheet."""
    years, one_off, recurring, saving, unit = case
    f = batch_figures(case_grid(years, one_off, recurring, saving, unit))
    factor = UNITS[unit]
    investment = [a + b for a, b in zip(one_off, recurring)]
    net = F.XLPY_NETTO(row(saving), row(investment), unit)[0]
    assert all(close(a, b / factor) for a, b in zip(net, f.net))
    cumulative = F.XLPY_AKKUMULERET(row(net), unit)[0]
    assert all(close(a, b / factor) for a, b in zip(cumulative, f.cumulative))
    ratio = F.XLPY_KR_IGEN(row(saving), row(investment), unit)
    assert (ratio is None) == (f.return_per_krone is None)
    if ratio is not None:
        assert ratio == pytest.approx(f.return_per_krone, rel=1e-9)
    assert F.XLPY_TILBAGEBETALING(row(years), row(net), row(investment), unit) == f.payback_year
    assert close(F.XLPY_NUTIDSVAERDI(row(net), None, unit), f.npv / factor)
    assert close(F.XLPY_FULD_INDFASNING(row(saving), unit), f.full_phase_in_saving / factor)


@settings(max_examples=150, deadline=None, derandomize=IN_CI)
@given(st.lists(st.integers(-10**7, 10**7), min_size=1, max_size=12), st.integers(1, 99))
def test_functions_against_plain_arithmetic(whole_kr, rate_pct):
    """Exact arithmetic (fractions) on whole kroner: net, running sum, NPV, payback by its definition."""
    net = [float(v) for v in whole_kr]
    rate = rate_pct / 1000
    assert F.XLPY_AKKUMULERET(row(net), "kr.")[0] == [float(sum(whole_kr[:i + 1])) for i in range(len(net))]
    npv = sum(Fraction(v) / (1 + Fraction(rate_pct, 1000)) ** t for t, v in enumerate(whole_kr))
    assert F.XLPY_NUTIDSVAERDI(row(net), rate, "kr.") == pytest.approx(float(npv), abs=0.006)
    years = list(range(2026, 2026 + len(net)))
    running = [sum(whole_kr[:i + 1]) for i in range(len(net))]
    expected = next((years[i] for i in range(len(net)) if all(c >= 0 for c in running[i:])), None)
    assert F.XLPY_TILBAGEBETALING(row(years), row(net)) == expected


def test_no_investment_gives_empty_cells():
    """"–" (no investment): None, which xlwings writes as an empty cell on every host."""
    assert F.XLPY_KR_IGEN(row([1, 2]), row([0, None])) is None
    assert F.XLPY_TILBAGEBETALING(row([2026, 2027]), row([1, 2]), row([0, 0])) is None
    assert F.XLPY_TILBAGEBETALING(row([2026, 2027]), row([-1, -2])) is None  # never paid back


def test_allerod_case_2_by_its_rows():
    """The seed's case 2 (1.000 kr.): net 2021-2026 and payback, by the ranges of its own sheet."""
    sheet = read_workbook(SAMPLES / "allerod_2021.xlsx").sheets[1]
    grid = sheet.grid
    years, one_off, gain = grid[19][1:7], grid[20][1:7], grid[24][1:7]
    assert F.XLPY_NETTO(row(gain), row(one_off)) == [[-350.0, 255.0, 908.0, 1561.0, 1261.0, 1461.0]]
    assert F.XLPY_TILBAGEBETALING(row(years), F.XLPY_NETTO(row(gain), row(one_off)), row(one_off)) == 2023
    assert F.XLPY_FULD_INDFASNING(row(gain)) == 1561.0
    assert F.XLPY_KR_IGEN(row(gain), row(one_off)) == pytest.approx(6146 / 1050)


def test_results_spill_the_way_the_input_runs():
    assert F.XLPY_NETTO([[3], [4]], [[1], [1]]) == [[2.0], [3.0]]
    assert F.XLPY_NETTO([[3, 4]], [[1, 1]]) == [[2.0, 3.0]]
    assert F.XLPY_NETTO(3, 1) == [[2.0]]  # a single cell or value
    assert F.XLPY_NETTO([[1.5]], [[0]], "mio. kr.") == [[1.5]]


@pytest.mark.parametrize("call, says", [
    (lambda: F.XLPY_NETTO(row([1, "1.561"]), row([0, 0])), 'celle 2: teksten "1.561" er ikke et tal – som tal ville '
                                                            "det være 1561"),
    (lambda: F.XLPY_NETTO(row([1, "ca. 10"]), row([0, 0])), 'teksten "ca. 10" er ikke et tal.'),
    (lambda: F.XLPY_NETTO(row([1, 2]), row([0])), "ikke lige mange år (2 og 1)"),
    (lambda: F.XLPY_NETTO([[1, 2], [3, 4]], row([0, 0])), "markér én række eller én kolonne"),
    (lambda: F.XLPY_NETTO(row([1]), row([0]), "dollars"), 'Enhed: "dollars" kendes ikke'),
    (lambda: F.XLPY_NUTIDSVAERDI(row([1]), 3.5), "Rente: 3.5 er ikke en rente"),
    (lambda: F.XLPY_TILBAGEBETALING(row(["år 1"]), row([1])), "er ikke et årstal"),
    (lambda: F.XLPY_FEJL([["Ingen tabel her"]]), "ingen årstabel"),
])
def test_bad_input_is_a_danish_message(call, says):
    with pytest.raises(ValueError, match=None) as err:
        call()
    assert says in str(err.value)


def test_a_dash_and_an_empty_cell_are_zero():
    assert F.XLPY_NETTO(row(["–", None, ""]), row([1, "-", 0])) == [[-1.0, 0.0, 0.0]]


def test_year_headers_as_departments_type_them():
    assert F.XLPY_TILBAGEBETALING(row(["B2026", "BO1 2027", "2028*"]), row([-5, 3, 3])) == 2028


def test_fejl_counts_what_validate_finds_on_every_allerod_sheet():
    book = read_workbook(SAMPLES / "allerod_2021.xlsx")
    for sheet in book.sheets:
        results, findings = check_sheets("allerod_2021.xlsx", [sheet])
        if not results:
            continue
        errors = [f for f in findings if f.severity is Severity.ERROR]
        assert F.XLPY_FEJL(sheet.grid) == len(errors), sheet.name
    case2 = book.sheets[1].grid
    assert F.XLPY_FEJL(case2) == 2  # inverted net row, cumulative with the uncounted gain
    assert F.XLPY_FEJL([r[:9] for r in case2[19:28]]) == 2  # the table alone: no required-field fejl
    table_only = [r[:9] for r in case2[19:28]]
    table_only[1][3] = "ca. 100"
    assert F.XLPY_FEJL(table_only) == 3


def test_names_help_and_signatures():
    """ASCII names with one prefix; a Danish description and help for every argument; positional arguments only
    (xlwings' UDFs take no keyword-only arguments)."""
    assert [n for n in dir(F) if n.startswith("XLPY_")] == sorted(F.NAMES)
    for name in F.NAMES:
        assert name.isascii() and name.isupper()
        function = getattr(F, name)
        assert function.__doc__ and len(function.__doc__) <= 255  # Excel's limit for a description
        for p in inspect.signature(function).parameters.values():
            assert p.kind is p.POSITIONAL_OR_KEYWORD


# --------------------------------------------------------------------------- xlwings' custom-function engine
def server_module(path: Path = FUNCTIONS_FILE, name: str = "xlpy.excel.functions"):
    """A functions file imported the way xlwings Lite and xlwings Server import it: xlwings.func / xlwings.arg are
    xlwings.server's decorators there (XLWINGS_ON_SERVER). Needs XLWINGS_LICENSE_KEY=noncommercial."""
    require(importlib.util.find_spec("xlwings") is not None, "xlwings is not installed")
    import xlwings
    import xlwings.server as server

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    saved = xlwings.func, xlwings.arg, xlwings.script
    xlwings.func, xlwings.arg, xlwings.script = server.func, server.arg, server.script
    try:
        spec.loader.exec_module(module)
    finally:
        xlwings.func, xlwings.arg, xlwings.script = saved
    return module


def call(module, name, *args):
    """One custom-function call as Excel (Office.js) sends it: every argument a 2D matrix, an omitted one null."""
    import xlwings
    import xlwings.server as server

    data = {"func_name": name, "args": list(args), "version": xlwings.__version__, "client": "Office.js",
            "runtime": "1.4", "culture_info_name": "da-DK", "date_format": "dd-mm-yyyy", "caller_address": "Ark1!H5"}
    return asyncio.run(server.custom_functions_call(data, module))


def test_metadata_excel_gets_from_xlwings():
    import xlwings.server as server

    meta = server.custom_functions_meta(server_module())
    functions = {f["name"]: f for f in meta["functions"]}
    assert sorted(functions) == sorted(F.NAMES)
    netto = functions["XLPY_NETTO"]
    assert netto["description"] == F.XLPY_NETTO.__doc__
    assert [(p["name"], p["description"], p.get("optional", False)) for p in netto["parameters"]] == [
        ("besparelse", F.ARG_DOCS["besparelse"], False), ("investering", F.ARG_DOCS["investering"], False),
        ("enhed", F.ARG_DOCS["enhed"], True)]


def test_calls_through_xlwings_custom_function_engine():
    module = server_module()
    assert call(module, "XLPY_NETTO", [[0, 455, 1008]], [[350, 200, 100]], None) == [[-350.0, 255.0, 908.0]]
    assert call(module, "XLPY_NETTO", [[0], [455]], [[350], [200]], None) == [[-350.0], [255.0]]
    assert call(module, "XLPY_AKKUMULERET", [[-350, 255, 908]], None) == [[-350.0, -95.0, 813.0]]
    assert call(module, "XLPY_KR_IGEN", [[1, 2]], [[0, ""]], None) == [[""]]  # "–": an empty cell
    assert call(module, "XLPY_KR_IGEN", [[10, 20]], [[15, ""]], None) == [[2.0]]
    assert call(module, "XLPY_TILBAGEBETALING", [[2021, 2022, 2023]], [[-350, 255, 908]], None, None) == [[2023]]
    assert call(module, "XLPY_NUTIDSVAERDI", [[-350, 255, 908]], None, None) == \
        [[pytest.approx(F.XLPY_NUTIDSVAERDI(row([-350, 255, 908])))]]
    assert call(module, "XLPY_NUTIDSVAERDI", [[100, 100]], [[0.05]], [["kr."]]) == [[pytest.approx(195.24)]]
    assert call(module, "XLPY_FULD_INDFASNING", [[0, 455, 1008]], None) == [[1008.0]]
    case2 = read_workbook(SAMPLES / "allerod_2021.xlsx").sheets[1].grid
    assert call(module, "XLPY_FEJL", [r[:9] for r in case2[19:28]]) == [[2]]
    with pytest.raises(ValueError, match="ikke et tal"):
        call(module, "XLPY_NETTO", [[0, "x"]], [[350, 200]], None)
