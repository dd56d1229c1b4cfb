"""Tracked changes in a DOCX: find them, reject them ("Reject All" in Word) or accept them
("Accept All").

``reject_revisions`` gives the document as it was before the tracked changes:
inserted text, rows and paragraph marks are removed (a paragraph whose mark was
inserted runs on into the next one again), deleted and moved-away text comes
back as ordinary text, and property changes (``w:rPrChange``, ``w:pPrChange``
and the like) restore the properties they recorded. ``authors`` limits this to
the changes of those authors; the others stay as they are.

``accept_revisions`` gives the document as it reads with the tracked changes made:
inserted text, rows and paragraph marks stay as ordinary content, deleted and
moved-away text goes (a paragraph whose mark was deleted runs on into the next one),
deleted rows go, and property changes keep the current properties.

The body, footnotes and endnotes are rewritten; the package is held by
``EditablePackage``, so the result holds only the parts a DOCX needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from analyzer.ooxml.editable import EditablePackage
from analyzer.ooxml.numbering import W

_INSERTED = (W + "ins", W + "moveTo")
_DELETED = (W + "del", W + "moveFrom")
_RANGE_MARKS = (W + "moveFromRangeStart", W + "moveFromRangeEnd", W + "moveToRangeStart", W + "moveToRangeEnd")
_PROPERTY_CHANGES = {W + "rPrChange": W + "rPr", W + "pPrChange": W + "pPr", W + "sectPrChange": W + "sectPr",
                     W + "tblPrChange": W + "tblPr", W + "trPrChange": W + "trPr", W + "tcPrChange": W + "tcPr",
                     W + "tblPrExChange": W + "tblPrEx"}
# properties a paragraph keeps when its recorded (older) paragraph properties are restored
_PPR_KEEP = (W + "rPr", W + "sectPr")
_PARTS = ("/footnotes", "/endnotes")


def _mine(el: etree._Element, authors: set[str] | None) -> bool:
    return authors is None or el.get(W + "author") in authors


def has_revisions(root: etree._Element | None) -> bool:
    """True when ``root`` holds a tracked insertion, deletion or move."""
    if root is None:
        return False
    return next(root.iter(*_INSERTED, *_DELETED), None) is not None


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    i = parent.index(el)
    for child in list(el):
        parent.insert(i, child)
        i += 1
    parent.remove(el)


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _paragraph_of_mark(mark: etree._Element) -> etree._Element | None:
    rpr = mark.getparent()
    ppr = rpr.getparent() if rpr is not None else None
    p = ppr.getparent() if ppr is not None else None
    if rpr is not None and rpr.tag == W + "rPr" and ppr is not None and ppr.tag == W + "pPr" \
            and p is not None and p.tag == W + "p":
        return p
    return None


def _join_next(p: etree._Element) -> None:
    """The paragraph ``p`` runs on into the next one: its content moves to the start of the next
    paragraph (after that one's properties) and ``p`` goes. Without a next paragraph it stays."""
    nxt = p.getnext()
    if nxt is None or nxt.tag != W + "p":
        return
    content = [c for c in p if c.tag != W + "pPr"]
    ppr = nxt.find(W + "pPr")
    at = 1 if ppr is not None and nxt.index(ppr) == 0 else 0
    for c in reversed(content):
        nxt.insert(at, c)
    p.getparent().remove(p)


def _resolve(root: etree._Element, who: set[str] | None, gone: tuple[str, str], kept: tuple[str, str],
             restore: bool) -> int:
    """Resolve the tracked changes of ``who`` under ``root``: the ``gone`` kind (insertions when
    rejecting, deletions when accepting) disappears with its content, the ``kept`` kind becomes
    plain text. Property changes are put back (``restore``) or dropped."""
    props = (W + "rPr", W + "trPr", W + "pPr")
    count = 0
    # paragraph marks first: a paragraph whose mark is gone joins the next one
    for mark in [m for m in root.iter(*gone) if _mine(m, who) and _paragraph_of_mark(m) is not None]:
        p = _paragraph_of_mark(mark)
        _remove(mark)
        _join_next(p)
        count += 1
    for mark in [m for m in root.iter(*kept) if _mine(m, who) and _paragraph_of_mark(m) is not None]:
        _remove(mark)
        count += 1
    # table rows: a row marked with the gone kind goes, the other mark goes from its row
    for mark in [m for m in root.iter(gone[0]) if _mine(m, who) and m.getparent() is not None
                 and m.getparent().tag == W + "trPr"]:
        _remove(mark.getparent().getparent())
        count += 1
    for mark in [m for m in root.iter(kept[0]) if _mine(m, who) and m.getparent() is not None
                 and m.getparent().tag == W + "trPr"]:
        _remove(mark)
        count += 1
    for el in [e for e in root.iter(*gone) if _mine(e, who)]:
        if el.getparent() is not None and el.getparent().tag not in props:
            _remove(el)
            count += 1
    for el in [e for e in root.iter(*kept) if _mine(e, who)]:
        if el.getparent() is None or el.getparent().tag in props:
            _remove(el)
            continue
        for t in el.iter(W + "delText"):
            t.tag = W + "t"
        for t in el.iter(W + "delInstrText"):
            t.tag = W + "instrText"
        _unwrap(el)
        count += 1
    for mark in [m for m in root.iter(*_RANGE_MARKS) if _mine(m, who)]:
        _remove(mark)
    for change in [c for c in root.iter(*_PROPERTY_CHANGES) if _mine(c, who)]:
        if restore:
            _restore_properties(change)
        else:
            _remove(change)
        count += 1
    return count


def reject_in(root: etree._Element, authors: Iterable[str] | None = None) -> int:
    """Reject the tracked changes under ``root`` in place; return how many were rejected."""
    return _resolve(root, set(authors) if authors is not None else None, _INSERTED, _DELETED, restore=True)


def _restore_properties(change: etree._Element) -> None:
    """Put back the properties a ``w:*PrChange`` recorded (it holds the older property element)."""
    props = change.getparent()
    older = change.find(_PROPERTY_CHANGES[change.tag])
    if props is None:
        return
    props.remove(change)
    if older is None:
        return
    keep = _PPR_KEEP if props.tag == W + "pPr" else ()
    for child in list(props):
        if child.tag not in keep:
            props.remove(child)
    at = 0
    for child in older:
        props.insert(at, child)
        at += 1


def reject_revisions(data: bytes, name: str, limits, *, authors: Iterable[str] | None = None) -> bytes:
    """The DOCX ``data`` with its tracked changes (those of ``authors``, or all) rejected."""
    return _each_part(data, name, limits, lambda root: reject_in(root, authors))


def accept_in(root: etree._Element, authors: Iterable[str] | None = None) -> int:
    """Accept the tracked changes under ``root`` in place; return how many were accepted."""
    return _resolve(root, set(authors) if authors is not None else None, _DELETED, _INSERTED, restore=False)


def _each_part(data: bytes, name: str, limits, edit) -> bytes:
    pkg = EditablePackage.from_bytes(data, name, limits)
    roots = [pkg.xml(pkg.main_part)]
    for rel in _PARTS:
        part = pkg.related(pkg.main_part, rel, "")
        if part:
            roots.append(pkg.xml(part))
    for root in roots:
        if root is not None:
            edit(root)
    return pkg.to_bytes()


def accept_revisions(data: bytes, name: str, limits, *, authors: Iterable[str] | None = None) -> bytes:
    """The DOCX ``data`` with its tracked changes (those of ``authors``, or all) accepted."""
    return _each_part(data, name, limits, lambda root: accept_in(root, authors))


def document_has_revisions(data: bytes, name: str, limits) -> bool:
    """True when the main document part of the DOCX ``data`` holds tracked changes."""
    pkg = EditablePackage.from_bytes(data, name, limits)
    return has_revisions(pkg.xml(pkg.main_part))


__all__ = ["accept_in", "accept_revisions", "document_has_revisions", "has_revisions", "reject_in",
           "reject_revisions"]
