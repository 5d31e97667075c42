"""The whole pipeline on generated department workbooks (tests/habits.py), through the command line.

Each example is a folder of one or two workbooks typed the way departments type them: amounts whole or with up to two
decimals, in kr., 1.000 kr. or mio. kr., the unit in the Enhed field, the header cell, a title line or the row
labels (or nowhere), labels in column A or B, merged metadata labels, investment and gain rows by their other names,
"Heraf" sub-rows, unknown gain rows, "Årsværk", an "I alt" column, totals typed / blank / left out / as formulas /
rounded to what the sheet shows, the budget sign convention, numbers as text, year headers as text, "B2026", "BO1
2027", dates, two cases stacked on a sheet, an overview sheet, an unfilled template copy, Lister and Vejledning,
cases without amounts, Opgivet cases, and now and then broken years (descending, gapped) or a sub-row larger than its
parent.

Every example runs through `validate`, `compute` and `consolidate` in JSON and as tables, in Danish and English.
Properties: no exception escapes and the exit status is 0, 1 or 2; every case compute reports has figures equal to
an independent computation from the generated amounts (in kr.), or carries a fejl (complete false, or a fejl on its
sheet); every generated case is reported unless its sheet carries a fejl; no case comes from a sheet that is not a
case; the consolidated totals are the sum over the counted cases (all but Opgivet) and, when nothing is wrong, the
independent sum.

Examples: XLPY_PROPERTY_EXAMPLES (default 100; under CI 300, derandomized). Measured on this 2-core machine: 100 examples take about 18 s when
the machine is otherwise idle and up to about 35 s while another test run shares it (about 0,2 s an example: twelve
command runs, two of which write a consolidated workbook); 150 examples took 27–53 s. A failing example is not shrunk
unless XLPY_PROPERTY_SHRINK is set (shrinking reruns the command line for minutes); its folder is named in the
assertion message and kept by pytest. `pytest --hypothesis-show-statistics` shows which habits the examples held.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import HealthCheck, Phase, event, given, settings, strategies as st

from habits import (
    COUNT, GAIN, ONE_OFF, OTHER, RECURRING, SUB, CaseSpec, Line, overview_spec, stacked, template_spec, write_book,
    write_lister, write_vejledning, year_headers,
)
from xlpy.cli import main

IN_CI = bool(os.environ.get("CI"))
# CI runs 300 examples from a fixed seed (derandomize: the same examples every run, so CI is never flaky); a developer
# run draws 100 new ones each time, which is how new failures are found. No example database is kept.
EXAMPLES = int(os.environ.get("XLPY_PROPERTY_EXAMPLES", "300" if IN_CI else "100"))
# Shrinking a failing workbook runs the whole command line hundreds of times (minutes); set XLPY_PROPERTY_SHRINK=1
# to get the smallest failing example.
PHASES = [p for p in Phase if p is not Phase.shrink or os.environ.get("XLPY_PROPERTY_SHRINK")]

ONE_OFF_NAMES = ["Engangsinvestering", "Anlæg", "Implementeringsomkostninger", "Engangsudgift"]
RECURRING_NAMES = ["Varig investering", "Drift", "Driftsudgifter", "Løbende udgift", "Merudgift"]
GAIN_NAMES = ["Gevinst", "Besparelse", "Effektivisering", "Mindreudgift", "Provenu", "Merindtægt"]
SUB_NAMES = ["Heraf løn", "Heraf IT", "heraf: vikarer", "Hvoraf personale", "Herunder licenser"]
UNKNOWN_GAINS = ["Reduceret sygefravær", "Færre indlæggelser"]
TITLES = ["Velfærdsteknologi i hjemmeplejen", "Digital skoleadministration", "Samdrift af plejecentre",
          "Ruteplanlægning i hjemmeplejen", "Energirenovering af skoler", "Fælles indkøb af hjælpemidler",
          "Robotstøvsugere på plejecentre", "Digitale ansøgninger om friplads"]
UNIT_IN_HEADER = {"kr.": "Beløb i kr.", "1.000 kr.": "Beløb i 1.000 kr.", "mio. kr.": "Mio. kr."}
HIGH = {"kr.": 3_000_000, "1.000 kr.": 3_000, "mio. kr.": 3}
DECIMALS = {"kr.": (0, 2), "1.000 kr.": (0, 1), "mio. kr.": (0, 1, 2)}
FACTOR = {"kr.": 1, "1.000 kr.": 1000, "mio. kr.": 1_000_000}


@dataclass
class Style:
    """How one department types its workbook: the same for every case in it."""

    unit: str
    unit_where: str  # field | header | title | labels | nowhere
    decimals: int
    label_col: int
    merged_labels: bool
    year_style: str
    period_style: str
    totals: str
    totals_decimals: int | None
    total_column: bool
    gain_sign: int
    as_text: bool
    first_year: int
    n: int
    one_off_names: list[str]
    recurring_names: list[str]
    gain_names: list[str]


def period_text(style: str, first: int, last: int) -> str:
    return {"dash": f"{first}–{last}", "hyphen": f"{first}-{last}", "short": f"{first}–{last % 100:02d}",
            "spaced": f"{first} - {last}"}[style]


@st.composite
def styles(draw) -> Style:
    unit = draw(st.sampled_from(sorted(FACTOR)))
    totals = draw(st.sampled_from(["typed", "typed", "blank", "none", "formula"]))
    decimals = draw(st.sampled_from(DECIMALS[unit]))
    n = draw(st.integers(min_value=3, max_value=7))
    one_off = draw(st.lists(st.sampled_from(ONE_OFF_NAMES), min_size=0, max_size=2, unique=True))
    return Style(
        unit=unit,
        unit_where=draw(st.sampled_from(["field", "field", "header", "title", "labels", "nowhere"])),
        decimals=decimals,
        label_col=draw(st.sampled_from([1, 1, 2])),
        merged_labels=draw(st.booleans()) and draw(st.booleans()),
        year_style=draw(st.sampled_from(["numbers", "numbers", "text", "star", "budget", "budget spaced", "words",
                                         "dates"])),
        period_style=draw(st.sampled_from(["dash", "hyphen", "short", "spaced"])),
        totals=totals,
        totals_decimals=(decimals - 1) if totals == "typed" and decimals >= 2 and draw(st.booleans()) else None,
        total_column=draw(st.booleans()) and totals in ("typed", "none"),
        gain_sign=-1 if draw(st.integers(0, 5)) == 0 else 1,
        as_text=draw(st.integers(0, 7)) == 0,
        first_year=draw(st.integers(min_value=2024, max_value=2028)),
        n=n,
        one_off_names=one_off,
        recurring_names=draw(st.lists(st.sampled_from(RECURRING_NAMES), min_size=0 if one_off else 1, max_size=2,
                                      unique=True)),
        gain_names=draw(st.lists(st.sampled_from(GAIN_NAMES), min_size=1, max_size=3, unique=True)),
    )


def amounts(draw, style: Style, n: int, zero_after: int | None = None) -> list[float]:
    scale = 10 ** style.decimals
    out = []
    for i in range(n):
        if (zero_after is not None and i >= zero_after) or draw(st.integers(0, 3)) == 0:
            out.append(0)
            continue
        k = draw(st.integers(min_value=1, max_value=HIGH[style.unit] * scale))
        out.append(k / scale if style.decimals else k)
    return out


def part_of(draw, style: Style, parent: list[float], exceed: bool) -> list[float]:
    """A "Heraf" row: a quarter, half or three quarters of its parent each year (or, when `exceed`, more in one
    year)."""
    frac = draw(st.sampled_from([0.25, 0.5, 0.75]))
    values = [round(v * frac, style.decimals) for v in parent]
    values = [int(v) if float(v).is_integer() else v for v in values]
    if exceed:
        i = draw(st.integers(0, len(parent) - 1))
        values[i] = parent[i] + (1 if style.decimals == 0 else 1 / 10 ** style.decimals) * draw(st.integers(1, 50))
        values[i] = round(values[i], style.decimals)
    return values


@st.composite
def cases(draw, style: Style, nr: str, title: str, plain: bool = False) -> tuple[CaseSpec, bool]:
    """One case in the department's style; the flag says it was made broken on purpose. A plain case has exactly
    the department's rows (no sub-rows, no unknown rows, no broken years), so an overview can sum the cases."""
    years = list(range(style.first_year, style.first_year + style.n))
    n = len(years)
    lines: list[Line] = []
    if not plain and draw(st.integers(0, 3)) == 0:  # this case does not follow the department's row names
        style = replace(style, **{k: v for k, v in draw(styles()).__dict__.items() if k.endswith("_names")})
    for name in style.one_off_names:
        lines.append(Line(name, amounts(draw, style, n, zero_after=draw(st.integers(1, n))), ONE_OFF))
    for name in style.recurring_names:
        lines.append(Line(name, amounts(draw, style, n), RECURRING))
    for name in style.gain_names:
        lines.append(Line(name, amounts(draw, style, n), GAIN))
    broken = False
    # a "Heraf" row under one of the input rows
    if not plain and draw(st.integers(0, 2)) == 0:
        k = draw(st.integers(0, len(lines) - 1))
        exceed = draw(st.integers(0, 5)) == 0 and any(lines[k].values)
        broken |= exceed
        lines.insert(k + 1, Line(draw(st.sampled_from(SUB_NAMES)), part_of(draw, style, lines[k].values, exceed), SUB))
    # a gain row xlpy does not know, where the totals can confirm it (typed) or there are none to contradict it
    # (typed totals that leave it out make it a sub-row: not counted)
    if not plain and style.totals in ("typed", "none") and draw(st.integers(0, 4)) == 0:
        kind = GAIN if style.totals == "none" or draw(st.booleans()) else OTHER
        lines.append(Line(draw(st.sampled_from(UNKNOWN_GAINS)), amounts(draw, style, n), kind))
    if not plain and draw(st.integers(0, 6)) == 0:
        lines.append(Line("Årsværk", [draw(st.integers(0, 6)) for _ in range(n)], COUNT))
    totals = style.totals
    if draw(st.integers(0, 9)) == 0:  # not filled in yet
        lines = [replace(line, values=[None] * n) for line in lines]
        totals = "blank"
    headers = year_headers(style.year_style, years)
    spec_years = years
    how_broken = -1 if plain else draw(st.integers(0, 14))
    if how_broken == 0:
        headers, broken = list(reversed(headers)), True
    elif how_broken == 1 and n >= 3:
        spec_years = years[:2] + [y + 1 for y in years[2:]]  # 2026 2027 2029 …: a gap
        headers, broken = year_headers(style.year_style, spec_years), True
    unit_kw: dict = {"unit": style.unit, "factor": FACTOR[style.unit]}
    if style.unit_where != "field":
        unit_kw["unit"] = None
    if style.unit_where == "header":
        unit_kw["header_label"] = UNIT_IN_HEADER[style.unit]
    elif style.unit_where == "title":
        unit_kw["title_line"] = f"Økonomi i {style.unit}"
    elif style.unit_where == "labels":
        unit_kw["row_unit"] = style.unit
    elif style.unit_where == "nowhere":
        unit_kw["factor"] = 1000  # read as 1.000 kr., with a warning
    spec = CaseSpec(
        case_nr=nr, title=title, area=draw(st.sampled_from(["Ældre", "Skole, SFO og klub", "Dagtilbud"])),
        period=period_text(style.period_style, spec_years[0], spec_years[-1]),
        status=draw(st.sampled_from([None, None, "Besluttet", "Idé", "Opgivet"])),
        years=spec_years, year_headers=headers, lines=lines, totals=totals,
        totals_decimals=style.totals_decimals if totals == "typed" else None, total_column=style.total_column,
        gain_sign=style.gain_sign, as_text=style.as_text, label_col=style.label_col,
        merged_labels=style.merged_labels, **unit_kw)
    return spec, broken


@st.composite
def workbooks(draw, folder: Path, file_index: int, counter: itertools.count) -> tuple[Path, list, list]:
    """One department workbook: (path, [(sheet, spec)] of the cases, names of the sheets that are no case)."""
    style = draw(styles())
    department = draw(st.sampled_from([None, "Social og Sundhed", "Børn og Unge"]))
    sheets: list = []
    case_sheets: list[tuple[str, CaseSpec]] = []
    with_overview = draw(st.integers(0, 3)) == 0
    for s in range(draw(st.integers(min_value=2 if with_overview else 1, max_value=3))):
        name = f"Case {s + 1}"
        block = []
        for _ in range(2 if draw(st.integers(0, 4)) == 0 else 1):
            k = next(counter)
            spec, _ = draw(cases(style, f"{file_index}-{k}", f"{TITLES[k % len(TITLES)]} ({k})", with_overview))
            block.append(replace(spec, department=department))
        block = stacked(block) if len(block) > 1 else block
        sheets.append((name, block))
        case_sheets += [(name, spec) for spec in block]
    not_cases = []
    alike = [spec for _, spec in case_sheets]
    if with_overview:  # an overview of every case in the workbook (those without amounts add nothing)
        overview = overview_spec(alike)
        sheets.append(("Samlet", [replace(overview, unit=alike[0].unit, factor=alike[0].factor,
                                          header_label=alike[0].header_label, row_unit=alike[0].row_unit,
                                          label_col=alike[0].label_col, gain_sign=alike[0].gain_sign,
                                          year_headers=alike[0].year_headers)]))
        not_cases.append("Samlet")
    if draw(st.integers(0, 3)) == 0:
        name = f"Case {len(case_sheets) + 1} (tom)"
        sheets.append((name, [template_spec(list(range(style.first_year, style.first_year + style.n)))]))
        not_cases.append(name)
    if draw(st.booleans()):
        sheets.append(("Lister", write_lister))
        not_cases.append("Lister")
    if draw(st.integers(0, 3)) == 0:
        sheets.append(("Vejledning", write_vejledning))
        not_cases.append("Vejledning")
    order = draw(st.permutations(range(len(sheets))))
    sheets = [sheets[i] for i in order]
    path = folder / f"afdeling_{file_index}.xlsx"
    write_book(path, sheets, not_cases=tuple(not_cases))
    return path, case_sheets, not_cases


# --- running the command line ---------------------------------------------------------------------------------------

def cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    assert status in (0, 1, 2), (args, status, err.getvalue()[-2000:])
    return status, out.getvalue()


def close(a, b) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=0.011)


def independent(spec: CaseSpec) -> dict[str, float]:
    """The figures by plain arithmetic over the generated amounts, in kr. (counted rows only: inputs and gains)."""
    k = spec.kr_factor
    total = lambda kinds: sum((v or 0) for line in spec.lines if line.kind in kinds  # noqa: E731
                              for v in line.values) * k
    investment, saving = total((ONE_OFF, RECURRING)), total((GAIN,))
    return {"total_investment": investment, "total_saving": saving, "period_net": saving - investment}


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=IN_CI, phases=PHASES,
          report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_pipeline_on_department_workbooks(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("afdelinger")
    folder = root / "ind"
    folder.mkdir()
    counter = itertools.count(1)
    expected: dict[tuple[str, str, str], tuple[CaseSpec, dict]] = {}
    not_cases: set[tuple[str, str]] = set()
    for f in range(data.draw(st.integers(min_value=1, max_value=2), label="files")):
        path, case_sheets, skip = data.draw(workbooks(folder, f + 1, counter), label=f"workbook {f + 1}")
        for sheet, spec in case_sheets:
            expected[(str(path), sheet, spec.case_nr)] = (spec, independent(spec))
        not_cases |= {(str(path), s) for s in skip}

    for spec, _ in expected.values():  # what the examples hold (pytest --hypothesis-show-statistics)
        event(f"unit {spec.unit or 'outside the Enhed field'}; totals {spec.totals}")
        event("stacked" if spec.top > 1 else "one case on its sheet")
        if any(line.kind == SUB for line in spec.lines):
            event("sub-row")
        if spec.gain_sign < 0:
            event("budget sign convention")
    for _, sheet in not_cases:
        event(f"not a case: {sheet.split(' (')[0] if '(' not in sheet else 'blank template'}")

    target = str(folder)
    # validate: findings by sheet
    status, out = cli("validate", target, "--format", "json")
    findings = json.loads(out)
    assert (status == 1) == any(f["severity"] == "fejl" for f in findings)
    fejl_sheets = {(f["file"], f["sheet"]) for f in findings if f["severity"] == "fejl"}

    # compute: every reported case is right or carries a fejl; every generated case is reported
    _, out = cli("compute", target, "--format", "json")
    computed = json.loads(out)
    seen = set()
    for case in computed:
        where = (case["file"], case["sheet"])
        assert where not in not_cases, f"a sheet that is no case was read as one: {where}"
        key = (case["file"], case["sheet"], case["case_nr"])
        carries_fejl = case["complete"] is False or where in fejl_sheets
        if key not in expected:
            assert carries_fejl, f"a case nobody typed: {key}"
            continue
        seen.add(key)
        spec, figures = expected[key]
        if carries_fejl:
            continue
        for name, value in figures.items():
            assert close(case[name], value), (key, name, case[name], value, spec)  # key names the file
    for key in expected:
        assert key in seen or (key[0], key[1]) in fejl_sheets, f"a case was not reported: {key}"

    # consolidate: the totals are the sum over the counted cases
    _, out = cli("consolidate", target, "--format", "json")
    k = json.loads(out)
    counted = [c for c in computed if c["status"] != "Opgivet"]
    shown = [(c["sheet"], c["case_nr"], c["status"], c["complete"], c["total_investment"], c["total_saving"])
             for c in computed]
    for total, name in (("total_investment", "total_investment"), ("total_saving", "total_saving"),
                        ("total_net", "period_net")):
        assert close(k[total], sum(c[name] or 0 for c in counted)), \
            (target, total, k[total], k.get("left_out"), shown)
        if not fejl_sheets:
            want = sum(fig[name] for spec, fig in expected.values() if spec.status != "Opgivet")
            assert close(k[total], want), (target, total, k[total], want)

    # every other format and language ends in an exit status, never an exception
    out_xlsx = str(root / "overblik.xlsx")
    cli("validate", target, "--format", "json", "--lang", "en")
    cli("compute", target, "--format", "json", "--lang", "en")
    cli("consolidate", target, "--format", "json", "--lang", "en")
    for lang in ("da", "en"):
        cli("validate", target, "--lang", lang)
        cli("compute", target, "--lang", lang)
    cli("consolidate", target, "-o", out_xlsx)
    cli("consolidate", target, "-o", out_xlsx, "--lang", "en")
    assert Path(out_xlsx).is_file()
    shutil.rmtree(root)  # a passing example leaves nothing behind; a failing one keeps its folder
