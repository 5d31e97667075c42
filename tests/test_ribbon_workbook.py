"""The ribbon workbook (workbook/xlpy.xlsm, built by xlpy.ribbon on Linux): olevba reads back the VBA project and
every ribbon button's onAction names a Sub in it; the package has the parts and relationships Excel needs;
LibreOffice opens it; and the committed file equals a fresh build. Needs pyOpenVBA and oletools (the `test` extra)
and, for the PDF test, LibreOffice: each fails under CI when missing and skips on a developer machine.

What only real Excel can confirm (the ribbon shows, the VBA compiles, RunPython finds Python) is listed in
workbook/README.md."""

from __future__ import annotations

import importlib.util
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from conftest import ROOT, require

WORKBOOK = ROOT / "workbook"
COMMITTED = WORKBOOK / "xlpy.xlsm"
EXCEL_FUNCTIONS = ("new_case", "validate", "clear_marks", "compute", "refresh_overview", "collect_departments",
                   "compare_versions", "decision_paper")
UI_PARTS = {  # part -> (root namespace, package relationship type)
    "customUI/customUI.xml": ("http://schemas.microsoft.com/office/2006/01/customui",
                              "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"),
    "customUI/customUI14.xml": ("http://schemas.microsoft.com/office/2009/07/customui",
                                "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"),
}
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# oletools 0.60.2 builds its parser with pyparsing names that pyparsing 3.3 reports as deprecated (not our code)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:oletools.olevba")
SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)(.*?)^\s*End\s+Sub", re.M | re.S | re.I)


def require_tools() -> None:
    for module, package in (("pyopenvba", "pyOpenVBA"), ("oletools", "oletools"), ("xlwings", "xlwings")):
        require(importlib.util.find_spec(module) is not None, f"{package} is not installed (pip install -e '.[test]')")


def build(path: Path, **kw) -> Path:
    from xlpy.ribbon import build_workbook

    return build_workbook(path, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    require_tools()
    return build(tmp_path_factory.mktemp("ribbon") / "xlpy.xlsm")


def vba_modules(path: Path) -> dict[str, str]:
    """{module name: source} as olevba reads them back from the file."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros(), f"olevba finds no VBA project in {path}"
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def subs(source: str) -> dict[str, tuple[str, str]]:
    """{Sub name: (parameters, body)}"""
    return {m.group(1): (m.group(2).strip(), m.group(3)) for m in SUB.finditer(source)}


def on_actions(xml: bytes) -> list[str]:
    return [el.get("onAction") for el in fromstring(xml).iter() if el.get("onAction") is not None]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


# --------------------------------------------------------------------------- (i) VBA and ribbon agree
def test_olevba_reads_back_every_module(built):
    modules = vba_modules(built)
    assert {"ThisWorkbook", "xlpy_ribbon", "xlwings_udfs", "xlwings", "Dictionary"} <= set(modules), sorted(modules)
    assert sum(1 for name in modules if re.fullmatch(r"Sheet\d+", name)) == 5  # a document module per sheet
    assert re.search(r"^(Public\s+)?Function\s+RunPython\(", modules["xlwings"], re.M | re.I)


def test_every_on_action_names_a_sub_in_the_vba_project(built):
    source = "\n".join(vba_modules(built).values())
    defined = subs(source)
    content = parts(built)
    for part in UI_PARTS:
        actions = on_actions(content[part])
        assert len(actions) == 8, f"{part}: {actions}"
        missing = [a for a in actions if a not in defined]
        assert not missing, f"{part}: onAction without a Sub in the VBA project: {missing}"
        for action in actions:
            assert re.fullmatch(r"\w+\s+As\s+IRibbonControl", defined[action][0], re.I), defined[action][0]


def test_each_ribbon_sub_runs_one_xlpy_excel_function(built):
    ribbon = subs(vba_modules(built)["xlpy_ribbon"])
    actions = set(on_actions(parts(built)["customUI/customUI14.xml"]))
    assert set(ribbon) == actions  # no Sub without a button
    called = []
    for name, (_, body) in ribbon.items():
        calls = re.findall(r'RunPython\s+"import xlpy\.excel; xlpy\.excel\.(\w+)\(\)"', body)
        assert len(calls) == 1, f"{name}: {body!r}"
        called.append(calls[0])
    assert sorted(called) == sorted(EXCEL_FUNCTIONS)


def test_runpython_can_call_each_function_without_arguments():
    """RunPython "import xlpy.excel; xlpy.excel.<fn>()" passes no arguments: the book comes from Book.caller()."""
    import inspect

    import xlpy.excel

    for name in EXCEL_FUNCTIONS:
        function = getattr(xlpy.excel, name)
        inspect.signature(function, follow_wrapped=False).bind()  # the @button wrapper: book=None -> caller
        assert hasattr(function, "__wrapped__"), f"xlpy.excel.{name} is not a @button"


def test_both_ribbon_parts_say_the_same():
    """customUI.xml (Office 2007) and customUI14.xml (2010+) differ only in their namespace."""

    def shape(data: bytes, namespace: str):
        return [(el.tag.replace(f"{{{namespace}}}", ""), sorted(el.attrib.items())) for el in fromstring(data).iter()]

    views = [shape((WORKBOOK / Path(part).name).read_bytes(), ns) for part, (ns, _) in UI_PARTS.items()]
    assert views[0] == views[1]
    labels = [dict(attrs).get("label") for tag, attrs in views[0] if tag == "button"]
    assert labels == ["Ny case", "Validér", "Ryd markeringer", "Beregn", "Opdatér overblik", "Hent afdelinger",
                      "Sammenlign med tidligere version", "Lav beslutningsoplæg"]


# --------------------------------------------------------------------------- (ii) a complete package
def test_package_has_the_macro_and_ribbon_parts(built):
    content = parts(built)
    types = fromstring(content["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{NS_CT}Override")}
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{NS_CT}Default")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert "application/vnd.ms-office.vbaProject" in (overrides.get("/xl/vbaProject.bin"), defaults.get("bin"))
    assert defaults.get("xml") == "application/xml"  # the customUI parts' type

    package_rels = [(r.get("Type"), r.get("Target")) for r in fromstring(content["_rels/.rels"]).iter(f"{NS_REL}Relationship")]
    for part, (namespace, rel_type) in UI_PARTS.items():
        targets = [t for ty, t in package_rels if ty == rel_type]
        assert targets == [part], f"{rel_type}: {targets}"
        assert targets[0] in content
        assert fromstring(content[part]).tag == f"{{{namespace}}}customUI"
        assert content[part] == (WORKBOOK / Path(part).name).read_bytes()
    ids = [r.get("Id") for r in fromstring(content["_rels/.rels"]).iter(f"{NS_REL}Relationship")]
    assert len(ids) == len(set(ids))

    workbook_rels = [(r.get("Type"), r.get("Target"))
                     for r in fromstring(content["xl/_rels/workbook.xml.rels"]).iter(f"{NS_REL}Relationship")]
    vba = [t for ty, t in workbook_rels if ty == "http://schemas.microsoft.com/office/2006/relationships/vbaProject"]
    assert vba == ["vbaProject.bin"] and "xl/vbaProject.bin" in content
    assert b'codeName="ThisWorkbook"' in content["xl/workbook.xml"]


def test_xlwings_settings_sheet_uses_keys_xlwings_reads(built):
    """xlwings.bas reads "<PROJECT_NAME>.conf" from A1 down (upper-cased keys); ours is xlwings' own inactive
    quickstart sheet, so every key must be one RunPython asks GetConfig for."""
    import xlwings
    from openpyxl import load_workbook

    source = (Path(xlwings.__file__).parent / "xlwings.bas").read_bytes().decode("cp1252")
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in source and 'PROJECT_NAME As String = "xlwings"' in source
    ws = load_workbook(built)["_xlwings.conf"]
    keys = []
    for (key,) in ws.iter_rows(min_col=1, max_col=1, values_only=True):
        if key is None:
            break
        keys.append(key)
    assert keys[0] == "Interpreter_Win" and ws["B1"].value == "python"
    for key in keys:
        assert f'GetConfig("{key.upper()}"' in source, key


def test_interpreter_gives_an_active_settings_sheet_with_only_the_keys_set(tmp_path):
    require_tools()
    from openpyxl import load_workbook

    path = build(tmp_path / "deploy.xlsm", interpreter=r"%LOCALAPPDATA%\xlpy\pythonw.exe")
    wb = load_workbook(path)
    assert "_xlwings.conf" not in wb.sheetnames
    ws = wb["xlwings.conf"]
    assert (ws["A1"].value, ws["B1"].value) == ("Interpreter_Win", r"%LOCALAPPDATA%\xlpy\pythonw.exe")
    assert (ws["A2"].value, ws["B2"].value) == ("UDF Modules", "xlpy.excel.functions")
    assert ws["A3"].value is None  # an empty key would shadow the add-in's settings


# --------------------------------------------------------------------------- (iii) other readers open it
def test_libreoffice_renders_it_to_pdf(built, tmp_path):
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import libreoffice

    pdf = libreoffice.to_pdf(built, tmp_path / "xlpy.pdf", timeout=180)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_calamine_reads_the_template_sheets(built, tmp_path):
    import libreoffice

    from xlpy.layouts.casesheet import template_sheets
    from xlpy.template import write_template

    write_template(tmp_path / "template.xlsx")
    template = libreoffice.read_values(tmp_path / "template.xlsx")
    ours = libreoffice.read_values(built)
    names = [s.name for s in template_sheets()]
    assert list(ours) == [*names, "Forudsætninger", "_xlwings.conf"]
    for name in names:
        assert ours[name] == template[name], name


# --------------------------------------------------------------------------- (iv) reproducible
def test_build_is_byte_for_byte_repeatable(built, tmp_path):
    assert build(tmp_path / "again.xlsm").read_bytes() == built.read_bytes()


def test_committed_workbook_equals_a_fresh_build(built):
    from compare import book_view, diff_views

    assert COMMITTED.is_file(), "workbook/xlpy.xlsm is missing: python -m xlpy.ribbon -o workbook/xlpy.xlsm"
    hint = "\nrebuild it: python -m xlpy.ribbon -o workbook/xlpy.xlsm (or xlpy build-workbook)"
    differences = diff_views(book_view(COMMITTED), book_view(built))
    assert not differences, f"{COMMITTED} differs from a fresh build:\n{differences}{hint}"
    assert vba_modules(COMMITTED) == vba_modules(built), "VBA sources differ" + hint
    committed, fresh = parts(COMMITTED), parts(built)
    for part in UI_PARTS:
        assert committed[part] == fresh[part], part + hint


def test_a_failed_build_leaves_the_target_alone(tmp_path):
    require_tools()
    from xlpy.ribbon import BuildError

    sources = tmp_path / "sources"
    shutil.copytree(WORKBOOK, sources, ignore=shutil.ignore_patterns("*.xlsm"))
    (sources / "customUI14.xml").write_text("<customUI>", encoding="utf-8")
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"old")
    with pytest.raises(BuildError, match="customUI14.xml"):
        build(target, sources=sources)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsm", "sources"]
