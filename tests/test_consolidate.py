"""Consolidation: summary sheets from one workbook (in place) and from folders of workbooks."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from compare import Ignore, book_view
from conftest import SAMPLES
from xlpy.portfolio.batch import consolidate_files, consolidate_in_place
from xlpy.sheet.labels import SUMMARY_SHEETS
from xlpy.portfolio.pipeline import compute
from xlpy.read.workbook import read_workbook

KEYS = {"cases", "files_read", "files_skipped", "period", "areas", "total_investment", "total_saving", "total_net",
        "return_per_krone", "by_area"}


def values(path, sheet):
    return next(s.grid for s in read_workbook(path).sheets if s.name == sheet)


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "xlpy.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "ind"
    (d / "under").mkdir(parents=True)
    shutil.copy(SAMPLES / "allerod_2021.xlsx", d / "allerod_2021.xlsx")
    shutil.copy(SAMPLES / "eksempel_uden_fejl.xlsx", d / "under" / "eksempel.xlsx")
    return d


def test_in_place_touches_nothing_but_xlpy_sheets(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    before = book_view(book)
    consolidate_in_place(str(book))
    after = book_view(book, Ignore(sheets=frozenset(SUMMARY_SHEETS)))
    assert after == {**before, "sheets": before["sheets"]}  # every other cell value, formula and style
    sheets = book_view(book)["sheets"]
    assert sheets == before["sheets"] + list(SUMMARY_SHEETS)
    consolidate_in_place(str(book))  # a second run replaces, never adds
    assert book_view(book)["sheets"] == sheets
    assert book_view(book, Ignore(sheets=frozenset(SUMMARY_SHEETS))) == before


def test_in_place_kilde_links_to_case_sheets(sample_copy):
    book = sample_copy("allerod_2021.xlsx")
    consolidate_in_place(str(book))
    cells = book_view(book)["content"]["Overblik"]["cells"]
    kilde = [cells[f"S{r}"] for r in range(3, 8)]
    assert cells["S2"]["value"] == "Kilde"
    assert [k["link"] for k in kilde] == [f"'Case {n}'!A1" for n in range(1, 6)]
    assert book_view(book)["content"]["Overblik"]["tables"] == [("xlpyOverblik", "A2:S8")]  # with its totals row


def test_overview_figures_are_the_case_figures(folder, tmp_path):
    out = tmp_path / "ud" / "overblik.xlsx"
    c = consolidate_files([str(folder)], str(out))
    grid = values(out, "Overblik")
    header = grid[1]
    rows = {(r[header.index("Kilde")]): r for r in grid[2:] if r[0] not in ("", "I alt")}  # not the totals row
    expected = compute(sorted(str(p) for p in folder.rglob("*.xlsx")))
    assert len(rows) == len(expected) == 8
    for r in expected:
        row = rows[f"{os.path.basename(r.case.file)} › {r.case.sheet}"]
        f = r.figures
        assert row[header.index("Samlet effektivisering i perioden (1.000 kr.)")] * 1000 == pytest.approx(f.period_net)
        assert row[header.index("Investering i alt (1.000 kr.)")] * 1000 == pytest.approx(f.total_investment)
        payback = row[header.index("Tilbagebetalingsår")]
        assert payback == ("–" if f.payback_year is None else f.payback_year)
    assert c.whole.cases == 8


def test_totals_are_independent_sums(folder, tmp_path):
    out = tmp_path / "ud.xlsx"
    c = consolidate_files([str(folder)], str(out))
    cases = compute(sorted(str(p) for p in folder.rglob("*.xlsx")))
    by_year: dict[int, list[float]] = {}
    for r in cases:
        for y, s, i in zip(r.figures.years, r.figures.saving, r.figures.investment):
            by_year.setdefault(y, [0.0, 0.0])
            by_year[y][0] += s
            by_year[y][1] += i
    years = sorted(by_year)
    assert c.years == years
    assert c.total.saving == [pytest.approx(by_year[y][0]) for y in years]
    assert c.whole.investment == pytest.approx(sum(v[1] for v in by_year.values()))
    assert c.whole.net == pytest.approx(sum(r.figures.period_net for r in cases))
    grid = values(out, "Pr. år")
    assert grid[1][2:2 + len(years)] == years
    assert [v * 1000 for v in grid[2][2:2 + len(years)]] == [pytest.approx(by_year[y][0]) for y in years]


def test_cli_json_and_lock_files_and_unreadable_files(folder, tmp_path):
    (folder / "~$allerod_2021.xlsx").write_bytes(b"lock")
    (folder / "ødelagt.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    out = run("consolidate", folder, "-o", tmp_path / "ud.xlsx", "--format", "json", "--cutoff-year", "2024")
    assert out.returncode == 1, out.stderr  # Allerød's fejl
    data = json.loads(out.stdout)
    assert KEYS <= set(data)
    assert (data["cases"], data["files_read"], data["files_skipped"]) == (8, 2, 1)
    assert data["skipped"] == [{"file": str(folder / "ødelagt.xlsx"), "reason": "format-not-supported"}]
    assert data["until_cutoff"]["period"] == [2021, 2024]
    assert sum(a["cases"] for a in data["by_area"]) == 8
    assert out.stderr == ""  # quiet in JSON mode: no progress bar
    fejl = values(tmp_path / "ud.xlsx", "Fejl")
    codes = [r[1] for r in fejl[2:]]
    assert "lock-file-skipped" in codes and "format-not-supported" in codes


def test_output_is_deterministic(folder, tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    for name in ("a.xlsx", "b.xlsx"):
        assert run("consolidate", folder, "-o", tmp_path / name, env=env).returncode == 1
    assert book_view(tmp_path / "a.xlsx") == book_view(tmp_path / "b.xlsx")


def test_failed_write_keeps_the_previous_output(folder, tmp_path, monkeypatch):
    out = tmp_path / "ud.xlsx"
    consolidate_files([str(folder)], str(out))
    before = out.read_bytes()

    import xlsxwriter

    def broken_close(self):
        with open(self.filename, "wb") as fh:
            fh.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OSError):
        consolidate_files([str(folder)], str(out))
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ind", "ud.xlsx"]  # no temporary file left behind


def test_usage_errors(folder, tmp_path):
    assert run("consolidate", folder).returncode == 2  # needs -o or --in-place
    assert run("consolidate", folder, folder, "--in-place").returncode == 2
    assert run("consolidate", folder, "-o", tmp_path / "x.xlsx", "--cutoff-year", "snart").returncode == 2


def test_duplicate_case_across_files(folder, tmp_path):
    from openpyxl import load_workbook

    copy = folder / "kopi.xlsx"
    shutil.copy(SAMPLES / "eksempel_uden_fejl.xlsx", copy)
    c = consolidate_files([str(folder)], None)
    dup = sorted((f.sheet, f.code) for f in c.findings if f.code.startswith("duplicate"))
    # same Case nr., Kommune and Forvaltning: one finding per case (not a second one for the same table)
    assert dup == [("Lukkeuger", "duplicate-case-nr"), ("Udbud af rengøring", "duplicate-case-nr"),
                   ("Velfærdsteknologi", "duplicate-case-nr")]
    wb = load_workbook(copy)
    for ws in wb.worksheets[:3]:
        ws["B4"].value = f"NY-{ws.title[:3]}"  # renumbered: still the same title and table
    wb.save(copy)
    c = consolidate_files([str(folder)], None)
    dup = sorted((f.sheet, f.code) for f in c.findings if f.code.startswith("duplicate"))
    assert dup == [("Lukkeuger", "duplicate-case"), ("Udbud af rengøring", "duplicate-case"),
                   ("Velfærdsteknologi", "duplicate-case")]


def test_text_from_inputs_stays_text(sample_copy, tmp_path):
    """A title such as =HYPERLINK(...) is written as text in every output cell."""
    from openpyxl import load_workbook

    book = sample_copy("eksempel_uden_fejl.xlsx")
    wb = load_workbook(book)
    wb["Velfærdsteknologi"]["B5"].value = '=HYPERLINK("http://x","klik")'
    wb["Velfærdsteknologi"]["B5"].data_type = "s"
    wb.save(book)
    out = tmp_path / "ud.xlsx"
    consolidate_files([str(book)], str(out))
    cell = load_workbook(out)["Overblik"]["D3"]
    assert cell.value == '=HYPERLINK("http://x","klik")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_other_spreadsheets_in_a_folder_are_reported_not_skipped_silently(folder, tmp_path):
    (folder / "gammel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (folder / "tal.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (folder / "noter.txt").write_text("ikke et regneark", encoding="utf-8")
    (folder / "væk.xlsx").symlink_to(tmp_path / "findes-ikke.xlsx")
    c = consolidate_files([str(folder)], None)
    codes = {(os.path.basename(f.file), f.code) for f in c.findings if f.sheet is None}
    assert {("gammel.xls", "file-unreadable"), ("tal.csv", "file-not-collected"),  # .xls is read: this one is broken
            ("væk.xlsx", "link-broken")} <= codes
    assert not any(name == "noter.txt" for name, _ in codes)
    assert all(f.message() and f.message("en") for f in c.findings)  # every message renders
    assert c.whole.cases == 8


def test_unwritable_output_is_a_message_not_a_traceback(folder, tmp_path):
    blocked = tmp_path / "fil.txt"
    blocked.write_text("en fil, ikke en mappe", encoding="utf-8")
    out = run("consolidate", folder, "-o", blocked / "overblik.xlsx")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "Kan ikke skrive eller læse" in out.stderr


def test_a_batch_leaves_garbage_collection_as_it_found_it(tmp_path, monkeypatch):
    """consolidate_files collects garbage rarely while reading and not at all while writing (bench/RESULTS.md); a
    caller (the Excel host, a notebook) gets its own settings back, also when writing fails."""
    import gc

    import xlpy.write.xlsx

    before = gc.get_threshold()
    consolidate_files([str(SAMPLES / "afdelinger")], str(tmp_path / "o.xlsx"))
    assert gc.isenabled() and gc.get_threshold() == before

    def fail(*args, **kwargs):
        assert not gc.isenabled()  # the tail runs without the collector
        raise OSError("disk full")

    monkeypatch.setattr(xlpy.write.xlsx, "write_book", fail)
    with pytest.raises(OSError):
        consolidate_files([str(SAMPLES / "afdelinger")], str(tmp_path / "p.xlsx"))
    assert gc.isenabled() and gc.get_threshold() == before


def test_render_writes_what_xlsxwriters_public_calls_write(tmp_path, monkeypatch):
    """render calls XlsxWriter's undecorated _write_number, _write_string, _write_blank and _write_url (cell_writers);
    a book written with the public write_number, … instead is the same, part for part, byte for byte."""
    import zipfile

    from xlpy.layout import Formula, SheetLayout
    from xlpy.write import xlsx

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sheet = SheetLayout("Ark")
    texts = ["Ja", "Ældre og sundhed", "=SUM(A1)", "-5", "@x", "", " mellemrum ", "fil\udce6.xlsx", "a\x01b"]
    for r, text in enumerate(texts):
        sheet.put(r, 0, text, ("text", "wrap", "text_top")[r % 3])
    for r, number in enumerate([0, 1, -2.5, 1e15, 2028, 0.1 + 0.2, True, None], start=len(texts)):
        sheet.put(r, 1, number, ("amount", "year", "ratio", "integer_top")[r % 4])
    sheet.put(0, 2, Formula("=B10+1", 2.0), "amount")
    sheet.put(1, 2, "fil.xlsx › Ark", "link", "fil.xlsx#'Ark'!A1")
    books = {}
    public = lambda ws: (ws.write_number, ws.write_string, ws.write_blank, ws.write_url)  # noqa: E731
    for name, writers in (("undecorated", xlsx.cell_writers), ("public", public)):
        monkeypatch.setattr(xlsx, "cell_writers", writers)
        xlsx.write_book(tmp_path / f"{name}.xlsx", [sheet], streaming=True)
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx") as z:
            books[name] = {part: z.read(part) for part in z.namelist()}
    assert books["undecorated"] == books["public"]
