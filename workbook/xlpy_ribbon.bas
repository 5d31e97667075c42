Attribute VB_Name = "xlpy_ribbon"
Option Explicit

' Ribbon callbacks for the Investeringscases tab (customUI14.xml and customUI.xml in this folder).
' Each button's onAction names one Sub below, and each Sub runs one function of xlpy.excel
' through RunPython from xlwings' standalone module (xlwings.bas, built into the same project).
' Keep this file ASCII. xlpy.ribbon converts its line endings to CRLF when it builds the workbook.

' Button: Ny case
Sub xlpy_NyCase(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.new_case()"
End Sub

' Button: Valider
Sub xlpy_Valider(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.validate()"
End Sub

' Button: Ryd markeringer
Sub xlpy_RydMarkeringer(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.clear_marks()"
End Sub

' Button: Beregn
Sub xlpy_Beregn(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.compute()"
End Sub

' Button: Opdater overblik
Sub xlpy_OpdaterOverblik(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.refresh_overview()"
End Sub

' Button: Hent afdelinger
Sub xlpy_HentAfdelinger(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.collect_departments()"
End Sub

' Button: Sammenlign med tidligere version
Sub xlpy_Sammenlign(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.compare_versions()"
End Sub

' Button: Lav beslutningsoplaeg
Sub xlpy_Beslutningsoplaeg(control As IRibbonControl)
    RunPython "import xlpy.excel; xlpy.excel.decision_paper()"
End Sub
