"""The command line's arguments: the parser of every subcommand, and the types that turn what a user types ("3,5 %",
"75 %", "2026") into values or a usage error in the language of the command line."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Sequence

from ..figures.compute import DEFAULT_RATE
from .texts import EXIT_USAGE, TEXTS

LANGS = ("da", "en")
YEARS = (1990, 2200)  # a plausible --cutoff-year
DEBUG_HELP = "show the Python traceback of an internal error"
LANG_HELP = "language of messages and tables: da (default) or en"
_RATE = re.compile(r"(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_PERCENT = re.compile(r"\s*%$")


def argv_lang(argv: Sequence[str]) -> str:
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


def thresholds(args):
    """The follow-up light's thresholds from --green-from/--yellow-from (None: the workbook's Lister sheet or the
    defaults decide)."""
    from ..figures.followup import GREEN, YELLOW, Thresholds

    green, yellow = getattr(args, "green_from", None), getattr(args, "yellow_from", None)
    if green is None and yellow is None:
        return None
    return Thresholds(GREEN if green is None else green, YELLOW if yellow is None else yellow)


def _add_thresholds(p, lang: str) -> None:
    p.add_argument("--green-from", type=_share_type(lang), metavar="SHARE",
                   help="follow-up: realisation rate from which the light is green (default 90 %%, or the Lister "
                        "sheet)")
    p.add_argument("--yellow-from", type=_share_type(lang), metavar="SHARE",
                   help="follow-up: realisation rate from which the light is yellow (default 60 %%)")


def _stress_type(lang: str, name: str):
    """--stress-*: the values a Forudsætninger sheet takes (assumptions.setting_value): "2", "75 %", "0,25", "1"."""

    def setting(text: str):
        from ..figures.assumptions import setting_value

        value = setting_value(name, text)
        if value is None:
            raise argparse.ArgumentTypeError(TEXTS[lang]["bad_stress"][name].format(value=text))
        return value

    return setting


def stress_settings(args):
    """The stress tests' settings: the flags given (None for none, so a Forudsætninger sheet can decide)."""
    from ..figures.stress import SETTING_NAMES

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


def _output_type(lang: str, suffix: str, message: str):
    """An output path that must end in `suffix` (".xlsx", ".pptx"); otherwise the usage error TEXTS[lang][message]."""

    def output(text: str) -> str:
        if not text.lower().endswith(suffix):
            raise argparse.ArgumentTypeError(TEXTS[lang][message].format(value=text))
        return text

    return output


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


def _add_batch(p: argparse.ArgumentParser, lang: str, rate_help: str) -> None:
    """What consolidate and report share: the cut-off year of the key figures, the discount rate, the workers."""
    p.add_argument("--cutoff-year", type=_year_type(lang), metavar="Y",
                   help=f"key figures also up to and including this year ({YEARS[0]}–{YEARS[1]})")
    p.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)
    p.add_argument("--jobs", type=_jobs_type(lang), default=None, metavar="N",
                   help="worker processes for reading (default: CPU count)")


def parser(lang: str = "da") -> argparse.ArgumentParser:
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
    _add_batch(k, lang, rate_help)
    _add_stress(k, lang)
    _add_thresholds(k, lang)

    t = sub.add_parser("template", help="write the blank case template", lang=lang)
    t.add_argument("-o", "--output", required=True, type=_output_type(lang, ".xlsx", "not_xlsx"), metavar="PATH.xlsx")
    _common(t, top=False)

    d = sub.add_parser("diff", help="compare two submissions (workbooks or folders): what changed, and its effect",
                       lang=lang)
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.add_argument("-o", "--output", type=_output_type(lang, ".xlsx", "diff_not_xlsx"), metavar="CHANGES.xlsx",
                   help="also write the changes to a workbook (sheet 'Ændringer')")
    _common(d, top=False)
    d.add_argument("--rate", type=_rate_type(lang), default=DEFAULT_RATE, metavar="RATE", help=rate_help)

    w = sub.add_parser("build-workbook", help="assemble the ribbon workbook (.xlsm) from workbook/", lang=lang)
    w.add_argument("-o", "--output", required=True, metavar="PATH.xlsm")
    w.add_argument("--interpreter", metavar="PATH", help="Python interpreter for RunPython (xlwings.conf)")
    w.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    r = sub.add_parser("report", help="the committee's decision paper as a PowerPoint deck", lang=lang)
    r.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE")
    r.add_argument("-o", "--output", required=True, type=_output_type(lang, ".pptx", "report_not_pptx"),
                   metavar="OUT.pptx")
    r.add_argument("--template", metavar="TEMPLATE.potx",
                   help="the municipality's PowerPoint template (.potx or .pptx): its design, layouts and colours")
    r.add_argument("--pdf", action="store_true", help="also write OUT.pdf (needs LibreOffice)")
    r.add_argument("--png", metavar="DIR", help="also render each slide as a PNG into DIR, for review "
                                                "(needs LibreOffice and pdftoppm)")
    _common(r, top=False)
    _add_batch(r, lang, rate_help)
    p.subcommands = {"validate": v, "compute": c, "consolidate": k, "template": t, "build-workbook": w, "diff": d,
                     "report": r}
    return p
