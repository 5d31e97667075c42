"""The decision paper as slides (data): a title slide; the key-figure box for the whole period and up to the
cut-off year; the overview table of the cases (split over slides when long); a chart of net result and one of the
number of cases per area and year; the portfolio's stress tests (layouts/stress_slide.py); one slide per case (layouts/casepage.py); the files that could not be read and
the fejl. Everything a person sees is Danish; the figures are the consolidation's (what goes into the totals)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

from ..findings import Severity
from ..made import now
from .casepage import case_slide, findings_by_case
from .stress_slide import stress_slide
from .slides import (DASH, MUTED, Box, Cell, Chart, Deck, Page, Para, Slide, Table, Text, clean, column_widths,
                     fit_columns, fit_text, fit_title, millions, paged_rows, ratio, row_heights, text_width,
                     thousands)

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation, KeyFigures

TITLE = "Beslutningsoplæg: investeringscases"
IN_TOTALS = {"opgivet": "Ikke i summen: opgivet", "duplicate": "Ikke i summen: dublet"}
INCOMPLETE = "Ufuldstændig: et beløb kunne ikke læses"
MAX_PROBLEM_PAGES = 3


def deck_layout(c: "Consolidation", page: Page | None = None) -> Deck:
    page = page or Page.default()
    slides = [title_slide(c, page), key_figures_slide(c, page)]
    slides += overview_slides(c, page)
    slides += [net_chart_slide(c, page), count_chart_slide(c, page)]
    stress = stress_slide(c, page)
    if stress is not None:
        slides.append(stress)
    by_case = findings_by_case(c.results, c.findings)
    for i, result in enumerate(c.results, start=1):
        slides.append(case_slide(c, result, i, page, by_case.get(id(result), [])))
    slides += problem_slides(c, page)
    return Deck(page, slides)


def period(first: int | None, last: int | None) -> str:
    return f"{first}–{last}" if first is not None and last is not None else DASH


def _titled(key: str, title: str, page: Page) -> Slide:
    text, size = fit_title(title, page.title)
    return Slide(key, text, size)


def _note(text: str, box: Box, size: float = 11) -> Text:
    return Text(box, [Para(text, size, italic=True, color=MUTED)], name="xlpy:note")


def _note_height(text: str, width: float, size: float = 11) -> float:
    from .slides import text_height, wrapped

    return text_height(len(wrapped(text, width - 8, size)), size) + 10


# --- title and key figures -------------------------------------------------------------------------------------------

def municipality(c: "Consolidation") -> str:
    names = {clean(r.case.text("municipality")) for r in c.results} - {""}
    return names.pop() if len(names) == 1 else ""


def title_slide(c: "Consolidation", page: Page) -> Slide:
    text, size = fit_title(TITLE, page.cover_title, (40, 36, 32, 28, 24))
    slide = Slide("title", text, size)
    w = c.whole
    lines = [municipality(c),
             f"{w.cases} investeringscases · {period(w.first_year, w.last_year)}",
             f"Lavet af xlpy den {now():%d-%m-%Y} ud fra {len(c.files_read)} projektmappe(r)"]
    slide.subtitle = [Para(line, 20 if i == 0 else 16) for i, line in enumerate(lines) if line]
    slide.notes = "Kilder:\n" + "\n".join(clean(f) for f in c.sources)
    return slide


def _tiles(boxes: list[Box], tiles: list[tuple[str, str, str]], prefix: str) -> list[Text]:
    """A row of key-figure tiles (value over label, light on the accent colour), their values all one size: the
    largest at which every one fits."""
    value_size = min(next((s for s in (26, 24, 22, 20, 18, 16, 14) if text_width(value, s, True) <= box.w - 12), 12)
                     for box, (_, value, _) in zip(boxes, tiles))
    out = []
    for box, (name, value, label) in zip(boxes, tiles):
        label_size, labels, _ = fit_text([label], Box(box.x, box.y, box.w, box.h - value_size * 1.3),
                                         (13, 12, 11, 10))
        out.append(Text(box, [Para(value, value_size, bold=True, color="light", align="center"),
                              Para(labels[0], label_size, color="light", align="center")],
                        fill="accent", anchor="middle", margin=5, name=f"{prefix}{name}"))
    return out


def key_figure_texts(k: "KeyFigures", period_text: str) -> list[tuple[str, str, str]]:
    """(name, value, label) of the four figures of one period, as the slide shows them."""
    return [("investment", millions(k.investment), "investeret"),
            ("saving", millions(k.saving), "i bruttobesparelse"),
            ("net", millions(k.net), "i nettobesparelse"),
            ("return", DASH if k.return_per_krone is None else f"{ratio(k.return_per_krone)} gange",
             f"igen giver hver kr., der investeres ({period_text})")]


def key_figures_slide(c: "Consolidation", page: Page) -> Slide:
    slide = _titled("key-figures", "Nøgletal for investeringscaserne", page)
    body, gap = page.body, 10.0
    w, k = c.whole, c.cut
    whole_period = period(w.first_year, w.last_year)
    tile_h = min(66.0, (body.h - 150) / 3)
    y = body.y
    top = [("cases", str(w.cases), "investeringscases"), ("period", whole_period, "periode"),
           ("areas", str(w.areas), "områder")]
    tw = (body.w - 2 * gap) / 3
    slide.shapes += _tiles([Box(body.x + i * (tw + gap), y, tw, tile_h) for i in range(3)], top, "xlpy:kf:")
    y += tile_h + 14
    rows = [("whole", f"Hele perioden ({whole_period})", w, whole_period)]
    if c.cutoff_year is not None:
        cut_period = period(k.first_year, k.last_year)
        rows.append(("cut", f"Til og med {c.cutoff_year} ({cut_period})", k, cut_period))
    tw = (body.w - 3 * gap) / 4
    for key, heading, figures, period_text in rows:
        slide.shapes.append(Text(Box(body.x, y, body.w, 24), [Para(heading, 14, bold=True)], margin=2,
                                 name=f"xlpy:kf:{key}:heading"))
        y += 26
        slide.shapes += _tiles([Box(body.x + i * (tw + gap), y, tw, tile_h) for i in range(4)],
                               key_figure_texts(figures, period_text), f"xlpy:kf:{key}:")
        y += tile_h + 12
    note = what_is_counted(c)
    if note and y < body.bottom - 20:
        slide.shapes.append(_note(note, Box(body.x, y, body.w, body.bottom - y)))
    return slide


def what_is_counted(c: "Consolidation") -> str:
    left = c.left_out_counts()
    incomplete = sum(1 for r in c.results if c.counted(r) and not r.figures.complete)
    if not c.results:
        return "Der er ingen cases i de projektmapper, der er læst (se det sidste dias)."
    parts = [f"Tallene omfatter {c.whole.cases} af de {len(c.results)} cases i oversigten."]
    out = []
    if left["opgivet"]:
        out.append(f"{left['opgivet']} opgivet")
    if left["duplicate"]:
        out.append(f"{left['duplicate']} {'dublet' if left['duplicate'] == 1 else 'dubletter'}")
    if out:
        parts.append("Ikke med: " + " og ".join(out) + ".")
    if incomplete:
        many = incomplete > 1
        parts.append(f"{incomplete} {'cases er' if many else 'case er'} ufuldstændig{'e' if many else ''} (et beløb "
                     f"kunne ikke læses) og indgår med de beløb, der kunne læses.")
    return " ".join(parts)


# --- the overview table --------------------------------------------------------------------------------------------

OVERVIEW_HEADERS = ("Nr.", "Udvalg", "Område", "Titel", "Type", "Periode",
                    "Årlig gevinst ved fuld indfasning (1.000 kr.)", "Samlet effektivisering i perioden (1.000 kr.)")
RIGHT = (6, 7)


def _cap(value, limit: int) -> str:
    """A text for the overview, at most `limit` characters (the case's slide has it whole)."""
    text = clean(value)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def overview_rows(c: "Consolidation") -> tuple[list[int], list[list[Cell]], list[Cell] | None]:
    """(the columns shown, the rows, the total row). A column no case fills (Udvalg in KL's catalogue) is left out."""
    rows = []
    for result in c.results:
        case, f = result.case, result.figures
        reason = c.left_out.get(id(result))
        muted = reason is not None
        mark = IN_TOTALS.get(reason) if reason else (None if f.complete else INCOMPLETE)
        cells = [_cap(case.case_nr, 24) or DASH, _cap(case.text("committee"), 40), _cap(case.text("area"), 60),
                 _cap(case.title, 160) or DASH, _cap(case.text("type"), 40),
                 _cap(case.text("period"), 30) or (period(f.years[0], f.years[-1]) if f.years else DASH),
                 thousands(f.full_phase_in_saving) if f.has_amounts else DASH,
                 thousands(f.period_net) if f.has_amounts else DASH]
        rows.append([Cell(t, italic=muted, color=MUTED if muted else None, align="right" if i in RIGHT else "left",
                          note=(mark or "") if i == 3 else "") for i, t in enumerate(cells)])
    shown = [i for i in range(len(OVERVIEW_HEADERS)) if i in (0, 3, 6, 7) or any(r[i].text for r in rows)]
    counted = [r for r in c.results if c.counted(r) and r.figures.has_amounts]
    total = None
    if counted:
        texts = ["I alt", "", "", f"{c.whole.cases} cases i summen", "",
                 period(c.whole.first_year, c.whole.last_year),
                 thousands(sum(r.figures.full_phase_in_saving for r in counted)), thousands(c.whole.net)]
        total = [Cell(t, bold=True, align="right" if i in RIGHT else "left") for i, t in enumerate(texts)]
    pick = lambda row: [row[i] for i in shown]  # noqa: E731
    return shown, [pick(r) for r in rows], pick(total) if total else None


def overview_slides(c: "Consolidation", page: Page) -> list[Slide]:
    body = page.body
    note = "Beløb i 1.000 kr."
    if c.left_out:
        note += " Grå rækker står i oversigten, men indgår ikke i summerne."
    note_h = _note_height(note, body.w)
    room = body.h - note_h - 4  # the note 4 points under the table
    shown, rows, total = overview_rows(c)
    flex = shown.index(3)
    chosen = None
    for size in (12, 11, 10, 9):  # the largest size that fits one slide; else 10 points over several
        header = [Cell(OVERVIEW_HEADERS[i], bold=True, align="right" if i in RIGHT else "left", size=size - 1)
                  for i in shown]
        everything = [header] + rows + ([total] if total else [])
        widths = column_widths(everything, size, body.w, flex=flex)
        if widths is None:
            continue
        heights = row_heights(everything, widths, size)
        if chosen is None or size == 10:
            chosen = (size, everything, widths, heights)
        if sum(heights) <= room:
            chosen = (size, everything, widths, heights)
            break
    if chosen is None:  # a word longer than a slide is wide (a Case nr. of 200 letters): broken where it must
        size = 9
        header = [Cell(OVERVIEW_HEADERS[i], bold=True, align="right" if i in RIGHT else "left", size=size - 1)
                  for i in shown]
        everything = [header] + rows + ([total] if total else [])
        widths = [body.w / len(shown)] * len(shown)
        chosen = (size, everything, widths, row_heights(everything, widths, size))
    size, everything, widths, heights = chosen
    header_h, body_heights = heights[0], heights[1:]
    pages = paged_rows(body_heights, header_h, room, keep_last=1 if total else 0)
    if not rows:
        slide = _titled("overview-1", "Overblik over investeringscases", page)
        slide.shapes.append(Text(Box(body.x, body.y, body.w, 40), [Para("Ingen cases fundet.", 14, italic=True,
                                                                        color=MUTED)], name="xlpy:empty"))
        return [slide]
    slides = []
    for n, indexes in enumerate(pages, start=1):
        title = "Overblik over investeringscases" + (f" ({n} af {len(pages)})" if len(pages) > 1 else "")
        slide = _titled(f"overview-{n}", title, page)
        table_rows = [everything[0]] + [everything[1 + i] for i in indexes]
        table_heights = [header_h] + [body_heights[i] for i in indexes]
        box = Box(body.x, body.y, body.w, sum(table_heights))
        slide.shapes.append(Table(box, widths, table_heights, table_rows, size, name="xlpy:overview"))
        slide.shapes.append(_note(note, Box(body.x, box.bottom + 4, body.w, note_h)))
        slides.append(slide)
    return slides


# --- the charts ----------------------------------------------------------------------------------------------------

def _years(c: "Consolidation") -> list[str]:
    return [str(y) for y in c.years]


def _no_amounts(slide: Slide, page: Page) -> Slide:
    slide.shapes.append(Text(page.body, [Para("Ingen af casene i summerne har årlige beløb.", 14, italic=True,
                                              color=MUTED)], name="xlpy:empty"))
    return slide


def net_chart_slide(c: "Consolidation", page: Page) -> Slide:
    slide = _titled("chart-net", "Nettoresultat pr. år efter område (1.000 kr.)", page)
    if not c.years:
        return _no_amounts(slide, page)
    body = page.body
    t = c.total

    def per_year(size: float) -> list[list[Cell]]:
        rows = [[Cell("Alle cases (1.000 kr.)", bold=True)] + [Cell(y, bold=True, align="right") for y in _years(c)]
                + [Cell("I alt", bold=True, align="right")]]
        for label, values, total in (("Gevinst", t.saving, True), ("Investering", t.investment, True),
                                     ("Nettoresultat", t.net, True), ("Akk. nettoresultat", t.cumulative, False)):
            bold = label == "Nettoresultat"
            rows.append([Cell(label, bold=bold)] + [Cell(thousands(v), bold=bold, align="right") for v in values]
                        + [Cell(thousands(sum(values)) if total else "", bold=True, align="right")])
        return rows

    size, rows, widths = fit_columns(per_year, body.w)
    heights = row_heights(rows, widths, size)
    note = (f"Note: Søjlerne viser nettoresultatet (gevinst − investering) pr. år for de {c.whole.cases} cases i "
            f"summerne, fordelt efter område; tabellen summen for alle områder.")
    note_h = _note_height(note, body.w, 10)
    table_h = sum(heights)
    with_table = table_h <= body.h * 0.4  # so many years that the table would crowd out the chart: the chart alone
    chart_h = body.h - note_h - 10 - (table_h if with_table else 0)
    slide.shapes.append(Chart(Box(body.x, body.y, body.w, chart_h), "column_stacked", _years(c),
                              [(clean(area), [v / 1000 for v in totals.net]) for area, totals in c.by_area.items()],
                              name="xlpy:chart:net"))
    if with_table:
        slide.shapes.append(Table(Box(body.x, body.y + chart_h + 6, body.w, table_h), widths, heights, rows, size,
                                  name="xlpy:per-year"))
    slide.shapes.append(_note(note, Box(body.x, body.bottom - note_h, body.w, note_h), 10))
    return slide


def count_chart_slide(c: "Consolidation", page: Page) -> Slide:
    slide = _titled("chart-count", "Årlig fordeling af antal investeringscases efter områder", page)
    if not c.years:
        return _no_amounts(slide, page)
    body = page.body
    note = (f"Note: Grafen viser antallet af investeringscases pr. år fordelt efter områder "
            f"({period(c.years[0], c.years[-1])}); en case tæller med i hvert år i sin periode.")
    note_h = _note_height(note, body.w, 10)
    slide.shapes.append(Chart(Box(body.x, body.y, body.w, body.h - note_h - 6), "column_stacked", _years(c),
                              [(clean(area), [float(v) for v in counts])
                               for area, counts in c.counts_by_area_year.items()],
                              number_format="0", name="xlpy:chart:count"))
    slide.shapes.append(_note(note, Box(body.x, body.bottom - note_h, body.w, note_h), 10))
    return slide


# --- what could not be read ----------------------------------------------------------------------------------------

def _base(paths: Sequence[str]) -> str:
    try:
        folders = [os.path.dirname(os.path.abspath(p)) for p in paths]
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # different drives
        return ""


def _shown_path(path: str, base: str) -> str:
    if not base:
        return clean(path)
    try:
        return clean(os.path.relpath(os.path.abspath(path), base))
    except ValueError:
        return clean(path)


def problem_rows(c: "Consolidation") -> list[list[Cell]]:
    base = _base(c.sources)
    skipped = {f for f, _ in c.files_skipped}
    rows = []
    for f in c.findings:
        if f.severity is not Severity.ERROR:
            continue
        what = "Filen kunne ikke læses: " if f.file in skipped and not f.sheet else ""
        rows.append([Cell(_shown_path(f.file, base)), Cell(clean(f.sheet) or DASH), Cell(clean(f.cell) or DASH),
                     Cell(what + clean(f.message("da")))])
    return rows


def problem_slides(c: "Consolidation", page: Page) -> list[Slide]:
    body = page.body
    counts = c.severity_counts()
    rows = problem_rows(c)
    title = "Filer, der ikke kunne læses, og fejl"
    rest = (f"Desuden {counts['advarsel']} advarsler og {counts['info']} info; alle fund står på arket Fejl i den "
            f"konsoliderede projektmappe (xlpy consolidate) og i xlpy validate.")
    if not rows:
        slide = _titled("problems-1", title, page)
        text = (f"Alle {len(c.files_read)} projektmapper kunne læses, og kontrollen fandt ingen fejl."
                if not c.files_skipped else "Kontrollen fandt ingen fejl.")
        slide.shapes.append(Text(Box(body.x, body.y, body.w, 60), [Para(text, 16)], name="xlpy:problems"))
        slide.shapes.append(_note(rest, Box(body.x, body.y + 70, body.w, 60)))
        return [slide]
    size = 10
    header = [Cell(h, bold=True) for h in ("Fil", "Ark", "Celle", "Fejl")]
    # file names are one word each: one that does not fit is broken where it must (by the renderer)
    widths = column_widths([header] + rows, size, body.w, flex=3) or [body.w * f for f in (.3, .15, .07, .48)]
    heights = row_heights([header] + rows, widths, size)
    note_h = _note_height(rest, body.w)
    pages = paged_rows(heights[1:], heights[0], body.h - note_h - 4)
    shown = pages[:MAX_PROBLEM_PAGES]
    slides = []
    for n, indexes in enumerate(shown, start=1):
        slide = _titled(f"problems-{n}", title + (f" ({n} af {len(shown)})" if len(shown) > 1 else ""), page)
        table_rows = [header] + [rows[i] for i in indexes]
        table_heights = [heights[0]] + [heights[1 + i] for i in indexes]
        box = Box(body.x, body.y, body.w, sum(table_heights))
        slide.shapes.append(Table(box, widths, table_heights, table_rows, size, name="xlpy:problems"))
        note = rest
        if n == len(shown) and len(pages) > len(shown):
            left = sum(len(p) for p in pages[len(shown):])
            note = f"… og {left} fejl mere. " + rest
        slide.shapes.append(_note(note, Box(body.x, box.bottom + 4, body.w, note_h)))
        slides.append(slide)
    return slides
