"""Seeded, realistic department workbooks for the benchmark: N workbooks × 10 case sheets from the real template,
with a few findings per file (a number stored as text, a rounding slip, a missing field)."""

from __future__ import annotations

import os
import random
import zipfile
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlpy.layouts.casesheet import CaseSpec, Gain, case_sheet, lists_sheet  # noqa: E402
from xlpy.sheet.labels import ALLEROD_AREAS, KL_CATEGORIES  # noqa: E402
from xlpy.write.xlsx import write_book  # noqa: E402

CASES_PER_BOOK = 10
TITLES = ("Velfærdsteknologi i hjemmeplejen", "Digital post til borgerne", "Fælles indkøb af rengøring",
          "Robotter til løn og refusion", "Tidlig indsats for unge ledige", "Energirenovering af skoler",
          "Samling af administrative enheder", "Hjemtagelse af specialtilbud", "Færre sygedage",
          "Ny tildelingsmodel i dagtilbud")


def book_specs(index: int, seed: int) -> list[CaseSpec]:
    rng = random.Random(seed * 1_000_003 + index)
    department = f"Afdeling {index:05d}"
    first = rng.choice((2025, 2026, 2027))
    years = list(range(first, first + 6))
    specs = []
    for k in range(CASES_PER_BOOK):
        one_off = [rng.randrange(0, 2000)] + [0] * 5
        recurring = [rng.randrange(0, 300)] * 6
        gain = [0] + [rng.randrange(200, 1500) for _ in range(5)]
        spec = CaseSpec(sheet=f"Case {k + 1}", years=years, fields={
            "case_nr": k + 1, "title": f"{TITLES[k]} ({index})", "committee": "Økonomiudvalget",
            "area": rng.choice(ALLEROD_AREAS), "category": rng.choice(KL_CATEGORIES), "type": "Effektivisering",
            "period": f"{years[0]}–{years[-1]}", "realisability": rng.choice((1, 1.5, 2, 2.5, 3)),
            "status": "Besluttet", "municipality": "Benchmark Kommune", "department": department,
            "unit": "1.000 kr."}, one_off=one_off, recurring=recurring, gains=[Gain("Gevinst", gain)])
        slip = rng.random()
        if slip < 0.1:  # a number stored as text, Danish notation
            spec.gains = [Gain("Gevinst", [gain[0], f"{gain[1]:,}".replace(",", "."), *gain[2:]])]
        elif slip < 0.2:  # a printed net row with a rounding slip
            net = [g - o - r for g, o, r in zip(gain, one_off, recurring)]
            net[2] += 1
            spec.net = net
        elif slip < 0.25:  # a missing title
            spec.fields["title"] = None
        specs.append(spec)
    return specs


PROTOTYPES = 100  # distinct workbooks written with openpyxl (slow); the rest are prototypes renamed at zip level


def _path(folder: Path, index: int) -> Path:
    return folder / f"afdeling_{index:05d}.xlsx"


def write_prototype(args: tuple[Path, int, int]) -> Path:
    folder, index, seed = args
    path = _path(folder, index)
    if not path.exists():
        write_book(path, [*(case_sheet(s) for s in book_specs(index, seed)), lists_sheet()])
    return path


def write_copy(folder: Path, index: int) -> Path:
    """Workbook `index` as its prototype's copy with the department and the titles renumbered (in the shared
    strings), so every workbook holds distinct cases."""
    path = _path(folder, index)
    if path.exists():
        return path
    proto = index % PROTOTYPES
    with zipfile.ZipFile(_path(folder, proto)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(f"Afdeling {proto:05d}".encode(), f"Afdeling {index:05d}".encode())
                data = data.replace(f"({proto})".encode(), f"({index})".encode())
            dst.writestr(info, data)
    return path


def generate(folder: Path, n: int, seed: int = 2026, jobs: int | None = None) -> list[Path]:
    """Workbooks 0..n-1 in `folder` (kept between runs: existing files are reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        list(pool.map(write_prototype, [(folder, i, seed) for i in range(min(n, PROTOTYPES))], chunksize=4))
    return [write_copy(folder, i) if i >= PROTOTYPES else _path(folder, i) for i in range(n)]
