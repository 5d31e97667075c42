"""The VBA wrappers of the worksheet functions (xlpy.excel.functions), generated at build time by xlwings' own UDF
generator, for the ribbon workbook (xlpy.ribbon).

In Excel on Windows, xlwings' "Import Functions" (`ImportPythonUDFs`) decorates a module with xlwings' Windows
decorators (`xlwings.udfs.xlfunc`, `xlarg`) and writes one VBA Function per Python function with
`xlwings.udfs.generate_vba_wrapper`, into a module "xlwings_udfs" under a three-line header from
`xlwings.udfs.import_udfs`. That module imports pywin32 and cannot be imported on Linux, so this file compiles just
those functions from the installed xlwings' udfs.py (read with `ast`, run unchanged) and runs them here: the same
decorators on the same lines of xlpy/excel/functions.py, the same generator, the same header. One change: the header
line `#Const App = "Microsoft Excel" 'Adjust when using outside of Excel` loses its trailing comment, which pyOpenVBA's
interpreter does not accept after a directive (Excel ignores it either way), so the tests can run the module as built.
"""

from __future__ import annotations

import ast
import importlib.util
import io
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

FUNCTIONS_MODULE = "xlpy.excel.functions"
UDF_MODULE_NAME = "xlwings_udfs"  # the module name xlwings' import gives (and replaces on re-import)
FUNCTIONS_FILE = Path(__file__).resolve().parent / "functions.py"
GENERATOR_FUNCTIONS = ("func_sig", "get_category", "get_async_mode", "check_bool", "extract_type_and_annotations",
                       "xlfunc", "xlsub", "xlret", "xlarg", "generate_vba_wrapper")
STDLIB_IMPORTS = {"__future__", "asyncio", "concurrent", "copy", "datetime", "functools", "inspect", "json", "logging",
                  "os", "os.path", "re", "tempfile", "threading", "importlib", "random", "typing"}


class GeneratorError(RuntimeError):
    pass


def _udfs_source() -> tuple[Path, ast.Module]:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise GeneratorError("xlwings is not installed")
    path = Path(spec.origin).parent / "udfs.py"
    return path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def xlwings_generator() -> SimpleNamespace:
    """xlwings' Windows UDF decorators and VBA generator (udfs.py's own functions, compiled from its source with the
    standard-library imports it makes and xlwings.utils.VBAWriter, without pywin32)."""
    from xlwings.utils import VBAWriter

    path, tree = _udfs_source()
    body: list[ast.stmt] = []
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import) and all(a.name in STDLIB_IMPORTS for a in node.names):
            body.append(node)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in STDLIB_IMPORTS:
            body.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name in GENERATOR_FUNCTIONS:
            body.append(node)
            found.add(node.name)
    missing = set(GENERATOR_FUNCTIONS) - found
    if missing:
        raise GeneratorError(f"{path}: no {', '.join(sorted(missing))} (has xlwings changed its UDF generator?)")
    namespace: dict[str, Any] = {"__name__": "xlwings.udfs", "VBAWriter": VBAWriter}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), namespace)  # noqa: S102
    return SimpleNamespace(**{name: namespace[name] for name in GENERATOR_FUNCTIONS})


def xlwings_header() -> list[str]:
    """The lines xlwings.udfs.import_udfs writes before the wrappers (its first writeln calls)."""
    path, tree = _udfs_source()
    function = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "import_udfs"), None)
    calls: list[tuple[int, str]] = []
    for node in ast.walk(function) if function else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "writeln" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            calls.append((node.lineno, node.args[0].value))
    lines = [text for _, text in sorted(calls)]
    if len(lines) != 3 or not lines[0].startswith('Attribute VB_Name = "') or not lines[2].startswith("#Const App"):
        raise GeneratorError(f"{path}: import_udfs no longer writes the three header lines expected: {lines}")
    return lines


def functions_module(generator: SimpleNamespace) -> ModuleType:
    """xlpy/excel/functions.py imported afresh with xlwings.func / xlwings.arg set to xlwings' Windows decorators,
    as on Windows (not entered in sys.modules; the imported xlpy.excel.functions is left as it is)."""
    import xlwings

    spec = importlib.util.spec_from_file_location(FUNCTIONS_MODULE, FUNCTIONS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    saved = xlwings.func, xlwings.arg
    xlwings.func, xlwings.arg = generator.xlfunc, generator.xlarg
    try:
        spec.loader.exec_module(module)
    finally:
        xlwings.func, xlwings.arg = saved
    return module


def udf_module_source(workbook_name: str = "xlpy.xlsm") -> str:
    """The VBA module xlwings_udfs (LF line endings): header, then one wrapper per worksheet function."""
    generator = xlwings_generator()
    module = functions_module(generator)
    out = io.StringIO()
    generator.generate_vba_wrapper(FUNCTIONS_MODULE, module, out, SimpleNamespace(Name=workbook_name))
    header = xlwings_header()
    header[0] = f'Attribute VB_Name = "{UDF_MODULE_NAME}"'
    header[2] = header[2].split("'", 1)[0].rstrip()  # see the module docstring
    text = "\n".join(header) + "\n" + out.getvalue()
    if "Function XLPY_" not in text:
        raise GeneratorError("xlwings' generator wrote no XLPY_ functions")
    return text
