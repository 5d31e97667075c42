"""A comparison of two submissions as tables for the command line (xlpy diff): the files not compared, every
change, the effect on each case's figures and on the portfolio, and the findings that appeared or disappeared. Every
cell is text already (Danish or English); the command line only renders them. Differences are green when they improve
the net result and red when they worsen it (see changes.DIRECTION)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..portfolio.diff import ADDED, REMOVED, Comparison
from .changes import (DIRECTION, change_effect, change_name, difference, effect, figure_text, file_name,
                      number_text, value_text, words)

SHOWN_FIGURES = ("period_net", "return_per_krone", "payback_year", "npv", "in_totals")


@dataclass
class TextTable:
    """A table for the command line: every cell already text, with a rich style name or None."""

    title: str
    columns: Sequence[str]
    rows: list[list[tuple[str, str | None]]] = field(default_factory=list)
    right: frozenset[int] = frozenset()  # columns aligned right (numbers)


STYLE = {1: "green", -1: "red", 0: None}
KIND_STYLE = {"added": "green", "removed": "red", "changed": "yellow"}
FILE_STYLE = {"added": "green", "removed": "red", "not_compared": "red"}


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def console_tables(c: Comparison, lang: str = "da") -> list[TextTable]:
    """The comparison as tables: files not compared, every change, the effect on each case's figures and on the
    portfolio, and the findings that appeared or disappeared. Tables with nothing to show are left out."""
    w = words(lang)
    out: list[TextTable] = []
    files = [p for p in c.files if p.status != "compared"]
    if files:
        t = TextTable(w["files_title"], w["file_cols"])
        for p in files:
            status = w["file_status"][p.status].format(sides=w["and"].join(w["sides"][s] for s in p.unreadable),
                                                       old=c.old.name_of(p.old) if p.old else "")
            t.rows.append([(p.name, None), (status, FILE_STYLE.get(p.status))])
        out.append(t)
    if c.cases:
        t = TextTable(w["changes_title"], w["case_cols"], right=frozenset({5, 6, 7, 8}))
        for cc in c.cases:
            head = [(cc.file, None), (cc.case.case_nr, None), (_short(cc.case.title), None),
                    (w["kinds"][cc.kind], KIND_STYLE[cc.kind])]
            if cc.kind in (ADDED, REMOVED):
                old, new = cc.figures["period_net"]
                t.rows.append(head + [(w["figures"]["period_net"], None), ("", None),
                                      (figure_text("period_net", old, lang), None),
                                      (figure_text("period_net", new, lang), None), ("", None)])
                continue
            for k, ch in enumerate(cc.changes):
                row = head if k == 0 else [("", None)] * 4
                diff = "" if ch.difference is None else number_text(ch.difference, lang)
                t.rows.append(row + [(change_name(ch, lang), None), ("" if ch.year is None else str(ch.year), None),
                                     (value_text(ch, ch.old, lang), None), (value_text(ch, ch.new, lang), None),
                                     (diff, STYLE[change_effect(ch)])])
            if not cc.changes:
                t.rows.append(head + [("", None)] * 5)
        out.append(t)
        t = TextTable(w["figures_title"], w["figure_cols"], right=frozenset({2, 3, 4, 5}))
        for cc in c.cases:
            cells = [(cc.case.case_nr, None), (_short(cc.case.title), None)]
            for name in SHOWN_FIGURES:
                old, new = cc.figures[name]
                if old == new:
                    cells.append((figure_text(name, new, lang), None))
                    continue
                text = f"{figure_text(name, old, lang)} → {figure_text(name, new, lang)}"
                cells.append((text, STYLE[effect(DIRECTION[name], difference(name, old, new))] or "yellow"))
            t.rows.append(cells)
        out.append(t)
    if any(old != new for old, new in c.totals.values()):
        t = TextTable(w["totals_title"], w["total_cols"], right=frozenset({1, 2, 3}))
        for name, (old, new) in c.totals.items():
            diff = difference(name, old, new)
            t.rows.append([(w["totals"][name], None), (figure_text(name, old, lang), None),
                           (figure_text(name, new, lang), None),
                           ("" if not diff else (figure_text(name, diff, lang) if name != "payback_year" else
                                                 str(diff)), STYLE[effect(DIRECTION[name], diff)])])
        out.append(t)
    found = [(w["appeared"], f) for f in c.appeared] + [(w["disappeared"], f) for f in c.disappeared]
    if found:
        t = TextTable(w["findings_title"], w["finding_columns"])
        colour = {"fejl": "red", "advarsel": "yellow", "info": "cyan"}
        for status, f in found:
            t.rows.append([(status, None), (f.severity.label(lang), colour[f.severity.value]), (f.code, None),
                           (file_name(c, f.file), None), (f.sheet or "", None), (f.cell or "", None),
                           (f.message(lang), None)])
        out.append(t)
    return out
