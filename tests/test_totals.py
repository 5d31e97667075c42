"""What goes into the totals, as the consolidated workbook shows it: Overblik's "I summen" and "Fejl" columns and
Nøgletal's "Hvad indgår i summerne", for a folder with an abandoned case, a duplicate, an incomplete case and two
cases stacked on one sheet (one with a fejl). Expected values written by hand."""

from __future__ import annotations

from habits import CaseSpec, Line, ONE_OFF, RECURRING, GAIN, stacked, write_book, write_lister
from openpyxl import load_workbook

from xlpy.portfolio.batch import consolidate_files

LINES = [Line("Engangsinvestering", [100, 0, 0, 0, 0, 0], ONE_OFF),
         Line("Varig investering", [0, 0, 0, 0, 0, 0], RECURRING),
         Line("Gevinst", [0, 50, 50, 50, 50, 50], GAIN)]


def overview_rows(path):
    ws = load_workbook(path)["Overblik"]
    header = [c.value for c in ws[2]]
    rows = {}
    for row in ws.iter_rows(min_row=3, values_only=True):
        if row[0] not in (None, "I alt"):  # not the Table's totals row
            rows[str(row[0])] = dict(zip(header, row))
    return rows


def key_figures(path):
    ws = load_workbook(path)["Nøgletal"]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}


def test_what_goes_into_the_totals_is_shown(tmp_path):
    folder = tmp_path / "ind"
    folder.mkdir()
    good = CaseSpec(case_nr="A-1", title="Velfærdsteknologi", lines=LINES)
    abandoned = CaseSpec(case_nr="A-2", title="Samdrift", status="Opgivet", lines=LINES)
    broken = CaseSpec(case_nr="A-3", title="Rehabilitering", totals="blank",
                      lines=[Line("Engangsinvestering", [100, 0, 0, 0, 0, 0], ONE_OFF),
                             Line("Varig investering", [0, 0, 0, 0, 0, 0], RECURRING),
                             Line("Gevinst", [0, 70, 70, 70, 70, 70], GAIN)],
                      overrides={("Gevinst", 1): "#REF!"})
    write_book(folder / "a.xlsx", [("Cases", stacked([good, broken])), ("Opgivet", [abandoned]),
                                   ("Lister", write_lister)])
    write_book(folder / "b.xlsx", [("Kopi", [CaseSpec(case_nr="B-9", title="Velfærdsteknologi", lines=LINES)]),
                                   ("Lister", write_lister)])
    out = tmp_path / "overblik.xlsx"
    c = consolidate_files([str(folder)], str(out))

    rows = overview_rows(out)
    assert {nr: r["I summen"] for nr, r in rows.items()} == {
        "A-1": "Ja", "A-3": "Ja – ufuldstændig", "A-2": "Nej – opgivet", "B-9": "Nej – dublet"}
    # the #REF! is A-3's fejl, not A-1's, though the two share a sheet
    assert (rows["A-1"]["Fejl"], rows["A-3"]["Fejl"]) == (0, 1)
    # summed: A-1 (invested 100, saved 250) and A-3 (invested 100, saved 4 × 70 = 280; the #REF! year left out)
    assert (c.whole.cases, c.whole.investment, c.whole.saving) == (2, 200_000, 530_000)
    shown = key_figures(out)
    assert (shown["Cases i Overblik"], shown["Heraf i summerne"], shown["Ikke i summerne: opgivet"],
            shown["Ikke i summerne: dubletter"], shown["I summerne, men ufuldstændige"]) == (4, 2, 1, 1, 1)
