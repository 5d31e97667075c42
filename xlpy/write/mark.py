"""`xlpy validate --mark`: write findings into the workbook they concern.

What xlpy writes, and all it writes: a "Fejl" sheet (replaced on every run, see inplace.py) and a highlight on each
cell with a fejl or advarsel. The highlight is a conditional format carrying xlpy's signature (its formula,
SIGNATURE), spliced into the sheet's XML where the schema puts conditional formats; the cell and every other byte
of the sheet stay as they were, so removing the marks (the next run, or `clear_marks`) gives back the sheet part's
original bytes. Marks written by xlpy's earlier writer carry the same signature and are removed the same way. The
file is edited as a package (package.py) and written atomically; a sheet named "Fejl" that xlpy did not make stops
the run before anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from ..findings import Finding, Severity, finding
from ..sheet.labels import FINDINGS_SHEET
from ..made import made_line
from .package import Package, PackageError
from ..read.workbook import sniff
from ..layouts.findings import findings_layout
from .xmlsplice import Node, Splice, XmlError, element, parse

SIGNATURE = '"xlpy-markering"<>""'  # the formula of every conditional-format rule xlpy adds
_SIGNATURE_BYTES = b"xlpy-markering"
MARK_FILL = {Severity.ERROR: ("FFC7CE", "9C0006"), Severity.WARNING: ("FFEB9C", "9C5700")}
# CT_Worksheet's children that come after conditionalFormatting: marks go before the first of them.
_AFTER_MARKS = frozenset((
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
    "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"))
_PRIORITY = re.compile(rb"<(?:[\w.-]+:)?cfRule\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?\spriority\s*=\s*[\"'](\d+)[\"']")


def dxf_entry(severity: Severity) -> tuple:
    """Excel's own form of a highlight (as its "Light red fill with dark red text"), bold."""
    fill, font = MARK_FILL[severity]
    return ("dxf", {}, [("font", {}, [("b", {}, []), ("color", {"rgb": "FF" + font}, [])]),
                        ("fill", {}, [("patternFill", {}, [("bgColor", {"rgb": "FF" + fill}, [])])])])


def _ours(rule: Node) -> bool:
    return any(f.local == "formula" and f.text.strip() == SIGNATURE for f in rule.children)


def _parse_sheet(data: bytes) -> Node:
    return parse(data, skip=frozenset({"sheetData"}), text=frozenset({"formula"}))


def _remove_ours(root: Node, splice: Splice) -> tuple[int, set[int]]:
    """Cut xlpy's rules (and formats left without rules) out of a sheet; (rules removed, offsets of what is cut)."""
    removed, cut = 0, set()
    for cf in root.findall("conditionalFormatting"):
        rules = cf.findall("cfRule")
        ours = [r for r in rules if _ours(r)]
        if not ours:
            continue
        removed += len(ours)
        if len(ours) == len(rules):
            splice.remove(cf)
            cut.add(cf.start)
        else:
            for rule in ours:
                splice.remove(rule)
    return removed, cut


def _insert_at(root: Node, cut: set[int]) -> int:
    """Where conditional formats go: before the first element the schema puts after them."""
    for child in root.children:
        if child.start in cut:
            continue
        local = child.local
        if local == "AlternateContent":  # mc:AlternateContent holds controls or oleObjects: after the marks
            choice = child.children[0] if child.children else None
            local = choice.children[0].local if choice is not None and choice.children else "controls"
        if local in _AFTER_MARKS:
            return child.start
    return root.close


def edit_sheet(data: bytes, marks: dict[Severity, set[str]], dxf: dict[Severity, int]) -> tuple[bytes, int]:
    """A sheet part with xlpy's old marks removed and `marks` added; (new bytes, rules removed)."""
    root = _parse_sheet(data)
    splice = Splice(data)
    removed, cut = _remove_ours(root, splice)
    if marks:
        ours = {r.start for cf in root.findall("conditionalFormatting") for r in cf.findall("cfRule") if _ours(r)}
        priority = max([0, *(int(m.group(1)) for m in _PRIORITY.finditer(data) if m.start() not in ours)])
        block = b""
        for severity in (Severity.ERROR, Severity.WARNING):  # errors first: the higher priority shows
            cells = marks.get(severity)
            if not cells:
                continue
            priority += 1
            rule = element(root.prefix, "cfRule", {"type": "expression", "dxfId": str(dxf[severity]),
                                                   "priority": str(priority)},
                           element(root.prefix, "formula", None, SIGNATURE))
            block += element(root.prefix, "conditionalFormatting", {"sqref": " ".join(sorted(cells))}, rule)
        splice.insert(_insert_at(root, cut), block)
    return splice.apply(), removed


def _marks_by_sheet(findings: Sequence[Finding]) -> dict[str, dict[Severity, set[str]]]:
    out: dict[str, dict[Severity, set[str]]] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in MARK_FILL:
            out.setdefault(f.sheet, {}).setdefault(f.severity, set()).add(f.cell)
    return out


def _apply_marks(pkg: Package, book, findings: Sequence[Finding]) -> tuple[int, int]:
    """Replace xlpy's marks in every worksheet; (cells marked, old rules removed)."""
    from .inplace import styles_of

    wanted = _marks_by_sheet(findings)
    styles_part, styles = None, None
    dxf: dict[Severity, int] = {}
    marked = removed = 0
    for sheet in book.sheets:
        if sheet.kind != "worksheet" or sheet.part is None or not pkg.exists(sheet.part):
            continue
        marks = wanted.get(sheet.name, {})
        if marks and sheet.name in pkg.too_large:
            marks = {}
        data = pkg.read(sheet.part)
        if not marks and _SIGNATURE_BYTES not in data:
            continue
        if marks and styles is None:
            styles_part, styles = styles_of(pkg, book)
            dxf = {severity: styles.add("dxfs", dxf_entry(severity)) for severity in MARK_FILL}
        try:
            new, gone = edit_sheet(data, marks, dxf)
        except XmlError as exc:
            raise PackageError(f"arket {sheet.name}: {exc}") from None
        removed += gone
        marked += len(set().union(*marks.values())) if marks else 0
        if new != data:
            pkg.write(sheet.part, new)
    if styles is not None:
        pkg.write(styles_part, styles.to_bytes())
    return marked, removed


def mark_file(path: str, findings: Sequence[Finding], lang: str = "da") -> tuple[int, list[Finding]]:
    """Replace xlpy's marks in `path` by marks for `findings`. Returns (cells marked, problems); when there are
    problems, nothing was written."""
    from .bookpart import Book, conflicts
    from .inplace import put_sheets

    fmt, _ = sniff(Path(path))
    if fmt not in ("xlsx", "xlsm"):
        return 0, [finding("mark-not-possible", path, reason=f"kun .xlsx og .xlsm kan markeres (filen er {fmt})")]
    try:
        pkg = Package.open(path)
        book = Book(pkg)
        problems = conflicts(pkg, book, [FINDINGS_SHEET], path)
        if problems:
            return 0, problems
        count, _ = _apply_marks(pkg, book, findings)
        put_sheets(pkg, book, [findings_layout(findings, made_line([path], lang), lang, in_book=path)])
        pkg.save(path)
    except PackageError as exc:
        return 0, [finding("mark-not-possible", path, reason=str(exc))]
    return count, []


def clear_marks(path: str) -> int:
    """Remove xlpy's marks (highlights and its Fejl sheet) from a workbook file; returns the rules removed."""
    from .bookpart import Book
    from .inplace import remove_sheet

    pkg = Package.open(path)
    book = Book(pkg)
    _, removed = _apply_marks(pkg, book, [])
    remove_sheet(pkg, book, FINDINGS_SHEET)
    if pkg.edited():
        pkg.save(path)
    return removed
