"""Open a DOCX package safely: zip checks before decompression, bounded reads, hardened XML.

Every failure becomes a typed ``DocumentError`` that names the file:

- not a zip, truncated, bad CRC, XML that does not parse → ``Corrupt``;
- declared uncompressed size or compression ratio over the limits → ``ZipBomb``
  (checked from the central directory, before anything is decompressed);
- a zip or OOXML package of another kind (xlsx, pptx, odt, plain zip) → ``UnsupportedFormat``;
- ``docProps/app.xml`` declaring more pages than allowed → ``TooLarge``.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import zipfile
import zlib
from typing import Optional

from lxml import etree

from analyzer.core.errors import (
    Corrupt,
    Encrypted,
    TooLarge,
    UnsupportedFormat,
    ZipBomb,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC_REL = "/officeDocument"
# Members smaller than this are not judged by their compression ratio alone:
# small, very repetitive XML parts legitimately compress well.
RATIO_FLOOR_BYTES = 1024 * 1024

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_blank_text=False)

_OTHER_PACKAGES = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx), not a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx), not a Word document"),
    ("visio/document.xml", "a Visio drawing (.vsdx), not a Word document"),
)


class Package:
    """The parts of a DOCX package, read from a validated zip.

    ``open_package`` builds one: bounded part reads, hardened XML parsing,
    relationship lookup. ``has``/``read``/``xml`` give the package's parts;
    ``read_member``/``member_xml`` always read the zip itself.
    ``analyzer.ooxml.editable.EditablePackage`` extends this class for rewriting:
    its parts are the ones a DOCX needs, held in memory and written back as a new zip.
    """

    def __init__(self, zf: zipfile.ZipFile, name: str, main_part: str):
        self.zf = zf
        self.name = name
        self.main_part = main_part
        self._members = set(zf.namelist())
        self._rels_cache: dict[str, dict[str, str]] = {}

    def has(self, part: str) -> bool:
        return part in self._members

    def read(self, part: str) -> bytes:
        return self.read_member(part)

    def xml(self, part: str) -> Optional[etree._Element]:
        """Parsed root of ``part``, or None when the package lacks it."""
        return self.member_xml(part)

    def read_member(self, part: str) -> bytes:
        """The bytes of the zip member ``part``; typed errors for a damaged or encrypted member."""
        try:
            # ZipExtFile never returns more than the declared (already checked) size.
            with self.zf.open(part) as fh:
                return fh.read()
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError) as exc:
            raise Corrupt(self.name, f"{part} cannot be decompressed: {exc}") from None
        except NotImplementedError as exc:  # unsupported compression method
            raise Corrupt(self.name, f"{part}: {exc}") from None
        except RuntimeError:  # zipfile: "File ... is encrypted, password required"
            raise Encrypted(self.name, f"{part} is a password-protected zip member") from None

    def member_xml(self, part: str) -> Optional[etree._Element]:
        """Parsed root of the zip member ``part``, or None when the zip lacks it."""
        if part not in self._members:
            return None
        return parse_xml(self.read_member(part), self.name, part)

    def related(self, source_part: str, rel_suffix: str, default: Optional[str] = None) -> Optional[str]:
        """Target part of the first relationship of ``source_part`` whose type ends with ``rel_suffix``."""
        for rtype, target in self._rels(source_part).items():
            if rtype.endswith(rel_suffix) and self.has(target):
                return target
        return default if default and self.has(default) else None

    def _rels(self, source_part: str) -> dict[str, str]:
        if source_part in self._rels_cache:
            return self._rels_cache[source_part]
        folder, base = posixpath.split(source_part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, str] = {}
        root = self.xml(rels_part) if self.has(rels_part) else None
        if root is not None:
            for rel in root.iter(f"{{{REL_NS}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                found.setdefault(rel.get("Type", ""), target)
        self._rels_cache[source_part] = found
        return found


def parse_xml(data: bytes, name: str, part: str) -> etree._Element:
    try:
        root = etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise Corrupt(name, f"{part} is not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        drop_dtd_entities(root)
    return root


def remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node`` from its parent; the text that followed it stays where it was."""
    parent = node.getparent()
    if node.tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def drop_dtd_entities(root: etree._Element) -> None:
    """Make a tree independent of its DTD: entity references in text are removed
    (the text around them is kept) and attribute values are stored as read.

    Word never writes a DTD; a part that declares one is read as its text
    without those entities, and serialising the element afterwards needs no DTD.
    """
    for ent in list(root.iter(etree.Entity)):
        remove_keeping_tail(ent)
    for el in root.iter(etree.Element):
        for key, value in el.attrib.items():
            el.set(key, value)


def open_package(data: bytes, name: str, limits) -> Package:
    """Validate the zip container and locate the main document part."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise Corrupt(name, f"not a valid zip archive: {exc}") from None
    except (OSError, ValueError, EOFError) as exc:
        raise Corrupt(name, f"zip archive is unreadable: {exc}") from None
    check_sizes(infos, name, limits)
    names = {i.filename for i in infos}
    if not names:
        raise UnsupportedFormat(name, "empty zip archive, not a Word document")
    if "mimetype" in names and "[Content_Types].xml" not in names:
        kind = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
        what = "an OpenDocument text file (.odt)" if kind.endswith("opendocument.text") else (
            f"an OpenDocument package ({kind or 'unknown type'})")
        raise UnsupportedFormat(name, f"{what}; save it as .docx")
    for marker, what in _OTHER_PACKAGES:
        if marker in names:
            raise UnsupportedFormat(name, what)
    if "[Content_Types].xml" not in names:
        if any(n.startswith("word/") for n in names):
            raise Corrupt(name, "[Content_Types].xml is missing")
        raise UnsupportedFormat(name, "a zip archive, not a Word document")
    pkg = Package(zf, name, "word/document.xml")
    main = pkg.related("", OFFICE_DOC_REL, default="word/document.xml")
    if main is None:
        raise Corrupt(name, "the main document part (word/document.xml) is missing")
    pkg.main_part = main
    check_pages(pkg, limits)
    return pkg


def check_sizes(infos: list[zipfile.ZipInfo], name: str, limits) -> None:
    """Reject archives whose declared sizes exceed the limits (no decompression)."""
    total = 0
    total_packed = 0
    for info in infos:
        total += info.file_size
        total_packed += info.compress_size
        if total > limits.max_unzipped_bytes:
            raise ZipBomb(name, f"declared uncompressed size exceeds {limits.max_unzipped_bytes:,} bytes")
        if info.file_size > RATIO_FLOOR_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise ZipBomb(name, f"{info.filename} compression ratio {ratio:,.0f} > "
                                    f"{limits.max_zip_ratio}")
    if total > RATIO_FLOOR_BYTES and total / max(total_packed, 1) > limits.max_zip_ratio:
        raise ZipBomb(name, f"overall compression ratio {total / max(total_packed, 1):,.0f} > "
                            f"{limits.max_zip_ratio}")


def check_pages(pkg: Package, limits) -> None:
    """``docProps/app.xml`` Pages (Word's last rendering) against ``limits.max_pages``."""
    app = pkg.related("", "/extended-properties", default="docProps/app.xml")
    if app is None:
        return
    try:
        root = pkg.xml(app)
    except Corrupt:
        return  # metadata only: a broken app.xml does not stop the parse
    if root is None:
        return
    most = str(limits.max_pages)
    for el in root:
        if not isinstance(el.tag, str) or etree.QName(el).localname != "Pages":
            continue  # comments and processing instructions have no name
        # ASCII digits only: "²" and other Unicode digits are no page count. A number with
        # more digits than the limit is over it, without converting a long digit string.
        digits = (el.text or "").strip()
        if not re.fullmatch(r"[0-9]+", digits):
            continue
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(most):
            raise TooLarge(pkg.name, f"more than {limits.max_pages:,} pages (docProps/app.xml)")
        pages = int(digits)
        if pages > limits.max_pages:
            raise TooLarge(pkg.name, f"{pages:,} pages > limit {limits.max_pages:,}")
