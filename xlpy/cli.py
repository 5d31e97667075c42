"""The command line: `xlpy validate | compute | template | consolidate`. Thin: parse arguments, call the pipeline,
print. Exit 0 = no fejl, 1 = fejl found, 2 = usage error, 3 = internal error (reported without a traceback)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Sequence

from .compute import DEFAULT_RATE

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SHOWN_FINDINGS = 20  # consolidate prints at most this many fejl/advarsler; the Fejl sheet has them all

TEXTS = {
    "da": {
        "no_findings": "Ingen fund.",
        "summary": "{files} fil(er), {cases} case(s): {errors} fejl, {warnings} advarsler, {infos} info.",
        "cols": ("Alvor", "Kode", "Fil", "Ark", "Celle", "Besked"),
        "case_cols": ("Fil", "Ark", "Nr.", "Titel", "Investering", "Besparelse", "Netto", "Kr. igen", "Tilbagebet.",
                      "Nutidsværdi"),
        "template_written": "Skabelonen er skrevet: {path}",
        "marked": "Markeringer skrevet i {path}: {count} celle(r) markeret, arket »Fejl« opdateret.",
        "internal": "Intern fejl i xlpy: {error}. Kør med --debug for detaljer.",
        "os_error": "Kan ikke skrive eller læse {path}: {reason}. Intet er ændret.",
        "amounts_in": "Beløb i kr.",
        "incomplete": "* Ufuldstændig: et beløb kunne ikke læses og er udeladt (se validate).",
        "usage_error": "fejl",
        "bad_rate": "ugyldig rente »{value}«: skriv et tal fra 0 til under 1 som 0.035 eller 0,035, eller en "
                    "procent som 3,5 %",
        "bad_rate_hint": " (mente du »{value} %«?)",
        "bad_year": "ugyldigt årstal »{value}«: skriv et år fra {low} til {high}",
        "bad_share": "ugyldig andel »{value}«: skriv en brøk fra 0 til 1 som 0,9 eller en procent som 90 %",
        "bad_jobs": "ugyldigt antal processer »{value}«: skriv et helt tal på mindst 1",
        "bad_stress": {
            "delay_years": "ugyldig forsinkelse »{value}«: skriv et helt antal år fra 1 til 10",
            "gains_share": "ugyldig andel »{value}«: skriv en andel over 0 og højst 100 % som 75 % eller 0,75",
            "investment_overrun": "ugyldig overskridelse »{value}«: skriv en andel fra 0 til 500 % som 25 % eller "
                                  "0,25",
            "rate_points": "ugyldig renteændring »{value}«: skriv procentpoint fra 0 til 5 som 1 eller 0,5",
        },
        "not_xlsx": "skabelonen er en .xlsx-projektmappe: skriv en sti, der ender på .xlsx (ikke »{value}«)",
        "in_place_one": "--in-place tager præcis én projektmappe",
        "needs_output": "consolidate skal have -o UD.xlsx eller --in-place (eller --format json)",
        "kf_title": "Nøgletal",
        "kf_whole": "Hele perioden",
        "kf_upto": "Til og med {year}",
        "kf_rows": ("Antal cases", "Periode", "Områder", "Investeret (mio. kr.)", "Bruttobesparelse (mio. kr.)",
                    "Nettobesparelse (mio. kr.)", "Kr. igen pr. krone"),
        "totals_line": "I summerne: {counted} af {listed} cases i Overblik (ikke med: {opgivet} opgivet, {duplicate} "
                       "dubletter; {incomplete} ufuldstændige er med; {not_a_case} ark er ikke cases).",
        "files_line": "{read} fil(er) læst, {skipped} sprunget over; {errors} fejl, {warnings} advarsler, "
                      "{infos} info.",
        "skipped": "sprunget over",
        "more_findings": "… og {n} flere fejl og advarsler på arket Fejl.",
        "written_to": "Resultatet er skrevet til {path} (arkene {sheets}).",
        "not_written": "Intet er skrevet i {path} (se fejlen ovenfor).",
        "progress": "Læser projektmapper",
        "diff_missing": "{path} findes ikke",
        "diff_mixed": "diff sammenligner to projektmapper eller to mapper, ikke en fil med en mappe ({old}, {new})",
        "diff_not_xlsx": "ændringerne skrives i en .xlsx-projektmappe: skriv en sti, der ender på .xlsx (ikke »{value}«)",
        "diff_output_inside": "-o må ikke være en af de to versioner eller ligge i deres mapper ({path})",
        "report_not_pptx": "beslutningsoplægget er en PowerPoint-fil: skriv en sti, der ender på .pptx "
                           "(ikke »{value}«)",
        "report_template": "--template: {reason}",
        "report_written": "Beslutningsoplægget er skrevet til {path} ({slides} dias).",
        "report_pdf": "PDF'en er skrevet til {path}.",
        "report_png": "{count} billeder af diasene er skrevet til {path}.",
        "report_not_rendered": "Ingen PDF/PNG: {reason}.",
    },
    "en": {
        "no_findings": "No findings.",
        "summary": "{files} file(s), {cases} case(s): {errors} errors, {warnings} warnings, {infos} info.",
        "cols": ("Severity", "Code", "File", "Sheet", "Cell", "Message"),
        "case_cols": ("File", "Sheet", "No.", "Title", "Investment", "Saving", "Net", "Return/kr.", "Payback",
                      "NPV"),
        "template_written": "Template written: {path}",
        "marked": "Marks written to {path}: {count} cell(s) marked, sheet \"Fejl\" updated.",
        "internal": "Internal error in xlpy: {error}. Run with --debug for details.",
        "os_error": "Cannot write or read {path}: {reason}. Nothing was changed.",
        "amounts_in": "Amounts in kr.",
        "incomplete": "* Incomplete: an amount could not be read and is left out (see validate).",
        "usage_error": "error",
        "bad_rate": "invalid rate »{value}«: give a number from 0 up to (not including) 1 such as 0.035 or 0,035, "
                    "or a percentage such as 3.5% or 3,5 %",
        "bad_rate_hint": " (did you mean »{value} %«?)",
        "bad_year": "invalid year »{value}«: give a year from {low} to {high}",
        "bad_share": "invalid share »{value}«: give a fraction from 0 to 1 such as 0.9 or a percentage such as 90 %",
        "bad_jobs": "invalid number of processes »{value}«: give a whole number of at least 1",
        "bad_stress": {
            "delay_years": "invalid delay »{value}«: give a whole number of years from 1 to 10",
            "gains_share": "invalid share »{value}«: give a share above 0 and at most 100 % such as 75 % or 0.75",
            "investment_overrun": "invalid overrun »{value}«: give a share from 0 to 500 % such as 25 % or 0.25",
            "rate_points": "invalid change of rate »{value}«: give percentage points from 0 to 5 such as 1 or 0.5",
        },
        "not_xlsx": "the template is an .xlsx workbook: give a path ending in .xlsx (not »{value}«)",
        "in_place_one": "--in-place takes exactly one workbook",
        "needs_output": "consolidate needs -o OUT.xlsx or --in-place (or --format json)",
        "kf_title": "Key figures",
        "kf_whole": "Whole period",
        "kf_upto": "Up to {year}",
        "kf_rows": ("Cases", "Period", "Areas", "Invested (DKK m)", "Gross saving (DKK m)", "Net saving (DKK m)",
                    "Return per krone"),
        "totals_line": "In the totals: {counted} of the {listed} cases in Overblik (left out: {opgivet} abandoned, "
                       "{duplicate} duplicates; {incomplete} incomplete are in; {not_a_case} sheets are not cases).",
        "files_line": "{read} file(s) read, {skipped} skipped; {errors} errors, {warnings} warnings, {infos} info.",
        "skipped": "skipped",
        "more_findings": "… and {n} more errors and warnings on the Fejl sheet.",
        "written_to": "The result is written to {path} (sheets {sheets}).",
        "not_written": "Nothing was written to {path} (see the error above).",
        "progress": "Reading workbooks",
        "diff_missing": "{path} does not exist",
        "diff_mixed": "diff compares two workbooks or two folders, not a file with a folder ({old}, {new})",
        "diff_not_xlsx": "the changes are written to an .xlsx workbook: give a path ending in .xlsx (not »{value}«)",
        "diff_output_inside": "-o must not be one of the two versions or lie in their folders ({path})",
        "report_not_pptx": "the decision paper is a PowerPoint file: give a path ending in .pptx (not »{value}«)",
        "report_template": "--template: {reason}",
        "report_written": "The decision paper is written to {path} ({slides} slides).",
        "report_pdf": "The PDF is written to {path}.",
        "report_png": "{count} images of the slides are written to {path}.",
        "report_not_rendered": "No PDF/PNG: {reason}.",
    },
}


LANGS = ("da", "en")
YEARS = (1990, 2200)  # a plausible --cutoff-year
DEBUG_HELP = "show the Python traceback of an internal error"
LANG_HELP = "language of messages and tables: da (default) or en"
_RATE = re.compile(r"(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_PERCENT = re.compile(r"\s*%$")


def _argv_lang(argv: Sequence[str]) -> str:
    """The --lang of a command line, found before argparse runs (its usage errors come before parsing finishes).
    Accepts `--lang en`, `--lang=en` and the abbreviations argparse accepts; the last one wins."""
    lang = "da"
    for i, token in enumerate(argv):
        if token == "--":
            break
        name, eq, value = token.partition("=")
        if len(name) >= 3 and "--lang".startswith(name):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if value in LANGS:
                lang = value
    return lang


def _rate_type(lang: str):
    """--rate: 0 ≤ rate < 1 as a decimal ("0.035", "0,035") or a percentage ("3,5 %", "3.5%") -> 0.035."""

    def rate(text: str) -> float:
        body = text.strip()
        percent = bool(_PERCENT.search(body))
        body = _PERCENT.sub("", body)
        if _RATE.fullmatch(body):
            value = float(body.replace(",", "."))
            if percent:
                value /= 100
            if 0 <= value < 1:
                return value
            message = TEXTS[lang]["bad_rate"].format(value=text)
            if not percent and value < 100:
                message += TEXTS[lang]["bad_rate_hint"].format(value=body)
            raise argparse.ArgumentTypeError(message)
        raise argparse.ArgumentTypeError(TEXTS[lang]["bad_rate"].format(value=text))

    return rate


def _share_type(lang: str):
    """--green-from / --yellow-from: a share as a fraction ("0.9", "0,9") or a percentage ("90 %", "90%")."""

    def share(text: str) -> float:
        body = _PERCENT.sub("", text.strip())
        if _RATE.fullmatch(body):
            value = float(body.replace(",", "."))
            value = value / 100 if _PERCENT.search(text) or value > 1 else value
            if 0 <= value <= 1:
                return value
        raise argparse.ArgumentTypeError(TEXTS[lang]["bad_share"].format(value=text))

    return share


def _thresholds(args):
    """The follow-up light's thresholds from --green-from/--yellow-from (None: the workbook's Lister sheet or the
    defaults decide)."""
    from .followup import GREEN, YELLOW, Thresholds

    green, yellow = getattr(args, "green_from", None), getattr(args, "yellow_from", None)
    if green is None and yellow is None:
        return None
    return Thresholds(GREEN if green is None else green, YELLOW if yellow is None else yellow)


def _add_thresholds(p, lang: str) -> None:
    p.add_argument("--green-from", type=_share_type(lang), metavar="SHARE",
                   help="follow-up: realisation rate from which the light is green (default 90 %%, or the Lister sheet)")
    p.add_argument("--yellow-from", type=_share_type(lang), metavar="SHARE",
                   help="follow-up: realisation rate from which the light is yellow (default 60 %%)")


def _stress_type(lang: str, name: str):
    """--stress-*: the values a Forudsætninger sheet takes (assumptions.setting_value): "2", "75 %", "0,25", "1"."""

    def setting(text: str):
        from .assumptions import setting_value

        value = setting_value(name, text)
        if value is None:
            raise argparse.ArgumentTypeError(TEXTS[lang]["bad_stress"][name].format(value=text))
        return value

    return setting


def _stress(args):
    """The stress tests' settings: the flags given (None for none, so a Forudsætninger sheet can decide)."""
    from .stress import SETTING_NAMES

    return {name: getattr(args, f"stress_{name}") for name in SETTING_NAMES
            if getattr(args, f"stress_{name}", None) is not None}


def _add_stress(p, lang: str) -> None:
    for flag, name, metavar, text in (
            ("--stress-delay", "delay_years", "YEARS", "stress test: gains this many years late (default 1)"),
            ("--stress-gains", "gains_share", "SHARE", "stress test: gains realised at this share (default 75 %%)"),
            ("--stress-overrun", "investment_overrun", "SHARE", "stress test: investments this share over (default "
                                                                "25 %%)"),
            ("--stress-rate-points", "rate_points", "POINTS", "stress test: discount rate ± these percentage points "
                                                              "(default 1)")):
        p.add_argument(flag, dest=f"stress_{name}", type=_stress_type(lang, name), metavar=metavar,
                       help=text + "; wins over a Forudsætninger sheet")


def _year_type(lang: str):
    def year(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not YEARS[0] <= value <= YEARS[1]:
            raise argparse.ArgumentTypeError(TEXTS[lang]["bad_year"].format(value=text, low=YEARS[0], high=YEARS[1]))
        return value

    return year


def _jobs_type(lang: str):
    def jobs(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(TEXTS[lang]["bad_jobs"].format(value=text))
        return value

    return jobs


def _pptx_type(lang: str):
    def pptx(text: str) -> str:
        if not text.lower().endswith(".pptx"):
            raise argparse.ArgumentTypeError(TEXTS[lang]["report_not_pptx"].format(value=text))
        return text

    return pptx


def _diff_xlsx_type(lang: str):
    def xlsx(text: str) -> str:
        if not text.lower().endswith(".xlsx"):
            raise argparse.ArgumentTypeError(TEXTS[lang]["diff_not_xlsx"].format(value=text))
        return text

    return xlsx


def _xlsx_type(lang: str):
    def xlsx(text: str) -> str:
        if not text.lower().endswith(".xlsx"):
            raise argparse.ArgumentTypeError(TEXTS[lang]["not_xlsx"].format(value=text))
        return text

    return xlsx


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in the language of the command line (exit status 2, no traceback)."""

    def __init__(self, *args, lang: str = "da", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {TEXTS[self.lang]['usage_error']}: {message}\n")


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    """--debug and --lang, before the subcommand (top) and after it: a subcommand's own default is left out, so
    `xlpy --debug validate x.xlsx` is not undone by the subcommand's parser."""
    default = (lambda value: value) if top else (lambda value: argparse.SUPPRESS)
    parser.add_argument("--debug", action="store_true", default=default(False), help=DEBUG_HELP)
    parser.add_argument("--lang", choices=LANGS, default=default("da"), help=LANG_HELP)


def _parser(lang: str = "da") -> argparse.ArgumentParser:
    p = _Parser(prog="xlpy", description="Validate, compute and consolidate investment cases.", lang=lang)
    _common(p, top=True)
    sub = p.add_subparsers(dest="command", required=True)
    rate_help = "discount rate for NPV: 0.035, 0,035, 3.5%% or \"3,5 %%\" (default 0.035)"

    v = sub.add_parser("validate", help="check case workbooks and report findings", lang=lang)
    v.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    v.add_argument("--format", choices=("table", "json"), default="table")
    _common(v, top=False)
    v.add_argument("--mark", action="store_true",
                   help="write a 'Fejl' sheet and highlights into each workbook (replaces earlier marks)")
    _add_thresholds(v, lang)

    c = sub.add_parser("compute", help="compute every case's figures", lang=lang)
    c.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    c.add_argument("--format", choices=("table", "json"), default="table")
    _common(c, top=False)
    c.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)
    _add_thresholds(c, lang)

    k = sub.add_parser("consolidate", help="summary sheets for one workbook or a folder of department workbooks",
                       lang=lang)
    k.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE")
    where = k.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="OUT.xlsx", help="write the consolidated workbook here")
    where.add_argument("--in-place", action="store_true",
                       help="add or replace xlpy's sheets in the one workbook given (nothing else changes)")
    k.add_argument("--format", choices=("table", "json"), default="table")
    _common(k, top=False)
    k.add_argument("--cutoff-year", type=_year_type(lang), metavar="Y",
                   help=f"key figures also up to and including this year ({YEARS[0]}–{YEARS[1]})")
    k.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)
    k.add_argument("--jobs", type=_jobs_type(lang), default=None, metavar="N",
                   help="worker processes for reading (default: CPU count)")
    _add_stress(k, lang)
    _add_thresholds(k, lang)

    t = sub.add_parser("template", help="write the blank case template", lang=lang)
    t.add_argument("-o", "--output", required=True, type=_xlsx_type(lang), metavar="PATH.xlsx")
    _common(t, top=False)

    d = sub.add_parser("diff", help="compare two submissions (workbooks or folders): what changed, and its effect",
                       lang=lang)
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.add_argument("-o", "--output", type=_diff_xlsx_type(lang), metavar="CHANGES.xlsx",
                   help="also write the changes to a workbook (sheet 'Ændringer')")
    _common(d, top=False)
    d.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)

    w = sub.add_parser("build-workbook", help="assemble the ribbon workbook (.xlsm) from workbook/", lang=lang)
    w.add_argument("-o", "--output", required=True, metavar="PATH.xlsm")
    w.add_argument("--interpreter", metavar="PATH", help="Python interpreter for RunPython (xlwings.conf)")
    w.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    r = sub.add_parser("report", help="the committee's decision paper as a PowerPoint deck", lang=lang)
    r.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE")
    r.add_argument("-o", "--output", required=True, type=_pptx_type(lang), metavar="OUT.pptx")
    r.add_argument("--template", metavar="TEMPLATE.potx",
                   help="the municipality's PowerPoint template (.potx or .pptx): its design, layouts and colours")
    r.add_argument("--pdf", action="store_true", help="also write OUT.pdf (needs LibreOffice)")
    r.add_argument("--png", metavar="DIR", help="also render each slide as a PNG into DIR, for review "
                                                "(needs LibreOffice and pdftoppm)")
    _common(r, top=False)
    r.add_argument("--cutoff-year", type=_year_type(lang), metavar="Y",
                   help=f"key figures also up to and including this year ({YEARS[0]}–{YEARS[1]})")
    r.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)
    r.add_argument("--jobs", type=_jobs_type(lang), default=None, metavar="N",
                   help="worker processes for reading (default: CPU count)")
    p.subcommands = {"validate": v, "compute": c, "consolidate": k, "template": t, "build-workbook": w, "diff": d,
                     "report": r}
    return p


def _plain(*texts):
    """Texts from the user's files and command line as rich Text: a "[/x]" in a file name is not markup."""
    from rich.text import Text

    return [Text("" if t is None else str(t)) for t in texts]


def _findings_table(findings, lang: str, console) -> None:
    from rich.table import Table

    cols = TEXTS[lang]["cols"]
    table = Table(*cols, show_lines=False, expand=False)
    colour = {"fejl": "red", "advarsel": "yellow", "info": "cyan"}
    for f in findings:
        sev = f.severity
        table.add_row(f"[{colour[sev.value]}]{sev.label(lang)}[/]", *_plain(f.code, f.file, f.sheet or "",
                                                                          f.cell or "", f.message(lang)))
    console.print(table)


def _summary(result, lang: str) -> str:
    counts = {"fejl": 0, "advarsel": 0, "info": 0}
    for f in result.findings:
        counts[f.severity.value] += 1
    return TEXTS[lang]["summary"].format(files=len(result.files_read) + len(result.files_skipped),
                                         cases=len(result.cases), errors=counts["fejl"],
                                         warnings=counts["advarsel"], infos=counts["info"])


def cmd_validate(args) -> int:
    from .collect import check_inputs
    from .findings import has_errors

    result = check_inputs(args.files, thresholds=_thresholds(args))
    findings = result.sorted_findings()
    if args.mark:
        from .mark import mark_file

        extra = []
        for file in result.files_read:
            own = [f for f in findings if f.file == file]
            count, problems = mark_file(file, own)
            extra += problems
            if not problems and args.format == "table":
                print(TEXTS[args.lang]["marked"].format(path=file, count=count))
        findings = sorted(findings + extra, key=lambda f: f.sort_key())
        result.findings += extra
    if args.format == "json":
        json.dump([f.to_dict(args.lang) for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:  # rich (15 ms to import) only for a table; a line is printed as it is
        if findings:
            _findings_table(findings, args.lang, _console())
        else:
            print(TEXTS[args.lang]["no_findings"])
        print(_summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_compute(args) -> int:
    from .findings import has_errors
    from .collect import check_inputs
    from .numbers import grouped

    result = check_inputs(args.files, args.rate, thresholds=_thresholds(args))
    if args.format == "json":
        json.dump([r.to_dict() for r in result.cases], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from rich.table import Table

        console = _console()
        caption = TEXTS[args.lang]["amounts_in"]
        if not all(r.figures.complete for r in result.cases):
            caption += " " + TEXTS[args.lang]["incomplete"]
        table = Table(*TEXTS[args.lang]["case_cols"], caption=caption)
        dash = "–"
        for r in result.cases:
            f = r.figures
            table.add_row(*_plain(r.case.file, r.case.sheet, r.case.case_nr, r.case.title[:40]),
                          grouped(f.total_investment, args.lang, 0) + ("" if f.complete else " *"),
                          grouped(f.total_saving, args.lang, 0),
                          grouped(f.period_net, args.lang, 0),
                          dash if f.return_per_krone is None else grouped(f.return_per_krone, args.lang, 2, True),
                          dash if f.payback_year is None else str(f.payback_year), grouped(f.npv, args.lang, 0))
        console.print(table)
        console.print(_summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK


def cmd_template(args) -> int:
    from .template import write_template

    write_template(args.output)
    print(TEXTS[args.lang]["template_written"].format(path=args.output))
    return EXIT_OK


def cmd_build_workbook(args) -> int:
    from .ribbon import main as ribbon_main

    argv = ["-o", args.output] + (["--interpreter", args.interpreter] if args.interpreter else [])
    return ribbon_main(argv)


def _console():
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200)


def cmd_consolidate(args) -> int:
    from .batch import consolidate_files, consolidate_in_place
    from .consolidate import key_figures_json
    from .findings import has_errors

    if args.in_place:
        c, written = consolidate_in_place(args.inputs[0], args.cutoff_year, args.rate, args.lang,
                                          thresholds=_thresholds(args), stress=_stress(args))
    else:
        with _progress(args.format == "table", args.lang) as (on_files, advance):
            c = consolidate_files(args.inputs, args.output, args.cutoff_year, args.rate, args.lang, args.jobs,
                                  on_files, advance, thresholds=_thresholds(args), stress=_stress(args))
        written = args.output is not None
    if args.format == "json":
        out = key_figures_json(c, args.lang)
        lights = _thresholds(args)
        if lights is not None:  # the portfolio's lights by the thresholds given on the command line
            for totals in (out["follow_up"], *out["follow_up"]["by_area"]):
                totals["light"] = lights.light(totals["realisation_rate"])
        out["output"] = (args.inputs[0] if args.in_place else args.output) if written else None
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_consolidation(c, args, _console(), written)
    return EXIT_FINDINGS if has_errors(c.findings) else EXIT_OK


class _progress:
    """A rich progress bar over the files on an interactive terminal; nothing otherwise."""

    def __init__(self, wanted: bool, lang: str = "da"):
        self.bar = None
        self.text = TEXTS[lang]["progress"]
        if wanted and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=__import__("rich.console").console.Console(stderr=True))
        self.task = None

    def __enter__(self):
        if self.bar is None:
            return None, None
        self.bar.start()

        def on_files(n: int) -> None:
            self.task = self.bar.add_task(self.text, total=n)

        def advance(k: int) -> None:
            self.bar.advance(self.task, k)

        return on_files, advance

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_consolidation(c, args, console, written: bool) -> None:
    from rich.table import Table

    from .numbers import grouped

    lang = args.lang
    text = TEXTS[lang]
    mio = lambda v: grouped(v / 1e6, lang, 1, True)  # noqa: E731
    ratio = lambda v: "–" if v is None else grouped(v, lang, 2, True)  # noqa: E731
    period = lambda f: ("–" if f.first_year is None or f.last_year is None  # noqa: E731
                        else f"{f.first_year}–{f.last_year}")
    # No cut-off year (no years at all: no cases, or cases without amounts): the whole period only.
    columns = [c.whole] + ([c.cut] if c.cutoff_year is not None else [])
    heads = [text["kf_whole"]] + ([text["kf_upto"].format(year=c.cutoff_year)] if c.cutoff_year is not None else [])
    table = Table("", *heads, title=text["kf_title"])
    values = (lambda f: str(f.cases), period, lambda f: str(f.areas), lambda f: mio(f.investment),
              lambda f: mio(f.saving), lambda f: mio(f.net), lambda f: ratio(f.return_per_krone))
    for label, value in zip(text["kf_rows"], values):
        table.add_row(label, *(value(f) for f in columns))
    console.print(table)
    counts = c.severity_counts()
    console.print(text["files_line"].format(read=len(c.files_read), skipped=len(c.files_skipped),
                                            errors=counts["fejl"], warnings=counts["advarsel"], infos=counts["info"]))
    incomplete = sum(1 for r in c.results if c.counted(r) and not r.figures.complete)
    if c.left_out or incomplete or c.not_a_case:
        console.print(text["totals_line"].format(counted=c.whole.cases, listed=len(c.results), incomplete=incomplete,
                                                 **c.left_out_counts()))
    for file, code in c.files_skipped:
        console.print(f"  {text['skipped']}: {file} ({code})", markup=False, highlight=False)
    serious = [f for f in c.findings if f.severity.value != "info"]
    if serious:
        shown = serious[:SHOWN_FINDINGS]
        _findings_table(shown, lang, console)
        if len(serious) > len(shown):
            console.print(text["more_findings"].format(n=len(serious) - len(shown)))
    where = args.inputs[0] if args.in_place else args.output
    if where:
        from .labels import FINDINGS_SHEET, FOLLOW_UP_SHEET, SENSITIVITY_SHEET, SUMMARY_SHEETS

        sheets = [n for n in SUMMARY_SHEETS if n != FINDINGS_SHEET]
        if any(r.follow_up is not None for r in c.results):
            sheets.append(FOLLOW_UP_SHEET)
        if any(r.scenarios is not None for r in c.results):
            sheets.append(SENSITIVITY_SHEET)
        console.print(text["written_to" if written else "not_written"].format(
            path=where, sheets=", ".join(sheets + [FINDINGS_SHEET])), markup=False, highlight=False)


def cmd_diff(args) -> int:
    """Two submissions compared; exit 0 when nothing changed, 1 when something did (like diff)."""
    import os

    from .layouts.changes import changes_layout, summary_line, words
    from .layouts.changes_console import console_tables
    from .portfolio.diff import compare_paths

    c = compare_paths(args.old, args.new, args.rate, skip=[args.output] if args.output else ())
    if args.output:
        from .made import made_line
        from .xlsx import write_book

        base = os.path.dirname(os.path.abspath(args.output))
        write_book(args.output, [changes_layout(c, made_line([args.old, args.new], args.lang), args.lang,
                                                link_base=base)])
    if args.format == "json":
        out = c.to_dict(args.lang)
        out["output"] = args.output
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        console = _console()
        for table in console_tables(c, args.lang):
            _text_table(table, console)
        console.print(summary_line(c, args.lang), markup=False, highlight=False)
        if args.output:
            console.print(words(args.lang)["written"].format(path=args.output), markup=False, highlight=False)
    return EXIT_FINDINGS if c.changed else EXIT_OK


def _text_table(t, console) -> None:
    """A layouts TextTable (cells already text) as a rich table; text from the files is never markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t.title, title_justify="left")
    for i, name in enumerate(t.columns):
        table.add_column(name, justify="right" if i in t.right else "left")
    for row in t.rows:
        table.add_row(*(Text(text, style=style or "") for text, style in row))
    console.print(table)


def _diff_usage(args, usage) -> None:
    """OLD and NEW exist and are both files or both folders; -o is neither of them nor inside them."""
    import os

    text = TEXTS[args.lang]
    for path in (args.old, args.new):
        if not os.path.lexists(path):  # a broken link is there: reading it makes the finding
            usage.error(text["diff_missing"].format(path=path))
    if os.path.isdir(args.old) != os.path.isdir(args.new):
        usage.error(text["diff_mixed"].format(old=args.old, new=args.new))
    if args.output:
        out = os.path.realpath(args.output)
        for path in (args.old, args.new):
            real = os.path.realpath(path)
            if out == real or os.path.isdir(real) and out.startswith(real.rstrip(os.sep) + os.sep):
                usage.error(text["diff_output_inside"].format(path=args.output))


def cmd_report(args) -> int:
    """The decision paper: consolidate, write the deck (and its PDF and PNGs when asked). Exit 0 = no fejl, 1 = fejl
    found or a PDF/PNG that could not be made (the deck is written either way), 2 = a template that cannot be used."""
    import os
    import tempfile

    from .batch import consolidate_files
    from .findings import has_errors
    from .write.deck import TemplateError, open_template, write_deck
    from .write.pdf import RenderError, to_pdf, to_png

    text = TEXTS[args.lang]
    try:
        open_template(args.template)  # a template that cannot be used stops the run before the reading
        with _progress(True, args.lang) as (on_files, advance):
            c = consolidate_files(args.inputs, None, args.cutoff_year, args.rate, args.lang, args.jobs, on_files,
                                  advance)
        deck = write_deck(args.output, c, args.template)
    except TemplateError as exc:
        print(f"xlpy report: {text['usage_error']}: "
              f"{text['report_template'].format(reason=exc.text(args.lang))}", file=sys.stderr)
        return EXIT_USAGE
    console = _console()
    _print_consolidation(c, argparse.Namespace(lang=args.lang, in_place=False, inputs=args.inputs, output=None),
                         console, False)
    say = lambda line: console.print(line, markup=False, highlight=False)  # noqa: E731
    say(text["report_written"].format(path=args.output, slides=len(deck.slides)))
    rendered = True
    if args.pdf or args.png:
        stem = os.path.splitext(os.path.basename(args.output))[0]
        try:
            with tempfile.TemporaryDirectory(prefix="xlpy-report-") as tmp:
                pdf = os.path.splitext(args.output)[0] + ".pdf" if args.pdf else os.path.join(tmp, stem + ".pdf")
                to_pdf(args.output, pdf)
                if args.pdf:
                    say(text["report_pdf"].format(path=pdf))
                if args.png:
                    images = to_png(pdf, args.png, stem, resolution=100)
                    say(text["report_png"].format(count=len(images), path=args.png))
        except RenderError as exc:
            print(text["report_not_rendered"].format(reason=exc.text(args.lang)), file=sys.stderr)
            rendered = False
    return EXIT_FINDINGS if has_errors(c.findings) or not rendered else EXIT_OK


COMMANDS = {"validate": cmd_validate, "compute": cmd_compute, "template": cmd_template,
            "consolidate": cmd_consolidate, "build-workbook": cmd_build_workbook, "diff": cmd_diff,
            "report": cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_argv_lang(argv))
    args = parser.parse_args(argv)
    if args.command == "consolidate":
        usage = parser.subcommands["consolidate"]
        usage.lang = args.lang
        if args.in_place and len(args.inputs) != 1:
            usage.error(TEXTS[args.lang]["in_place_one"])
        if not args.in_place and not args.output and args.format != "json":
            usage.error(TEXTS[args.lang]["needs_output"])
    if args.command == "diff":
        usage = parser.subcommands["diff"]
        usage.lang = args.lang
        _diff_usage(args, usage)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # the output cannot be written (read-only folder, disk full, file locked by Excel)
        lang = getattr(args, "lang", "da")
        print(TEXTS[lang]["os_error"].format(path=exc.filename or "", reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_FINDINGS
    except Exception as exc:  # never a traceback in front of a user
        if args.debug:
            raise
        lang = getattr(args, "lang", "da")
        print(TEXTS[lang]["internal"].format(error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
