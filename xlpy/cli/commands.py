"""The subcommands: each parses nothing and prints through console.py; it calls the pipeline (validate, compute),
the batch jobs (consolidate, report), the diff, the template or the ribbon builder, importing only what it needs."""

from __future__ import annotations

import argparse
import sys

from .arguments import stress_settings, thresholds
from .console import findings_table, make_console, plain, print_consolidation, progress, summary, text_table
from .texts import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, TEXTS

def _json_dump(data, out) -> None:
    import json  # noqa: PLC0415 (only --format json needs it)

    json.dump(data, out, ensure_ascii=False, indent=2)


def cmd_validate(args) -> int:
    from ..portfolio.collect import check_inputs
    from ..findings import has_errors

    result = check_inputs(args.files, thresholds=thresholds(args))
    findings = result.sorted_findings()
    if args.mark:
        from ..write.mark import mark_file

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
        _json_dump([f.to_dict(args.lang) for f in findings], sys.stdout)
        sys.stdout.write("\n")
    else:  # rich (15 ms to import) only for a table; a line is printed as it is
        if findings:
            findings_table(findings, args.lang, make_console())
        else:
            print(TEXTS[args.lang]["no_findings"])
        print(summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_compute(args) -> int:
    from ..findings import has_errors
    from ..portfolio.collect import check_inputs
    from ..sheet.numbers import grouped

    result = check_inputs(args.files, args.rate, thresholds=thresholds(args))
    if args.format == "json":
        _json_dump([r.to_dict() for r in result.cases], sys.stdout)
        sys.stdout.write("\n")
    else:
        from rich.table import Table

        console = make_console()
        caption = TEXTS[args.lang]["amounts_in"]
        if not all(r.figures.complete for r in result.cases):
            caption += " " + TEXTS[args.lang]["incomplete"]
        table = Table(*TEXTS[args.lang]["case_cols"], caption=caption)
        dash = "–"
        for r in result.cases:
            f = r.figures
            table.add_row(*plain(r.case.file, r.case.sheet, r.case.case_nr, r.case.title[:40]),
                          grouped(f.total_investment, args.lang, 0) + ("" if f.complete else " *"),
                          grouped(f.total_saving, args.lang, 0),
                          grouped(f.period_net, args.lang, 0),
                          dash if f.return_per_krone is None else grouped(f.return_per_krone, args.lang, 2, True),
                          dash if f.payback_year is None else str(f.payback_year), grouped(f.npv, args.lang, 0))
        console.print(table)
        console.print(summary(result, args.lang))
    return EXIT_FINDINGS if has_errors(result.findings) else EXIT_OK


def cmd_template(args) -> int:
    from ..template import write_template

    write_template(args.output)
    print(TEXTS[args.lang]["template_written"].format(path=args.output))
    return EXIT_OK


def cmd_build_workbook(args) -> int:
    from ..ribbon import main as ribbon_main

    argv = ["-o", args.output] + (["--interpreter", args.interpreter] if args.interpreter else [])
    return ribbon_main(argv)


def cmd_consolidate(args) -> int:
    from ..portfolio.batch import consolidate_files, consolidate_in_place
    from ..portfolio.consolidate import key_figures_json
    from ..findings import has_errors

    if args.in_place:
        c, written = consolidate_in_place(args.inputs[0], args.cutoff_year, args.rate, args.lang,
                                          thresholds=thresholds(args), stress=stress_settings(args))
    else:
        with progress(args.format == "table", args.lang) as (on_files, advance):
            c = consolidate_files(args.inputs, args.output, args.cutoff_year, args.rate, args.lang, args.jobs,
                                  on_files, advance, thresholds=thresholds(args), stress=stress_settings(args))
        written = args.output is not None
    if args.format == "json":
        out = key_figures_json(c, args.lang)
        lights = thresholds(args)
        if lights is not None:  # the portfolio's lights by the thresholds given on the command line
            for totals in (out["follow_up"], *out["follow_up"]["by_area"]):
                totals["light"] = lights.light(totals["realisation_rate"])
        out["output"] = (args.inputs[0] if args.in_place else args.output) if written else None
        _json_dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        print_consolidation(c, args, make_console(), written)
    return EXIT_FINDINGS if has_errors(c.findings) else EXIT_OK


def cmd_diff(args) -> int:
    """Two submissions compared; exit 0 when nothing changed, 1 when something did (like diff)."""
    import os

    from ..layouts.changes import changes_layout, summary_line, words
    from ..layouts.changes_console import console_tables
    from ..portfolio.diff import compare_paths

    c = compare_paths(args.old, args.new, args.rate, skip=[args.output] if args.output else ())
    if args.output:
        from ..made import made_line
        from ..write.xlsx import write_book

        base = os.path.dirname(os.path.abspath(args.output))
        write_book(args.output, [changes_layout(c, made_line([args.old, args.new], args.lang), args.lang,
                                                link_base=base)])
    if args.format == "json":
        out = c.to_dict(args.lang)
        out["output"] = args.output
        _json_dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        console = make_console()
        for table in console_tables(c, args.lang):
            text_table(table, console)
        console.print(summary_line(c, args.lang), markup=False, highlight=False)
        if args.output:
            console.print(words(args.lang)["written"].format(path=args.output), markup=False, highlight=False)
    return EXIT_FINDINGS if c.changed else EXIT_OK


def diff_usage(args, usage) -> None:
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

    from ..portfolio.batch import consolidate_files
    from ..findings import has_errors
    from ..write.deck import TemplateError, open_template, write_deck
    from ..write.pdf import RenderError, to_pdf, to_png

    text = TEXTS[args.lang]
    try:
        open_template(args.template)  # a template that cannot be used stops the run before the reading
        with progress(True, args.lang) as (on_files, advance):
            c = consolidate_files(args.inputs, None, args.cutoff_year, args.rate, args.lang, args.jobs, on_files,
                                  advance)
        deck = write_deck(args.output, c, args.template)
    except TemplateError as exc:
        print(f"xlpy report: {text['usage_error']}: "
              f"{text['report_template'].format(reason=exc.text(args.lang))}", file=sys.stderr)
        return EXIT_USAGE
    console = make_console()
    print_consolidation(c, argparse.Namespace(lang=args.lang, in_place=False, inputs=args.inputs, output=None),
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
