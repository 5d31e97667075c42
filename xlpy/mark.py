"""`xlpy validate --mark`: write findings into the workbook they concern.

What xlpy writes, and all it writes: a "Fejl" sheet (replaced on every run) and a highlight on each cell with a
fejl or advarsel. The highlight is a conditional-formatting rule carrying xlpy's signature, not a change to the
cell's own fill, so clearing it (the next run, or `clear_marks`) gives back exactly what the user had. The file is
written atomically; a workbook holding parts that openpyxl cannot carry over (ribbon, pivot tables, slicers,
form controls, shapes) is refused with a finding rather than damaged.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Sequence

from .findings import Finding, Severity, finding
from .labels import FINDINGS_SHEET, normalise
from .made import made_line
from .read import sniff
from .summary import findings_layout

SIGNATURE = '"xlpy-markering"<>""'  # the formula of every conditional-format rule xlpy adds
MARK_FILL = {Severity.ERROR: ("FFC7CE", "9C0006"), Severity.WARNING: ("FFEB9C", "9C5700")}

# Parts that openpyxl does not carry over on save; a workbook holding them is not marked.
_UNSAFE_PARTS = (
    (re.compile(r"^customUI/"), "projektmappen har et eget bånd (customUI)"),
    (re.compile(r"^xl/pivotTables/"), "projektmappen har pivottabeller"),
    (re.compile(r"^xl/slicers/|^xl/slicerCaches/"), "projektmappen har udsnitsværktøjer"),
    (re.compile(r"^xl/timelines/"), "projektmappen har tidslinjer"),
    (re.compile(r"^xl/activeX/|^xl/ctrlProps/"), "projektmappen har formularkontrolelementer"),
    (re.compile(r"^xl/embeddings/"), "projektmappen har indlejrede objekter"),
)


def unsafe_reason(path: str | Path) -> str | None:
    """Why openpyxl would lose something of this workbook on save, or None."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for pattern, reason in _UNSAFE_PARTS:
                if any(pattern.match(n) for n in names):
                    return reason
            for name in names:
                if re.match(r"^xl/drawings/drawing\d+\.xml$", name):
                    xml = zf.read(name)
                    if b"<xdr:sp>" in xml or b"<xdr:sp " in xml or b"<xdr:grpSp" in xml:
                        return "projektmappen har figurer eller tekstbokse"
                    if b"<xdr:pic" in xml and not _has_pillow():
                        return "projektmappen har billeder"
    except (zipfile.BadZipFile, OSError) as exc:
        return str(exc)
    return None


def _has_pillow() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def _is_ours(rule: Any) -> bool:
    return any(SIGNATURE in (f or "") for f in (rule.formula or []))


def remove_marks(wb: Any) -> int:
    """Drop xlpy's highlight rules and its Fejl sheet; return how many rules were removed."""
    from openpyxl.formatting.formatting import ConditionalFormattingList

    removed = 0
    for ws in wb.worksheets:
        old = ws.conditional_formatting
        if not any(_is_ours(r) for cf in old for r in cf.rules):
            continue
        new = ConditionalFormattingList()
        for cf in old:
            for rule in cf.rules:
                if _is_ours(rule):
                    removed += 1
                else:
                    new.add(str(cf.sqref), rule)
        ws.conditional_formatting = new
    for ws in list(wb.worksheets):
        if normalise(ws.title) == normalise(FINDINGS_SHEET):
            wb.remove(ws)
    return removed


def add_marks(wb: Any, findings: Sequence[Finding]) -> int:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    by_sheet: dict[tuple[str, Severity], set[str]] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in MARK_FILL and f.sheet in wb.sheetnames:
            by_sheet.setdefault((f.sheet, f.severity), set()).add(f.cell)
    count = 0
    # Errors after warnings, so where both hit one cell the error's rule (added last, highest priority) shows.
    for (sheet, severity), cells in sorted(by_sheet.items(), key=lambda kv: (kv[0][0], kv[0][1] is Severity.ERROR)):
        fill, font = MARK_FILL[severity]
        rule = FormulaRule(formula=[SIGNATURE], stopIfTrue=False,
                           fill=PatternFill("solid", start_color=fill, end_color=fill, bgColor=fill),
                           font=Font(color=font, bold=True))
        wb[sheet].conditional_formatting.add(" ".join(sorted(cells)), rule)
        count += len(cells)
    return count


def mark_file(path: str, findings: Sequence[Finding], lang: str = "da") -> tuple[int, list[Finding]]:
    """Replace xlpy's marks in `path` by marks for `findings`. Returns (cells marked, problems)."""
    from openpyxl import load_workbook

    from .inplace import render_sheet
    from .xlsx import atomic_write

    fmt, _ = sniff(Path(path))
    if fmt not in ("xlsx", "xlsm"):
        return 0, [finding("mark-not-possible", path, reason=f"kun .xlsx og .xlsm kan markeres (filen er {fmt})")]
    reason = unsafe_reason(path)
    if reason:
        return 0, [finding("mark-not-possible", path, reason=reason)]
    try:
        wb = load_workbook(path, keep_vba=fmt == "xlsm", keep_links=True, rich_text=True)
    except Exception as exc:  # noqa: BLE001 (a workbook openpyxl cannot load is reported, not raised)
        return 0, [finding("mark-not-possible", path, reason=str(exc)[:200])]
    remove_marks(wb)
    count = add_marks(wb, findings)
    ws = wb.create_sheet(FINDINGS_SHEET)
    render_sheet(ws, findings_layout(findings, made_line([path], lang), lang, in_book=path))
    atomic_write(path, wb.save)
    return count, []


def clear_marks(path: str) -> int:
    """Remove xlpy's marks (highlights and the Fejl sheet) from a workbook file."""
    from openpyxl import load_workbook

    from .xlsx import atomic_write

    fmt, _ = sniff(Path(path))
    wb = load_workbook(path, keep_vba=fmt == "xlsm", keep_links=True, rich_text=True)
    removed = remove_marks(wb)
    atomic_write(path, wb.save)
    return removed
