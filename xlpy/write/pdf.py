"""PDF (and PNG) renderings of xlpy's outputs through LibreOffice, when it is installed.

Each run gets its own throw-away LibreOffice profile, so it never shares state with a LibreOffice the user has open,
with the locale set to Danish (numbers in charts and cells shown "1.561" and "2,47", as on a Danish desktop) and
formulas recalculated on load. A run that does not finish in time is stopped with its whole process group. The PDF
is written atomically next to nothing else: a temporary file beside the target, then renamed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value>\
</prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>{locale}</value></prop>\
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0\
</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value>\
</prop></item>
</oor:items>
"""
TIMEOUT = 240.0


class RenderError(RuntimeError):
    """Why a rendering could not be made, in Danish and English (shown to the user as it is)."""

    def __init__(self, da: str, en: str | None = None):
        super().__init__(da)
        self.da, self.en = da, en or da

    def text(self, lang: str = "da") -> str:
        return self.en if lang == "en" else self.da


def soffice() -> str | None:
    """LibreOffice's soffice: $XLPY_SOFFICE, then on PATH, then where installers put it."""
    env = os.environ.get("XLPY_SOFFICE")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _stop(process: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover (Windows)
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def to_pdf(source: str | os.PathLike[str], target: str | os.PathLike[str], timeout: float = TIMEOUT,
           locale: str = "da-DK") -> Path:
    """Render `source` (.pptx, .xlsx) to the PDF `target`, atomically. Raises RenderError."""
    from .xlsx import atomic_write

    exe = soffice()
    if exe is None:
        raise RenderError("LibreOffice (soffice) er ikke installeret, så der kan ikke laves en PDF",
                          "LibreOffice (soffice) is not installed, so no PDF can be made")
    source = Path(source)
    with tempfile.TemporaryDirectory(prefix="xlpy-pdf-") as tmp:
        work = Path(tmp)
        user = work / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(PROFILE.format(locale=locale), encoding="utf-8")
        staged = work / ("in" + source.suffix.lower())
        shutil.copyfile(source, staged)
        out = work / "out"
        out.mkdir()
        home = work / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "TMPDIR": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "XDG_CACHE_HOME": str(home / ".cache"), "XDG_RUNTIME_DIR": str(home)}
        for name in ("PYTHONHOME", "PYTHONPATH"):
            env.pop(name, None)
        args = [exe, f"-env:UserInstallation={(work / 'profile').resolve().as_uri()}", "--headless", "--norestore",
                "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out), str(staged)]
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, cwd=tmp, start_new_session=True)
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            process.communicate()
            raise RenderError(f"LibreOffice blev ikke færdig med PDF'en inden for {timeout:.0f} sekunder",
                              f"LibreOffice did not finish the PDF within {timeout:.0f} seconds") from None
        finally:
            if process.poll() is None:
                _stop(process)
        produced = out / "in.pdf"
        if not produced.is_file() or produced.read_bytes()[:5] != b"%PDF-":
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"slutkode {process.returncode}"]
            raise RenderError(f"LibreOffice kunne ikke lave en PDF ({detail[0]})",
                              f"LibreOffice could not make a PDF ({detail[0]})")
        atomic_write(target, lambda path: shutil.copyfile(produced, path))
    return Path(target)


def _pages(folder: Path, stem: str) -> list[Path]:
    return [p for p in folder.glob(f"{stem}-*.png") if p.stem[len(stem) + 1:].isdigit()]


def to_png(pdf: str | os.PathLike[str], folder: str | os.PathLike[str], stem: str, resolution: int = 80,
           timeout: float = TIMEOUT) -> list[Path]:
    """One PNG per page of `pdf` in `folder` (`stem`-01.png, …), with poppler's pdftoppm. Raises RenderError."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RenderError("pdftoppm (poppler-utils) er ikke installeret, så der kan ikke laves PNG-billeder",
                          "pdftoppm (poppler-utils) is not installed, so no PNG images can be made")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in _pages(folder, stem):  # an earlier run's images of this deck; nothing else in the folder
        old.unlink()
    try:
        subprocess.run([exe, "-png", "-r", str(resolution), str(pdf), str(folder / stem)], check=True,
                       timeout=timeout, stdin=subprocess.DEVNULL, capture_output=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"pdftoppm kunne ikke lave billeder af {pdf} ({exc})",
                          f"pdftoppm could not render {pdf} ({exc})") from None
    made = sorted(_pages(folder, stem), key=lambda p: int(p.stem[len(stem) + 1:]))
    out = []
    for page, path in enumerate(made, start=1):  # stem-01.png … whatever the page count (pdftoppm pads to it)
        target = folder / f"{stem}-{page:02d}.png"
        if path != target:
            path.rename(target)
        out.append(target)
    return out
