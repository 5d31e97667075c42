"""The xlwings Lite scripts expose the ribbon's actions and run on the remote engine like the ribbon does."""

import ast
import importlib.util
import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from conftest import ROOT, SAMPLES  # noqa: E402
from remote import actions, open_remote  # noqa: E402

LITE = ROOT / "workbook" / "lite" / "main.py"


def load():
    spec = importlib.util.spec_from_file_location("lite_main", LITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_script_calls_one_ribbon_action():
    tree = ast.parse(LITE.read_text(encoding="utf-8"))
    calls = {}
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
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
