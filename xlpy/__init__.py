"""xlpy: validate, compute and consolidate Danish municipal investment and efficiency cases in Excel workbooks.

    >>> import xlpy
    >>> findings = xlpy.validate(["samples/allerod_2021.xlsx"])
    >>> results = xlpy.compute(["samples/allerod_2021.xlsx"])
    >>> frame = xlpy.cases_frame(results)
"""

__version__ = "0.1.0"

from .figures.compute import DEFAULT_RATE, Figures
from .findings import REGISTRY, Finding, Severity
from .sheet.model import Case
from .portfolio.pipeline import CaseResult, Result, cases_frame, check_files, compute, validate

__all__ = ["DEFAULT_RATE", "REGISTRY", "Case", "CaseResult", "Figures", "Finding", "Result", "Severity",
           "cases_frame", "check_files", "compute", "validate"]
