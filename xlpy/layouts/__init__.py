"""Sheets and slides as data: decided once, rendered by each writer (xlsx, xlwings, python-pptx)."""
