"""WordprocessingML styles and automatic list numbering, rebuilt as Word displays it.

Word does not store list labels ("1.1", "(a)", "Article IV") in the text: they
come from ``numbering.xml`` (``w:abstractNum``/``w:lvl`` definitions, ``w:num``
instances with ``w:lvlOverride``) and may be attached to a paragraph directly
(``w:numPr``) or through its paragraph style (``w:pStyle`` → style ``w:numPr``,
following ``w:basedOn``). ``ListCounter.next_label`` advances the counters the
way Word does: one counter set per abstract definition, shared by every
``w:num`` that points to it, restarted by ``w:startOverride``; deeper levels
restart when a shallower level is used (unless ``w:lvlRestart`` says otherwise).

Hostile definitions stay cheap: start values are clamped to what Word accepts
(0..``MAX_START``), counters saturate at ``MAX_COUNTER``, only levels 0-8 exist,
``w:lvlText`` is read up to ``MAX_LEVEL_TEXT`` characters, every formatter
works in time proportional to its (capped) output, labels are cut at
``MAX_LABEL_CHARS`` and ``basedOn`` chains are followed ``MAX_STYLE_DEPTH`` deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from analyzer.ooxml.package import W_NS

W = f"{{{W_NS}}}"
BULLET = "\u2022"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%([1-9])")

MAX_START = 32767            # Word's largest w:start / w:startOverride
MAX_COUNTER = 2**31 - 1      # counters stop here (ST_DecimalNumber is a 32-bit integer)
MAX_LEVELS = 9               # list levels 0..8
MAX_LEVEL_TEXT = 64          # characters of w:lvlText that are read
MAX_LABEL_CHARS = 64         # longest list label produced
MAX_STYLE_DEPTH = 64         # basedOn links followed


def wattr(el: Optional[etree._Element], attr: str = "val") -> Optional[str]:
    return None if el is None else el.get(W + attr)


def _int(value: Optional[str]) -> Optional[int]:
    """An integer attribute; None when missing or not a (reasonably sized) integer."""
    if value is None or len(value) > 32:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _start(value: Optional[str]) -> Optional[int]:
    """A start value as Word uses it: an integer clamped to 0..MAX_START."""
    if value is None:
        return None
    v = value.strip()
    if re.fullmatch(r"[+-]?[0-9]+", v, re.ASCII) is None:
        return None
    if v.startswith("-"):
        return 0
    digits = v.lstrip("+").lstrip("0")
    return MAX_START if len(digits) > 5 else min(int(digits or "0"), MAX_START)


def _level_index(value: Optional[str]) -> Optional[int]:
    """A list level 0..8 from an ilvl attribute (missing means 0); None when out of range."""
    n = _int(value) if value is not None else 0
    return n if n is not None and 0 <= n < MAX_LEVELS else None


# --------------------------------------------------------------------------- styles

@dataclass
class Style:
    style_id: str
    name: str
    kind: str
    based_on: Optional[str] = None
    num_id: Optional[str] = None
    ilvl: Optional[int] = None
    outline_lvl: Optional[int] = None


class Styles:
    """Paragraph/numbering styles with their ``basedOn`` chains."""

    def __init__(self, root: Optional[etree._Element]):
        self.by_id: dict[str, Style] = {}
        self.default_paragraph: Optional[str] = None
        self._memo: dict[tuple[str, Optional[str]], object] = {}
        if root is None:
            return
        for el in root.iter(W + "style"):
            sid = el.get(W + "styleId")
            if not sid:
                continue
            kind = el.get(W + "type", "paragraph")
            ppr = el.find(W + "pPr")
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            style = Style(
                style_id=sid,
                name=_display_name(wattr(el.find(W + "name")) or sid),
                kind=kind,
                based_on=wattr(el.find(W + "basedOn")),
                num_id=wattr(numpr.find(W + "numId")) if numpr is not None else None,
                ilvl=_int(wattr(numpr.find(W + "ilvl"))) if numpr is not None else None,
                outline_lvl=_int(wattr(ppr.find(W + "outlineLvl"))) if ppr is not None else None,
            )
            self.by_id[sid] = style
            if kind == "paragraph" and el.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = sid

    def chain(self, style_id: Optional[str]) -> list[Style]:
        """The style and its ``basedOn`` ancestors (cycles cut, ``MAX_STYLE_DEPTH`` at most)."""
        out: list[Style] = []
        seen: set[str] = set()
        sid = style_id if style_id in self.by_id else self.default_paragraph
        while sid and sid in self.by_id and sid not in seen and len(out) < MAX_STYLE_DEPTH:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = self.by_id[sid].based_on
        return out

    def _cached(self, what: str, style_id: Optional[str], compute):
        key = (what, style_id)
        if key not in self._memo:
            self._memo[key] = compute(style_id)
        return self._memo[key]

    def name(self, style_id: Optional[str]) -> Optional[str]:
        sid = style_id if style_id in self.by_id else self.default_paragraph
        return self.by_id[sid].name if sid in self.by_id else style_id

    def numbering(self, style_id: Optional[str]) -> tuple[Optional[str], Optional[int]]:
        """(numId, ilvl) the style chain attaches, first definition wins."""
        return self._cached("numbering", style_id, self._numbering)

    def _numbering(self, style_id: Optional[str]) -> tuple[Optional[str], Optional[int]]:
        for st in self.chain(style_id):
            if st.num_id is not None:
                return st.num_id, st.ilvl
        return None, None

    def outline_level(self, style_id: Optional[str]) -> Optional[int]:
        return self._cached("outline", style_id, self._outline_level)

    def _outline_level(self, style_id: Optional[str]) -> Optional[int]:
        for st in self.chain(style_id):
            m = _HEADING_NAME.match(st.name.strip())
            if m:
                return int(m.group(1)) - 1
            if st.name.strip().lower() == "title":
                return 0
            if st.outline_lvl is not None:
                return st.outline_lvl
        return None


def _display_name(name: str) -> str:
    """Word stores built-in style names in lower case ("heading 1") and shows them
    capitalised ("Heading 1")."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split(" ")) if name.islower() else name


# ------------------------------------------------------------------------ numbering

@dataclass
class Level:
    start: int = 0
    fmt: str = "decimal"
    text: str = "%1."
    is_lgl: bool = False
    restart: Optional[int] = None
    suffix: str = "\t"
    pstyle: Optional[str] = None

    def __post_init__(self):
        self.start = max(0, min(self.start, MAX_START))
        self.text = self.text[:MAX_LEVEL_TEXT]
        # lvlText split once into literal pieces and 0-based level references.
        self.tokens: list = []
        pos = 0
        for m in _PLACEHOLDER.finditer(self.text):
            if m.start() > pos:
                self.tokens.append(self.text[pos:m.start()])
            self.tokens.append(int(m.group(1)) - 1)
            pos = m.end()
        if pos < len(self.text):
            self.tokens.append(self.text[pos:])

    @classmethod
    def from_xml(cls, el: etree._Element) -> "Level":
        lvl_text = el.find(W + "lvlText")
        suff = wattr(el.find(W + "suff")) or "tab"
        lgl = el.find(W + "isLgl")
        fmt = wattr(el.find(W + "numFmt")) or "decimal"
        if el.find(W + "lvlPicBulletId") is not None:
            fmt = "bullet"
        return cls(
            start=_start(wattr(el.find(W + "start"))) or 0,
            fmt=fmt,
            text=wattr(lvl_text) if lvl_text is not None and wattr(lvl_text) is not None else "",
            is_lgl=lgl is not None and wattr(lgl) not in ("0", "false", "off"),
            restart=_int(wattr(el.find(W + "lvlRestart"))),
            suffix={"tab": "\t", "space": " ", "nothing": ""}.get(suff, "\t"),
            pstyle=wattr(el.find(W + "pStyle")),
        )


_DEFAULT_LEVEL = Level()


@dataclass
class NumInstance:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


class Numbering:
    """Definitions from ``numbering.xml``; ``numStyleLink`` indirections resolved."""

    def __init__(self, root: Optional[etree._Element], styles: Styles):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, NumInstance] = {}
        self._style_alias: dict[str, str] = {}
        if root is None:
            return
        style_links: dict[str, str] = {}
        num_style_links: dict[str, str] = {}
        for an in root.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId")
            if aid is None:
                continue
            levels: dict[int, Level] = {}
            for lvl in an.findall(W + "lvl"):
                ilvl = _level_index(lvl.get(W + "ilvl"))
                if ilvl is not None:
                    levels[ilvl] = Level.from_xml(lvl)
            self.abstract[aid] = levels
            if wattr(an.find(W + "styleLink")):
                style_links[wattr(an.find(W + "styleLink"))] = aid
            if wattr(an.find(W + "numStyleLink")):
                num_style_links[aid] = wattr(an.find(W + "numStyleLink"))
        for num in root.iter(W + "num"):
            nid = num.get(W + "numId")
            aid = wattr(num.find(W + "abstractNumId"))
            if nid is None or aid is None:
                continue
            inst = NumInstance(aid)
            for ov in num.findall(W + "lvlOverride"):
                ilvl = _level_index(ov.get(W + "ilvl"))
                if ilvl is None:
                    continue
                so = _start(wattr(ov.find(W + "startOverride")))
                if so is not None:
                    inst.start_overrides[ilvl] = so
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    inst.level_overrides[ilvl] = Level.from_xml(lvl)
            self.nums[nid] = inst
        # abstractNum with numStyleLink borrows the levels of the numbering style's list.
        for aid, style_id in num_style_links.items():
            target = style_links.get(style_id)
            if target is None:
                linked_num, _ = styles.numbering(style_id)
                inst = self.nums.get(linked_num or "")
                target = inst.abstract_id if inst else None
            if target and target != aid and self.abstract.get(target):
                self.abstract[aid] = self.abstract[target]
        self._style_alias = {aid: style_links.get(st, aid) for aid, st in num_style_links.items()}

    def counter_key(self, abstract_id: str) -> str:
        """Lists linked through a numbering style share one counter set."""
        return self._style_alias.get(abstract_id, abstract_id)

    def levels(self, num_id: str) -> Optional[dict[int, Level]]:
        inst = self.nums.get(num_id)
        if inst is None or inst.abstract_id not in self.abstract:
            return None
        levels = dict(self.abstract[inst.abstract_id])
        levels.update(inst.level_overrides)
        return levels

    def level_for_style(self, num_id: str, style_id: Optional[str]) -> Optional[int]:
        levels = self.levels(num_id) or {}
        for ilvl, lvl in sorted(levels.items()):
            if style_id and lvl.pstyle == style_id:
                return ilvl
        return None


@dataclass
class ListLabel:
    """What Word draws before a list paragraph."""

    text: str          # "1.1", "(a)", "•"
    suffix: str        # "\t", " " or ""
    bullet: bool
    level: int


class ListCounter:
    """Running counters over the document, in reading order."""

    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self._counters: dict[str, dict[int, int]] = {}
        self._pending: dict[str, dict[int, int]] = {}
        self._seen_nums: set[str] = set()

    def next_label(self, num_id: str, ilvl: int) -> Optional[ListLabel]:
        levels = self.numbering.levels(num_id)
        if not levels:
            return None
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl)
        if level is None:
            return None
        inst = self.numbering.nums[num_id]
        key = self.numbering.counter_key(inst.abstract_id)
        counters = self._counters.setdefault(key, {})
        pending = self._pending.setdefault(key, {})
        if num_id not in self._seen_nums:
            self._seen_nums.add(num_id)
            for lv, start in inst.start_overrides.items():
                counters.pop(lv, None)
                pending[lv] = start
        if ilvl in counters:
            counters[ilvl] = min(counters[ilvl] + 1, MAX_COUNTER)
        else:
            counters[ilvl] = pending.pop(ilvl, level.start)
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt == "bullet":
            return ListLabel(BULLET, level.suffix, True, ilvl)
        if level.fmt == "none" and "%" not in level.text:
            text = level.text
        else:
            text = self._label_text(level, levels, counters, pending)
        text = text.strip()[:MAX_LABEL_CHARS]
        if not text:
            return None
        return ListLabel(text, level.suffix, False, ilvl)

    @staticmethod
    def _label_text(level: Level, levels: dict[int, Level], counters: dict[int, int],
                    pending: dict[int, int]) -> str:
        """``level``'s lvlText with each %N replaced by level N's number, cut a little
        past ``MAX_LABEL_CHARS`` (leading blanks are stripped afterwards)."""
        budget = 2 * MAX_LABEL_CHARS
        parts: list[str] = []
        for tok in level.tokens:
            if budget <= 0:
                break
            if isinstance(tok, str):
                piece = tok[:budget]
            else:
                lv = levels.get(tok, _DEFAULT_LEVEL)
                # A shallower level never used shows one less than its start, as Word
                # does ("0.1" for a level-2 item before any level-1 item).
                n = counters[tok] if tok in counters else pending.get(tok, lv.start) - 1
                fmt = "decimal" if level.is_lgl and lv.fmt not in ("none",) else lv.fmt
                piece = format_number(n, fmt, budget)
            parts.append(piece)
            budget -= len(piece)
        return "".join(parts)


# -------------------------------------------------------------------------- formats

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_ORDINAL_WORDS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth "
                  "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
                  "eighteenth nineteenth twentieth").split()


def roman(n: int, limit: int = MAX_LABEL_CHARS) -> str:
    """Lower-case roman numeral (thousands as repeated "m"), at most ``limit`` characters."""
    if n <= 0 or limit <= 0:
        return ""
    thousands, n = divmod(n, 1000)
    out = ["m" * min(thousands, limit)]
    for value, sym in _ROMAN[1:]:
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)[:limit]


def letters(n: int, limit: int = MAX_LABEL_CHARS) -> str:
    """Word's alphabetic numbering: a..z, aa..zz, aaa..., at most ``limit`` characters."""
    if n <= 0 or limit <= 0:
        return ""
    repeat, index = divmod(n - 1, 26)
    return chr(ord("a") + index) * min(repeat + 1, limit)


def format_number(n: int, fmt: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``n`` in the numFmt ``fmt``, at most ``limit`` characters; ``n`` is first
    clamped to +-``MAX_COUNTER``, so every format costs time in its output only."""
    n = max(-MAX_COUNTER, min(n, MAX_COUNTER))
    return _format_number(n, fmt, limit)[:max(limit, 0)]


# Word's Chinese counting formats (一, 十二, 二十一); Japanese and Taiwanese counting write the same numerals
_CHINESE_FORMATS = frozenset({"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
                              "taiwaneseCountingThousand"})


def _format_number(n: int, fmt: str, limit: int) -> str:
    if fmt in ("lowerLetter",):
        return letters(n, limit)
    if fmt in ("upperLetter",):
        return letters(n, limit).upper()
    if fmt == "lowerRoman":
        return roman(n, limit)
    if fmt == "upperRoman":
        return roman(n, limit).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "cardinalText" and 0 <= n < len(_WORDS):
        return _WORDS[n].capitalize()
    if fmt == "ordinalText" and 0 <= n < len(_ORDINAL_WORDS):
        return _ORDINAL_WORDS[n].capitalize()
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt in _CHINESE_FORMATS:
        from analyzer.core.cjk import cn_numeral

        return cn_numeral(n)
    if fmt == "none":
        return ""
    return str(n)
