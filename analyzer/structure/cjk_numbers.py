"""Chinese clause labels: 第X章 / 第X节 / 第X条, 一、, （一）, and Arabic numbers before Chinese text.

Styles (the segmenter nests them in this order, outermost first):

- ``cn_chapter`` 第一章, ``cn_section`` 第一节, ``cn_article`` 第一条 (also 第1条);
- ``cn_enum`` 一、 (a Chinese numeral and an enumeration comma);
- ``cn_paren`` （一） / (一) (a Chinese numeral in brackets, full-width or not);
- Arabic labels before Chinese text ("1.1 许可方…", "（1）…", "1、…") get the English styles
  (``dec``, ``paren digit``), so "1.1" nests under 第一条 as under "Article 1".

A Chinese label's heading is the rest of its line when that is short and has no sentence
punctuation ("第一条 定义", "一、许可范围"), or a bracketed title ("第二条【许可】").
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.cjk import CJK_CLASS, cn_number
from analyzer.structure.clause_numbers import ClauseNumber

_NUM = r"[零〇一二两三四五六七八九十百千\d]{1,6}"
_CN_NUM = r"[零〇一二三四五六七八九十]{1,4}"
_LABEL = re.compile(
    rf"(?P<di>第[ \t]*(?P<din>{_NUM})[ \t]*(?P<kind>[章节条]))"
    rf"|(?P<enum>(?P<enumn>{_CN_NUM})[ \t]*[、．.](?![\d]))"
    rf"|(?P<par>[（(][ \t]*(?P<parn>{_CN_NUM}|\d{{1,2}})[ \t]*[）)])"
    rf"|(?P<dec>(?P<decn>\d{{1,3}}(?:\.\d{{1,3}}){{0,3}})(?P<decsep>[.、．]?)(?=[ \t\u3000]*[{CJK_CLASS}“\"「【]))"
)
_KINDS = {"章": ("cn_chapter", "第{}章"), "节": ("cn_section", "第{}节"), "条": ("cn_article", "第{}条")}
_SENTENCE_PUNCT = re.compile(r"[。；，;,]")
_BRACKET_TITLE = re.compile(r"[ \t\u3000]*[【\[]([^】\]\n]{1,30})[】\]]")
_CJK = re.compile(f"[{CJK_CLASS}]")

CN_STYLES = ("cn_chapter", "cn_section", "cn_article", "cn_enum", "cn_paren")
# nesting order of the Chinese styles (the segmenter's ``_rank``); lower is outer
CN_RANK = {"cn_chapter": -2.0, "cn_section": -1.0, "cn_article": 0.0, "cn_enum": 0.5, "cn_paren": 10.0}


def cn_heading_after(text: str, pos: int) -> Optional[str]:
    """The heading right after a Chinese label at ``pos``: a bracketed title, or the rest of the line
    when it is at most 30 characters, Chinese, and has no sentence punctuation."""
    m = _BRACKET_TITLE.match(text, pos)
    if m:
        return m.group(1).strip() or None
    end = text.find("\n", pos)
    end = len(text) if end == -1 else end
    line = text[pos:end].strip(" \t\u3000:：.")
    if not line or len(line) > 30 or _SENTENCE_PUNCT.search(line) or not _CJK.search(line):
        return None
    if "|" in line:  # a table row: the next cell is not the heading
        line = line.split("|")[0].strip()
    return re.sub(r"\s+", " ", line) or None


def parse_cn_label(text: str, pos: int, trusted: bool = False) -> Optional[ClauseNumber]:
    """A Chinese label at ``text[pos]`` (see the module doc), or None."""
    m = _LABEL.match(text, pos)
    if m is None:
        return None
    end = m.end()
    after = text[end:end + 40].lstrip(" \t\u3000")
    if m.group("di"):
        n = cn_number(m.group("din"))
        if not n:
            return None
        style, fmt = _KINDS[m.group("kind")]
        return ClauseNumber(start=pos, end=end, styles=[((style,), (n,), fmt.format(m.group("din")))],
                            trusted=trusted, _heading=cn_heading_after(text, end))
    if not trusted and not (_CJK.match(after) or (after[:1] in ("“", "\"", "「", "【", "（", "(") and _CJK.search(after[:4]))):
        return None  # a Chinese label is followed by Chinese text
    if m.group("enum"):
        n = cn_number(m.group("enumn"))
        if not n:
            return None
        return ClauseNumber(start=pos, end=end, styles=[(("cn_enum",), (n,), m.group("enumn"))],
                            trusted=trusted, _heading=cn_heading_after(text, end))
    if m.group("par"):
        tok = m.group("parn")
        n = cn_number(tok)
        if not n:
            return None
        style = ("paren", "digit") if tok.isdigit() else ("cn_paren",)
        number = f"({tok})" if tok.isdigit() else f"（{tok}）"
        return ClauseNumber(start=pos, end=end, styles=[(style, (n,), number)], trusted=trusted,
                            _heading=cn_heading_after(text, end))
    num = m.group("decn")
    value = tuple(int(x) for x in num.split("."))
    if any(v > 300 for v in value) or value[0] == 0:
        return None
    if len(value) == 1 and not m.group("decsep") and not trusted:
        return None  # "3 年" is a duration, not a label
    return ClauseNumber(start=pos, end=end, styles=[(("dec", len(value)), value, num)], trusted=trusted,
                        _heading=cn_heading_after(text, end))
