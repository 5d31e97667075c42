"""What the command line prints: findings and key figures as rich tables (rich is imported only for a table),
the progress bar, the summary lines."""

from __future__ import annotations

import sys

from .texts import SHOWN_FINDINGS, TEXTS

def plain(*texts):
    """Texts from the user's files and command line as rich Text: a "[/x]" in a file name is not markup."""
    from rich.text import Text

    return [Text("" if t is None else str(t)) for t in texts]


def findings_table(findings, lang: str, console) -> None:
    from rich.table import Table

    cols = TEXTS[lang]["cols"]
    table = Table(*cols, show_lines=False, expand=False)
    colour = {"fejl": "red", "advarsel": "yellow", "info": "cyan"}
    for f in findings:
        sev = f.severity
        table.add_row(f"[{colour[sev.value]}]{sev.label(lang)}[/]", *plain(f.code, f.file, f.sheet or "",
                                                                          f.cell or "", f.message(lang)))
    console.print(table)


def summary(result, lang: str) -> str:
    counts = {"fejl": 0, "advarsel": 0, "info": 0}
    for f in result.findings:
        counts[f.severity.value] += 1
    return TEXTS[lang]["summary"].format(files=len(result.files_read) + len(result.files_skipped),
                                         cases=len(result.cases), errors=counts["fejl"],
                                         warnings=counts["advarsel"], infos=counts["info"])


def make_console():
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200)


class progress:
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


def print_consolidation(c, args, console, written: bool) -> None:
    from rich.table import Table

    from ..sheet.numbers import grouped

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
        findings_table(shown, lang, console)
        if len(serious) > len(shown):
            console.print(text["more_findings"].format(n=len(serious) - len(shown)))
    where = args.inputs[0] if args.in_place else args.output
    if where:
        from ..sheet.labels import FINDINGS_SHEET, FOLLOW_UP_SHEET, SENSITIVITY_SHEET, SUMMARY_SHEETS

        sheets = [n for n in SUMMARY_SHEETS if n != FINDINGS_SHEET]
        if any(r.follow_up is not None for r in c.results):
            sheets.append(FOLLOW_UP_SHEET)
        if any(r.scenarios is not None for r in c.results):
            sheets.append(SENSITIVITY_SHEET)
        console.print(text["written_to" if written else "not_written"].format(
            path=where, sheets=", ".join(sheets + [FINDINGS_SHEET])), markup=False, highlight=False)


def text_table(t, console) -> None:
    """A layouts TextTable (cells already text) as a rich table; text from the files is never markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t.title, title_justify="left")
    for i, name in enumerate(t.columns):
        table.add_column(name, justify="right" if i in t.right else "left")
    for row in t.rows:
        table.add_row(*(Text(text, style=style or "") for text, style in row))
    console.print(table)
