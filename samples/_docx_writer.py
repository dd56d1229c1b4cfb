"""Write sample agreements as DOCX packages by hand (raw OOXML), deterministically.

Real Word automatic numbering: one multilevel list ("%1." / "%1.%2" / "(%3)")
for articles and clauses and one ("(%1)", upper letters) for recitals; the
paragraphs carry w:numPr, the numbers are not typed. Tracked changes are
w:ins / w:del, comments live in word/comments.xml.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ZIP_DATE = (2025, 1, 15, 9, 0, 0)
CREATED = "2025-01-15T09:00:00Z"


def _t(text: str, tag: str = "w:t") -> str:
    return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>'


def _run(text: str, bold: bool = False, tag: str = "w:t") -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{rpr}{_t(text, tag)}</w:r>"


class _Ids:
    def __init__(self):
        self.next = 1
        self.comments: list[tuple[int, str]] = []

    def take(self) -> int:
        n = self.next
        self.next += 1
        return n


def _runs_xml(runs, ids: _Ids, author: str, date: str) -> str:
    parts: list[str] = []
    open_comments: list[int] = []
    for r in runs:
        if r.kind == "text":
            parts.append(_run(r.text, r.bold))
        elif r.kind == "ins":
            parts.append(f'<w:ins w:id="{ids.take()}" w:author="{author}" w:date="{date}">{_run(r.text, r.bold)}</w:ins>')
        elif r.kind == "del":
            parts.append(f'<w:del w:id="{ids.take()}" w:author="{author}" w:date="{date}">'
                         f'{_run(r.text, r.bold, "w:delText")}</w:del>')
        elif r.kind == "cstart":
            cid = ids.take()
            ids.comments.append((cid, r.comment))
            open_comments.append(cid)
            parts.append(f'<w:commentRangeStart w:id="{cid}"/>')
        elif r.kind == "cend":
            cid = open_comments.pop()
            parts.append(f'<w:commentRangeEnd w:id="{cid}"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                         f'<w:commentReference w:id="{cid}"/></w:r>')
    return "".join(parts)


def _para(style: str | None, body: str, num: tuple[int, int] | None = None, extra_ppr: str = "") -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    ppr += extra_ppr
    return f"<w:p><w:pPr>{ppr}</w:pPr>{body}</w:p>" if ppr else f"<w:p>{body}</w:p>"


def _table(rows: list[list[str]]) -> str:
    ncols = len(rows[0])
    width = 9000 // ncols
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(ncols))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{width * ncols}" w:type="dxa"/>'
           f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
           f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for i, row in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if i == 0 else ""
        cells = []
        for c in list(row) + [""] * (ncols - len(row)):
            body = _run(c, bold=(i == 0)) if c else ""
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                         f'<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>{body}</w:p></w:tc>')
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(elements, ids: _Ids, author: str, date: str) -> str:
    body: list[str] = []
    for el in elements:
        if el.kind == "table":
            body.append(_table(el.rows))
            body.append(_para(None, ""))  # Word needs a paragraph between a table and what follows
            continue
        runs = _runs_xml(el.runs, ids, author, date)
        if el.kind == "title":
            body.append(_para("Title", runs))
        elif el.kind == "heading":
            body.append(_para("Heading1", runs, (1, 0) if el.numbered else None))
        elif el.kind == "heading2":
            body.append(_para("Heading2", runs))
        elif el.kind == "clause":
            body.append(_para("ListParagraph", runs, (1, el.level)))
        elif el.kind == "recital":
            body.append(_para("ListParagraph", runs, (2, 0)))
        elif el.kind == "party":
            body.append(_para(None, runs, extra_ppr='<w:ind w:left="720"/>'))
        else:
            body.append(_para(None, runs))
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
            '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1304" w:bottom="1440" '
            'w:left="1304" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{"".join(body)}{sect}</w:body></w:document>')


def comments_xml(comments: list[tuple[int, str]], author: str, date: str) -> str:
    items = "".join(
        f'<w:comment w:id="{cid}" w:author="{author}" w:date="{date}" w:initials="CC">'
        f'<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
        f'<w:annotationRef/></w:r>{_run(text)}</w:p></w:comment>'
        for cid, text in comments)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W_NS}">{items}</w:comments>'


def _lvl(ilvl: int, fmt: str, text: str, left: int, hanging: int, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>')


NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W_NS}">'
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
    + _lvl(0, "decimal", "%1.", 567, 567, bold=True)
    + _lvl(1, "decimal", "%1.%2", 567, 567)
    + _lvl(2, "lowerLetter", "(%3)", 1134, 567)
    + _lvl(3, "lowerRoman", "(%4)", 1701, 567)
    + '</w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>'
    + _lvl(0, "upperLetter", "(%1)", 567, 567)
    + '</w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
)


def _style(sid: str, name: str, kind: str = "paragraph", ppr: str = "", rpr: str = "", extra: str = "") -> str:
    return (f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>{extra}'
            f'{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}</w:style>')


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" '
    'w:cs="Calibri"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr>'
    '</w:pPrDefault></w:docDefaults>'
    + _style("Normal", "Normal", extra='<w:qFormat/>')
    + _style("Title", "Title", ppr='<w:spacing w:before="240" w:after="360"/><w:jc w:val="center"/>',
             rpr='<w:b/><w:caps/><w:sz w:val="32"/>', extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>')
    + _style("Heading1", "heading 1", ppr='<w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/>',
             rpr='<w:b/><w:caps/><w:sz w:val="22"/>', extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>')
    + _style("Heading2", "heading 2", ppr='<w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/>',
             rpr='<w:b/><w:sz w:val="21"/>', extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>')
    + _style("ListParagraph", "List Paragraph", ppr='<w:ind w:left="720"/><w:contextualSpacing/>',
             extra='<w:basedOn w:val="Normal"/><w:qFormat/>')
    + _style("TableText", "Table Text", ppr='<w:spacing w:after="0"/><w:jc w:val="left"/>', rpr='<w:sz w:val="19"/>',
             extra='<w:basedOn w:val="Normal"/>')
    + _style("Header", "header", ppr='<w:jc w:val="right"/>', rpr='<w:sz w:val="16"/>', extra='<w:basedOn w:val="Normal"/>')
    + _style("Footer", "footer", ppr='<w:jc w:val="center"/>', rpr='<w:sz w:val="16"/>', extra='<w:basedOn w:val="Normal"/>')
    + _style("CommentText", "annotation text", rpr='<w:sz w:val="20"/>', extra='<w:basedOn w:val="Normal"/>')
    + _style("CommentReference", "annotation reference", kind="character", rpr='<w:sz w:val="16"/>')
    + _style("TableGrid", "Table Grid", kind="table",
             extra='<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                   '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                   '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                   '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                   '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                   '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
                   '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>')
    + '</w:styles>'
)

HEADER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="{W_NS}">'
          f'<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>{_run("CONFIDENTIAL — Draft")}</w:p></w:hdr>')
FOOTER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}">'
          f'<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{_run("Page ")}'
          f'<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>{_run(" of ")}'
          f'<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>')
SETTINGS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{W_NS}">'
            '<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
            'w:val="15"/></w:compat></w:settings>')

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(with_comments: bool) -> str:
    over = [("/word/document.xml", f"{_CT}.document.main+xml"), ("/word/styles.xml", f"{_CT}.styles+xml"),
            ("/word/numbering.xml", f"{_CT}.numbering+xml"), ("/word/settings.xml", f"{_CT}.settings+xml"),
            ("/word/header1.xml", f"{_CT}.header+xml"), ("/word/footer1.xml", f"{_CT}.footer+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
    if with_comments:
        over.append(("/word/comments.xml", f"{_CT}.comments+xml"))
    items = "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in over)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>')


def _doc_rels(with_comments: bool) -> str:
    rels = [("rIdStyles", "styles", "styles.xml"), ("rIdNumbering", "numbering", "numbering.xml"),
            ("rIdSettings", "settings", "settings.xml"), ("rIdHeader1", "header", "header1.xml"),
            ("rIdFooter1", "footer", "footer1.xml")]
    if with_comments:
        rels.append(("rIdComments", "comments", "comments.xml"))
    items = "".join(f'<Relationship Id="{i}" Type="{_REL}/{t}" Target="{tg}"/>' for i, t, tg in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>')


ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
             '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
             'core-properties" Target="docProps/core.xml"/>'
             f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')


def _core(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(title)}</dc:title><dc:creator>Clause Analyzer samples</dc:creator>'
            '<cp:lastModifiedBy>Clause Analyzer samples</cp:lastModifiedBy><cp:revision>1</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:modified></cp:coreProperties>')


APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>clause-analyzer samples/build_samples.py</Application></Properties>')


def write_docx(elements, *, title: str, change_author: str, change_date: str) -> bytes:
    ids = _Ids()
    document = document_xml(elements, ids, change_author, change_date)
    with_comments = bool(ids.comments)
    parts = [("[Content_Types].xml", _content_types(with_comments)), ("_rels/.rels", ROOT_RELS),
             ("docProps/core.xml", _core(title)), ("docProps/app.xml", APP),
             ("word/document.xml", document), ("word/_rels/document.xml.rels", _doc_rels(with_comments)),
             ("word/styles.xml", STYLES), ("word/numbering.xml", NUMBERING), ("word/settings.xml", SETTINGS),
             ("word/header1.xml", HEADER), ("word/footer1.xml", FOOTER)]
    if with_comments:
        parts.append(("word/comments.xml", comments_xml(ids.comments, change_author, change_date)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
