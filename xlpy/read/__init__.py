"""Files → grids: each workbook file checked before python-calamine reads it (zipguard.py for .xlsx/.xlsm with its
one-pass gate plainscan.py, formatguard.py for .ods and .xlsb, xlsguard.py for .xls), then read into one grid of cell
values per sheet (workbook.py). Never raises: a file that cannot be read is a finding."""
