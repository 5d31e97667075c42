"""The decision paper as a PowerPoint deck: renders the slides of layouts/deck.py with python-pptx, on the
municipality's own template (.potx or .pptx) when one is given, and writes the file atomically.

The template gives the design: its slide size, its masters and layouts (the title slide's layout and a "title only"
one are used, with the title where the template puts it), its theme colours (tables, charts and the key-figure
tiles use the first accent colour) and its fonts. Where and how large everything else is comes from the layout, in
points. Every run of text is marked Danish, so PowerPoint checks its spelling as Danish.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..layouts.slides import MUTED, Chart, Deck, Page, Para, Slide, Table, Text
from .template import TemplateError, kind_of, open_template, page_of, pick_layouts

__all__ = ["TemplateError", "open_template", "render", "write_deck"]

if TYPE_CHECKING:
    from ..portfolio.consolidate import Consolidation


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
        if kind_of(placeholder) not in keep:
            placeholder._element.getparent().remove(placeholder._element)
    _title(slide, spec.title, spec.title_size, page, cover=spec.key == "title")
    if spec.subtitle:
        target = next((p for p in slide.placeholders if kind_of(p) == PP_PLACEHOLDER.SUBTITLE), None)
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
    first, body = pick_layouts(prs)
    for spec in deck.slides:
        _render_slide(prs, first if spec.key == "title" else body, spec, deck.page)


def write_deck(path: str | os.PathLike[str], c: "Consolidation", template: str | None = None) -> Deck:
    """The decision paper of consolidation `c` as a .pptx at `path`, on `template` (.potx/.pptx) when given,
    written atomically. Raises TemplateError for a template that cannot be used (nothing is written then)."""
    from ..layouts.deck import TITLE, deck_layout
    from ..made import now
    from .xlsx import atomic_write

    prs = open_template(template)
    first, body = pick_layouts(prs)
    deck = deck_layout(c, page_of(prs, body, first))
    render(prs, deck)
    props = prs.core_properties
    props.title, props.author, props.language = TITLE, "xlpy", "da-DK"
    props.created = props.modified = now()
    props.revision = 1
    atomic_write(path, lambda tmp: prs.save(tmp))
    return deck
