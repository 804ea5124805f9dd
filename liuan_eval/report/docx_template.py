"""The Word template of the 通报 (``liuan_eval/resources/circular_template.docx``) and how it is built.

The template is data: an office opens it in Word, changes a style (字体, 字号, 行距) or writes its
own name over a placeholder, saves it, and every later 通报 follows (``[notice] template`` in a
preset names another template file). :func:`build_template` is how the shipped file was made
(``python -m liuan_eval.report.docx_template`` writes it again); nothing calls it at run time.

Layout (GB/T 9704—2012, 党政机关公文格式):

* A4; margins 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm (版心 156 mm × 225 mm);
* styles, named in Chinese so an office finds them in Word's style pane:
  ``公文正文`` (Normal: 仿宋_GB2312 三号, fixed line pitch 28.95 pt — 22 lines a page,
  first line indented two characters), ``公文标题`` (方正小标宋简体 二号, centred),
  ``一级标题`` (黑体 三号), ``二级标题`` and the run-in character style ``二级标题字符``
  (楷体_GB2312 三号), ``发文机关标志`` (方正小标宋简体, red), ``发文字号`` (with the red
  separator line under it), ``主送机关``, ``附件说明``, ``落款``, ``附件标题`` (黑体),
  ``表格文字``/``表格标题行`` (仿宋_GB2312/黑体 五号) and the table style ``公文表格``;
* every East-Asian font is set on ``w:eastAsia`` as well as ``w:ascii``/``w:hAnsi`` (Word ignores
  a Chinese font name given only as ``font.name``), and the document defaults name no theme font;
* page numbers ``— 1 —`` in 宋体 四号 in the footer: odd pages right, even pages left, one
  character in from the edge of the text block;
* the body holds the placeholders the renderer (:mod:`liuan_eval.report.circular`) fills:
  ``{{发文机关}}``, ``{{发文字号}}``, ``{{标题}}``, ``{{主送机关}}``, ``{{正文}}``, ``{{署名}}``,
  ``{{成文日期}}``, ``{{附件}}``. ``{{正文}}`` and ``{{附件}}`` stand alone in their paragraphs,
  which are replaced by the generated paragraphs and tables.

Examples
--------
>>> from docx import Document
>>> doc = Document(str(TEMPLATE))
>>> round(doc.sections[0].top_margin.mm), round(doc.sections[0].left_margin.mm)
(37, 28)
>>> doc.styles["公文标题"].element.rPr.rFonts.get(qn("w:eastAsia"))
'方正小标宋简体'
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

#: The template shipped with the package.
TEMPLATE = Path(__file__).resolve().parents[1] / "resources" / "circular_template.docx"

#: Font sizes of Chinese documents (号) in points.
SIZES = {"初号": 42, "一号": 26, "二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5}
LINE_PITCH = Pt(28.95)   # 225 mm of text block / 22 lines
RED = RGBColor(0xFF, 0x00, 0x00)

#: Placeholders of the template (see the module docstring).
PLACEHOLDERS = ("{{发文机关}}", "{{发文字号}}", "{{标题}}", "{{主送机关}}", "{{正文}}", "{{署名}}", "{{成文日期}}",
                "{{附件}}")


def set_fonts(element, east_asian: str, latin: str | None = None) -> None:
    """Name the fonts of a style's or run's ``w:rPr``: East-Asian on ``w:eastAsia``, the rest on ascii/hAnsi.

    Theme font attributes are removed: Word prefers them to a named font.
    """
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    latin = latin or east_asian
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def _style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal"):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
    if base is not None and kind == WD_STYLE_TYPE.PARAGRAPH:
        style.base_style = styles[base]
    style.quick_style = True
    return style


def _paragraph_style(doc, name: str, east: str, size: float, *, latin: str | None = None, bold: bool = False,
                     align=None, indent_chars: float = 0, color=None, outline: int | None = None,
                     exact: bool = True, space_before: float = 0, space_after: float = 0, base: str = "Normal"):
    s = _style(doc, name, base=base)
    set_fonts(s.element, east, latin or ("Times New Roman" if east.startswith("仿宋") else east))
    s.font.size = Pt(size)
    s.font.bold = bold
    if color is not None:
        s.font.color.rgb = color
    pf = s.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_PITCH
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    if outline is not None:
        ppr = s.element.get_or_add_pPr()
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
    return s


def _bottom_border(style, color: str = "FF0000", size_eighths: int = 12) -> None:
    """A line under the paragraph (the red separator line under the 发文字号)."""
    ppr = style.element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in {"w:val": "single", "w:sz": str(size_eighths), "w:space": "4", "w:color": color}.items():
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def page_number_paragraph(paragraph, side: str) -> None:
    """``— PAGE —`` in the footer paragraph, at the right (odd pages) or the left (even pages)."""
    paragraph.style = "页码"
    pf = paragraph.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
    if side == "right":
        pf.right_indent = Pt(SIZES["四号"])
    else:
        pf.left_indent = Pt(SIZES["四号"])
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def build_template(path: str | Path = TEMPLATE) -> Path:
    """Build the 通报 template (GB/T 9704 layout, Chinese styles, placeholders) and save it at ``path``."""
    doc = Document()
    core = doc.core_properties
    core.title, core.author, core.last_modified_by, core.comments = "政务新媒体检查情况通报（模板）", "liuan_eval", "", ""
    core.revision = 1
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    # document defaults: named fonts, no theme fonts, Chinese as the East-Asian language
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for k, v in {"w:ascii": "Times New Roman", "w:hAnsi": "Times New Roman", "w:eastAsia": "仿宋_GB2312",
                 "w:cs": "Times New Roman"}.items():
        fonts.set(qn(k), v)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    # Normal is the body text: 仿宋_GB2312 三号, 28.95 pt lines, first line indented two characters, justified
    normal = doc.styles["Normal"]
    normal.name = "Normal"
    set_fonts(normal.element, "仿宋_GB2312", "Times New Roman")
    normal.font.size = Pt(SIZES["三号"])
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Pt(2 * SIZES["三号"])
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    pf.space_before = pf.space_after = Pt(0)
    _paragraph_style(doc, "公文正文", "仿宋_GB2312", SIZES["三号"], indent_chars=2,
                            align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph_style(doc, "发文机关标志", "方正小标宋简体", SIZES["一号"] + 4, align=WD_ALIGN_PARAGRAPH.CENTER,
                     color=RED, exact=False, space_before=24, space_after=24)
    number = _paragraph_style(doc, "发文字号", "仿宋_GB2312", SIZES["三号"], align=WD_ALIGN_PARAGRAPH.CENTER,
                              space_after=24)
    _bottom_border(number)
    _paragraph_style(doc, "公文标题", "方正小标宋简体", SIZES["二号"], align=WD_ALIGN_PARAGRAPH.CENTER,
                     exact=False, space_before=28.95, space_after=28.95)
    _paragraph_style(doc, "主送机关", "仿宋_GB2312", SIZES["三号"], align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "一级标题", "黑体", SIZES["三号"], indent_chars=2, outline=0)
    _paragraph_style(doc, "二级标题", "楷体_GB2312", SIZES["三号"], indent_chars=2, outline=1)
    kai = _style(doc, "二级标题字符", WD_STYLE_TYPE.CHARACTER, base=None)
    set_fonts(kai.element, "楷体_GB2312")
    _paragraph_style(doc, "附件说明", "仿宋_GB2312", SIZES["三号"], indent_chars=2)
    sign = _paragraph_style(doc, "落款", "仿宋_GB2312", SIZES["三号"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(4 * SIZES["三号"])
    _paragraph_style(doc, "附件标题", "黑体", SIZES["三号"], align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, "附件名称", "方正小标宋简体", SIZES["二号"], align=WD_ALIGN_PARAGRAPH.CENTER,
                     exact=False, space_before=12, space_after=18)
    _paragraph_style(doc, "表格文字", "仿宋_GB2312", SIZES["五号"], align=WD_ALIGN_PARAGRAPH.LEFT, exact=False)
    _paragraph_style(doc, "表格标题行", "黑体", SIZES["五号"], align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _paragraph_style(doc, "页码", "宋体", SIZES["四号"], exact=False)
    table_style = _style(doc, "公文表格", WD_STYLE_TYPE.TABLE, base=None)
    table_style.base_style = doc.styles["Table Grid"]
    # the body: placeholders the renderer fills
    for text, style in (("{{发文机关}}", "发文机关标志"), ("{{发文字号}}", "发文字号"), ("{{标题}}", "公文标题"),
                        ("{{主送机关}}：", "主送机关"), ("{{正文}}", "公文正文"), ("", "公文正文"),
                        ("{{署名}}", "落款"), ("{{成文日期}}", "落款"), ("{{附件}}", "公文正文")):
        doc.add_paragraph(text, style=style)
    # page numbers: odd pages right, even pages left
    doc.settings.odd_and_even_pages_header_footer = True
    page_number_paragraph(sec.footer.paragraphs[0], "right")
    page_number_paragraph(sec.even_page_footer.paragraphs[0], "left")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


#: Table alignment the renderer uses (centred in the text block).
TABLE_ALIGNMENT = WD_TABLE_ALIGNMENT.CENTER

if __name__ == "__main__":  # pragma: no cover - maintainers rebuild the shipped template
    print(build_template())
