"""xlpy for xlwings Lite (Microsoft 365 and Excel on the web, where VBA is blocked).

Paste this file into xlwings Lite's editor (main.py) and requirements.txt into its requirements tab. Each script
appears as a button in the task pane and runs the same function the desktop ribbon runs (xlpy.excel); the worksheet
functions at the end (=XLPY_NETTO(...) and the others) run xlpy.excel.functions, as on desktop Excel. "Hent
afdelinger" is not offered: a script in the browser cannot read folders on your disk; use
`xlpy consolidate` on a PC or the desktop ribbon for that.
"""

import xlwings as xw

import xlpy.excel as actions


@xw.script(name="Ny case")
def ny_case(book: xw.Book):
    """Opret et nyt caseark med næste ledige Case nr."""
    actions.new_case(book)


@xw.script(name="Validér")
def valider(book: xw.Book):
    """Kontrollér alle caseark; fund på arket Fejl og markeringer på cellerne."""
    actions.validate(book)


@xw.script(name="Ryd markeringer")
def ryd_markeringer(book: xw.Book):
    """Fjern xlpy's markeringer (og intet andet)."""
    actions.clear_marks(book)


@xw.script(name="Beregn")
def beregn(book: xw.Book):
    """Skriv xlpy's beregning af hver case ud for casens tabel."""
    actions.compute(book)


@xw.script(name="Opdatér overblik")
def opdater_overblik(book: xw.Book):
    """Byg arkene Overblik, Nøgletal, Pr. år, Pr. område og Fejl."""
    actions.refresh_overview(book)


# --- Worksheet functions ---------------------------------------------------------------------------------------------
# The same functions as desktop Excel's (xlpy/excel/functions.py, which does the work): type =XLPY_NETTO(...) in a
# cell. Where a figure is "–" (no investment) the cell is left empty. A wrong input shows #VALUE! with a Danish
# message. tests/test_lite.py checks that these declarations say what xlpy/excel/functions.py says.

from xlpy.excel import functions as xlpy_functions  # noqa: E402
from xlpy.excel.functions import ARG_DOCS  # noqa: E402


@xw.func
@xw.arg("besparelse", ndim=2, doc=ARG_DOCS["besparelse"])
@xw.arg("investering", ndim=2, doc=ARG_DOCS["investering"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_NETTO(besparelse, investering, enhed=None):
    """Nettoresultat pr. år (gevinst minus investering), som xlpy beregner det. Spildes som række eller kolonne."""
    return xlpy_functions.XLPY_NETTO(besparelse, investering, enhed)


@xw.func
@xw.arg("netto", ndim=2, doc=ARG_DOCS["netto"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_AKKUMULERET(netto, enhed=None):
    """Akkumuleret nettoresultat pr. år: den løbende sum af nettoresultatet. Spildes som række eller kolonne."""
    return xlpy_functions.XLPY_AKKUMULERET(netto, enhed)


@xw.func
@xw.arg("besparelse", ndim=2, doc=ARG_DOCS["besparelse"])
@xw.arg("investering", ndim=2, doc=ARG_DOCS["investering"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_KR_IGEN(besparelse, investering, enhed=None):
    """Kr. igen pr. investeret krone: samlet gevinst delt med samlet investering. Tom uden investering."""
    return xlpy_functions.XLPY_KR_IGEN(besparelse, investering, enhed)


@xw.func
@xw.arg("aar", ndim=2, doc=ARG_DOCS["aar"])
@xw.arg("netto", ndim=2, doc=ARG_DOCS["netto"])
@xw.arg("investering", ndim=2, doc=ARG_DOCS["investering_valgfri"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_TILBAGEBETALING(aar, netto, investering=None, enhed=None):
    """Tilbagebetalingsår: første år, hvorfra det akkumulerede nettoresultat ikke igen bliver negativt."""
    return xlpy_functions.XLPY_TILBAGEBETALING(aar, netto, investering, enhed)


@xw.func
@xw.arg("netto", ndim=2, doc=ARG_DOCS["netto"])
@xw.arg("rente", doc=ARG_DOCS["rente"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_NUTIDSVAERDI(netto, rente=None, enhed=None):
    """Nutidsværdi: nettoresultatet pr. år tilbagediskonteret til periodens første år (standard 3,5 %)."""
    return xlpy_functions.XLPY_NUTIDSVAERDI(netto, rente, enhed)


@xw.func
@xw.arg("besparelse", ndim=2, doc=ARG_DOCS["besparelse"])
@xw.arg("enhed", doc=ARG_DOCS["enhed"])
def XLPY_FULD_INDFASNING(besparelse, enhed=None):
    """Årlig gevinst ved fuld indfasning: den højeste årlige gevinst i perioden."""
    return xlpy_functions.XLPY_FULD_INDFASNING(besparelse, enhed)


@xw.func
@xw.arg("omraade", ndim=2, doc=ARG_DOCS["omraade"])
def XLPY_FEJL(omraade):
    """Antal fejl, som Validér finder i casens årstabel (og felter, hvis de er med i det markerede område)."""
    return xlpy_functions.XLPY_FEJL(omraade)
