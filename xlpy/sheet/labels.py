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
    "follow_up_year": ("Opfølgningsår", ("Opfølgning år", "Opfølgning til og med", "Realiseret til og med")),
    "deviation_reason": ("Forklaring på afvigelse", ("Forklaring", "Årsag til afvigelse", "Afvigelsesforklaring",
                                                    "Begrundelse for afvigelse")),
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
# Departments name their rows in many ways (DESIGN §3). Input rows: investments of two kinds and gains; computed rows:
# the totals, the net and the cumulative. A row that is none of these is a sub-row ("Heraf …"), a row that is not
# an amount ("Årsværk"), or unknown — and then the sheet's own totals decide how it is read (parse.py, readings.py).
ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "one_off": ("Engangsinvestering", ("Engangsinvesteringer", "Engangsudgift", "Engangsudgifter", "Anlæg",
                                       "Anlægsudgift", "Anlægsudgifter", "Anlægsinvestering", "Anlægsinvesteringer",
                                       "Implementeringsomkostninger", "Implementeringsudgifter",
                                       "Implementeringsomkostning", "Implementering", "Etablering",
                                       "Etableringsudgifter", "Engangsomkostninger", "Investering", "Investeringer")),
    "recurring": ("Varig investering", ("Varige investeringer", "Løbende investering", "Varig udgift",
                                        "Varige udgifter", "Driftsinvestering", "Drift", "Driftsudgift",
                                        "Driftsudgifter", "Driftsomkostninger", "Løbende udgift", "Løbende udgifter",
                                        "Løbende omkostninger", "Merudgift", "Merudgifter", "Årlige udgifter")),
    "investment": ("Investering i alt", ("Investeringer i alt", "Samlet investering", "Udgifter i alt",
                                         "Samlede investeringer", "Samlede udgifter", "Omkostninger i alt")),
    "saving": ("Gevinst", ("Gevinster", "Besparelse", "Besparelser", "Bruttogevinst", "Effektivisering",
                         "Øvrig gevinst", "Anden gevinst", "Øvrige gevinster", "Mindreudgift", "Mindreudgifter",
                         "Provenu", "Merindtægt", "Merindtægter", "Effektiviseringer", "Driftsbesparelse")),
    "saving_total": ("Besparelse i alt", ("Gevinst i alt", "Gevinster i alt", "Samlet gevinst",
                                          "Bruttobesparelse", "Samlet besparelse", "Besparelser i alt",
                                          "Samlede gevinster", "Mindreudgifter i alt", "Provenu i alt",
                                          "Effektivisering i alt", "Bruttobesparelse i alt")),
    "net": ("Nettoresultat", ("Samlet effekt pr. år", "Samlet effekt", "Nettoeffekt", "Netto",
                              "Nettobesparelse", "Nettogevinst", "Netto i alt", "Nettoprovenu", "Resultat",
                              "Samlet nettoeffekt", "Nettoresultat i alt", "Årligt nettoresultat")),
    "cumulative": ("Akk. nettoresultat", ("Akk. effekt", "Akkumuleret effekt", "Akkumuleret nettoresultat",
                                          "Akk. nettoeffekt", "Akkumuleret")),
}
ROW_BY_ALIAS: dict[str, str] = {}
for _key, (_label, _aliases) in ROWS.items():
    for _alias in (_label, *_aliases):
        ROW_BY_ALIAS[normalise(_alias)] = _key

# Longer labels are recognised by how they start ("Gevinst fra eksisterende case", "Anlæg, IT-system").
PREFIXES: tuple[tuple[str, str], ...] = tuple((normalise(p), k) for p, k in (
    ("Akk", "cumulative"), ("Akkumuleret", "cumulative"),
    ("Gevinst", "saving"), ("Besparelse", "saving"), ("Merindtægt", "saving"), ("Effektivisering", "saving"),
    ("Mindreudgift", "saving"), ("Provenu", "saving"), ("Driftsbesparelse", "saving"),
    ("Engangs", "one_off"), ("Anlæg", "one_off"), ("Implementering", "one_off"), ("Etablering", "one_off"),
    ("Varig", "recurring"), ("Løbende", "recurring"), ("Merudgift", "recurring"), ("Driftsudgift", "recurring"),
    ("Driftsomkostning", "recurring"),
))
SUBROW_PREFIXES = tuple(normalise(p) for p in ("Heraf", "Hvoraf", "Deraf", "Herunder", "Heriblandt"))
# Rows that count something other than kroner: never summed as amounts.
NOT_AMOUNT_WORDS = tuple(normalise(w) for w in ("årsværk", "fuldtid", "stilling", "antal", "timer", "fte", "%",
                                                "pct", "procent", "personer", "borgere", "pladser", "medarbejdere"))
TOTAL_SUFFIXES = tuple(normalise(w) for w in ("i alt", "total", "sum"))
INPUT_KEYS = ("one_off", "recurring", "saving")
MAX_LABEL_WORDS = 6  # longer texts are sentences (a note under the table), whatever word they start with
_WORD = re.compile(r"\w+")
COST_KEYS = ("one_off", "recurring")


def row_key(label: object) -> str | None:
    """Which table row a label names: one_off, recurring, saving, investment, saving_total, net, cumulative; "sub"
    for a sub-row ("Heraf løn"), "note" for a row that is not an amount ("Årsværk"); None when not known."""
    return _row_key_of_text(label) if isinstance(label, str) else None


@lru_cache(maxsize=1 << 16)
def _row_key_of_text(label: str) -> str | None:
    return label_key(label, _normalise(label))


# Rows a case sheet may carry beside its table that are never counted in it: the low and high estimates of an input
# row ("Gevinst (lav)", "Anlæg (høj)", "lavt skøn") and realised figures for follow-up ("Realiseret gevinst").
_COMPANION = re.compile(r"\(\s*(?:lav|høj|min|maks|minimum|maksimum|lavt skøn|højt skøn)\s*\)\s*$|"
                        r"[,\-–\s](?:lavt|højt)\s+skøn\s*$|\s(?:minimum|maksimum)\s*$", re.IGNORECASE)
_LOW_MARK = re.compile(r"\b(?:lav|lavt|min|minimum)\b", re.IGNORECASE)


def companion_side(label: str) -> str:
    """Which estimate a companion row holds: "low" ("Gevinst (lav)", "(min)", "lavt skøn") or "high"."""
    match = _COMPANION.search(label)
    return "low" if match and _LOW_MARK.search(match.group(0)) else "high"


def companion_base(label: str) -> str:
    """The normalised label of the input row a companion belongs to: "Gevinst (lav)", "Gevinst - lavt skøn" and
    "Gevinst minimum" -> normalise("Gevinst")."""
    return normalise(_COMPANION.sub("", label.strip()).rstrip(" ,-\u2013"))


REALISED_PREFIXES = tuple(normalise(p) for p in ("Realiseret", "Realiserede", "Faktisk", "Faktiske", "Regnskab"))
_REALISED_COST = tuple(normalise(w) for w in ("invest", "udgift", "omkostning", "anlæg", "drift"))
_GAIN_WORDS = tuple(normalise(w) for w in ("gevinst", "besparelse", "mindreudgift", "provenu", "effektivisering",
                                           "merindtægt"))


def realised_kind(label: str) -> str:
    """What a realised row holds: "realised_investment" ("Realiseret investering", "Faktiske udgifter") or
    "realised_saving" ("Realiseret gevinst", "Regnskab besparelse")."""
    norm = normalise(label)
    for prefix in REALISED_PREFIXES:
        if norm.startswith(prefix):
            norm = norm[len(prefix):]
            break
    if any(w in norm for w in _GAIN_WORDS):
        return "realised_saving"
    if any(w in norm for w in _REALISED_COST):
        return "realised_investment"
    return "realised_saving"


@lru_cache(maxsize=1 << 16)
def label_key(text: str, norm: str) -> str | None:
    """row_key of a text and its normalised form; a sentence is no label. "companion" for a low or high estimate
    of an input row, "realised" for realised figures."""
    if norm.startswith(REALISED_PREFIXES):
        return "realised"
    if _COMPANION.search(text) and row_key_of(norm) in ("one_off", "recurring", "saving"):
        return "companion"
    key = row_key_of(norm)
    if key is not None and len(text) > 30 and len(_WORD.findall(text)) > MAX_LABEL_WORDS:
        return None
    return key


@lru_cache(maxsize=1 << 16)
def row_key_of(norm: str) -> str | None:
    """row_key for an already normalised label."""
    norm = norm.lstrip("-–•")
    if not norm:
        return None
    if norm.startswith(SUBROW_PREFIXES):
        return "sub"
    if norm in ROW_BY_ALIAS:
        return ROW_BY_ALIAS[norm]
    for suffix in TOTAL_SUFFIXES:  # "Anlæg i alt", "Mindreudgifter total"
        if norm.endswith(suffix) and len(norm) > len(suffix):
            stem = row_key_of(norm[: -len(suffix)])
            if stem in COST_KEYS:
                return "investment"
            if stem == "saving":
                return "saving_total"
            if stem in ("net", "investment", "saving_total"):
                return stem
    for prefix, key in PREFIXES:
        if norm.startswith(prefix):
            return key
    if any(w in norm for w in NOT_AMOUNT_WORDS):
        return "note"
    return None


def is_table_key(key: str | None) -> bool:
    """A label that makes a table: every known row except sub-rows, notes, companions and realised figures."""
    return key is not None and key not in ("sub", "note", "companion", "realised")


@lru_cache(maxsize=1 << 16)
def is_table_label(text: str) -> bool:
    """is_table_key(row_key(text)), remembered: it is asked of every text cell of every sheet (regions.py)."""
    return is_table_key(label_key(text, _normalise(text)))


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

_UNIT_MIO = re.compile(r"\bmio\b|\bmill\b|\bmillioner\b|\bmio\.?kr|\bmill\.?\s*kr", re.IGNORECASE)
_UNIT_THOUSAND = re.compile(r"\b1[.\s\u00a0]?000\s*(?:kr|dkk)|\b(?:kr\.?|dkk)\s*1[.\s\u00a0]?000\b|\bt\.\s*kr\b|"
                            r"\btkr\b|\bt\.?\s*dkk\b|\btdkk\b|\btusind(?:e)?\s*kr|\b1000\s*kroner", re.IGNORECASE)
_UNIT_KR = re.compile(r"\bkr\b|\bkroner\b|\bdkk\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def unit_in_text(text: str) -> str | None:
    """The unit a header, title or label states ("(i 1000 kr.)", "Økonomi, mio. kr.", "Gevinst (kr.)"), or None."""
    if not isinstance(text, str) or "kr" not in text.casefold() and "mio" not in text.casefold() \
            and "dkk" not in text.casefold() and "mill" not in text.casefold():
        return None
    if _UNIT_MIO.search(text):
        return "mio. kr."
    if _UNIT_THOUSAND.search(text):
        return "1.000 kr."
    if _UNIT_KR.search(text):
        return "kr."
    return None


def unit_of_field(value: object) -> str | None:
    """The unit an Enhed field names: its exact aliases first, then the words of a longer text."""
    if not isinstance(value, str):
        return None
    return UNIT_BY_ALIAS.get(normalise(value)) or unit_in_text(value)


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
FOLLOW_UP_SHEET = "Opfølgning"  # written beside the summary sheets once a case has realised figures
SENSITIVITY_SHEET = "Følsomhed"  # written beside the summary sheets once a case has low and high estimates
ASSUMPTIONS_SHEET = "Forudsætninger"  # the stress tests' settings (assumptions.py)
NOT_CASE_SHEETS = {normalise(x) for x in (LISTS_SHEET, GUIDE_SHEET, MARKS_SHEET, FOLLOW_UP_SHEET, SENSITIVITY_SHEET,
                                          ASSUMPTIONS_SHEET, *SUMMARY_SHEETS)}
