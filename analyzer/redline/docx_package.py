"""The document the redline writer edits: its parts, comments, settings, new paragraphs.

``open_docx`` reads an existing package (validated by the same safety checks as
the DOCX parser); ``clean_docx`` builds a plain DOCX from a PDF/TXT report, one
paragraph per line, with an offset map that indexes ``Report.text`` directly.
Either way the parts live in an ``analyzer.ooxml.editable.EditablePackage``;
``RedlineDocument`` holds the parsed main part, styles, numbering and comments
from it. ``verify_docx`` reads a written package back with ``analyzer.ingest.parse``.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import posixpath
import re
from typing import Callable, Optional

from lxml import etree

from analyzer.core.errors import (
    AnalyzerError,
    DocumentError,
    EmptyDocument,
    NoText,
    TooLarge,
    escape_name,
    one_line,
)
from analyzer.core.schema import Report
from analyzer.core.settings import Limits
from analyzer.ooxml.editable import EditablePackage
from analyzer.ooxml.numbering import Styles, wattr
from analyzer.ooxml.package import open_package
from analyzer.ooxml.text_map import (
    ParaSpan,
    Segment,
    TextMap,
    W,
    make_run,
    numbering_indent,
    revision,
)
from analyzer.structure.headings import HeadingIndex

_CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
# Children of w:pPr in schema order (CT_PPrBase, then rPr, sectPr, pPrChange).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
# Children of w:settings that come before w:trackRevisions.
_BEFORE_TRACK = {"writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                 "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                 "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
                 "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
                 "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
                 "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
                 "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
                 "revisionView"}
_DROP_FROM_PPR = {"sectPr", "rPr", "numPr", "pageBreakBefore", "framePr", "pPrChange", "keepNext", "outlineLvl"}
_DROP_FROM_RPR = {"b", "bCs", "rStyle", "vanish", "specVanish", "webHidden", "ins", "del", "rPrChange",
                  "moveFrom", "moveTo"}
_TEXT_PIECE = re.compile(r"\t|[^\t\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")


class RedlineDocument:
    """The document being redlined: parsed main part, styles, numbering and comments of ``package``.

    ``read`` loads the styles and numbering parts, which are only read (by
    default from ``package``; ``open_docx`` reads them exactly as the DOCX parser
    does, so the offset map matches the parsed text). Edits go into the trees of
    ``package``, which ``to_bytes`` writes.
    """

    def __init__(self, package: EditablePackage, related: dict[str, Optional[str]],
                 read: Optional[Callable[[str], Optional[etree._Element]]] = None):
        read = read or package.xml
        self.package = package
        self.main = package.main_part
        self.document = package.xml(self.main)
        self.body = self.document.find(W + "body")
        self.styles = read(related["styles"]) if related.get("styles") else None
        self.numbering = read(related["numbering"]) if related.get("numbering") else None
        self.comments_part = related.get("comments") if package.has(related.get("comments") or "") else None
        self.comments = package.xml(self.comments_part) if self.comments_part else None
        self.settings_part = related.get("settings") if package.has(related.get("settings") or "") else None
        self._style_obj = Styles(self.styles)

    def has_style(self, style_id: str) -> bool:
        return style_id in self._style_obj.by_id

    def style_obj(self) -> Styles:
        return self._style_obj

    def to_bytes(self) -> bytes:
        return self.package.to_bytes()


def open_docx(data: bytes, name: str) -> RedlineDocument:
    """Validate the package (typed errors for bad input) and load the parts we edit.

    Only the parts a DOCX needs are kept, without DTDs or macros (``EditablePackage``).
    The related parts are found as the DOCX parser finds them, in the package as read.
    """
    source = open_package(data, name, Limits.from_env())
    main = source.main_part
    related = {k: source.related(main, "/" + k, posixpath.join(posixpath.dirname(main), k + ".xml"))
               for k in ("styles", "numbering", "comments", "settings")}
    package = EditablePackage(source)
    return RedlineDocument(package, related,
                           read=lambda part: package.xml(part) if package.has(part) else package.member_xml(part))


def verify_docx(data: bytes, name: str) -> None:
    """Check that a written package opens again, in python-docx and in the DOCX parser.

    Raises a one-line ``AnalyzerError`` naming ``name`` and the reason. A package
    that opens but whose accepted text is empty (every line deleted) or over the
    page/character limits for input still passes.
    """
    import docx

    from analyzer.ingest import parse

    try:
        docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx reports a broken package with many exception types
        raise AnalyzerError(f"{escape_name(name)}: the redlined DOCX does not open in python-docx "
                            f"({one_line(f'{type(exc).__name__}: {exc}')})") from None
    # The package was built here, in memory: its size is known, so the zip-bomb limits
    # that protect reading untrusted input are relaxed to that size.
    limits = dataclasses.replace(Limits.from_env(), max_unzipped_bytes=max(len(data) * 1100, 1 << 20),
                                 max_zip_ratio=1100)
    try:
        parse(data, filename=name, limits=limits)
    except (NoText, EmptyDocument, TooLarge):
        pass
    except DocumentError as exc:
        raise AnalyzerError(f"{escape_name(name)}: the redlined DOCX does not read back "
                            f"({one_line(exc.detail or exc.reason)})") from None


def _free_name(pkg: RedlineDocument, stem: str) -> str:
    """``stem.xml`` next to the main part, numbered when a kept part already has that name."""
    folder = posixpath.dirname(pkg.main)
    taken = {n.lower() for n in (*pkg.package.trees, *pkg.package.data)}
    name, n = posixpath.join(folder, f"{stem}.xml"), 1
    while name.lower() in taken:
        n += 1
        name = posixpath.join(folder, f"{stem}{n}.xml")
    return name


def ensure_comments_part(pkg: RedlineDocument) -> etree._Element:
    if pkg.comments is None:
        pkg.comments = etree.Element(W + "comments", nsmap={"w": W[1:-1]})
        pkg.comments_part = _free_name(pkg, "comments")
        pkg.package.add_part(pkg.comments_part, pkg.comments, "comments", f"{_CT_WML}.comments+xml")
    return pkg.comments


def ensure_track_revisions(pkg: RedlineDocument) -> None:
    """Switch on Track Changes so further edits in Word are tracked too."""
    if pkg.settings_part and pkg.package.has(pkg.settings_part):
        settings = pkg.package.xml(pkg.settings_part)
    else:
        settings = etree.Element(W + "settings", nsmap={"w": W[1:-1]})
        pkg.settings_part = _free_name(pkg, "settings")
        pkg.package.add_part(pkg.settings_part, settings, "settings", f"{_CT_WML}.settings+xml")
    if settings.find(W + "trackRevisions") is not None:
        return
    track = etree.Element(W + "trackRevisions")
    index = 0
    for i, child in enumerate(settings):
        if isinstance(child.tag, str) and etree.QName(child).localname in _BEFORE_TRACK:
            index = i + 1
    settings.insert(index, track)


# --------------------------------------------------------------------------- new paragraphs

def _set_ordered(ppr: etree._Element, child: etree._Element) -> None:
    name = etree.QName(child).localname
    rank = _PPR_ORDER.index(name)
    old = ppr.find(W + name)
    if old is not None:
        ppr.remove(old)
    for i, c in enumerate(ppr):
        if isinstance(c.tag, str) and etree.QName(c).localname in _PPR_ORDER and \
                _PPR_ORDER.index(etree.QName(c).localname) > rank:
            ppr.insert(i, child)
            return
    ppr.append(child)


def new_paragraph(pkg: RedlineDocument, template: Optional[etree._Element], text: str, next_id, author: str,
                  date: str) -> etree._Element:
    """A paragraph whose mark and text are tracked insertions, formatted like ``template``.

    The template's list numbering is not copied (numbering would renumber the
    following clauses); the paragraph is indented like the list's text instead.
    """
    p = etree.Element(W + "p")
    ppr = etree.SubElement(p, W + "pPr")
    run_rpr = None
    if template is not None:
        old = template.find(W + "pPr")
        styles = pkg.style_obj()
        style_id = wattr(old.find(W + "pStyle")) if old is not None else None
        numpr = old.find(W + "numPr") if old is not None else None
        num_id = wattr(numpr.find(W + "numId")) if numpr is not None else None
        ilvl = wattr(numpr.find(W + "ilvl")) if numpr is not None else None
        if num_id is None:
            num_id, lvl = styles.numbering(style_id)
            ilvl = str(lvl) if lvl is not None else ilvl
        if old is not None:
            for c in old:
                if isinstance(c.tag, str) and etree.QName(c).localname not in _DROP_FROM_PPR:
                    ppr.append(copy.deepcopy(c))
        heading = styles.outline_level(style_id) is not None
        if heading and ppr.find(W + "pStyle") is not None:
            ppr.remove(ppr.find(W + "pStyle"))
        if num_id not in (None, "0"):
            if not heading and styles.numbering(style_id)[0] not in (None, "0"):
                off = etree.Element(W + "numPr")
                etree.SubElement(off, W + "ilvl").set(W + "val", "0")
                etree.SubElement(off, W + "numId").set(W + "val", "0")
                _set_ordered(ppr, off)
            left = numbering_indent(pkg.numbering, num_id, int(ilvl or 0))
            if left and not heading:
                ind = etree.Element(W + "ind")
                ind.set(W + "left", left)
                _set_ordered(ppr, ind)
        run_rpr = _template_rpr(template)
    mark = etree.Element(W + "rPr")
    mark.append(revision("ins", next_id(), author, date))
    _set_ordered(ppr, mark)
    ins = revision("ins", next_id(), author, date)
    ins.append(make_run(run_rpr, text))
    p.append(ins)
    return p


def _template_rpr(p: etree._Element) -> Optional[etree._Element]:
    """Run properties of the paragraph's last visible text run, minus emphasis and revision marks."""
    runs = [r for r in p.iter(W + "r") if r.find(W + "t") is not None
            and not any(a.tag in (W + "del", W + "moveFrom") for a in r.iterancestors())]
    if not runs or runs[-1].find(W + "rPr") is None:
        return None
    rpr = copy.deepcopy(runs[-1].find(W + "rPr"))
    for c in list(rpr):
        if isinstance(c.tag, str) and etree.QName(c).localname in _DROP_FROM_RPR:
            rpr.remove(c)
    return rpr if len(rpr) else None


# --------------------------------------------------------------------------- PDF / TXT

def clean_docx(report: Report) -> tuple[RedlineDocument, TextMap]:
    """A plain DOCX of ``report.text`` (one paragraph per non-blank line) and its offset map."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    package = EditablePackage.from_bytes(buf.getvalue(), "<blank document>", Limits.from_env())
    related = {k: f"word/{k}.xml" if package.has(f"word/{k}.xml") else None
               for k in ("styles", "numbering", "comments", "settings")}
    pkg = RedlineDocument(package, related)
    body = pkg.body
    for child in list(body):
        if child.tag != W + "sectPr":
            body.remove(child)
    sect = body.find(W + "sectPr")
    headings = HeadingIndex(report.text, report.clauses).heading_line_starts(report.blocks)
    segments, paragraphs = [], []
    pos = 0
    for line in report.text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        p = etree.Element(W + "p")
        bold = start in headings
        for m in _TEXT_PIECE.finditer(line):
            r = make_run(_bold_rpr() if bold else None, m.group(0))
            el = r[-1]
            p.append(r)
            segments.append(Segment(start + m.start(), start + m.end(), el))
        if len(p):
            paragraphs.append(ParaSpan(p, start, start + len(line.rstrip("\r"))))
            if sect is not None:
                sect.addprevious(p)
            else:
                body.append(p)
    tm = TextMap(report.text, segments, paragraphs)
    tm.reindex()
    return pkg, tm


def _bold_rpr() -> etree._Element:
    rpr = etree.Element(W + "rPr")
    etree.SubElement(rpr, W + "b")
    return rpr
