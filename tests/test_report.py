"""The decision paper (xlpy report): the deck read back with python-pptx — one slide per case plus the fixed
slides, the key figures as the consolidation's figures in Danish, every chart's series the consolidated numbers, the
overview table, the cases left out marked — layouts that fit (long titles, long descriptions, many cases, many
years), the municipality's template, bad input and bad templates without a traceback, the Excel button, and the
deck rendered by LibreOffice (fails, not skips, under CI without it)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import ROOT, SAMPLES, require
from xlpy.portfolio.batch import consolidate_files
from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, lists_sheet
from xlpy.cli import main
from xlpy.layouts import measure
from xlpy.layouts.deck import deck_layout
from xlpy.layouts.slides import LINE, Chart, Page, Table, Text, wrapped
from xlpy.sheet.numbers import grouped
from xlpy.write.deck import TemplateError, write_deck
from xlpy.write.xlsx import write_book

CASES = 6  # the first case slide: title, key figures, overview, two charts, stress tests
FIXED = {"title", "key-figures", "chart-net", "chart-count", "stress"}


def mio(value: float) -> str:
    """Written here, not taken from the code under test: Danish, one decimal, "mio. kr."."""
    return f"{grouped(value / 1e6, 'da', 1, fixed=True)} mio. kr."


def texts_of(prs) -> list[str]:
    """Every text a person can see in the deck (shapes, table cells, chart titles, notes)."""
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    out.append(chart.chart_title.text_frame.text)
                out += [str(c) for c in chart.plots[0].categories] + [s.name for s in chart.plots[0].series]
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def shape(slide, name):
    return next(s for s in slide.shapes if s.name == name)


def shapes(slide, name):
    return [s for s in slide.shapes if s.name == name]


@pytest.fixture(scope="module")
def afdelinger(tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "oplaeg.pptx"
    c = consolidate_files([str(SAMPLES / "afdelinger")], None)
    deck = write_deck(out, c)
    return c, deck, Presentation(str(out)), out


# --- what the deck holds -----------------------------------------------------------------------------------------

def test_one_slide_per_case_plus_the_fixed_slides(afdelinger):
    c, deck, prs, _ = afdelinger
    names = [s.name for s in prs.slides]
    assert names == [s.key for s in deck.slides]
    assert len(prs.slides) == len(c.results) + len(FIXED) + 2 == 13 + 7  # one overview slide, one problems slide
    assert names[:3] == ["title", "key-figures", "overview-1"]
    assert names[3:6] == ["chart-net", "chart-count", "stress"]
    assert names[6:19] == [f"case-{i}" for i in range(1, 14)]
    assert names[-1] == "problems-1"


def test_key_figures_are_the_consolidations_in_danish(afdelinger):
    c, _, prs, _ = afdelinger
    slide = prs.slides[1]
    first = lambda name: shape(slide, name).text_frame.paragraphs[0].text  # noqa: E731
    assert first("xlpy:kf:cases") == str(c.whole.cases) == "12"
    assert first("xlpy:kf:areas") == str(c.whole.areas)
    assert first("xlpy:kf:period") == f"{c.whole.first_year}–{c.whole.last_year}"
    for key, k in (("whole", c.whole), ("cut", c.cut)):
        assert first(f"xlpy:kf:{key}:investment") == mio(k.investment)
        assert first(f"xlpy:kf:{key}:saving") == mio(k.saving)
        assert first(f"xlpy:kf:{key}:net") == mio(k.net)
        assert first(f"xlpy:kf:{key}:return") == f"{grouped(k.return_per_krone, 'da', 2, fixed=True)} gange"
    # the numbers as an economist reads them off Nøgletal
    assert [first(f"xlpy:kf:whole:{n}") for n in ("investment", "saving", "net")] == \
        ["59,5 mio. kr.", "107,3 mio. kr.", "47,8 mio. kr."]
    assert first("xlpy:kf:whole:return") == "1,80 gange"
    assert "Til og med 2029" in shape(slide, "xlpy:kf:cut:heading").text_frame.text


def test_every_chart_series_is_the_consolidated_numbers(afdelinger):
    c, _, prs, _ = afdelinger
    years = [str(y) for y in c.years]
    net = shape(prs.slides[3], "xlpy:chart:net").chart.plots[0]
    assert list(net.categories) == years
    assert {s.name: list(s.values) for s in net.series} == {
        a: pytest.approx([v / 1000 for v in t.net]) for a, t in c.by_area.items()}
    count = shape(prs.slides[4], "xlpy:chart:count").chart.plots[0]
    assert {s.name: list(s.values) for s in count.series} == {a: [float(v) for v in n]
                                                              for a, n in c.counts_by_area_year.items()}
    for i, result in enumerate(c.results):
        plot = shape(prs.slides[CASES + i], "xlpy:case:chart").chart.plots[0]
        assert list(plot.categories) == [str(y) for y in result.figures.years]
        assert list(plot.series[0].values) == pytest.approx([v / 1000 for v in result.figures.cumulative])


def test_overview_table_lists_every_case_and_marks_those_left_out(afdelinger):
    c, _, prs, _ = afdelinger
    table = shape(prs.slides[2], "xlpy:overview").table
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["Nr.", "Udvalg", "Område", "Titel", "Type", "Periode",
                      "Årlig gevinst ved fuld indfasning (1.000 kr.)", "Samlet effektivisering i perioden (1.000 kr.)"]
    rows = [[cell.text for cell in row.cells] for row in list(table.rows)[1:]]
    assert [r[0] for r in rows[:-1]] == [r.case.case_nr for r in c.results]
    by_nr = {r[0]: r for r in rows}
    assert by_nr["AM-2"][6:] == ["1.561", "5.096"]  # Allerød's case 2, as its decision paper prints it
    assert by_nr["SD-1"][6:] == ["8.832", "3.760"]
    dublet = by_nr["ØD-1"]
    assert dublet[3].endswith("Ikke i summen: dublet")
    run = table.cell(1 + [r[0] for r in rows].index("ØD-1"), 3).text_frame.paragraphs[0].runs[0]
    assert run.font.italic
    assert by_nr["ÆS-2"][3].endswith("Ufuldstændig: et beløb kunne ikke læses")
    total = rows[-1]
    assert total[0] == "I alt" and total[3] == "12 cases i summen"
    assert total[7] == grouped(round(c.whole.net / 1000), "da", 0) == "47.801"


def test_case_slides_carry_the_year_table_metadata_and_findings(afdelinger):
    c, _, prs, _ = afdelinger
    for i, result in enumerate(c.results):
        slide = prs.slides[CASES + i]
        case, f = result.case, result.figures
        assert slide.shapes.title.text_frame.text.replace("\n", " ") == f"Case {case.case_nr}: {case.title}"
        years = shape(slide, "xlpy:case:years").table
        grid = [[cell.text for cell in row.cells] for row in years.rows]
        assert grid[0][1:-1] == [str(y) for y in f.years]
        assert [r[0] for r in grid[1:]] == ["Engangsinvestering", "Varig investering", "Investering i alt",
                                           "Gevinst", "Nettoresultat", "Akk. nettoresultat"]
        for row, values in zip(grid[1:], (f.one_off, f.recurring, f.investment, f.saving, f.net, f.cumulative)):
            assert row[1:1 + len(values)] == [grouped(round(v / 1000), "da", 0) for v in values]
        meta = {row.cells[0].text: row.cells[1].text for row in shape(slide, "xlpy:case:meta").table.rows}
        assert meta["Område"] == case.text("area") and meta["Forvaltning"] == case.text("department")
        description = shape(slide, "xlpy:case:description").text_frame.text
        assert description.split()[:3] == case.text("description").split()[:3]
        banner = shapes(slide, "xlpy:case:banner")
        findings = shapes(slide, "xlpy:case:findings")
        if case.case_nr == "ØD-1":
            assert "dublet" in banner[0].text_frame.text
            assert "Samme case" in findings[0].text_frame.text
        elif case.case_nr == "ÆS-2":
            assert "Ufuldstændig" in banner[0].text_frame.text and "B21" in findings[0].text_frame.text
        elif case.case_nr in ("ÆS-1", "AM-1", "SD-1"):
            assert not banner and not findings
    sd1 = prs.slides[CASES + [r.case.case_nr for r in c.results].index("SD-1")]
    assert "Tilbagebetalingsår: 2030" in shape(sd1, "xlpy:case:figures").text_frame.text
    # SD-1's one-off 2027 is 4.000 with lav 2.000 and høj 8.000 (1.000 kr.; samples/afdelinger.py): pessimistic is
    # the base period net less 4.000, optimistic the base plus 2.000, each in 1.000 kr.
    f = next(r.figures for r in c.results if r.case.case_nr == "SD-1")
    net = f.period_net / 1000
    uncertainty = shape(sd1, "xlpy:case:uncertainty").text_frame.text
    assert f"pessimistisk {grouped(net - 4000, 'da', 0)}, optimistisk {grouped(net + 2000, 'da', 0)}" in uncertainty
    # the share all gains can fall before the period net reaches 0: net ÷ gains
    assert f"Skæringsværdi: {grouped(100 * f.period_net / f.total_saving, 'da', 1)} %" in uncertainty
    others = [s for i, r in enumerate(c.results) if r.case.case_nr != "SD-1"
              for s in shapes(prs.slides[CASES + i], "xlpy:case:uncertainty")]
    assert not others  # only a case with low and high estimates has the line


def test_stress_slide_is_the_portfolio_under_the_stress_tests(afdelinger):
    """Gains at 75 % and investments 25 % over, computed here from the consolidation's sums (S gains, I investments
    of the cases in the totals): 0,75·S − I and S − 1,25·I; the base is the net of Nøgletal."""
    c, _, prs, _ = afdelinger
    slide = next(s for s in prs.slides if s.name == "stress")
    grid = {row.cells[0].text: [cell.text for cell in row.cells] for row in shape(slide, "xlpy:stress").table.rows}
    S, I = c.whole.saving, c.whole.investment
    assert grid["Basis (som casene er indtastet)"][1:3] == [mio(c.whole.net), "–"]
    assert grid["Basis (som casene er indtastet)"][4] == grouped(S / I, "da", 2, True)
    assert grid["Gevinster realiseret med 75 %"][1] == mio(0.75 * S - I)
    assert grid["Gevinster realiseret med 75 %"][4] == grouped(0.75 * S / I, "da", 2, True)
    npv = sum(r.figures.npv for r in c.results if c.counted(r))
    assert grid["Basis (som casene er indtastet)"][3] == mio(npv)
    # a higher rate: the same period, a smaller NPV
    assert grid["Kalkulationsrente 4,5 % (+1 point)"][1] == mio(c.whole.net)
    assert float(grid["Kalkulationsrente 4,5 % (+1 point)"][3].split()[0].replace(",", ".")) < npv / 1e6
    assert grid["Investeringer 25 % over"][1] == mio(S - 1.25 * I)
    assert grid["Investeringer 25 % over"][2] == mio(S - 1.25 * I - c.whole.net)  # a fall: "-…"
    # SD-1 has lav/høj: the portfolio's pessimistic scenario is 4 mio. kr. lower (its one-off 8.000 for 4.000)
    assert grid["Scenarie: pessimistisk (høje investeringer, lave gevinster)"][1] == mio(c.whole.net - 4_000_000)
    assert "standardværdierne" in texts_of_slide(slide)


def texts_of_slide(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_last_slide_lists_the_fejl(afdelinger):
    c, _, prs, _ = afdelinger
    table = shape(prs.slides[-1], "xlpy:problems").table
    rows = [[cell.text for cell in row.cells] for row in list(table.rows)[1:]]
    assert len(rows) == c.severity_counts()["fejl"] == 4
    assert {(r[0], r[1], r[2]) for r in rows} == {
        ("aeldre_og_sundhed.xlsx", "Omsorgsteknologi", "B21"), ("arbejdsmarked.xlsx", "Jobkonsulenter", "B26"),
        ("oekonomi_og_digitalisering.xlsx", "Multifunktionsmaskiner", "B7"),
        ("oekonomi_og_digitalisering.xlsx", "RPA", "B5")}


def test_everything_a_person_sees_is_danish_text_without_none_or_nan(afdelinger):
    _, _, prs, out = afdelinger
    text = "\n".join(texts_of(prs))
    for bad in ("None", "nan", "NaN", "inf", "Traceback"):
        assert not re.search(rf"\b{bad}\b", text), bad
    for english in ("Total", "Year", "Investment", "Saving", "Sheet", "File"):
        assert not re.search(rf"\b{english}\b", text), english
    with zipfile.ZipFile(out) as z:  # every run is marked Danish for PowerPoint's spelling
        slides = [z.read(n).decode() for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]
    assert all('lang="da-DK"' in s for s in slides)
    assert not any('lang="en-US"' in s for s in slides)


# --- layouts that fit ------------------------------------------------------------------------------------------------

def assert_fits(deck) -> None:
    """Every shape inside the content area, every text within its box (measured in the wide font)."""
    page = deck.page
    for slide in deck.slides:
        box = page.cover_title if slide.key == "title" else page.title
        title_lines = sum(len(wrapped(t, box.w - 16, slide.title_size)) for t in slide.title.split("\n"))
        assert title_lines * slide.title_size * LINE <= box.h, slide.key
        for s in slide.shapes:
            b = s.box
            assert page.body.x - 0.5 <= b.x and b.right <= page.body.right + 0.5, (slide.key, s.name)
            assert page.body.y - 0.5 <= b.y and b.bottom <= page.body.bottom + 0.5, (slide.key, s.name, b)
            if isinstance(s, Text):
                room = b.w - 2 * s.margin
                used = sum(len(wrapped(p.text, room, p.size, p.bold)) * p.size * LINE for p in s.paras)
                assert used <= b.h - s.margin + 0.5, (slide.key, s.name)
            if isinstance(s, Table):
                assert sum(s.heights) == pytest.approx(b.h) and sum(s.widths) == pytest.approx(b.w)
                for r, row in enumerate(s.rows):
                    for c, cell in enumerate(row):
                        for line in cell.text.split("\n"):
                            assert measure.longest_word(line, cell.bold or r < s.header_rows,
                                                        measure.pt_unit(cell.size or s.size), soft=True) \
                                <= s.widths[c] - 2 * s.margin + 0.5 or len(line) > 40, (slide.key, line)


def test_the_sample_deck_fits(afdelinger):
    assert_fits(afdelinger[1])


LONG_TITLE = ("Etablering af et fælles tværkommunalt rehabiliteringsforløb for borgere med erhvervet hjerneskade "
              "med udgangspunkt i Sundhedsstyrelsens anbefalinger og med tæt inddragelse af de pårørende og "
              "civilsamfundets frivillige organisationer i hele forløbet")


def long_book(path: Path, cases: int = 30, years: int = 6, description_words: int = 600) -> Path:
    specs = []
    for k in range(1, cases + 1):
        title = LONG_TITLE if k % 7 == 1 else f"Case nummer {k} om velfærdsteknologi\x07 i hjemmeplejen"
        words = " ".join(f"ord{i % 13}" + ("." if i % 17 == 16 else "") for i in range(description_words))
        specs.append(CaseSpec(sheet=f"Case {k}", years=range(2026, 2026 + years), fields={
            "case_nr": f"LG-{k}", "title": title, "committee": "Social- og Sundhedsudvalget",
            "area": "Det specialiserede socialområde", "type": "Effektivisering",
            "period": f"2026–{2025 + years}", "realisability": 2.5, "status": "Opgivet" if k == 3 else "Besluttet",
            "municipality": "Prøve Kommune", "department": "Social og Sundhed", "unit": "1.000 kr.",
            "description": words},
            one_off=[1234567 + k] + [0] * (years - 1), recurring=[50] * years,
            gains=[Gain("Gevinst", [0] + [987654] * (years - 1))]))
    write_book(path, [*(case_sheet(s) for s in specs), lists_sheet()])
    return path


def test_long_titles_descriptions_and_many_cases_fit(tmp_path):
    book = long_book(tmp_path / "lang.xlsx")
    c = consolidate_files([str(book)], None)
    out = tmp_path / "lang.pptx"
    deck = write_deck(out, c)
    assert_fits(deck)
    keys = [s.key for s in deck.slides]
    overview = [k for k in keys if k.startswith("overview-")]
    assert len(overview) >= 2 and len([k for k in keys if k.startswith("case-")]) == 30
    prs = Presentation(str(out))
    last_overview = prs.slides[keys.index(overview[-1])]
    rows = [[cell.text for cell in row.cells] for row in shape(last_overview, "xlpy:overview").table.rows]
    assert rows[-1][0] == "I alt" and rows[-1][3] == "29 cases i summen"  # LG-3 is Opgivet
    listed = [r[0] for s in overview for r in [[cell.text for cell in row.cells]
                                               for row in shape(prs.slides[keys.index(s)], "xlpy:overview").table.rows]
              if r[0].startswith("LG-")]
    assert listed == [f"LG-{k}" for k in range(1, 31)]  # every case once, in order, the header on every slide
    case1 = prs.slides[keys.index("case-1")]
    assert "…" in case1.shapes.title.text_frame.text or "hele forløbet" in case1.shapes.title.text_frame.text
    assert "Forkortet" in shape(case1, "xlpy:case:description").text_frame.text
    assert "\x07" not in "".join(texts_of(prs))
    assert "Opgivet" in shape(prs.slides[keys.index("case-3")], "xlpy:case:banner").text_frame.text


def test_fifteen_years_fit(tmp_path):
    book = long_book(tmp_path / "aar.xlsx", cases=2, years=15, description_words=20)
    c = consolidate_files([str(book)], None)
    deck = deck_layout(c, Page.default())
    assert_fits(deck)
    years = next(s for s in deck.slides[CASES].shapes if s.name == "xlpy:case:years")
    assert len(years.rows[0]) == 17 and years.size >= 6


# --- the template ----------------------------------------------------------------------------------------------------

GREEN = "00704A"


def make_template(path: Path, widescreen: bool = False, kind: str = "potx") -> Path:
    """A municipality's template: its own accent colour, a line of text on the master (a logo would be a
    picture), 4:3 unless `widescreen`; saved as a .potx (template content type) or .pptx."""
    prs = Presentation()
    if widescreen:
        prs.slide_width = 12192000
    example = prs.slides.add_slide(prs.slide_layouts[1])
    example.shapes.title.text = "Skabelonens eget eksempeldias"
    logo = example.shapes.add_textbox(0, prs.slide_height - 300000, 3000000, 300000)  # moved to the master below
    logo.name = "Kommunelogo"
    logo.text_frame.text = "Prøve Kommune · Økonomi og Analyse"
    logo._element.nvSpPr.cNvPr.id = 1000
    prs.slide_master.shapes._spTree.append(logo._element)
    raw = io.BytesIO()
    prs.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "ppt/theme/theme1.xml":
                data = data.replace(b'<a:accent1><a:srgbClr val="4F81BD"/>',
                                    f'<a:accent1><a:srgbClr val="{GREEN}"/>'.encode())
            if info.filename == "[Content_Types].xml" and kind == "potx":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            dst.writestr(info.filename, data)
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("kind,widescreen", [("potx", False), ("pptx", True)])
def test_the_municipalitys_template_gives_the_design(tmp_path, kind, widescreen):
    template = make_template(tmp_path / f"skabelon.{kind}", widescreen, kind)
    c = consolidate_files([str(SAMPLES / "afdelinger")], None)
    out = tmp_path / "oplaeg.pptx"
    deck = write_deck(out, c, str(template))
    assert_fits(deck)
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (12192000 if widescreen else 9144000, 6858000)
    names = [s.name for s in prs.slides]  # the template's own slide is gone
    assert names == [s.key for s in deck.slides] and len([n for n in names if n.startswith("case-")]) == 13
    assert "Skabelonens eget eksempeldias" not in "\n".join(texts_of(prs))
    assert any(s.name == "Kommunelogo" for s in prs.slide_master.shapes)
    with zipfile.ZipFile(out) as z:
        theme = z.read("ppt/theme/theme1.xml").decode()
        types = z.read("[Content_Types].xml").decode()
    assert f'<a:accent1><a:srgbClr val="{GREEN}"/>' in theme
    assert "presentationml.presentation.main+xml" in types and "template.main" not in types
    title = prs.slides[2].shapes.title  # where the template puts titles
    layout_title = prs.slides[2].slide_layout.placeholders[0]
    assert (title.left, title.top) == (layout_title.left, layout_title.top)


def test_a_template_that_cannot_be_used_stops_the_run_with_a_message(tmp_path, capsys):
    c = consolidate_files([str(SAMPLES / "eksempel_uden_fejl.xlsx")], None)
    out = tmp_path / "oplaeg.pptx"
    out.write_bytes(b"forrige")
    bad = {"tekst.potx": b"ikke en skabelon", "tom.pptx": b"",
           "regneark.pptx": (SAMPLES / "eksempel_uden_fejl.xlsx").read_bytes()}
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(TemplateError):
            write_deck(out, c, str(tmp_path / name))
        assert out.read_bytes() == b"forrige"  # nothing written
        rc = main(["report", str(SAMPLES / "eksempel_uden_fejl.xlsx"), "-o", str(out), "--template",
                   str(tmp_path / name)])
        err = capsys.readouterr().err
        assert rc == 2 and "--template:" in err and "Traceback" not in err, err
        assert out.read_bytes() == b"forrige"
    macro = make_template(tmp_path / "makro.pptx", kind="pptx")
    data = macro.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"presentationml.presentation.main+xml", b"ms-powerpoint.presentation.macroEnabled.main+xml")
    with zipfile.ZipFile(macro, "w") as dst:
        for n, d in parts.items():
            dst.writestr(n, d)
    with pytest.raises(TemplateError, match="makroer"):
        write_deck(out, c, str(macro))
    with pytest.raises(TemplateError, match="findes ikke"):
        write_deck(out, c, str(tmp_path / "findes-ikke.potx"))


# --- the command ---------------------------------------------------------------------------------------------------

def test_report_command_writes_atomically_and_says_what_it_did(tmp_path, capsys):
    out = tmp_path / "ud" / "oplaeg.pptx"
    rc = main(["report", str(SAMPLES / "afdelinger"), "-o", str(out)])
    printed = capsys.readouterr().out
    assert rc == 1  # the departments' six deliberate mistakes include fejl; the deck is written anyway
    assert f"Beslutningsoplægget er skrevet til {out} (20 dias)." in printed
    assert "47,8" in printed
    assert os.listdir(out.parent) == ["oplaeg.pptx"]  # no temporary file left
    assert len(Presentation(str(out)).slides) == 20
    rc = main(["report", str(SAMPLES / "eksempel_uden_fejl.xlsx"), "-o", str(out), "--cutoff-year", "2027"])
    assert rc == 0 and len(Presentation(str(out)).slides) == 3 + 7
    assert main(["--lang", "en", "report", str(SAMPLES / "eksempel_uden_fejl.xlsx"), "-o", str(out)]) == 0
    assert "The decision paper is written to" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(SAMPLES / "afdelinger"), "-o", str(tmp_path / "oplaeg.ppt")])
    assert exit_.value.code == 2
    assert ".pptx" in capsys.readouterr().err


def test_bad_input_gives_a_deck_and_no_traceback(tmp_path, capsys):
    import badinputs

    folder = tmp_path / "ind"
    paths = badinputs.make_all(folder)
    try:
        out = tmp_path / "oplaeg.pptx"
        rc = main(["report", str(folder), "-o", str(out)])
        captured = capsys.readouterr()
        assert rc in (0, 1), captured.err
        assert "Traceback" not in captured.err + captured.out and "Intern fejl" not in captured.err
        prs = Presentation(str(out))
        c = consolidate_files([str(folder)], None)
        assert len([s for s in prs.slides if s.name.startswith("case-")]) == len(c.results)
        problems = [s for s in prs.slides if s.name.startswith("problems-")]
        listed = "\n".join(cell.text for s in problems for sh in s.shapes if sh.has_table
                           for row in sh.table.rows for cell in row.cells)
        assert "Filen kunne ikke læses" in listed
        # a finding may quote what a cell holds (»nan«); nothing else may say None or nan
        assert not re.search(r"(?<!»)\b(None|nan)\b(?!«)", "\n".join(texts_of(prs)))
    finally:
        badinputs.restore(paths)


def test_excel_button_writes_the_deck_next_to_the_workbook(tmp_path):
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    from remote import actions, open_remote
    from xlpy.excel.deck import make_deck

    book = open_remote(SAMPLES / "allerod_2021.xlsx")
    path = make_deck(book, folder=str(tmp_path))
    assert path == str(tmp_path / "allerod_2021 – beslutningsoplæg.pptx")
    prs = Presentation(path)
    assert len([s for s in prs.slides if s.name.startswith("case-")]) == 5 and len(prs.slides) == 5 + 7
    said = [a["args"][0] for a in actions(book) if a["func"] == "alert"]
    assert said and said[-1].startswith("Beslutningsoplægget er skrevet:")
    assert not [a for a in actions(book) if a["func"] in ("setValues", "addSheet")]  # the workbook is untouched
    book = open_remote(SAMPLES / "allerod_2021.xlsx")  # not saved anywhere known: a message, no file
    assert make_deck(book) is None
    assert "Gem projektmappen først" in [a["args"][0] for a in actions(book) if a["func"] == "alert"][-1]


def test_readme_describes_report():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "xlpy report DIR_OR_FILE" in text and "--template" in text and "--png" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "libreoffice-impress-nogui" in ci and "poppler-utils" in ci
    assert "python-pptx" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# --- rendered by LibreOffice ---------------------------------------------------------------------------------------

def pdf_text(path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_rendered_deck_shows_the_key_figures_and_no_broken_words(afdelinger, tmp_path):
    from xlpy.write.pdf import soffice, to_pdf

    require(soffice() is not None, "LibreOffice (soffice) is not installed")
    c, deck, _, out = afdelinger
    pdf = to_pdf(out, tmp_path / "oplaeg.pdf")
    text = pdf_text(pdf)
    pages = text.count("\f")
    assert pages in (len(deck.slides), len(deck.slides) + 1)
    for value in (c.whole.investment, c.whole.saving, c.whole.net, c.cut.investment, c.cut.saving, c.cut.net):
        assert mio(value) in text
    assert "1,80 gange" in text and "1,68 gange" in text
    assert "47.801" in text and "12 cases i summen" in text
    for bad in ("None", "nan", "NaN"):
        assert not re.search(rf"\b{bad}\b", text)
    tokens = set(re.findall(r"[\wÆØÅæøå.,()–-]+", text))
    for header in ("Engangsinvestering", "Nettoresultat", "effektivisering", "indfasning", "Tilbagebetalingsår",
                   "Realiserbarhed", "Forvaltning", "investeringscases"):
        assert header in tokens, header
    assert re.search(r"\b12\.000\b|\b10\.000\b", text)  # the charts' axes in Danish notation


def test_report_writes_pdf_and_png_for_review(tmp_path, capsys):
    from xlpy.write.pdf import soffice

    require(soffice() is not None, "LibreOffice (soffice) is not installed")
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    out = tmp_path / "oplaeg.pptx"
    rc = main(["report", str(SAMPLES / "eksempel_uden_fejl.xlsx"), "-o", str(out), "--pdf", "--png",
               str(tmp_path / "billeder")])
    assert rc == 0, capsys.readouterr().err
    assert (tmp_path / "oplaeg.pdf").read_bytes().startswith(b"%PDF-")
    images = sorted((tmp_path / "billeder").glob("oplaeg-*.png"))
    assert len(images) == len(Presentation(str(out)).slides)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in images)


def test_no_cases_gives_a_deck_that_says_so(tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    c = consolidate_files([str(empty)], None)
    out = tmp_path / "oplaeg.pptx"
    deck = write_deck(out, c)
    assert_fits(deck)
    prs = Presentation(str(out))
    assert [s.name for s in prs.slides] == ["title", "key-figures", "overview-1", "chart-net", "chart-count",
                                            "problems-1"]
    assert shape(prs.slides[2], "xlpy:empty").text_frame.text == "Ingen cases fundet."
    assert shape(prs.slides[1], "xlpy:kf:whole:return").text_frame.paragraphs[0].text == "–"
    text = "\n".join(texts_of(prs))
    assert "Der er ingen projektmapper" in text and not re.search(r"\b(None|nan)\b", text)


def test_extreme_inputs_give_a_deck(tmp_path):
    """Words longer than a slide, amounts of thousands of billions, cases eighty years apart: a deck, no error."""
    specs = [CaseSpec(sheet="A", years=range(2026, 2032), fields={
        "case_nr": "X" * 300, "title": "Y" * 500, "area": "Z" * 200, "type": "Effektivisering", "period": "2026–2031",
        "description": "W" * 5000, "department": "V" * 400, "committee": "U" * 100},
        one_off=[1e12, 0, 0, 0, 0, 0], recurring=[0] * 6, gains=[Gain("Gevinst", [0, 1e13, 0, 0, 0, 0])]),
        CaseSpec(sheet="B", years=range(2100, 2106), fields={
            "case_nr": "B-1", "title": "Fremtid", "area": "Ældre", "type": "Effektivisering", "period": "2100–2105"},
            one_off=[1, 0, 0, 0, 0, 0], recurring=[0] * 6, gains=[Gain("Gevinst", [0, 2, 2, 2, 2, 2])])]
    write_book(tmp_path / "x.xlsx", [*(case_sheet(s) for s in specs), lists_sheet()])
    c = consolidate_files([str(tmp_path / "x.xlsx")], None)
    deck = write_deck(tmp_path / "o.pptx", c)
    keys = [s.key for s in deck.slides]
    assert len([k for k in keys if k.startswith("case-")]) == 2
    net = deck.slides[keys.index("chart-net")]
    chart = next(s for s in net.shapes if isinstance(s, Chart))
    assert len(chart.categories) == 80 and chart.box.h > deck.page.body.h * 0.5  # the chart, not a table of 80 years
    for slide in deck.slides:
        for s in slide.shapes:
            assert s.box.h > 0 and s.box.bottom <= deck.page.body.bottom + 0.5, (slide.key, s.name)
