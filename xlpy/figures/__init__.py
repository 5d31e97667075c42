"""The figures: a case's, recomputed from its inputs (compute.py); its low and high estimates and the scenarios they
make (scenarios.py); what it has realised against what it expected (followup.py); the portfolio under stress
(stress.py), with the settings a Forudsætninger sheet gives (assumptions.py). Amounts in kr."""
