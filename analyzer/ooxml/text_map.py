"""OOXML helpers for writing into an existing DOCX: offset map, run splitting, packages.

``map_docx_text`` walks the body exactly as the DOCX parser does (it reuses
``parsers.docx_body.BodyWalker``) and records, for every element that puts text
into the canonical text (``w:t``, ``w:tab``, ``w:br``...), the ``[start, end)``
range it produced. With that map a span of ``Report.text`` becomes a list of
elements and character offsets inside them, ready to be cut out with
``isolate``. List labels and separators have no element: they are drawn by
Word, not stored, and cannot be edited.

``ZipParts`` holds the package being rewritten: only the parts a DOCX needs,
every XML part re-serialised without a DTD, no macros (see its docstring).
"""

from __future__ import annotations

import copy
import io
import posixpath
import unicodedata
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import unquote

from lxml import etree

from analyzer.core.errors import Corrupt, DocumentError
from analyzer.core.text_builder import TextBuilder
from analyzer.ooxml.body import BodyWalker
from analyzer.ooxml.numbering import ListCounter, Numbering, Styles, W, wattr
from analyzer.ooxml.package import remove_keeping_tail

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

    def segment_at_or_after(self, offset: int) -> Optional[Segment]:
        i = max(0, bisect_right(self._starts, offset) - 1)
        for s in self.segments[i:]:
            if s.end > offset or s.start >= offset:
                return s
        return None

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
        self._queue = [c for c in r if c.tag in _TEXT_CHILDREN]
        try:
            super().run(r)
        finally:
            self._queue = None

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


# --------------------------------------------------------------------------- packages

CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS_CONTENT_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
OFFICE_DOCUMENT_REL = OFFICE_REL_NS + "/officeDocument"
# Relationship types (matched on the end of the type URI, case-insensitively) whose
# targets hold or load executable content: VBA projects with their data and
# signatures, macro key bindings and toolbars, ribbon customisations, ActiveX
# controls, and an attached template (possibly remote and macro-enabled).
CODE_REL_SUFFIXES = ("/vbaproject", "/wordvbadata", "/vbaprojectsignature", "/vbaprojectsignatureagile",
                     "/vbaprojectsignaturev3", "/keymapcustomizations", "/attachedtoolbars", "/ui/extensibility",
                     "/control", "/activexcontrolbinary", "/attachedtemplate")
# Content-type fragments (lower case) of parts that hold or enable macros.
CODE_CONTENT_TYPES = ("vbaproject", "vbadata", "macroenabled", "activex", "keymapcustomizations",
                      "attachedtoolbars")
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def safe_part_name(name: str) -> bool:
    """A zip member name that cannot escape the package folder or collide on extraction."""
    if not name or len(name) > 1024 or name.startswith("/") or name.endswith("/") or "\\" in name:
        return False
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in name) or ":" in name.split("/", 1)[0]:
        return False
    return all(seg not in ("", ".", "..") for seg in name.split("/"))


def rels_part_of(source: str) -> str:
    """Name of the relationships part of ``source`` (``""`` is the package itself)."""
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


def _is_code_rel(rel_type: str) -> bool:
    return rel_type.lower().rstrip("/").endswith(CODE_REL_SUFFIXES)


def _is_code_part(name: str, content_type: Optional[str]) -> bool:
    base = posixpath.basename(name).lower()
    if base.startswith(("vbaproject", "vbadata")) or "activex/" in name.lower():
        return True
    return content_type is not None and any(c in content_type.lower() for c in CODE_CONTENT_TYPES)


def _ext(name: str) -> str:
    """Extension of a part name, lower case, as ``[Content_Types].xml`` Defaults match it."""
    base = posixpath.basename(name)
    return base.rsplit(".", 1)[1].lower() if "." in base else ""


def _is_xml(name: str, content_type: Optional[str]) -> bool:
    ct = (content_type or "").lower().split(";")[0].strip()
    return ct.endswith("xml") or name.lower().endswith((".xml", ".rels"))


class ZipParts:
    """The parts of a DOCX that Word needs, cleaned for rewriting.

    Kept: the parts reachable through internal relationships from the package
    root (``_rels/.rels`` → main document → its relationships, recursively),
    with safe member names (``safe_part_name``), a content type, and, for XML
    parts, XML that parses. Dropped: every other member (unreferenced files,
    ``../`` names, duplicates that differ only in case), macros and other
    executable content (``CODE_REL_SUFFIXES``, ``CODE_CONTENT_TYPES``) with their
    relationships and the elements that point at them, and relationships whose
    target was dropped. Every XML part is held parsed (DTD entities already
    removed by the hardened parser) and re-serialised without a DTD;
    ``[Content_Types].xml`` is rebuilt for the parts written, with the main
    document typed as a plain ``.docx`` document.
    """

    def __init__(self, safe):
        self.name = safe.name
        self.main = safe.main_part
        self._safe = safe
        self._zip_names = set(safe.zf.namelist())
        self._dates = {i.filename: i.date_time for i in safe.zf.infolist()}
        self._order = {n: i for i, n in enumerate(safe.zf.namelist())}
        self.defaults, self._overrides = self._read_content_types()
        self.trees: dict[str, etree._Element] = {}
        self.data: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self._lower: dict[str, str] = {CONTENT_TYPES.lower(): CONTENT_TYPES}
        self._rejected: set[str] = set()
        if not self._accept(self.main, main=True):
            raise Corrupt(self.name, f"the main document part {self.main!r} cannot be rewritten safely")
        self._walk()

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "ZipParts":
        from analyzer.ingest import Limits
        from analyzer.ooxml.package import open_package

        return cls(open_package(data, name, Limits.from_env()))

    # ------------------------------------------------------------ reading
    def _read_content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        try:
            root = self._safe.xml(CONTENT_TYPES)
        except DocumentError:
            root = None
        if root is not None:
            for el in root.iter(f"{{{CT_NS}}}Default"):
                ext, ct = (el.get("Extension") or "").lower(), el.get("ContentType")
                if ext and ct and not _is_code_part("", ct):
                    defaults.setdefault(ext, ct)
            for el in root.iter(f"{{{CT_NS}}}Override"):
                part, ct = unquote(el.get("PartName") or "").lstrip("/").lower(), el.get("ContentType")
                if part and ct:
                    overrides.setdefault(part, ct)
        defaults["rels"] = RELS_CONTENT_TYPE
        defaults.setdefault("xml", "application/xml")
        return defaults, overrides

    def _content_type(self, name: str) -> Optional[str]:
        ct = self._overrides.get(name.lower())
        if ct is None:
            ct = self.defaults.get(_ext(name))
        return ct

    def _accept(self, name: str, main: bool = False) -> bool:
        """Load ``name`` as a kept part; False when it must be dropped."""
        if "/_rels/" in "/" + name or name.lower().endswith(".rels"):
            return False  # relationship parts belong to their source, never to a relationship
        if name in self.content_types:
            return True
        if name in self._rejected:
            return False
        if self._load(name, main):
            self._lower[name.lower()] = name
            return True
        self._rejected.add(name)
        return False

    def _load(self, name: str, main: bool) -> bool:
        if not safe_part_name(name) or name not in self._zip_names or name.lower() in self._lower:
            return False
        ct = MAIN_CONTENT_TYPE if main else self._content_type(name)
        if ct is None or (not main and _is_code_part(name, ct)):
            return False
        if _is_xml(name, ct):
            try:
                root = self._safe.xml(name)
            except DocumentError:
                if main:
                    raise
                return False
            if root is None:
                return False
            self.trees[name] = root
        else:
            self.data[name] = self._safe.read(name)
        self.content_types[name] = ct
        return True

    def _walk(self) -> None:
        queue = [""]
        seen = {""}
        package_rels = self._load_rels("")
        if package_rels is None:
            package_rels = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
            self.trees[rels_part_of("")] = package_rels
        while queue:
            source = queue.pop(0)
            rels = package_rels if source == "" else self._load_rels(source)
            if rels is None:
                continue
            dropped: set[str] = set()
            code: set[str] = set()
            main_seen = False
            for rel in list(rels):
                if not isinstance(rel.tag, str) or rel.tag != f"{{{REL_NS}}}Relationship":
                    rels.remove(rel)
                    continue
                rtype, rid = rel.get("Type") or "", rel.get("Id") or ""
                if _is_code_rel(rtype):
                    code.add(rid)
                    rels.remove(rel)
                    continue
                if (rel.get("TargetMode") or "").lower() == "external":
                    continue
                target = self._resolve(source, rel.get("Target") or "")
                if source == "" and rtype.lower().endswith("/officedocument"):
                    if target != self.main or main_seen:
                        dropped.add(rid)
                        rels.remove(rel)
                        continue
                    main_seen = True
                if target is None or not self._accept(target):
                    dropped.add(rid)
                    rels.remove(rel)
                    continue
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
            if source == "" and not main_seen:
                rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
                used = {r.get("Id") for r in rels}
                n = 1
                while f"rIdMain{n}" in used:
                    n += 1
                rel.set("Id", f"rIdMain{n}")
                rel.set("Type", OFFICE_DOCUMENT_REL)
                rel.set("Target", self.main)
                seen.add(self.main)
                queue.append(self.main)
            if code and source in self.trees:
                _drop_references(self.trees[source], code)
            if not len(rels) and source != "":
                del self.trees[rels_part_of(source)]

    def _load_rels(self, source: str) -> Optional[etree._Element]:
        name = rels_part_of(source)
        if name not in self._zip_names or not safe_part_name(name):
            return None
        try:
            root = self._safe.xml(name)
        except DocumentError:
            if source in ("", self.main):
                raise
            return None
        if root is None or root.tag != f"{{{REL_NS}}}Relationships":
            return None
        self.trees[name] = root
        self.content_types[name] = RELS_CONTENT_TYPE
        return root

    def _resolve(self, source: str, target: str) -> Optional[str]:
        """The zip member a relationship target names, or None when it is missing or unsafe."""
        target = target.split("#", 1)[0]
        if not target:
            return None
        folder = posixpath.dirname(source)
        for candidate in (target, unquote(target)):
            if "\\" in candidate:
                return None
            name = candidate.lstrip("/") if candidate.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, candidate))
            if not safe_part_name(name):
                return None
            if name in self._zip_names or name in self.content_types:
                return name
        return None

    # ------------------------------------------------------------ editing
    def has(self, name: str) -> bool:
        return name in self.trees or name in self.data

    def xml(self, name: str) -> Optional[etree._Element]:
        """The parsed part (the same tree on every call; edits are written by ``to_bytes``)."""
        return self.trees.get(name)

    def put_xml(self, name: str, root: etree._Element, content_type: Optional[str] = None) -> None:
        if not safe_part_name(name):
            raise ValueError(f"unsafe part name {name!r}")
        self.trees[name] = root
        if content_type is not None:
            self.content_types[name] = content_type
        elif name not in self.content_types:
            self.content_types[name] = self._content_type(name) or "application/xml"

    # ------------------------------------------------------------ writing
    def _content_types_xml(self) -> bytes:
        root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
        names = [n for n in self.content_types if self.has(n)]
        used_ext = {_ext(n) for n in names}
        for ext, ct in sorted(self.defaults.items()):
            if ext in used_ext or ext in ("rels", "xml"):
                el = etree.SubElement(root, f"{{{CT_NS}}}Default")
                el.set("Extension", ext)
                el.set("ContentType", ct)
        for name in names:
            ct = self.content_types[name]
            if ct != self.defaults.get(_ext(name)):
                el = etree.SubElement(root, f"{{{CT_NS}}}Override")
                el.set("PartName", "/" + name)
                el.set("ContentType", ct)
        return _serialise(root)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        names = sorted((n for n in set(self.trees) | set(self.data) if n != CONTENT_TYPES),
                       key=lambda n: (self._order.get(n, len(self._order)), n))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, payload in [(CONTENT_TYPES, self._content_types_xml())] + [
                    (n, _serialise(self.trees[n]) if n in self.trees else self.data[n]) for n in names]:
                info = zipfile.ZipInfo(name, date_time=self._dates.get(name, self._dates.get(self.main, _FIXED_DATE)))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16  # a plain file: no link or executable bits
                zf.writestr(info, payload)
        return buf.getvalue()


def _serialise(root: etree._Element) -> bytes:
    """The element as a standalone XML part: declaration, no DTD."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_references(root: etree._Element, rids: set[str]) -> None:
    """Remove the elements that point at a dropped relationship (an ActiveX control, an
    attached template); an element that holds runs of text only loses the attribute."""
    for el in list(root.iter(etree.Element)):
        keys = [k for k, v in el.attrib.items() if k.startswith(f"{{{OFFICE_REL_NS}}}") and v in rids]
        if not keys or el.getparent() is None:
            continue
        if el.tag != W + "r" and el.find(f".//{W}r") is None and el.find(f".//{W}t") is None:
            remove_keeping_tail(el)
        else:
            for k in keys:
                del el.attrib[k]
