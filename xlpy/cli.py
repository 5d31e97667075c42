"""The command line: `xlpy validate | compute | template | consolidate`. Thin: parse arguments, call the pipeline,
print. Exit 0 = no fejl, 1 = fejl found, 2 = usage error, 3 = internal error (reported without a traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .compute import DEFAULT_RATE

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

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
        "amounts_in": "Beløb i kr.",
        "incomplete": "* Ufuldstændig: et beløb kunne ikke læses og er udeladt (se validate).",
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
        "amounts_in": "Amounts in kr.",
        "incomplete": "* Incomplete: an amount could not be read and is left out (see validate).",
    },
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xlpy", description="Validate, compute and consolidate investment cases.")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check case workbooks and report findings")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--format", choices=("table", "json"), default="table")
    v.add_argument("--lang", choices=("da", "en"), default="da")
    v.add_argument("--mark", action="store_true",
                   help="write a 'Fejl' sheet and highlights into each workbook (replaces earlier marks)")

    c = sub.add_parser("compute", help="compute every case's figures")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--format", choices=("table", "json"), default="table")
    c.add_argument("--lang", choices=("da", "en"), default="da")
    c.add_argument("--rate", type=float, default=DEFAULT_RATE, help="discount rate for NPV (default 0.035)")

    t = sub.add_parser("template", help="write the blank case template")
    t.add_argument("-o", "--output", required=True, metavar="PATH")
    return p


def _findings_table(findings, lang: str, console) -> None:
    from rich.table import Table

    cols = TEXTS[lang]["cols"]
    table = Table(*cols, show_lines=False, expand=False)
    colour = {"fejl": "red", "advarsel": "yellow", "info": "cyan"}
    for f in findings:
        sev = f.severity
        table.add_row(f"[{colour[sev.value]}]{sev.label(lang)}[/]", f.code, f.file, f.sheet or "", f.cell or "",
                      f.message(lang))
    console.print(table)


def _summary(result, lang: str) -> str:
    counts = {"fejl": 0, "advarsel": 0, "info": 0}
    for f in result.findings:
        counts[f.severity.value] += 1
    return TEXTS[lang]["summary"].format(files=len(result.files_read) + len(result.files_skipped),
                                         cases=len(result.cases), errors=counts["fejl"],
                                         warnings=counts["advarsel"], infos=counts["info"])


def cmd_validate(args) -> int:
    from .findings import has_errors
    from .pipeline import check_files

    result = check_files(args.files)
    findings = result.sorted_findings()
    if args.mark:
        from .mark import mark_file

        extra = []
        for file in result.files_read:
            own = [f for f in findings if f.file == file]
            count, problems = mark_file(file, own)
            extra += problems
            if not problems and args.format == "table":
                _console().print(TEXTS[args.lang]["marked"].format(path=file, count=count))
        findings = sorted(findings + extra, key=lambda f: f.sort_key())
        result.findings += extra
    if args.format == "json":
        json.dump([f.to_dict(args.lang) for f in findings], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        console = _console()
        if findings:
            _findings_table(findings, args.lang, console)
        else:
            console.print(TEXTS[args.lang]["no_findings"])
        console.print(_summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_compute(args) -> int:
    from .findings import has_errors
    from .numbers import grouped
    from .pipeline import check_files

    result = check_files(args.files, args.rate)
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
            table.add_row(r.case.file, r.case.sheet, r.case.case_nr, r.case.title[:40],
                          grouped(f.total_investment, args.lang, 0) + ("" if f.complete else " *"), grouped(f.total_saving, args.lang, 0),
                          grouped(f.period_net, args.lang, 0),
                          dash if f.return_per_krone is None else grouped(f.return_per_krone, args.lang, 2, True),
                          dash if f.payback_year is None else str(f.payback_year), grouped(f.npv, args.lang, 0))
        console.print(table)
        console.print(_summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK


def cmd_template(args) -> int:
    from .template import write_template

    write_template(args.output)
    print(TEXTS["da"]["template_written"].format(path=args.output))
    return EXIT_OK


def _console():
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200)


COMMANDS = {"validate": cmd_validate, "compute": cmd_compute, "template": cmd_template}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback in front of a user
        if args.debug:
            raise
        lang = getattr(args, "lang", "da")
        print(TEXTS[lang]["internal"].format(error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
