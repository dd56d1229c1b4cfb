"""OOXML helpers for writing into an existing DOCX: the offset map and element edits.

``map_docx_text`` walks the body exactly as the DOCX parser does (it reuses
``analyzer.ooxml.body.BodyWalker``) and records, for every element that puts text
into the canonical text (``w:t``, ``w:tab``, ``w:br``...), the ``[start, end)``
range it produced. With that map a span of ``Report.text`` becomes a list of
elements and character offsets inside them, ready to be cut out with
``isolate``. List labels and separators have no element: they are drawn by
Word, not stored, and cannot be edited.

The package being rewritten is an ``analyzer.ooxml.editable.EditablePackage``.
"""

from __future__ import annotations

import copy
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from analyzer.core.text_builder import TextBuilder
from analyzer.ooxml.body import BodyWalker
from analyzer.ooxml.numbering import ListCounter, Numbering, Styles, W, wattr

W_NS = W[1:-1]
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_CHILDREN = {W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen", "sym",
                                  "footnoteReference", "endnoteReference")}
_TRACKED_CONTAINERS = (W + "ins", W + "moveTo")


@dataclass
class Segment:
    """One element's contribution to the canonical text."""

    start: int
    end: int
    el: etree._Element
    exact: bool = True  # the element's text is exactly text[start:end] (no normalisation)


@dataclass
class ParaSpan:
    p: etree._Element
    start: int
    end: int


@dataclass
class TextMap:
    text: str
    segments: list[Segment] = field(default_factory=list)
    paragraphs: list[ParaSpan] = field(default_factory=list)

    def __post_init__(self):
        self.reindex()

    def reindex(self) -> None:
        self.segments.sort(key=lambda s: s.start)
        self.paragraphs.sort(key=lambda p: p.start)
        self._starts = [s.start for s in self.segments]
        self._para_starts = [p.start for p in self.paragraphs]

    def overlapping(self, start: int, end: int) -> list[Segment]:
        """Segments that intersect ``[start, end)``, in text order."""
        i = max(0, bisect_right(self._starts, start) - 1)
        out = []
        while i < len(self.segments) and self.segments[i].start < end:
            s = self.segments[i]
            if s.end > start:
                out.append(s)
            i += 1
        return out

    def paragraph_at(self, offset: int) -> Optional[ParaSpan]:
        """The last paragraph that starts at or before ``offset``."""
        i = bisect_right(self._para_starts, offset)
        return self.paragraphs[i - 1] if i else None


class _MappingWalker(BodyWalker):
    """``BodyWalker`` that also records which element produced which text."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.segments: list[Segment] = []
        self.paragraphs: list[ParaSpan] = []
        self._queue: Optional[list[etree._Element]] = None
        self._first: Optional[int] = -1  # start of the current paragraph's text; -1 outside

    def run(self, r):
        outer, self._queue = self._queue, [c for c in r if c.tag in _TEXT_CHILDREN]
        try:
            super().run(r)
        finally:
            self._queue = outer

    def paragraph(self, p):
        outer, self._first = self._first, None
        super().paragraph(p)
        if self._first not in (None, -1):
            self.paragraphs.append(ParaSpan(p, self._first, self.b.offset))
        self._first = outer

    def emit(self, text: str) -> None:
        el = self._take(text) if text and self._queue is not None else None
        sep, before = self._sep, self.b.offset
        super().emit(text)
        after = self.b.offset
        if after == before:
            return
        seplen = len(sep) if sep and not self._sep else 0
        start = before + seplen
        if self._first is None:
            self._first = start
        if el is None:
            return
        exact = el.tag != W + "t" or unicodedata.normalize("NFC", text) == text
        self.segments.append(Segment(start, after, el, exact and after - start == len(text)))

    def _take(self, text: str) -> Optional[etree._Element]:
        q = self._queue
        while q:
            el = q.pop(0)
            if _matches(el, text):
                return el
        return None


def _matches(el: etree._Element, text: str) -> bool:
    tag = el.tag
    if tag == W + "t":
        return (el.text or "") == text
    if tag in (W + "tab", W + "ptab"):
        return text == "\t"
    if tag in (W + "br", W + "cr"):
        return text == "\n"
    if tag == W + "noBreakHyphen":
        return text == "-"
    if tag in (W + "footnoteReference", W + "endnoteReference"):
        return text.startswith("[")
    return tag == W + "sym"


def map_docx_text(document: etree._Element, styles_root, numbering_root) -> TextMap:
    """Walk ``document`` (the parsed main part) like the DOCX parser and map its text."""
    body = document.find(W + "body")
    styles = Styles(styles_root)
    numbering = Numbering(numbering_root, styles)
    rendered = body.find(f".//{W}lastRenderedPageBreak") is not None
    walker = _MappingWalker(TextBuilder("map"), styles, ListCounter(numbering), rendered_pages=rendered)
    walker.blocks(body)
    walker.flush_merge()
    tm = TextMap(walker.b.text(), walker.segments, walker.paragraphs)
    tm.reindex()
    return tm


# --------------------------------------------------------------------------- element edits

def make_run(rpr: Optional[etree._Element], text: str = "") -> etree._Element:
    """A ``w:r`` with a copy of ``rpr`` and ``text`` (tabs become ``w:tab``)."""
    r = etree.Element(W + "r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    for i, piece in enumerate(text.split("\t")):
        if i:
            etree.SubElement(r, W + "tab")
        if piece:
            t = etree.SubElement(r, W + "t")
            t.text = piece
            t.set(XML_SPACE, "preserve")
    return r


def isolate(el: etree._Element, a: int, b: int) -> etree._Element:
    """Split the run around ``el`` so that a new run holds exactly chars ``[a, b)`` of it.

    The original run keeps what comes before (so earlier offsets stay valid);
    the rest goes into new runs after it, with copies of the run properties.
    Returns the middle run.
    """
    r = el.getparent()
    rpr = r.find(W + "rPr")
    children = [c for c in r if c.tag != W + "rPr"]
    idx = children.index(el)
    after = children[idx + 1:]
    text = el.text or "" if el.tag == W + "t" else None
    for c in after:
        r.remove(c)
    mid_el = copy.deepcopy(el)
    post_el = None
    if text is not None:
        mid_el.text = text[a:b]
        mid_el.set(XML_SPACE, "preserve")
        if text[b:]:
            post_el = copy.deepcopy(el)
            post_el.text = text[b:]
            post_el.set(XML_SPACE, "preserve")
        if text[:a]:
            el.text = text[:a]
            el.set(XML_SPACE, "preserve")
        else:
            r.remove(el)
    else:
        r.remove(el)
    mid = etree.Element(W + "r")
    if rpr is not None:
        mid.append(copy.deepcopy(rpr))
    mid.append(mid_el)
    r.addnext(mid)
    rest = ([post_el] if post_el is not None else []) + after
    if rest:
        tail = etree.Element(W + "r")
        if rpr is not None:
            tail.append(copy.deepcopy(rpr))
        for c in rest:
            tail.append(c)
        mid.addnext(tail)
    if not [c for c in r if c.tag != W + "rPr"]:
        r.getparent().remove(r)
    return mid


def revision(tag: str, rid: int, author: str, date: str) -> etree._Element:
    el = etree.Element(W + tag)
    el.set(W + "id", str(rid))
    el.set(W + "author", author)
    el.set(W + "date", date)
    return el


def wrap_deleted(run: etree._Element, rid: int, author: str, date: str) -> etree._Element:
    """Wrap ``run`` in a ``w:del``; its ``w:t`` become ``w:delText``."""
    d = revision("del", rid, author, date)
    run.addprevious(d)
    d.append(run)
    for t in run.iter(W + "t"):
        t.tag = W + "delText"
    return d


def place_after(node: etree._Element, new: etree._Element, next_id) -> None:
    """Put ``new`` right after ``node``, outside any other author's ``w:ins`` around it.

    That insertion is split in two (the second half gets the id ``next_id()``)
    so the text keeps its order and our change is not nested in theirs.
    """
    parent = node.getparent()
    if parent.tag in _TRACKED_CONTAINERS:
        rest = list(node.itersiblings())
        if rest:
            clone = etree.Element(parent.tag, dict(parent.attrib))
            clone.set(W + "id", str(next_id()))
            for c in rest:
                clone.append(c)
            parent.addnext(clone)
        parent.addnext(new)
        return
    node.addnext(new)


def max_revision_id(*roots) -> int:
    """Largest numeric ``w:id`` in the given trees (revisions, comments, bookmarks)."""
    best = 0
    for root in roots:
        if root is None:
            continue
        for el in root.iter():
            v = el.get(W + "id")
            if v is not None and v.lstrip("-").isdigit():
                best = max(best, int(v))
    return best


def numbering_indent(numbering_root, num_id: Optional[str], ilvl: int) -> Optional[str]:
    """``w:ind/@w:left`` of a list level, to indent a paragraph like the list's text."""
    if numbering_root is None or num_id is None:
        return None
    for num in numbering_root.iter(W + "num"):
        if num.get(W + "numId") == num_id:
            aid = wattr(num.find(W + "abstractNumId"))
            break
    else:
        return None
    for an in numbering_root.iter(W + "abstractNum"):
        if an.get(W + "abstractNumId") == aid:
            for lvl in an.findall(W + "lvl"):
                if lvl.get(W + "ilvl") == str(ilvl):
                    ind = lvl.find(f"{W}pPr/{W}ind")
                    if ind is not None:
                        return ind.get(W + "left") or ind.get(W + "start")
    return None
