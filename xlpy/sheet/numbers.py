"""Danish number notation: reading amounts typed as text, and writing numbers in messages.

Budget tables are typed by people, so a cell that should hold 1561 often holds the text "1.561" (Danish
thousands separator), "0,8" (Danish decimal comma), "(1.234)" (accountants' negative), "-" (nothing) or a range
such as "2.000-8.000". `parse_number_text` says what such a text would be and how sure that reading is; the caller
decides what finding to raise. Nothing here guesses silently: every reading carries its notation, and readings
that another notation would read differently are marked ambiguous.
"""

from __future__ import annotations

import datetime as dt
import math

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["number", "range", "dash", "text"]
Notation = Literal["plain", "danish", "english", "ambiguous"]

# Dashes people use for "minus" or for "nothing" (hyphen, en dash, em dash, minus sign).
_DASHES = "-\u2013\u2014\u2212"
_SPACES = "\u00a0\u202f\u2009 "
_FOOTNOTE = re.compile(r"[*†‡¹²³]+$")
_UNIT_SUFFIX = re.compile(r"\s*(kr\.?|dkk)$", re.IGNORECASE)
_UNIT_PREFIX = re.compile(r"^(kr\.?|dkk)\s*", re.IGNORECASE)

_PLAIN_INT = re.compile(r"^\d+$")
_DK_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.561   1.487,5
_DK_DECIMAL = re.compile(r"^\d+,\d+$")  # 0,8   1561,25
_EN_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,561   1,487.5
_EN_DECIMAL = re.compile(r"^\d+\.\d+$")  # 1.5   0.25
_SPACE_THOUSANDS = re.compile(r"^\d{1,3}( \d{3})+(,\d+)?$")  # 1 561   1 487,5


@dataclass(frozen=True)
class NumberText:
    """What a text in a number cell would be if it were a number."""

    kind: Kind
    value: float | None = None  # the number (kind "number"), 0 for "dash", None otherwise
    low: float | None = None  # range bounds (kind "range")
    high: float | None = None
    notation: Notation = "plain"

    @property
    def ambiguous(self) -> bool:
        return self.notation == "ambiguous"


def _unsigned(token: str) -> tuple[float, Notation] | None:
    """Read an unsigned number token; None when it is not one."""
    if _PLAIN_INT.match(token):
        return float(token), "plain"
    if _DK_THOUSANDS.match(token):
        value = float(token.replace(".", "").replace(",", "."))
        # "0.625" (Viborg's slip for 625) reads as Danish thousands but nobody writes a leading 0 group; and a
        # single dot group with no decimals ("1.561") is read Danish, which is the convention of every seed table.
        return value, ("ambiguous" if token.startswith("0.") else "danish")
    if _DK_DECIMAL.match(token):
        intpart, frac = token.split(",")
        # "1,561" is 1,561 in Danish but 1561 in English notation: say so.
        ambiguous = len(frac) == 3 and len(intpart) <= 3 and intpart != "0"
        return float(intpart + "." + frac), ("ambiguous" if ambiguous else "danish")
    if _EN_THOUSANDS.match(token):
        return float(token.replace(",", "")), "english"
    if _EN_DECIMAL.match(token):
        return float(token), "english"
    if _SPACE_THOUSANDS.match(token):
        return float(token.replace(" ", "").replace(",", ".")), "danish"
    return None


def _signed(token: str) -> tuple[float, Notation] | None:
    token = token.strip()
    negative = False
    if token.startswith("(") and token.endswith(")"):
        negative, token = True, token[1:-1].strip()
    if token and token[0] in _DASHES:
        negative, token = not negative, token[1:].strip()
    elif token.startswith("+"):
        token = token[1:].strip()
    read = _unsigned(token)
    if read is None:
        return None
    value, notation = read
    return (-value if negative else value), notation


def _clean(text: str) -> str:
    text = text.strip()
    for space in _SPACES[:-1]:
        text = text.replace(space, " ")
    text = _FOOTNOTE.sub("", text).strip()
    text = _UNIT_SUFFIX.sub("", text)
    text = _UNIT_PREFIX.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


_RANGE = re.compile(r"^(?P<a>\(?[" + _DASHES + r"]?[\d.,  ]+\)?)\s*[" + _DASHES + r"]\s*(?P<b>[\d.,  ]+)$")


def parse_number_text(text: str) -> NumberText:
    """Read a text as Danish (or English) notation. Never raises."""
    cleaned = _clean(text)
    if not cleaned:
        return NumberText("text")
    if all(ch in _DASHES for ch in cleaned):
        return NumberText("dash", value=0.0)
    single = _signed(cleaned)
    if single is not None:
        return NumberText("number", value=single[0], notation=single[1])
    match = _RANGE.match(cleaned)
    if match:
        a, b = _signed(match["a"]), _signed(match["b"].strip())
        if a is not None and b is not None:
            notation: Notation = "ambiguous" if "ambiguous" in (a[1], b[1]) else a[1] if a[1] != "plain" else b[1]
            return NumberText("range", low=a[0], high=b[0], notation=notation)
    return NumberText("text")


def english_reading(text: str) -> float:
    """What an ambiguous text would be in English notation ("1,561" -> 1561, "0.625" -> 0.625)."""
    cleaned = text.strip().rstrip("*").replace(" ", "")
    sign = -1 if cleaned[:1] in "-\u2013\u2212" else 1
    cleaned = cleaned.lstrip("-\u2013\u2212")
    try:
        return sign * float(cleaned.replace(",", ""))
    except ValueError:
        return float("nan")


def kind_name(value: object) -> str:
    """What a value that is no number is, in a message: a truth value, a date or a time."""
    if isinstance(value, bool):
        return "en sandhedsværdi (SAND/FALSK)"
    if isinstance(value, (dt.date, dt.datetime)):
        return "en dato"
    return "et klokkeslæt"


def plain(value: float, lang: str = "da") -> str:
    """A number the way a message quotes what a cell would hold: 1561, 0,8 (da) / 0.8 (en), no grouping."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.10g}" if abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if lang == "da" else text


def grouped(value: float, lang: str = "da", decimals: int = 2, fixed: bool = False) -> str:
    """A number for reading, in the locale's notation: 1.561 / -3.249 / 2,47 (da), 1,561 / 2.47 (en).
    Up to `decimals` decimals, or exactly that many when `fixed`."""
    if not fixed and float(value).is_integer() and abs(value) < 1e15:  # the common case, without babel
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "da" else text
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        # Rounded the way Excel shows a number: its 15 significant digits, halves away from zero (4,65 → 4,7;
        # babel alone would round half to even, 4,6).
        value = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):  # inf, nan
        pass
    if isinstance(value, float) and math.isfinite(value):  # beyond 28 digits: as Python rounds it
        value = Decimal(f"{value:.{decimals}f}")
    if isinstance(value, Decimal) and value.is_finite():  # without babel: "{:,f}", then the locale's marks
        text = f"{value:,f}"
        if not fixed and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.translate(_DA_MARKS) if lang == "da" else text
    from babel.numbers import format_decimal  # inf, nan: the locale's own words for them

    pattern = "#,##0." + ("0" if fixed else "#") * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale="da_DK" if lang == "da" else "en_GB")


_DA_MARKS = str.maketrans(",.", ".,")


def as_json_number(value: float | None) -> int | float | None:
    """Whole numbers as int (1561, not 1561.0), others rounded to øre."""
    if value is None:
        return None
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return int(rounded)
    return rounded
