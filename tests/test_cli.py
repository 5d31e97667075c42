"""The command line as a user runs it: exit codes, JSON shapes, languages, and files left untouched."""

import hashlib
import json
import subprocess
import sys

import pytest

from conftest import SAMPLES

COMPUTE_KEYS = {"file", "sheet", "case_nr", "title", "area", "type", "years", "one_off", "recurring", "investment",
                "saving", "net", "cumulative", "total_investment", "total_saving", "period_net",
                "full_phase_in_saving", "return_per_krone", "payback_year", "npv"}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xlpy.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_json_and_exit_code():
    out = run("validate", SAMPLES / "allerod_2021.xlsx", "--format", "json")
    assert out.returncode == 1, out.stderr
    findings = json.loads(out.stdout)
    assert [set(f) for f in findings] == [{"code", "severity", "file", "sheet", "cell", "message"}] * 4
    assert {f["code"] for f in findings} == {"net-sign-inverted", "cumulative-includes-uncounted",
                                             "range-not-number", "computed-rounding"}


def test_validate_clean_exits_0():
    out = run("validate", SAMPLES / "eksempel_uden_fejl.xlsx")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Ingen fund" in out.stdout


def test_english_messages():
    out = run("validate", SAMPLES / "allerod_2021.xlsx", "--format", "json", "--lang", "en")
    messages = [f["message"] for f in json.loads(out.stdout)]
    assert any(m.startswith("The cell holds a range (»2.000-8.000«)") for m in messages)


@pytest.mark.parametrize("args", [[], ["validate"], ["validate", "x.xlsx", "--format", "xml"], ["frobnicate"],
                                  ["compute", "x.xlsx", "--rate", "lots"]])
def test_usage_errors_exit_2(args):
    assert run(*args).returncode == 2


def test_missing_file_is_a_finding_not_a_traceback(tmp_path):
    out = run("validate", tmp_path / "findes-ikke.xlsx", SAMPLES / "eksempel_uden_fejl.xlsx", "--format", "json")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    findings = json.loads(out.stdout)
    assert [f["code"] for f in findings] == ["file-not-found"]


def test_compute_json():
    out = run("compute", SAMPLES / "allerod_2021.xlsx", "--format", "json")
    cases = json.loads(out.stdout)
    assert len(cases) == 5
    assert all(COMPUTE_KEYS <= set(c) for c in cases)
    case1 = cases[0]
    assert case1["return_per_krone"] is None and case1["payback_year"] is None  # no investment: "–"
    assert case1["net"] == [335000, 425000, 425000, 425000, 425000, 425000]


def test_compute_rate_changes_npv_only():
    a = json.loads(run("compute", SAMPLES / "allerod_2021.xlsx", "--format", "json").stdout)
    b = json.loads(run("compute", SAMPLES / "allerod_2021.xlsx", "--format", "json", "--rate", "0").stdout)
    assert [c["npv"] for c in b] == [c["period_net"] for c in b]
    assert [c["period_net"] for c in a] == [c["period_net"] for c in b]
    assert all(x["npv"] < y["npv"] for x, y in zip(a, b) if y["period_net"] > 0)


def test_validate_and_compute_never_modify_inputs(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    before = sha(book)
    run("validate", book)
    run("validate", book, "--format", "json")
    run("compute", book, "--format", "json")
    assert sha(book) == before


def test_template_command(tmp_path):
    target = tmp_path / "ny.xlsx"
    out = run("template", "-o", target)
    assert out.returncode == 0 and target.exists()
    findings = json.loads(run("validate", target, "--format", "json").stdout)
    assert {f["code"] for f in findings} == {"missing-field", "no-yearly-figures"}
