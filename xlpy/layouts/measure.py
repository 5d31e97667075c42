"""Measuring text without a rendering engine: how wide a text is, where it wraps, how many lines it takes.

Neither a workbook nor python-pptx lays text out, so the layouts do it themselves: column widths that hold every
header word, header rows tall enough for their wrapped lines, tables split where a slide is full. The widths are
the advance widths of DejaVu Sans (regular and bold, in 1/1000 em), the font LibreOffice falls back to on a
machine without Calibri and one of the widest common sans fonts: a text measured with it fits in Calibri, Arial or
Carlito as well. Generated with Pillow (ImageFont.truetype(path, 1000).getlength(ch)) from DejaVu Sans 2.37.

Excel's column width is counted in widths of the digit 0 of the body font; `columns()` gives a text's width in those
units, so a workbook's widths are measured in the same font as its text.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CHARS = ("".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(160, 256))
          + "–—‘’“”…›‹·•€−≥≤×ŒœŠšŽž")
_REGULAR = """
318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 636 337
337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 611 732
684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635
635 411 521 392 634 592 818 592 592 525 636 337 636 838 318 401 636 636 636 636 337 500 500 1000 471 612 838 0
1000 500 500 838 401 401 500 636 636 318 500 401 471 612 969 969 969 531 684 684 684 684 684 684 974 698 632
632 632 632 295 295 295 295 775 748 787 787 787 787 787 838 787 732 732 732 732 611 605 630 613 613 613 613
613 613 982 550 615 615 615 615 278 278 278 278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 635
592 500 1000 318 318 518 518 1000 400 400 318 590 636 838 838 838 838 1070 1023 635 521 685 525
"""
_BOLD = """
348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696 696 400
400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 770 720 682 812
774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716
716 493 595 478 712 652 924 645 652 582 712 365 712 838 348 456 696 696 636 696 365 500 500 1000 564 646 838 0
1000 500 500 838 438 438 500 736 636 380 500 438 564 646 1035 1035 1035 580 774 774 774 774 774 774 1085 734
683 683 683 683 372 372 372 372 838 837 850 850 850 850 850 838 850 812 812 812 812 724 738 719 675 675 675
675 675 675 1048 593 678 678 678 678 343 343 343 343 687 712 687 687 687 687 687 838 687 712 712 712 712 652
716 652 500 1000 380 380 657 657 1000 412 412 380 639 696 838 838 838 838 1167 1094 720 595 725 582
"""
_WIDTHS = {
    False: dict(zip(_CHARS, (int(w) for w in _REGULAR.split()))),
    True: dict(zip(_CHARS, (int(w) for w in _BOLD.split()))),
}
_UNKNOWN = {False: 700, True: 760}  # a letter outside the table (Greek, Cyrillic): a wide Latin letter
_WIDE = 1000  # CJK and other full-width characters
DIGIT = _WIDTHS[False]["0"] / 1000  # the width of "0" in em: Excel's column width unit
SAFETY = 1.05  # other fonts' shapes differ a little


def _char(ch: str, bold: bool) -> int:
    w = _WIDTHS[bold].get(ch)
    if w is not None:
        return w
    if ch in "\t\n\r":
        return 0
    return _WIDE if "\u1100" <= ch <= "\uffdc" and not "\ud800" <= ch <= "\udfff" else _UNKNOWN[bold]


_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")  # every digit is as wide as "0" (tabular figures)


@lru_cache(maxsize=1 << 15)
def em(text: str, bold: bool = False) -> float:
    """The width of `text` in em (font sizes), with the safety margin."""
    return _em(text.translate(_DIGITS_AS_ZERO), bold)  # 1.561 and 2.470 are one entry of the second cache


@lru_cache(maxsize=1 << 14)
def _em(text: str, bold: bool) -> float:
    widths = _WIDTHS[bold]
    try:  # every character in the table (nearly every text): summed in C, 5 times faster than one _char a character
        total = sum(map(widths.__getitem__, text))  # (20.000 distinct titles and links at 10.000 cases: 0,08 s)
    except KeyError:  # a character outside it (a tab, Greek, CJK)
        total = sum(_char(ch, bold) for ch in text)
    return total / 1000 * SAFETY


def digit_columns(bold: bool = False) -> float:
    """The width of a digit (every digit is as wide as "0") in columns, with the safety margin."""
    return _WIDTHS[bold]["0"] / 1000 * SAFETY / DIGIT


def points(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` in points at a font size of `size` points."""
    return em(text, bold) * size


def columns(text: str, bold: bool = False) -> float:
    """The width of `text` in Excel column units (widths of the digit 0 in the same font and size)."""
    return em(text, bold) / DIGIT


SOFT_BREAK = re.compile(r"(?<=[/-])(?=[^\W\d_])")  # after "/" or "-" before a letter: "og/eller", "RPA-teknologi"


def _pieces(word: str, soft: bool) -> list[str]:
    return SOFT_BREAK.split(word) if soft and ("/" in word or "-" in word) else [word]


def longest_word(text: str, bold: bool = False, unit=columns, soft: bool = False) -> float:
    """The widest word of `text` (with `soft`, the widest piece between the places a word may break: after "/" or
    "-" before a letter, where slide renderers break lines)."""
    return max((unit(p, bold) for w in text.split() for p in _pieces(w, soft)), default=0.0)


def wrap(text: str, width: float, bold: bool = False, unit=columns, soft: bool = False) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width` (in the units of `unit`, a function of
    (text, bold)). Line breaks in the text are kept; with `soft`, a word may also break after "/" or "-" before a
    letter. A word wider than a line is broken between characters, the way every renderer does; `fits()` says
    whether that happens."""
    out: list[str] = []
    space = unit(" ", bold)
    width += 1e-6  # a line exactly as wide as the room fits (its width summed word by word may differ in the last bit)
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for word, glue in ((p, i > 0) for w in paragraph.split() for i, p in enumerate(_pieces(w, soft))):
            w = unit(word, bold)
            gap = 0.0 if glue else space
            if line and used + gap + w <= width:
                line, used = f"{line}{'' if glue else ' '}{word}", used + gap + w
                continue
            if line:
                out.append(line)
            line, used = "", 0.0
            while w > width and len(word) > 1:  # break inside the word, as a renderer must
                cut = len(word) - 1
                while cut > 1 and unit(word[:cut], bold) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
                w = unit(word, bold)
            line, used = word, w
        out.append(line)
    return out


def fits(text: str, width: float, bold: bool = False, unit=columns, soft: bool = False) -> bool:
    """Does every word of `text` fit on a line `width` wide (no word broken)?"""
    return longest_word(text, bold, unit, soft) <= width


def lines(text: str, width: float, bold: bool = False, unit=columns, soft: bool = False) -> int:
    return len(wrap(text, width, bold, unit, soft))


def pt_unit(size: float):
    """A `unit` for wrap() in points at a font size."""
    return lambda text, bold=False: points(text, size, bold)
