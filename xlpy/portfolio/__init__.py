"""Many files at once: the API that checks one workbook's sheets or many files (pipeline.py), finding and checking
the workbooks of folders in parallel (collect.py), the consolidated figures (consolidate.py), the jobs the command
line and the ribbon run (batch.py), and two submissions compared (diff.py, casediff.py, findingdiff.py)."""
