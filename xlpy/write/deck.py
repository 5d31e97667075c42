"""The decision paper as a PowerPoint deck: renders the slides of layouts/deck.py with python-pptx, on the
municipality's own template (.potx or .pptx) when one is given, and writes the file atomically.

The template gives the design: its slide size, its masters and layouts (the title slide's layout and a "title only"
one are used, with the title where the template puts it), its theme colours (tables, charts and the key-figure
tiles use the first accent colour) and its fonts. Where and how large everything else is comes from the layout, in
points. Every run of text is marked Danish, so PowerPoint checks its spelling as Danish.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import TYPE_CHECKING, Any

from ..layouts.slides import MUTED, Chart, Deck, Page, Para, Slide, Table, Text
from ..layouts.slides import Box as LayoutBox

if TYPE_CHECKING:
    from ..consolidate import Consolidation

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


# --- the template --------------------------------------------------------------------------------------------------

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


def _kind(placeholder: Any) -> Any:
    try:
        return placeholder.placeholder_format.type
    except Exception:  # noqa: BLE001
        return None


def _layouts(prs: Any) -> tuple[Any, Any]:
    """(the title slide's layout, the layout for every other slide: a title and as little else as possible)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    title_kinds = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
    furniture = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
    layouts = list(prs.slide_layouts)
    first = next((lay for lay in layouts if any(_kind(p) == PP_PLACEHOLDER.CENTER_TITLE for p in lay.placeholders)),
                 layouts[0])

    def extra(lay: Any) -> int:
        return sum(1 for p in lay.placeholders if _kind(p) not in title_kinds + furniture)

    titled = [lay for lay in layouts if any(_kind(p) == PP_PLACEHOLDER.TITLE for p in lay.placeholders)]
    body = min(titled, key=extra) if titled else min(layouts, key=extra)
    return first, body


def _cover(prs: Any, layout: Any) -> LayoutBox | None:
    from pptx.enum.shapes import PP_PLACEHOLDER

    title = next((p for p in layout.placeholders if _kind(p) in (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE)),
                 None)
    if title is None or not title.width or not title.height:
        return None
    return LayoutBox(title.left / 12700, title.top / 12700, title.width / 12700, title.height / 12700)


def page_of(prs: Any, layout: Any, first: Any = None) -> Page:
    """Where titles and content go on the template's layout (and the title slide's title on `first`), in points."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    width, height = prs.slide_width / 12700, prs.slide_height / 12700
    default = Page.default(width, height)
    title = next((p for p in layout.placeholders if _kind(p) == PP_PLACEHOLDER.TITLE), None)
    box = default.title
    if title is not None and title.width and title.height:
        box = LayoutBox(title.left / 12700, title.top / 12700, title.width / 12700, title.height / 12700)
        if box.w < width * 0.5 or box.bottom > height * 0.4:  # a title beside or under the content: not ours
            box = default.title
    footers = [p.top / 12700 for p in layout.placeholders
               if _kind(p) in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
               and p.top is not None and p.top / 12700 > height * 0.7]
    bottom = min(footers + [height * 0.95]) - 4
    top = box.bottom + height * 0.02
    left = max(box.x, width * 0.03)
    right = min(box.right, width * 0.97)
    if bottom - top < height * 0.5:  # a template with a tall title: keep room for the content
        top = height * 0.2
    cover = _cover(prs, first) if first is not None else None
    return Page(width, height, box, LayoutBox(left, top, right - left, bottom - top), cover or default.cover)


# --- rendering -----------------------------------------------------------------------------------------------------

def _pt(value: float) -> int:
    return int(round(value * 12700))


def _font(run: Any, size: float, bold: bool = False, italic: bool = False, color: str | None = None) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_THEME_COLOR
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.language_id = MSO_LANGUAGE_ID.DANISH
    if color == "light":
        font.color.theme_color = MSO_THEME_COLOR.BACKGROUND_1
    elif color:
        font.color.rgb = RGBColor.from_string(color)


def _end(p: Any, size: float) -> None:
    """The paragraph mark's size: without it a renderer sizes the last line (and a table row) for the theme's
    default of 18 points."""
    p._p.get_or_add_endParaRPr().set("sz", str(int(round(size * 100))))


def _paragraph(p: Any, para: Para) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    p.text = para.text  # a line feed becomes a line break
    p.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[para.align]
    if para.space_before:
        p.space_before = Pt(para.space_before)
    for run in p.runs:
        _font(run, para.size, para.bold, para.italic, para.color)
    _end(p, para.size)


def _frame(tf: Any, margin: float, anchor: str = "top") -> None:
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Pt(margin)
    tf.margin_top = tf.margin_bottom = Pt(margin / 2)
    tf.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}[anchor]


def _fill(fill: Any, colour: str) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_THEME_COLOR

    fill.solid()
    if colour == "accent":
        fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
    elif colour == "light":
        fill.fore_color.theme_color = MSO_THEME_COLOR.BACKGROUND_1
    else:
        fill.fore_color.rgb = RGBColor.from_string(colour)


def _text(slide: Any, shape: Text) -> None:
    b = shape.box
    box = slide.shapes.add_textbox(_pt(b.x), _pt(b.y), _pt(b.w), _pt(b.h))
    box.name = shape.name or "Tekst"
    tf = box.text_frame
    _frame(tf, shape.margin, shape.anchor)
    for i, para in enumerate(shape.paras):
        _paragraph(tf.paragraphs[0] if i == 0 else tf.add_paragraph(), para)
    if shape.fill:
        _fill(box.fill, shape.fill)


def _table(slide: Any, spec: Table) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Pt

    b = spec.box
    rows, cols = len(spec.rows), len(spec.widths)
    frame = slide.shapes.add_table(rows, cols, _pt(b.x), _pt(b.y), _pt(b.w), _pt(b.h))
    frame.name = spec.name or "Tabel"
    table = frame.table
    table.first_row = spec.header_rows > 0
    table.horz_banding = spec.header_rows > 0
    for c, w in enumerate(spec.widths):
        table.columns[c].width = _pt(w)
    for r, h in enumerate(spec.heights):
        table.rows[r].height = _pt(h)
    for r, row in enumerate(spec.rows):
        for c in range(cols):
            cell = table.cell(r, c)
            value = row[c] if c < len(row) else None
            cell.margin_left = cell.margin_right = Pt(spec.margin)
            cell.margin_top = cell.margin_bottom = Pt(spec.margin / 4)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            p = cell.text_frame.paragraphs[0]
            _end(p, (value.size if value is not None and value.size else spec.size))
            if value is None:
                continue
            p.text = value.text
            p.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[value.align]
            for run in p.runs:
                _font(run, value.size or spec.size, value.bold, value.italic, value.color)
            _end(p, value.size or spec.size)
            if value.note:
                note = cell.text_frame.add_paragraph()
                note.text = value.note
                note.alignment = p.alignment
                for run in note.runs:
                    _font(run, (value.size or spec.size) - 1, italic=True, color=MUTED)
                _end(note, (value.size or spec.size) - 1)


def _chart(slide: Any, spec: Chart) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.util import Pt

    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for name, values in spec.series:
        data.add_series(name, values)
    kind = {"column_stacked": XL_CHART_TYPE.COLUMN_STACKED,
            "column_clustered": XL_CHART_TYPE.COLUMN_CLUSTERED}[spec.kind]
    b = spec.box
    frame = slide.shapes.add_chart(kind, _pt(b.x), _pt(b.y), _pt(b.w), _pt(b.h), data)
    frame.name = spec.name or "Diagram"
    chart = frame.chart
    chart.font.size = Pt(spec.size)
    chart.font.language_id = MSO_LANGUAGE_ID.DANISH
    chart.has_title = bool(spec.title)
    if spec.title:
        chart.chart_title.text_frame.text = spec.title
        for run in chart.chart_title.text_frame.paragraphs[0].runs:
            _font(run, spec.size + 1, bold=True)
    chart.has_legend = spec.legend
    if spec.legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.tick_labels.number_format = spec.number_format
    axis.tick_labels.number_format_is_linked = False
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # under the bars, also below 0
    plot = chart.plots[0]
    plot.gap_width = 60
    if spec.data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = spec.number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(spec.size - 1)
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    if spec.negative_color and len(spec.series) == 1:
        series = plot.series[0]
        series.invert_if_negative = False
        for i, value in enumerate(spec.series[0][1]):
            if value < 0:
                fill = series.points[i].format.fill
                fill.solid()
                fill.fore_color.rgb = RGBColor.from_string(spec.negative_color)


def _title(slide: Any, text: str, size: float, page: Page, cover: bool = False) -> None:
    shape = slide.shapes.title
    if shape is None:
        b = page.cover_title if cover else page.title
        shape = slide.shapes.add_textbox(_pt(b.x), _pt(b.y), _pt(b.w), _pt(b.h))
        _frame(shape.text_frame, 8, "middle")
    tf = shape.text_frame
    tf.word_wrap = True
    lines = text.split("\n")
    tf.text = " ".join(lines) if len(lines) == 1 else text
    for p in tf.paragraphs:
        for run in p.runs:
            _font(run, size, bold=shape is not slide.shapes.title)
        _end(p, size)


def _render_slide(prs: Any, layout: Any, spec: Slide, page: Page) -> Any:
    from pptx.enum.shapes import PP_PLACEHOLDER

    slide = prs.slides.add_slide(layout)
    slide._element.cSld.name = spec.key
    keep = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE) + ((PP_PLACEHOLDER.SUBTITLE,) if spec.subtitle else ())
    for placeholder in list(slide.placeholders):
        if _kind(placeholder) not in keep:
            placeholder._element.getparent().remove(placeholder._element)
    _title(slide, spec.title, spec.title_size, page, cover=spec.key == "title")
    if spec.subtitle:
        target = next((p for p in slide.placeholders if _kind(p) == PP_PLACEHOLDER.SUBTITLE), None)
        if target is None:
            b = page.body
            target = slide.shapes.add_textbox(_pt(b.x), _pt(b.y + b.h * 0.45), _pt(b.w), _pt(b.h * 0.4))
        tf = target.text_frame
        tf.word_wrap = True
        for i, para in enumerate(spec.subtitle):
            _paragraph(tf.paragraphs[0] if i == 0 else tf.add_paragraph(), para)
    for shape in spec.shapes:
        if isinstance(shape, Text):
            _text(slide, shape)
        elif isinstance(shape, Table):
            _table(slide, shape)
        elif isinstance(shape, Chart):
            _chart(slide, shape)
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes
    return slide


def render(prs: Any, deck: Deck) -> None:
    first, body = _layouts(prs)
    for spec in deck.slides:
        _render_slide(prs, first if spec.key == "title" else body, spec, deck.page)


def write_deck(path: str | os.PathLike[str], c: "Consolidation", template: str | None = None) -> Deck:
    """The decision paper of consolidation `c` as a .pptx at `path`, on `template` (.potx/.pptx) when given,
    written atomically. Raises TemplateError for a template that cannot be used (nothing is written then)."""
    from ..layouts.deck import TITLE, deck_layout
    from ..made import now
    from ..xlsx import atomic_write

    prs = open_template(template)
    first, body = _layouts(prs)
    deck = deck_layout(c, page_of(prs, body, first))
    render(prs, deck)
    props = prs.core_properties
    props.title, props.author, props.language = TITLE, "xlpy", "da-DK"
    props.created = props.modified = now()
    props.revision = 1
    atomic_write(path, lambda tmp: prs.save(tmp))
    return deck
