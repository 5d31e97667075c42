"""The ribbon workbook's VBA, run by a second engine: pyOpenVBA's VBA interpreter (pyopenvba.apps.excel).

The modules of the built workbook are loaded one by one (ExcelApplication.open skips a module it cannot load without
a word). xlwings' module is replaced by a stub that declares RunPython exactly as the real xlwings.bas does and
records its argument, plus an XLPy() that hands the worksheet-function wrappers a recorder instead of xlwings' COM
server. Then every onAction Sub of both customUI parts runs with an object standing in for IRibbonControl, and must
end in exactly one RunPython call whose text runs an existing button of xlpy.excel; the mutation tests show the check
fails for a misspelt function, a call under `If False Then`, a Sub without the control parameter and a Sub that calls
twice. The wrappers xlwings' generator wrote (module xlwings_udfs) run through the same interpreter.

Also here: both customUI parts validated against the customUI schemas (openxml-audit), and what that misses; and the
VBA project's missing compiled cache. Everything fails under CI when a tool is missing (conftest.require)."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from conftest import ROOT, require

WORKBOOK = ROOT / "workbook"
UI_PARTS = ("customUI/customUI.xml", "customUI/customUI14.xml")
RECORD = "RunPython>"
CALL = "CallUDF>"
RUNPYTHON = re.compile(r"^[ \t]*(?:Public[ \t]+)?Function[ \t]+RunPython[ \t]*\(([^)]*)\)[ \t]*\r?$", re.M | re.I)
XLPY = re.compile(r"^[ \t]*(?:Public[ \t]+)?Function[ \t]+XLPy[ \t]*\(([^)]*)\)[ \t]*\r?$", re.M | re.I)

# The recorder the stub's XLPy() returns in place of xlwings' COM server: CallUDF as xlwings' wrappers call it,
# printing what it was given and answering with a text that names it. "fail" as the first argument raises, as a
# Python exception in the real UDF server does.
RECORDER = """Attribute VB_Name = "XLPyRecorder"
Option Explicit

Public Function CallUDF(ModuleName As String, FunctionName As String, Args As Variant, _
                        Optional wb As Variant, Optional Caller As Variant) As Variant
    Dim i As Long, shown As String
    For i = LBound(Args) To UBound(Args)
        If IsMissing(Args(i)) Then
            shown = shown & "|<missing>"
        Else
            shown = shown & "|" & CStr(Args(i))
        End If
    Next i
    Debug.Print "CallUDF>" & ModuleName & ";" & FunctionName & ";" & Mid(shown, 2) & ";" & TypeName(wb) & ";" & _
        TypeName(Caller)
    If Not IsMissing(Args(LBound(Args))) Then
        If CStr(Args(LBound(Args))) = "fail" Then Err.Raise 1000, , "ValueError: forkert input"
    End If
    CallUDF = FunctionName & " svarer"
End Function
"""


def require_interpreter() -> None:
    for module, package in (("pyopenvba", "pyOpenVBA"), ("xlwings", "xlwings")):
        require(importlib.util.find_spec(module) is not None, f"{package} is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    require_interpreter()
    from xlpy.ribbon import build_workbook

    return build_workbook(tmp_path_factory.mktemp("vba") / "xlpy.xlsm")


def project(path: Path) -> list[tuple[str, str, bool]]:
    """(name, source, is_standard) for each module, in the project's order, as pyOpenVBA reads them back."""
    from pyopenvba.excel import ExcelFile
    from pyopenvba.vba import VBAModuleKind

    with ExcelFile(path) as host:
        return [(m.name, m.source, m.kind is VBAModuleKind.standard) for m in host.vba_project().modules]


def stub_xlwings(real: str) -> str:
    """xlwings' module as a stub: the real RunPython declaration line, verbatim, recording its argument; and XLPy()
    returning the recorder. The real module must declare RunPython(PythonCommand As String) and XLPy() once each."""
    declared = RUNPYTHON.findall(real)
    assert declared == ["PythonCommand As String"], f"xlwings.bas declares RunPython({declared})"
    assert XLPY.findall(real) == [""], "xlwings.bas no longer declares XLPy()"
    runpython = RUNPYTHON.search(real).group(0).strip()
    xlpy = XLPY.search(real).group(0).strip()
    return (f'Attribute VB_Name = "xlwings"\r\nOption Explicit\r\n\r\n{runpython}\r\n'
            f'    Debug.Print "{RECORD}" & PythonCommand\r\nEnd Function\r\n\r\n'
            f'{xlpy}\r\n    Set XLPy = New XLPyRecorder\r\nEnd Function\r\n')


class Interpreter:
    """The built workbook in pyOpenVBA's Excel, its modules loaded one at a time (any that fails, fails the test),
    xlwings' module replaced by the stub."""

    def __init__(self, path: Path, replace: dict[str, str] | None = None):
        from pyopenvba.apps.excel import Application, ExcelApplication
        from pyopenvba.interpreter import VBAObject

        install_caller(Application)
        self.app = ExcelApplication.open(path, with_vba=False)
        self.loaded: list[str] = []
        modules = project(path)
        sources = {name: source for name, source, _ in modules}
        replace = {"xlwings": stub_xlwings(sources["xlwings"]), **(replace or {})}
        for name, source, standard in modules:
            host = self.app.interpreter.host.global_object(name.lower())
            kind = "standard" if standard else "document" if isinstance(host, VBAObject) else "class"
            self.app.add_module(replace.get(name, source), name=name, kind=kind)
            self.loaded.append(name)
        self.app.add_module(RECORDER, name="XLPyRecorder", kind="class")

    def run(self, procedure: str, *args):
        self.app.interpreter.console.clear()
        return self.app.run(procedure, *args)

    def recorded(self, prefix: str) -> list[str]:
        return [line[len(prefix):] for line in self.app.console if line.startswith(prefix)]


def install_caller(application_class) -> None:
    """Application.Caller, which pyOpenVBA does not implement: what a test sets on the instance (a Range when the
    function is called from a cell, an error value when it is called from VBA)."""
    from pyopenvba.interpreter import VBAErrorValue
    from pyopenvba.interpreter._objects import MemberSpec

    application_class.vba_add_member(MemberSpec(
        name="Caller", kind="property",
        getter=lambda self: self.__dict__.get("xlpy_test_caller", VBAErrorValue(2023))))


def ribbon_control(control_id: str):
    from pyopenvba.interpreter import VBAObject, member

    class RibbonControl(VBAObject):
        """Office's IRibbonControl, as the ribbon passes it to an onAction callback: Id, Tag, Context."""

        vba_type_name = "IRibbonControl"
        vba_library = "Office"

        @member
        def Id(self):  # noqa: N802 (VBA's name)
            return control_id

        @member
        def Tag(self):  # noqa: N802
            return ""

        @member
        def Context(self):  # noqa: N802
            return None

    return RibbonControl()


def on_actions(path: Path) -> list[tuple[str, str, str]]:
    """(part, control id, onAction) for every control with an onAction in both customUI parts."""
    with zipfile.ZipFile(path) as z:
        return [(part, el.get("id"), el.get("onAction")) for part in UI_PARTS for el in fromstring(z.read(part)).iter()
                if el.get("onAction") is not None]


def command_problem(command: str) -> str | None:
    """What is wrong with a RunPython command, or None: it must be `import xlpy.excel; xlpy.excel.<button>()`."""
    import xlpy.excel

    try:
        tree = ast.parse(command)
    except SyntaxError as exc:
        return f"not Python: {exc}"
    shape = [type(s).__name__ for s in tree.body]
    if shape != ["Import", "Expr"] or [a.name for a in tree.body[0].names] != ["xlpy.excel"]:
        return f"not 'import xlpy.excel; xlpy.excel.<function>()': {command!r}"
    call = tree.body[1].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and not call.args
            and not call.keywords and ast.unparse(call.func.value) == "xlpy.excel"):
        return f"not a call of an xlpy.excel function without arguments: {command!r}"
    function = getattr(xlpy.excel, call.func.attr, None)
    if function is None:
        return f"xlpy.excel has no function {call.func.attr!r}"
    if not hasattr(function, "__wrapped__"):
        return f"xlpy.excel.{call.func.attr} is not a @button"
    return None


def ribbon_problems(vba: Interpreter, actions: list[tuple[str, str, str]]) -> list[str]:
    """Each onAction run with a ribbon control: exactly one RunPython call, with a command that runs a button."""
    from pyopenvba.exceptions import VBAError

    problems = []
    for part, control, action in actions:
        try:
            vba.run(action, ribbon_control(control))
        except VBAError as exc:
            problems.append(f"{part} {control}: {action} does not run: {exc}")
            continue
        calls = vba.recorded(RECORD)
        if len(calls) != 1:
            problems.append(f"{part} {control}: {action} makes {len(calls)} RunPython calls, not 1: {calls}")
            continue
        problem = command_problem(calls[0])
        if problem:
            problems.append(f"{part} {control}: {action}: {problem}")
    return problems


@pytest.fixture(scope="module")
def vba(built) -> Interpreter:
    return Interpreter(built)


# --------------------------------------------------------------------------- the ribbon Subs
def test_every_module_loads_one_by_one(vba, built):
    assert vba.loaded == [name for name, _, _ in project(built)]
    assert set(vba.loaded) >= {"ThisWorkbook", "xlpy_ribbon", "xlwings_udfs", "xlwings", "Dictionary"}


def test_the_real_xlwings_module_does_not_load_in_the_interpreter(built):
    """Why it is replaced (DESIGN §7): pyOpenVBA refuses a comment after #Const, so open() would skip it silently."""
    from pyopenvba.apps.excel import ExcelApplication
    from pyopenvba.interpreter import VBACompileError

    real = dict((name, source) for name, source, _ in project(built))["xlwings"]
    with pytest.raises(VBACompileError):
        ExcelApplication().add_module(real, name="xlwings")


def test_every_on_action_ends_in_one_runpython_call_of_a_button(vba, built):
    actions = on_actions(built)
    assert len(actions) == 16 and {a for _, _, a in actions} == {
        "xlpy_NyCase", "xlpy_Valider", "xlpy_RydMarkeringer", "xlpy_Beregn", "xlpy_OpdaterOverblik",
        "xlpy_HentAfdelinger", "xlpy_Sammenlign", "xlpy_Beslutningsoplaeg"}
    assert ribbon_problems(vba, actions) == []


def test_each_recorded_command_runs_its_button(vba, built, monkeypatch):
    """The recorded text, run as RunPython runs it (exec in a fresh namespace), calls the button (here a recorder)
    once, without arguments."""
    import xlpy.excel

    called = []
    for name, function in inspect.getmembers(xlpy.excel, lambda f: hasattr(f, "__wrapped__")):
        monkeypatch.setattr(xlpy.excel, name, lambda *a, _n=name, **k: called.append((_n, a, k)))
    expected = {"xlpy_NyCase": "new_case", "xlpy_Valider": "validate", "xlpy_RydMarkeringer": "clear_marks",
                "xlpy_Beregn": "compute", "xlpy_OpdaterOverblik": "refresh_overview",
                "xlpy_HentAfdelinger": "collect_departments", "xlpy_Sammenlign": "compare_versions",
                "xlpy_Beslutningsoplaeg": "decision_paper"}
    for _, control, action in on_actions(built):
        vba.run(action, ribbon_control(control))
        (command,) = vba.recorded(RECORD)
        called.clear()
        exec(command, {})  # noqa: S102 (our own command, recorded from our own VBA)
        assert called == [(expected[action], (), {})], action


MUTATIONS = {
    "misspelt function": (r'xlpy\.excel\.compute\(\)', "xlpy.excel.compte()", "has no function 'compte'"),
    "call under If False": (r'(    RunPython "import xlpy\.excel; xlpy\.excel\.compute\(\)")',
                            "    If False Then\r\n\\1\r\n    End If", "makes 0 RunPython calls"),
    "no control parameter": (r"Sub xlpy_Beregn\(control As IRibbonControl\)", "Sub xlpy_Beregn()", "does not run"),
    "two calls": (r'(    RunPython "import xlpy\.excel; xlpy\.excel\.compute\(\)")', "\\1\r\n\\1",
                  "makes 2 RunPython calls"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_check_fails_for_a_broken_sub(built, mutation):
    """Mutation checks: the ribbon module of the built file with one Sub (Beregn) broken; the same check as above
    reports exactly that Sub, in both customUI parts."""
    pattern, replacement, says = MUTATIONS[mutation]
    source = dict((name, s) for name, s, _ in project(built))["xlpy_ribbon"]
    mutated, count = re.subn(pattern, replacement, source)
    assert count == 1, f"the mutation {mutation!r} does not apply to the ribbon module"
    problems = ribbon_problems(Interpreter(built, replace={"xlpy_ribbon": mutated}), on_actions(built))
    assert len(problems) == 2 and all("xlpy_Beregn" in p and says in p for p in problems), problems


def test_a_broken_sub_fails_through_a_full_build(tmp_path):
    """One mutation the long way: edit workbook/xlpy_ribbon.bas (a copy), build the workbook, run the check."""
    require_interpreter()
    from xlpy.ribbon import build_workbook

    sources = tmp_path / "sources"
    shutil.copytree(WORKBOOK, sources, ignore=shutil.ignore_patterns("*.xlsm"))
    bas = sources / "xlpy_ribbon.bas"
    text = bas.read_text(encoding="utf-8")
    bas.write_text(text.replace('xlpy.excel.validate()"', 'xlpy.excel.validate()": RunPython "import xlpy.excel; '
                                                          'xlpy.excel.validate()"'), encoding="utf-8")
    path = build_workbook(tmp_path / "mutant.xlsm", sources=sources)
    problems = ribbon_problems(Interpreter(path), on_actions(path))
    assert [p.split(":")[0] for p in problems] == ["customUI/customUI.xml xlpyValider",
                                                   "customUI/customUI14.xml xlpyValider"]


# --------------------------------------------------------------------------- the worksheet functions' wrappers
def wrapper_signatures(source: str) -> dict[str, list[str]]:
    return {m[1]: [p.strip() for p in m[2].split(",") if p.strip()]
            for m in re.finditer(r"^Function (\w+)\(([^)]*)\)", source, re.M)}


def test_wrappers_are_xlwings_generator_output_for_every_function(built):
    from xlpy.excel import functions
    from xlpy.excel.udf_vba import udf_module_source, xlwings_header

    source = dict((name, s) for name, s, _ in project(built))["xlwings_udfs"]
    assert source.replace("\r\n", "\n") == udf_module_source()
    header = xlwings_header()
    assert source.splitlines()[1:3] == [header[1], header[2].split("'")[0].rstrip()]  # comment dropped, see udf_vba
    signatures = wrapper_signatures(source)
    assert sorted(signatures) == sorted(functions.NAMES)
    for name in functions.NAMES:
        parameters = inspect.signature(getattr(functions, name)).parameters.values()
        assert signatures[name] == [("Optional " if p.default is not p.empty else "") + p.name for p in parameters]


@pytest.mark.parametrize("caller", ["cell", "vba"])
def test_each_wrapper_hands_its_arguments_to_xlwings(vba, caller):
    """Called from a cell (Application.Caller is a Range) and from VBA (an error value): every wrapper calls
    XLPy.CallUDF("xlpy.excel.functions", "<its name>", Array(<its arguments in order>), ThisWorkbook, Caller) and
    returns the answer; an omitted optional argument goes as Missing, which xlwings turns into the Python default."""
    from xlpy.excel import functions

    app = vba.app
    if caller == "cell":
        app.application.__dict__["xlpy_test_caller"] = app.workbook.sheets_[0].vba_get("Range", ["D5"])
    else:
        app.application.__dict__.pop("xlpy_test_caller", None)
    for name in functions.NAMES:
        parameters = list(inspect.signature(getattr(functions, name)).parameters.values())
        required = [p for p in parameters if p.default is p.empty]
        given = [f"a{i}" for i in range(1, len(required) + 1)]
        assert vba.run(name, *given) == f"{name} svarer"
        shown = given + ["<missing>"] * (len(parameters) - len(required))
        assert vba.recorded(CALL) == [f"xlpy.excel.functions;{name};{'|'.join(shown)};Workbook;"
                                      f"{'Range' if caller == 'cell' else 'Error'}"]
        everything = [f"a{i}" for i in range(1, len(parameters) + 1)]
        assert vba.run(name, *everything) == f"{name} svarer"
        assert vba.recorded(CALL)[0].split(";")[2] == "|".join(everything)


def test_a_python_error_shows_in_the_cell_as_its_message(vba):
    """From a cell the wrapper catches the error and returns Err.Description (our Danish ValueError text); from VBA
    the error propagates."""
    from pyopenvba.interpreter import VBARuntimeError

    app = vba.app
    app.application.__dict__["xlpy_test_caller"] = app.workbook.sheets_[0].vba_get("Range", ["D5"])
    assert vba.run("XLPY_NETTO", "fail", "x") == "ValueError: forkert input"
    del app.application.__dict__["xlpy_test_caller"]
    with pytest.raises(VBARuntimeError, match="forkert input"):
        vba.run("XLPY_NETTO", "fail", "x")


def test_the_settings_sheet_names_the_functions_module(built):
    from openpyxl import load_workbook

    ws = load_workbook(built)["_xlwings.conf"]
    keys = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 10)}
    assert keys["UDF Modules"] == "xlpy.excel.functions"


# --------------------------------------------------------------------------- customUI schemas
def require_audit() -> None:
    require(importlib.util.find_spec("openxml_audit") is not None,
            "openxml-audit is not installed (pip install -e '.[test]')")


def audit(path: Path) -> list[str]:
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator(max_errors=100).validate(str(path))
    return [str(e) for e in result.errors]


def with_part(source: Path, target: Path, part: str, old: str, new: str) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                assert old.encode() in data, old
                data = data.replace(old.encode(), new.encode(), 1)
            zout.writestr(info, data)
    return target


def test_both_ribbon_parts_are_valid_against_the_customui_schemas(built):
    """openxml-audit (Open XML SDK's validation in Python) checks each customUI part against the customui (2006)
    and customui 2009/07 schemas it carries, with the rest of the package."""
    require_audit()
    assert audit(built) == []


@pytest.mark.parametrize("part", UI_PARTS)
def test_the_schema_check_sees_a_bad_ribbon(built, tmp_path, part):
    require_audit()
    bad = with_part(built, tmp_path / "bad.xlsm", part, 'size="large"', 'size="huge"')
    assert any(part in e and "size" in e for e in audit(bad))
    bad = with_part(built, tmp_path / "bad2.xlsm", part, "<button id=", "<knap id=")
    assert any(part in e and "knap" in e for e in audit(bad))


def test_what_the_schema_check_misses(built, tmp_path):
    """Left to our own tests: the schemas let through an attribute they do not define, a control id used twice
    (Excel refuses the ribbon) and an onAction naming no Sub. Checked here and in test_ribbon_workbook.py."""
    require_audit()
    part = "customUI/customUI14.xml"
    for old, new in (('onAction="xlpy_NyCase"', 'onAction="xlpy_NyCase" knap="1"'),
                     ('id="xlpyNyCase"', 'id="xlpyValider"'),
                     ('onAction="xlpy_NyCase"', 'onAction="xlpy_Findes_Ikke"')):
        assert audit(with_part(built, tmp_path / "missed.xlsm", part, old, new)) == [], new
    for name in UI_PARTS:
        with zipfile.ZipFile(built) as z:
            ids = [el.get("id") for el in fromstring(z.read(name)).iter() if el.get("id") is not None]
        assert len(ids) == len(set(ids)), name


# --------------------------------------------------------------------------- no compiled cache
def test_the_vba_project_carries_source_only(built):
    """pyOpenVBA writes the project without a compiled cache: the project's cache (_VBA_PROJECT) is its header and
    zeros, and every module we add has its source at offset 0 of its stream (no p-code before it). ThisWorkbook and
    Sheet1 come from pyOpenVBA's own project template and keep the bytes Office wrote before their source. Excel
    compiles such a project from source when it opens the file; that rests on pyOpenVBA's own tests against Office,
    not on anything run here (README)."""
    import io

    import olefile
    from pyopenvba.excel import ExcelFile

    with zipfile.ZipFile(built) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    cache = ole.openstream("VBA/_VBA_PROJECT").read()
    assert cache[:2] == b"\xcc\x61" and cache[4] == 0 and not any(cache[5:])
    with ExcelFile(built) as host:
        offsets = {m.name: m.text_offset for m in host.vba_project().modules}
    ours = {"xlpy_ribbon", "xlwings_udfs", "xlwings", "Dictionary", "Sheet2", "Sheet3", "Sheet4"}
    assert ours <= set(offsets) and {offsets[name] for name in ours} == {0}
