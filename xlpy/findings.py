"""Every finding xlpy can report: one registry of codes (codes.py), each with a severity and a message template.

A finding is (code, severity, file, sheet, cell, message). The code is stable and machine-readable; the message is
rendered from the registry's template in Danish (default) or English. Code outside this module never writes a
message string: it names a code and gives parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from .sheet.numbers import grouped, plain


class Severity(str, Enum):
    """Values are the Danish words, which are also what JSON output carries (stable across --lang)."""

    ERROR = "fejl"
    WARNING = "advarsel"
    INFO = "info"

    def label(self, lang: str = "da") -> str:
        if lang == "da":
            return self.value
        return {"fejl": "error", "advarsel": "warning", "info": "info"}[self.value]


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    da: str
    en: str


def _registry() -> dict[str, Code]:
    from .codes import CODES

    out: dict[str, Code] = {}
    for code, severity, da, en in CODES:
        assert code not in out, code
        out[code] = Code(code, Severity(severity), da, en)
    return out


REGISTRY: dict[str, Code] = _registry()  # code -> its severity and messages (the table is codes.py)


@dataclass(frozen=True)
class Plain:
    """A number quoted the way a cell would hold it (1561, 0,8), not grouped for reading (1.561)."""

    value: float


def _render(value: Any, lang: str) -> str:
    if isinstance(value, Plain):
        return plain(value.value, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return grouped(value, lang)
    return str(value)


@dataclass(frozen=True)
class Finding:
    code: str
    file: str
    sheet: str | None = None
    cell: str | None = None
    params: tuple[tuple[str, Any], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.code not in REGISTRY:
            raise KeyError(f"unknown finding code {self.code!r}")

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.code].severity

    def message(self, lang: str = "da") -> str:
        entry = REGISTRY[self.code]
        template = entry.da if lang == "da" else entry.en
        return template.format(**{k: _render(v, lang) for k, v in self.params})

    def to_dict(self, lang: str = "da") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message(lang),
        }

    def sort_key(self) -> tuple:
        return (self.file, self.sheet or "", _cell_order(self.cell), self.code)


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    from .cells import split_a1

    row, col = split_a1(cell)
    return (row, col)


def finding(code: str, file: str, sheet: str | None = None, cell: str | None = None, **params: Any) -> Finding:
    return Finding(code, file, sheet, cell, tuple(params.items()))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
