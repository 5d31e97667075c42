"""The workbook part of a package: its sheet list and defined names, the edits xlpy makes to them, and which sheets
xlpy made.

Ownership: every sheet xlpy makes carries a hidden defined name scoped to it (OWNER_NAME; Excel's Solver keeps its
settings the same way, in hidden sheet-level names). It moves and is renamed with its sheet, is deleted with it,
and survives a save in Excel and in LibreOffice. A sheet xlpy's earlier writers made (openpyxl, the Excel buttons,
which delete and re-add sheets) is recognised by the line xlpy writes in its A1 ("Lavet af xlpy …"). A sheet with
one of xlpy's names that is neither is the user's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..findings import Finding, finding
from ..made import SIGNATURES  # the first words of A1 on every sheet xlpy makes
from .package import NS_REL, Package, PackageError
from .xmlsplice import Node, Splice, append_child, element, prefix_for, start_tag

OWNER_NAME = "_xlpy_ark"  # hidden defined name on each of xlpy's sheets; its value is the sheet's role
# CT_Workbook's children in schema order, up to where xlpy inserts.
_BEFORE_NAMES = ("sheets", "functionGroups", "externalReferences")
_BEFORE_CALC = _BEFORE_NAMES + ("definedNames",)


@dataclass
class SheetRef:
    index: int
    name: str
    sheet_id: int
    rid: str
    part: str | None
    kind: str  # last word of the relationship type: worksheet, chartsheet, dialogsheet, xlMacrosheet, …
    node: Node


class Book:
    """The workbook part: its sheets and defined names, and the edits xlpy makes to them."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.part = pkg.main_part()
        self.load()

    def load(self) -> None:
        self.data = self.pkg.read(self.part)
        self.root = self.pkg.xml(self.part, text=frozenset({"definedName"}))
        self.rels = {r.id: r for r in self.pkg.rels(self.part)}
        sheets = self.root.find("sheets")
        if sheets is None:
            raise PackageError("projektmappen har ingen arkliste")
        self.sheets: list[SheetRef] = []
        for i, node in enumerate(sheets.findall("sheet")):
            rid = node.get("{%s}id" % NS_REL) or ""
            rel = self.rels.get(rid)
            sheet_id = node.get("sheetId") or "0"
            self.sheets.append(SheetRef(i, node.get("name") or "", int(sheet_id) if sheet_id.isdigit() else 0, rid,
                                        rel.part if rel else None, rel.type.rsplit("/", 1)[-1] if rel else "", node))

    def sheet(self, name: str) -> SheetRef | None:
        """The sheet Excel would take for this name (names compare without case)."""
        return next((s for s in self.sheets if s.name.casefold() == name.casefold()), None)

    def related(self, rel_type: str) -> str | None:
        return next((r.part for r in self.rels.values() if r.type == rel_type and r.part), None)

    def structure_locked(self) -> bool:
        """Has the user protected the workbook's structure (no sheets added or removed)?"""
        protection = self.root.find("workbookProtection")
        return protection is not None and (protection.get("lockStructure") or "").lower() in ("1", "true")

    def names(self) -> list[Node]:
        node = self.root.find("definedNames")
        return node.findall("definedName") if node is not None else []

    def marked(self) -> set[int]:
        """Indexes of the sheets carrying xlpy's owner name."""
        return {int(n.get("localSheetId")) for n in self.names()
                if n.get("name") == OWNER_NAME and (n.get("localSheetId") or "").isdigit()}

    def _edit(self, change) -> None:
        splice = Splice(self.data)
        change(splice)
        self.pkg.write(self.part, splice.apply())
        self.load()

    def _prefixes(self) -> tuple[str, str | None]:
        return self.root.prefix, prefix_for(self.root, NS_REL)

    def add_sheet(self, name: str, rid: str) -> int:
        prefix, r = self._prefixes()
        sheet_id = max([0, *(s.sheet_id for s in self.sheets)]) + 1
        attrs = {"name": name, "sheetId": str(sheet_id)}
        if r is None:
            attrs.update({"xmlns:xlpyr": NS_REL, "xlpyr:id": rid})
        else:
            attrs[f"{r}:id" if r else "id"] = rid
        new = element(prefix, "sheet", attrs)
        self._edit(lambda s: append_child(s, self.data, self.root.find("sheets"), new))
        return len(self.sheets) - 1

    def remove_sheet(self, index: int) -> None:
        """Drop a sheet from the list; sheet-level names follow the sheets' new positions, the active tab too."""
        def change(splice: Splice) -> None:
            splice.remove(self.sheets[index].node)
            names = self.names()
            scoped = [(n, int(n.get("localSheetId"))) for n in names if (n.get("localSheetId") or "").isdigit()]
            if names and all(local == index for _, local in scoped) and len(scoped) == len(names):
                splice.remove(self.root.find("definedNames"))  # only names of this sheet: the list goes too
            else:
                for node, local in scoped:
                    if local == index:
                        splice.remove(node)
                    elif local > index:
                        splice.replace(node.start, node.open_end,
                                       start_tag(self.data, node, {"localSheetId": str(local - 1)}))
            views = self.root.find("bookViews")
            for view in views.findall("workbookView") if views is not None else []:
                change_view = {}
                for attr in ("activeTab", "firstSheet"):
                    value = view.get(attr) or ""
                    if value.isdigit() and int(value) >= index and int(value) > 0:
                        change_view[attr] = str(int(value) - 1 if int(value) > index else
                                                max(0, min(index, len(self.sheets) - 2)))
                if change_view:
                    splice.replace(view.start, view.open_end, start_tag(self.data, view, change_view))

        self._edit(change)

    def mark_owned(self, index: int, role: str) -> None:
        if index not in self.marked():
            self.add_names([({"name": OWNER_NAME, "localSheetId": str(index), "hidden": "1"},
                             '"' + role.replace('"', '""') + '"')])

    def add_names(self, names: Sequence[tuple[dict[str, str], str]]) -> None:
        """Defined names (attributes, formula) appended to the list."""
        if names:
            prefix, _ = self._prefixes()
            new = b"".join(element(prefix, "definedName", attrs, text) for attrs, text in names)
            self._insert_in_list("definedNames", _BEFORE_NAMES, new)

    def scoped_names(self, index: int) -> list[tuple[dict[str, str], str]]:
        """The names scoped to a sheet (print area, print titles, …) other than xlpy's owner name."""
        return [(dict(n.attrs), n.text) for n in self.names()
                if n.get("localSheetId") == str(index) and n.get("name") != OWNER_NAME]

    def remove_scoped_names(self, index: int) -> None:
        """Drop the names scoped to a sheet xlpy is about to replace, except its owner name."""
        doomed = [n for n in self.names() if n.get("localSheetId") == str(index) and n.get("name") != OWNER_NAME]
        if doomed:
            def change(splice: Splice) -> None:
                for node in doomed:
                    splice.remove(node)

            self._edit(change)

    def full_calc_on_load(self) -> None:
        """Ask the spreadsheet program to calculate every formula when the file is opened (xlpy's formulas have no
        stored results); programs drop the flag again when they save. A workbook set to manual calculation is left
        so."""
        calc = self.root.find("calcPr")
        if calc is not None:
            if calc.get("calcMode") == "manual":
                return  # whoever calculates by hand does so here too (F9)
            if calc.get("fullCalcOnLoad") not in ("1", "true"):
                self._edit(lambda s: s.replace(calc.start, calc.open_end,
                                               start_tag(self.data, calc, {"fullCalcOnLoad": "1"})))
            return
        prefix, _ = self._prefixes()
        self._insert_after(_BEFORE_CALC, element(prefix, "calcPr", {"fullCalcOnLoad": "1"}))

    def _insert_in_list(self, name: str, before: Sequence[str], new: bytes) -> None:
        node = self.root.find(name)
        if node is not None:
            self._edit(lambda s: append_child(s, self.data, node, new))
        else:
            self._insert_after(before, element(self.root.prefix, name, {}, new))

    def _insert_after(self, before: Sequence[str], new: bytes) -> None:
        present = [c for c in self.root.children if c.local in before and c.namespace == self.root.namespace]
        self._edit(lambda s: s.insert(present[-1].end, new))


# --- ownership -------------------------------------------------------------------------------------------------

def is_owned(pkg: Package, book: Book, sheet: SheetRef) -> bool:
    """Did xlpy make this sheet? Its owner name says so, or (sheets from xlpy's earlier writers) its A1."""
    if sheet.kind != "worksheet" or sheet.part is None:
        return False
    if sheet.index in book.marked():
        return True
    return sheet.name not in pkg.too_large and _first_cell(pkg, sheet.name).startswith(SIGNATURES)


def _calamine(pkg: Package):
    if "calamine" not in pkg.memo:
        import python_calamine as pc

        pkg.memo["calamine"] = pc.CalamineWorkbook.from_filelike(io.BytesIO(pkg.blob))
    return pkg.memo["calamine"]


def _first_cell(pkg: Package, name: str) -> str:
    """A1 of a sheet as the file stores it (shared or inline text, rich text), read by python-calamine."""
    try:
        rows = _calamine(pkg).get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=1)
    except Exception:  # noqa: BLE001 (a sheet calamine cannot read is not one xlpy made)
        return ""
    value = rows[0][0] if rows and rows[0] else ""
    return value if isinstance(value, str) else ""


def conflicts(pkg: Package, book: Book, names: Iterable[str], file: str) -> list[Finding]:
    """A finding for each of `names` taken by a sheet xlpy did not make."""
    out = []
    for name in names:
        sheet = book.sheet(name)
        if sheet is not None and not is_owned(pkg, book, sheet):
            out.append(finding("sheet-name-taken", file, sheet.name, name=sheet.name))
    return out
