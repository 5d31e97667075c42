"""The validation rules applied to a read case (validate.py). Every rule reports through the one registry of
findings (xlpy/findings.py, its table in xlpy/codes.py)."""
