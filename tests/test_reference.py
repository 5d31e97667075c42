"""The consolidation of the bundled sample folders against reference workbooks kept in tests/reference/, compared
by values, formulas and formats (tests/compare.py). A change to the summary's contents shows up here; the faster
paths of the benchmark work must not. To accept an intended change:

    XLPY_REGENERATE=1 python -m pytest tests/test_reference.py   # rewrites the references
    git diff --stat tests/reference/ ; review with `xlpy validate`/`compute` and by opening the files

Ignored, explicitly: the hyperlink targets (relative to where the output is written) — checked separately below."""

import os

import pytest

from compare import Ignore, assert_same_workbook
from conftest import ROOT
from xlpy.portfolio.batch import consolidate_files

REFERENCE = ROOT / "tests" / "reference"
CASES = {"afdelinger": "samples/afdelinger", "kl_2016": "samples/kl_2016"}
IGNORE = Ignore(attributes=frozenset({"link"}))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.chdir(ROOT)  # inputs given relative to the repository, as the README's command does


@pytest.mark.parametrize("name", sorted(CASES))
def test_consolidation_equals_reference(name, tmp_path):
    reference = REFERENCE / f"{name}.xlsx"
    if os.environ.get("XLPY_REGENERATE"):
        consolidate_files([CASES[name]], str(reference))
    fresh = tmp_path / f"{name}.xlsx"
    consolidate_files([CASES[name]], str(fresh))
    assert_same_workbook(fresh, reference, IGNORE)


def test_kilde_links_lead_to_the_case_files(tmp_path):
    out = tmp_path / "ud" / "overblik.xlsx"
    consolidate_files([CASES["afdelinger"]], str(out))
    from openpyxl import load_workbook

    ws = load_workbook(out)["Overblik"]
    kilde = [c.value for c in ws[2]].index("Kilde") + 1
    links = [ws.cell(r, kilde).hyperlink for r in range(3, ws.max_row + 1) if ws.cell(r, kilde).hyperlink]
    assert len(links) == 13
    for link in links:
        assert "\\" not in link.target  # forward slashes, which every platform reads
        assert (out.parent / link.target).resolve().is_file(), link.target
        assert link.location.endswith("!A1")
