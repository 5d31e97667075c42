"""The command line: `xlpy validate | compute | template | consolidate`. Thin: parse arguments, call the pipeline,
print. Exit 0 = no fejl, 1 = fejl found, 2 = usage error, 3 = internal error (reported without a traceback)."""

from __future__ import annotations

import argparse
import json
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
    },
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xlpy", description="Validate, compute and consolidate investment cases.")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check case workbooks and report findings")
    v.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    v.add_argument("--format", choices=("table", "json"), default="table")
    v.add_argument("--lang", choices=("da", "en"), default="da")
    v.add_argument("--mark", action="store_true",
                   help="write a 'Fejl' sheet and highlights into each workbook (replaces earlier marks)")

    c = sub.add_parser("compute", help="compute every case's figures")
    c.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    c.add_argument("--format", choices=("table", "json"), default="table")
    c.add_argument("--lang", choices=("da", "en"), default="da")
    c.add_argument("--rate", type=float, default=DEFAULT_RATE, help="discount rate for NPV (default 0.035)")

    k = sub.add_parser("consolidate", help="summary sheets for one workbook or a folder of department workbooks")
    k.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE")
    where = k.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="OUT.xlsx", help="write the consolidated workbook here")
    where.add_argument("--in-place", action="store_true",
                       help="add or replace xlpy's sheets in the one workbook given (nothing else changes)")
    k.add_argument("--format", choices=("table", "json"), default="table")
    k.add_argument("--lang", choices=("da", "en"), default="da")
    k.add_argument("--cutoff-year", type=int, metavar="Y", help="key figures also up to and including this year")
    k.add_argument("--rate", type=float, default=DEFAULT_RATE, help="discount rate for NPV (default 0.035)")
    k.add_argument("--jobs", type=int, default=None, help="worker processes for reading (default: CPU count)")

    t = sub.add_parser("template", help="write the blank case template")
    t.add_argument("-o", "--output", required=True, metavar="PATH")

    w = sub.add_parser("build-workbook", help="assemble the ribbon workbook (.xlsm) from workbook/")
    w.add_argument("-o", "--output", required=True, metavar="PATH.xlsm")
    w.add_argument("--interpreter", metavar="PATH", help="Python interpreter for RunPython (xlwings.conf)")
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
    from .collect import check_inputs
    from .findings import has_errors

    result = check_inputs(args.files)
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
    from .collect import check_inputs
    from .numbers import grouped

    result = check_inputs(args.files, args.rate)
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
        c = consolidate_in_place(args.inputs[0], args.cutoff_year, args.rate, args.lang)
    else:
        with _progress(args.format == "table") as (on_files, advance):
            c = consolidate_files(args.inputs, args.output, args.cutoff_year, args.rate, args.lang, args.jobs,
                                  on_files, advance)
    if args.format == "json":
        out = key_figures_json(c)
        out["output"] = args.inputs[0] if args.in_place else args.output
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_consolidation(c, args, _console())
    return EXIT_FINDINGS if has_errors(c.findings) else EXIT_OK


class _progress:
    """A rich progress bar over the files on an interactive terminal; nothing otherwise."""

    def __init__(self, wanted: bool):
        self.bar = None
        if wanted and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=__import__("rich.console").console.Console(stderr=True))
        self.task = None

    def __enter__(self):
        if self.bar is None:
            return None, None
        self.bar.start()

        def on_files(n: int) -> None:
            self.task = self.bar.add_task("Læser projektmapper", total=n)

        def advance(k: int) -> None:
            self.bar.advance(self.task, k)

        return on_files, advance

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_consolidation(c, args, console) -> None:
    from rich.table import Table

    from .numbers import grouped

    lang = args.lang
    da = lang == "da"
    w, k = c.whole, c.cut
    mio = lambda v: grouped(v / 1e6, lang, 1, True)  # noqa: E731
    ratio = lambda v: "–" if v is None else grouped(v, lang, 2, True)  # noqa: E731
    table = Table("" , "Hele perioden" if da else "Whole period",
                  (f"Til og med {c.cutoff_year}" if da else f"Up to {c.cutoff_year}"),
                  title="Nøgletal" if da else "Key figures")
    period = lambda f: f"{f.first_year}–{f.last_year}" if f.first_year else "–"  # noqa: E731
    for label, a, b in (("Antal cases" if da else "Cases", str(w.cases), str(k.cases)),
                        ("Periode" if da else "Period", period(w), period(k)),
                        ("Områder" if da else "Areas", str(w.areas), str(k.areas)),
                        ("Investeret (mio. kr.)", mio(w.investment), mio(k.investment)),
                        ("Bruttobesparelse (mio. kr.)", mio(w.saving), mio(k.saving)),
                        ("Nettobesparelse (mio. kr.)", mio(w.net), mio(k.net)),
                        ("Kr. igen pr. krone", ratio(w.return_per_krone), ratio(k.return_per_krone))):
        table.add_row(label, a, b)
    console.print(table)
    counts = c.severity_counts()
    console.print(("{r} fil(er) læst, {s} sprunget over; {e} fejl, {a} advarsler, {i} info." if da else
                   "{r} file(s) read, {s} skipped; {e} errors, {a} warnings, {i} info.").format(
        r=len(c.files_read), s=len(c.files_skipped), e=counts["fejl"], a=counts["advarsel"], i=counts["info"]))
    for file, code in c.files_skipped:
        console.print(f"  {'sprunget over' if da else 'skipped'}: {file} ({code})")
    serious = [f for f in c.findings if f.severity.value != "info"]
    if serious:
        shown = serious[:SHOWN_FINDINGS]
        _findings_table(shown, lang, console)
        if len(serious) > len(shown):
            console.print((f"… og {len(serious) - len(shown)} flere fejl og advarsler på arket Fejl." if da else
                           f"… and {len(serious) - len(shown)} more errors and warnings on the Fejl sheet."))
    where = args.inputs[0] if args.in_place else args.output
    if where:
        console.print(("Resultatet er skrevet til {p} (arkene Overblik, Nøgletal, Pr. år, Pr. område, Fejl)." if da
                       else "The result is written to {p} (sheets Overblik, Nøgletal, Pr. år, Pr. område, Fejl).")
                      .format(p=where))


COMMANDS = {"validate": cmd_validate, "compute": cmd_compute, "template": cmd_template,
            "consolidate": cmd_consolidate, "build-workbook": cmd_build_workbook}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "consolidate":
        if args.in_place and len(args.inputs) != 1:
            parser.error("--in-place takes exactly one workbook")
        if not args.in_place and not args.output and args.format != "json":
            parser.error("consolidate needs -o OUT.xlsx or --in-place (or --format json)")
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
