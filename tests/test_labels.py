"""The words of a department's sheet, one by one: row labels, units, year headers, periods (hand-written
expectations; tests/test_habits.py shows the same words at work in whole workbooks)."""

import datetime as dt

import pytest

from xlpy.sheet.labels import row_key, unit_in_text, unit_of_field
from xlpy.sheet.model import parse_period
from xlpy.sheet.regions import year_of


@pytest.mark.parametrize("label, key", [
    ("Engangsinvestering", "one_off"), ("Anlæg", "one_off"), ("Implementeringsomkostninger", "one_off"),
    ("Engangsudgift", "one_off"), ("Anlæg, nyt IT-system", "one_off"),
    ("Varig investering", "recurring"), ("Drift", "recurring"), ("Driftsudgifter", "recurring"),
    ("Løbende udgift", "recurring"), ("Merudgift", "recurring"),
    ("Gevinst", "saving"), ("Besparelse", "saving"), ("Mindreudgift", "saving"), ("Provenu", "saving"),
    ("Merindtægt", "saving"), ("Effektivisering", "saving"), ("Driftsbesparelse", "saving"),
    ("Gevinst fra eksisterende case", "saving"), ("Mindreudgift (mio. kr.)", "saving"),
    ("Investering i alt", "investment"), ("Anlæg i alt", "investment"), ("Besparelse i alt", "saving_total"),
    ("Mindreudgifter i alt", "saving_total"), ("Nettoresultat", "net"), ("Samlet effekt pr. år", "net"),
    ("Akk. effekt", "cumulative"), ("Akkumuleret nettoresultat", "cumulative"),
    ("Heraf løn", "sub"), ("- heraf IT", "sub"), ("heraf: vikarer", "sub"), ("Hvoraf personale", "sub"),
    ("Herunder licenser", "sub"), ("Heraf gevinst i hjemmeplejen", "sub"),
    ("Årsværk", "note"), ("Antal borgere", "note"), ("Fuldtidsstillinger", "note"),
    ("Reduceret sygefravær", None), ("I alt", None),
    ("Gevinst (lav)", "companion"), ("Anlæg (høj)", "companion"), ("Gevinst, lavt skøn", "companion"),
    ("Engangsinvestering (maks)", "companion"), ("Realiseret gevinst", "realised"),
    ("Faktisk investering", "realised"), ("Regnskab gevinst", "realised"),
    ("Akk. nettoresultat er den løbende sum af nettoresultatet.", None),  # a note under the table, not a row
])
def test_row_labels(label, key):
    assert row_key(label) == key


@pytest.mark.parametrize("text, unit", [
    ("(i 1000 kr.)", "1.000 kr."), ("Beløb i 1.000 kr.", "1.000 kr."), ("t.kr.", "1.000 kr."), ("tkr", "1.000 kr."),
    ("DKK 1.000", "1.000 kr."), ("Mio. kr.", "mio. kr."), ("Økonomi i mio. kr.", "mio. kr."),
    ("mill. kr.", "mio. kr."), ("Gevinst (kr.)", "kr."), ("Kroner", "kr."), ("År", None), ("Gevinst", None),
    ("Investeringscase", None),
])
def test_units_in_text(text, unit):
    assert unit_in_text(text) == unit


@pytest.mark.parametrize("value, unit", [("1.000 kr.", "1.000 kr."), ("tkr.", "1.000 kr."), ("kr.", "kr."),
                                         ("mio. kr.", "mio. kr."), ("i hele kroner", "kr."), ("euro", None)])
def test_unit_field(value, unit):
    assert unit_of_field(value) == unit


@pytest.mark.parametrize("value, year", [
    (2026.0, 2026), ("2026", 2026), ("2026*", 2026), ("B2026", 2026), ("B 2026", 2026), ("BO1 2027", 2027),
    ("BO 3 2029", 2029), ("Budget 2026", 2026), ("Budgetår 2026", 2026), ("Overslagsår 2027", 2027),
    ("R2025", 2025), ("Regnskab 2025", 2025), ("2026 (B)", 2026), (dt.date(2026, 1, 1), 2026),
    (dt.datetime(2027, 12, 31), 2027), (2026.5, None), ("I alt", None), ("År", None), (True, None),
    ("Borgere i 2026 og frem", None), (1500.0, None),
])
def test_year_headers(value, year):
    assert year_of(value) == year


@pytest.mark.parametrize("text, period", [
    ("2026–2031", (2026, 2031)), ("2026-2031", (2026, 2031)), ("2026–31", (2026, 2031)), ("2026-31", (2026, 2031)),
    ("2026 - 2031", (2026, 2031)), ("2026–2031 (4 år)", (2026, 2031)), ("2026", (2026, 2026)),
    ("2031-2026", None), ("snart", None),
])
def test_periods(text, period):
    assert parse_period(text) == period
