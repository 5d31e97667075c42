"""The benchmark's workbooks as Excel saves them: every formula with its result stored beside it.

bench/generate.py writes the workbooks with xlpy's own writer, as the template leaves them before anyone opens
it: its 32 formulas per case sheet carry no result (`<f>B21+B22</f><v></v>`). A department's workbook has been
typed into and saved in Excel, and Excel stores every formula's result. Reading one then takes a different path:
the zip guard finds no formula without a value, and the computed rows are read and checked against Python's own
figures.

`saved(books, folder, n)` makes that second set: the generated prototypes recalculated once by LibreOffice (one
`soffice` start for all of them), each formula's result read from LibreOffice's copy and written into the
original XML in place of the empty value, and nothing else changed (so the files keep the writer's lean XML and
the floor reads the same cells). The rest are copies of those prototypes, as bench/generate.py makes them.
"""

from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import PROTOTYPES, _path, write_copy  # noqa: E402
from xlpy.cells import split_a1  # noqa: E402
from xlpy.read.zipguard import _sheet_names_by_part  # noqa: E402

# A formula cell as xlpy's writer (XlsxWriter) leaves it: address, attributes, formula, empty value.
_UNCACHED = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)><f>([^<]*)</f><v></v></c>')


def _cached(value: object) -> tuple[bytes, bytes] | None:
    """(extra attribute, value text) as Excel stores a formula's result; None for an empty result."""
    if isinstance(value, bool):
        return b' t="b"', b"1" if value else b"0"
    if isinstance(value, (int, float)):
        number = float(value)
        text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
        return b"", text.encode()
    if isinstance(value, str) and value:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return b' t="str"', escaped.encode("utf-8")
    return None


def with_results(xml: bytes, grid: list[list[object]]) -> bytes:
    """A sheet's XML with each uncached formula's result (from `grid`, the recalculated sheet) stored."""
    def store(m: re.Match[bytes]) -> bytes:
        r, c = split_a1((m.group(1) + m.group(2)).decode())
        value = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
        cached = _cached(value)
        if cached is None:
            return m.group(0)
        attribute, text = cached
        return (b'<c r="' + m.group(1) + m.group(2) + b'"' + m.group(3) + attribute + b"><f>" + m.group(4)
                + b"</f><v>" + text + b"</v></c>")

    return _UNCACHED.sub(store, xml)


def save_as_excel(src: Path, recalculated: Path, dst: Path) -> None:
    """`src` with its formulas' results taken from `recalculated` (the same workbook after LibreOffice)."""
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(recalculated))
    with zipfile.ZipFile(src) as zin:
        parts = _sheet_names_by_part(zin, src.read_bytes())  # part -> sheet name
        tmp = dst.with_name(f".{dst.name}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename in parts:
                    grid = book.get_sheet_by_name(parts[info.filename]).to_python(skip_empty_area=False)
                    data = with_results(data, grid)
                zout.writestr(info, data)
    tmp.replace(dst)


def saved(books: Path, folder: Path, n: int) -> list[Path]:
    """Workbooks 0..n-1 of `books` (bench/generate.py) in `folder`, as Excel saves them (kept between runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    protos = [i for i in range(min(n, PROTOTYPES)) if not _path(folder, i).exists()]
    if protos:
        sys.path.insert(0, str(ROOT / "tests"))
        import libreoffice  # noqa: PLC0415 (the tests' LibreOffice helper: one soffice start for all)

        with tempfile.TemporaryDirectory(prefix="xlpy-bench-saved-") as tmp:
            sources = [_path(books, i) for i in protos]
            done = libreoffice.recalc_many(sources, Path(tmp), timeout=1800)
            for i, recalculated in zip(protos, done):
                save_as_excel(_path(books, i), recalculated, _path(folder, i))
    return [write_copy(folder, i) if i >= PROTOTYPES else _path(folder, i) for i in range(n)]


if __name__ == "__main__":
    import argparse

    from bench.generate import generate

    parser = argparse.ArgumentParser(prog="python -m bench.saved", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlpy-bench")
    args = parser.parse_args()
    generate(args.work / "books", args.n)
    paths = saved(args.work / "books", args.work / "books-saved", args.n)
    print(f"{len(paths)} workbooks in {args.work / 'books-saved'}")
