"""Four department workbooks of Allerød Kommune, as a finance department would collect them for a budget round.

Used by samples/build.py. The cases are drawn from the seeds: Allerød's five 2021 cases (samples/source/
kl_tables.json, source 003_…) with their slips corrected and their periods moved five years on to the 2026 budget
round, and KL catalogue examples with yearly tables, adapted to Allerød's size and to 2026–2031. Six deliberate
mistakes are built in, each once; samples/afdelinger/README.md lists them (file, sheet, cell, expected finding).
Everything else validates clean: computed rows are live formulas unless a mistake needs printed values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, guide_sheet, lists_sheet
from xlpy.write.xlsx import write_book

SOURCE = Path(__file__).resolve().parent / "source"
ALLEROD = "003_83508dc53df1d591.txt"
FOLDER = "afdelinger"
SHIFT = 5  # Allerød's 2021 cases moved to the 2026 budget round
YEARS = range(2026, 2032)
COMMON = {"municipality": "Allerød Kommune", "price_level": "2026-P/L", "status": "Under udarbejdelse"}


def allerod_rows(case_no: int) -> dict[str, list[Any]]:
    """One of Allerød's case tables: row label (without footnote marks) -> amounts as printed."""
    tables = json.loads((SOURCE / "kl_tables.json").read_text(encoding="utf-8"))["tables"]
    table = next(t for t in tables if t["source_document"] == ALLEROD and t.get("case_no") == case_no)
    return {r["label"].rstrip("*").strip(): [c["value"] if c["value"] is not None else c["raw"] for c in r["cells"]]
            for r in table["rows"]}


def allerod_years(case_no: int) -> range:
    tables = json.loads((SOURCE / "kl_tables.json").read_text(encoding="utf-8"))["tables"]
    table = next(t for t in tables if t["source_document"] == ALLEROD and t.get("case_no") == case_no)
    first = int(table["year_columns"][0]) + SHIFT
    return range(first, first + len(table["year_columns"]))


def _period(years: range) -> str:
    return f"{years[0]}–{years[-1]}"


def _rpa(case_nr: str, department: str) -> CaseSpec:
    """Allerød case 3 in kr. (×1.000). The same sheet is handed in by two departments (deliberate duplicate)."""
    rows = allerod_rows(3)
    years = allerod_years(3)
    kr = lambda values: [v * 1000 for v in values]  # noqa: E731
    return CaseSpec(sheet="RPA", years=years, fields={
        **COMMON, "case_nr": case_nr, "title": "Udbrede anvendelsen af RPA-teknologi", "committee": "ØU",
        "area": "Økonomi og digitalisering", "category": "Digitalisering og ny teknologi", "type": "Effektivisering",
        "period": _period(years), "realisability": 2, "department": department, "unit": "kr.",
        "description": "Softwarerobotter overtager regelbaserede sagsgange (fx udbetalinger og registreringer) i "
                       "administrationen. Investering i licenser og udvikling; gevinst i frigjort arbejdstid."},
        one_off=kr(rows["Engangsinvestering"]), recurring=kr(rows["Varig investering"]),
        gains=[Gain("Gevinst", kr(rows["Gevinst"]))])


def arbejdsmarked() -> list[CaseSpec]:
    common = {**COMMON, "committee": "SVBU", "area": "Arbejdsmarked", "department": "Arbejdsmarked",
              "unit": "1.000 kr."}
    one, two = allerod_rows(1), allerod_rows(2)
    gain_2 = list(two["Gevinst"])
    gain_2[3] = "1.561"  # MISTAKE number-as-text: typed as text
    years = allerod_years(1)
    return [
        CaseSpec(sheet="Unge", years=years, fields={
            **common, "case_nr": "AM-1", "title": "Nedbringelse af unge på offentlig forsørgelse",
            "category": "Bedre tilrettelæggelse af arbejdet", "type": "Effektivisering", "period": _period(years),
            "realisability": 2, "owner": "Leder af Ungeindsatsen", "status": "Igangsat", "follow_up_year": 2026,
            "description": "Tættere kontakt og mentorforløb for unge på uddannelseshjælp; plankoordinatorerne "
                           "afprøver at varetage mentorfunktionen."},
            one_off=one["Engangsinvestering"], recurring=one["Varig investering"],
            gains=[Gain("Gevinst", one["Gevinst"])],
            # FOLLOW-UP on track: 330 of the expected 335 realised in 2026 (98 %, grøn)
            realised_investment=[0], realised_saving=[330]),
        CaseSpec(sheet="Sygedagpenge", years=allerod_years(2), fields={
            **common, "case_nr": "AM-2", "title": "Nedbringelse af varigheden på sygedagpengeforløb",
            "category": "Bedre tilrettelæggelse af arbejdet", "type": "Effektivisering",
            "period": _period(allerod_years(2)), "realisability": 2.5, "owner": "Leder af Sygedagpengeteamet",
            "description": "Ledelsesmæssig styring og opfølgning på sagsarbejdet med faglige pejlemærker. Gevinsten "
                           "fra den eksisterende case vises, men indgår ikke i casens resultat."},
            one_off=two["Engangsinvestering"], recurring=two["Varig investering"],
            gains=[Gain("Gevinst fra eksisterende case", two["Gevinst fra eksisterende case"], counted=False),
                   Gain("Gevinst", gain_2)]),
        CaseSpec(sheet="Jobkonsulenter", years=YEARS, fields={
            **common, "case_nr": "AM-3", "title": "Opsøgende jobkonsulenter i boligområderne",
            "category": "Organisatoriske tilpasninger", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 1.5, "owner": "Jobcenterchef",
            "description": "Efter Silkeborg Kommunes »Opsøgende jobkonsulent« (KL's B17-katalog): to års projekt "
                           "med én jobkonsulent med base i boligområderne; gevinst i sparet forsørgelse."},
            one_off=[340, 340, 0, 0, 0, 0], recurring=[0] * 6,
            gains=[Gain("Gevinst", [250, 760, 1015, 1015, 1015, 1015])],
            net=[90, -420, -1015, -1015, -1015, -1015]),  # MISTAKE net-sign-inverted: investment − gain
        _rpa("AM-4", "Arbejdsmarked"),  # MISTAKE duplicate case: the same sheet as ØD-1
    ]


def skole_og_dagtilbud() -> list[CaseSpec]:
    common = {**COMMON, "committee": "BSU", "area": "Skole og dagtilbud", "department": "Skole og Dagtilbud",
              "unit": "1.000 kr."}
    four, five = allerod_rows(4), allerod_rows(5)
    one_off_4 = list(four["Engangsinvestering"])
    one_off_4[0] = 4000  # the paper prints "2.000-8.000" and computes with 4,0 mio. kr. (its footnote)
    return [
        CaseSpec(sheet="Skoledagbehandling", years=allerod_years(4), fields={
            **common, "case_nr": "SD-1", "title": "Etablering af gruppeordning/skoledagbehandlingstilbud",
            "category": "Hjemtagelse af ydelser", "type": "Effektivisering", "period": _period(allerod_years(4)),
            "realisability": 2.5, "owner": "Skolechef",
            "description": "Eget skoledagbehandlingstilbud i stedet for køb af pladser. Engangsinvesteringen er "
                           "skønnet til 2–8 mio. kr.; der regnes med 4,0 mio. kr."},
            one_off=one_off_4, recurring=four["Varig investering"], gains=[Gain("Gevinst", four["Gevinst"])],
            low={"one_off": [2000]}, high={"one_off": [8000]}),  # the paper's range, in the Usikkerhed rows
        CaseSpec(sheet="Sampasning", years=allerod_years(5), fields={
            **common, "case_nr": "SD-2", "title": "Udvidelse af sampasningsordning i dagtilbud",
            "category": "Tilpasning af ydelser", "type": "Servicereduktion", "period": _period(allerod_years(5)),
            "realisability": 1, "owner": "Dagtilbudschef",
            "description": "Flere dage med sampasning på tværs af institutioner i ferieperioder."},
            one_off=five["Engangsinvestering"], recurring=five["Varig investering"],
            gains=[Gain("Gevinst", five["Gevinst"])]),
        CaseSpec(sheet="Socialrådgivere", years=YEARS, fields={
            **common, "case_nr": "SD-3", "title": "Fremskudte socialrådgivere på skolerne",
            "category": "Omlægning af servicetilbud", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 2, "owner": "Leder af PPR",
            "description": "Efter Syddjurs Kommunes »Fremrykket og forebyggende indsats på familieområdet« (KL's "
                           "B17-katalog): to socialrådgivere på skolerne opdager mindre problemer tidligt; gevinst "
                           "i færre og billigere foranstaltninger."},
            recurring=[1000] * 6, gains=[Gain("Gevinst", [500, 1300, 1900, 2400, 2400, 2400])],
            net=[-500, 300, 900, 1401, 1400, 1400]),  # MISTAKE computed-rounding: 2029 should be 1.400
    ]


def oekonomi_og_digitalisering() -> list[CaseSpec]:
    common = {**COMMON, "committee": "ØU", "area": "Økonomi og digitalisering",
              "department": "Økonomi og Digitalisering", "unit": "kr."}
    return [
        _rpa("ØD-1", "Økonomi og Digitalisering"),
        CaseSpec(sheet="Videomøder", years=YEARS, fields={
            **common, "case_nr": "ØD-2", "title": "Videomøder i stedet for fysiske møder",
            "category": "Digitalisering og ny teknologi", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 1.5, "owner": "Digitaliseringschef", "status": "Besluttet",  # FOLLOW-UP: none yet
            "description": "Efter Holbæk Kommunes »Videomøder« (KL's B17-katalog): 10 mødelokaler med skærm og "
                           "kamera; gevinst i sparet transport- og mødetid."},
            one_off=[350_000, 0, 0, 0, 0, 0], recurring=[120_000] * 6,
            gains=[Gain("Gevinst", [250_000, 600_000, 600_000, 600_000, 600_000, 600_000])]),
        CaseSpec(sheet="Multifunktionsmaskiner", years=YEARS, fields={
            **common, "case_nr": "ØD-3", "title": "Optimeret anvendelse af kopi- og multifunktionsmaskiner",
            "area": "Digitalisering",  # MISTAKE not-in-list: should be "Økonomi og digitalisering"
            "category": "Konkurrenceudsættelse og indkøb", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 1, "owner": "Indkøbschef",
            "description": "Efter Varde Kommunes »Optimeret anvendelse af kopi- og multifunktionsmaskiner« (KL's "
                           "B17-katalog): nyt udbud og færre maskiner; investering i udbud og registrering."},
            one_off=[60_000, 150_000, 0, 0, 0, 0], recurring=[0] * 6,
            gains=[Gain("Gevinst", [0, 400_000, 650_000, 650_000, 650_000, 650_000])]),
    ]


def aeldre_og_sundhed() -> list[CaseSpec]:
    common = {**COMMON, "committee": "SVBU", "area": "Ældre og sundhed", "department": "Ældre og Sundhed",
              "unit": "mio. kr."}
    return [
        CaseSpec(sheet="Vagtplanlægning", years=YEARS, fields={
            **common, "case_nr": "ÆS-1", "title": "Optimering af vagtplanlægningen",
            "category": "Organisatoriske tilpasninger", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 2, "owner": "Ældrechef", "status": "Igangsat", "follow_up_year": 2026,
            "deviation_reason": "Det fælles vikarkorps kom først i gang i september; vikartimerne falder fra 2027.",
            "description": "Efter Favrskov Kommunes »Central arbejdstidsplanlægning« (KL's B17-katalog): central "
                           "planlægning og fælles vikarkorps; færre vikartimer og mindre overarbejde."},
            one_off=[0.25, 0, 0, 0, 0, 0], recurring=[0.3] * 6,
            gains=[Gain("Gevinst", [0.2, 0.6, 0.9, 0.9, 0.9, 0.9])],
            # FOLLOW-UP behind, with a reason: 0,1 of the expected 0,2 mio. kr. realised in 2026 (50 %, rød)
            realised_investment=[0.6], realised_saving=[0.1]),
        CaseSpec(sheet="Omsorgsteknologi", years=YEARS, fields={
            **common, "case_nr": "ÆS-2", "title": "Omsorgsteknologi på plejecentrene", "unit": "1.000 kr.",
            "category": "Digitalisering og ny teknologi", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 2.5, "owner": "Leder af Hjælpemiddelenheden",
            "description": "Efter Viborg Kommunes »Effektivisering af medarbejdernes tidsanvendelse« (KL's "
                           "B17-katalog): loftlifte, badestole og sensorer frigør medarbejdertid. Arket er "
                           "udfyldt i 1.000 kr."},
            one_off=["2.000-8.000", 0, 0, 0, 0, 0],  # MISTAKE range-not-number: one figure is needed
            recurring=[300] * 6, gains=[Gain("Gevinst", [800, 2000, 2600, 2600, 2600, 2600])]),
        CaseSpec(sheet="Tandpleje", years=YEARS, fields={
            **common, "case_nr": "ÆS-3", "title": "Effektivisering af tandplejen",
            "category": "Strukturtilpasninger", "type": "Effektivisering", "period": _period(YEARS),
            "realisability": 1.5, "owner": "Overtandlæge",
            "description": "Efter Københavns Kommunes »Effektivisering af Børne- og Ungdomstandplejen« (KL's "
                           "B17-katalog): ny teamsammensætning og samling af små klinikker; engangsudgift til flytning."},
            one_off=[0.5, 0, 0, 0, 0, 0], recurring=[0] * 6,
            gains=[Gain("Gevinst", [0.3, 0.7, 0.9, 0.9, 0.9, 0.9])]),
    ]


WORKBOOKS = (
    ("arbejdsmarked.xlsx", arbejdsmarked),
    ("skole_og_dagtilbud.xlsx", skole_og_dagtilbud),
    ("oekonomi_og_digitalisering.xlsx", oekonomi_og_digitalisering),
    ("aeldre_og_sundhed.xlsx", aeldre_og_sundhed),
)


def build(out: Path) -> list[Path]:
    written = []
    for name, specs in WORKBOOKS:
        path = out / FOLDER / name
        write_book(path, [*(case_sheet(s) for s in specs()), lists_sheet(), guide_sheet()])
        written.append(path)
    return written
