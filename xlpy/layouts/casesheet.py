"""The case template as data: a case sheet (metadata block + year table with live formulas), the "Lister" sheet
with the allowed values, and the "Vejledning" sheet. Used by `xlpy template`, by the sample builders, and by the
ribbon's "Ny case"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..cells import a1, column_letter
from ..sheet.labels import (
    DEFAULT_LISTS, DEFAULT_UNIT, GUIDE_SHEET, LISTS_SHEET, METADATA, REALISABILITY_STEPS, UNITS, row_label,
)
from ..layout import Formula, SheetLayout, Validation

FIRST_FIELD_ROW = 3  # 0-based: row 4 in Excel
FOLLOW_UP_FIELDS = ("follow_up_year", "deviation_reason")  # written under the table, with the realised rows
LABEL_COL = 0
DEFAULT_YEARS = tuple(range(2026, 2032))
COUNTED_CHOICES = ("Ja", "Nej")
LIST_COLUMNS = (("Område", "area"), ("Kategori", "category"), ("Type", "type"), ("Status", "status"))


@dataclass
class Gain:
    label: str = "Gevinst"
    values: Sequence[Any] = ()
    counted: bool = True


@dataclass
class CaseSpec:
    """What to put in a case sheet. Values are written as given (numbers, or text exactly as a document prints
    it); `net` / `cumulative` / `investment` / `saving_total` replace the live formula by hard values."""

    sheet: str = "Case 1"
    fields: dict[str, Any] = field(default_factory=dict)
    years: Sequence[int] = DEFAULT_YEARS
    one_off: Sequence[Any] = ()
    recurring: Sequence[Any] = ()
    gains: Sequence[Gain] = (Gain("Gevinst"), Gain("Øvrig gevinst"))
    investment: Sequence[Any] | None = None
    saving_total: Sequence[Any] | None = None
    net: Sequence[Any] | None = None
    cumulative: Sequence[Any] | None = None
    labels: dict[str, str] = field(default_factory=dict)  # row key -> label as the document prints it
    realised_investment: Sequence[Any] = ()  # follow-up: actual amounts by year (blank = not yet known)
    realised_saving: Sequence[Any] = ()
    low: dict[str, Sequence[Any]] = field(default_factory=dict)  # three-point estimates: one_off/recurring/saving ->
    high: dict[str, Sequence[Any]] = field(default_factory=dict)  # amounts by year (blank = as the base)


def _list_range(index: int, count: int) -> str:
    col = column_letter(index)
    return f"={LISTS_SHEET}!${col}$2:${col}${count + 1}"


def lists_columns(lists: dict[str, Sequence[str]] | None = None) -> list[tuple[str, list[Any]]]:
    lists = lists or DEFAULT_LISTS
    columns: list[tuple[str, list[Any]]] = [(title, list(lists[name])) for title, name in LIST_COLUMNS]
    columns.append(("Enhed", list(UNITS)))
    columns.append(("Realiserbarhed", [int(s) if s.is_integer() else s for s in REALISABILITY_STEPS]))
    columns.append(("Medregnes", list(COUNTED_CHOICES)))
    return columns


def lists_sheet(lists: dict[str, Sequence[str]] | None = None) -> SheetLayout:
    sheet = SheetLayout(LISTS_SHEET, freeze="A2")
    for c, (title, values) in enumerate(lists_columns(lists)):
        sheet.put(0, c, title, "header_left")
        for r, value in enumerate(values, start=1):
            sheet.put(r, c, value, "text")
        sheet.widths[c] = max(14, min(40, max(len(str(v)) for v in [title, *values]) + 2))
    return sheet


GUIDE_LINES = (
    ("Sådan bruger du skabelonen", "title"),
    ("", "text"),
    ("1. Kopiér arket »Case 1« for hver ny case (højreklik på fanen › Flyt eller kopiér › Opret en kopi).", "text"),
    ("2. Udfyld de gule celler. De grå celler regnes ud af Excel, mens du skriver.", "text"),
    ("3. Skriv alle beløb som positive tal i den enhed, der står ud for Enhed (kr., 1.000 kr. eller mio. kr.).",
     "text"),
    ("4. Nettoresultat = besparelse i alt − investering i alt. Et positivt nettoresultat er en besparelse.", "text"),
    ("5. Periode skal passe med årstallene i tabellen, fx 2026–2031.", "text"),
    ("6. Sæt Medregnes til »Nej« for en gevinst, der vises men ikke hører til casen (fx fra en eksisterende case).",
     "text"),
    ("7. Skriv ét tal pr. celle – ikke intervaller som 2.000-8.000. Usikkerhed beskrives under Beskrivelse.", "text"),
    ("8. Du må gerne indsætte rækker, flytte tabellen eller omdøbe arket: xlpy finder felterne ud fra teksterne.",
     "text"),
    ("", "text"),
    ("Kontrol og overblik", "label"),
    ("Validér: xlpy validate <fil>  ·  Beregn: xlpy compute <fil>  ·  Overblik: xlpy consolidate <mappe>", "text"),
    ("Fejl vises på arket »Fejl« med et link til hver celle. Listerne over tilladte værdier står på arket »Lister«.",
     "text"),
)


def guide_sheet() -> SheetLayout:
    sheet = SheetLayout(GUIDE_SHEET)
    for r, (text, style) in enumerate(GUIDE_LINES):
        if text:
            sheet.put(r, 0, text, style)
    sheet.widths[0] = 110
    return sheet


def case_sheet(spec: CaseSpec | None = None) -> SheetLayout:
    spec = spec or CaseSpec()
    sheet = SheetLayout(spec.sheet)
    years = list(spec.years)
    n = len(years)
    first, last = 1, n  # year columns B.. (0-based 1..n)
    total_col, counted_col = n + 1, n + 2

    sheet.put(0, 0, "Investeringscase", "title")
    sheet.put(1, 0, "Gule celler udfyldes, grå celler beregnes. Beløb i den enhed, der står ud for Enhed.", "note")
    list_index = {name: i for i, (_, name) in enumerate(LIST_COLUMNS)}
    fields = dict(spec.fields)
    fields.setdefault("unit", DEFAULT_UNIT)
    r = FIRST_FIELD_ROW
    for name, (label, _) in METADATA.items():
        if name in FOLLOW_UP_FIELDS:
            continue  # in the follow-up block under the table
        sheet.put(r, LABEL_COL, label, "label")
        value = fields.get(name)
        style = "input_realisability" if name == "realisability" else "input_text"
        sheet.put(r, 1, value, style)
        if name in list_index:
            count = len(DEFAULT_LISTS[name])
            sheet.validations.append(Validation(a1(r, 1), _list_range(list_index[name], count)))
        elif name == "unit":
            sheet.validations.append(Validation(a1(r, 1), _list_range(4, len(UNITS))))
        elif name == "realisability":
            sheet.validations.append(Validation(a1(r, 1), _list_range(5, len(REALISABILITY_STEPS))))
        r += 1

    header = r + 1
    label = lambda key: spec.labels.get(key, row_label(key))  # noqa: E731
    sheet.put(header, LABEL_COL, "År", "header_left")
    for i, year in enumerate(years):
        sheet.put(header, first + i, year, "input_year")
    sheet.put(header, total_col, "I alt", "header")
    sheet.put(header, counted_col, "Medregnes", "header")

    row = header + 1
    rows: dict[str, int] = {}

    def amounts(r: int, key: str, values: Sequence[Any], style: str) -> None:
        for i in range(n):
            value = values[i] if i < len(values) else (0 if style == "input_amount" else None)
            sheet.put(r, first + i, value, style)

    def total(r: int) -> None:
        sheet.put(r, total_col, Formula(f"=SUM({a1(r, first)}:{a1(r, last)})"), "computed_total")

    for key, values in (("one_off", spec.one_off), ("recurring", spec.recurring)):
        rows[key] = row
        sheet.put(row, LABEL_COL, label(key), "label")
        amounts(row, key, values, "input_amount")
        total(row)
        row += 1

    rows["investment"] = row
    sheet.put(row, LABEL_COL, label("investment"), "label")
    _computed(sheet, row, first, n, spec.investment,
              lambda c: f"={a1(rows['one_off'], c)}+{a1(rows['recurring'], c)}")
    total(row)
    row += 1

    gain_rows = []
    for gain in spec.gains:
        gain_rows.append(row)
        sheet.put(row, LABEL_COL, gain.label, "label")
        amounts(row, "saving", gain.values, "input_amount")
        total(row)
        sheet.put(row, counted_col, "Ja" if gain.counted else "Nej", "input_text")
        row += 1
    g0, g1 = gain_rows[0], gain_rows[-1]
    sheet.validations.append(Validation(f"{a1(g0, counted_col)}:{a1(g1, counted_col)}", _list_range(6, 2)))

    cc = column_letter(counted_col)
    rows["saving_total"] = row
    sheet.put(row, LABEL_COL, label("saving_total"), "label")
    _computed(sheet, row, first, n, spec.saving_total,
              lambda c: f'=SUMPRODUCT({a1(g0, c)}:{a1(g1, c)}*(${cc}${g0 + 1}:${cc}${g1 + 1}<>"Nej"))')
    total(row)
    row += 1

    rows["net"] = row
    sheet.put(row, LABEL_COL, label("net"), "label")
    _computed(sheet, row, first, n, spec.net, lambda c: f"={a1(rows['saving_total'], c)}-{a1(rows['investment'], c)}")
    total(row)
    row += 1

    rows["cumulative"] = row
    sheet.put(row, LABEL_COL, label("cumulative"), "label")
    _computed(sheet, row, first, n, spec.cumulative,
              lambda c: f"={a1(rows['net'], c)}" if c == first else f"={a1(row, c - 1)}+{a1(rows['net'], c)}")
    row += 2

    # Follow-up: realised amounts by year and the follow-up fields, under the table (issue: follow-up)
    sheet.put(row, LABEL_COL, "Opfølgning (realiserede beløb, samme enhed)", "header_left")
    for key, label_text, values in (("realised_investment", "Realiseret investering", spec.realised_investment),
                                    ("realised_saving", "Realiseret gevinst", spec.realised_saving)):
        row += 1
        sheet.put(row, LABEL_COL, label_text, "label")
        for i in range(n):
            sheet.put(row, first + i, values[i] if i < len(values) else None, "input_amount")
        total(row)
    for name in FOLLOW_UP_FIELDS:
        row += 1
        sheet.put(row, LABEL_COL, METADATA[name][0], "label")
        sheet.put(row, 1, fields.get(name), "input_text")
    row += 2

    # Uncertainty: low and high estimates of the input rows ("companion rows"); a blank cell is the base
    sheet.put(row, LABEL_COL, "Usikkerhed (lav/høj, tomt = som basis)", "header_left")
    gain_label = spec.gains[0].label if spec.gains else row_label("saving")
    for key, base_label in (("one_off", label("one_off")), ("recurring", label("recurring")), ("saving", gain_label)):
        for side, values in (("lav", spec.low.get(key, ())), ("høj", spec.high.get(key, ()))):
            row += 1
            sheet.put(row, LABEL_COL, f"{base_label} ({side})", "label")
            for i in range(n):
                sheet.put(row, first + i, values[i] if i < len(values) else None, "input_amount")
    row += 2

    sheet.put(row, 0, "Medregnes = Nej: rækken vises, men indgår ikke i casens resultat "
                      "(fx en gevinst fra en eksisterende case).", "note")
    sheet.put(row + 1, 0, "Akk. nettoresultat er den løbende sum af nettoresultatet.", "note")
    sheet.put(row + 3, 0, "Udfyldes", "legend_input")
    sheet.put(row + 4, 0, "Beregnes", "legend_computed")

    sheet.widths[0] = 30
    for i in range(n):
        sheet.widths[first + i] = 12
    sheet.widths[total_col] = 12
    sheet.widths[counted_col] = 12
    sheet.landscape = True
    sheet.fit_width = True
    return sheet


def _computed(sheet: SheetLayout, r: int, first: int, n: int, values: Sequence[Any] | None, formula) -> None:
    for i in range(n):
        c = first + i
        if values is not None:
            sheet.put(r, c, values[i] if i < len(values) else None, "computed_amount")
        else:
            sheet.put(r, c, Formula(formula(c)), "computed_amount")


def template_sheets() -> list[SheetLayout]:
    return [case_sheet(), lists_sheet(), guide_sheet()]
