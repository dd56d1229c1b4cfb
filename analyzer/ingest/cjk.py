"""Chinese text at parse time: the language of each block, and how wrapped Chinese lines of a PDF
join into paragraphs.

Chinese is written without spaces between words, so two wrapped lines of a Chinese paragraph
join with nothing between them (``"...许可" + "方..."``), never with a space, and a line-end
hyphen never splits a Chinese word. A Chinese line also fills its line with about half as many
characters as an English one (each is twice as wide), so line lengths are compared in display
width: a CJK character counts two.
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.cjk import CJK_RE, cjk_boundary, has_cjk, language_of
from analyzer.core.schema import SourceDocument

# text kinds of block whose language is recorded
_TEXT_BLOCKS = ("paragraph", "heading", "list_item", "table_cell", "footnote", "insertion")

# Chinese clause numbering at a line start: 第一条 / 第1条 / 第三章 / 第二节 / 一、 / （一） / (一)
CN_NUMBERED = re.compile(r"^\s*(?:第\s*[零〇一二两三四五六七八九十百千\d]+\s*[条章节款部分]"
                         r"|[零〇一二三四五六七八九十]{1,3}\s*[、.．]"
                         r"|[（(]\s*[零〇一二三四五六七八九十\d]{1,3}\s*[）)]"
                         r"|\d{1,3}(?:\.\d{1,3})*[.、．]?\s*(?=[\u4e00-\u9fff\"“]))")
# full-width punctuation of Chinese text that a PDF's text keeps as written (NFKC would make it ASCII)
FULLWIDTH_PUNCT = "！（），：；？～"
_CN_TERMINAL = re.compile(r"[。！？；：;:!?）)”\"]$")
_CN_OPEN = re.compile(r"[，、（(“]$")
_FIELD_LINE = re.compile(r"^[\u4e00-\u9fff]{1,6}[：:]")
_HEADING_LINE = re.compile(r"[\u4e00-\u9fff \t]{1,15}")


def tag_languages(doc: SourceDocument) -> SourceDocument:
    """Set ``Block.language`` on the text blocks of ``doc`` (in place) and return it."""
    text = doc.text
    for b in doc.blocks:
        if b.kind in _TEXT_BLOCKS and b.end > b.start:
            b.language = language_of(text[b.start:b.end])
    return doc


def display_width(s: str) -> int:
    """Characters of ``s``, a CJK character counting two."""
    return len(s) + len(CJK_RE.findall(s))


def joins_without_space(prev: str, nxt: str) -> bool:
    """Two wrapped lines that meet between Chinese characters (or Chinese punctuation)."""
    return cjk_boundary(prev, nxt)


def cjk_paragraph_break(prev: str, text: str, gap: bool, full: int) -> Optional[bool]:
    """Does the line ``text`` start a new paragraph after the line ``prev``, where either is
    Chinese? None when neither line has Chinese text (the caller's rules decide).

    ``full`` is the page's usual full line, in display width. A layout gap, a numbered Chinese
    line ("第二条", "（一）", "一、") after a finished or short line, and any line after a short
    line that ends a sentence or a heading start a paragraph; a line after a full one continues it.
    """
    if not (has_cjk(prev) or has_cjk(text)):
        return None
    p = prev.rstrip()
    short = display_width(p) < 0.8 * full
    if gap:
        return True
    if CN_NUMBERED.match(text) and (short or _CN_TERMINAL.search(p)):
        return True
    if _FIELD_LINE.match(text) and not _CN_OPEN.search(p):
        return True  # "甲方：…", "地址：…": a field of a party or signature block
    if _CN_TERMINAL.search(p) and _HEADING_LINE.fullmatch(text.strip()):
        return True  # a short heading line ("签署") after a finished sentence
    if short and not _CN_OPEN.search(p):
        return True
    return False


def line_width(lines_text: list[str]) -> int:
    """The usual full line of a page in display width: the 80th percentile, at least 40."""
    widths = sorted(display_width(t) for t in lines_text)
    if not widths:
        return 80
    return max(40, widths[int(0.8 * (len(widths) - 1))])


_CID = re.compile(r"\(cid:\d+\)")
CID_SHARE = 0.5  # this share of a document's glyphs without a Unicode mapping: its text cannot be read
MIN_CID = 20


def mostly_unmapped(texts: list[str]) -> bool:
    """Do most glyphs of ``texts`` (the extracted lines) have no Unicode mapping ("(cid:N)")? Such a
    PDF (typically Chinese in a CID font without a ToUnicode map) has no usable text."""
    cids = sum(len(_CID.findall(t)) for t in texts)
    if cids < MIN_CID:
        return False
    others = sum(len(_CID.sub("", t).replace(" ", "")) for t in texts)
    return cids >= CID_SHARE * (cids + others)


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
COMMON_SHARE = 0.8  # below this share of ideographs in the common character sets, the text is garbled
MIN_IDEOGRAPHS = 50
_COMMON_SETS = ("gb2312", "big5", "cp932")


def _common(ch: str) -> bool:
    for enc in _COMMON_SETS:
        try:
            ch.encode(enc)
            return True
        except UnicodeEncodeError:
            pass
    return False


def garbled_chinese(text: str) -> bool:
    """Is the Chinese of ``text`` glyph numbers read as characters? A PDF font without a usable
    Unicode map can give each glyph the code point of its glyph number: the result is CJK text, but
    mostly rare ideographs. Written Chinese (or Japanese) takes nearly all its ideographs from the
    common sets (GB 2312, Big5, JIS X 0208); fewer than ``COMMON_SHARE`` of at least
    ``MIN_IDEOGRAPHS`` ideographs there means the text is not readable."""
    chars = _IDEOGRAPH.findall(text)
    if len(chars) < MIN_IDEOGRAPHS:
        return False
    rare = {ch for ch in set(chars) if not _common(ch)}
    seen_rare = sum(1 for ch in chars if ch in rare)
    return len(chars) - seen_rare < COMMON_SHARE * len(chars)
