"""Short hand-written contract drafts and DOCX builders for the compare tests (importable as ``draft_pairs``)."""

from __future__ import annotations

import io

import docx
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

OLD = """SOFTWARE LICENCE AGREEMENT

This Software Licence Agreement is made between Alpha Systems Ltd ("Licensor") and Beta Devices Inc ("Licensee").

1. LICENCE

1.1 Grant. Licensor grants Licensee a non-exclusive licence to use the Software in the Territory.

1.2 Sublicensing. Licensee may grant sublicences to its Affiliates.

2. CONFIDENTIALITY

2.1 Each Party shall keep the other Party's Confidential Information confidential and use it only for this Agreement.

2.2 Survival. The obligations in this clause 2 survive termination of this Agreement.

3. TERMINATION

3.1 Either Party may terminate this Agreement if the other Party commits a material breach and fails to remedy it within thirty (30) days after written notice.

4. LIABILITY

4.1 Each Party's total liability under this Agreement shall not exceed EUR 100,000.

5. GENERAL

5.1 Notices. Notices must be in writing and delivered by hand or by email.

5.2 Governing law. This Agreement is governed by the laws of England.
"""

NEW = """SOFTWARE LICENCE AGREEMENT

This Software Licence Agreement is made between Alpha Systems Ltd ("Licensor") and Beta Devices Inc ("Licensee").

1. LICENCE

1.1 Grant. Licensor grants Licensee a non-exclusive licence to use the Software in the Territory.

1.2 Sublicensing. Licensee may grant sublicences to its Affiliates.

1.3 No challenge. Licensee shall not challenge the validity of any patent of Licensor.

2. CONFIDENTIALITY

2.1 Each Party shall keep the other Party's Confidential Information confidential and use it only for this Agreement.

3. TERMINATION

3.1 Either Party may terminate this Agreement if the other Party commits a material breach and fails to remedy it within ten (10) days after written notice.

4. LIABILITY

4.1 Each Party's total liability under this Agreement shall not exceed EUR 1,000,000.

5. GENERAL

5.1 Governing law. This Agreement is governed by the laws of England.

5.2 Notices. Notices shall be given in writing and delivered by hand or by email.
"""


def docx_bytes(text: str) -> bytes:
    """A DOCX with one paragraph per non-empty line of ``text``."""
    d = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def tracked_docx(text: str, edits: list[tuple[str, str]], author: str = "Their Counsel") -> bytes:
    """A DOCX of ``text`` in which each ``(old, new)`` edit is a tracked deletion of ``old``
    followed by a tracked insertion of ``new`` (either may be empty), by ``author``."""
    import zipfile

    data = docx_bytes(text)
    zin = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zin.read("word/document.xml"))
    rid = 100
    for old, new in edits:
        for r in root.iter(W + "r"):
            t = r.find(W + "t")
            if t is None or not t.text or old not in t.text:
                continue
            before, after = t.text.split(old, 1)
            parent, at = r.getparent(), r.getparent().index(r)
            parts = []
            if before:
                parts.append(_run(before))
            if old:
                rid += 1
                d = etree.Element(W + "del", {W + "id": str(rid), W + "author": author, W + "date": "2025-01-01T00:00:00Z"})
                d.append(_run(old, deleted=True))
                parts.append(d)
            if new:
                rid += 1
                i = etree.Element(W + "ins", {W + "id": str(rid), W + "author": author, W + "date": "2025-01-01T00:00:00Z"})
                i.append(_run(new))
                parts.append(i)
            if after:
                parts.append(_run(after))
            parent.remove(r)
            for k, el in enumerate(parts):
                parent.insert(at + k, el)
            break
        else:
            raise AssertionError(f"text not found: {old!r}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if info.filename == "word/document.xml" else zin.read(info.filename)
            zout.writestr(info, payload)
    return out.getvalue()


def _run(text: str, deleted: bool = False) -> etree._Element:
    r = etree.Element(W + "r")
    t = etree.SubElement(r, W + ("delText" if deleted else "t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def reject_ours(data: bytes) -> bytes:
    """Reject every tracked change by Clause Analyzer (Word's "Reject All" for that author)."""
    from analyzer.core.settings import Limits
    from analyzer.ooxml.revisions import reject_revisions
    from analyzer.redline.writer import AUTHOR

    return reject_revisions(data, "reply.docx", Limits.from_env(), authors={AUTHOR})


def accept_ours(data: bytes) -> bytes:
    """Accept every tracked change by Clause Analyzer."""
    import zipfile

    from analyzer.redline.writer import AUTHOR

    zin = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zin.read("word/document.xml"))
    for mark in [m for m in root.iter(W + "ins") if m.get(W + "author") == AUTHOR and m.getparent().tag == W + "rPr"]:
        mark.getparent().remove(mark)
    for d in [e for e in root.iter(W + "del") if e.get(W + "author") == AUTHOR]:
        d.getparent().remove(d)
    for ins in [e for e in root.iter(W + "ins") if e.get(W + "author") == AUTHOR]:
        parent, i = ins.getparent(), ins.getparent().index(ins)
        for child in list(ins):
            parent.insert(i, child)
            i += 1
        parent.remove(ins)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if info.filename == "word/document.xml" else zin.read(info.filename)
            zout.writestr(info, payload)
    return out.getvalue()
