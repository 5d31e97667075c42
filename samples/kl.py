"""KL's B17 catalogue (2016) as case workbooks: one workbook per municipality, one case sheet per distinct example.

Used by samples/build.py. The catalogue rows come from samples/source/kl_cases.csv (186 entries, 152 distinct
examples by `case_uid`); the yearly figures from the catalogue's own tables in samples/source/kl_tables.json, but
only where a table maps cleanly onto xlpy's rows (TABLE_MAPS below; EXCLUDED says why the others are left out).
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, guide_sheet, lists_sheet
from xlpy.write.xlsx import write_book

SOURCE = Path(__file__).resolve().parent / "source"
CATALOGUE = "000_73582dc1fac28172.txt"
FOLDER = "kl_2016"
MAX_DESCRIPTION = 1000
NO_FIGURES_YEARS = range(2016, 2020)  # the year header of a case without yearly figures (left empty)

# The catalogue spells two municipalities two ways; one workbook each.
MUNICIPALITY_NAMES = {"Esbjerg": "Esbjerg Kommune", "København Kommune": "Københavns Kommune"}
REALISABILITY = (1.0, 1.5, 2.0, 2.5, 3.0)

# --- status: the catalogue's free text -> one of xlpy's statuses ---------------------------------------------------
# First match wins; a keyword preceded by "ikke" ("ikke igangsat") does not count.
STATUS_RULES = (
    ("Under implementering", ("under implementering", "er ved at blive", "i gang med at blive", "implementeres",
                              "under gennemførelse", "under realisering", "på vej til at blive")),
    ("Implementeret", ("implementeret", "gennemført", "i drift", "realiseret")),
    ("Igangsat", ("igangsat", "igangsæt", "i gang", "påbegyndt")),
    ("Besluttet", ("besluttet", "vedtaget")),
)


def status_of(text: str) -> str | None:
    lowered = " ".join(text.casefold().split())
    for status, keywords in STATUS_RULES:
        for keyword in keywords:
            for match in re.finditer(re.escape(keyword), lowered):
                before = lowered[:match.start()].split()[-2:]
                if "ikke" not in before:
                    return status
    return None


# --- yearly figures ------------------------------------------------------------------------------------------------
# How a table prints its signs: factors (investment, gain, net) that turn its figures into xlpy's convention
# (every input positive; net = gain − investment, positive = saving).
CONVENTIONS = {
    "inputs_positive": (1, 1, 1),      # costs and savings both positive, result = saving − cost
    "savings_positive": (-1, 1, 1),    # savings positive, investments negative (KL's "Negative beløb = investeringer")
    "spending_positive": (1, -1, -1),  # expenditure positive, savings negative, result = cost − saving
}
CONVENTION_NOTES = {
    "inputs_positive": "",
    "savings_positive": "Kataloget viser investeringer som negative beløb; her står de som positive beløb.",
    "spending_positive": "Kataloget viser udgifter som positive og besparelser som negative beløb (nettoresultat = "
                         "udgift − besparelse); fortegnene er vendt, så alle beløb står som positive og "
                         "nettoresultatet er besparelse − investering.",
}
# Row roles: one_off / recurring (several source rows are summed into xlpy's one row), gain (one gain row each, under
# the label given), investment / saving_total / net (the table's printed totals, kept as hard values).
INPUT_ROLES = ("one_off", "recurring")
PRINTED_ROLES = ("investment", "saving_total", "net")


@dataclass
class TableMap:
    table: str
    unit: str
    convention: str
    rows: list[tuple[str, str, str | None]]  # (source label prefix, role, label in the sheet for gains)
    years: list[int] | None = None  # when the header is not calendar years ("År 1", "B15")
    note: str = ""
    labels: dict[str, str] = field(default_factory=dict)


YEARS_FROM_2016 = "Kataloget angiver år 1, 2, …; de er her ført som 2016, 2017, … (katalogets år)."
INVESTMENT_NOTE = "Kataloget skelner ikke mellem engangs- og varige investeringer; udgifter, der ophører inden " \
                  "periodens sidste år, er ført som engangsinvestering, udgifter der løber perioden ud som varig " \
                  "investering."

TABLE_MAPS: dict[str, TableMap] = {
    "KL037": TableMap("T13", "kr.", "inputs_positive", [
        ("Investering", "one_off", None), ("Licenser", "recurring", None),
        ("Uddannelse/løbende vedligeholdelse", "recurring", None), ("Besparelse", "gain", "Gevinst"),
        ("Resultat", "net", None)], years=[2015, 2016, 2017, 2018],
        note="Kolonnerne B15–B18 (budgetår) er ført som 2015–2018. Varig investering = licenser + "
             "uddannelse/løbende vedligeholdelse. Kataloget angiver ingen enhed; beløbene er i kr."),
    "KL038": TableMap("T14", "mio. kr.", "inputs_positive", [
        ("Realisering af gevinst", "gain", "Gevinst – rekrutteringssystem"),
        ("Standardisering af proces", "gain", "Gevinst – standardisering af proces"),
        ("Samlet", "saving_total", None)]),
    "KL061": TableMap("T19", "1.000 kr.", "savings_positive", [
        ("Besparelse, drift", "gain", "Gevinst"), ("Investering, drift", "one_off", None),
        ("Nettobesparelse, drift og anlæg", "net", None)],
        note="Rækkerne for anlæg er tomme eller 0 og er udeladt. " + INVESTMENT_NOTE),
    "KL067": TableMap("T23", "1.000 kr.", "spending_positive", [
        ("Løn til jobkonsulent", "one_off", None), ("Projektleder", "one_off", None),
        ("Arbejdsplads", "one_off", None), ("Lokaler", "one_off", None), ("Udgifter i alt", "investment", None),
        ("Forsøger over 30 år", "gain", "Gevinst – forsørgere over 30 år"),
        ("Ikke forsørgere over 30 år", "gain", "Gevinst – ikke-forsørgere over 30 år"),
        ("Uddannelseshjælp, Udeboende", "gain", "Gevinst – uddannelseshjælp, udeboende"),
        ("Uddannelseshjælp udeboende med tillæg", "gain", "Gevinst – uddannelseshjælp, udeboende m. tillæg"),
        ("Besparelse i alt", "saving_total", None), ("Samlet provenu", "net", None)],
        years=[2016, 2017, 2018],
        note=YEARS_FROM_2016 + " Engangsinvestering = løn, projektleder, arbejdsplads og lokaler. " + INVESTMENT_NOTE),
    "KL070": TableMap("T25", "mio. kr.", "spending_positive", [
        ("Projektleder", "one_off", None), ("Kampagneudgifter", "one_off", None), ("Frikøb", "one_off", None),
        ("Udgifter i alt", "investment", None),
        ("Sparet udgift til førtidspension", "gain", "Gevinst – førtidspension"),
        ("Sparet udgift til forsørgelse", "gain", "Gevinst – fleksjob i stedet for førtidspension"),
        ("Besparelse i alt", "saving_total", None), ("Provenu", "net", None)],
        years=[2016, 2017, 2018, 2019, 2020],
        note=YEARS_FROM_2016 + " Tabellen angiver ingen enhed; beløbene er i mio. kr. (1 person ≈ 0,12). "
             "Engangsinvestering = projektleder, kampagne og frikøb. " + INVESTMENT_NOTE),
    "KL071": TableMap("T26", "mio. kr.", "spending_positive", [
        ("Udgifter til jobkonsulent", "one_off", None), ("Sparet udgift til forsørgelse", "gain", "Gevinst"),
        ("Besparelse", "net", None)],
        years=[2016, 2017, 2018, 2019, 2020],
        note=YEARS_FROM_2016 + " Katalogets sidste række hedder »Besparelse«, men er nettoresultatet (udgift − "
             "besparelse). " + INVESTMENT_NOTE),
    "KL072": TableMap("T27", "mio. kr.", "spending_positive", [
        ("Projektleder", "one_off", None), ("6 ekstra jobkonsulenter", "one_off", None),
        ("Etablering og driftsudgifter", "one_off", None), ("Administrative udgifter", "one_off", None),
        ("Kørselsudgifter", "one_off", None), ("Udgifter i alt", "investment", None),
        ("Sparet udgift til forsørgelse*", "gain", "Gevinst – færre på kontanthjælp"),
        ("Sparet udgift til forsørgelse ved 12", "gain", "Gevinst – fleksjob i stedet for førtidspension"),
        ("Besparelse i alt", "saving_total", None), ("Provenu", "net", None)],
        years=[2016, 2017, 2018, 2019, 2020],
        note=YEARS_FROM_2016 + " Tabellen angiver ingen enhed; beløbene er i mio. kr. (teksten: samlet besparelse "
             "5,43 mio. kr.). Engangsinvestering = projektets fem udgiftsrækker. " + INVESTMENT_NOTE),
    "KL094": TableMap("T28", "1.000 kr.", "spending_positive", [
        ("Besparelse (drift)", "gain", "Gevinst"), ("Investering (drift)", "recurring", None),
        ("= Nettoresultat, drift", "net", None)], note=INVESTMENT_NOTE),
    "KL098": TableMap("T29", "1.000 kr.", "spending_positive", [
        ("Besparelse, drift", "gain", "Gevinst"), ("Investering, drift", "recurring", None),
        ("= Nettoresultat, drift", "net", None)]),
    "KL102": TableMap("T30", "1.000 kr.", "spending_positive", [
        ("Besparelse, drift", "gain", "Gevinst"), ("Investering, drift", "recurring", None),
        ("= Nettoresultat, drift", "net", None)],
        note="Kataloget skriver investeringen som »0.625« og »1.006«; det er 625 og 1.006 (1.000 kr.), som "
             "nettoresultatet viser. " + INVESTMENT_NOTE),
    "KL108": TableMap("T31", "1.000 kr.", "spending_positive", [
        ("Forventet økonomisk gevinst", "gain", "Gevinst")],
        note="Årstallene står som i kataloget (2015, 2016, 2016, 2018)."),
    "KL119": TableMap("T34", "1.000 kr.", "spending_positive", [
        ("Besparelse, drift", "gain", "Gevinst"), ("Investering, drift", "recurring", None),
        ("= Nettoresultat, drift", "net", None)]),
    "KL120": TableMap("T35", "1.000 kr.", "spending_positive", [
        ("Forventet økonomisk gevinst", "gain", "Gevinst")]),
    "KL123": TableMap("T36", "1.000 kr.", "spending_positive", [
        ("Opnormeringer", "recurring", None), ("Kompetenceudvikling", "one_off", None),
        ("Forventet besparelse på anbringelser", "gain", "Gevinst"), ("Nettobesparelse", "net", None)],
        note="Varig investering = opnormeringer; engangsinvestering = kompetenceudvikling. " + INVESTMENT_NOTE),
    "KL124": TableMap("T37", "mio. kr.", "spending_positive", [
        ("Regulering demografi", "gain", "Gevinst"), ("Prioritering i fremskudte", "recurring", None),
        ("Ændringsforslag i alt", "net", None)],
        note="Gevinst = regulering af demografi (konto 5); varig investering = fremskudte socialrådgivere på "
             "skoler."),
    "KL135": TableMap("T38", "mio. kr.", "inputs_positive", [
        ("Ny teamsammensætning", "gain", "Gevinst – ny teamsammensætning"),
        ("Administration", "gain", "Gevinst – administration"),
        ("Reduktion i ledelse", "gain", "Gevinst – reduktion i ledelse"),
        ("Centralisering af telefoni", "gain", "Gevinst – centralisering af telefoni"),
        ("Centralisering af indkøb", "gain", "Gevinst – centralisering af indkøb"),
        ("Bortfald af midlertidigt ortoteam", "gain", "Gevinst – bortfald af ortoteam"),
        ("I alt", "saving_total", None)], years=[2016, 2017, 2018],
        note="Katalogets kolonne 2016-18 (i alt) og forudsætningerne er udeladt."),
    "KL140": TableMap("T40", "mio. kr.", "spending_positive", [
        ("Mindreudgift med brug af den nye model", "gain", "Gevinst")],
        note="Gevinst = mindreudgiften med den nye demografimodel; tabellens budgetbehov pr. aldersgruppe er "
             "ikke caserækker og er udeladt."),
}

# Tables of the catalogue that are left out, and why (also in kl_2016/README.md).
EXCLUDED = {
    "KL021": "one yearly figure, no year columns",
    "KL027": "an 'Etablering' column, a row without label and effects whose sign is not stated",
    "KL034": "net and cumulative rows only, for two scenarios; no investment or gain rows",
    "KL046": "a net gain only ('Nettogevinst'); gross gain and cost not given",
    "KL047": "ranges ('2 - 5') and minimums by budget year; no single figures",
    "KL049": "budgeted gain explicitly excluding the cost of the extra staff, which is not given by year",
    "KL055": "one net row, no unit, and an open-ended last column ('2021→')",
    "KL062": "arrears by month, not a case table",
    "KL066": "gains by year only; the costs (2,6 mio. kr.) are given only for the whole project period",
    "KL069": "one row labelled only by its unit; whether it is gross or net is not stated",
    "KL116": "expenditure levels by accounting year (R2012–FR2015), not gains or investments",
    "KL143": "hours and kroner by shift type, no year columns",
    "KL148": "a gain row that is negative in years 1–3 (extra product cost) without separating cost and gain",
    "KL149": "per meeting and per year, no year columns",
}


def load_catalogue() -> list[dict[str, str]]:
    with open(SOURCE / "kl_cases.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_tables() -> dict[str, dict[str, Any]]:
    tables = json.loads((SOURCE / "kl_tables.json").read_text(encoding="utf-8"))["tables"]
    return {t["id"]: t for t in tables if t["source_document"].startswith("000")}


def slug(text: str) -> str:
    """A safe ASCII file name: "Københavns Kommune" -> "kobenhavns_kommune"."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _distinct(values: list[str]) -> str:
    return "; ".join(dict.fromkeys(v.strip() for v in values if v.strip()))


def _realisability(text: str) -> int | float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if value not in REALISABILITY:
        return None
    return int(value) if value.is_integer() else value


def _description(note: str, status: str, gain_text: str) -> str:
    parts = [note.strip(), f"Status: {status.strip()}" if status.strip() else "",
             f"Økonomisk gevinst: {gain_text.strip()}" if gain_text.strip() else ""]
    text = "\n".join(p for p in parts if p)
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1].rstrip() + "…"


def _cells(table: dict[str, Any], row: dict[str, Any], n: int) -> list[float | None]:
    """A row's first n year cells in header order: numbers, 0 for a dash, None for an empty cell."""
    years = table["year_columns"]
    out = []
    for cell in row["cells"]:
        if cell["column"] not in years:
            continue
        if cell["value"] is not None:
            out.append(cell["value"])
        else:
            out.append(0 if cell["raw"].strip() in ("-", "–") else None)
    assert len(out) == len(years), (table["id"], row["label"])
    return out[:n]


def _scaled(values: list[float | None], factor: int) -> list[float | None]:
    return [None if v is None else (round(factor * v, 10) or 0) for v in values]


def yearly(uid: str, tables: dict[str, dict[str, Any]], fields: dict[str, Any]) -> CaseSpec:
    """The case spec of an example whose catalogue table maps onto xlpy's rows."""
    mapping = TABLE_MAPS[uid]
    table = tables[mapping.table]
    assert table["case_uid"] == uid, (uid, table["id"])
    years = mapping.years or [int(y) for y in table["year_columns"]]
    invest_sign, gain_sign, net_sign = CONVENTIONS[mapping.convention]
    n = len(years)
    inputs = {role: [0.0] * n for role in INPUT_ROLES}
    printed: dict[str, list[float | None]] = {}
    gains = []
    for prefix, role, label in mapping.rows:
        row = next(r for r in table["rows"] if r["label"].startswith(prefix))
        values = _cells(table, row, n)
        if role in INPUT_ROLES:
            for i, v in enumerate(_scaled(values, invest_sign)):
                inputs[role][i] = round(inputs[role][i] + (v or 0), 10)
        elif role == "gain":
            gains.append(Gain(label, [v or 0 for v in _scaled(values, gain_sign)]))
        else:
            sign = {"investment": invest_sign, "saving_total": gain_sign, "net": net_sign}[role]
            printed[role] = _scaled(values, sign)
    first, last = years[0], years[-1]
    fields = {**fields, "unit": mapping.unit, "period": f"{first}–{last}"}
    fields["description"] = _description(" ".join(x for x in (CONVENTION_NOTES[mapping.convention], mapping.note)
                                                   if x), fields.pop("_status"), fields.pop("_gain_text"))
    return CaseSpec(sheet=uid, fields=fields, years=years, one_off=_ints(inputs["one_off"]),
                    recurring=_ints(inputs["recurring"]), gains=gains, **{k: printed.get(k) for k in PRINTED_ROLES})


def _ints(values: list[float]) -> list[float]:
    return [int(v) if float(v).is_integer() else v for v in values]


def without_figures(uid: str, fields: dict[str, Any]) -> CaseSpec:
    """An example without a usable table: amount cells empty, Periode blank (xlpy reports no-yearly-figures)."""
    n = len(NO_FIGURES_YEARS)
    fields = {**fields, "unit": "1.000 kr."}
    fields["description"] = _description("", fields.pop("_status"), fields.pop("_gain_text"))
    return CaseSpec(sheet=uid, fields=fields, years=NO_FIGURES_YEARS, one_off=[None] * n, recurring=[None] * n,
                    gains=[Gain("Gevinst", [None] * n)])


def case_specs() -> dict[str, list[CaseSpec]]:
    """Municipality -> its examples' case specs, in catalogue order."""
    tables = load_tables()
    entries: dict[str, list[dict[str, str]]] = {}
    for row in load_catalogue():
        entries.setdefault(row["case_uid"], []).append(row)
    by_municipality: dict[str, list[CaseSpec]] = {}
    for uid, rows in entries.items():
        first = next((r for r in rows if r["first_occurrence"] == "yes"), rows[0])
        municipality = MUNICIPALITY_NAMES.get(first["kommune"], first["kommune"])
        fields: dict[str, Any] = {
            "case_nr": uid, "title": first["title"].strip(), "area": _distinct([r["area"] for r in rows]),
            "category": _distinct([r["category"] for r in rows]), "type": "Effektivisering",
            "realisability": _realisability(first["realiserbarhed"]), "status": status_of(first["status"]),
            "municipality": municipality, "_status": first["status"], "_gain_text": first["gevinst_text"],
        }
        spec = yearly(uid, tables, fields) if uid in TABLE_MAPS else without_figures(uid, fields)
        by_municipality.setdefault(municipality, []).append(spec)
    return by_municipality


def build(out: Path) -> list[Path]:
    written = []
    for municipality, specs in sorted(case_specs().items(), key=lambda item: slug(item[0])):
        path = out / FOLDER / f"{slug(municipality)}.xlsx"
        write_book(path, [*(case_sheet(s) for s in specs), lists_sheet(), guide_sheet()])
        written.append(path)
    return written
