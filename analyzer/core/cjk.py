"""Chinese script in a piece of text: which characters are CJK, and which language a text is in.

The language of a text is read from its letters alone (a script-ratio rule): the share of
CJK ideographs among the letters (CJK ideographs plus Latin letters). Digits, punctuation and
spaces do not count. ``zh`` when at least ``ZH_SHARE`` of the letters are CJK, ``en`` when at
most ``EN_SHARE`` are, ``mixed`` in between; None for a text without letters ("1.1", "|").
A Chinese character counts as much as a Latin word of about ``LATIN_PER_CJK`` letters, since a
Chinese sentence says in one character what English says in three or four letters.
"""

from __future__ import annotations

import re
from typing import Optional

# CJK Unified Ideographs (+ Extension A, compatibility ideographs) and the ideographic
# number zero; Japanese kana are not Chinese but are CJK text, counted the same way.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
CJK_RE = re.compile(f"[{CJK_CLASS}]")
# full-width and ideographic punctuation a Chinese text uses
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】〔〕「」『』…—～·"
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

ZH_SHARE = 0.7
EN_SHARE = 0.2
LATIN_PER_CJK = 3.0
SENTENCE_END = "。！？!?"


def is_cjk(ch: str) -> bool:
    """Is ``ch`` a CJK ideograph or kana?"""
    return bool(ch) and CJK_RE.match(ch) is not None


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def cjk_share(text: str) -> Optional[float]:
    """The weighted share of CJK among the letters of ``text`` (None without letters)."""
    cjk = len(CJK_RE.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return None
    weighted = cjk * LATIN_PER_CJK
    return weighted / (weighted + latin)


def language_of(text: str) -> Optional[str]:
    """``zh``, ``en`` or ``mixed`` for ``text`` by its script (see the module doc); None without letters."""
    share = cjk_share(text)
    if share is None:
        return None
    if share >= ZH_SHARE:
        return "zh"
    if share <= EN_SHARE:
        return "en"
    return "mixed"


def cjk_boundary(prev: str, nxt: str) -> bool:
    """Do two pieces of text meet where Chinese is written without a space: a CJK character
    or CJK punctuation on either side of the join?"""
    a = prev.rstrip()[-1:]
    b = nxt.lstrip()[:1]
    if not a or not b:
        return False
    return (is_cjk(a) or a in CJK_PUNCT) and (is_cjk(b) or b in CJK_PUNCT or b.isdigit()) \
        or (is_cjk(b) or b in CJK_PUNCT) and (a.isdigit() or a in CJK_PUNCT)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def cn_number(s: str) -> Optional[int]:
    """The value of a Chinese numeral ("一" 1, "十二" 12, "二十一" 21, "一百零五" 105) or of
    Arabic digits; None when ``s`` is neither."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


_CN_DIGIT_CHARS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """``n`` (0..9999) as a Chinese numeral, the way Word's ``chineseCounting`` writes it:
    一, 十, 十二, 二十一, 一百零五, 一千二百."""
    if n < 0 or n > 9999:
        return str(n)
    if n < 10:
        return _CN_DIGIT_CHARS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else _CN_DIGIT_CHARS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out
