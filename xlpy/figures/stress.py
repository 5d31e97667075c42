"""The portfolio under uncertainty: its totals per scenario (pessimistic, base, optimistic, expected) and the stress
tests (gains delayed, gains realised at a share, investments over budget, the discount rate ± points), over the cases
in the totals. Amounts in kr.

Each stress test is compute.compute_case on a modified copy of each case's yearly amounts (case_of), so there is one
implementation of the figures. A case "pays back in its period" when its period net is ≥ 0 — the same as having a
payback year in the period when it has an investment (see scenarios.switching_value); a case without investment
pays back as long as its net is not negative.

The settings (StressSettings) come from the command line's flags, else a "Forudsætninger" sheet of the workbook the
summary is written into (assumptions.py), else the defaults of the issue: one year, 75 %, 25 %, 1 point.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

from .compute import DEFAULT_RATE, Figures, compute_case, npv
from ..sheet.model import Case, Row
from ..sheet.numbers import as_json_number
from .scenarios import SCENARIOS


@dataclass(frozen=True)
class StressSettings:
    delay_years: int = 1  # gains this many years later (what falls after the period is lost)
    gains_share: float = 0.75  # gains realised at this share
    investment_overrun: float = 0.25  # investments this share over
    rate_points: float = 0.01  # discount rate ± this (0.01 = 1 percentage point)
    source: dict[str, str] = field(default_factory=dict, compare=False)  # setting -> "flag" | "sheet" (else default)

    def updated(self, values: dict[str, Any], source: str) -> "StressSettings":
        """These settings with `values` (setting name -> value) laid over them, remembered as coming from `source`."""
        if not values:
            return self
        return replace(self, **values, source={**self.source, **{k: source for k in values}})

    def where_from(self) -> str:
        """Where the settings came from, as the Følsomhed sheet and slide say it: "kommandolinjen", "arket
        Forudsætninger", both joined by "og", or "standardværdierne"."""
        given = sorted({SOURCE_WORDS[v] for v in self.source.values() if v in SOURCE_WORDS})
        return " og ".join(given) if given else "standardværdierne"

    def to_dict(self) -> dict[str, Any]:
        return {"delay_years": self.delay_years, "gains_share": self.gains_share,
                "investment_overrun": self.investment_overrun, "rate_points": self.rate_points}


SOURCE_WORDS = {"flag": "kommandolinjen", "sheet": "arket Forudsætninger"}
SETTING_NAMES = ("delay_years", "gains_share", "investment_overrun", "rate_points")
STRESS_TESTS = ("base", "gains_late", "gains_share", "investment_over", "rate_up", "rate_down")
SETTING_OF_TEST = {"gains_late": "delay_years", "gains_share": "gains_share", "investment_over": "investment_overrun",
                   "rate_up": "rate_points", "rate_down": "rate_points"}


def percent_text(share: float, lang: str = "da") -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang == "da" else text) + " %"


def test_label(test: str, s: StressSettings, rate: float, lang: str = "da") -> str:
    """What the test does, with its setting: "Gevinster 1 år forsinket", "Kalkulationsrente 4,5 % (+1 point)"."""
    points = percent_text(s.rate_points, lang).removesuffix(" %")
    if lang == "en":
        return {"base": "Base (as the cases are typed)",
                "gains_late": f"Gains {s.delay_years} year{'s' if s.delay_years != 1 else ''} late",
                "gains_share": f"Gains realised at {percent_text(s.gains_share, lang)}",
                "investment_over": f"Investments {percent_text(s.investment_overrun, lang)} over",
                "rate_up": f"Discount rate {percent_text(rate + s.rate_points, lang)} (+{points} point)",
                "rate_down": f"Discount rate {percent_text(max(0.0, rate - s.rate_points), lang)} (−{points} point)",
                }[test]
    return {"base": "Basis (som casene er indtastet)",
            "gains_late": f"Gevinster {s.delay_years} år forsinket",
            "gains_share": f"Gevinster realiseret med {percent_text(s.gains_share)}",
            "investment_over": f"Investeringer {percent_text(s.investment_overrun)} over",
            "rate_up": f"Kalkulationsrente {percent_text(rate + s.rate_points)} (+{points} point)",
            "rate_down": f"Kalkulationsrente {percent_text(max(0.0, rate - s.rate_points))} (−{points} point)",
            }[test]


def case_of(f: Figures) -> Case:
    """A case holding only a computed case's yearly amounts (kr.): what the stress tests change. Works for the slim
    cases worker processes send back, which have no table."""
    def row(key: str, values: list[float]) -> Row:
        return Row(key, key, 0, list(values))

    costs = [row("one_off", f.one_off), row("recurring", f.recurring)]
    return Case("", "", {}, {}, {}, unit="kr.", years=list(f.years), year_cols=list(range(len(f.years))),
                rows={"one_off": costs[0], "recurring": costs[1]}, costs=costs, gains=[row("saving", f.saving)])


def stressed(f: Figures, test: str, rate: float = DEFAULT_RATE, s: StressSettings = StressSettings()) -> Figures:
    """A case's figures under one stress test: compute_case on its modified yearly amounts; the rate tests change
    only the NPV (compute.npv of the same net), so they are not recomputed."""
    if test in ("rate_up", "rate_down"):
        moved = rate + s.rate_points if test == "rate_up" else max(0.0, rate - s.rate_points)
        return replace(f, npv=npv(f.net, moved))
    one_off, recurring, saving = f.one_off, f.recurring, f.saving
    if test == "gains_late":  # every gain `delay_years` later; what then falls after the period is lost
        k = min(s.delay_years, len(saving))
        saving = [0.0] * k + saving[:len(saving) - k]
    elif test == "gains_share":
        saving = [v * s.gains_share for v in saving]
    elif test == "investment_over":
        one_off = [v * (1 + s.investment_overrun) for v in one_off]
        recurring = [v * (1 + s.investment_overrun) for v in recurring]
    return compute_case(case_of(replace(f, one_off=one_off, recurring=recurring, saving=saving)), rate)


def pays_back(f: Figures) -> bool:
    """Within its period: the period net (the last year's cumulative net) is not below 0."""
    return f.period_net >= 0


@dataclass(slots=True)
class PortfolioFigures:
    """Sums over the cases in the totals, under one scenario or stress test."""

    name: str
    label: str = ""
    total_investment: float = 0.0
    total_saving: float = 0.0
    period_net: float = 0.0
    npv: float = 0.0
    not_paying_back: int = 0  # cases whose period net is below 0
    no_longer_paying_back: int = 0  # ... of those that pay back in the base

    def add(self, f: Figures, base: Figures) -> None:
        self.total_investment += f.total_investment
        self.total_saving += f.total_saving
        self.period_net += f.period_net
        self.npv += f.npv
        self.not_paying_back += not pays_back(f)
        self.no_longer_paying_back += pays_back(base) and not pays_back(f)

    def finish(self) -> "PortfolioFigures":
        self.total_investment, self.total_saving = round(self.total_investment, 2), round(self.total_saving, 2)
        self.period_net, self.npv = round(self.period_net, 2), round(self.npv, 2)
        return self

    @property
    def return_per_krone(self) -> float | None:
        return self.total_saving / self.total_investment if self.total_investment > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {"total_investment": as_json_number(self.total_investment),
                "total_saving": as_json_number(self.total_saving), "period_net": as_json_number(self.period_net),
                "npv": as_json_number(self.npv),
                "return_per_krone": None if self.return_per_krone is None else round(self.return_per_krone, 4),
                "cases_not_paying_back": self.not_paying_back}


def portfolio_scenarios(results: Iterable[Any]) -> list[PortfolioFigures]:
    """The portfolio's totals per scenario; a case without low and high estimates adds its base to every one."""
    results = [r for r in results if r.figures.has_amounts]
    out = []
    for name in SCENARIOS:
        totals = PortfolioFigures(name)
        for r in results:
            totals.add(r.figures if r.scenarios is None else r.scenarios.figures(name), r.figures)
        out.append(totals.finish())
    return out


def stress_tests(figures: Sequence[Figures], rate: float = DEFAULT_RATE, settings: StressSettings = StressSettings(),
                 lang: str = "da") -> list[PortfolioFigures]:
    figures = [f for f in figures if f.has_amounts]
    out = []
    for test in STRESS_TESTS:
        totals = PortfolioFigures(test, test_label(test, settings, rate, lang))
        for f in figures:
            totals.add(f if test == "base" else stressed(f, test, rate, settings), f)
        out.append(totals.finish())
    return out


def stress_json(figures: Sequence[Figures], rate: float, settings: StressSettings,
                lang: str = "da") -> list[dict[str, Any]]:
    """Each test: its name, its setting (and where it came from: "default", "sheet" or "flag"), a label in `lang`,
    the portfolio's net, NPV, kr. igen pr. krone and the cases not (no longer) paying back in their period."""
    out = []
    for t in stress_tests(figures, rate, settings, lang):
        name = SETTING_OF_TEST.get(t.name)
        setting: dict[str, Any] = {} if name is None else {name: getattr(settings, name),
                                                           "source": settings.source.get(name, "default")}
        if t.name.startswith("rate"):
            setting["rate"] = round(rate + settings.rate_points if t.name == "rate_up"
                                    else max(0.0, rate - settings.rate_points), 6)
        elif t.name == "base":
            setting["rate"] = rate
        out.append({"test": t.name, "setting": setting, "label": t.label, "period_net": as_json_number(t.period_net),
                    "npv": as_json_number(t.npv),
                    "return_per_krone": None if t.return_per_krone is None else round(t.return_per_krone, 4),
                    "cases_not_paying_back": t.not_paying_back,
                    "cases_no_longer_paying_back": t.no_longer_paying_back})
    return out
