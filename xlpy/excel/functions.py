"""Worksheet functions: a case's arithmetic as formulas an economist types into a cell, like NPV() or IRR().

    =XLPY_NETTO(besparelse; investering; [enhed])            net by year (spills)
    =XLPY_AKKUMULERET(netto; [enhed])                        cumulative net by year (spills)
    =XLPY_KR_IGEN(besparelse; investering; [enhed])          kr. igen pr. investeret krone
    =XLPY_TILBAGEBETALING(år; netto; [investering]; [enhed]) payback year
    =XLPY_NUTIDSVAERDI(netto; [rente]; [enhed])              NPV, discounted to the first year (3,5 % by default)
    =XLPY_FULD_INDFASNING(besparelse; [enhed])               the highest yearly saving
    =XLPY_FEJL(område)                                       the number of fejl Validér finds in a case table

Each is a thin wrapper: the ranges become a Case, and xlpy.figures.compute (or, for XLPY_FEJL, the pipeline the
batch and Validér run) does the arithmetic, so a formula gives exactly the figure Beregn and `xlpy consolidate`
give. Amounts are in the sheet's unit ([enhed], default 1.000 kr.) and come back in it; the unit matters only for
rounding, which, as in the batch, is to whole øre.

Where a figure is "–" (no investment: no kr. igen and no payback year) the cell is left empty: the function returns
None, which xlwings writes as an empty string on every host. (Excel's #N/A would be the other choice, but classic
xlwings on Windows cannot return an error value: the text "#N/A" would arrive as text.) An amount that is not a
number, ranges of different lengths and an unknown unit raise ValueError with a Danish message: the desktop wrapper
shows the message in the cell, xlwings Lite shows #VALUE! with the message as its tooltip.

Hosts: Windows desktop Excel through xlwings' UDF server (the VBA wrappers in workbook/xlpy.xlsm come from
xlwings' own generator at build time, see xlpy.ribbon), and xlwings Lite, where workbook/lite/main.py declares
the same functions with @func. Names are ASCII with the prefix XLPY_ (a dot is no valid VBA name).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..figures.compute import DEFAULT_RATE, Figures, compute_case, payback_year
from ..sheet.labels import DEFAULT_UNIT, UNITS
from ..sheet.model import Case, Row
from ..sheet.numbers import parse_number_text

try:
    import xlwings as xw
except ImportError:  # the functions are plain Python without xlwings; only the decorators need it
    xw = None

CATEGORY = "xlpy"
NAMES = ("XLPY_NETTO", "XLPY_AKKUMULERET", "XLPY_KR_IGEN", "XLPY_TILBAGEBETALING", "XLPY_NUTIDSVAERDI",
         "XLPY_FULD_INDFASNING", "XLPY_FEJL")

# Argument help, shared by the Python functions here and the xlwings Lite declarations in workbook/lite/main.py.
ARG_DOCS = {
    "besparelse": "Gevinsten (bruttobesparelsen) pr. år: én række eller én kolonne, positive beløb.",
    "investering": "Investeringen pr. år (engangs- og varig investering i alt): samme antal år som gevinsten.",
    "netto": "Nettoresultatet pr. år (gevinst minus investering): én række eller én kolonne.",
    "aar": "Årstallene, fx 2026 til 2031: samme antal celler som nettoresultatet.",
    "investering_valgfri": "Valgfri: investeringen pr. år. Uden den regnes casen for at have en investering.",
    "rente": "Valgfri: diskonteringsrenten som brøk eller procent, fx 3,5 %. Standard er 3,5 % "
             "(Finansministeriets rente for år 0-35).",
    "enhed": 'Valgfri: beløbenes enhed, "kr.", "1.000 kr." eller "mio. kr.". Standard er 1.000 kr. '
             "Resultatet er i samme enhed.",
    "omraade": "Casens årstabel med rækkenavne og årstal (markér hele casearket for også at få felterne med).",
}


def _decorate(*args: tuple[str, str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """@xw.func(category="xlpy") with @xw.arg(name, ndim=2, doc=...) for each (parameter, help key): on Windows
    xlwings' UDF decorators, in xlwings Lite its custom-function decorators, elsewhere no-ops. Looked up on the
    xlwings module at import time, so xlpy.ribbon can import this file with xlwings' Windows decorators in place."""

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        if xw is None:
            return function
        for name, key in reversed(args):
            options = {"ndim": 2} if name != "rente" and name != "enhed" else {}
            function = xw.arg(name, doc=ARG_DOCS[key], **options)(function)
        return xw.func(category=CATEGORY)(function)

    return wrap


# --- reading the arguments ------------------------------------------------------------------------------------

def _cells(value: Any, what: str) -> tuple[list[Any], bool]:
    """A range's cells in order and whether it was a column. A range comes as a 2D list (ndim=2); a single value
    as itself. A block wider and taller than one cell is refused: a year table's row or column is wanted."""
    if not isinstance(value, (list, tuple)):
        return [value], False
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
    if not rows:
        return [], False
    if len(rows) == 1:
        return rows[0], False
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows], True
    raise ValueError(f"{what}: markér én række eller én kolonne, ikke {len(rows)} × {max(len(r) for r in rows)} "
                     f"celler.")


def _amount(value: Any, what: str, position: int) -> float:
    """A cell as an amount: a number, or empty (0), or a dash (0), as the case reader reads an input cell."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        raise ValueError(f"{what}, celle {position}: en sandhedsværdi, ikke et beløb.")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        read = parse_number_text(value)
        if read.kind == "dash":
            return 0.0
        hint = f" – som tal ville det være {read.value:g}" if read.kind == "number" and read.value is not None \
            else ""
        raise ValueError(f'{what}, celle {position}: teksten "{value}" er ikke et tal{hint}. Skriv beløbet som tal.')
    raise ValueError(f"{what}, celle {position}: {value!r} er ikke et beløb.")


def _amounts(value: Any, what: str) -> tuple[list[float], bool]:
    cells, column = _cells(value, what)
    if not cells:
        raise ValueError(f"{what}: ingen celler.")
    return [_amount(v, what, i) for i, v in enumerate(cells, start=1)], column


def _years(value: Any) -> list[int]:
    from ..sheet.regions import year_of

    cells, _ = _cells(value, "År")
    years = []
    for i, v in enumerate(cells, start=1):
        year = year_of(v)
        if year is None:
            raise ValueError(f"År, celle {i}: {v!r} er ikke et årstal.")
        years.append(year)
    return years


def _unit(enhed: Any) -> str:
    if enhed is None or (isinstance(enhed, str) and not enhed.strip()):
        return DEFAULT_UNIT
    from ..sheet.labels import unit_of_field

    unit = unit_of_field(enhed)
    if unit not in UNITS:
        raise ValueError(f'Enhed: "{enhed}" kendes ikke; brug ' + ", ".join(f'"{u}"' for u in UNITS) + ".")
    return unit


def _rate(rente: Any) -> float:
    if rente is None or rente == "":
        return DEFAULT_RATE
    if isinstance(rente, bool) or not isinstance(rente, (int, float)):
        raise ValueError(f"Rente: {rente!r} er ikke et tal; skriv fx 3,5 %.")
    if not -1.0 < rente < 1.0:
        raise ValueError(f"Rente: {rente:g} er ikke en rente; skriv den som brøk eller procent, fx 3,5 % (0,035).")
    return float(rente)


def _same_length(first: Sequence[Any], second: Sequence[Any], names: str) -> None:
    if len(first) != len(second):
        raise ValueError(f"{names} har ikke lige mange år ({len(first)} og {len(second)}).")


def _figures(saving: Sequence[float], investment: Sequence[float], unit: str, rate: float = DEFAULT_RATE,
             years: Sequence[int] | None = None) -> Figures:
    """The case the ranges describe (one investment row, one gain row), computed as the batch computes a case."""
    n = len(saving)
    case = Case(file="", sheet="", fields={}, field_cells={}, label_cells={}, unit=unit,
                years=list(years) if years is not None else list(range(n)), year_cols=list(range(1, n + 1)))
    case.rows["one_off"] = Row("one_off", "Investering", 0, list(investment))
    case.gains = [Row("saving", "Gevinst", 1, list(saving))]
    return compute_case(case, rate)


def _shaped(values: Sequence[float], column: bool) -> list[list[float]]:
    """A result that spills the way its input runs: a row for a row, a column for a column."""
    return [[v] for v in values] if column else [list(values)]


# --- the functions ---------------------------------------------------------------------------------------------

@_decorate(("besparelse", "besparelse"), ("investering", "investering"), ("enhed", "enhed"))
def XLPY_NETTO(besparelse, investering, enhed=None):
    """Nettoresultat pr. år (gevinst minus investering), som xlpy beregner det. Spildes som række eller kolonne."""
    saving, column = _amounts(besparelse, "Besparelse")
    investment, _ = _amounts(investering, "Investering")
    _same_length(saving, investment, "Besparelse og investering")
    unit = _unit(enhed)
    return _shaped([v / UNITS[unit] for v in _figures(saving, investment, unit).net], column)


@_decorate(("netto", "netto"), ("enhed", "enhed"))
def XLPY_AKKUMULERET(netto, enhed=None):
    """Akkumuleret nettoresultat pr. år: den løbende sum af nettoresultatet. Spildes som række eller kolonne."""
    net, column = _amounts(netto, "Netto")
    unit = _unit(enhed)
    figures = _figures(net, [0.0] * len(net), unit)
    return _shaped([v / UNITS[unit] for v in figures.cumulative], column)


@_decorate(("besparelse", "besparelse"), ("investering", "investering"), ("enhed", "enhed"))
def XLPY_KR_IGEN(besparelse, investering, enhed=None):
    """Kr. igen pr. investeret krone: samlet gevinst delt med samlet investering. Tom uden investering."""
    saving, _ = _amounts(besparelse, "Besparelse")
    investment, _ = _amounts(investering, "Investering")
    _same_length(saving, investment, "Besparelse og investering")
    return _figures(saving, investment, _unit(enhed)).return_per_krone


@_decorate(("aar", "aar"), ("netto", "netto"), ("investering", "investering_valgfri"), ("enhed", "enhed"))
def XLPY_TILBAGEBETALING(aar, netto, investering=None, enhed=None):
    """Tilbagebetalingsår: første år, hvorfra det akkumulerede nettoresultat ikke igen bliver negativt."""
    years = _years(aar)
    net, _ = _amounts(netto, "Netto")
    _same_length(years, net, "År og netto")
    unit = _unit(enhed)
    if investering is None:
        figures = _figures(net, [0.0] * len(net), unit, years=years)
        return payback_year(years, figures.cumulative, total_investment=1.0)  # "has an investment" (see ARG_DOCS)
    investment, _ = _amounts(investering, "Investering")
    _same_length(net, investment, "Netto og investering")
    saving = [n + i for n, i in zip(net, investment)]  # net = saving - investment
    return _figures(saving, investment, unit, years=years).payback_year


@_decorate(("netto", "netto"), ("rente", "rente"), ("enhed", "enhed"))
def XLPY_NUTIDSVAERDI(netto, rente=None, enhed=None):
    """Nutidsværdi: nettoresultatet pr. år tilbagediskonteret til periodens første år (standard 3,5 %)."""
    net, _ = _amounts(netto, "Netto")
    unit = _unit(enhed)
    return _figures(net, [0.0] * len(net), unit, _rate(rente)).npv / UNITS[unit]


@_decorate(("besparelse", "besparelse"), ("enhed", "enhed"))
def XLPY_FULD_INDFASNING(besparelse, enhed=None):
    """Årlig gevinst ved fuld indfasning: den højeste årlige gevinst i perioden."""
    saving, _ = _amounts(besparelse, "Besparelse")
    unit = _unit(enhed)
    return _figures(saving, [0.0] * len(saving), unit).full_phase_in_saving / UNITS[unit]


@_decorate(("omraade", "omraade"))
def XLPY_FEJL(omraade):
    """Antal fejl, som Validér finder i casens årstabel (og felter, hvis de er med i det markerede område)."""
    return len(table_errors(omraade))


def table_errors(omraade: Any) -> list[Any]:
    """The fejl findings of a range read as a case sheet, by the pipeline the batch and Validér run. When the range
    holds no metadata labels (only the year table), the required-field findings are left out: they are about what
    the range does not show."""
    from ..findings import Severity
    from ..portfolio.pipeline import check_sheets
    from ..read.workbook import Sheet

    rows = omraade if isinstance(omraade, (list, tuple)) else [[omraade]]
    grid = [["" if v is None else v for v in (r if isinstance(r, (list, tuple)) else [r])] for r in rows]
    results, findings = check_sheets("", [Sheet("Case", grid)])
    if not results:
        raise ValueError("Område: ingen årstabel (en række med årstal og rækker som Engangsinvestering og Gevinst).")
    with_fields = any(r.case.label_cells for r in results)
    return [f for f in findings if f.severity is Severity.ERROR and (with_fields or f.code != "missing-field")]
