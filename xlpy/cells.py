"""A1 cell addresses, without openpyxl (the core must not import it)."""

from __future__ import annotations

import re
from functools import lru_cache

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """0-based column index -> letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=1 << 16)
def a1(row: int, col: int, absolute: bool = False) -> str:
    """0-based row and column -> "B7" (or "$B$7")."""
    if absolute:
        return f"${column_letter(col)}${row + 1}"
    return f"{column_letter(col)}{row + 1}"


def split_a1(ref: str) -> tuple[int, int]:
    """"B7" -> (6, 1), 0-based. A range "B7:G7" gives its first cell."""
    match = _A1.match(ref.split(":")[0])
    if not match:
        raise ValueError(ref)
    letters, digits = match.groups()
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1
