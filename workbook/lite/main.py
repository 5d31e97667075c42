"""xlpy for xlwings Lite (Microsoft 365 and Excel on the web, where VBA is blocked).

Paste this file into xlwings Lite's editor (main.py) and requirements.txt into its requirements tab. Each script
appears as a button in the task pane and runs the same function the desktop ribbon runs (xlpy.excel). "Hent
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
