"""Case workbooks typed the way Danish municipal departments type them, one habit at a time.

A `CaseSpec` is the base case sheet ("metadata above, table below": labels in column A, values in B; then a header row
"År | 2026 … 2031" and the rows Engangsinvestering, Varig investering, Investering i alt, Gevinst, Besparelse i alt,
Nettoresultat, Akk. nettoresultat). Every option changes one thing about how the sheet is typed: the label column,
merged labels, where the unit stands, how the years are written, other row names, "Heraf" sub-rows, an "I alt" column,
totals typed / left blank / left out / as formulas, the budget sign convention, text instead of numbers, single cells
typed over. `write_book` writes sheets of such blocks (one case, two stacked, two side by side) plus the sheets that
are not cases (an overview "Samlet", an unfilled template copy, Lister, Vejledning) with openpyxl.

The expected figures come from the amounts the spec holds, by plain arithmetic here (`CaseSpec.expected`), never
from xlpy: amounts are given in the sheet's unit and always positive; the habit options only change how they are
*typed*. Each test writes its own hand sums next to them as well.

Run `python tests/habits.py DIR` to write one workbook per habit and look at them.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

YEARS = list(range(2026, 2032))
FACTORS = {"kr.": 1, "1.000 kr.": 1000, "mio. kr.": 1_000_000}

# The base case's amounts, in 1.000 kr.:
#   Engangsinvestering  500  200    0    0    0    0   = 700
#   Varig investering     0  100  100  100  100  100   = 500
#   Investering i alt   500  300  100  100  100  100   = 1.200
#   Gevinst               0  300  600  800  800  800   = 3.300
#   Nettoresultat      -500    0  500  700  700  700   = 2.100
#   Akk. nettoresultat -500 -500    0  700 1400 2100
BASE_ONE_OFF = [500, 200, 0, 0, 0, 0]
BASE_RECURRING = [0, 100, 100, 100, 100, 100]
BASE_GAIN = [0, 300, 600, 800, 800, 800]

# kinds of rows a department types
ONE_OFF, RECURRING, GAIN = "one_off", "recurring", "gain"
SUB = "sub"          # "Heraf …": shown under its parent, not counted
OTHER = "other"      # an amount row that is not counted (a note row, a row the totals leave out)
COUNT = "count"      # a row that is not an amount at all (Årsværk): never counted, never signed
INPUT_KINDS = (ONE_OFF, RECURRING, GAIN)

TOTAL_LABELS = {"investment": "Investering i alt", "saving_total": "Besparelse i alt", "net": "Nettoresultat",
                "cumulative": "Akk. nettoresultat"}


@dataclass
class Line:
    """One row of the year table: its label, its amounts (in the sheet's unit, positive, one per year; None = blank
    cell) and what it is."""

    label: str
    values: list[float | None]
    kind: str


def base_lines(n: int = 6) -> list[Line]:
    return [Line("Engangsinvestering", list(BASE_ONE_OFF[:n]) + [0] * max(0, n - 6), ONE_OFF),
            Line("Varig investering", list(BASE_RECURRING[:n]) + [100] * max(0, n - 6), RECURRING),
            Line("Gevinst", list(BASE_GAIN[:n]) + [800] * max(0, n - 6), GAIN)]


@dataclass
class Expected:
    """What a case's figures must be, in kr., computed here from the amounts (never by xlpy)."""

    sheet: str
    case_nr: str | None
    title: str | None
    status: str | None
    years: list[int]
    one_off: list[float]
    recurring: list[float]
    saving: list[float]

    @property
    def investment(self) -> list[float]:
        return [a + b for a, b in zip(self.one_off, self.recurring)]

    @property
    def net(self) -> list[float]:
        return [s - i for s, i in zip(self.saving, self.investment)]

    @property
    def total_investment(self) -> float:
        return sum(self.investment)

    @property
    def total_saving(self) -> float:
        return sum(self.saving)

    @property
    def period_net(self) -> float:
        return sum(self.net)


def _num(v: float | None) -> float:
    return 0.0 if v is None else float(v)


@dataclass
class CaseSpec:
    """One case block. Amounts in `lines` are in the sheet's unit and positive; the options say how they are typed."""

    case_nr: str | None = "1"
    title: str | None = "Velfærdsteknologi i hjemmeplejen"
    area: str | None = "Ældre"
    type: str | None = "Effektivisering"
    period: str | None = "2026–2031"
    unit: str | None = "1.000 kr."            # the Enhed field; None = no Enhed field
    factor: int | None = None                 # kr. per unit as meant; None = from `unit` (default 1.000 kr.)
    status: str | None = None
    municipality: str | None = None
    department: str | None = None
    extra_fields: list[tuple[str, Any]] = field(default_factory=list)
    years: list[int] = field(default_factory=lambda: list(YEARS))
    year_headers: list[Any] | None = None     # the header cells as typed; None = the years as numbers
    header_label: str = "År"                  # the header row's cell left of the first year
    title_line: str | None = None             # a line above the table ("Økonomi i mio. kr.")
    row_unit: str | None = None               # appended to every table label: "Gevinst (mio. kr.)"
    lines: list[Line] = field(default_factory=base_lines)
    totals: str = "typed"                     # typed | blank | none (rows left out) | formula
    totals_decimals: int | None = None        # typed totals rounded to this many decimals (what the sheet shows)
    total_column: bool = False                # an "I alt" column right of the years
    total_column_overrides: dict[str, Any] = field(default_factory=dict)  # label -> what the I alt cell holds
    gain_sign: int = 1                        # -1: budget convention (gains and their totals typed with minus)
    negate: set[tuple[str, int]] = field(default_factory=set)  # (label, year index) typed with a minus
    as_text: bool = False                     # every amount typed as Danish text ("1.561")
    overrides: dict[tuple[str, int], Any] = field(default_factory=dict)  # (label, year index) -> what is typed
    label_col: int = 1                        # 1 = column A
    top: int = 1                              # first row of the block
    merged_labels: bool = False               # metadata labels merged over two columns, value in the third
    tables: int = 1                           # >1: the same table typed again below (one Case nr., several tables)
    table_gap: int = 1                        # blank rows between the metadata and the table

    # --- what the sheet means --------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.years)

    @property
    def kr_factor(self) -> int:
        if self.factor is not None:
            return self.factor
        return FACTORS.get(self.unit or "1.000 kr.", 1000)

    def sums(self) -> dict[str, list[float]]:
        """The totals in the sheet's unit (positive convention), from the counted rows."""
        n = self.n
        col = lambda kind: [sum(_num(line.values[i]) for line in self.lines if line.kind == kind)  # noqa: E731
                            for i in range(n)]
        one_off, recurring, saving = col(ONE_OFF), col(RECURRING), col(GAIN)
        investment = [a + b for a, b in zip(one_off, recurring)]
        net = [s - i for s, i in zip(saving, investment)]
        cumulative, run = [], 0.0
        for v in net:
            run += v
            cumulative.append(run)
        return {"one_off": one_off, "recurring": recurring, "saving": saving, "investment": investment,
                "saving_total": saving, "net": net, "cumulative": cumulative}

    def expected(self, sheet: str) -> Expected:
        s, k = self.sums(), self.kr_factor
        scale = lambda xs: [round(x * k, 2) for x in xs]  # noqa: E731
        return Expected(sheet, self.case_nr, self.title, self.status, list(self.years), scale(s["one_off"]),
                        scale(s["recurring"]), scale(s["saving"]))

    def has_amounts(self) -> bool:
        return any(_num(v) for line in self.lines if line.kind in INPUT_KINDS for v in line.values)

    # --- layout -----------------------------------------------------------------------------------------------------
    def metadata(self) -> list[tuple[str, Any]]:
        out = []
        for label, value in (("Case nr.", self.case_nr), ("Titel", self.title), ("Område", self.area),
                             ("Type", self.type), ("Periode", self.period), ("Status", self.status),
                             ("Kommune", self.municipality), ("Forvaltning", self.department),
                             ("Enhed", self.unit)):
            if value is not None:
                out.append((label, value))
        return out + list(self.extra_fields)

    def ordered_rows(self) -> list[tuple[str, str, list]]:
        """(label, kind, values as meant, sign applied) in sheet order, totals placed where the template has them."""
        sums = self.sums()
        sign = self.gain_sign
        rows: list[tuple[str, str, list]] = []
        placed_investment = False
        total = lambda key, s=1: (TOTAL_LABELS[key], "total:" + key, [s * v for v in sums[key]])  # noqa: E731
        with_totals = self.totals != "none"
        for line in self.lines:
            if line.kind == GAIN and not placed_investment:
                if with_totals:
                    rows.append(total("investment"))
                placed_investment = True
            in_gains = placed_investment
            s = sign if in_gains and line.kind != COUNT else 1
            rows.append((line.label, line.kind, [None if v is None else s * v for v in line.values]))
        if not placed_investment and with_totals:
            rows.append(total("investment"))
        if with_totals:
            # budget convention: gains typed negative, net = investment + gains (a cost is positive)
            rows += [total("saving_total", sign), total("net", sign), total("cumulative", sign)]
        return rows


@dataclass
class Layout:
    """Where a block's cells ended up: label -> Excel row, year index -> column letter."""

    sheet: str
    rows: dict[str, int]
    year_cols: list[int]
    label_col: int
    header_row: int
    field_rows: dict[str, int]
    total_col: int | None = None
    height: int = 0

    def cell(self, label: str, i: int) -> str:
        return f"{get_column_letter(self.year_cols[i])}{self.rows[label]}"

    def label_cell(self, label: str) -> str:
        return f"{get_column_letter(self.label_col)}{self.rows[label]}"

    def total_cell(self, label: str) -> str:
        assert self.total_col is not None
        return f"{get_column_letter(self.total_col)}{self.rows[label]}"


def year_headers(style: str, years: list[int]) -> list:
    """Year header cells as departments type them: numbers, text, "2026*", "B2026 BO1 2027 …" (with or without a
    space), "Budget 2026 Overslagsår 2027 …", or dates shown as years."""
    if style == "numbers":
        return list(years)
    if style == "text":
        return [str(y) for y in years]
    if style == "star":
        return [f"{y}*" for y in years]
    if style == "budget":
        return [f"B{years[0]}"] + [f"BO{k} {y}" for k, y in enumerate(years[1:], start=1)]
    if style == "budget spaced":
        return [f"B {years[0]}"] + [f"BO{k} {y}" for k, y in enumerate(years[1:], start=1)]
    if style == "words":
        return [f"Budget {years[0]}"] + [f"Overslagsår {y}" for y in years[1:]]
    return [dt.date(y, 1, 1) for y in years]  # dates formatted "yyyy"


def danish(v: float) -> str:
    """A number as a Danish department types it as text: 1561 -> "1.561", -0.45 -> "-0,45"."""
    sign = "-" if v < 0 else ""
    v = abs(v)
    whole = int(round(v, 6)) if float(round(v, 6)).is_integer() else None
    if whole is not None:
        return sign + f"{whole:,}".replace(",", ".")
    text = f"{v:.6f}".rstrip("0")
    head, tail = text.split(".")
    return sign + f"{int(head):,}".replace(",", ".") + "," + tail


def _typed(spec: CaseSpec, v: float | None, decimals: int | None = None) -> Any:
    if v is None:
        return None
    v = round(v, decimals) if decimals is not None else round(v, 9)
    v = v + 0.0
    if float(v).is_integer():
        v = int(v)
    return danish(v) if spec.as_text else v


def write_case(ws, spec: CaseSpec) -> Layout:
    """Write one case block into an openpyxl worksheet at (spec.top, spec.label_col)."""
    r, c = spec.top, spec.label_col
    field_rows = {}
    for label, value in spec.metadata():
        if spec.merged_labels:
            ws.cell(r, c, label)
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
            ws.cell(r, c + 2, value)
        else:
            ws.cell(r, c, label)
            ws.cell(r, c + 1, value)
        field_rows[label] = r
        r += 1
    r += spec.table_gap
    layout = None
    for _ in range(spec.tables):
        if spec.title_line:
            ws.cell(r, c, spec.title_line)
            r += 1
        layout_k, r = _write_table(ws, spec, r, c, field_rows)
        layout = layout or layout_k
        r += 2
    assert layout is not None
    layout.height = r - spec.top
    return layout


def _write_table(ws, spec: CaseSpec, r: int, c: int, field_rows: dict[str, int]) -> tuple[Layout, int]:
    header_row = r
    ws.cell(r, c, spec.header_label)
    headers = spec.year_headers if spec.year_headers is not None else spec.years
    year_cols = []
    for i, h in enumerate(headers):
        cell = ws.cell(r, c + 1 + i, h)
        if isinstance(h, (dt.date, dt.datetime)):
            cell.number_format = "yyyy"
        year_cols.append(c + 1 + i)
    total_col = c + 1 + len(headers) if spec.total_column else None
    if total_col:
        ws.cell(r, total_col, "I alt")
    r += 1
    rows: dict[str, int] = {}
    for label, kind, values in spec.ordered_rows():
        shown = f"{label} ({spec.row_unit})" if spec.row_unit else label
        ws.cell(r, c, shown)
        rows[label] = r
        is_total = kind.startswith("total:")
        decimals = spec.totals_decimals if is_total else None
        for i, v in enumerate(values):
            col = year_cols[i]
            if (label, i) in spec.overrides:
                ws.cell(r, col, spec.overrides[(label, i)])
                continue
            if is_total and spec.totals in ("blank",):
                continue
            if is_total and spec.totals == "formula":
                ws.cell(r, col, _formula(kind, rows, col, r, c, spec, i))
                continue
            if v is not None and (label, i) in spec.negate:
                v = -v
            value = _typed(spec, v, decimals)
            cell = ws.cell(r, col, value)
            if decimals is not None and not spec.as_text:
                cell.number_format = "0." + "0" * decimals if decimals else "0"
        if total_col:
            if label in spec.total_column_overrides:
                ws.cell(r, total_col, spec.total_column_overrides[label])
            elif not (is_total and spec.totals in ("blank", "formula")):
                s = sum(_num(v) for v in values)
                ws.cell(r, total_col, _typed(spec, s, decimals))
        r += 1
    return Layout("", rows, year_cols, c, header_row, field_rows, total_col), r


def _formula(kind: str, rows: dict[str, int], col: int, r: int, c: int, spec: CaseSpec, i: int) -> str:
    """The template's live formulas (openpyxl writes them without a stored value, as a generated file has)."""
    L = get_column_letter(col)
    key = kind.split(":", 1)[1]
    labels = [(line.label, line.kind) for line in spec.lines]
    ref = lambda names: "+".join(f"{L}{rows[n]}" for n in names if n in rows) or "0"  # noqa: E731
    if key == "investment":
        return "=" + ref([n for n, k in labels if k in (ONE_OFF, RECURRING)])
    if key == "saving_total":
        return "=" + ref([n for n, k in labels if k == GAIN])
    if key == "net":
        return f"={L}{rows['Besparelse i alt']}-{L}{rows['Investering i alt']}"
    prev = f"{get_column_letter(col - 1)}{r}+" if i else ""
    return f"={prev}{L}{rows['Nettoresultat']}"


# --- sheets that are not cases ----------------------------------------------------------------------------------

def overview_spec(cases: Sequence[CaseSpec], title_line: str = "Samlet oversigt over alle cases") -> CaseSpec:
    """An overview sheet: the same table rows, each amount the sum over the cases, and no Case nr."""
    first = cases[0]
    lines = []
    for k, line in enumerate(first.lines):
        values = [sum(_num(c.lines[k].values[i]) for c in cases) for i in range(first.n)]
        lines.append(Line(line.label, values, line.kind))
    return CaseSpec(case_nr=None, title=None, area=None, type=None, period=None, unit=first.unit, lines=lines,
                    years=list(first.years), title_line=title_line)


def template_spec(years: Sequence[int] = YEARS) -> CaseSpec:
    """An unfilled copy of the template: every label, no Case nr., no Titel, no amounts."""
    return CaseSpec(case_nr="", title="", area="", type="", period="", unit="1.000 kr.", status="",
                    years=list(years), totals="blank",
                    lines=[Line("Engangsinvestering", [None] * len(years), ONE_OFF),
                           Line("Varig investering", [None] * len(years), RECURRING),
                           Line("Gevinst", [None] * len(years), GAIN)])


LISTER = {
    "Område": ["Tværgående forslag", "Administration", "Beskæftigelse", "Dagtilbud",
               "Det specialiserede socialområde", "Kultur og fritid", "Skole, SFO og klub", "Sundhed",
               "Teknik og miljø", "Ældre"],
    "Type": ["Effektivisering", "Servicereduktion"],
    "Status": ["Idé", "Under udarbejdelse", "Besluttet", "Igangsat", "Under implementering", "Implementeret",
               "Opgivet"],
}


def write_lister(ws) -> None:
    for c, (name, values) in enumerate(LISTER.items(), start=1):
        ws.cell(1, c, name)
        for r, v in enumerate(values, start=2):
            ws.cell(r, c, v)


def write_vejledning(ws) -> None:
    """A guide sheet explaining the rows, the way departments write them (labels in A, explanation in B)."""
    lines = [("Vejledning til skabelonen", None),
             (None, None),
             ("Case nr.", "Tildeles af Økonomi og Analyse"),
             ("Engangsinvestering", "Udgifter der kun afholdes én gang, fx indkøb af udstyr"),
             ("Varig investering", "Løbende udgifter, fx licenser"),
             ("Gevinst", "Den forventede besparelse pr. år"),
             ("Nettoresultat", "Beregnes automatisk"),
             ("Enhed", "Alle beløb angives i 1.000 kr.")]
    for r, (a, b) in enumerate(lines, start=1):
        ws.cell(r, 1, a)
        ws.cell(r, 2, b)


Writer = Callable[[Any], Any]


@dataclass
class Book:
    path: Path
    expected: list[Expected]
    layouts: dict[str, Layout]  # case_nr (or sheet name for blocks without one) -> where its cells are

    def only(self) -> Expected:
        assert len(self.expected) == 1
        return self.expected[0]

    def layout(self, key: str | None = None) -> Layout:
        if key is None:
            assert len(self.layouts) == 1, list(self.layouts)
            return next(iter(self.layouts.values()))
        return self.layouts[key]


def write_book(path: Path, sheets: Sequence[tuple[str, Sequence[CaseSpec] | Writer]],
               not_cases: Sequence[str] = ()) -> Book:
    """Write a workbook: each sheet is (name, case blocks) or (name, a function that writes it). Blocks on sheets
    named in `not_cases` (an overview, a template copy) give no expected case."""
    wb = Workbook()
    wb.remove(wb.active)
    expected, layouts = [], {}
    for name, content in sheets:
        ws = wb.create_sheet(name)
        if callable(content):
            content(ws)
            continue
        for spec in content:
            layout = write_case(ws, spec)
            layout.sheet = name
            layouts[spec.case_nr or name] = layout
            if name not in not_cases:
                expected.append(spec.expected(name))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Book(path, expected, layouts)


def one_case(path: Path, spec: CaseSpec | None = None, sheet: str = "Case 1", lister: bool = True, **changes) -> Book:
    """The base case with `changes` applied (one habit), on one sheet, plus a Lister sheet."""
    spec = replace(spec or CaseSpec(), **changes)
    sheets: list = [(sheet, [spec])]
    if lister:
        sheets.append(("Lister", write_lister))
    return write_book(path, sheets)


def stacked(specs: Sequence[CaseSpec], gap: int = 3) -> list[CaseSpec]:
    """Blocks one under the other on one sheet."""
    out, top = [], 1
    for spec in specs:
        probe = Workbook().active
        height = write_case(probe, replace(spec, top=1)).height
        out.append(replace(spec, top=top))
        top += height + gap
    return out


# --- a look at the files ----------------------------------------------------------------------------------------

def _demo(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    one_case(folder / "base.xlsx")
    one_case(folder / "kolonne_b.xlsx", label_col=2)
    one_case(folder / "flettet.xlsx", merged_labels=True)
    one_case(folder / "budgetfortegn.xlsx", gain_sign=-1)
    one_case(folder / "tekst.xlsx", as_text=True)
    one_case(folder / "formler.xlsx", totals="formula")
    a = CaseSpec(case_nr="1")
    b = CaseSpec(case_nr="2", title="Digital skoleadministration", area="Skole, SFO og klub")
    write_book(folder / "stablet.xlsx", [("Cases", stacked([a, b]))])
    write_book(folder / "samlet.xlsx", [("Case 1", [a]), ("Case 2", [b]), ("Samlet", [overview_spec([a, b])]),
                                        ("Case 3", [template_spec()]), ("Lister", write_lister),
                                        ("Vejledning", write_vejledning)], not_cases=("Samlet", "Case 3"))


if __name__ == "__main__":
    _demo(Path(sys.argv[1] if len(sys.argv) > 1 else "habits_demo"))
