"""A DOCX package held in memory for rewriting (``EditablePackage``).

The redline writer edits a copy of the input package: only the parts a DOCX
needs are kept, every XML part is re-serialised without a DTD, and macros and
other executable content are dropped (see ``EditablePackage``).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Optional
from urllib.parse import unquote

from lxml import etree

from analyzer.core.errors import Corrupt, DocumentError
from analyzer.ooxml.numbering import W
from analyzer.ooxml.package import Package, open_package, remove_keeping_tail

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


class EditablePackage(Package):
    """A DOCX package held in memory for rewriting: the parts Word needs, cleaned.

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

    ``has``/``read``/``xml``/``related`` see the kept parts (edits included);
    ``read_member``/``member_xml`` still read the source zip.
    """

    def __init__(self, source: Package):
        super().__init__(source.zf, source.name, source.main_part)
        self._dates = {i.filename: i.date_time for i in self.zf.infolist()}
        self._order = {n: i for i, n in enumerate(self.zf.namelist())}
        self.defaults, self._overrides = self._read_content_types()
        self.trees: dict[str, etree._Element] = {}
        self.data: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self._lower: dict[str, str] = {CONTENT_TYPES.lower(): CONTENT_TYPES}
        self._rejected: set[str] = set()
        if not self._accept(self.main_part, main=True):
            raise Corrupt(self.name, f"the main document part {self.main_part!r} cannot be rewritten safely")
        self._walk()

    @classmethod
    def from_bytes(cls, data: bytes, name: str, limits) -> "EditablePackage":
        """The parts of the package ``data``, checked against ``limits`` (sizes, ratio, pages)."""
        return cls(open_package(data, name, limits))

    # ------------------------------------------------------------ reading
    def _read_content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        try:
            root = self.member_xml(CONTENT_TYPES)
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
        if not safe_part_name(name) or name not in self._members or name.lower() in self._lower:
            return False
        ct = MAIN_CONTENT_TYPE if main else self._content_type(name)
        if ct is None or (not main and _is_code_part(name, ct)):
            return False
        if _is_xml(name, ct):
            try:
                root = self.member_xml(name)
            except DocumentError:
                if main:
                    raise
                return False
            if root is None:
                return False
            self.trees[name] = root
        else:
            self.data[name] = self.read_member(name)
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
                    if target != self.main_part or main_seen:
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
                rel.set("Target", self.main_part)
                seen.add(self.main_part)
                queue.append(self.main_part)
            if code and source in self.trees:
                _drop_references(self.trees[source], code)
            if not len(rels) and source != "":
                del self.trees[rels_part_of(source)]

    def _load_rels(self, source: str) -> Optional[etree._Element]:
        name = rels_part_of(source)
        if name not in self._members or not safe_part_name(name):
            return None
        try:
            root = self.member_xml(name)
        except DocumentError:
            if source in ("", self.main_part):
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
            if name in self._members or name in self.content_types:
                return name
        return None

    # ------------------------------------------------------------ editing
    def has(self, name: str) -> bool:
        return name in self.trees or name in self.data

    def read(self, name: str) -> bytes:
        """The bytes of a kept part (XML parts serialised as they stand now)."""
        if name in self.trees:
            return _serialise(self.trees[name])
        return self.data[name]

    def xml(self, name: str) -> Optional[etree._Element]:
        """The parsed part (the same tree on every call; edits are written by ``to_bytes``)."""
        return self.trees.get(name)

    def put_xml(self, name: str, root: etree._Element, content_type: Optional[str] = None) -> None:
        if not safe_part_name(name):
            raise ValueError(f"unsafe part name {name!r}")
        self.trees[name] = root
        self._rels_cache.clear()
        if content_type is not None:
            self.content_types[name] = content_type
        elif name not in self.content_types:
            self.content_types[name] = self._content_type(name) or "application/xml"

    def add_part(self, name: str, root: etree._Element, rel_type: str, content_type: str,
                 source: Optional[str] = None) -> None:
        """Add the XML part ``name`` with a relationship of type ``rel_type`` (e.g. "comments")
        from ``source`` (default: the main document part)."""
        source = self.main_part if source is None else source
        rels_name = rels_part_of(source)
        rels = self.xml(rels_name)
        if rels is None:
            rels = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
            self.put_xml(rels_name, rels, RELS_CONTENT_TYPE)
        used = {r.get("Id") for r in rels}
        n = 1
        while f"rIdCA{n}" in used:
            n += 1
        rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        rel.set("Id", f"rIdCA{n}")
        rel.set("Type", f"{OFFICE_REL_NS}/{rel_type}")
        rel.set("Target", posixpath.relpath(name, posixpath.dirname(source)))
        self.put_xml(name, root, content_type)

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
                info = zipfile.ZipInfo(name, date_time=self._dates.get(name, self._dates.get(self.main_part, _FIXED_DATE)))
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
