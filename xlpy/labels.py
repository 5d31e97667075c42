"""The words of a case sheet: every label and its aliases, the default value lists and the units, in one place.

The reader finds things by label, never by address. Labels are compared after `normalise`, which ignores case,
spaces, dots, colons, footnote marks and a trailing unit in parentheses, so "Akk. effekt*", "akk effekt" and
"AKK. EFFEKT (1.000 kr.)" are the same label.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOISE = re.compile(r"[\s.:*†‡¹²³]+")
_TRAILING_PARENS = re.compile(r"\s*\([^()]*\)\s*$")


def normalise(text: object) -> str:
    return _normalise(text) if isinstance(text, str) else ""


@lru_cache(maxsize=1 << 16)  # the same few hundred labels recur on every sheet of every workbook
def _normalise(text: str) -> str:
    text = _TRAILING_PARENS.sub("", text.strip())
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return _NOISE.sub("", text.casefold())


# --- metadata block: field -> (label shown in the template, aliases) ----------------------------------------------
METADATA: dict[str, tuple[str, tuple[str, ...]]] = {
    "case_nr": ("Case nr.", ("Case nr", "Casenr", "Case-nr.", "Casenummer", "Nr.", "Nr. (nyt)", "Løbenr.")),
    "title": ("Titel", ("Casetitel", "Casens titel", "Navn på case", "Overskrift")),
    "committee": ("Udvalg", ("Fagudvalg", "Politisk udvalg")),
    "area": ("Område", ("Serviceområde", "Fagområde")),
    "category": ("Kategori", ("KL-kategori",)),
    "type": ("Type", ("Casetype",)),
    "period": ("Periode", ("Budgetperiode",)),
    "realisability": ("Realiserbarhed", ("Realiserbarhed (1-3)",)),
    "status": ("Status", ()),
    "municipality": ("Kommune", ()),
    "department": ("Forvaltning/afdeling", ("Forvaltning", "Afdeling", "Forvaltning / afdeling")),
    "owner": ("Ansvarlig", ("Kontaktperson", "Ansvarlig person")),
    "unit": ("Enhed", ("Beløb i", "Beløbsenhed")),
    "price_level": ("Prisniveau", ("Pris- og lønniveau", "P/L-niveau")),
    "description": ("Beskrivelse", ("Kort beskrivelse",)),
}
REQUIRED = ("case_nr", "title", "area", "type", "period")
LIST_FIELDS = ("area", "category", "type", "status")
MULTI_SEPARATOR = ";"  # a case can belong to several areas or categories: "Skole, SFO og klub; Dagtilbud"


def split_values(value: object) -> list[str]:
    """A list field's values: "A; B" -> ["A", "B"] (the first is the case's primary value)."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return [part.strip() for part in text.split(MULTI_SEPARATOR) if part.strip()]

METADATA_BY_ALIAS: dict[str, str] = {}
for _field, (_label, _aliases) in METADATA.items():
    for _alias in (_label, *_aliases):
        METADATA_BY_ALIAS[normalise(_alias)] = _field


def metadata_label(field: str) -> str:
    return METADATA[field][0]


# --- year table rows ---------------------------------------------------------------------------------------------
ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "one_off": ("Engangsinvestering", ("Engangsinvesteringer", "Engangsudgift", "Engangsudgifter")),
    "recurring": ("Varig investering", ("Varige investeringer", "Løbende investering", "Varig udgift",
                                        "Varige udgifter", "Driftsinvestering")),
    "investment": ("Investering i alt", ("Investeringer i alt", "Samlet investering", "Udgifter i alt")),
    "saving": ("Gevinst", ("Gevinster", "Besparelse", "Besparelser", "Bruttogevinst", "Effektivisering",
                         "Øvrig gevinst", "Anden gevinst", "Øvrige gevinster")),
    "saving_total": ("Besparelse i alt", ("Gevinst i alt", "Gevinster i alt", "Samlet gevinst",
                                          "Bruttobesparelse", "Samlet besparelse")),
    "net": ("Nettoresultat", ("Samlet effekt pr. år", "Samlet effekt", "Nettoeffekt", "Netto",
                              "Nettobesparelse", "Nettogevinst")),
    "cumulative": ("Akk. nettoresultat", ("Akk. effekt", "Akkumuleret effekt", "Akkumuleret nettoresultat",
                                          "Akk. nettoeffekt", "Akkumuleret")),
}
ROW_BY_ALIAS: dict[str, str] = {}
for _key, (_label, _aliases) in ROWS.items():
    for _alias in (_label, *_aliases):
        ROW_BY_ALIAS[normalise(_alias)] = _key

# Further gain rows are recognised by how their label starts ("Gevinst fra eksisterende case").
GAIN_PREFIXES = tuple(normalise(p) for p in ("Gevinst", "Besparelse", "Merindtægt", "Effektivisering"))


def row_key(label: object) -> str | None:
    """Which table row a label names (gain rows with longer names count as "saving")."""
    return row_key_of(normalise(label))


@lru_cache(maxsize=1 << 16)
def row_key_of(norm: str) -> str | None:
    """row_key for an already normalised label."""
    if not norm:
        return None
    if norm in ROW_BY_ALIAS:
        return ROW_BY_ALIAS[norm]
    if norm.startswith(GAIN_PREFIXES):
        return "saving"
    return None


def row_label(key: str) -> str:
    return ROWS[key][0]


HEADER_LABELS = tuple(normalise(x) for x in ("År", "Årstal", "Beløb", "Budgetår"))
COUNTED_HEADER = tuple(normalise(x) for x in ("Medregnes", "Medregnes i resultat", "Indgår", "Tælles med"))
TOTAL_HEADER = tuple(normalise(x) for x in ("I alt", "Total", "Sum"))
NOT_COUNTED = {normalise(x) for x in ("Nej", "N", "Nej (vises kun)", "Indgår ikke", "0", "Falsk", "No")}

# --- units -------------------------------------------------------------------------------------------------------
UNITS: dict[str, int] = {"kr.": 1, "1.000 kr.": 1000, "mio. kr.": 1_000_000}
UNIT_BY_ALIAS: dict[str, str] = {
    normalise(alias): unit
    for unit, aliases in {
        "kr.": ("kr.", "kr", "kroner", "DKK"),
        "1.000 kr.": ("1.000 kr.", "1000 kr.", "1.000 kr", "t.kr.", "tkr.", "tkr", "1.000 kroner", "i 1000 kr."),
        "mio. kr.": ("mio. kr.", "mio kr", "mio.", "millioner kr.", "mill. kr."),
    }.items()
    for alias in aliases
}
DEFAULT_UNIT = "1.000 kr."

# --- allowed values of the list fields (a workbook's "Lister" sheet overrides them) ----------------------------------
KL_AREAS = ("Tværgående forslag", "Administration", "Beskæftigelse", "Dagtilbud", "Det specialiserede socialområde",
            "Kultur og fritid", "Skole, SFO og klub", "Sundhed", "Teknik og miljø", "Ældre")
ALLEROD_AREAS = ("Arbejdsmarked", "Social og handicap", "Ældre og sundhed", "Skole og dagtilbud",
                 "Økonomi og digitalisering")
KL_CATEGORIES = ("Strukturtilpasninger", "Organisatoriske tilpasninger", "Bedre tilrettelæggelse af arbejdet",
                 "Digitalisering og ny teknologi", "Tilpasning af ydelser", "Konkurrenceudsættelse og indkøb",
                 "Hjemtagelse af ydelser", "Energibesparende foranstaltninger", "Incitament og styringsmodel",
                 "Omlægning af servicetilbud")
TYPES = ("Effektivisering", "Servicereduktion")
STATUSES = ("Idé", "Under udarbejdelse", "Besluttet", "Igangsat", "Under implementering", "Implementeret",
            "Opgivet")
DEFAULT_LISTS: dict[str, tuple[str, ...]] = {
    "area": KL_AREAS + ALLEROD_AREAS,
    "category": KL_CATEGORIES,
    "type": TYPES,
    "status": STATUSES,
}
REALISABILITY_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0)

# --- sheet names ----------------------------------------------------------------------------------------------------
LISTS_SHEET = "Lister"
GUIDE_SHEET = "Vejledning"
FINDINGS_SHEET = "Fejl"
MARKS_SHEET = "xlpy_markeringer"  # hidden: where Validér remembers what each highlighted cell looked like
SUMMARY_SHEETS = ("Overblik", "Nøgletal", "Pr. år", "Pr. område", FINDINGS_SHEET)
NOT_CASE_SHEETS = {normalise(x) for x in (LISTS_SHEET, GUIDE_SHEET, MARKS_SHEET, *SUMMARY_SHEETS)}
