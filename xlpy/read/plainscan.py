"""The plain-sheet gate: one linear-time pass over a sheet's XML that tells whether the zip guard's full scan could
find anything in it.

zipguard.py's full scan runs a dozen Python regex and count passes over every sheet. Almost every sheet is plain: no
address at row 1000 or column AAA or beyond, no error cell, no formula pointing outside the workbook, no number that
may not be finite. `survey(data)` answers that, and whether a formula may lack its cached value, with one RE2 search
(a DFA, linear in the data, no backtracking; a second search only after a formula without a value). For a plain sheet
zipguard.py takes what the full scan records from two counts and, where a formula may lack its value, from the full
scan's own no-value pattern. Anything else goes to the full scan.

Sound by construction: every pattern here matches wherever the full scan's corresponding pattern matches (the same
pattern, or a shorter tail of it, or a smaller repeat count), so a sheet the full scan would flag is never called
plain. Two things keep that true for RE2: bytes are matched as Latin-1 (every byte one character, as Python's `re`
on bytes), and whitespace is spelled out as Python's `\\s` for bytes ([ \\t\\n\\r\\f\\v]; RE2's `\\s` lacks `\\v`).
Without google-re2, or if it fails, nothing is plain and every sheet gets the full scan.
"""

from __future__ import annotations

_WS = rb"[ \t\n\r\f\v]*"
# Each is the full scan's pattern (zipguard.py) or a pattern matching wherever that one does.
_FAR = rb"r" + _WS + rb"=" + _WS + rb"['\"]" + _WS + rb"(?:[A-Z]{3}|[A-Z]{0,2}[0-9]{4})"  # _LONG_REF
_ERROR = rb"t=[\"']e[\"']"  # what the full scan looks for before _ERROR_CELL
_EXTERNAL = (rb"(?i:<(?:[\w.-]+:)?f\b[^>]*>[^<]*(?:\||hyperlink\(|webservice\(|filterxml\(|call\(|register\(|"
             rb"exec\(|https?:|file:|\\\\))")  # _EXTERNAL
# _ODD_NUMBER and _ODD_NUMBER_PREFIXED end in "v>" and this tail; 40 digits in a row stand for the full scan's 300.
_ODD = rb"v>" + _WS + rb"[-+]?(?:[0-9.]*[eE][-+]?[0-9]{3}|[iI][nN][fF]|[nN][aA][nN]|[0-9.]{40})"
UNUSUAL = b"|".join((_FAR, _ERROR, _EXTERNAL, _ODD))
# The tail of every match of _FORMULA_NO_VALUE: a formula's end, then no value (or an empty one), then the cell's end.
UNCACHED = rb"(?:/>|</f>)" + _WS + rb"(?:<v" + _WS + rb"/>|<v></v>)?" + _WS + rb"</c>"
# One pass for both: leftmost first, so a match of the uncached tail (group 1) means no unusual token starts before it.
EITHER = b"(?:" + UNUSUAL + b")|(" + UNCACHED + b")"
PREFIXED = rb":(?:c|row)"  # what the full scan counts besides <c and <row

_compiled: dict[bytes, object] | None = None


def _patterns() -> dict[bytes, object]:
    """The RE2 patterns, compiled on first use (none without google-re2)."""
    global _compiled  # noqa: PLW0603 (compiled once per process, on first use)
    if _compiled is None:
        try:
            import re2  # noqa: PLC0415 (only where sheets are scanned: keeps it out of start-up)

            options = re2.Options()
            options.encoding = re2.Options.Encoding.LATIN1
            options.log_errors = False
            _compiled = {p: re2.compile(p, options) for p in (EITHER, UNUSUAL, PREFIXED)}
        except Exception:  # noqa: BLE001 (no usable google-re2: every sheet gets the full scan)
            _compiled = {}
    return _compiled


def survey(data: bytes) -> tuple[bool, bool]:
    """(plain, uncached): plain when this XML has no far address, no error cell, no external formula and no odd
    number (the full scan would find nothing but where the cells reach and which formulas lack a value); uncached
    when it may hold a formula cell without a cached value. (False, True) when that cannot be told."""
    patterns = _patterns()
    if not patterns:
        return False, True
    try:
        m = patterns[EITHER].search(data)
        if m is None:
            return True, False
        if m.start(1) < 0:
            return False, True
        return patterns[UNUSUAL].search(data, m.start()) is None, True  # only after the tail can one be
    except Exception:  # noqa: BLE001 (whatever RE2 makes of the bytes, the full scan decides)
        return False, True


def prefixed(data: bytes) -> bool:
    """The XML may hold prefixed cells or rows (x:c, x:row), which the full scan counts too."""
    patterns = _patterns()
    try:
        return not patterns or patterns[PREFIXED].search(data) is not None
    except Exception:  # noqa: BLE001 (as in survey)
        return True
