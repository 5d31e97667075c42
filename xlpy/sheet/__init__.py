"""Grid → cases: the words of a case sheet (labels.py), Danish number notation (numbers.py), where the cases are on a
sheet (regions.py), reading one into a Case (parse.py), choosing between readings with the sheet's own totals
(readings.py), the Lister sheet's values and thresholds (lister.py), and what a read case holds (model.py)."""
