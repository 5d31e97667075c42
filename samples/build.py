"""Build the sample workbooks from the seed documents' data in samples/source/.

    python samples/build.py            # rewrite every sample workbook

- allerod_2021.xlsx, eksempel_uden_fejl.xlsx: built here; allerod_2021.xlsx is the paper as printed, with its
  mistakes.
- allerod_2021_rettet.xlsx: the same five cases as the paper meant them (built here): case 2's net with the right sign
  and the existing case's gain not counted, case 4 with 4.000 in 2022 (its footnote) and lav/høj 2.000/8.000 in the
  Usikkerhed rows; computed rows are live formulas.
- kl_2016/: KL's B17 catalogue, one workbook per municipality (samples/kl.py).
- afdelinger/: four department workbooks of Allerød Kommune with six deliberate mistakes (samples/afdelinger.py;
  the mistakes are listed in afdelinger/README.md).

The samples are committed; tests/test_samples.py compares them with a fresh build by values, formulas and
formats, so after changing this script run it and review the diff (`xlpy validate`, `xlpy compute`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import afdelinger  # noqa: E402
import kl  # noqa: E402

from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, guide_sheet, lists_sheet  # noqa: E402
from xlpy.write.xlsx import write_book  # noqa: E402

SOURCE = HERE / "source"
ALLEROD = "003_83508dc53df1d591.txt"

# Metadata the overview table does not carry, from the case descriptions in the same document.
ALLEROD_DEPARTMENTS = {
    "1": "Borgerservice", "2": "Borgerservice", "3": "Personale og Digitalisering",
    "4": "Skole og Dagtilbud", "5": "Skole og Dagtilbud",
}
ALLEROD_ROW_KEYS = {
    "engangsinvestering": "one_off", "varig investering": "recurring", "gevinst": "gain",
    "samlet effekt pr. år": "net", "akk. effekt": "cumulative",
}


def _tables() -> list[dict[str, Any]]:
    return json.loads((SOURCE / "kl_tables.json").read_text(encoding="utf-8"))["tables"]


def _printed(cell: dict[str, Any]) -> Any:
    """A cell as the document prints it: a number where it prints a number, its text otherwise (minus footnote
    marks, which belong to the document's layout, not to the amount)."""
    if cell.get("value") is not None:
        return cell["value"]
    return cell["raw"].rstrip("*")


def allerod_specs() -> list[CaseSpec]:
    tables = [t for t in _tables() if t["source_document"] == ALLEROD]
    overview = next(t for t in tables if t["kind"] == "overview")
    meta = {}
    for row in overview["rows"]:
        cells = {c["column"]: c for c in row["cells"]}
        title = next(c["raw"] for k, c in cells.items() if k.startswith("Case"))
        meta[row["label"]] = {
            "case_nr": int(row["label"]), "title": title, "committee": cells["Udvalg"]["raw"],
            "area": cells["Område"]["raw"], "type": cells["Type"]["raw"], "period": cells["Periode"]["raw"],
            "municipality": "Allerød Kommune", "department": ALLEROD_DEPARTMENTS[row["label"]],
            "unit": "1.000 kr.",
        }
    specs = []
    for table in sorted((t for t in tables if t["kind"] == "case_table"), key=lambda t: t["case_no"]):
        nr = str(table["case_no"])
        fields = dict(meta[nr])
        years = [int(y) for y in table["year_columns"]]
        spec = CaseSpec(sheet=f"Case {nr}", fields=fields, years=years, gains=[])
        gains = []
        for row in table["rows"]:
            label = row["label"].rstrip("*").strip()
            values = [_printed(c) for c in row["cells"]]
            key = ALLEROD_ROW_KEYS.get(label.lower())
            if key is None and label.lower().startswith("gevinst"):
                # "Gevinst fra eksisterende case" is shown, but the document leaves it out of the case's own
                # result (its footnote; the overview's 5.097).
                gains.append(Gain(label, values, counted=False))
            elif key == "gain":
                gains.append(Gain(label, values))
            elif key in ("one_off", "recurring"):
                setattr(spec, key, values)
            elif key in ("net", "cumulative"):
                setattr(spec, key, values)
                spec.labels[key] = label
        spec.gains = gains
        specs.append(spec)
    return specs


def allerod_rettet_specs() -> list[CaseSpec]:
    """The paper's five cases as it meant them: what it prints where it is consistent, its own corrections where it
    is not. The computed rows are the template's live formulas (no printed net or cumulative row), so case 2's net
    has the right sign and its cumulative row leaves the existing case's gain out (Medregnes = Nej), and case 4's
    2023 net is 6.624 − 5.623 = 1.001."""
    specs = allerod_specs()
    for spec in specs:
        spec.net = spec.cumulative = None
        spec.labels = {}
        if spec.fields["case_nr"] == 4:
            spec.one_off = [4000, *spec.one_off[1:]]  # footnote **: the computation uses 4,0 mio. kr.
            spec.low = {"one_off": [2000]}  # ... and the interval 2,0-8,0 mio. kr. is its uncertainty
            spec.high = {"one_off": [8000]}
            spec.fields["description"] = ("Engangsinvesteringen (bygning) er skønnet til 2,0-8,0 mio. kr.; der "
                                          "regnes med 4,0 mio. kr.")
    return specs


def clean_specs() -> list[CaseSpec]:
    """A small workbook that validates with no fejl: computed rows are live formulas."""
    common = {"municipality": "Eksempel Kommune", "unit": "1.000 kr.", "price_level": "2026-P/L",
              "status": "Under udarbejdelse"}
    return [
        CaseSpec(sheet="Velfærdsteknologi", years=range(2026, 2032), fields={
            **common, "case_nr": "EK-1", "title": "Spiserobotter i hjemmeplejen", "committee": "Ældreudvalget",
            "area": "Ældre", "category": "Digitalisering og ny teknologi", "type": "Effektivisering",
            "period": "2026–2031", "realisability": 1.5, "department": "Sundhed og Omsorg",
            "owner": "Hanne Jensen", "description": "Indkøb af 20 spiserobotter; frigør 1,5 årsværk ved fuld drift."},
            one_off=[600, 0, 0, 0, 0, 0], recurring=[80, 80, 80, 80, 80, 80],
            gains=[Gain("Gevinst", [200, 650, 650, 650, 650, 650])]),
        CaseSpec(sheet="Udbud af rengøring", years=range(2026, 2032), fields={
            **common, "case_nr": "EK-2", "title": "Fælles udbud af rengøring", "committee": "Økonomiudvalget",
            "area": "Administration", "category": "Konkurrenceudsættelse og indkøb", "type": "Effektivisering",
            "period": "2026-2031", "realisability": 2, "department": "Økonomi og Indkøb", "owner": "Peter Holm"},
            one_off=[350, 0, 0, 0, 0, 0], recurring=[0] * 6,
            gains=[Gain("Gevinst", [0, 900, 900, 900, 900, 900])]),
        CaseSpec(sheet="Lukkeuger", years=range(2026, 2032), fields={
            **common, "case_nr": "EK-3", "title": "Flere lukkeuger i dagtilbud", "committee": "Børne- og Skoleudvalget",
            "area": "Dagtilbud", "category": "Tilpasning af ydelser", "type": "Servicereduktion",
            "period": "2026–2031", "realisability": 1, "department": "Børn og Unge"},
            gains=[Gain("Gevinst", [300, 300, 300, 300, 300, 300])]),
    ]


def build(out: Path) -> list[Path]:
    written = []
    for name, specs in (("allerod_2021.xlsx", allerod_specs()), ("allerod_2021_rettet.xlsx", allerod_rettet_specs()),
                        ("eksempel_uden_fejl.xlsx", clean_specs())):
        path = out / name
        write_book(path, [*(case_sheet(s) for s in specs), lists_sheet(), guide_sheet()])
        written.append(path)
    written += kl.build(out)
    written += afdelinger.build(out)
    return written


# Fixed document and zip timestamps, so a rebuild with unchanged input leaves the committed files byte-identical.
BUILD_EPOCH = "1767225600"  # 2026-01-01


def main() -> int:
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
