"""Build the DOCX fixtures under sources/ (run: .venv/bin/python tests/data/docx/make_fixtures.py).

Most fixtures are written as raw OOXML so that each feature the parser must
handle (numbering definitions, tracked changes, comments, notes, tables, page
breaks) is spelled out here. ``pydocx_basic.docx`` is made with python-docx
(its default template numbers "List Number" paragraphs through the style).
Zip entries get a fixed timestamp so that rebuilding gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Optional

SOURCES = Path(__file__).resolve().parent / "sources"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)

_PARTS = {  # part name → (relationship type suffix, content type suffix)
    "styles": ("styles", "styles+xml"),
    "numbering": ("numbering", "numbering+xml"),
    "comments": ("comments", "comments+xml"),
    "footnotes": ("footnotes", "footnotes+xml"),
    "endnotes": ("endnotes", "endnotes+xml"),
    "header1": ("header", "header+xml"),
    "footer1": ("footer", "footer+xml"),
}


def zip_bytes(files: dict[str, bytes | str]) -> bytes:
    """A deflated zip with fixed timestamps, entries in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return buf.getvalue()


def wdoc(root: str, inner: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:{root} xmlns:w="{W}" xmlns:r="{R}">{inner}</w:{root}>')


def package(body: str, *, sect: bool = True, app_pages: Optional[int] = None, **parts: str) -> bytes:
    """A minimal but complete DOCX package. ``parts``: styles, numbering, comments,
    footnotes, endnotes, header1, footer1 (inner XML of each part's root)."""
    roots = {"styles": "styles", "numbering": "numbering", "comments": "comments",
             "footnotes": "footnotes", "endnotes": "endnotes", "header1": "hdr", "footer1": "ftr"}
    rels, overrides = [], []
    sect_refs = ""
    files: dict[str, bytes | str] = {}
    for i, (key, inner) in enumerate(parts.items(), start=1):
        rel, ctype = _PARTS[key]
        rels.append(f'<Relationship Id="rId{i}" Type="{R}/{rel}" Target="{key}.xml"/>')
        overrides.append(f'<Override PartName="/word/{key}.xml" ContentType="{WML}.{ctype}"/>')
        files[f"word/{key}.xml"] = wdoc(roots[key], inner)
        if key == "header1":
            sect_refs += f'<w:headerReference w:type="default" r:id="rId{i}"/>'
        if key == "footer1":
            sect_refs += f'<w:footerReference w:type="default" r:id="rId{i}"/>'
    app = ""
    if app_pages is not None:
        overrides.append('<Override PartName="/docProps/app.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.extended-properties+xml"/>')
        app = (f'<Relationship Id="rId2" Type="{R}/extended-properties" Target="docProps/app.xml"/>')
        files["docProps/app.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/extended-properties"><Pages>{app_pages}</Pages></Properties>')
    sect_xml = f"<w:sectPr>{sect_refs}</w:sectPr>" if sect else ""
    out: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
            + "".join(overrides) + "</Types>"),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_R}">'
            f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>{app}'
            "</Relationships>"),
        "word/document.xml": wdoc("document", f"<w:body>{body}{sect_xml}</w:body>"),
        "word/_rels/document.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_R}">'
            + "".join(rels) + "</Relationships>"),
    }
    out.update(files)
    return zip_bytes(out)


# ----------------------------------------------------------------- XML snippets

def t(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*runs: str, style: Optional[str] = None, num: Optional[tuple[int, int]] = None,
      extra_ppr: str = "") -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    ppr += extra_ppr
    body = "".join(r if r.startswith("<") else t(r) for r in runs)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>"


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def style(sid: str, name: str, ppr: str = "", based_on: Optional[str] = None, kind: str = "paragraph",
          default: bool = False) -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    dflt = ' w:default="1"' if default else ""
    return (f'<w:style w:type="{kind}" w:styleId="{sid}"{dflt}><w:name w:val="{name}"/>{base}'
            f"{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}</w:style>")


REV = 'w:author="Alice Counsel" w:date="2024-03-01T10:00:00Z"'
REV2 = 'w:author="Bob Licensee" w:date="2024-03-02T11:30:00Z"'


def ins(text: str, rid: int, who: str = REV) -> str:
    return f'<w:ins w:id="{rid}" {who}>{t(text)}</w:ins>'


def dele(text: str, rid: int, who: str = REV) -> str:
    return (f'<w:del w:id="{rid}" {who}><w:r><w:delText xml:space="preserve">{text}</w:delText>'
            "</w:r></w:del>")


def cell(*paras: str, span: int = 1) -> str:
    tcpr = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{tcpr}{''.join(paras) or '<w:p/>'}</w:tc>"


def table(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in rows) + "</w:tbl>"


# ----------------------------------------------------------------- the fixtures

BASE_STYLES = (
    style("Normal", "Normal", default=True)
    + style("Heading1", "heading 1", '<w:outlineLvl w:val="0"/>', "Normal")
    + style("Heading2", "heading 2", '<w:outlineLvl w:val="1"/>', "Normal")
    + style("Title", "Title", "", "Normal")
)


def numbering_fixture() -> bytes:
    numbering = (
        # 1: legal outline 1. / 1.1 / (a) / (i)
        '<w:abstractNum w:abstractNumId="10">'
        + lvl(0, "decimal", "%1.") + lvl(1, "decimal", "%1.%2") + lvl(2, "lowerLetter", "(%3)")
        + lvl(3, "lowerRoman", "(%4)") + "</w:abstractNum>"
        # 2: articles, space after the label
        + '<w:abstractNum w:abstractNumId="20">'
        + lvl(0, "upperRoman", "Article %1", extra='<w:suff w:val="space"/>')
        + lvl(1, "decimal", "Section %1.%2", extra='<w:isLgl/><w:suff w:val="space"/>') + "</w:abstractNum>"
        # 3: bullets (Symbol font glyph)
        + '<w:abstractNum w:abstractNumId="30">' + lvl(0, "bullet", "\uf0b7") + "</w:abstractNum>"
        # 4: attached to a paragraph style through basedOn (Schedule numbering)
        + '<w:abstractNum w:abstractNumId="40">'
        + lvl(0, "upperLetter", "Schedule %1", extra='<w:pStyle w:val="ScheduleTitle"/><w:suff w:val="space"/>')
        + "</w:abstractNum>"
        + '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>'
        + '<w:num w:numId="3"><w:abstractNumId w:val="30"/></w:num>'
        + '<w:num w:numId="4"><w:abstractNumId w:val="40"/></w:num>'
        # 5: same outline as 1, restarted at 1 for a second list
        + '<w:num w:numId="5"><w:abstractNumId w:val="10"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        # 6: same outline as 1, continues its numbering (no override)
        + '<w:num w:numId="6"><w:abstractNumId w:val="10"/></w:num>'
        # 7: a list whose first item is on level 2 (Word shows "0.1")
        + '<w:abstractNum w:abstractNumId="50">' + lvl(0, "decimal", "%1.") + lvl(1, "decimal", "%1.%2")
        + "</w:abstractNum>" + '<w:num w:numId="7"><w:abstractNumId w:val="50"/></w:num>'
    )
    styles = BASE_STYLES + style("ScheduleBase", "Schedule Base",
                                 '<w:numPr><w:numId w:val="4"/></w:numPr>', "Normal") \
        + style("ScheduleTitle", "Schedule Title", "", "ScheduleBase")
    body = (
        p("Patent License Agreement", style="Title")
        + p("Definitions", num=(1, 0))
        + p("\u201cLicensed Patents\u201d means the patents listed in Schedule A.", num=(1, 1))
        + p("\u201cField\u201d means diagnostics.", num=(1, 1))
        + p("human diagnostics;", num=(1, 2))
        + p("veterinary diagnostics, including:", num=(1, 2))
        + p("companion animals; and", num=(1, 3))
        + p("livestock.", num=(1, 3))
        + p("License Grant", num=(1, 0))
        + p("Licensor grants Licensee a non-exclusive license.", num=(1, 1))
        + p("Royalties", num=(6, 0))
        + p("Governance", num=(2, 0))
        + p("The parties form a steering committee.", num=(2, 1))
        + p("Each party appoints two members.", num=(2, 1))
        + p("Termination", num=(2, 0))
        + p("Either party may terminate for material breach.", num=(2, 1))
        + p("Key obligations:")
        + p("deliver the know-how;", num=(3, 0))
        + p("maintain the patents.", num=(3, 0))
        + p("A second list restarts at one", num=(5, 0))
        + p("with its own sub-clause.", num=(5, 1))
        + p("Licensed Patents", style="ScheduleTitle")
        + p("Improvements", style="ScheduleTitle")
        + p("Not numbered although styled", style="ScheduleTitle",
            extra_ppr='<w:numPr><w:numId w:val="0"/></w:numPr>')
        + p("Signatures", style="Heading1")
        + p("Sub-item before any item", num=(7, 1))
        + p("First item", num=(7, 0))
    )
    return package(body, styles=styles, numbering=numbering)


def redline_fixture() -> bytes:
    body = (
        p("Confidentiality", style="Heading1")
        + p(t("The Recipient shall keep the information confidential for "), dele("three", 1),
            ins("five", 2), t(" years"), ins(" after termination", 3, REV2), t("."))
        + p(t("Move me: "), f'<w:moveFrom w:id="4" {REV}>{t("[old place]")}</w:moveFrom>',
            t(" text stays."))
        + p(t("Moved here: "), f'<w:moveTo w:id="5" {REV}>{t("[old place]")}</w:moveTo>')
        # A whole paragraph deleted, mark included: it disappears.
        + f'<w:p><w:pPr><w:rPr><w:del w:id="6" {REV}/></w:rPr></w:pPr>{dele("This sentence is struck out.", 7)}</w:p>'
        # A paragraph mark deleted with text left: the paragraph runs on into the next one.
        + f'<w:p><w:pPr><w:rPr><w:del w:id="8" {REV2}/></w:rPr></w:pPr>{t("First half,")}</w:p>'
        + p(t(" second half joined."))
        # A wholly inserted paragraph.
        + f'<w:p><w:pPr><w:rPr><w:ins w:id="9" {REV2}/></w:rPr></w:pPr>{ins("A new paragraph.", 10, REV2)}</w:p>'
        + table([cell(p("Kept row")), cell(p("yes"))],
                [f'<w:trPr><w:del w:id="11" {REV}/></w:trPr>'
                 f'<w:tc>{p(dele("Deleted row", 12))}</w:tc><w:tc>{p(dele("gone", 13))}</w:tc>'],
                [cell(p("Last row")), cell(p(ins("added", 14)))])
        + p(t("Fields and links: see "),
            '<w:hyperlink r:id="rIdX"><w:r><w:t>the website</w:t></w:r></w:hyperlink>',
            '<w:r><w:tab/></w:r>', t("end"), '<w:r><w:noBreakHyphen/></w:r>', t("line"),
            '<w:r><w:br/></w:r>', t("next line"), '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>')
    )
    return package(body, styles=BASE_STYLES)


def comments_notes_fixture() -> bytes:
    body = (
        p("Warranty", style="Heading1")
        + p(t("Licensor warrants "), '<w:commentRangeStart w:id="0"/>', t("that the Software performs"),
            t(" as documented"), '<w:commentRangeEnd w:id="0"/>',
            '<w:r><w:commentReference w:id="0"/></w:r>',
            t(" for ninety days."), '<w:r><w:footnoteReference w:id="2"/></w:r>')
        + p(t("Liability is capped"), '<w:commentRangeStart w:id="1"/>', t(" at the fees paid."))
        + p(t("Consequential damages are excluded."), '<w:commentRangeEnd w:id="1"/>',
            '<w:r><w:commentReference w:id="1"/></w:r>', '<w:r><w:endnoteReference w:id="1"/></w:r>')
        + p(t("Notices must be in writing."), '<w:r><w:footnoteReference w:id="3"/></w:r>')
    )
    comments = (
        '<w:comment w:id="0" w:author="Alice Counsel" w:date="2024-03-01T10:00:00Z" w:initials="AC">'
        + p("Which documentation version?") + "</w:comment>"
        + '<w:comment w:id="1" w:author="Bob Licensee" w:date="2024-03-02T10:00:00Z" w:initials="BL">'
        + p("Cap too low.") + p("Ask for 2x fees.") + "</w:comment>"
    )
    note_ref = '<w:r><w:footnoteRef/></w:r>'
    footnotes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote>"
        f'<w:footnote w:id="2">{p(note_ref, t(" Measured from delivery."))}</w:footnote>'
        f'<w:footnote w:id="3">{p(note_ref, t(" Email counts as writing."))}'
        f'{p(t("Second paragraph of the note."))}</w:footnote>'
    )
    endnotes = f'<w:endnote w:id="1">{p("<w:r><w:endnoteRef/></w:r>", t(" Subject to Section 9."))}</w:endnote>'
    return package(body, styles=BASE_STYLES, comments=comments, footnotes=footnotes,
                   endnotes=endnotes, header1=p("CONFIDENTIAL DRAFT HEADER"),
                   footer1=p("Page footer text"))


def tables_pages_fixture() -> bytes:
    nested = table([cell(p("inner A")), cell(p("inner B"))])
    body = (
        p("Schedule of Fees", style="Heading1")
        + table(
            [cell(p("Item")), cell(p("Fee")), cell(p("Due"))],
            [cell(p("Upfront"), p("non-refundable")), cell(p("$100,000")), cell(p("On signing"))],
            [cell(p("Royalty"), span=2), cell(p("Quarterly"))],
            [cell(p("Nested"), nested), cell(), cell(p("n/a"))],
        )
        + p("Text after the table.")
        + f'<w:sdt><w:sdtPr><w:alias w:val="Party"/></w:sdtPr><w:sdtContent>{p("Content control paragraph.")}'
        "</w:sdtContent></w:sdt>"
        + p(t("Before the break."), '<w:r><w:br w:type="page"/></w:r>', t("After the break on page two."))
        + p("Page three starts here.", extra_ppr="<w:pageBreakBefore/>")
        + table([cell(), cell(p("RECIPIENT"))], [cell(p("Name")), cell()])
    )
    return package(body, styles=BASE_STYLES)


def pydocx_fixture() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.author = "fixture"
    d.add_paragraph("Software License Agreement", style="Title")
    d.add_heading("Definitions", level=1)
    d.add_paragraph("First numbered definition.", style="List Number")
    d.add_paragraph("Second numbered definition.", style="List Number")
    d.add_paragraph("A bullet point.", style="List Bullet")
    d.add_heading("Scope", level=2)
    para = d.add_paragraph("The licence covers object code only.")
    d.add_comment(para.runs, text="Source code too?", author="Alice Counsel", initials="AC")
    tbl = d.add_table(rows=2, cols=2)
    for r, row in enumerate([("Party", "Role"), ("Acme", "Licensor")]):
        for c, value in enumerate(row):
            tbl.cell(r, c).text = value
    d.sections[0].header.paragraphs[0].text = "HEADER MUST NOT APPEAR"
    d.sections[0].footer.paragraphs[0].text = "FOOTER MUST NOT APPEAR"
    buf = io.BytesIO()
    d.save(buf)
    # Rewrite with fixed timestamps and a fixed core.xml so that rebuilding is stable.
    src = zipfile.ZipFile(buf)
    files = {}
    for name in src.namelist():
        data = src.read(name)
        if name == "docProps/core.xml":
            import re

            data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
        files[name] = data
    return zip_bytes(files)


FIXTURES = {
    "numbering.docx": numbering_fixture,
    "redline.docx": redline_fixture,
    "comments_notes.docx": comments_notes_fixture,
    "tables_pages.docx": tables_pages_fixture,
    "pydocx_basic.docx": pydocx_fixture,
}


def main() -> None:
    SOURCES.mkdir(parents=True, exist_ok=True)
    for name, build in FIXTURES.items():
        (SOURCES / name).write_bytes(build())
        print("wrote", SOURCES / name)


if __name__ == "__main__":
    main()
