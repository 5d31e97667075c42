"""How a comparison of two submissions is shown (xlpy diff): the "Ændringer" sheet as data (one row per change, a link
to the cell in each version, changed amounts coloured; then the effect on each case's figures and on the portfolio,
and the findings that appeared or disappeared), and the same as plain tables for the command line. Danish by default,
English with lang="en"; row labels and metadata values are the workbooks' own and are shown as typed.

Colours: a changed amount is yellow; a difference is green when it improves the net result (more gain, less
investment, an earlier payback year) and red when it worsens it; a difference in a row that is not counted (a
"Heraf" sub-row, a low/high estimate, a realised figure) is only yellow.
"""

from __future__ import annotations

import os
from typing import Any

from ..sheet.labels import METADATA
from ..layout import SheetLayout, case_nr_value
from ..sheet.numbers import grouped
from ..portfolio.diff import ADDED, AMOUNT, COUNTED, FIELD, REMOVED, UNIT, CaseChange, Change, Comparison

CHANGES_SHEET = "Ændringer"
DASH = "–"

WORDS: dict[str, dict[str, Any]] = {
    "da": {
        "kinds": {"added": "Ny case", "removed": "Fjernet", "changed": "Ændret", "figure": "Nøgletal",
                  "total": "Porteføljen"},
        "fields": {name: label for name, (label, _) in METADATA.items()},
        "counted": "{label}: medregnes",
        "yes_no": ("Nej", "Ja"),
        "figures": {"total_investment": "Investering i alt", "total_saving": "Besparelse i alt",
                    "period_net": "Netto i perioden", "return_per_krone": "Kr. igen pr. krone",
                    "payback_year": "Tilbagebetalingsår", "npv": "Nutidsværdi", "complete": "Fuldstændig",
                    "in_totals": "I summen"},
        "totals": {"cases": "Antal cases i summen", "total_investment": "Investeret",
                   "total_saving": "Bruttobesparelse", "total_net": "Nettobesparelse",
                   "return_per_krone": "Kr. igen pr. krone", "npv": "Nutidsværdi"},
        "unreadable": "kan ikke læses",
        "columns": ("Ændring", "Fil", "Ark", "Nr.", "Titel", "Felt / række", "År", "Før", "Nu", "Forskel",
                    "Celle før", "Celle nu"),
        "finding_columns": ("Fund", "Alvor", "Kode", "Fil", "Ark", "Celle", "Besked"),
        "finding_sheet_columns": ("Fund", "Fil", "Ark", "Celle", "Besked", "Kode", "Alvor"),
        "appeared": "Nyt",
        "disappeared": "Væk",
        "compared": "Før: {old} · Nu: {new} · Beløb i kr.",
        "changes_title": "Ændringer (beløb i kr.)",
        "figures_title": "Virkning på casenes nøgletal (kr.)",
        "totals_title": "Virkning på porteføljen (kr.)",
        "findings_title": "Fund, der er kommet til eller forsvundet",
        "files_title": "Filer",
        "file_cols": ("Fil", "Status"),
        "file_status": {"added": "ny fil", "removed": "fjernet", "renamed": "omdøbt (før: {old})",
                        "not_compared": "ikke sammenlignet: filen kan ikke læses i {sides}"},
        "sides": {"old": "den gamle version", "new": "den nye version"},
        "and": " og ",
        "case_cols": ("Fil", "Nr.", "Titel", "Ændring", "Felt / række", "År", "Før", "Nu", "Forskel"),
        "figure_cols": ("Nr.", "Titel", "Netto i perioden", "Kr. igen pr. krone", "Tilbagebetalingsår",
                        "Nutidsværdi", "I summen"),
        "total_cols": ("", "Før", "Nu", "Forskel"),
        "no_changes": "Ingen ændringer: de to versioner har de samme cases, felter og beløb.",
        "summary": "{changed} case(s) ændret, {added} ny(e), {removed} fjernet, {unchanged} uændret; "
                   "{appeared} fund kommet til, {disappeared} forsvundet.",
        "written": "Ændringerne er skrevet til {path} (arket »Ændringer«).",
    },
    "en": {
        "kinds": {"added": "Added", "removed": "Removed", "changed": "Changed", "figure": "Figure",
                  "total": "Portfolio"},
        "fields": {"case_nr": "Case no.", "title": "Title", "committee": "Committee", "area": "Area",
                   "category": "Category", "type": "Type", "period": "Period", "realisability": "Realisability",
                   "status": "Status", "municipality": "Municipality", "department": "Department",
                   "owner": "Responsible", "unit": "Unit", "price_level": "Price level",
                   "description": "Description"},
        "counted": "{label}: counted",
        "yes_no": ("No", "Yes"),
        "figures": {"total_investment": "Total investment", "total_saving": "Total saving",
                    "period_net": "Net over the period", "return_per_krone": "Return per krone",
                    "payback_year": "Payback year", "npv": "NPV", "complete": "Complete",
                    "in_totals": "In the totals"},
        "totals": {"cases": "Cases in the totals", "total_investment": "Invested", "total_saving": "Gross saving",
                   "total_net": "Net saving", "return_per_krone": "Return per krone", "npv": "NPV"},
        "unreadable": "unreadable",
        "columns": ("Change", "File", "Sheet", "No.", "Title", "Field / row", "Year", "Before", "Now",
                    "Difference", "Cell before", "Cell now"),
        "finding_columns": ("Finding", "Severity", "Code", "File", "Sheet", "Cell", "Message"),
        "finding_sheet_columns": ("Finding", "File", "Sheet", "Cell", "Message", "Code", "Severity"),
        "appeared": "New",
        "disappeared": "Gone",
        "compared": "Before: {old} · Now: {new} · Amounts in kr.",
        "changes_title": "Changes (amounts in kr.)",
        "figures_title": "Effect on the cases' figures (kr.)",
        "totals_title": "Effect on the portfolio (kr.)",
        "findings_title": "Findings that appeared or disappeared",
        "files_title": "Files",
        "file_cols": ("File", "Status"),
        "file_status": {"added": "new file", "removed": "removed", "renamed": "renamed (was: {old})",
                        "not_compared": "not compared: the file cannot be read in {sides}"},
        "sides": {"old": "the old version", "new": "the new version"},
        "and": " and ",
        "case_cols": ("File", "No.", "Title", "Change", "Field / row", "Year", "Before", "Now", "Difference"),
        "figure_cols": ("No.", "Title", "Net over the period", "Return per krone", "Payback year", "NPV",
                        "In the totals"),
        "total_cols": ("", "Before", "Now", "Difference"),
        "no_changes": "No changes: the two versions have the same cases, fields and amounts.",
        "summary": "{changed} case(s) changed, {added} added, {removed} removed, {unchanged} unchanged; "
                   "{appeared} finding(s) appeared, {disappeared} disappeared.",
        "written": "The changes are written to {path} (sheet \"Ændringer\").",
    },
}
# +1: more is better for the net result; -1: more is worse; 0: neither
DIRECTION = {"one_off": -1, "recurring": -1, "saving": 1, "total_investment": -1, "total_saving": 1,
             "period_net": 1, "return_per_krone": 1, "payback_year": -1, "npv": 1, "cases": 0, "total_net": 1,
             "complete": 0, "in_totals": 0}


def words(lang: str) -> dict[str, Any]:
    return WORDS["en" if lang == "en" else "da"]


def change_name(change: Change, lang: str = "da") -> str:
    """What changed, as a person reads it: the field's label, "Enhed", "<row>: medregnes", or the row's label."""
    w = words(lang)
    if change.kind in (FIELD, UNIT):
        return w["fields"].get(change.field, change.field)
    if change.kind == COUNTED:
        return w["counted"].format(label=change.field)
    return change.field


def number_text(value: float, lang: str, decimals: int = 2) -> str:
    return grouped(value, lang, decimals)


def value_text(change: Change, value: Any, lang: str = "da") -> str:
    """A value of a change for the console: amounts grouped, "–" for absent, "kan ikke læses" for unreadable."""
    w = words(lang)
    if change.kind == COUNTED:
        return w["yes_no"][bool(value)]
    if value is None:
        if change.kind == AMOUNT and change.difference is None:
            return w["unreadable"]
        return DASH
    if change.kind == AMOUNT or isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value, lang)
    return str(value)


def figure_text(name: str, value: Any, lang: str = "da") -> str:
    if value is None:
        return DASH
    if name in ("complete", "in_totals"):
        return words(lang)["yes_no"][bool(value)]
    if name == "return_per_krone":
        return grouped(value, lang, 2, True)
    if name in ("payback_year", "cases"):
        return str(value)
    return number_text(value, lang, 0)  # figures to the krone (JSON and the sheet keep the øre)


def difference(name: str, old: Any, new: Any) -> float | None:
    if isinstance(old, bool) or isinstance(new, bool) or not isinstance(old, (int, float)) \
            or not isinstance(new, (int, float)):
        return None
    return round(new - old, 4 if name == "return_per_krone" else 2)


def effect(direction: int, diff: float | None) -> int:
    """+1 when a difference improves the net result, -1 when it worsens it, 0 when neither (or not known)."""
    if not diff or not direction:
        return 0
    return 1 if (diff > 0) == (direction > 0) else -1


def change_effect(change: Change) -> int:
    return effect(DIRECTION.get(change.row or "", 0), change.difference) if change.kind == AMOUNT else 0


def summary_line(c: Comparison, lang: str = "da") -> str:
    w = words(lang)
    if not c.changed:
        return w["no_changes"]
    return w["summary"].format(changed=c.count("changed"), added=c.count(ADDED), removed=c.count(REMOVED),
                               unchanged=c.unchanged, appeared=len(c.appeared), disappeared=len(c.disappeared))


def file_name(c: Comparison, file: str) -> str:
    """A file as the comparison names it (its path inside the folder given)."""
    for p in c.files:
        if file == p.new:
            return c.new.name_of(file)
        if file == p.old:
            return c.old.name_of(file)
    for v in (c.new, c.old):
        name = v.name_of(file)
        if name != file:
            return name
    return file


# --- the sheet --------------------------------------------------------------------------------------------------

def _link(file: str | None, sheet: str | None, cell: str | None, in_book: str | None,
          link_base: str | None) -> str | None:
    """A link to a cell: inside the book when `file` is the book the sheet goes into, else to the file (relative to
    the folder of the output, when known)."""
    if not file or not sheet:
        return None
    target = f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell or 'A1'}"
    if in_book is not None and file == in_book:
        return target
    path = os.path.abspath(file)
    if link_base is not None:
        try:
            path = os.path.relpath(file, link_base)
        except ValueError:  # another drive
            path = os.path.abspath(file)
    return path.replace(os.sep, "/") + target


def _id_cells(cc: CaseChange) -> tuple[str | None, str | None]:
    """The Case nr. cell (else the Titel cell) of the case in the old and in the new version."""
    def cell(r: Any) -> str | None:
        return r.case.cell_of("case_nr") or r.case.cell_of("title") if r is not None else None

    return cell(cc.old), cell(cc.new)


def _sheet_value(change: Change, value: Any, lang: str) -> Any:
    """A value as it goes into a cell: amounts as numbers, Ja/Nej for counted, text as text."""
    if change.kind == COUNTED:
        return words(lang)["yes_no"][bool(value)]
    if value is None:
        return words(lang)["unreadable"] if change.kind == AMOUNT and change.difference is None else None
    if isinstance(value, bool):
        return words(lang)["yes_no"][value]
    if isinstance(value, (int, float)):
        return value
    return str(value)


def _style(value: Any, style: str) -> str:
    return style if isinstance(value, (int, float)) and not isinstance(value, bool) else "text"


FIGURE_STYLE = {"return_per_krone": ("ratio", "ratio_changed", "ratio_better", "ratio_worse"),
                "payback_year": ("year", "year_changed", "amount_better", "amount_worse")}
AMOUNT_STYLES = ("amount", "amount_changed", "amount_better", "amount_worse")


def changes_layout(c: Comparison, made: str, lang: str = "da", in_book: str | None = None,
                   link_base: str | None = None) -> SheetLayout:
    """The "Ændringer" sheet: one row per change (an Excel Table, so it filters), then the effect on each changed
    case's figures and on the portfolio's totals, then the findings that appeared or disappeared. `in_book`: the
    workbook the sheet is written into (its cells are linked inside it); `link_base`: the folder of the output file
    (links to the versions' files are relative to it)."""
    w = words(lang)
    sheet = SheetLayout(CHANGES_SHEET, freeze="A4", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, w["compared"].format(old=c.old.path, new=c.new.path), "note")
    header = 2
    for col, title in enumerate(w["columns"]):
        sheet.put(header, col, title, "header_wrap")
    r = header + 1

    def case_cells(row: int, cc: CaseChange, kind: str) -> None:
        case = cc.case
        sheet.put(row, 0, kind, "text")
        sheet.put(row, 1, cc.file)
        sheet.put(row, 2, case.sheet)
        sheet.put(row, 3, case_nr_value(case.case_nr) if case.case_nr else None, "text")
        sheet.put(row, 4, case.title)

    def links(row: int, cc: CaseChange, old_cell: str | None, new_cell: str | None) -> None:
        o, n = cc.old.case if cc.old else None, cc.new.case if cc.new else None
        target = _link(o.file, o.sheet, old_cell, None, link_base) if o else None
        if target:
            sheet.put(row, 10, f"{o.sheet}!{old_cell or 'A1'}", "link", target)
        target = _link(n.file, n.sheet, new_cell, in_book, link_base) if n else None
        if target:
            sheet.put(row, 11, f"{n.sheet}!{new_cell or 'A1'}", "link", target)

    for cc in c.cases:
        kind = w["kinds"][cc.kind]
        if cc.kind in (ADDED, REMOVED):
            old, new = cc.figures["period_net"]
            case_cells(r, cc, kind)
            sheet.put(r, 5, w["figures"]["period_net"])
            sheet.put(r, 7, old, _style(old, "amount"))
            sheet.put(r, 8, new, _style(new, "amount"))
            links(r, cc, *_id_cells(cc))
            r += 1
            continue
        for ch in cc.changes:
            case_cells(r, cc, kind)
            sheet.put(r, 5, change_name(ch, lang))
            sheet.put(r, 6, ch.year, "year" if ch.year is not None else "text")
            old, new = _sheet_value(ch, ch.old, lang), _sheet_value(ch, ch.new, lang)
            sheet.put(r, 7, old, _style(old, "amount"))
            sheet.put(r, 8, new, _style(new, "amount_changed" if ch.kind == AMOUNT else "amount"))
            if ch.difference is not None:
                sheet.put(r, 9, ch.difference, AMOUNT_STYLES[{1: 2, -1: 3, 0: 1}[change_effect(ch)]])
            links(r, cc, ch.old_cell, ch.new_cell)
            r += 1
    if r > header + 1:
        sheet.table = ("xlpyAendringer", f"A{header + 1}:L{r}")

    def headers(row: int) -> None:
        for col, title in enumerate(w["columns"][:10]):
            sheet.put(row, col, title, "header_left")

    r += 2
    sheet.put(r, 0, w["figures_title"], "subtitle")
    headers(r + 1)
    r += 2
    for cc in c.cases:
        for name, (old, new) in cc.figures.items():
            if old == new or name in ("complete", "in_totals"):
                continue
            styles = FIGURE_STYLE.get(name, AMOUNT_STYLES)
            diff = difference(name, old, new)
            case_cells(r, cc, w["kinds"]["figure"])
            sheet.put(r, 5, w["figures"][name])
            sheet.put(r, 7, old, _style(old, styles[0]))
            sheet.put(r, 8, new, _style(new, styles[1]))
            if diff is not None:
                sheet.put(r, 9, diff, styles[{1: 2, -1: 3, 0: 1}[effect(DIRECTION[name], diff)]])
            links(r, cc, *_id_cells(cc))
            r += 1
    r += 1
    sheet.put(r, 0, w["totals_title"], "subtitle")
    headers(r + 1)
    r += 2
    for name, (old, new) in c.totals.items():
        styles = FIGURE_STYLE.get(name, AMOUNT_STYLES if name != "cases" else ("integer",) * 4)
        diff = difference(name, old, new)
        sheet.put(r, 0, w["kinds"]["total"])
        sheet.put(r, 5, w["totals"][name])
        sheet.put(r, 7, old, _style(old, styles[0]))
        sheet.put(r, 8, new, _style(new, styles[1] if old != new else styles[0]))
        if diff:
            sheet.put(r, 9, diff, styles[{1: 2, -1: 3, 0: 1}[effect(DIRECTION[name], diff)]])
        r += 1

    found = [(w["appeared"], f) for f in c.appeared] + [(w["disappeared"], f) for f in c.disappeared]
    if found:
        r += 1
        sheet.put(r, 0, w["findings_title"], "subtitle")
        r += 1
        for col, title in enumerate(w["finding_sheet_columns"]):
            sheet.put(r, col, title, "header_left")
        r += 1
        severity_style = {"fejl": "sev_error", "advarsel": "sev_warning", "info": "sev_info"}
        for status, f in found:
            sheet.put(r, 0, status)
            sheet.put(r, 1, file_name(c, f.file))
            sheet.put(r, 2, f.sheet or "")
            target = _link(f.file, f.sheet, f.cell, in_book, link_base) if f.sheet else None
            sheet.put(r, 3, f.cell or "", "link" if target else "text", target)
            sheet.put(r, 4, f.message(lang), "text")
            sheet.put(r, 5, f.code)
            sheet.put(r, 6, f.severity.label(lang), severity_style[f.severity.value])
            r += 1
    for col, width in enumerate((11, 24, 18, 8, 44, 26, 9, 14, 14, 14, 22, 22)):
        sheet.widths[col] = width
    return sheet
