"""`xlpy build-workbook`: assembles the ribbon workbook (workbook/xlpy.xlsm) on Linux, without Excel, from the text
sources in workbook/ (DESIGN.md §7).

Steps, in this order:
  1. openpyxl writes the template sheets (xlpy.layouts.casesheet.template_sheets) plus xlwings' settings sheet to an .xlsx;
  2. pyOpenVBA adds the VBA project: our ribbon callbacks (workbook/xlpy_ribbon.bas), the worksheet functions' VBA
     wrappers (module xlwings_udfs, written by xlwings' own UDF generator: xlpy.excel.udf_vba) and xlwings'
     standalone module (xlwings.bas) and Dictionary.cls, read from the installed xlwings package;
  3. a last pass over the zip sets the macro-enabled workbook content type, adds customUI/customUI.xml and
     customUI/customUI14.xml with their package relationships, pins the document dates and the zip timestamps,
     and writes the result atomically. It must come after any openpyxl save: openpyxl drops the customUI14
     relationship.

Same inputs (sources, xlpy, xlwings and pyOpenVBA versions) give a byte-identical file. The document dates are
SOURCE_DATE_EPOCH when it is set, else 1980-01-01.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

SOURCES = Path(__file__).resolve().parent.parent / "workbook"
DEFAULT_OUTPUT = SOURCES / "xlpy.xlsm"
RIBBON_MODULE = "xlpy_ribbon.bas"

NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA_PROJECT = "application/vnd.ms-office.vbaProject"
REL_VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


@dataclass(frozen=True)
class CustomUIPart:
    """One ribbon part: its file in workbook/, its place in the package, its root namespace and the type of the
    package relationship that points at it ([MS-OI29500] 3.4.1.3/3.4.1.4, [MS-CUSTOMUI2])."""

    source: str
    part: str
    namespace: str
    rel_type: str


CUSTOM_UI_PARTS = (
    CustomUIPart("customUI.xml", "customUI/customUI.xml",  # Office 2007; ignored by 2010+ when customUI14 exists
                 "http://schemas.microsoft.com/office/2006/01/customui",
                 "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"),
    CustomUIPart("customUI14.xml", "customUI/customUI14.xml",  # Office 2010 and later
                 "http://schemas.microsoft.com/office/2009/07/customui",
                 "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"),
)

# xlwings' per-workbook settings (xlwings.bas GetConfigFromSheet): keys in column A from A1 down to the first
# empty cell, values in column B, keys compared in upper case. A key present with an empty value still overrides
# the add-in / ~/.xlwings/xlwings.conf settings, so an *active* sheet must hold only the keys that are set.
# xlwings' own standalone quickstart ships these rows on an inactive sheet "_xlwings.conf"; renaming it to
# "xlwings.conf" activates it. We do the same unless an interpreter is given.
CONFIG_SHEET = "xlwings.conf"
UDF_MODULES = "xlpy.excel.functions"  # what xlwings' Import Functions (ImportPythonUDFs) reads the functions from
INACTIVE_CONFIG_SHEET = "_xlwings.conf"
QUICKSTART_CONFIG: tuple[tuple[str, object], ...] = (
    ("Interpreter_Win", "python"), ("Interpreter_Mac", None), ("PYTHONPATH", None), ("Conda Path", None),
    ("Conda Env", None), ("UDF Modules", UDF_MODULES), ("Debug UDFs", False), ("Use UDF Server", False),
    ("Show Console", False),
)
CONFIG_HELP_INACTIVE = (
    "Sådan bruges arket:",
    'Omdøb arket til "xlwings.conf" (uden "_" foran) for at slå indstillingerne til. '
    "De skal stå fra celle A1 og ned uden tomme rækker.",
    "Skriv stien til den Python, hvor xlpy er installeret, ud for Interpreter_Win, "
    r"fx %LOCALAPPDATA%\Programs\Python\Python311\python.exe.",
    "UDF Modules er det Python-modul, hvis regnefunktioner (XLPY_NETTO m.fl.) projektmappen bruger; "
    "de virker kun i Excel til Windows.",
    "Når arket er slået til, går det forud for indstillingerne i xlwings-tilføjelsesprogrammet "
    r"(%USERPROFILE%\.xlwings\xlwings.conf). Slet en række for at bruge tilføjelsesprogrammets værdi.",
)
CONFIG_HELP_ACTIVE = (
    "Sådan bruges arket:",
    "Indstillingerne står fra celle A1 og ned uden tomme rækker og går forud for xlwings-tilføjelsesprogrammets.",
    "Slet en række (eller omdøb arket til _xlwings.conf) for at bruge tilføjelsesprogrammets værdi.",
)


class BuildError(RuntimeError):
    pass


# --------------------------------------------------------------------------- sources
def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + "\r\n"


def module_name(source: str, fallback: str) -> str:
    match = re.search(r'^Attribute VB_Name = "([^"]+)"', source, re.MULTILINE)
    return match.group(1) if match else fallback


def vba_modules(sources: Path = SOURCES) -> list[tuple[str, str, bool]]:
    """(name, CRLF source, is_class) for every module the project gets: ours, the worksheet functions' wrappers
    (xlwings' generator), then xlwings.bas and Dictionary.cls from the installed xlwings (the VBE exports them in
    cp1252)."""
    from .excel.udf_vba import UDF_MODULE_NAME, GeneratorError, udf_module_source

    ours = sources / RIBBON_MODULE
    text = ours.read_bytes().decode("utf-8")
    if not text.isascii():
        raise BuildError(f"{ours} must be ASCII (the VBA project stores source as cp1252)")
    xlw = xlwings_dir()
    modules = [(module_name(text, ours.stem), crlf(text), False)]
    try:
        modules.append((UDF_MODULE_NAME, crlf(udf_module_source(DEFAULT_OUTPUT.name)), False))
    except GeneratorError as exc:
        raise BuildError(str(exc)) from exc
    for path, is_class in ((xlw / "xlwings.bas", False), (xlw / "addin" / "Dictionary.cls", True)):
        if not path.is_file():
            raise BuildError(f"{path} not found: is xlwings installed completely?")
        source = path.read_bytes().decode("cp1252")
        modules.append((module_name(source, path.stem), crlf(source), is_class))
    return modules


def custom_ui(sources: Path = SOURCES) -> dict[str, bytes]:
    """{package part: bytes} for both ribbon parts, each checked to be well-formed with the right namespace."""
    from defusedxml.ElementTree import ParseError, fromstring

    parts = {}
    for ui in CUSTOM_UI_PARTS:
        data = (sources / ui.source).read_bytes()
        try:
            root = fromstring(data)
        except ParseError as exc:
            raise BuildError(f"{sources / ui.source}: {exc}") from exc
        if root.tag != f"{{{ui.namespace}}}customUI":
            raise BuildError(f"{sources / ui.source}: root must be customUI in namespace {ui.namespace}")
        parts[ui.part] = data
    return parts


# --------------------------------------------------------------------------- steps
def config_rows(interpreter: str | None) -> tuple[str, list[tuple[str, object]], Sequence[str]]:
    if interpreter:
        return CONFIG_SHEET, [("Interpreter_Win", interpreter), ("UDF Modules", UDF_MODULES)], CONFIG_HELP_ACTIVE
    return INACTIVE_CONFIG_SHEET, list(QUICKSTART_CONFIG), CONFIG_HELP_INACTIVE


def write_sheets(path: Path, interpreter: str | None = None) -> None:
    """Step 1: the template sheets, the stress tests' Forudsætninger (their defaults, for the finance department to
    change), then xlwings' settings sheet (keys in column A, values in B)."""
    from .figures.assumptions import assumptions_sheet
    from .layouts.casesheet import template_sheets
    from .layout import SheetLayout
    from .write.xlsx import write_book

    name, rows, help_lines = config_rows(interpreter)
    config = SheetLayout(name, widths={0: 22, 1: 50})
    for row, (key, value) in enumerate(rows):
        config.put(row, 0, key)
        if value is not None:
            config.put(row, 1, value)
    first_help = len(rows) + 3  # three empty rows end xlwings' key list, as in its quickstart
    for offset, line in enumerate(help_lines):
        config.put(first_help + offset, 0, line, "label" if offset == 0 else "text")
    write_book(path, [*template_sheets(), assumptions_sheet(), config])


def add_vba_project(xlsm: Path, modules: Sequence[tuple[str, str, bool]]) -> None:
    """Step 2: pyOpenVBA adds ThisWorkbook, a document module per sheet, and `modules` (see vba_modules)."""
    from pyopenvba import ExcelFile, VBAModuleKind

    with ExcelFile(xlsm) as wb:
        project = wb.add_vba_project()
        for name, source, is_class in modules:
            project.add_module(name, source, kind=VBAModuleKind.other if is_class else VBAModuleKind.standard)
        wb.save()


def document_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    if epoch and epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _elements(text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*/>", text)


def _attr(element: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', element)
    return match.group(1) if match else None


def _append(text: str, closing: str, element: str) -> str:
    if closing not in text:
        raise BuildError(f"no {closing} in a package part")
    return text.replace(closing, element + closing)


def _content_types(data: bytes) -> bytes:
    """Edited as text (openpyxl and pyOpenVBA write one element per entry), so nothing else changes."""
    text = data.decode("utf-8")
    workbook = [o for o in _elements(text, "Override") if _attr(o, "PartName") == "/xl/workbook.xml"]
    if len(workbook) != 1:
        raise BuildError("[Content_Types].xml has no single entry for /xl/workbook.xml")
    text = text.replace(workbook[0], f'<Override PartName="/xl/workbook.xml" ContentType="{CT_MACRO_WORKBOOK}"/>')
    defaults = {(_attr(d, "Extension") or "").lower(): _attr(d, "ContentType") for d in _elements(text, "Default")}
    overrides = {_attr(o, "PartName") for o in _elements(text, "Override")}
    if "/xl/vbaProject.bin" not in overrides and defaults.get("bin") != CT_VBA_PROJECT:
        text = _append(text, "</Types>", f'<Override PartName="/xl/vbaProject.bin" ContentType="{CT_VBA_PROJECT}"/>')
    if "xml" not in defaults:  # the customUI parts are application/xml
        text = _append(text, "</Types>", '<Default Extension="xml" ContentType="application/xml"/>')
    return text.encode("utf-8")


def _package_rels(data: bytes) -> bytes:
    """The package relationships with exactly one relationship per customUI part."""
    text = data.decode("utf-8")
    ui_types = {ui.rel_type for ui in CUSTOM_UI_PARTS}
    for rel in _elements(text, "Relationship"):
        if _attr(rel, "Type") in ui_types:
            text = text.replace(rel, "")
    used = [int(m) for rel in _elements(text, "Relationship") for m in re.findall(r"^rId(\d+)$", _attr(rel, "Id") or "")]
    next_id = max(used, default=0) + 1
    for ui in CUSTOM_UI_PARTS:
        text = _append(text, "</Relationships>",
                       f'<Relationship Id="rId{next_id}" Type="{ui.rel_type}" Target="{ui.part}"/>')
        next_id += 1
    return text.encode("utf-8")


def _core_properties(data: bytes) -> bytes:
    stamp = document_date()
    text = data.decode("utf-8")
    for tag in ("created", "modified"):
        text = re.sub(rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
    return text.encode("utf-8")


def finish_package(xlsm: Path, out: str | os.PathLike[str], ribbon: dict[str, bytes]) -> None:
    """Step 3: content types, ribbon parts and relationships, fixed dates; [Content_Types].xml first, as Office
    writes it, and every zip entry dated 1980-01-01."""
    with zipfile.ZipFile(xlsm) as zin:
        parts = {info.filename: zin.read(info) for info in zin.infolist()}
    if "xl/vbaProject.bin" not in parts:
        raise BuildError("pyOpenVBA wrote no xl/vbaProject.bin")
    if REL_VBA_PROJECT not in parts.get("xl/_rels/workbook.xml.rels", b"").decode("utf-8"):
        raise BuildError("xl/_rels/workbook.xml.rels has no vbaProject relationship")
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts["_rels/.rels"] = _package_rels(parts["_rels/.rels"])
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _core_properties(parts["docProps/core.xml"])
    for part in [p for p in parts if p.startswith("customUI/")]:
        del parts[part]
    parts.update(ribbon)
    order = ["[Content_Types].xml", "_rels/.rels"] + [p for p in parts if p not in ("[Content_Types].xml",
                                                                                    "_rels/.rels")]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, parts[name])


def build_workbook(path: str | os.PathLike[str] = DEFAULT_OUTPUT, *, sources: str | os.PathLike[str] = SOURCES,
                   interpreter: str | None = None) -> Path:
    """Build the ribbon workbook at `path` (written atomically) from the text sources in `sources`.

    `interpreter`: a Python for xlwings' Interpreter_Win (e.g. r"%LOCALAPPDATA%\\xlpy\\python.exe"); it gives an
    active "xlwings.conf" sheet. Without it the workbook carries xlwings' inactive "_xlwings.conf" sheet and uses
    the xlwings add-in's settings (or "python" on PATH)."""
    from .write.xlsx import atomic_write

    target, sources = Path(path), Path(sources)
    if target.suffix.lower() != ".xlsm":
        raise BuildError(f"{target}: the ribbon workbook must be an .xlsm file")
    ribbon, modules = custom_ui(sources), vba_modules(sources)  # check every source before writing anything
    with tempfile.TemporaryDirectory(prefix="xlpy-ribbon-") as tmp:
        sheets, macro = Path(tmp) / "sheets.xlsx", Path(tmp) / "macro.xlsm"
        write_sheets(sheets, interpreter)
        shutil.copyfile(sheets, macro)  # pyOpenVBA decides by the .xlsm suffix
        add_vba_project(macro, modules)
        atomic_write(target, lambda tmp_path: finish_package(macro, tmp_path, ribbon))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xlpy.ribbon", description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help="the .xlsm to write (%(default)s)")
    parser.add_argument("--sources", default=str(SOURCES), help="folder with customUI*.xml and %s" % RIBBON_MODULE)
    parser.add_argument("--interpreter", help="Interpreter_Win for an active xlwings.conf sheet")
    args = parser.parse_args(argv)
    try:
        out = build_workbook(args.output, sources=args.sources, interpreter=args.interpreter)
    except (BuildError, OSError, ImportError) as exc:
        print(f"xlpy build-workbook: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
