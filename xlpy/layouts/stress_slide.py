"""The decision paper's Følsomhed slide: what the portfolio gives if its assumptions hold less well. It shows the
stress tests of the cases in the totals (stress.py, with the run's settings and rate), and the portfolio per
scenario when a case has low and high estimates. The figures are those of consolidate's JSON and the Følsomhed
sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..figures.stress import percent_text, portfolio_scenarios, stress_tests
from .slides import DASH, MUTED, Box, Cell, Page, Para, Slide, Table, Text, column_widths, fit_title, millions, \
    ratio, row_heights, text_height, wrapped

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation

HEADERS = ("", "Samlet effektivisering i perioden", "Ændring fra basis", "Nutidsværdi", "Kr. igen pr. krone",
           "Cases ikke tilbagebetalt i perioden")
SCENARIO_LABELS = {"pessimistic": "Scenarie: pessimistisk (høje investeringer, lave gevinster)",
                   "optimistic": "Scenarie: optimistisk (lave investeringer, høje gevinster)",
                   "expected": "Scenarie: forventet (PERT)"}


def _signed_millions(value: float) -> str:
    text = millions(value)
    return text if text.startswith("-") or abs(value) < 50_000 else "+" + text  # +0,0 reads as a change


def stress_rows(c: "Consolidation") -> list[list[str]]:
    """The table's rows as text: each stress test, then (with estimates) each scenario but the base. The rate tests
    change only the NPV (the period's amounts are the same)."""
    counted = [r for r in c.results if c.counted(r)]
    tests = stress_tests([r.figures for r in counted], c.rate, c.stress)
    base = tests[0].period_net
    rows = [[t.label, millions(t.period_net), DASH if t.name == "base" else _signed_millions(t.period_net - base),
             millions(t.npv), ratio(t.return_per_krone), str(t.not_paying_back)] for t in tests]
    if any(r.scenarios is not None for r in counted):
        for s in portfolio_scenarios(counted):
            if s.name in SCENARIO_LABELS:
                rows.append([SCENARIO_LABELS[s.name], millions(s.period_net), _signed_millions(s.period_net - base),
                             millions(s.npv), ratio(s.return_per_krone), str(s.not_paying_back)])
    return rows


def stress_note(c: "Consolidation") -> str:
    return (f"Kun de cases, der indgår i summerne. Forudsætningerne er fra {c.stress.where_from()}; "
            f"kalkulationsrente i basis {percent_text(c.rate)}. Kr. igen pr. krone: gevinster ÷ investeringer i "
            f"perioden.")


def stress_slide(c: "Consolidation", page: Page) -> Slide | None:
    """None when no case in the totals has amounts (nothing to stress)."""
    if not any(c.counted(r) and r.figures.has_amounts for r in c.results):
        return None
    text, size = fit_title("Følsomhed: hvis forudsætningerne holder mindre godt", page.title)
    slide = Slide("stress", text, size)
    body = page.body
    rows = stress_rows(c)
    note = stress_note(c)
    note_h = text_height(len(wrapped(note, body.w - 8, 11)), 11) + 10
    for size in (14, 13, 12, 11, 10, 9):
        table = [[Cell(h, bold=True, align="left" if i == 0 else "right", size=size - 1) for i, h in
                  enumerate(HEADERS)]]
        table += [[Cell(t, bold=r == 0, align="left" if i == 0 else "right") for i, t in enumerate(row)]
                  for r, row in enumerate(rows)]
        widths = column_widths(table, size, body.w, flex=0)
        if widths is None:
            continue
        heights = row_heights(table, widths, size)
        if sum(heights) + note_h + 4 <= body.h:
            break
    if widths is None:  # a label longer than the slide is wide (a setting of 200 letters cannot be): even columns
        widths = [body.w / len(HEADERS)] * len(HEADERS)
        heights = row_heights(table, widths, size)
    box = Box(body.x, body.y, body.w, sum(heights))
    slide.shapes.append(Table(box, widths, heights, table, size, name="xlpy:stress"))
    slide.shapes.append(Text(Box(body.x, box.bottom + 4, body.w, note_h), [Para(note, 11, italic=True, color=MUTED)],
                             name="xlpy:note"))
    return slide
