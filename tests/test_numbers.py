"""Danish number notation: what each text reads as, and that nothing ambiguous passes unannounced."""

import pytest
from hypothesis import given, strategies as st

from xlpy.sheet.numbers import grouped, parse_number_text, plain


@pytest.mark.parametrize("text, kind, value, notation", [
    ("1.561", "number", 1561, "danish"),
    ("0,8", "number", 0.8, "danish"),
    ("-1.487,5", "number", -1487.5, "danish"),
    ("(1.234)", "number", -1234, "danish"),
    ("−3.249", "number", -3249, "danish"),  # Unicode minus sign
    ("1 561", "number", 1561, "danish"),
    ("1\u00a0561", "number", 1561, "danish"),
    ("27.285 kr.", "number", 27285, "danish"),
    ("425", "number", 425, "plain"),
    ("1,234.5", "number", 1234.5, "english"),
    ("2.5", "number", 2.5, "english"),
    ("1,561", "number", 1.561, "ambiguous"),
    ("0.625", "number", 625, "ambiguous"),
    ("-", "dash", 0, "plain"),
    ("–", "dash", 0, "plain"),
    ("1.002*", "number", 1002, "danish"),
])
def test_reads(text, kind, value, notation):
    read = parse_number_text(text)
    assert (read.kind, read.value, read.notation) == (kind, value, notation)


@pytest.mark.parametrize("text, low, high", [
    ("2.000-8.000", 2000, 8000),
    ("2.000-8.000**", 2000, 8000),
    ("2 - 5", 2, 5),
    ("2.000–8.000", 2000, 8000),
])
def test_ranges(text, low, high):
    read = parse_number_text(text)
    assert (read.kind, read.low, read.high, read.value) == ("range", low, high, None)


@pytest.mark.parametrize("text", ["abc", "ca. 1 mio", "1.5.6,7,8", "", "12 ud af 14", "1,2,3"])
def test_not_numbers(text):
    assert parse_number_text(text).kind == "text"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_grouped_integers_read_back(n):
    text = grouped(n, "da")
    read = parse_number_text(text)
    assert read.kind == "number" and read.value == n
    # Only a leading "0." group or a 3-digit comma decimal is ambiguous; a grouped integer never is.
    assert not read.ambiguous


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_grouped_decimals_read_back(d):
    text = grouped(float(d), "da", 2, fixed=True)
    read = parse_number_text(text)
    assert read.kind == "number"
    assert read.value == pytest.approx(float(d), abs=0.005)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_comma_three_decimals_is_flagged(a, b):
    """"a,bbb" is a,bbb in Danish and abbb in English: never read silently."""
    read = parse_number_text(f"{a},{b:03d}")
    assert read.ambiguous


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_plain_round_trip(x):
    x = round(x, 4)
    read = parse_number_text(plain(x, "da"))
    if read.kind == "number":
        assert read.value == pytest.approx(x, rel=1e-9, abs=1e-9) or read.ambiguous
    else:
        pytest.fail(f"{plain(x, 'da')!r} not read")


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False), st.sampled_from(["da", "en"]),
       st.integers(min_value=0, max_value=3), st.booleans())
def test_grouped_is_what_babel_shows_excel_rounded(x, lang, decimals, fixed):
    """grouped() formats without babel; babel's CLDR patterns (da_DK, en_GB) on the number Excel shows (15
    significant digits, halves away from zero) are the reference. A cell holds no -0 (Excel stores 0)."""
    x += 0.0  # -0.0 -> 0.0
    from decimal import ROUND_HALF_UP, Decimal

    from babel.numbers import format_decimal

    shown = Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0." + ("0" if fixed else "#") * decimals if decimals else "#,##0"
    expected = format_decimal(shown, format=pattern, locale="da_DK" if lang == "da" else "en_GB")
    assert grouped(x, lang, decimals, fixed) == expected


@pytest.mark.parametrize("x", [float("inf"), float("-inf"), float("nan"), 1e30, -1e300])
def test_grouped_never_fails(x):
    assert grouped(x, "da", 2, fixed=True)
