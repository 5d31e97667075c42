"""Test helper: what a workbook package must satisfy after xlpy has written into it, checked on the zip itself.

- `parts` / `changed_parts`: which parts changed between two versions of a workbook, and which of those xlpy may
  change (its own sheets with their parts, marked sheets only by their marks, and the bookkeeping parts);
- `strip_marks`: a sheet part with xlpy's conditional formats cut out, by a regular expression of its own (not the
  code under test), to compare marked sheets with their originals;
- `problems`: what Excel requires and can be checked here — every part has a content type and every Override names
  a part, relationship ids are unique and internal targets exist, sheet names and ids are unique, sheet-level names
  point at sheets, table ids and names are unique, the elements of workbook.xml, styles.xml and the worksheets come
  in schema order, style lists hold as many entries as they say and every style index points inside its list;
- `styles_append_only`: every entry styles.xml had keeps its index and its content;
- `values`: every sheet's cell values as python-calamine reads them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import python_calamine as pc

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XLPY_SHEETS = ("Overblik", "Nøgletal", "Pr. år", "Pr. område", "Opfølgning", "Følsomhed", "Fejl")  # every sheet xlpy may write
# Opfølgning only once a case has realised figures; Følsomhed once a case has low/high estimates
ALWAYS_WRITTEN = tuple(n for n in XLPY_SHEETS if n not in ("Opfølgning", "Følsomhed"))
BOOKKEEPING = re.compile(r"^(?:\[Content_Types\]\.xml|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|xl/styles\.xml|"
                         r"xl/sharedStrings\.xml|docProps/.*)$")

WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst")
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets", "functionGroups",
    "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
    "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")
LISTS = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellStyleXfs": "xf",
         "cellXfs": "xf", "cellStyles": "cellStyle", "dxfs": "dxf"}


def key(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").casefold()


def parts(path: str | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename.replace("\\", "/"): zf.read(i) for i in zf.infolist() if not i.is_dir()}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def rels(files: dict[str, bytes], part: str) -> list[tuple[str, str, str | None]]:
    """(id, type, resolved target or None for external) of a part's relationships."""
    lookup = {key(n): n for n in files}
    name = lookup.get(key(_rels_name(part) if part else "_rels/.rels"))
    if name is None:
        return []
    out = []
    for el in ET.fromstring(files[name]):
        external = (el.get("TargetMode") or "").lower() == "external"
        out.append((el.get("Id"), el.get("Type"), None if external else _resolve(part, el.get("Target") or "")))
    return out


def workbook_part(files: dict[str, bytes]) -> str:
    for _, kind, target in rels(files, ""):
        if kind.endswith("/officeDocument") and target:
            return target
    return "xl/workbook.xml"


def sheets(files: dict[str, bytes]) -> list[tuple[str, str | None]]:
    """(name, part) of every sheet, in tab order."""
    book = workbook_part(files)
    targets = {rid: target for rid, _, target in rels(files, book)}
    root = ET.fromstring(files[{key(n): n for n in files}[key(book)]])
    found = root.find(f"{{{MAIN}}}sheets")
    return [(s.get("name"), targets.get(s.get(f"{{{REL}}}id"))) for s in found]


def closure(files: dict[str, bytes], part: str) -> set[str]:
    """A part with its relationship part and everything it points to, through their own relationships."""
    out, todo = set(), [part]
    lookup = {key(n): n for n in files}
    while todo:
        name = todo.pop()
        if key(name) in out or key(name) not in lookup:
            continue
        out.add(key(name))
        if key(_rels_name(name)) in lookup:
            out.add(key(_rels_name(name)))
        todo += [t for _, _, t in rels(files, name) if t]
    return out


def own_parts(files: dict[str, bytes], names=XLPY_SHEETS) -> set[str]:
    """The parts of xlpy's sheets (by name) in one version of a workbook, as part keys."""
    wanted = {n.casefold() for n in names}
    out: set[str] = set()
    for name, part in sheets(files):
        if name.casefold() in wanted and part:
            out |= closure(files, part)
    return out


_OUR_FORMAT = re.compile(rb"<(?:\w+:)?conditionalFormatting\b[^>]*>(?:(?!</(?:\w+:)?conditionalFormatting>).)*?"
                         rb"xlpy-markering(?:(?!</(?:\w+:)?conditionalFormatting>).)*</(?:\w+:)?conditionalFormatting>",
                         re.S)


def strip_marks(data: bytes) -> bytes:
    return _OUR_FORMAT.sub(b"", data)


def changed_parts(before: dict[str, bytes], after: dict[str, bytes], names=XLPY_SHEETS) -> list[str]:
    """Parts of `before` that are gone or differ in `after`, other than what xlpy may change: the bookkeeping
    parts, its own sheets' parts, and marks on a sheet (compared with them cut out)."""
    own = own_parts(before, names) | own_parts(after, names)
    later = {key(n): data for n, data in after.items()}
    out = []
    for name, data in before.items():
        if BOOKKEEPING.match(name) or key(name) in own:
            continue
        new = later.get(key(name))
        if new is None or (new != data and strip_marks(new) != data):
            out.append(name)
    return out


def values(path: str | Path, skip=XLPY_SHEETS) -> dict[str, list[list]]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        if name in skip:
            continue
        try:
            out[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001 (what calamine cannot read, before and after alike)
            out[name] = f"unreadable: {type(exc).__name__}"
    return out


def _order(root: ET.Element, order: tuple[str, ...], what: str) -> list[str]:
    out, last = [], -1
    for child in root:
        if not child.tag.startswith(f"{{{root.tag[1:].split('}')[0]}}}"):
            continue  # mc:AlternateContent, x14 and the like: placed by their own rules
        name = _local(child.tag)
        if name not in order:
            out.append(f"{what}: unknown element {name}")
            continue
        if order.index(name) < last:
            out.append(f"{what}: {name} out of schema order")
        last = max(last, order.index(name))
    return out


def problems(path: str | Path, check_parts: set[str] | None = None) -> set[str]:
    """What breaks Excel's rules (as far as they can be checked here). `check_parts` limits the worksheet checks to
    those parts (keys); None checks every worksheet."""
    files = parts(path)
    lookup = {key(n): n for n in files}
    out: set[str] = set()
    types = ET.fromstring(files[lookup[key("[Content_Types].xml")]])
    defaults = {(d.get("Extension") or "").casefold() for d in types if _local(d.tag) == "Default"}
    overrides = {key(o.get("PartName") or "") for o in types if _local(o.tag) == "Override"}
    for name in files:
        if name != "[Content_Types].xml" and key(name) not in overrides and \
                name.rsplit(".", 1)[-1].casefold() not in defaults:
            out.add(f"no content type: {name}")
    for o in overrides - set(lookup):
        out.add(f"override of a missing part: {o}")
    for name, data in files.items():
        if not name.endswith(".rels"):
            continue
        ids = [el.get("Id") for el in ET.fromstring(data)]
        if len(ids) != len(set(ids)):
            out.add(f"relationship ids not unique: {name}")
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name)[:-5]) if posixpath.basename(name) != ".rels" else ""
        for rid, kind, target in rels(files, source):
            if target and key(target) not in lookup:
                out.add(f"relationship {name}#{rid} to a missing part {target}")
    book_name = lookup[key(workbook_part(files))]
    book = ET.fromstring(files[book_name])
    out.update(_order(book, WORKBOOK_ORDER, "workbook.xml"))
    listed = sheets(files)
    lower = [n.casefold() for n, _ in listed]
    if len(lower) != len(set(lower)):
        out.add("sheet names not unique")
    ids = [s.get("sheetId") for s in book.find(f"{{{MAIN}}}sheets")]
    if len(ids) != len(set(ids)):
        out.add("sheetIds not unique")
    for name, part in listed:
        if part is None or key(part) not in lookup:
            out.add(f"sheet {name} has no part")
    names = book.find(f"{{{MAIN}}}definedNames")
    seen = set()
    for dn in names if names is not None else []:
        local = dn.get("localSheetId")
        if local is not None and not int(local) < len(listed):
            out.add(f"defined name {dn.get('name')} on sheet {local}, which does not exist")
        k = ((dn.get("name") or "").casefold(), local)
        if k in seen:
            out.add(f"defined name {dn.get('name')} twice on sheet {local}")
        seen.add(k)
    tables = [ET.fromstring(files[n]) for n in files if re.match(r"xl/tables/[^/]+\.xml$", n)]
    table_ids = [t.get("id") for t in tables]
    table_names = [(t.get("displayName") or "").casefold() for t in tables]
    if len(table_ids) != len(set(table_ids)) or len(table_names) != len(set(table_names)):
        out.add("table ids or names not unique")
    counts = {}
    styles_name = next((t for _, kind, t in rels(files, book_name) if kind.endswith("/styles")), None)
    if styles_name:
        styles = ET.fromstring(files[lookup[key(styles_name)]])
        out.update(_order(styles, STYLES_ORDER, "styles.xml"))
        for name, item in LISTS.items():
            node = styles.find(f"{{{MAIN}}}{name}")
            n = len([c for c in node if _local(c.tag) == item]) if node is not None else 0
            counts[name] = n
            if node is not None and node.get("count") is not None and int(node.get("count")) != n:
                out.add(f"styles.xml {name} count {node.get('count')} but {n} entries")
        formats = {int(f.get("numFmtId")) for f in styles.iter(f"{{{MAIN}}}numFmt")}
        xfs = styles.find(f"{{{MAIN}}}cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else []):
            for attr, what in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                if int(xf.get(attr) or 0) >= max(counts[what], 1):
                    out.add(f"cellXfs {i} {attr} outside {what}")
            fmt = int(xf.get("numFmtId") or 0)
            if fmt >= 164 and fmt not in formats:
                out.add(f"cellXfs {i} numFmtId {fmt} not defined")
    for name, part in listed:
        if part is None or key(part) not in lookup or (check_parts is not None and key(part) not in check_parts):
            continue
        data = files[lookup[key(part)]]
        root = ET.fromstring(data)
        if _local(root.tag) != "worksheet":
            continue
        out.update(_order(root, WORKSHEET_ORDER, f"sheet {name}"))
        for m in re.finditer(rb'<(?:\w+:)?c\b[^>]*?\ss="(\d+)"', data):
            if int(m.group(1)) >= counts.get("cellXfs", 0):
                out.add(f"sheet {name}: style {int(m.group(1))} outside cellXfs")
        for m in re.finditer(rb'\sdxfId="(\d+)"', data):
            if int(m.group(1)) >= counts.get("dxfs", 0):
                out.add(f"sheet {name}: dxfId {int(m.group(1))} outside dxfs")
        priorities = re.findall(rb'<(?:\w+:)?cfRule\b[^>]*?\spriority="(\d+)"', data)
        if len(priorities) != len(set(priorities)):
            out.add(f"sheet {name}: conditional format priorities not unique")
    return out


def styles_append_only(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Entries of styles.xml before that are not at the same index, with the same content, after."""
    def lists(files):
        name = next((n for n in files if key(n) == "xl/styles.xml"), None)
        if name is None:
            return {}
        root = ET.fromstring(files[name])
        return {n: [ET.tostring(c) for c in (root.find(f"{{{MAIN}}}{n}") or [])] for n in LISTS}

    old, new = lists(before), lists(after)
    return [f"{name}[{i}]" for name, entries in old.items() for i, e in enumerate(entries)
            if i >= len(new.get(name, [])) or new[name][i] != e]
