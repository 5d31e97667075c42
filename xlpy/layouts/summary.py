"""The consolidated summary's layouts — Overblik (overview.py), Nøgletal, Pr. år, Pr. område, then Opfølgning,
Følsomhed and Fejl (layouts/) — decided once as data (layout.SheetLayout); the file writer, the package edit and the
xlwings writer only render them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

from ..cells import a1, column_letter
from ..findings import REGISTRY
from ..layout import Chart, Formula, SheetLayout
from .findings import findings_layout
from .fit import fit_widths
from .overview import DASH, THOUSAND, overview_layout, source_link
from ..made import made_line

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation, Totals


MIO = 1_000_000.0


def _period_text(first: int | None, last: int | None) -> str:
    return f"{first}–{last}" if first is not None and last is not None else DASH


def key_figures_layout(c: "Consolidation", made: str) -> SheetLayout:
    sheet = SheetLayout("Nøgletal", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, "Nøgletal for investeringscases", "title")
    w, k = c.whole, c.cut
    sheet.put(3, 0, "", "header_left")
    sheet.put(3, 1, f"Hele perioden ({_period_text(w.first_year, w.last_year)})", "header")
    sheet.put(3, 2, f"Til og med {c.cutoff_year}" if c.cutoff_year else "Til og med –", "header")
    rows = [
        ("Antal cases", w.cases, k.cases, "integer"),
        ("Periode", _period_text(w.first_year, w.last_year), _period_text(k.first_year, k.last_year), "text"),
        ("Antal områder", w.areas, k.areas, "integer"),
        ("Investeret (mio. kr.)", w.investment / MIO, k.investment / MIO, "mio"),
        ("Bruttobesparelse (mio. kr.)", w.saving / MIO, k.saving / MIO, "mio"),
        ("Nettobesparelse (mio. kr.)", Formula("=B9-B8"), Formula("=C9-C8"), "mio"),
        ("Kr. igen pr. investeret krone", Formula('=IF(B8>0,B9/B8,"–")'), Formula('=IF(C8>0,C9/C8,"–")'),
         "ratio"),
    ]
    for r, (label, a, b, style) in enumerate(rows, start=4):
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, DASH if a is None else a, style if a is not None else "text")
        sheet.put(r, 2, DASH if b is None else b, style if b is not None else "text")
    r = 4 + len(rows) + 1
    counts = c.severity_counts()
    sheet.put(r, 0, "Kilder", "subtitle")
    sheet.put(r + 1, 0, "Filer læst", "label")
    sheet.put(r + 1, 1, len(c.files_read), "integer")
    sheet.put(r + 2, 0, "Filer sprunget over", "label")
    sheet.put(r + 2, 1, len(c.files_skipped), "integer")
    sheet.put(r + 3, 0, "Cases uden årlige beløb", "label")
    sheet.put(r + 3, 1, sum(1 for x in c.results if not x.figures.has_amounts), "integer")
    sheet.put(r + 4, 0, "Fund (fejl / advarsler / info)", "label")
    sheet.put(r + 4, 1, f"{counts['fejl']} / {counts['advarsel']} / {counts['info']}", "text")
    left_out = c.left_out_counts()
    sheet.put(r + 6, 0, "Hvad indgår i summerne", "subtitle")
    for i, (label, value) in enumerate((
            ("Cases i Overblik", len(c.results)),
            ("Heraf i summerne", c.whole.cases),
            ("Ikke i summerne: opgivet", left_out["opgivet"]),
            ("Ikke i summerne: dubletter", left_out["duplicate"]),
            ("I summerne, men ufuldstændige", sum(1 for x in c.results if c.counted(x) and not x.figures.complete)),
            ("Ark, der ikke er cases", left_out["not_a_case"])), start=7):
        sheet.put(r + i, 0, label, "label")
        sheet.put(r + i, 1, value, "integer")
    r += 14
    followed = [x.follow_up for x in c.results if c.counted(x) and x.follow_up is not None]
    if followed:  # Realiseret til dato: the cases with realised figures, each to its own follow-up year
        expected = sum(f.expected_saving for f in followed)
        realised = sum(f.realised_saving for f in followed)
        sheet.put(r, 0, "Realiseret til dato", "subtitle")
        rows = (("Cases med opfølgning", len(followed), "integer"),
                ("Forventet gevinst til dato (mio. kr.)", expected / MIO, "mio"),
                ("Realiseret gevinst til dato (mio. kr.)", realised / MIO, "mio"))
        for i, (label, value, style) in enumerate(rows, start=1):
            sheet.put(r + i, 0, label, "label")
            sheet.put(r + i, 1, value, style)
        sheet.put(r + 4, 0, "Realiseringsgrad", "label")
        sheet.put(r + 4, 1, Formula(f'=IF({a1(r + 2, 1)}>0,{a1(r + 3, 1)}/{a1(r + 2, 1)},"–")',
                                    realised / expected if expected > 0 else "–"), "percent")
        r += 6
    if c.files_skipped:
        sheet.put(r, 0, "Sprunget over", "header_left")
        sheet.put(r, 1, "Årsag", "header_left")
        for i, (file, code) in enumerate(c.files_skipped, start=1):
            sheet.put(r + i, 0, file)
            sheet.put(r + i, 1, REGISTRY[code].da if code in REGISTRY else code)
    sheet.widths.update({0: 34, 1: 24, 2: 20})
    return sheet


def _year_header(sheet: SheetLayout, row: int, first_col: int, years: Sequence[int], total: bool = True) -> None:
    for i, y in enumerate(years):
        sheet.put(row, first_col + i, y, "header")
    if total:
        sheet.put(row, first_col + len(years), "I alt", "header")


def per_year_layout(c: "Consolidation", made: str) -> SheetLayout:
    sheet = SheetLayout("Pr. år", freeze="C3", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    sheet.put(1, 0, "Alle cases (1.000 kr.)", "header_left")
    sheet.put(1, 1, "", "header_left")
    _year_header(sheet, 1, 2, c.years)
    n = len(c.years)

    def block(row: int, area: str, totals: "Totals", with_cumulative: bool) -> int:
        """Besparelse and Investering as values; Nettoresultat, Akk. and I alt as live formulas (with the values
        Python computed as their cached results)."""
        saving_row, investment_row, net_row = row, row + 1, row + 2
        for r, label, values in ((saving_row, "Besparelse", totals.saving),
                                 (investment_row, "Investering", totals.investment)):
            sheet.put(r, 0, area)
            sheet.put(r, 1, label, "label")
            for i, v in enumerate(values):
                sheet.put(r, 2 + i, v / THOUSAND, "amount")
        sheet.put(net_row, 0, area)
        sheet.put(net_row, 1, "Nettoresultat", "label")
        for i in range(n):
            sheet.put(net_row, 2 + i, Formula(f"={a1(saving_row, 2 + i)}-{a1(investment_row, 2 + i)}",
                                              totals.net[i] / THOUSAND), "amount_bold")
        for r, values in ((saving_row, totals.saving), (investment_row, totals.investment), (net_row, totals.net)):
            if n:
                sheet.put(r, 2 + n, Formula(f"=SUM({a1(r, 2)}:{a1(r, 1 + n)})", round(sum(values) / THOUSAND, 6)),
                          "amount_bold")
        row = net_row + 1
        if with_cumulative:
            sheet.put(row, 0, area)
            sheet.put(row, 1, "Akk. nettoresultat", "label")
            for i in range(n):
                previous = f"{a1(row, 1 + i)}+" if i else ""
                sheet.put(row, 2 + i, Formula(f"={previous}{a1(net_row, 2 + i)}", totals.cumulative[i] / THOUSAND),
                          "amount")
            row += 1
        return row

    row = block(2, "Alle", c.total, True) + 1
    sheet.put(row, 0, "Pr. område (1.000 kr.)", "header_left")
    sheet.put(row, 1, "", "header_left")
    _year_header(sheet, row, 2, c.years)
    row += 1
    for area, totals in c.by_area.items():
        row = block(row, area, totals, False)
    fit_widths(sheet, minimum=9)
    sheet.widths[0] = max(sheet.widths.get(0, 20), 22)
    return sheet


def per_area_layout(c: "Consolidation", made: str) -> SheetLayout:
    sheet = SheetLayout("Pr. område", freeze="B3", landscape=True, fit_width=True)
    sheet.put(0, 0, made, "note")
    n = len(c.years)
    areas = list(c.counts_by_area_year)
    sheet.put(1, 0, "Antal cases pr. år efter område", "header_left")
    _year_header(sheet, 1, 1, c.years, total=False)
    for r, area in enumerate(areas, start=2):
        sheet.put(r, 0, area)
        for i, v in enumerate(c.counts_by_area_year[area]):
            sheet.put(r, 1 + i, v, "integer")
    count_last = 1 + len(areas)
    row = count_last + 2
    net_header = row
    sheet.put(row, 0, "Nettoresultat pr. år efter område (1.000 kr.)", "header_left")
    _year_header(sheet, row, 1, c.years)
    for j, area in enumerate(areas, start=1):
        totals = c.by_area[area]
        sheet.put(row + j, 0, area)
        for i, v in enumerate(totals.net):
            sheet.put(row + j, 1 + i, v / THOUSAND, "amount")
        if n:
            sheet.put(row + j, 1 + n, Formula(f"=SUM({a1(row + j, 1)}:{a1(row + j, n)})",
                                              round(sum(totals.net) / THOUSAND, 6)), "amount_bold")
    net_last = row + len(areas)
    row += len(areas) + 2
    sheet.put(row, 0, "Cases pr. område (alle områder en case hører til)", "header_left")
    sheet.put(row, 1, "Antal", "header")
    by_area_row = row
    for j, (area, count) in enumerate(c.examples_by_area.items(), start=1):
        sheet.put(row + j, 0, area)
        sheet.put(row + j, 1, count, "integer")
    row += len(c.examples_by_area) + 2
    sheet.put(row, 0, "Cases pr. kategori", "header_left")
    sheet.put(row, 1, "Antal", "header")
    for j, (category, count) in enumerate(c.examples_by_category.items(), start=1):
        sheet.put(row + j, 0, category)
        sheet.put(row + j, 1, count, "integer")

    anchor_col = column_letter(max(n + 3, 4))
    if n and areas:
        sheet.charts.append(Chart(
            title="Årlig fordeling af antal investeringscases efter områder",
            data=(2, 0, count_last, n), categories=(1, 1, 1, n), anchor=f"{anchor_col}2", series_in_rows=True,
            stacked=True, y_title="Antal cases", x_title="År"))
        sheet.charts.append(Chart(
            title="Nettoresultat pr. år efter område (1.000 kr.)",
            data=(net_header + 1, 0, net_last, n), categories=(net_header, 1, net_header, n),
            anchor=f"{anchor_col}21", series_in_rows=True, stacked=True, y_title="1.000 kr.", x_title="År",
            number_format="#,##0"))
    elif c.examples_by_area:
        last = by_area_row + len(c.examples_by_area)
        sheet.charts.append(Chart(
            title="Antal cases efter område", data=(by_area_row, 1, last, 1), categories=(by_area_row + 1, 0, last, 0),
            anchor=f"{anchor_col}2", series_in_rows=False, stacked=False, horizontal=True, y_title="Antal cases"))
    fit_widths(sheet)
    sheet.widths[0] = max(sheet.widths.get(0, 20), 30)
    return sheet


def summary_layouts(c: "Consolidation", lang: str = "da", in_book: str | None = None,
                    link_base: str | None = None) -> list[SheetLayout]:
    """Overblik, Nøgletal, Pr. år, Pr. område, Fejl — in that order."""
    return list(iter_summary_layouts(c, lang, in_book, link_base))


def iter_summary_layouts(c: "Consolidation", lang: str = "da", in_book: str | None = None,
                         link_base: str | None = None) -> Iterator[SheetLayout]:
    """The same, one at a time: a writer that renders each before the next is built holds one in memory."""
    made = made_line(c.sources or ([in_book] if in_book else []), lang)
    file_links = None
    if in_book is None:
        file_links = {f: source_link(f, "", None, link_base) for f in c.sources}
    yield overview_layout(c, made, in_book, link_base)
    yield key_figures_layout(c, made)
    yield per_year_layout(c, made)
    yield per_area_layout(c, made)
    if any(r.follow_up is not None for r in c.results):  # the Opfølgning sheet, once a case has realised figures
        from .followup import follow_up_layout

        yield follow_up_layout(c, made)
    if any(r.scenarios is not None for r in c.results):  # the Følsomhed sheet, once a case has low/high estimates
        from .sensitivity import sensitivity_layout

        yield sensitivity_layout(c, made)
    yield findings_layout(c.findings, made, lang, in_book=in_book, file_links=file_links)
