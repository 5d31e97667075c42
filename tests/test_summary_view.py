"""The summary workbook as people see it: rendered by LibreOffice (to PDF, read back with pdftotext) and as Excel
would display it (column widths, row heights, formats, the Table's totals row, charts). Tests that need LibreOffice
or poppler fail, not skip, under CI."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from hypothesis import example, given, strategies as st
from habits import GAIN, ONE_OFF, RECURRING, CaseSpec, Line, one_case
from openpyxl import load_workbook

from conftest import SAMPLES, require
from xlpy.portfolio.batch import consolidate_files
from xlpy.layouts import measure
from xlpy.sheet.numbers import grouped
from xlpy.layouts.fit import CELL_MARGIN, FILTER_BUTTON, LINE_HEIGHT
from xlpy.layouts.overview import OVERVIEW_COLUMNS


@pytest.fixture(scope="module")
def afdelinger(tmp_path_factory):
    out = tmp_path_factory.mktemp("view") / "ud" / "overblik.xlsx"
    c = consolidate_files([str(SAMPLES / "afdelinger")], str(out))
    return c, out


@pytest.fixture(scope="module")
def kl(tmp_path_factory):
    out = tmp_path_factory.mktemp("kl") / "overblik.xlsx"
    c = consolidate_files([str(SAMPLES / "kl_2016")], str(out))
    return c, out


def header(ws, row=2):
    return [c.value for c in ws[row]]


def width(ws, col: int) -> float:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    for dim in ws.column_dimensions.values():  # openpyxl groups equal neighbours (min..max)
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.width:
            return dim.width
    return ws.column_dimensions[letter].width or 8.43


def test_overview_headers_never_break_inside_a_word(afdelinger, kl):
    """Each header's longest word fits its column (with the Table's filter button), and the header row is tall
    enough for the lines the headers wrap onto."""
    for _, out in (afdelinger, kl):
        ws = load_workbook(out)["Overblik"]
        titles = header(ws)
        assert titles == [t for t, _ in OVERVIEW_COLUMNS]
        most = 1
        for col, title in enumerate(titles, start=1):
            room = width(ws, col) - CELL_MARGIN - FILTER_BUTTON
            assert measure.longest_word(title, bold=True) <= room + 0.71, title  # XlsxWriter adds 0,71 of padding
            most = max(most, measure.lines(title, room, bold=True))
        assert ws.row_dimensions[2].height >= most * LINE_HEIGHT


def test_overview_has_forvaltning_text_numbers_and_realisability(afdelinger):
    c, out = afdelinger
    ws = load_workbook(out)["Overblik"]
    titles = header(ws)
    rows = [r for r in ws.iter_rows(min_row=3) if r[0].value not in (None, "I alt")]
    assert len(rows) == len(c.results) == 13
    forvaltning = {r[titles.index("Forvaltning")].value for r in rows}
    assert forvaltning == {"Arbejdsmarked", "Skole og Dagtilbud", "Økonomi og Digitalisering", "Ældre og Sundhed"}
    for r in rows:
        nr = r[0]
        assert nr.data_type == "s" and nr.alignment.horizontal == "left", nr.coordinate
        realisability = r[titles.index("Realiserbarhed")]
        assert realisability.number_format == "General"  # shown "2" and "2,5", never "2,00"
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<ignoredError sqref="A3:A15" numberStoredAsText="1"/>' in sheet


def test_overview_totals_row_is_the_tables_own_and_counts_what_the_totals_count(afdelinger):
    c, out = afdelinger
    wb = load_workbook(out)
    ws = wb["Overblik"]
    table = ws.tables["xlpyOverblik"]
    assert table.totalsRowCount == 1 and table.ref == "A2:S16"
    by_name = {col.name: col for col in table.tableColumns}
    assert by_name["Nr."].totalsRowLabel == "I alt"
    assert by_name["Samlet effektivisering i perioden (1.000 kr.)"].totalsRowFunction == "custom"
    # the cached results, which a viewer that does not calculate shows: the consolidation's figures
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Overblik").to_python()
    titles, total = grid[1], grid[15]
    assert total[0] == "I alt"
    assert total[titles.index("Titel")] == "12 cases i summen"
    assert total[titles.index("Samlet effektivisering i perioden (1.000 kr.)")] == pytest.approx(c.whole.net / 1000)
    assert total[titles.index("Investering i alt (1.000 kr.)")] == pytest.approx(c.whole.investment / 1000)
    assert total[titles.index("Kr. igen pr. krone")] == pytest.approx(c.whole.return_per_krone)


def test_per_year_columns_are_sized_to_the_numbers(afdelinger):
    _, out = afdelinger
    ws = load_workbook(out)["Pr. år"]
    for col in range(3, ws.max_column + 1):
        shown = [grouped(round(c.value), "da", 0) for c in (ws.cell(r, col) for r in range(3, ws.max_row + 1))
                 if isinstance(c.value, (int, float))]
        assert width(ws, col) <= 14, col
        assert all(measure.columns(s, bold=True) <= width(ws, col) for s in shown), col


def test_findings_sheet_puts_fejl_first(kl):
    c, out = kl
    ws = load_workbook(out)["Fejl"]
    severities = [r[0].value for r in ws.iter_rows(min_row=3)]
    order = {"fejl": 0, "advarsel": 1, "info": 2}
    assert [order[s] for s in severities] == sorted(order[s] for s in severities)
    assert severities.count("fejl") == c.severity_counts()["fejl"] > 0
    assert severities[:c.severity_counts()["fejl"]] == ["fejl"] * c.severity_counts()["fejl"]


def _charts(path):
    """(title, [series values refs]) of every chart in the workbook."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            xml = z.read(name).decode()
            title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("<c:plotArea>")[0]))
            out.append((title, re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", xml)))
    return out


def test_per_area_has_a_chart_of_net_saving_beside_the_count(afdelinger):
    c, out = afdelinger
    charts = dict(_charts(out))
    assert {"Årlig fordeling af antal investeringscases efter områder",
            "Nettoresultat pr. år efter område (1.000 kr.)"} <= set(charts)  # Pr. område's two (Opfølgning has one)
    ws = load_workbook(out)["Pr. område"]
    net = charts["Nettoresultat pr. år efter område (1.000 kr.)"]
    assert len(net) == len(c.by_area)
    for ref in net:
        cells = ws[ref.split("!")[1].replace("$", "")][0]
        area = ws.cell(cells[0].row, 1).value
        assert [cell.value for cell in cells] == pytest.approx([v / 1000 for v in c.by_area[area].net])


def test_cases_without_category_are_counted_so_the_counts_add_up(tmp_path):
    folder = tmp_path / "ind"
    folder.mkdir()
    one_case(folder / "a.xlsx", case_nr="A-1", extra_fields=[("Kategori", "Digitalisering og ny teknologi")])
    one_case(folder / "b.xlsx", case_nr="B-1", title="Uden kategori")
    c = consolidate_files([str(folder)], str(tmp_path / "ud.xlsx"))
    assert c.examples_by_category == {"(uden kategori)": 1, "Digitalisering og ny teknologi": 1}
    assert sum(c.examples_by_category.values()) >= c.whole.cases
    ws = load_workbook(tmp_path / "ud.xlsx")["Pr. område"]
    assert "(uden kategori)" in [r[0].value for r in ws.iter_rows()]


def test_kilde_links_use_forward_slashes(tmp_path):
    out = tmp_path / "a" / "b" / "overblik.xlsx"
    consolidate_files([str(SAMPLES / "afdelinger")], str(out))
    with zipfile.ZipFile(out) as z:
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    targets = re.findall(r'Target="([^"]+)" TargetMode="External"', rels)
    assert len(targets) == 13 and all("\\" not in t and "/" in t for t in targets)


def test_terminal_rounds_key_figures_like_the_workbook(tmp_path, capsys):
    """4.650.000 kr. invested: the workbook shows 4,7 (Excel rounds halves away from zero), and so does the
    terminal (babel alone would print 4,6)."""
    from xlpy.cli import main

    assert grouped(4.65, "da", 1, fixed=True) == "4,7"
    assert grouped(4_650_000 / 1e6, "da", 1, fixed=True) == "4,7"
    assert grouped(-2.5, "da", 0) == "-3" and grouped(2.125, "da", 2) == "2,13"
    lines = [Line("Engangsinvestering", [4650, 0, 0, 0, 0, 0], ONE_OFF),
             Line("Varig investering", [0] * 6, RECURRING), Line("Gevinst", [0, 1000, 2000, 2000, 2000, 2000], GAIN)]
    book = one_case(tmp_path / "a.xlsx", CaseSpec(lines=lines))
    main(["consolidate", str(book.path), "-o", str(tmp_path / "ud.xlsx")])
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if "Investeret" in line)
    assert "4,7" in row and "4,6" not in row


# --- rendered by LibreOffice -------------------------------------------------------------------------------------

def pdf_text(path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def rendered(afdelinger, tmp_path_factory):
    from xlpy.write.pdf import soffice, to_pdf

    require(soffice() is not None, "LibreOffice (soffice) is not installed")
    c, out = afdelinger
    pdf = to_pdf(out, tmp_path_factory.mktemp("pdf") / "overblik.pdf")
    return c, out, pdf_text(pdf)


def words_of(text: str) -> list[str]:
    return [w.strip("()") for w in text.split() if len(w.strip("().,")) >= 4]


def test_rendered_workbook_shows_every_header_word_whole(rendered):
    _, out, text = rendered
    tokens = set(text.split()) | {t.strip("()") for t in text.split()}
    wb = load_workbook(out)
    headers = [t for t, _ in OVERVIEW_COLUMNS if t != "Kilde"]  # Kilde is not printed (links)
    for ws in wb.worksheets[1:]:  # Overblik's are above
        for row in ws.iter_rows():
            for cell in row:
                if cell.font and cell.font.b and cell.data_type == "s" and cell.row > 1:
                    headers.append(cell.value)
    for title in headers:
        for word in words_of(title):
            assert word in tokens, f"»{word}« of »{title}« is broken or missing in the rendered workbook"


def test_rendered_workbook_shows_the_key_figures_in_danish(rendered):
    c, _, text = rendered
    for value in (c.whole.investment, c.whole.saving, c.whole.net, c.cut.investment, c.cut.net):
        assert grouped(value / 1e6, "da", 1, fixed=True) in text
    assert grouped(c.whole.return_per_krone, "da", 2, fixed=True) in text
    assert grouped(round(c.whole.net / 1000), "da", 0) in text  # the totals row of Overblik, 47.801
    for bad in ("None", "nan", "NaN", "#VALUE!", "#REF!", "#NAME?", "Err:"):
        assert bad not in text
    assert "Tilbagebetalingsår" in text and "Tilbagebet " not in text



@pytest.mark.parametrize("bold", [False, True])
def test_digit_widths_are_tabular(bold):
    """Widths are cached with every digit read as 0 (1.561 and 2.470 are one entry), which holds only while the
    font table gives every digit the width of 0; a number is then as wide as its own text measured per character."""
    assert {measure._WIDTHS[bold][d] for d in "0123456789"} == {measure._WIDTHS[bold]["0"]}
    for text in ("1.561", "-3.249,75", "2026–2031"):
        by_char = sum(measure._char(ch, bold) for ch in text) / 1000 * measure.SAFETY
        assert measure.em(text, bold) == pytest.approx(by_char)


@given(st.text(alphabet=st.one_of(st.sampled_from("Ældre og sundhed – AM-1 › 0123,.\t\n"),
                                  st.characters(codec="utf-8", exclude_categories=("Cs",)))), st.booleans())
@example("Velfærd\tteknologi", False)  # a tab: outside the table, 0 wide
@example("Ψ 中文", True)  # Greek and CJK: outside the table
def test_text_width_is_the_sum_of_its_characters(text, bold):
    """_em sums a text's widths from the table in one go and falls back to _char for a character outside it; the
    width is exactly the sum of _char over its characters."""
    by_char = sum(measure._char(ch, bold) for ch in text) / 1000 * measure.SAFETY
    assert measure._em.__wrapped__(text, bold) == by_char


_NUMBERS = st.one_of(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False), st.integers(-120, 120),
                     st.integers(min_value=-10**12, max_value=10**12),
                     st.sampled_from([9.5, 99.995, -999.95, 0.5, 9.4999999999999996, 999_999.5, -0.004]))


@given(st.lists(_NUMBERS, min_size=1, max_size=40),
       st.sampled_from(["amount", "amount_bold", "ratio", "mio", "integer", "year", "year_center_top",
                        "input_decimal", "input_integer"]))
@example([12.34, 99.995], "ratio")  # Python rounds 99.995 (a binary 99.99499…) to 99.99; Excel shows 100,00
@example([2028, 2031, 2029, 12_345], "year")  # "0" groups nothing: 2028 is bounded by "2028", not "2,028"
@example([999.5, 1000.0], "input_decimal")  # a carry that adds a digit, in a format without grouping
@example([1.5, 9.95], "mio")
@example([5.0, 5.0, 40.0], "amount")  # skipped by magnitude: only numbers no larger,
@example([50.0, 50.0, -50.0], "amount")  # of the same sign
def test_column_width_is_that_of_its_widest_shown_number(values, style):
    """fit_widths skips numbers no wider than one already measured (a bound from Python's own rounding); the width
    is still that of the widest text the column shows, each text formatted the way Excel shows it (grouped)."""
    from xlpy.layout import STYLES, SheetLayout
    from xlpy.layouts.fit import fit_widths

    sheet = SheetLayout("x")
    for r, v in enumerate(values, start=1):
        sheet.put(r, 0, v, style)
    fit_widths(sheet, minimum=0, maximum=1000)
    fmt = STYLES[style].number_format.split(";")[0]
    decimals = len(fmt.split(".")[1]) if "." in fmt else 0
    shown = [grouped(v, "da", decimals, fixed=True) if "," in fmt else f"{v:.{decimals}f}".replace(".", ",")
             for v in values]  # "0.00" has no thousands separator
    widest = max(measure.columns(text, STYLES[style].bold) for text in shown)
    assert sheet.widths[0] == round(max(0, widest + CELL_MARGIN) + 0.49)


@given(st.lists(st.one_of(st.sampled_from([1, 1.5, 2, 2.5, 3, 0.25, -2.5, 10]), _NUMBERS), min_size=1, max_size=30),
       st.sampled_from(["general", "general_center"]))
@example([2, 2.5], "general")  # Realiserbarhed: 2 then 2,5, which shows a decimal more
@example([3, 2.25, 2.5], "general_center")
def test_column_width_of_numbers_in_the_general_format(values, style):
    """In the General format a number shows as many decimals as it has ("2", "2,5"): the width is that of the widest
    shown text, however fit_widths bounds the numbers it skips."""
    from xlpy.layout import STYLES, SheetLayout
    from xlpy.layouts.fit import fit_widths, shown_text

    sheet = SheetLayout("x")
    for r, v in enumerate(values, start=1):
        sheet.put(r, 0, v, style)
    fit_widths(sheet, minimum=0, maximum=1000)
    widest = max(measure.columns(shown_text(v, style), STYLES[style].bold) for v in values)
    assert sheet.widths[0] == round(max(0, widest + CELL_MARGIN) + 0.49)


@given(st.lists(st.tuples(st.sampled_from(["Ja", "Nej – opgivet", "AM-1", "", "Ældre og sundhed", "W" * 40]),
                          st.sampled_from(["text", "label", "text_top", "wrap"])), min_size=1, max_size=30))
def test_column_width_is_that_of_its_widest_text(cells):
    """fit_widths measures each distinct text of a column once (bold apart); the width is still that of the widest
    text any of its cells shows, each in its own font weight."""
    from xlpy.layout import STYLES, SheetLayout
    from xlpy.layouts.fit import fit_widths

    sheet = SheetLayout("x")
    for r, (text, style) in enumerate(cells, start=1):
        sheet.put(r, 0, text, style)
    fit_widths(sheet, minimum=0, maximum=1000)
    widths = [measure.columns(text, STYLES[style].bold) for text, style in cells if text]
    assert sheet.widths.get(0) == (round(max(widths) + CELL_MARGIN + 0.49) if widths else None)


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=90),
                min_size=1, max_size=12),
       st.floats(min_value=3, max_value=70), st.booleans())
@example(["Velfærdsteknologi i hjemmeplejen og i  plejecentrene (0)"], 30.0, False)
def test_row_heights_are_those_of_every_title_wrapped(titles, width, bold):
    """fit_row_heights skips a title whose whole text fits its room (no wrapping to count); the heights are still
    those of wrapping every title at its column's width."""
    from xlpy.layout import STYLES, SheetLayout
    from xlpy.layouts.fit import LINE_HEIGHT, fit_row_heights

    style = "wrap_bold" if bold and "wrap_bold" in STYLES else "wrap"
    sheet = SheetLayout("x")
    sheet.widths[0] = width
    for r, title in enumerate(titles, start=1):
        sheet.put(r, 0, title, style)
    fit_row_heights(sheet, 0, 1)
    room = width - CELL_MARGIN
    expected = {}
    for r, title in enumerate(titles, start=1):
        n = measure.lines(title, room, bold=STYLES[style].bold)
        if n > 1:
            expected[r] = n * LINE_HEIGHT
    assert sheet.heights == expected
