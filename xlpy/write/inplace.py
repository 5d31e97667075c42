"""xlpy's own sheets written into an existing workbook (in-place consolidation, the Fejl sheet of --mark), as an edit
of the workbook's package (package.py): every part xlpy did not make keeps its bytes — cell values, stored formula
results, charts, pivot tables, VBA, the ribbon, comments, drawings.

The sheets are rendered by the same file writer as new workbooks (xlsx.py, XlsxWriter) into a workbook in memory,
and their parts are moved over: the sheet XML with its style ids translated onto entries appended to the target's
styles.xml (stylesheet.py) and its text put inline in the cells (the target's sharedStrings.xml is not touched), its
tables, drawing and chart under fresh part names and ids. An owned sheet that is already there is replaced where it
stands (same part, same place in the tab order); a new one goes last. Which sheets are xlpy's is bookpart.py's
concern: a sheet of one of xlpy's names that xlpy did not make stops the run before anything is written.
"""

from __future__ import annotations

import io
import re
from typing import Iterable, Sequence

from .bookpart import Book, conflicts, is_owned
from ..findings import Finding
from ..layout import SheetLayout
from .package import NS_REL, Package, PackageError
from .stylesheet import Stylesheet, iter_entries, remap_xf

REL_WORKSHEET = NS_REL + "/worksheet"
REL_STYLES = NS_REL + "/styles"
REL_CALC_CHAIN = NS_REL + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
LOCKED = ("projektmappens struktur er beskyttet, så der kan ikke tilføjes ark; slå beskyttelsen fra (Gennemse › "
          "Beskyt projektmappe) og kør igen")


# --- rendering and moving sheets ----------------------------------------------------------------------------------

def render_parts(layouts: Iterable[SheetLayout]) -> Package:
    """The layouts as a workbook in memory, written by the file writer (its shared strings are put inline in the
    cells when the sheets are moved, so the target's sharedStrings.xml is never touched)."""
    import xlsxwriter

    from .xlsx import _Formats, render

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False, "in_memory": True})
    formats = _Formats(workbook)
    for layout in layouts:
        render(workbook, layout, formats)
    workbook.close()
    return Package(out.getvalue())


_CELL_STYLE = re.compile(rb"(<(?:c|row)\b[^>]*?\ss=\")(\d+)(\")")
_COL_STYLE = re.compile(rb"(<col\b[^>]*?\sstyle=\")(\d+)(\")")
_DXF = re.compile(rb"(\s\w*[dD]xfId=\")(\d+)(\")")
_SHARED = re.compile(rb"<c\b([^>]*?)\st=\"s\"([^>]*)><v>(\d+)</v></c>")
_NO_VALUE = re.compile(rb"</f>(?:<v></v>|<v/>)?</c>")


class Transplant:
    """Moves rendered sheets into a package, translating styles and naming parts afresh."""

    def __init__(self, pkg: Package, book: Book, source: Package):
        self.pkg, self.book, self.source = pkg, book, source
        self.styles_part, self.styles = styles_of(pkg, book)
        self.xf, self.dxf = self._style_maps()
        self.shared = self._shared_strings()
        self.needs_calc = False

    def _style_maps(self) -> tuple[dict[int, int], dict[int, int]]:
        from defusedxml.ElementTree import fromstring

        source = fromstring(self.source.read(self.source.rels_target(REL_STYLES)))
        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        lists = {name: source.find(ns + name) for name in ("numFmts", "fonts", "fills", "borders", "cellXfs",
                                                           "dxfs")}
        add = self.styles.add
        formats = {int(a["numFmtId"]): self.styles.number_format(a["formatCode"])
                   for _, a, _ in iter_entries(lists["numFmts"], "numFmt")} if lists["numFmts"] is not None else {}
        fonts_in = list(iter_entries(lists["fonts"], "font"))
        default = fonts_in[0]
        fonts = {0: 0, **{i: add("fonts", _in_default_font(f, default, self.styles.entries["fonts"][0]))
                          for i, f in enumerate(fonts_in) if i}}
        fills = {i: i if i < 2 else add("fills", f) for i, f in enumerate(iter_entries(lists["fills"], "fill"))}
        borders = {i: 0 if i == 0 else add("borders", b)
                   for i, b in enumerate(iter_entries(lists["borders"], "border"))}
        xf = {i: add("cellXfs", remap_xf(e, fonts, fills, borders, formats))
              for i, e in enumerate(iter_entries(lists["cellXfs"], "xf"))}
        dxf = {i: add("dxfs", e) for i, e in enumerate(iter_entries(lists["dxfs"], "dxf"))} \
            if lists["dxfs"] is not None else {}
        return xf, dxf

    def _shared_strings(self) -> list[bytes]:
        part = self.source.rels_target(NS_REL + "/sharedStrings")
        if part is None:
            return []
        return re.findall(rb"<si>(.*?)</si>", self.source.read(part), re.S)

    def sheet_xml(self, data: bytes) -> bytes:
        data = _CELL_STYLE.sub(lambda m: m.group(1) + str(self.xf[int(m.group(2))]).encode() + m.group(3), data)
        data = _COL_STYLE.sub(lambda m: m.group(1) + str(self.xf[int(m.group(2))]).encode() + m.group(3), data)
        data = _DXF.sub(lambda m: m.group(1) + str(self.dxf[int(m.group(2))]).encode() + m.group(3), data)
        data = _SHARED.sub(lambda m: b"<c" + m.group(1) + b' t="inlineStr"' + m.group(2) + b"><is>" +
                           self.shared[int(m.group(3))] + b"</is></c>", data)
        data = data.replace(b' tabSelected="1"', b"", 1)  # the user's active sheet stays the only selected one
        if b"<f>" in data and _NO_VALUE.search(data):
            self.needs_calc = True
        return data

    def clear(self, roles: Iterable[str]) -> None:
        """The parts of the owned sheets about to be replaced (tables, drawing, charts) go first, so the new ones
        get the same names and ids on every run."""
        for role in roles:
            existing = self.book.sheet(role)
            if existing is not None:
                drop_calc_chain(self.pkg, self.book, {existing.sheet_id})
                self.pkg.drop(existing.part, itself=False)
                self.book.remove_scoped_names(existing.index)

    def put(self, source_part: str, role: str) -> str:
        """One rendered sheet into the package, in place of the owned sheet of that name or last; returns its part
        name (its relationships come with `copy_rels`, after all sheets, so the parts are in the same order on the
        first run as on the next)."""
        pkg, book = self.pkg, self.book
        existing = book.sheet(role)
        if existing is not None:
            target, index = existing.part, existing.index
        else:
            target = pkg.free_name("xl/worksheets/sheet{}.xml")
            rid = pkg.add_rel(book.part, REL_WORKSHEET, target)
            book.load()
            index = book.add_sheet(role, rid)
        pkg.write(target, self.sheet_xml(self.source.read(source_part)), CT_WORKSHEET)
        book.mark_owned(index, role)
        return target

    def copy_rels(self, source_part: str, target: str) -> None:
        """The relationships of a rendered part, each internal target copied under a fresh name."""
        for rel in self.source.rels(source_part):
            if rel.part is None:
                self.pkg.add_rel(target, rel.type, None, rel.target, rid=rel.id)
                continue
            pattern = re.sub(r"\d*(\.\w+)$", r"{}\1", rel.part)  # xl/tables/table1.xml -> xl/tables/table{}.xml
            new = self.pkg.free_name(pattern)
            data = self.source.read(rel.part)
            content_type = self.source.content_type(rel.part)
            if content_type == CT_TABLE:
                data = self._table(data)
            self.pkg.write(new, data, content_type)
            self.pkg.add_rel(target, rel.type, new, rid=rel.id)
            self.copy_rels(rel.part, new)

    def _table(self, data: bytes) -> bytes:
        """A table with an id and a name no other table (or defined name) of the workbook has."""
        ids, names = set(), {n.get("name", "").casefold() for n in self.book.names()}
        for part in self.pkg.parts_of_type(CT_TABLE):
            root = self.pkg.xml(part)
            ids.add(root.get("id") or "")
            names.add((root.get("displayName") or root.get("name") or "").casefold())
        new_id = 1 + max([0, *(int(i) for i in ids if i.isdigit())])
        name = re.search(rb'displayName="([^"]*)"', data).group(1).decode()
        unique, n = name, 2
        while unique.casefold() in names:
            unique, n = f"{name}{n}", n + 1
        data = re.sub(rb'(<table\b[^>]*?\sid=")\d+(")', lambda m: m.group(1) + str(new_id).encode() + m.group(2),
                      data, count=1)
        data = re.sub(rb'(\s(?:displayName|name)=")' + re.escape(name.encode()) + rb'(")',
                      lambda m: m.group(1) + unique.encode() + m.group(2), data, count=2)
        data = _DXF.sub(lambda m: m.group(1) + str(self.dxf[int(m.group(2))]).encode() + m.group(3), data)
        return data

    def finish(self) -> None:
        self.pkg.write(self.styles_part, self.styles.to_bytes())
        if self.needs_calc:
            self.book.full_calc_on_load()


def styles_of(pkg: Package, book: Book) -> tuple[str, Stylesheet]:
    """The workbook's styles part and its stylesheet; a workbook without one gets one (Excel's defaults)."""
    part = book.related(REL_STYLES)
    if part is not None and pkg.exists(part):
        return part, Stylesheet(pkg.read(part))
    if part is None:
        part = "xl/styles.xml" if not pkg.exists("xl/styles.xml") else pkg.free_name("xl/styles{}.xml")
        pkg.add_rel(book.part, REL_STYLES, part)
        book.load()
    styles = Stylesheet(None)
    pkg.write(part, styles.to_bytes(), CT_STYLES)
    return part, styles


def _in_default_font(font, default, target_default) -> tuple:
    """A rendered font made from the workbook's own default font: its typeface (and size, where the rendered font
    has the default size), with the rendered font's bold, italic, size and colour."""
    local, attrs, children = font
    face = {"name", "family", "scheme", "charset"}
    default_size = next((c for c in default[2] if c[0] == "sz"), None)
    own = [c for c in children if c[0] not in face and not (c[0] == "sz" and c == default_size)]
    taken = {c[0] for c in own}
    inherited = [c for c in target_default[2] if c[0] in face or (c[0] == "sz" and "sz" not in taken)]
    return local, attrs, own + inherited


def drop_calc_chain(pkg: Package, book: Book, sheet_ids: set[int]) -> None:
    """The calculation chain lists formula cells by sheet; when it names a sheet being replaced it would point at
    cells that are gone (Excel reports that as damage), so it goes: Excel rebuilds it."""
    part = book.related(REL_CALC_CHAIN)
    if part is None or not pkg.exists(part):
        return
    found = {int(m) for m in re.findall(rb'\bi="(\d+)"', pkg.read(part))}
    if found & sheet_ids:
        rid = next(r.id for r in book.rels.values() if r.type == REL_CALC_CHAIN)
        pkg.remove_rel(book.part, rid)
        pkg.drop(part)
        book.load()


def put_sheets(pkg: Package, book: Book, layouts: Sequence[SheetLayout]) -> None:
    """xlpy's sheets into the package: each replaces the owned sheet of its name, or goes last. The caller has
    checked that no sheet of these names belongs to the user (`conflicts`)."""
    if book.structure_locked() and any(book.sheet(layout.name) is None for layout in layouts):
        raise PackageError(LOCKED)
    source = render_parts(layouts)
    move = Transplant(pkg, book, source)
    source_book = Book(source)
    move.clear(layout.name for layout in layouts)
    targets = [(sheet, move.put(sheet.part, layout.name)) for layout, sheet in zip(layouts, source_book.sheets)]
    for sheet, target in targets:
        move.copy_rels(sheet.part, target)
    for sheet, _ in targets:  # the sheets' print areas and titles, scoped to where the sheets now stand
        index = book.sheet(sheet.name).index
        book.add_names([({**attrs, "localSheetId": str(index)}, text)
                        for attrs, text in source_book.scoped_names(sheet.index)])
    move.finish()


def remove_sheet(pkg: Package, book: Book, name: str) -> bool:
    """Remove an owned sheet with all its parts; False when there is none."""
    sheet = book.sheet(name)
    if sheet is None or not is_owned(pkg, book, sheet) or book.structure_locked():
        return False
    drop_calc_chain(pkg, book, {sheet.sheet_id})
    pkg.remove_rel(book.part, sheet.rid)
    pkg.drop(sheet.part)
    book.load()
    book.remove_sheet(sheet.index)
    return True


def replace_sheets(path: str, layouts: Sequence[SheetLayout], file: str | None = None) -> list[Finding]:
    """Write `layouts` into the workbook at `path`. Returns the findings that stopped it (nothing written then);
    PackageError when the workbook cannot be edited at all."""
    pkg = Package.open(path, file)
    book = Book(pkg)
    problems = conflicts(pkg, book, [layout.name for layout in layouts], file or path)
    if problems:
        return problems
    put_sheets(pkg, book, layouts)
    pkg.save(path)
    return []
