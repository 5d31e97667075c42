"""The bundled sample folders consolidated: Allerød's four departments with their deliberate mistakes, and KL's
2016 catalogue reproducing the catalogue's own counts (checked against samples/source/kl_counts.csv)."""

import csv
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import SAMPLES
from xlpy.portfolio.batch import consolidate_files
from xlpy.portfolio.pipeline import compute, validate

DEPARTMENTS = SAMPLES / "afdelinger"
KL = SAMPLES / "kl_2016"


def readme_mistakes():
    """The table of deliberate mistakes in samples/afdelinger/README.md: (file, sheet, cell, code)."""
    text = (DEPARTMENTS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([A-Z]+\d+) \| ([^|]+) \|$", text, re.M)
    return [(f, s.strip(), c, code.strip()) for f, s, c, code in rows]


@pytest.fixture(scope="module")
def departments():
    return consolidate_files([str(DEPARTMENTS)], None)


def test_department_findings_are_exactly_the_planted_mistakes(departments):
    expected = readme_mistakes()
    assert len(expected) == 6
    found = {(os.path.basename(f.file), f.sheet, f.cell, f.code) for f in departments.findings}
    planted = {m for m in expected if not m[3].startswith("duplicate")}
    assert {m for m in found if m[3] != "duplicate-case"} == planted
    duplicate = [m for m in found if m[3] == "duplicate-case"]
    assert len(duplicate) == 1 and duplicate[0][1] == "RPA"  # the same case handed in by two departments


def test_department_totals_are_independent_sums(departments):
    listed = compute([DEPARTMENTS])
    assert len(listed) == len(departments.results) == 13
    # RPA was handed in by two departments: the one the duplicate finding names is listed but not summed
    cases = [r for r in listed if not (r.case.sheet == "RPA" and "oekonomi" in r.case.file)]
    assert len(cases) == departments.whole.cases == 12
    assert departments.left_out_counts() == {"opgivet": 0, "duplicate": 1, "not_a_case": 0}
    assert departments.whole.investment == pytest.approx(sum(r.figures.total_investment for r in cases))
    assert departments.whole.saving == pytest.approx(sum(r.figures.total_saving for r in cases))
    assert departments.whole.net == pytest.approx(sum(r.figures.period_net for r in cases))
    by_area = {}
    for r in cases:
        area = r.case.values("area")[0]
        by_area[area] = by_area.get(area, 0) + r.figures.period_net
    assert {a: pytest.approx(sum(t.net)) for a, t in departments.by_area.items()} == by_area
    units = {r.case.unit for r in cases}
    assert units == {"kr.", "1.000 kr.", "mio. kr."}  # normalised to kr. before summing


def test_readme_main_job_runs_on_the_departments(tmp_path):
    out = subprocess.run([sys.executable, "-m", "xlpy.cli", "consolidate", str(DEPARTMENTS), "-o",
                          str(tmp_path / "overblik.xlsx"), "--format", "json"], capture_output=True, text=True)
    data = json.loads(out.stdout)
    assert out.returncode == 1  # the planted mistakes are fejl
    assert (data["cases"], data["cases_listed"], data["files_read"], data["files_skipped"]) == (12, 13, 4, 0)
    assert data["left_out"] == {"opgivet": 0, "duplicate": 1, "not_a_case": 0}


def kl_counts():
    with open(SAMPLES / "source" / "kl_counts.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_area = {r["area"]: int(r["total_distinct"]) for r in rows if r["area"] != "ALL"}
    everything = next(r for r in rows if r["area"] == "ALL")
    by_category = {k: int(v.split("/")[1]) for k, v in everything.items()
                   if "/" in (v or "") and k not in ("area",)}
    return by_area, by_category, int(everything["total_distinct"])


def test_kl_catalogue_counts_are_reproduced():
    c = consolidate_files([str(KL)], None)
    by_area, by_category, total = kl_counts()
    assert c.whole.cases == total == 152
    assert c.examples_by_area == by_area
    assert {k: v for k, v in c.examples_by_category.items()} == {k: v for k, v in by_category.items() if v}
    no_figures = [f for f in c.findings if f.code == "no-yearly-figures"]
    assert all(f.severity.value == "info" for f in no_figures)
    assert len(no_figures) == sum(1 for r in c.results if not r.figures.has_amounts) == 135


def test_kl_fejl_are_only_the_slips_of_the_source():
    """Esbjerg's header prints 2016 twice (one fejl, at the second 2016: the 2018 after it is in place); Silkeborg's 'Opsøgende jobkonsulent' prints 174 and −1.040; its
    'Styrket indsats' (in mio. kr. with two decimals) prints Besparelse i alt 0,27 where its rows give 0,23."""
    errors = {(os.path.basename(f.file), f.sheet, f.cell, f.code) for f in validate([KL])
              if f.severity.value == "fejl"}
    assert errors == {("esbjerg_kommune.xlsx", "KL108", "D20", "years-not-consecutive"),
                      ("silkeborg_kommune.xlsx", "KL067", "B29", "computed-mismatch"),
                      ("silkeborg_kommune.xlsx", "KL067", "C29", "computed-mismatch"),
                      ("silkeborg_kommune.xlsx", "KL072", "B26", "computed-mismatch")}
