"""The municipality's PowerPoint template as the deck's base: a .potx (its content type made a presentation's) or a
.pptx opened without its slides, checked on the way (a zip, a PowerPoint package, no macros, a sane size), or
python-pptx's own design widened to 16:9; and where on its layouts titles and content go (a Page, in points)."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

from ..layouts.slides import Box as LayoutBox
from ..layouts.slides import Page

WIDE = 12192000  # 13,333 in: 16:9
MAX_TEMPLATE = 200 * 1024 * 1024
TEMPLATE_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
PRESENTATION = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


class TemplateError(ValueError):
    """The template cannot be used; the message says why, in Danish and English."""

    def __init__(self, da: str, en: str | None = None):
        super().__init__(da)
        self.da, self.en = da, en or da

    def text(self, lang: str = "da") -> str:
        return self.en if lang == "en" else self.da


NOT_POWERPOINT = ("skabelonen er ikke en PowerPoint-fil (.potx eller .pptx)",
                  "the template is not a PowerPoint file (.potx or .pptx)")



def _template_bytes(path: str) -> bytes:
    """The template's package, a .potx made readable as a presentation; TemplateError for anything else."""
    if not os.path.isfile(path):
        raise TemplateError(f"{path} findes ikke eller er ikke en fil", f"{path} does not exist or is not a file")
    try:
        size = os.path.getsize(path)
        if size > MAX_TEMPLATE:
            raise TemplateError(f"skabelonen er for stor ({size // (1024 * 1024)} MB)",
                                f"the template is too large ({size // (1024 * 1024)} MB)")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise TemplateError(f"skabelonen kan ikke læses ({exc.strerror or exc})",
                            f"the template cannot be read ({exc.strerror or exc})") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(*NOT_POWERPOINT)
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            names = src.namelist()
            if "[Content_Types].xml" not in names or "ppt/presentation.xml" not in names:
                raise TemplateError(*NOT_POWERPOINT)
            if sum(i.file_size for i in src.infolist()) > 4 * MAX_TEMPLATE:
                raise TemplateError("skabelonen pakker sig ud til mere, end en præsentation nogensinde fylder",
                                    "the template unpacks to more than any presentation takes")
            for info in src.infolist():
                blob = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    text = blob.decode("utf-8")
                    if "macroEnabled" in text:
                        raise TemplateError("skabelonen indeholder makroer; gem den som .potx eller .pptx uden makroer",
                                            "the template holds macros; save it as .potx or .pptx without macros")
                    for old, new in TEMPLATE_TYPES.items():
                        text = text.replace(old, new)
                    if PRESENTATION not in text:
                        raise TemplateError(*NOT_POWERPOINT)
                    blob = text.encode("utf-8")
                dst.writestr(info.filename, blob)
    except (zipfile.BadZipFile, UnicodeDecodeError, EOFError, ValueError) as exc:
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError(f"skabelonen er beskadiget ({exc})", f"the template is damaged ({exc})") from None
    return out.getvalue()


def open_template(path: str | None) -> Any:
    """A Presentation to build on: the template without its slides, or python-pptx's own in 16:9."""
    from pptx import Presentation

    if path is None:
        prs = Presentation()
        _widen(prs)
        return prs
    try:
        prs = Presentation(io.BytesIO(_template_bytes(path)))
    except TemplateError:
        raise
    except Exception as exc:  # noqa: BLE001 (python-pptx raises many kinds on a damaged package)
        raise TemplateError(f"den kan ikke åbnes ({type(exc).__name__}: {exc})",
                            f"it cannot be opened ({type(exc).__name__}: {exc})") from None
    if not len(prs.slide_layouts):
        raise TemplateError("skabelonen har ingen layouts", "the template has no layouts")
    ids = prs.slides._sldIdLst  # the template's own slides go; its masters and layouts stay
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)
    return prs


def _widen(prs: Any) -> None:
    """python-pptx's default template is 4:3; widen it to 16:9, its masters' and layouts' shapes with it."""
    from pptx.oxml.ns import qn

    factor = WIDE / prs.slide_width
    prs.slide_width = WIDE
    for master in prs.slide_masters:
        for part in [master, *master.slide_layouts]:
            for shape in part.shapes:
                xfrm = shape._element.find(f".//{qn('a:xfrm')}")
                if xfrm is None:
                    continue
                off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
                if off is not None and ext is not None:
                    off.set("x", str(int(int(off.get("x")) * factor)))
                    ext.set("cx", str(int(int(ext.get("cx")) * factor)))


def kind_of(placeholder: Any) -> Any:
    """A placeholder's type, or None for a shape that has none."""
    try:
        return placeholder.placeholder_format.type
    except Exception:  # noqa: BLE001
        return None


def pick_layouts(prs: Any) -> tuple[Any, Any]:
    """(the title slide's layout, the layout for every other slide: a title and as little else as possible)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    title_kinds = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
    furniture = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
    layouts = list(prs.slide_layouts)
    first = next((lay for lay in layouts if any(kind_of(p) == PP_PLACEHOLDER.CENTER_TITLE for p in lay.placeholders)),
                 layouts[0])

    def extra(lay: Any) -> int:
        return sum(1 for p in lay.placeholders if kind_of(p) not in title_kinds + furniture)

    titled = [lay for lay in layouts if any(kind_of(p) == PP_PLACEHOLDER.TITLE for p in lay.placeholders)]
    body = min(titled, key=extra) if titled else min(layouts, key=extra)
    return first, body


def _cover(prs: Any, layout: Any) -> LayoutBox | None:
    from pptx.enum.shapes import PP_PLACEHOLDER

    title = next((p for p in layout.placeholders if kind_of(p) in (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE)),
                 None)
    if title is None or not title.width or not title.height:
        return None
    return LayoutBox(title.left / 12700, title.top / 12700, title.width / 12700, title.height / 12700)


def page_of(prs: Any, layout: Any, first: Any = None) -> Page:
    """Where titles and content go on the template's layout (and the title slide's title on `first`), in points."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    width, height = prs.slide_width / 12700, prs.slide_height / 12700
    default = Page.default(width, height)
    title = next((p for p in layout.placeholders if kind_of(p) == PP_PLACEHOLDER.TITLE), None)
    box = default.title
    if title is not None and title.width and title.height:
        box = LayoutBox(title.left / 12700, title.top / 12700, title.width / 12700, title.height / 12700)
        if box.w < width * 0.5 or box.bottom > height * 0.4:  # a title beside or under the content: not ours
            box = default.title
    footers = [p.top / 12700 for p in layout.placeholders
               if kind_of(p) in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
               and p.top is not None and p.top / 12700 > height * 0.7]
    bottom = min(footers + [height * 0.95]) - 4
    top = box.bottom + height * 0.02
    left = max(box.x, width * 0.03)
    right = min(box.right, width * 0.97)
    if bottom - top < height * 0.5:  # a template with a tall title: keep room for the content
        top = height * 0.2
    cover = _cover(prs, first) if first is not None else None
    return Page(width, height, box, LayoutBox(left, top, right - left, bottom - top), cover or default.cover)
