"""Writers: new workbooks with XlsxWriter (xlsx.py), xlpy's sheets and marks written into an existing workbook as an
edit of its package (inplace.py, mark.py, with package.py, xmlsplice.py, stylesheet.py and bookpart.py), the
decision paper with python-pptx (deck.py, template.py) and PDF renderings through LibreOffice (pdf.py)."""
