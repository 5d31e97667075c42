"""Review material, made on demand and never committed: PNG images of the decision paper and of the consolidated
workbook of a sample folder, as LibreOffice renders them (with the Danish locale), to look over after a change.

    python tests/review.py                       # samples/afdelinger -> out/review/
    python tests/review.py samples/kl_2016 out/kl

Needs LibreOffice (Calc and Impress) and poppler's pdftoppm. The deck's images are what `xlpy report --png` makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlpy.portfolio.batch import consolidate_files  # noqa: E402
from xlpy.write.deck import write_deck  # noqa: E402
from xlpy.write.pdf import to_pdf, to_png  # noqa: E402


def main(argv: list[str]) -> int:
    source = argv[0] if argv else str(ROOT / "samples" / "afdelinger")
    folder = Path(argv[1] if len(argv) > 1 else ROOT / "out" / "review")
    folder.mkdir(parents=True, exist_ok=True)
    book, deck = folder / "overblik.xlsx", folder / "oplaeg.pptx"
    c = consolidate_files([source], str(book))
    slides = write_deck(deck, c).slides
    for path in (book, deck):
        pdf = to_pdf(path, path.with_suffix(".pdf"))
        images = to_png(pdf, folder, path.stem, resolution=100)
        print(f"{path.name}: {len(images)} billeder i {folder}")
    print(f"{len(slides)} dias, {len(c.results)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
