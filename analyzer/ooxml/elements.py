"""Small read-only helpers over WordprocessingML elements."""

from __future__ import annotations

from typing import Optional

from lxml import etree

from analyzer.ooxml.numbering import W, wattr

M_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
# Symbol-font code points (after removing the U+F000 offset) with a Unicode twin.
SYMBOL_FONT = {0xB7: "\u2022", 0xA7: "\u2663", 0xD3: "\u00a9", 0xD2: "\u00ae", 0xE2: "\u00ae",
               0xE3: "\u00a9", 0xE4: "\u2122", 0xAE: "\u2192", 0xAC: "\u2190"}
WINGDINGS = {0xA8: "\u2610", 0x6F: "\u2610", 0xFE: "\u2612", 0xFD: "\u2612", 0xFC: "\u2713",
             0x9F: "\u2022", 0xA7: "\u25aa", 0xD8: "\u27a2", 0xE0: "\u2192"}


def is_on(el: Optional[etree._Element]) -> bool:
    return el is not None and wattr(el) not in ("0", "false", "off")


def _children(parent: etree._Element, tag: str):
    """``parent``'s children with ``tag``, looking through content controls and custom XML."""
    for el in parent:
        if el.tag == tag:
            yield el
        elif el.tag in (W + "sdt", W + "customXml"):
            inner = el.find(W + "sdtContent") if el.tag == W + "sdt" else el
            if inner is not None:
                yield from _children(inner, tag)


def table_rows(tbl: etree._Element):
    return _children(tbl, W + "tr")


def row_cells(tr: etree._Element):
    return _children(tr, W + "tc")


_ACCEPTED_TEXT = etree.XPath(
    ".//w:t[not(ancestor::w:del) and not(ancestor::w:moveFrom)] | "
    ".//w:sym[not(ancestor::w:del) and not(ancestor::w:moveFrom)] | "
    ".//w:footnoteReference | .//w:endnoteReference | .//m:t",
    namespaces={"w": W[1:-1], "m": M_NS[1:-1]})


def has_accepted_text(p: etree._Element) -> bool:
    for el in _ACCEPTED_TEXT(p):
        if el.tag != W + "t" and el.tag != M_NS + "t":
            return True
        if el.text:
            return True
    return False


def plain_text(el: etree._Element, deleted: bool) -> str:
    """Text of ``el`` alone: its deleted view (delText) or accepted view (w:t)."""
    wanted = W + ("delText" if deleted else "t")
    parts = []
    for node in el.iter(wanted, W + "tab", W + "p"):
        if node.tag == W + "p":
            if parts:
                parts.append("\n")
        elif node.tag == W + "tab":
            parts.append("\t")
        else:
            parts.append(node.text or "")
    return "".join(parts).strip("\n")


def symbol(el: etree._Element) -> str:
    try:
        code = int((wattr(el, "char") or "")[:8], 16)
    except ValueError:
        return ""
    font = (wattr(el, "font") or "").lower()
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
        if font.startswith("wingdings"):
            return WINGDINGS.get(code, "")
        if font == "symbol":
            return SYMBOL_FONT.get(code, chr(code) if 0x20 <= code < 0x7F else "")
        return ""
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return ""  # outside Unicode, or a lone surrogate half
    return chr(code)
