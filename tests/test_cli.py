"""The command line as a user runs it: exit codes, JSON shapes, languages, and files left untouched."""

import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from conftest import SAMPLES
from xlpy import cli
from xlpy.cli import arguments as cli_arguments, console as cli_console

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
    # a blank template is not a case (not counted, not four fejl): one info saying why, and "no case sheet"
    assert {(f["code"], f["sheet"]) for f in findings} == {("sheet-template-blank", "Case 1"), ("no-case-sheet", None)}


def call(*argv):
    """xlpy.cli.main in this process: (exit status, stdout, stderr); argparse's SystemExit gives the status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, out.getvalue(), err.getvalue()


CLEAN = SAMPLES / "eksempel_uden_fejl.xlsx"
DEPARTMENTS = SAMPLES / "afdelinger"


# 1. --rate: decimals with a point or a comma, percentages; anything else is a usage error

def npvs(*rate):
    code, out, err = call("compute", CLEAN, "--format", "json", *rate)
    assert code == 0, err
    return [c["npv"] for c in json.loads(out)]


@pytest.mark.parametrize("rate", ["0,035", "3,5 %", "3.5%", "3,5%", " 3,5\u00a0% ", ".035"])
def test_rate_forms_give_the_same_npv(rate):
    assert npvs("--rate", rate) == npvs("--rate", "0.035") == npvs()


def test_rate_zero_and_just_under_one():
    assert npvs("--rate", "0") != npvs()
    assert npvs("--rate", "99,9 %") == npvs("--rate", "0.999")


@pytest.mark.parametrize("rate", ["-1", "-0.5", "1", "3.5", "1,0", "100 %", "-3%", "abc", "nan", "inf", "-inf", "",
                                  "1e-2", "0.03.5", "3,5 %%", "%"])
def test_bad_rate_is_a_usage_error(rate):
    for command in (["compute", CLEAN], ["consolidate", DEPARTMENTS, "--format", "json"]):
        code, out, err = call(*command, f"--rate={rate}")
        assert code == 2 and out == ""
        assert f"ugyldig rente »{rate}«" in err and "0,035" in err and "3,5 %" in err
        assert "Traceback" not in err and "Error" not in err


def test_bad_rate_message_in_english_whereever_lang_is():
    for argv in (["--lang", "en", "compute", CLEAN, "--rate", "-1"], ["compute", CLEAN, "--rate", "-1", "--lang", "en"],
                 ["compute", CLEAN, "--rate", "abc", "--lang=en"]):
        code, out, err = call(*argv)
        assert code == 2
        assert "error: argument --rate: invalid rate »" in err and "ugyldig" not in err and "fejl" not in err


def test_rate_as_plain_percent_number_suggests_a_percent():
    code, _, err = call("compute", CLEAN, "--rate", "3,5")
    assert code == 2 and "mente du »3,5 %«?" in err


def test_negative_rate_in_a_subprocess_no_traceback():  # it used to end in ZeroDivisionError
    out = run("compute", CLEAN, "--rate", "-1")
    assert out.returncode == 2 and "Traceback" not in out.stderr and "ugyldig rente »-1«" in out.stderr


# 2. --debug before and after the subcommand, and in --help

@pytest.mark.parametrize("argv", [["--debug", "validate", "x.xlsx"], ["validate", "x.xlsx", "--debug"],
                                  ["--debug", "consolidate", "d", "--format", "json"],
                                  ["template", "-o", "a.xlsx", "--debug"], ["build-workbook", "-o", "a.xlsm", "--debug"]])
def test_debug_before_or_after_the_command(argv):
    assert cli_arguments.parser().parse_args(argv).debug is True
    plain = [a for a in argv if a != "--debug"]
    assert cli_arguments.parser().parse_args(plain).debug is False


def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch):
    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setitem(cli.COMMANDS, "validate", boom)
    code, out, err = call("validate", CLEAN)
    assert code == 3 and "Intern fejl i xlpy: RuntimeError: kaput. Kør med --debug" in err
    for argv in (["--debug", "validate", CLEAN], ["validate", CLEAN, "--debug"]):
        with pytest.raises(RuntimeError, match="kaput"):
            call(*argv)


@pytest.mark.parametrize("command", [[], ["validate"], ["compute"], ["consolidate"], ["template"], ["build-workbook"]])
def test_debug_is_in_the_help(command):
    code, out, _ = call(*command, "--help")
    assert code == 0
    assert re.search(r"--debug\s+show the Python traceback of an internal error", out), out


# 3. template -o must be an .xlsx; --cutoff-year must be a plausible year

@pytest.mark.parametrize("name", ["x.xls", "x.xlsm", "x.csv", "x", "x.xlsx.bak"])
def test_template_only_writes_xlsx(tmp_path, name):
    code, out, err = call("template", "-o", tmp_path / name)
    assert code == 2 and not (tmp_path / name).exists()
    assert "skabelonen er en .xlsx-projektmappe" in err and "Traceback" not in err
    code, _, err = call("template", "-o", tmp_path / name, "--lang", "en")
    assert code == 2 and "the template is an .xlsx workbook" in err


def test_template_message_in_the_language_asked(tmp_path):
    code, out, _ = call("template", "-o", tmp_path / "a.xlsx")
    assert code == 0 and out.startswith("Skabelonen er skrevet:")
    code, out, _ = call("template", "-o", tmp_path / "B.XLSX", "--lang", "en")
    assert code == 0 and out.startswith("Template written:") and (tmp_path / "B.XLSX").exists()


@pytest.mark.parametrize("year", ["1800", "1989", "2201", "20000", "-2026", "2027.5", "snart", "", "nan"])
def test_implausible_cutoff_year_is_a_usage_error(year):
    code, out, err = call("consolidate", DEPARTMENTS, "--format", "json", f"--cutoff-year={year}")
    assert code == 2 and out == "" and f"ugyldigt årstal »{year}«: skriv et år fra 1990 til 2200" in err
    code, _, err = call("--lang", "en", "consolidate", DEPARTMENTS, "--format", "json", f"--cutoff-year={year}")
    assert code == 2 and "invalid year" in err


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_bad_jobs_is_a_usage_error(jobs):
    code, _, err = call("consolidate", DEPARTMENTS, "--format", "json", f"--jobs={jobs}")
    assert code == 2 and "ugyldigt antal processer" in err


def test_consolidate_usage_errors_in_the_language_asked(tmp_path):
    code, _, err = call("consolidate", DEPARTMENTS)
    assert code == 2 and "xlpy consolidate: fejl: consolidate skal have -o UD.xlsx" in err
    code, _, err = call("consolidate", DEPARTMENTS, CLEAN, "--in-place", "--lang", "en")
    assert code == 2 and "xlpy consolidate: error: --in-place takes exactly one workbook" in err


# 4. no "None" when there is no cut-off year or no years at all

def folder_with_a_case_without_amounts(tmp_path):
    """The template with the case's metadata filled in and its year table left empty."""
    import openpyxl

    folder = tmp_path / "uden-beløb"
    folder.mkdir()
    book_path = folder / "afdeling.xlsx"
    assert call("template", "-o", book_path)[0] == 0
    book = openpyxl.load_workbook(book_path)
    sheet = book["Case 1"]
    values = {"Case nr.": "1", "Titel": "Ny case", "Område": "Administration", "Type": "Effektivisering"}
    for row in sheet.iter_rows(max_col=1):
        label = str(row[0].value or "").strip()
        if label in values:
            sheet.cell(row[0].row, 2, values[label])
    book.save(book_path)
    return folder


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_none_without_years(tmp_path, lang):
    (tmp_path / "ingen").mkdir()
    for folder, cases in ((tmp_path / "ingen", 0), (folder_with_a_case_without_amounts(tmp_path), 1)):
        code, out, err = call("consolidate", folder, "-o", tmp_path / "ud.xlsx", "--lang", lang)
        assert code in (0, 1), err
        assert re.search(rf"(Antal cases|Cases)\s*│ {cases} ", out)
        assert "None" not in out + err
        assert ("Hele perioden" if lang == "da" else "Whole period") in out
        assert "Til og med" not in out and "Up to" not in out  # no cut-off column without a cut-off year
        assert re.search(r"(Periode|Period)\s*│ –", out)


def test_no_none_with_a_cutoff_before_the_first_year(tmp_path):
    code, out, err = call("consolidate", DEPARTMENTS, "-o", tmp_path / "ud.xlsx", "--cutoff-year", "2000")
    assert code == 1 and "None" not in out + err
    assert "Til og med 2000" in out and "2026–2032" in out and re.search(r"Periode\s*│ 2026–2032\s*│ –", out)


def test_cutoff_column_with_the_default_cutoff(tmp_path):
    code, out, _ = call("consolidate", DEPARTMENTS, "-o", tmp_path / "ud.xlsx")
    assert code == 1 and "Til og med 2029" in out and "2026–2029" in out


# 5. --lang en: every word xlpy prints is English

DANISH = ["Nøgletal │", "Hele perioden", "Til og med", "Antal cases", "Periode", "Områder", "Investeret",
          "Bruttobesparelse", "Nettobesparelse", "Kr. igen", "mio. kr.", "fil(er)", "læst", "sprunget",
          "advarsler", "Resultatet", "arkene", "Alvor", "Kode", "Besked", "Skabelonen", "Ingen fund"]


def danish_words(text):
    return [w for w in DANISH if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]


@pytest.mark.parametrize("where", ["before", "after"])
def test_english_consolidation(tmp_path, where):
    argv = ["consolidate", DEPARTMENTS, "-o", tmp_path / "out.xlsx"]
    argv = ["--lang", "en", *argv] if where == "before" else [*argv, "--lang", "en"]
    code, out, err = call(*argv)
    assert code == 1, err
    assert danish_words(out + err) == []
    for english in ("Key figures", "Whole period", "Up to 2029", "Cases", "Period", "Areas", "Invested (DKK m)",
                    "Gross saving (DKK m)", "Net saving (DKK m)", "Return per krone", "4 file(s) read, 0 skipped",
                    "The result is written to"):
        assert english in out
    # sheet names stay Danish; the departments have realised figures, so Opfølgning is among them
    assert "(sheets Overblik, Nøgletal, Pr. år, Pr. område, Opfølgning, Følsomhed, Fejl)" in out


def test_english_skipped_files_and_compute(tmp_path):
    folder = tmp_path / "mappe"
    shutil.copytree(DEPARTMENTS, folder)
    (folder / "ødelagt.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    code, out, err = call("--lang", "en", "consolidate", folder, "-o", tmp_path / "out.xlsx")
    assert "1 skipped" in out and "  skipped: " in out
    assert danish_words(out + err) == []
    code, out, err = call("--lang", "en", "compute", CLEAN)
    assert code == 0 and danish_words(out + err) == [] and "Amounts in kr." in out
    code, out, err = call("validate", CLEAN, "--lang", "en")
    assert code == 0 and danish_words(out + err) == [] and "1 file(s), 3 case(s): 0 errors" in out


def test_danish_skipped_line(tmp_path):
    (tmp_path / "ødelagt.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    code, out, _ = call("consolidate", tmp_path, "-o", tmp_path / "ud.xlsx")
    assert "0 fil(er) læst, 1 sprunget over" in out and "  sprunget over: " in out


def test_progress_bar_text_in_the_language_asked():
    assert cli_console.progress(True, "en").text == "Reading workbooks"
    assert cli_console.progress(True, "da").text == "Læser projektmapper"


def test_json_severity_stays_danish_in_english():
    code, out, _ = call("validate", SAMPLES / "allerod_2021.xlsx", "--format", "json", "--lang", "en")
    assert code == 1 and {f["severity"] for f in json.loads(out)} <= {"fejl", "advarsel", "info"}


def test_markup_in_a_file_name_is_printed_as_is(tmp_path):
    name = tmp_path / "[/x] [bold]y.xlsx"
    code, out, err = call("validate", name)
    assert code == 1 and "Traceback" not in err and "MarkupError" not in err
    assert "[/x]" in out


# 6. no command line, however odd, ends in a traceback

SUBCOMMANDS = ["validate", "compute", "consolidate", "template", "build-workbook"]
FLAGS = ["--format", "table", "json", "xml", "--lang", "da", "en", "--lang=en", "--mark", "--rate", "--rate=3,5 %",
         "--cutoff-year", "--jobs", "--in-place", "--debug", "-h", "--interpreter", "--", "-", "--frobnicate"]
PLACES = ["<SAMPLE>", "<DIR>", "<MISSING>", "<MISSING_DIR>"]
# Random text never holds a path separator or "..", and the command runs in a fresh temporary folder: whatever it
# writes (an -o attached as "-oX", a --mark on a relative name) stays there. NUL cannot be in a real argv.
TEXT = st.text(st.characters(blacklist_characters="/\\\x00", blacklist_categories=("Cs",)), max_size=12).filter(
    lambda t: ".." not in t)
NUMBERS = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats().map(str),
                    st.builds(lambda x, sep, pct: f"{x:.3f}".replace(".", sep) + pct,
                              st.floats(-5, 300, allow_nan=False), st.sampled_from([".", ","]),
                              st.sampled_from(["", "%", " %"])))
VALUES = st.one_of(TEXT, NUMBERS, st.sampled_from(["0.035", "0,035", "3,5 %", "3.5%", "2027", "1", "table", "json",
                                                     "da", "en", "<OUT>.xlsx"]))
OPTION = st.tuples(st.sampled_from(["--rate", "--cutoff-year", "--jobs", "--format", "--lang", "--interpreter"]),
                   VALUES)
ATOM = st.one_of(st.sampled_from(SUBCOMMANDS).map(lambda a: [a]), st.sampled_from(FLAGS).map(lambda a: [a]),
                 st.sampled_from(PLACES).map(lambda a: [a]), TEXT.map(lambda a: [a]), NUMBERS.map(lambda a: [a]),
                 OPTION.map(list), OPTION.map(list),
                 st.tuples(st.sampled_from(["-o", "--output"]),
                           st.sampled_from(["<OUT>.xlsx", "<OUT>.xls", "<OUT>.xlsm", "<OUT>"])).map(list))
NOISE = st.tuples(st.one_of(st.just([]), st.sampled_from(SUBCOMMANDS).map(lambda a: [a])),
                  st.lists(st.sampled_from(PLACES), max_size=2), st.lists(ATOM, max_size=6)).map(
    lambda t: t[0] + t[1] + [a for atom in t[2] for a in atom])


def maybe(value):
    return st.one_of(value, value, value, VALUES)  # mostly a good value, sometimes anything


RATE = maybe(st.sampled_from(["0.035", "0,035", "3,5 %", "3.5%", "3,5%", "0", "0.999", "-1", "1", "35"]))
SHARE = maybe(st.sampled_from(["75 %", "0,75", "0.25", "25%", "1", "0", "-0,1", "150 %", "abc"]))
STRESS = maybe(st.sampled_from(["1", "2", "0", "-1", "0,5", "10", "1 år", "x"]))
OUTPUT = st.sampled_from(["<OUT>.xlsx", "<OUT>.xlsx", "<OUT>.xlsx", "<OUT>.xls", "<OUT>"])
COMMON = [st.sampled_from([["--format", "table"], ["--format", "json"]]), st.just(["--lang", "en"]),
          st.just(["--lang", "da"]), st.just(["--debug"])]
OPTIONS = {
    "validate": COMMON + [st.just(["--mark"])],
    "compute": COMMON + [RATE.map(lambda v: ["--rate", v])],
    "consolidate": COMMON[1:] + [RATE.map(lambda v: ["--rate", v]), st.just(["--jobs", "1"]),
                                 maybe(st.integers(1980, 2210).map(str)).map(lambda v: ["--cutoff-year", v]),
                                 SHARE.map(lambda v: ["--green-from", v]), SHARE.map(lambda v: ["--yellow-from", v]),
                                 STRESS.map(lambda v: ["--stress-delay", v]), SHARE.map(lambda v: ["--stress-gains", v]),
                                 SHARE.map(lambda v: ["--stress-overrun", v]),
                                 STRESS.map(lambda v: ["--stress-rate-points", v])],
    "template": [st.just(["--lang", "en"]), st.just(["--debug"])],
    "build-workbook": [st.just(["--debug"])],
}
REQUIRED = {"validate": st.just([]), "compute": st.just([]),
            "consolidate": st.one_of(OUTPUT.map(lambda v: ["-o", v]), st.just(["--in-place"]),
                                     st.just(["--format", "json"])),
            "template": OUTPUT.map(lambda v: ["-o", v]),
            "build-workbook": st.sampled_from(["<OUT>.xlsm", "<OUT>.xlsx"]).map(lambda v: ["-o", v])}


@st.composite
def command_lines(draw):
    """A real command with real inputs and options (their values mostly good) in any order: most get past
    argparse into the pipeline."""
    command = draw(st.sampled_from(SUBCOMMANDS))
    inputs = [] if command in ("template", "build-workbook") else draw(st.lists(st.sampled_from(PLACES), min_size=1,
                                                                                max_size=3))
    if command == "consolidate" and draw(st.booleans()):
        inputs = inputs[:1]  # --in-place takes one workbook
    options = [draw(REQUIRED[command])] + [draw(o) for o in OPTIONS[command] if draw(st.booleans())]
    options = draw(st.permutations(options))
    prefix = draw(st.sampled_from([[], [], ["--debug"], ["--lang", "en"]]))
    return prefix + [command] + inputs + [a for group in options for a in group]


ARGV = st.one_of(command_lines(), command_lines(), NOISE)


@settings(max_examples=60, deadline=None, database=None)
@given(argv=ARGV)
def test_no_traceback_from_any_command_line(tmp_path_factory, argv):
    tmp = tmp_path_factory.mktemp("argv")
    sample = tmp / CLEAN.name  # a copy: --mark and --in-place may write into it
    shutil.copy(CLEAN, sample)
    places = {"<SAMPLE>": str(sample), "<DIR>": str(tmp), "<MISSING>": str(tmp / "findes-ikke.xlsx"),
              "<MISSING_DIR>": str(tmp / "findes-ikke"), "<OUT>": str(tmp / "ud")}
    argv = [re.sub("<[A-Z_]+>", lambda m: places[m.group()], a) for a in argv]
    with contextlib.chdir(tmp):
        code, out, err = call(*argv)
    assert code in (0, 1, 2), (argv, out, err)
    assert "Traceback" not in out + err, argv
