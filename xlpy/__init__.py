"""xlpy: validate, compute and consolidate Danish municipal investment and efficiency cases in Excel workbooks.

    >>> import xlpy
    >>> findings = xlpy.validate(["samples/allerod_2021.xlsx"])
    >>> results = xlpy.compute(["samples/allerod_2021.xlsx"])
    >>> frame = xlpy.cases_frame(results)

The names below are imported on first use (PEP 562), so that `xlpy validate` and the ribbon's buttons load only
the modules their path needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_HOME = {"DEFAULT_RATE": "compute", "Figures": "compute", "REGISTRY": "findings", "Finding": "findings",
         "Severity": "findings", "Case": "model", "CaseResult": "pipeline", "Result": "pipeline",
         "cases_frame": "pipeline", "check_files": "pipeline", "compute": "pipeline", "validate": "pipeline"}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'xlpy' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
