"""The Chinese and bilingual samples: a bilingual (English/Chinese) technology licence laid out as a
two-column table, and a Chinese-only joint venture contract.

Markup (``src/bilingual_license.txt``, ``src/zh_jv_contract.txt``):

    = EN || ZH              title (one paragraph per language)
    % EN || ZH              body paragraph(s) outside the table
    | EN || ZH              a row of the two-column table (the first row is its header)
    ## EN || ZH             unnumbered heading (Heading 1)
    # 标题                  Chinese article heading, Word numbering "第%1条" (chineseCounting)
    . 文本                  Chinese clause, Word numbering "（%2）" (chineseCounting)

In the Chinese-only contract the numbers are real Word automatic numbering in DOCX and printed as
the reader sees them in PDF and TXT. Chinese runs carry East Asian fonts (``w:eastAsia``) and the
``zh-CN`` language tag. The PDF uses reportlab's built-in CID font STSong-Light (Adobe-GB1): it
needs no font file, so the build works offline, and a PDF reader supplies the glyphs. Deterministic
as the other samples (fixed zip dates and metadata, reportlab invariant mode).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import _docx_writer as dw

CN = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1..99 as a Chinese numeral: 一, 十, 十二, 二十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN[ones]
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


@dataclass
class Item:
    kind: str  # title para row heading article clause
    en: str = ""
    zh: str = ""
    label: str = ""  # the number as a reader sees it (article, clause)
    rows: list = field(default_factory=list)


def parse(text: str) -> list[Item]:
    out: list[Item] = []
    art = cl = 0
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            continue
        for prefix, kind in (("= ", "title"), ("% ", "para"), ("| ", "row"), ("## ", "heading"),
                             ("# ", "article"), (". ", "clause")):
            if line.startswith(prefix):
                body = line[len(prefix):]
                break
        else:
            raise ValueError(f"unknown markup: {line[:40]}")
        en, _, zh = body.partition(" || ") if " || " in body or body.endswith(" ||") else (body, "", "")
        en, zh = en.strip(), zh.strip()
        if body.endswith(" ||"):
            en, zh = body[:-3].strip(), ""
        if kind == "row":
            if out and out[-1].kind == "table":
                out[-1].rows.append((en, zh))
            else:
                out.append(Item("table", rows=[(en, zh)]))
            continue
        item = Item(kind, en, zh)
        if kind == "article":
            art, cl = art + 1, 0
            item.label = f"第{cn_numeral(art)}条"
        elif kind == "clause":
            cl += 1
            item.label = f"（{cn_numeral(cl)}）"
        out.append(item)
    return out


# ------------------------------------------------------------------------------------------ DOCX

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _run(text: str, bold: bool = False) -> str:
    rpr = "<w:b/>" if bold else ""
    if _CJK.search(text):
        rpr = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimSun" w:hint="eastAsia"/>'
               + rpr + '<w:lang w:val="en-GB" w:eastAsia="zh-CN"/>')
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{dw._t(text)}</w:r>"


def _table(rows) -> str:
    width = 4500
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
           f'<w:tblGrid><w:gridCol w:w="{width}"/><w:gridCol w:w="{width}"/></w:tblGrid>']
    for i, (en, zh) in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if i == 0 else ""
        cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                        f'<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>{_run(c, i == 0) if c else ""}</w:p></w:tc>'
                        for c in (en, zh))
        out.append(f"<w:tr>{trpr}{cells}</w:tr>")
    return "".join(out) + "</w:tbl>"


NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{dw.W_NS}">'
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
    + dw._lvl(0, "chineseCounting", "第%1条", 0, 0, bold=True).replace("<w:lvlJc", '<w:suff w:val="space"/><w:lvlJc')
    + dw._lvl(1, "chineseCounting", "（%2）", 567, 567).replace("<w:lvlJc", '<w:suff w:val="nothing"/><w:lvlJc')
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
)


def document_xml(items: list[Item]) -> str:
    body: list[str] = []
    for it in items:
        if it.kind == "table":
            body += [_table(it.rows), dw._para(None, "")]
            continue
        texts = [t for t in (it.en, it.zh) if t]
        if it.kind == "title":
            body += [dw._para("Title", _run(t)) for t in texts]
        elif it.kind == "heading":
            body += [dw._para("Heading1", _run(t)) for t in texts]
        elif it.kind == "article":
            body.append(dw._para("Heading1", _run(it.en), (1, 0)))
        elif it.kind == "clause":
            body.append(dw._para("ListParagraph", _run(it.en), (1, 1)))
        else:
            body += [dw._para(None, _run(t)) for t in texts]
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
            '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1304" w:bottom="1440" '
            'w:left="1304" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{dw.W_NS}" xmlns:r="{dw.R_NS}"><w:body>{"".join(body)}{sect}</w:body></w:document>')


def write_docx(items: list[Item], title: str) -> bytes:
    parts = [("[Content_Types].xml", dw._content_types(False)), ("_rels/.rels", dw.ROOT_RELS),
             ("docProps/core.xml", dw._core(title)), ("docProps/app.xml", dw.APP),
             ("word/document.xml", document_xml(items)), ("word/_rels/document.xml.rels", dw._doc_rels(False)),
             ("word/styles.xml", dw.STYLES), ("word/numbering.xml", NUMBERING), ("word/settings.xml", dw.SETTINGS),
             ("word/header1.xml", dw.HEADER), ("word/footer1.xml", dw.FOOTER)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=dw.ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- PDF

def write_pdf(items: list[Item], out, title: str) -> int:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    en = ParagraphStyle("en", fontName="Times-Roman", fontSize=10.5, leading=14, spaceAfter=6)
    zh = ParagraphStyle("zh", parent=en, fontName="STSong-Light", wordWrap="CJK")
    styles = {
        ("title", "en"): ParagraphStyle("te", parent=en, fontName="Times-Bold", fontSize=14, leading=18, alignment=TA_CENTER),
        ("title", "zh"): ParagraphStyle("tz", parent=zh, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=12),
        ("heading", "en"): ParagraphStyle("he", parent=en, fontName="Times-Bold", spaceBefore=8),
        ("heading", "zh"): ParagraphStyle("hz", parent=zh, spaceBefore=8),
        ("para", "en"): en, ("para", "zh"): zh,
        ("cell", "en"): ParagraphStyle("ce", parent=en, fontSize=9.5, leading=12, spaceAfter=0),
        ("cell", "zh"): ParagraphStyle("cz", parent=zh, fontSize=9.5, leading=12, spaceAfter=0),
    }

    def lang(t: str) -> str:
        return "zh" if _CJK.search(t) and len(_CJK.findall(t)) * 3 > len(re.findall(r"[A-Za-z]", t)) else "en"

    def para(t: str, kind: str) -> Paragraph:
        return Paragraph(escape(t), styles[(kind, lang(t))])

    def story(width: float):
        s = []
        for it in items:
            if it.kind == "table":
                data = [[para(c, "cell") if c else "" for c in row] for row in it.rows]
                t = Table(data, colWidths=[width / 2] * 2, repeatRows=1)
                t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8"))]))
                s += [t, Spacer(1, 6)]
            elif it.kind in ("article", "clause"):
                s.append(para(f"{it.label} {it.en}" if it.kind == "article" else f"{it.label}{it.en}",
                              "heading" if it.kind == "article" else "para"))
            else:
                s += [para(t, it.kind if it.kind in ("title", "heading") else "para") for t in (it.en, it.zh) if t]
        return s

    def build(target, total):
        pages = [0]

        def on_page(canvas, doc):
            pages[0] = doc.page
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawRightString(A4[0] - 20 * mm, A4[1] - 12 * mm, "CONFIDENTIAL — Draft")
            canvas.drawCentredString(A4[0] / 2, 10 * mm, f"Page {doc.page} of {total or '?'}")
            canvas.restoreState()

        doc = SimpleDocTemplate(target, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                                bottomMargin=20 * mm, title=title, author="Clause Analyzer samples",
                                creator="clause-analyzer samples/build_samples.py", subject=title, invariant=1)
        doc.build(story(doc.width), onFirstPage=on_page, onLaterPages=on_page)
        return pages[0]

    total = build(io.BytesIO(), None)
    return build(out, total)


# ------------------------------------------------------------------------------------------- TXT

def render_txt(items: list[Item]) -> str:
    lines: list[str] = []
    for it in items:
        if it.kind == "table":
            for en, zh in it.rows:
                lines += [x for x in (en, zh) if x]
        elif it.kind == "article":
            lines.append(f"{it.label} {it.en}")
        elif it.kind == "clause":
            lines.append(f"{it.label}{it.en}")
        else:
            lines += [x for x in (it.en, it.zh) if x]
    return "\n\n".join(lines) + "\n"


SAMPLES = {
    # name: (source, title, formats)
    "bilingual_license": ("bilingual_license.txt", "Technology Licence Agreement / 技术许可协议", ("docx", "pdf")),
    "zh_jv_contract": ("zh_jv_contract.txt", "中外合资经营合同", ("docx", "pdf", "txt")),
}


def build(src: Path, out_dir: Path) -> list[Path]:
    written: list[Path] = []
    for name, (source, title, formats) in SAMPLES.items():
        items = parse((src / source).read_text(encoding="utf-8"))
        if "docx" in formats:
            p = out_dir / f"{name}.docx"
            p.write_bytes(write_docx(items, title))
            written.append(p)
        if "pdf" in formats:
            buf = io.BytesIO()
            write_pdf(items, buf, title)
            p = out_dir / f"{name}.pdf"
            p.write_bytes(buf.getvalue())
            written.append(p)
        if "txt" in formats:
            p = out_dir / f"{name}.txt"
            p.write_text(render_txt(items), encoding="utf-8", newline="\n")
            written.append(p)
    return written
