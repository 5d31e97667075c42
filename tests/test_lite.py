"""The xlwings Lite file (workbook/lite/main.py): its scripts expose the ribbon's actions and run on the remote engine
like the ribbon does; its worksheet functions declare what xlpy/excel/functions.py declares and run through xlwings'
custom-function engine (the one xlwings Lite runs)."""

import ast
import importlib.util
import inspect
import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from conftest import ROOT, SAMPLES  # noqa: E402
from remote import actions, open_remote  # noqa: E402
from test_functions import call, server_module  # noqa: E402

LITE = ROOT / "workbook" / "lite" / "main.py"


def load():
    spec = importlib.util.spec_from_file_location("lite_main", LITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decorated_with(fn: ast.FunctionDef, name: str) -> bool:
    return any(name in ast.unparse(d) for d in fn.decorator_list)


def test_each_script_calls_one_ribbon_action():
    tree = ast.parse(LITE.read_text(encoding="utf-8"))
    calls = {}
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and decorated_with(n, "xw.script")):
        called = [c.func.attr for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                  and isinstance(c.func.value, ast.Name) and c.func.value.id == "actions"]
        calls[fn.name] = called
    assert calls == {"ny_case": ["new_case"], "valider": ["validate"], "ryd_markeringer": ["clear_marks"],
                     "beregn": ["compute"], "opdater_overblik": ["refresh_overview"]}


def test_lite_validate_runs_on_the_remote_engine():
    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    load().valider(book)
    alerts = [a["args"][0] for a in actions(book) if a["func"] == "alert"]
    assert alerts == ["5 case(s) kontrolleret: 3 fejl og 1 advarsler. Se arket »Fejl«."]


def test_each_lite_function_passes_its_arguments_to_the_same_function():
    from xlpy.excel import functions

    tree = ast.parse(LITE.read_text(encoding="utf-8"))
    declared = [n for n in tree.body if isinstance(n, ast.FunctionDef) and decorated_with(n, "xw.func")]
    assert [f.name for f in declared] == list(functions.NAMES)
    for fn in declared:
        params = [a.arg for a in fn.args.args]
        assert params == list(inspect.signature(getattr(functions, fn.name)).parameters)
        assert ast.unparse(fn.body[-1]) == f"return xlpy_functions.{fn.name}({', '.join(params)})"


def test_lite_functions_declare_what_the_desktop_functions_declare():
    """The metadata xlwings Lite sends Excel for main.py equals what xlpy/excel/functions.py gives (names,
    descriptions, argument help, optional arguments, converter options)."""
    import xlwings.server as server

    lite = server.custom_functions_meta(server_module(LITE, "lite_main"))
    desktop = server.custom_functions_meta(server_module())
    assert lite == desktop
    lite_module, desktop_module = server_module(LITE, "lite_main"), server_module()
    for name in desktop_module.NAMES:
        options = lambda m: [a["options"] for a in getattr(m, name).__xlfunc__["args"]]  # noqa: E731
        assert options(lite_module) == options(desktop_module), name


def test_lite_functions_run_through_xlwings_custom_function_engine():
    module = server_module(LITE, "lite_main")
    assert call(module, "XLPY_NETTO", [[0, 455, 1008]], [[350, 200, 100]], None) == [[-350.0, 255.0, 908.0]]
    assert call(module, "XLPY_TILBAGEBETALING", [[2021, 2022, 2023]], [[-350, 255, 908]], None, None) == [[2023]]
    assert call(module, "XLPY_KR_IGEN", [[1, 2]], [[0, 0]], None) == [[""]]
