"""Shared fixtures. The base case workbook is read once per session; a test changes one cell of a copy of its
grids (the way cpf-reporter's tests change one cell of a real template) and runs the pipeline on that."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "tests"))

from xlpy.cells import split_a1  # noqa: E402
from xlpy.portfolio.pipeline import check_sheets  # noqa: E402
from xlpy.read.workbook import Sheet, read_workbook  # noqa: E402

IN_CI = bool(os.environ.get("CI"))
# xlwings' remote engine (the Excel tests) runs on its non-commercial licence; xlwings reads the key when it is first
# imported, by whichever test module comes first, so it is set here for the whole session.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def require(condition: bool, why: str) -> None:
    """Skip a test whose tool is missing on a developer machine; fail it under CI, where the tool must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def clean_book() -> list[Sheet]:
    """The sheets of samples/eksempel_uden_fejl.xlsx (three clean cases), read once."""
    book = read_workbook(SAMPLES / "eksempel_uden_fejl.xlsx")
    assert book.readable, book.findings
    return book.sheets


class Edit:
    """A copy of the clean workbook's grids with cells changed; `check()` runs the pipeline on it."""

    def __init__(self, sheets: list[Sheet]):
        self.sheets = copy.deepcopy(sheets)

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def set(self, sheet: str, ref: str, value) -> "Edit":
        row, col = split_a1(ref)
        grid = self.sheet(sheet).grid
        while len(grid) <= row:
            grid.append([""] * (len(grid[0]) if grid else 1))
        while len(grid[row]) <= col:
            grid[row].append("")
        grid[row][col] = value
        return self

    def check(self):
        return check_sheets("bog.xlsx", self.sheets)


@pytest.fixture
def edit(clean_book) -> Edit:
    return Edit(clean_book)


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of a sample workbook."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(SAMPLES / name, target)
        return target

    return make
