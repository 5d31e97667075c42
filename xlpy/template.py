"""`xlpy template`: the blank case template as an .xlsx file."""

from __future__ import annotations

import os

from .layouts.casesheet import template_sheets
from .write.xlsx import write_book


def write_template(path: str | os.PathLike[str]) -> None:
    write_book(path, template_sheets())
