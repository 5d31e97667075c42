"""One slide per case: its metadata and Beskrivelse on the left; its year table (Engangsinvestering … Akk.
nettoresultat, 1.000 kr.), its key figures and a small chart of the cumulative net on the right; a banner when it is
not in the totals or incomplete; its fejl and advarsler at the bottom."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

from ..findings import Finding, Severity
from . import measure
from .slides import (DASH, MUTED, Box, Cell, Chart, Page, Para, Slide, Table, Text, clean, decimal, fit_columns,
                     fit_text, fit_title, ratio, row_heights, text_height, thousands, wrapped)

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation
    from ..portfolio.pipeline import CaseResult

NEGATIVE = "C00000"
BANNERS = {
    "opgivet": ("Indgår ikke i summerne: casen har status Opgivet.", "D9D9D9"),
    "duplicate": ("Indgår ikke i summerne: casen er en dublet af en anden case (se fund nederst).", "D9D9D9"),
    "incomplete": ("Ufuldstændig: et beløb kunne ikke læses; casen indgår med de beløb, der kunne læses.",
                   "FFE699"),
}
SEVERITY_WORD = {Severity.ERROR: "Fejl", Severity.WARNING: "Advarsel", Severity.INFO: "Info"}
MAX_FINDINGS = 4
META = (("committee", "Udvalg"), ("area", "Område"), ("department", "Forvaltning"), ("category", "Kategori"),
        ("type", "Type"), ("period", "Periode"), ("status", "Status"), ("realisability", "Realiserbarhed"),
        ("owner", "Ansvarlig"), ("price_level", "Prisniveau"))


def findings_by_case(results: Sequence["CaseResult"], findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    """id(result) -> the findings on its part of its sheet (a sheet holding several cases, stacked or side by side,
    is divided where each case begins)."""
    from ..cells import split_a1

    by_sheet: dict[tuple[str, str], list["CaseResult"]] = {}
    for r in results:
        by_sheet.setdefault((r.case.file, r.case.sheet), []).append(r)
    out: dict[int, list[Finding]] = {}
    for f in findings:
        rs = by_sheet.get((f.file, f.sheet or ""))
        if not rs:
            continue
        owner = rs[0]
        if len(rs) > 1 and f.cell:
            side = len({r.case.label_col for r in rs}) == len(rs)
            row, col = split_a1(f.cell)
            at = col if side else row
            starts = sorted(((r.case.label_col if side else min([r.case.header_row] + [
                split_a1(a)[0] for a in r.case.field_cells.values()])), i) for i, r in enumerate(rs))
            owner = rs[next((i for start, i in reversed(starts) if start <= at), starts[0][1])]
        out.setdefault(id(owner), []).append(f)
    return out


def _meta_value(case, name: str) -> str:
    if name == "realisability":
        value = case.fields.get("realisability")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return decimal(value)
    return clean(case.text(name))


def year_rows(result: "CaseResult", size: float) -> list[list[Cell]]:
    f = result.figures
    header = [Cell("1.000 kr.", bold=True)] + [Cell(str(y), bold=True, align="right") for y in f.years] + \
             [Cell("I alt", bold=True, align="right")]
    rows = [header]
    for label, values, bold, total in (
            ("Engangsinvestering", f.one_off, False, True), ("Varig investering", f.recurring, False, True),
            ("Investering i alt", f.investment, True, True), ("Gevinst", f.saving, False, True),
            ("Nettoresultat", f.net, True, True), ("Akk. nettoresultat", f.cumulative, False, False)):
        rows.append([Cell(label, bold=bold)] + [Cell(thousands(v), bold=bold, align="right") for v in values]
                    + [Cell(thousands(sum(values)) if total else "", bold=True, align="right")])
    return rows


def figures_line(result: "CaseResult") -> str:
    f = result.figures
    return (f"Kr. igen pr. investeret krone: {ratio(f.return_per_krone)} · Tilbagebetalingsår: "
            f"{f.payback_year if f.payback_year is not None else DASH} · Nutidsværdi: {thousands(f.npv)} · "
            f"Årlig gevinst ved fuld indfasning: {thousands(f.full_phase_in_saving)} (1.000 kr.)")


def uncertainty_line(result: "CaseResult") -> str | None:
    """For a case with low and high estimates: the period net of the pessimistic and the optimistic scenario, the
    payback years' range and the switching value (scenarios.py), as Følsomhed shows them; None without estimates."""
    s = result.scenarios
    if s is None:
        return None
    from ..figures.scenarios import payback_range
    from ..figures.stress import percent_text

    share = DASH if s.switching_value is None else percent_text(s.switching_value)
    return (f"Usikkerhed (lav og høj skøn), samlet effektivisering: pessimistisk {thousands(s.pessimistic.period_net)}"
            f", optimistisk {thousands(s.optimistic.period_net)} (1.000 kr.) · Tilbagebetalingsår (opt.–pess.): "
            f"{payback_range(s)} · Skæringsværdi: {share} (så meget kan alle gevinster falde, før casen ikke længere "
            f"er tilbagebetalt i perioden)")


def _findings_text(findings: Sequence[Finding]) -> list[str]:
    shown = [f for f in findings if f.severity is not Severity.INFO]
    lines = [f"{SEVERITY_WORD[f.severity]}{' i ' + clean(f.cell) if f.cell else ''}: {clean(f.message('da'))}"
             for f in shown[:MAX_FINDINGS]]
    if len(shown) > MAX_FINDINGS:
        lines.append(f"… og {len(shown) - MAX_FINDINGS} fund mere (se arket Fejl).")
    return lines


def case_slide(c: "Consolidation", result: "CaseResult", index: int, page: Page,
               findings: Sequence[Finding]) -> Slide:
    case, f = result.case, result.figures
    nr, title = clean(case.case_nr), clean(case.title) or "(uden titel)"
    text, size = fit_title(f"Case {nr}: {title}" if nr else title, page.title)
    slide = Slide(f"case-{index}", text, size)
    body = page.body
    y, bottom = body.y, body.bottom

    reason = c.left_out.get(id(result)) or (None if f.complete else "incomplete")
    if reason:
        words, fill = BANNERS[reason]
        slide.shapes.append(Text(Box(body.x, y, body.w, 24), [Para(words, 12, bold=True)], fill=fill,
                                 anchor="middle", margin=6, name="xlpy:case:banner"))
        y += 30

    lines = _findings_text(findings)
    if lines:
        margin, heading = 6.0, text_height(1, 11) + 2
        for size_f in (10, 9, 8):
            need = sum(text_height(len(wrapped(t, body.w - 2 * margin, size_f)), size_f) for t in lines)
            if heading + need + 2 * margin <= body.h * 0.3:
                break
        height = min(heading + need + 2 * margin + 2, body.h * 0.3)
        band = Box(body.x, bottom - height, body.w, height)
        size_f, kept, _ = fit_text(lines, Box(band.x, band.y, band.w, band.h - heading), (size_f,), margin=margin)
        slide.shapes.append(Text(band, [Para("Fund ved kontrollen", 11, bold=True, color=NEGATIVE)]
                                 + [Para(t, size_f) for t in kept], fill="F2F2F2", margin=margin,
                                 name="xlpy:case:findings"))
        bottom = band.y - 8

    left_w, gap = body.w * 0.38, 18.0
    right_w = body.w - left_w - gap
    if f.has_amounts and f.years and not _year_table_fits(result, right_w):  # many years: the table across
        y = _year_table(slide, result, Box(body.x, y, body.w, bottom - y)) + 8
        wide = True
    else:
        wide = False
    left = Box(body.x, y, left_w, bottom - y)
    right = Box(body.x + left_w + gap, y, right_w, bottom - y)
    _left_column(slide, case, left)
    _right_column(slide, result, right, with_table=not wide)
    slide.notes = f"Kilde: {clean(case.file)}, arket {clean(case.sheet)}"
    return slide


def _left_column(slide: Slide, case, box: Box) -> None:
    size = 10
    rows = [[Cell(label, bold=True), Cell(value)] for name, label in META
            if (value := _meta_value(case, name))]
    source = f"{clean(os.path.basename(case.file))} › {clean(case.sheet)}"
    rows.append([Cell("Kilde", bold=True), Cell(source)])
    label_w = min(box.w * 0.4, max(wrapped_width(r[0].text, size) for r in rows) + 10)
    widths = [label_w, box.w - label_w]
    unit = measure.pt_unit
    for value in (r[1] for r in rows):  # a file name is one long word: smaller rather than broken
        value.size = next((s for s in (10, 9, 8, 7) if measure.longest_word(value.text, False, unit(s), soft=True)
                           <= widths[1] - 9), 7)
    heights = row_heights(rows, widths, size, header_rows=0)
    while sum(heights) > box.h * 0.55 and len(rows) > 3:  # the least needed fields go first
        rows.pop(-2)
        heights = row_heights(rows, widths, size, header_rows=0)
    table = Table(Box(box.x, box.y, box.w, sum(heights)), widths, heights, rows, size, header_rows=0,
                  name="xlpy:case:meta")
    slide.shapes.append(table)
    y = table.box.bottom + 10
    description = clean(case.text("description"))
    slide.shapes.append(Text(Box(box.x, y, box.w, 20), [Para("Beskrivelse", 12, bold=True)], margin=2,
                             name="xlpy:case:description-heading"))
    y += 22
    room = Box(box.x, y, box.w, box.bottom - y)
    if not description:
        slide.shapes.append(Text(room, [Para("Casearket har ingen beskrivelse.", 11, italic=True, color=MUTED)],
                                 margin=2, name="xlpy:case:description"))
        return
    paragraphs = [p.strip() for p in description.split("\n") if p.strip()]
    note = "(Forkortet – hele beskrivelsen står på casearket.)"
    size_d, kept, cut = fit_text(paragraphs, room, (12, 11, 10, 9), margin=2)
    if cut:  # room for the note: cut one line more
        smaller = Box(room.x, room.y, room.w, room.h - text_height(2, size_d))
        size_d, kept, _ = fit_text(paragraphs, smaller, (size_d,), margin=2)
    paras = [Para(p, size_d, space_before=3 if i else 0) for i, p in enumerate(kept)]
    if cut:
        paras.append(Para(note, size_d - 1, italic=True, color=MUTED))
    slide.shapes.append(Text(room, paras, margin=2, name="xlpy:case:description"))


def wrapped_width(text: str, size: float) -> float:
    from .slides import text_width

    return text_width(text, size, True)


def _year_table_fits(result: "CaseResult", width: float) -> bool:
    from .slides import column_widths

    return any(column_widths(year_rows(result, size), size, width, flex=0, margin=3) is not None
               for size in (10, 9, 8))


def _year_table(slide: Slide, result: "CaseResult", box: Box) -> float:
    """The heading and the year table at the top of `box`; returns where they end."""
    slide.shapes.append(Text(Box(box.x, box.y, box.w, 20),
                             [Para("Investeringer og forventede gevinster (1.000 kr.)", 12, bold=True)], margin=2,
                             name="xlpy:case:table-heading"))
    y = box.y + 22
    size, rows, widths = fit_columns(lambda size: year_rows(result, size), box.w, margin=3)
    heights = row_heights(rows, widths, size, margin=3)
    table = Table(Box(box.x, y, box.w, sum(heights)), widths, heights, rows, size, name="xlpy:case:years", margin=3)
    slide.shapes.append(table)
    return table.box.bottom


def _right_column(slide: Slide, result: "CaseResult", box: Box, with_table: bool = True) -> None:
    f = result.figures
    if not f.has_amounts or not f.years:
        slide.shapes.append(Text(Box(box.x, box.y, box.w, 20),
                                 [Para("Investeringer og forventede gevinster (1.000 kr.)", 12, bold=True)], margin=2,
                                 name="xlpy:case:table-heading"))
        slide.shapes.append(Text(Box(box.x, box.y + 22, box.w, 40),
                                 [Para("Casen har ingen årlige beløb.", 11, italic=True, color=MUTED)], margin=2,
                                 name="xlpy:case:empty"))
        return
    y = _year_table(slide, result, box) + 6 if with_table else box.y
    line = figures_line(result)
    line_h = text_height(len(wrapped(line, box.w - 4, 10)), 10) + 6
    slide.shapes.append(Text(Box(box.x, y, box.w, line_h), [Para(line, 10)], margin=2, name="xlpy:case:figures"))
    y += line_h + 4
    uncertain = uncertainty_line(result)
    if uncertain:
        line_h = text_height(len(wrapped(uncertain, box.w - 4, 10)), 10) + 6
        slide.shapes.append(Text(Box(box.x, y, box.w, line_h), [Para(uncertain, 10)], margin=2,
                                 name="xlpy:case:uncertainty"))
        y += line_h + 4
    if box.bottom - y >= 70:
        slide.shapes.append(Chart(Box(box.x, y, box.w, box.bottom - y), "column_clustered", [str(v) for v in f.years],
                                  [("Akk. nettoresultat (1.000 kr.)", [v / 1000 for v in f.cumulative])],
                                  title="Akk. nettoresultat (1.000 kr.)", legend=False, data_labels=len(f.years) <= 10,
                                  negative_color=NEGATIVE, size=9, name="xlpy:case:chart"))
