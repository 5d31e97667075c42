"""Slides as data: what stands where on each slide of the decision paper, in points, decided here once; the
python-pptx writer (write/deck.py) only renders it.

python-pptx has no layout engine, so everything is measured (layouts/measure.py, with the widths of a wide font so
the text fits in the template's own font as well): titles get the size at which they fit their box, tables get
column widths from their contents and row heights from the lines their cells wrap onto, and a table longer than a
slide is split over several, the header repeated. Numbers are written as Danish text here ("1.561", "2,47",
"61,8 mio. kr."); charts carry the numbers themselves and a number format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ..sheet.numbers import grouped
from . import measure

LINE = 1.2  # line height, in font sizes
MUTED = "595959"  # grey text: notes, rows not in the totals
DASH = "–"


# --- the data ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Para:
    text: str
    size: float
    bold: bool = False
    italic: bool = False
    color: str | None = None  # RRGGBB; "light" = the theme's light colour (on an accent fill); None = the theme's
    align: str = "left"  # left | center | right
    space_before: float = 0.0


@dataclass
class Text:
    box: Box
    paras: list[Para]
    fill: str | None = None  # "accent" (the theme's first accent colour), "light", or RRGGBB
    anchor: str = "top"  # top | middle | bottom
    margin: float = 4.0  # inner margin on every side
    name: str = ""


@dataclass
class Cell:
    text: str
    bold: bool = False
    italic: bool = False
    color: str | None = None
    align: str = "left"
    size: float | None = None  # None: the table's size
    note: str = ""  # a second paragraph, smaller, in italics and grey ("Ikke i summen: dublet")


@dataclass
class Table:
    box: Box
    widths: list[float]
    heights: list[float]
    rows: list[list[Cell]]
    size: float
    header_rows: int = 1
    name: str = ""
    margin: float = 4.0  # left and right inside each cell (top and bottom: half)


@dataclass
class Chart:
    box: Box
    kind: str  # column_stacked | column_clustered
    categories: list[str]
    series: list[tuple[str, list[float]]]
    title: str | None = None
    number_format: str = "#,##0"
    legend: bool = True
    data_labels: bool = False
    negative_color: str | None = None  # RRGGBB for bars below 0 (one series)
    size: float = 10.0
    name: str = ""


Shape = Text | Table | Chart


@dataclass
class Slide:
    key: str  # what the slide is: title, key-figures, overview-N, chart-net, chart-count, case-N, problems-N
    title: str
    title_size: float
    shapes: list[Shape] = field(default_factory=list)
    subtitle: list[Para] = field(default_factory=list)  # the title slide's
    notes: str = ""


@dataclass(frozen=True)
class Page:
    """The geometry a template gives: the slide, where titles go, where the content goes."""

    width: float
    height: float
    title: Box
    body: Box
    cover: Box | None = None  # the title slide's title

    @classmethod
    def default(cls, width: float = 960.0, height: float = 540.0) -> "Page":
        margin = width * 0.045
        title = Box(margin, height * 0.04, width - 2 * margin, height * 0.15)
        top = title.bottom + height * 0.025
        return cls(width, height, title, Box(margin, top, width - 2 * margin, height * 0.94 - top),
                   Box(margin * 2, height * 0.3, width - 4 * margin, height * 0.25))

    @property
    def cover_title(self) -> Box:
        return self.cover or self.title


@dataclass
class Deck:
    page: Page
    slides: list[Slide]


# --- Danish numbers ------------------------------------------------------------------------------------------------

def thousands(value: float | None) -> str:
    """An amount in kr. shown in 1.000 kr.: 1561000 -> "1.561"; None -> "–"."""
    if value is None or value != value:
        return DASH
    shown = grouped(value / 1000, "da", 0)
    return "0" if shown == "-0" else shown


def millions(value: float | None) -> str:
    """An amount in kr. shown in mio. kr.: 61800000 -> "61,8 mio. kr."."""
    if value is None or value != value:
        return DASH
    return f"{grouped(value / 1e6, 'da', 1, fixed=True)} mio. kr."


def ratio(value: float | None) -> str:
    return DASH if value is None or value != value else grouped(value, "da", 2, fixed=True)


def decimal(value: float | None) -> str:
    """Realiserbarhed and the like: "2", "2,5"."""
    if value is None or value != value:
        return DASH
    return grouped(value, "da", 1)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(value) -> str:
    """Text from an input cell as it can stand on a slide: no control characters (XML forbids them), no lone
    surrogates (a file name that is not UTF-8), no None."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
        return grouped(value, "da", 2)
    text = str(value)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            try:
                text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:
                text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", text).strip()


# --- measuring -----------------------------------------------------------------------------------------------------

def text_width(text: str, size: float, bold: bool = False) -> float:
    return measure.points(text, size, bold)


def wrapped(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of `text` in `width` points, broken where PowerPoint and LibreOffice break lines (spaces, and after
    "/" or "-" before a letter)."""
    return measure.wrap(text, width, bold, measure.pt_unit(size), soft=True)


def narrowest(text: str, size: float, bold: bool, lines: int) -> float:
    """The least width in which `text` takes at most `lines` lines (never less than its widest word)."""
    unit = measure.pt_unit(size)
    low = measure.longest_word(text, bold, unit, soft=True)
    high = max(low, text_width(text, size, bold))
    while high - low > 1:
        mid = (low + high) / 2
        if len(wrapped(text, mid, size, bold)) <= lines:
            high = mid
        else:
            low = mid
    return high


def text_height(lines: int, size: float) -> float:
    return lines * size * LINE


def fit_title(text: str, box: Box, sizes: Sequence[float] = (28, 26, 24, 22, 20, 18)) -> tuple[str, float]:
    """The largest size at which the title fits its box (wrapped); at the smallest, the lines that fit, then "…"."""
    room = box.w - 16  # the placeholder's own inner margins
    for size in sizes:
        lines = wrapped(text, room, size)
        if text_height(len(lines), size) <= box.h - 8:
            return text, size
    size = sizes[-1]
    fit = max(1, int((box.h - 8) // (size * LINE)))
    return shorten(text, room, size, fit), size


def shorten(text: str, width: float, size: float, lines: int, bold: bool = False) -> str:
    """`text` cut to what `lines` lines of `width` hold, ending in "…"."""
    out = wrapped(text, width, size, bold)
    if len(out) <= lines:
        return text
    kept = out[:lines]
    last = kept[-1]
    while last and text_width(last + " …", size, bold) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = (last + " …").strip()
    return "\n".join(kept)


def fit_text(texts: Sequence[str], box: Box, sizes: Sequence[float], bold: bool = False,
             margin: float = 4.0) -> tuple[float, list[str], bool]:
    """The largest size at which the paragraphs fit the box; at the smallest, the paragraphs cut at the last line
    that fits (the last kept line ends in "…"). Returns (size, paragraphs, whether anything was cut)."""
    room_w, room_h = box.w - 2 * margin, box.h - 2 * margin
    for size in sizes:
        lines = sum(len(wrapped(t, room_w, size, bold)) for t in texts)
        if text_height(lines, size) <= room_h:
            return size, list(texts), False
    size = sizes[-1]
    budget = int(room_h // (size * LINE))
    out: list[str] = []
    for t in texts:
        n = len(wrapped(t, room_w, size, bold))
        if n <= budget:
            out.append(t)
            budget -= n
            continue
        if budget > 0:
            out.append(shorten(t, room_w, size, budget, bold))
        break
    return size, out, True


# --- tables --------------------------------------------------------------------------------------------------------

def column_widths(rows: Sequence[Sequence[Cell]], size: float, available: float, flex: int | None = None,
                  margin: float = 4.0, header_rows: int = 1) -> list[float] | None:
    """Widths for the columns: each at least as wide as its longest word (no word broken), as wide as its longest
    line where there is room; what is left goes to `flex` (the column that wraps most, a title), or with no `flex`
    to the columns after the first in equal parts (a table of years). None when even the longest words do not fit
    `available`."""
    n = max(len(r) for r in rows)
    least, most = [0.0] * n, [0.0] * n
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            s = cell.size or size
            bold = cell.bold or r < header_rows
            for line in cell.text.split("\n") + ([cell.note] if cell.note else []):
                least[c] = max(least[c], measure.longest_word(line, bold, measure.pt_unit(s), soft=True)
                               + 2 * margin + 1)
                wanted = text_width(line, s, bold) if r >= header_rows else narrowest(line, s, bold, 3)
                most[c] = max(most[c], wanted + 2 * margin + 1)  # a header may take three lines
    most = [max(a, b) for a, b in zip(least, most)]
    if sum(least) > available:
        return None
    if flex is not None:
        most[flex] = max(most[flex], least[flex])
    spare = available - sum(least)
    want = [m - a for a, m in zip(least, most)]
    if sum(want) <= spare:  # everything on one line where it can be; the rest to the flexible column
        widths = list(most)
        rest = spare - sum(want)
        if flex is not None:
            widths[flex] += rest
        else:  # a table of numbers: the rest shared by the columns after the first (the years)
            for c in range(1 if n > 1 else 0, n):
                widths[c] += rest / (n - 1 if n > 1 else 1)
    else:  # the squeeze shared in proportion to what each column would need to stay on one line
        widths = [a + w * spare / sum(want) for a, w in zip(least, want)]
    return widths


def fit_columns(make_rows, width: float, sizes: Sequence[float] = (10, 9, 8, 7, 6), flex: int | None = None,
                margin: float = 4.0) -> tuple[float, list[list[Cell]], list[float]]:
    """The largest size at which the rows `make_rows(size)` fit `width` with no word broken, their rows and column
    widths; at the smallest, the first column a fifth and the others equal (the renderer breaks what it must)."""
    for size in sizes:
        rows = make_rows(size)
        widths = column_widths(rows, size, width, flex=flex, margin=margin)
        if widths is not None:
            return size, rows, widths
    n = len(rows[0])
    return size, rows, [width * 0.2] + [width * 0.8 / (n - 1)] * (n - 1) if n > 1 else [width]


def row_heights(rows: Sequence[Sequence[Cell]], widths: Sequence[float], size: float, margin: float = 4.0,
                header_rows: int = 1) -> list[float]:
    out = []
    for r, row in enumerate(rows):
        most = 1
        tallest = size
        for c, cell in enumerate(row):
            s = cell.size or size
            bold = cell.bold or r < header_rows
            lines = sum(len(wrapped(line, widths[c] - 2 * margin - 1, s, bold)) for line in cell.text.split("\n"))
            if cell.note:  # smaller: counted as lines of the cell's size, which is more
                lines += len(wrapped(cell.note, widths[c] - 2 * margin - 1, s - 1, False))
            if text_height(lines, s) > text_height(most, tallest):
                most, tallest = lines, s
        out.append(text_height(most, tallest) + margin + 2)
    return out


def paged_rows(heights: Sequence[float], header: float, room: float, keep_last: int = 0) -> list[list[int]]:
    """Body rows split into pages that fit `room` under a repeated header; the last `keep_last` rows (a totals row)
    stay on the last page with at least one other row."""
    pages: list[list[int]] = [[]]
    used = header
    for i, h in enumerate(heights):
        if pages[-1] and used + h > room:
            pages.append([])
            used = header
        pages[-1].append(i)
        used += h
    if keep_last and len(pages[-1]) <= keep_last and len(pages) > 1 and len(pages[-2]) > 1:
        pages[-1].insert(0, pages[-2].pop())
    return pages
