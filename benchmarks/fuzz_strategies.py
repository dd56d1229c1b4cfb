"""Structure-aware fuzz inputs for the parsers, and the property they must satisfy.

Shared by ``benchmarks/fuzz_parsers.py`` (a timed fuzz run) and
``tests/security/test_fuzz_parsers.py`` (a short bounded run in CI).

Strategies (hypothesis) draw ``FuzzInput`` values:

- ``txt_inputs``: text with numbering-like lines ("1.1", "Article IV", "(a)"),
  unicode, control characters, very long lines, BOMs and several encodings
  (UTF-8/16/32, GBK/GB18030/Big5 Chinese, Shift-JIS, cp1252...), mixed in one file;
- ``docx_inputs``: small OOXML packages built with ``zipfile`` (content types,
  relationships, ``document.xml`` with paragraphs, runs, tables, tracked changes,
  comments, notes, fields, content controls; ``numbering.xml`` with random
  ``numFmt``/``start``/``lvlText`` including huge and negative numbers;
  ``styles.xml`` with ``basedOn`` chains and cycles), then mutated (members
  dropped or duplicated, XML fragments injected, truncation, byte flips...);
- ``pdf_inputs``: PDFs from reportlab or written by hand (fonts with ToUnicode
  CMaps, page trees with cycles, self-drawing forms, encryption dictionaries,
  broken xref tables), then mutated;
- ``raw_inputs``: random bytes behind a format's magic prefix.

``check(inp)`` runs ``analyzer.ingest.parse`` and then ``analyzer.structure.segment.segment``
on one input under a wall-clock bound and returns an ``Outcome``. The property:
``parse`` returns a ``SourceDocument`` whose invariants hold (``text`` is a str
that can be written as UTF-8, i.e. has no lone surrogates; every block and page
span satisfies 0 <= start <= end <= len(text); ``sha256`` is the input's), or
raises an ``AnalyzerError`` whose message is one line naming the file;
``segment`` returns clauses whose spans lie inside the text, with unique ids and
parents listed before their children. Anything else (another exception, a broken
invariant, a run past the time bound) is a crash.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import re
import signal
import traceback
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from hypothesis import strategies as st

try:
    import resource
except ImportError:  # not on Windows: no memory cap there
    pass

TIME_LIMIT_S = 20.0
FORMATS = ("txt", "docx", "pdf", "raw")

_BOOL = st.booleans()


def _pick(options) -> st.SearchStrategy:
    """``sampled_from``, built once per tuple: strategy construction dominates draw time otherwise."""
    return _sampled(tuple(options))


@functools.lru_cache(maxsize=4096)
def _sampled(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


@functools.lru_cache(maxsize=4096)
def _ints(lo: int, hi: int) -> st.SearchStrategy:
    return st.integers(lo, hi)


@functools.lru_cache(maxsize=64)
def _bytes(min_size: int = 0, max_size: int = 64) -> st.SearchStrategy:
    return st.binary(min_size=min_size, max_size=max_size)


@functools.lru_cache(maxsize=256)
def _one_of(*strategies: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(*strategies)


@functools.lru_cache(maxsize=1024)
def _list(elements: st.SearchStrategy, min_size: int = 0, max_size: int = 10) -> st.SearchStrategy:
    return st.lists(elements, min_size=min_size, max_size=max_size)


# --------------------------------------------------------------------------- inputs

@dataclass
class FuzzInput:
    """Bytes to parse, the extension given to ``parse`` and how they were made."""

    data: bytes
    ext: str
    desc: str

    @property
    def filename(self) -> str:
        return f"fuzz.{self.ext}"

    def __repr__(self) -> str:
        head = self.data[:160]
        more = f"...+{len(self.data) - len(head)} bytes" if len(self.data) > len(head) else ""
        return f"FuzzInput(ext={self.ext!r}, size={len(self.data)}, desc={self.desc!r}, data={head!r}{more})"

    def _repr_pretty_(self, printer, cycle) -> None:
        """Hypothesis prints falsifying examples with this: the short form, not every byte."""
        printer.text(repr(self))


# --------------------------------------------------------------------------- text pieces

_WORDS = ("Agreement Licensor Licensee shall Party Parties hereby Confidential Information termination "
          "royalty indemnify governing law notwithstanding Effective Date Territory Products warranty "
          "liability exclusive non-exclusive sublicense assign Joint Venture Company Board audit "
          "payment fees days written notice breach cure period arbitration England Delaware").split()
_LABELS = ("1.", "1", "2.", "1.1", "1.1.1", "2.3.4.5", "10.", "12.4(b)", "(a)", "(b)", "(iv)", "(xii)",
           "(A)", "a)", "i.", "IV.", "Article IV", "ARTICLE 12", "Article 1.", "ARTICLE I -", "Section 3.2",
           "SECTION 7", "Sec. 4", "§ 4", "§§ 4-5", "Schedule 1", "SCHEDULE A", "Exhibit B", "Annex 2",
           "Appendix C", "Clause 9", "WHEREAS", "NOW, THEREFORE,", "RECITALS", "DEFINITIONS",
           "IN WITNESS WHEREOF", "99999999999999999999.", "1.2.3.4.5.6.7.8.9.10.11.12", "(zzzzzz)",
           "MMMMMMMMMCMXCIX.", "0.", "00.1", "1..2", "(", ")", "Article", "Section", "第一条", "第十二条",
           "一、", "（一）", "1．", "①", "Ⅳ.", "١.", "*", "•", "-", "—", "a.", "A.", "(1)", "1)", "[1]",
           "Part II", "PART 3", "Chapter 5", "Title 1")
_CHINESE = ("本协议由甲乙双方签订。许可方同意授予被许可方非独占许可。保密信息不得披露。"
            "任何一方违约应承担违约责任。本协议适用中华人民共和国法律。争议提交仲裁。第一条定义")
_CONTROL = "".join(chr(c) for c in list(range(0, 32)) + [0x7F, 0x85, 0xA0, 0xAD, 0x200B, 0x200E, 0x202E,
                                                         0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFE])
_EOLS = ("\n", "\n", "\n", "\r\n", "\r", "\f", "\u2028", "\x0b", "\x85", "\n\n", "")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_BAD_UTF8 = (b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80", b"\xff",
             b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x00", b"\x80" * 7)
_ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk",
              "gb18030", "big5", "shift_jis", "euc-kr", "cp1252", "latin-1", "koi8-r", "cp1251", "mixed")

_unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
_control_text = st.text(st.sampled_from(_CONTROL + "abc 1.\t"), max_size=30)
_chinese_text = st.text(st.sampled_from(_CHINESE), min_size=1, max_size=60)
_word_text = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14).map(" ".join)
_short_text = st.text(min_size=1, max_size=8)
_BINARY_200 = st.binary(max_size=200)


@functools.lru_cache(maxsize=64)
@st.composite
def _long_line(draw):
    unit = draw(_one_of(_word_text, _chinese_text, _short_text))
    unit = unit or "x"
    return unit * draw(_ints(100, max(101, 60_000 // max(1, len(unit)))))


@functools.lru_cache(maxsize=64)
@st.composite
def _line(draw) -> str:
    kind = draw(_pick(("label", "label", "label", "words", "words", "unicode", "control",
                                 "chinese", "long", "blank", "toc", "heading")))
    if kind == "label":
        sep = draw(_pick((" ", "  ", "\t", "", ". ", " - ", "\u00a0", "    ")))
        return draw(_pick(_LABELS)) + sep + draw(_one_of(_word_text, _chinese_text, _unicode_text))
    if kind == "words":
        return draw(_word_text) + draw(_pick((".", ";", ":", ",", "", " and")))
    if kind == "unicode":
        return draw(_unicode_text)
    if kind == "control":
        return draw(_control_text)
    if kind == "chinese":
        return draw(_chinese_text)
    if kind == "long":
        return draw(_long_line())
    if kind == "blank":
        return draw(_pick(("", " ", "\t", "   \u00a0", "\f")))
    if kind == "toc":
        return f"{draw(_pick(_LABELS))} {draw(_word_text)} {'.' * draw(_ints(0, 40))} {draw(_ints(0, 999))}"
    return draw(_word_text).upper()


@functools.lru_cache(maxsize=64)
@st.composite
def _lines(draw, max_lines: int = 30) -> str:
    lines = draw(_list(_line(), min_size=1, max_size=max_lines))
    return "".join(line + draw(_pick(_EOLS)) for line in lines)


def _encode(text: str, enc: str) -> bytes:
    """``text`` in ``enc``; characters the encoding lacks become "?"."""
    return text.encode(enc, errors="surrogatepass" if enc.startswith("utf") else "replace")


# --------------------------------------------------------------------------- TXT

@st.composite
def txt_inputs(draw) -> FuzzInput:
    text = draw(_lines())
    enc = draw(_pick(_ENCODINGS))
    notes = [f"txt enc={enc}", f"chars={len(text)}"]
    if enc == "mixed":
        chunks = re.split(r"(?<=\n)", text)
        data = b"".join(_encode(c, draw(_pick(_ENCODINGS[:-1]))) for c in chunks)
    else:
        data = _encode(text, enc)
    if draw(_ints(0, 5)) == 0:
        bom = draw(_pick(_BOMS))
        data = bom + data
        notes.append(f"bom={bom!r}")
    if draw(_ints(0, 5)) == 0:
        pos = draw(_ints(0, len(data)))
        bad = draw(_pick(_BAD_UTF8))
        data = data[:pos] + bad + data[pos:]
        notes.append(f"inserted {bad!r}@{pos}")
    if draw(_ints(0, 7)) == 0:
        data = draw(_pick((b"%PDF-", b"PK\x03\x04", b"{\\rtf1 ", b"\xd0\xcf\x11\xe0"))) + data
        notes.append("magic prefix")
    return FuzzInput(data, "txt", ", ".join(notes))


# --------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_DECL = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
            'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
            'xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_NUM_FMTS = ("decimal", "decimal", "upperRoman", "lowerRoman", "upperLetter", "lowerLetter", "bullet",
             "ordinal", "cardinalText", "ordinalText", "decimalZero", "decimalEnclosedParen", "none",
             "chineseCounting", "ideographDigital", "japaneseCounting", "hex", "bogus", "")
_LVL_TEXTS = ("%1.", "%1", "%1.%2", "%1.%2.%3", "(%1)", "(%2)", "%1)", "Article %1", "ARTICLE %1 -",
              "Section %1.%2", "%9", "%0", "%10", "%%", "%", "", "\u2022", "第%1条", "%1.%2.%3.%4.%5.%6.%7.%8.%9",
              "Schedule %1", "%1%1%1%1%1%1%1%1")
_HUGE = ("0", "-1", "-2", "-2147483648", "2147483647", "2147483648", "4294967296", "9223372036854775808",
         "1000000000", "1000000000000", "1000000000000000000", "1" + "0" * 100, "9" * 5000, "-" + "9" * 30,
         "", "abc", "1e3", " 7 ", "0x10", "+5", "\u0663", "1_000", "3.5", "NaN")
_HUGE_STARTS = ("32767", "32768", "2147483647", "2147483648", "4294967296", "1000000000", "1000000000000",
                "1000000000000000000", "9223372036854775808", "1" + "0" * 30, "1" + "0" * 100, "9" * 4000,
                "-2147483648", "-1000000000000")
_HUGE_FMTS = ("lowerRoman", "upperRoman", "lowerLetter", "upperLetter", "ordinal", "ordinalText",
              "cardinalText", "decimalZero", "decimal")
_IDS = ("0", "1", "2", "3", "-1", "999999999999", "x", "")
_NUM_REFS = ("1", "1", "1", "2", "2", "3") + _IDS
_STYLE_IDS = ("Normal", "Heading1", "Heading2", "Heading9", "Title", "ListParagraph", "S1", "S2", "S3", "")
_STYLE_NAMES = ("Normal", "heading 1", "heading 2", "Heading 3", "heading 9", "heading 0", "heading 10",
                "Title", "title", "List Paragraph", "Body Text", "", "HEADING 1", "heading\t1")
_SYM_CHARS = ("F0B7", "F0A7", "F0FC", "00B7", "D800", "DFFF", "110000", "FFFFFFFF", "-1", "0", "ZZ", "",
              "F020", "F0FF", "7FFFFFFF")
_ILVL = st.one_of(st.integers(0, 8).map(str), st.sampled_from(("9", "-1", "99999", "x", "")))
_FRAGMENTS = (
    "<w:p>", "</w:body>", "</w:p>", "<w:t>unterminated", "&undefined;", "&amp;", "&#0;", "&#x110000;",
    "&#xD800;", "<!-- comment -->", "<?pi data?>", "<![CDATA[<w:p>cdata</w:p>]]>", "\x00", "\x01",
    "<w:p xmlns:w='urn:other'><w:r><w:t>other ns</w:t></w:r></w:p>",
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE x SYSTEM "file:///etc/passwd">', "<w:p><w:r><w:t>&b;</w:t></w:r></w:p>",
    "<w:tbl><w:tr><w:tc></w:tc></w:tr></w:tbl>", "<w:tbl/>", "<w:tc><w:p/></w:tc>", "<w:r/>",
    "<w:p><w:r><w:t>x</w:t></w:r><w:p><w:r><w:t>nested p</w:t></w:r></w:p></w:p>",
    "<unknown:el xmlns:unknown='urn:u'><w:p><w:r><w:t>in unknown</w:t></w:r></w:p></unknown:el>",
    "<w:altChunk r:id='rId99'/>", "<w:sectPr/>", '<w:p w:rsidR="zz"/>', "<m:oMath><m:r><m:t>x+1</m:t></m:r></m:oMath>",
)
_REPLACEMENT = st.one_of(st.binary(max_size=200),
                         st.sampled_from(_FRAGMENTS).map(lambda f: f.encode("utf-8", "surrogatepass")))


_XML_BAD_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@functools.lru_cache(maxsize=64)
@st.composite
def _wtext(draw) -> str:
    s = draw(_one_of(_word_text, _line(), _chinese_text, _unicode_text))
    if draw(_ints(0, 30)):
        s = _XML_BAD_CHARS.sub("", s)
    return _esc(s)


def _val(draw, pool) -> str:
    return _esc(draw(_pick(pool)))


def _number(draw, hostile: int = 3) -> str:
    """A number attribute: small most of the time, one time in ``hostile`` from ``_HUGE``."""
    if draw(_ints(0, hostile - 1)):
        return str(draw(_ints(-3, 30)))
    return _esc(draw(_pick(_HUGE)))


@functools.lru_cache(maxsize=64)
@st.composite
def _run(draw, depth: int) -> str:
    kind = draw(_pick(("t", "t", "t", "t", "mixed", "ins", "del", "move", "comment", "note",
                                 "hyperlink", "field", "sdt", "custom", "sym", "textbox", "misc", "math")))
    t = draw(_wtext())
    rid = _val(draw, _IDS)
    meta = f'w:id="{rid}" w:author="{draw(_wtext())[:20]}" w:date="{_val(draw, ("2024-01-01T00:00:00Z", "", "bad"))}"'
    if kind == "t":
        rpr = draw(_pick(("", "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:vanish/></w:rPr>",
                                    "<w:rPr><w:caps/></w:rPr>", "<w:rPr><w:ins w:id='9'/></w:rPr>")))
        space = draw(_pick(("", ' xml:space="preserve"')))
        return f"<w:r>{rpr}<w:t{space}>{t}</w:t></w:r>"
    if kind == "mixed":
        pieces = draw(st.lists(st.sampled_from((
            f"<w:t>{t}</w:t>", "<w:tab/>", "<w:br/>", '<w:br w:type="page"/>', '<w:br w:type="column"/>',
            "<w:cr/>", "<w:lastRenderedPageBreak/>", "<w:noBreakHyphen/>", "<w:softHyphen/>", "<w:ptab/>",
            f"<w:delText>{t}</w:delText>", "<w:t/>", "<w:fldChar w:fldCharType='begin'/>",
            "<w:instrText> PAGE </w:instrText>", "<w:fldChar w:fldCharType='end'/>")), max_size=8))
        return "<w:r>" + "".join(pieces) + "</w:r>"
    inner = "".join(draw(_list(_run(depth + 1), max_size=3))) if depth < 2 else f"<w:r><w:t>{t}</w:t></w:r>"
    if kind == "ins":
        return f"<w:ins {meta}>{inner}</w:ins>"
    if kind == "del":
        return f"<w:del {meta}><w:r><w:delText>{t}</w:delText></w:r>{inner if draw(_BOOL) else ''}</w:del>"
    if kind == "move":
        tag = draw(_pick(("moveFrom", "moveTo")))
        return f"<w:{tag} {meta}>{inner}</w:{tag}>"
    if kind == "comment":
        return draw(_pick((
            f'<w:commentRangeStart w:id="{rid}"/>{inner}<w:commentRangeEnd w:id="{rid}"/>'
            f'<w:r><w:commentReference w:id="{rid}"/></w:r>',
            f'<w:commentRangeEnd w:id="{rid}"/>{inner}<w:commentRangeStart w:id="{rid}"/>',
            f'<w:commentRangeStart w:id="{rid}"/>{inner}',
            f'<w:r><w:commentReference w:id="{rid}"/></w:r>')))
    if kind == "note":
        tag = draw(_pick(("footnoteReference", "endnoteReference")))
        return f'<w:r><w:{tag} w:id="{rid}"/></w:r>{inner}'
    if kind == "hyperlink":
        return f'<w:hyperlink r:id="rId{rid}" w:anchor="{t[:10]}">{inner}</w:hyperlink>'
    if kind == "field":
        return f'<w:fldSimple w:instr=" {t[:20]} ">{inner}</w:fldSimple>'
    if kind == "sdt":
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    if kind == "custom":
        tag = draw(_pick(("customXml", "smartTag", "bdo", "dir")))
        return f"<w:{tag}>{inner}</w:{tag}>"
    if kind == "sym":
        return f'<w:r><w:sym w:font="{_val(draw, ("Symbol", "Wingdings", "Arial", ""))}" w:char="{_val(draw, _SYM_CHARS)}"/></w:r>'
    if kind == "textbox":
        return (f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{t}</w:t></w:r></w:p>"
                f"</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    if kind == "math":
        return f"<m:oMath><m:r><m:t>{t}</m:t></m:r></m:oMath>"
    return draw(_pick(("<!-- a comment -->", "<?pi x?>", '<w:bookmarkStart w:id="0" w:name="b"/>',
                                 '<w:bookmarkEnd w:id="0"/>', "<w:proofErr/>", "<w:unknown/>",
                                 "<x:y xmlns:x='urn:x'/>", "")))


@functools.lru_cache(maxsize=64)
@st.composite
def _paragraph(draw, depth: int = 0) -> str:
    ppr = []
    if draw(_BOOL):
        ppr.append(f'<w:pStyle w:val="{_val(draw, _STYLE_IDS)}"/>')
    if draw(_ints(0, 2)):
        parts = []
        if draw(_ints(0, 4)):
            parts.append(f'<w:ilvl w:val="{draw(_ints(0, 3)) if draw(_ints(0, 3)) else _number(draw)}"/>')
        if draw(_ints(0, 6)):
            parts.append(f'<w:numId w:val="{_val(draw, _NUM_REFS)}"/>')
        ppr.append("<w:numPr>" + "".join(parts) + "</w:numPr>")
    if not draw(_ints(0, 5)):
        ppr.append(f'<w:outlineLvl w:val="{_number(draw)}"/>')
    if not draw(_ints(0, 8)):
        ppr.append("<w:pageBreakBefore/>")
    if not draw(_ints(0, 8)):
        ppr.append(draw(_pick(('<w:rPr><w:ins w:id="5" w:author="a"/></w:rPr>',
                                         '<w:rPr><w:del w:id="6" w:author="a"/></w:rPr>',
                                         "<w:sectPr/>", '<w:pPrChange w:id="7"><w:pPr/></w:pPrChange>'))))
    runs = "".join(draw(_list(_run(0), max_size=6)))
    return "<w:p>" + (f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else "") + runs + "</w:p>"


@functools.lru_cache(maxsize=64)
@st.composite
def _table(draw, depth: int) -> str:
    rows = []
    for _ in range(draw(_ints(0, 3))):
        cells = []
        for _ in range(draw(_ints(0, 3))):
            tcpr = draw(_pick(("", f'<w:tcPr><w:gridSpan w:val="{_number(draw)}"/></w:tcPr>',
                                         '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>', "<w:tcPr><w:vMerge/></w:tcPr>")))
            content = "".join(draw(_list(_block(depth + 1), max_size=2)))
            cells.append(f"<w:tc>{tcpr}{content}</w:tc>")
        trpr = draw(_pick(("", "<w:trPr><w:tblHeader/></w:trPr>", '<w:trPr><w:ins w:id="3"/></w:trPr>',
                                     '<w:trPr><w:del w:id="4"/></w:trPr>')))
        row = f"<w:tr>{trpr}{''.join(cells)}</w:tr>"
        if not draw(_ints(0, 6)):
            row = f"<w:sdt><w:sdtContent>{row}</w:sdtContent></w:sdt>"
        rows.append(row)
    return "<w:tbl><w:tblPr/><w:tblGrid/>" + "".join(rows) + "</w:tbl>"


@functools.lru_cache(maxsize=64)
@st.composite
def _block(draw, depth: int = 0) -> str:
    if depth >= 2:
        return draw(_paragraph(depth))
    kind = draw(_pick(("p", "p", "p", "p", "p", "table", "sdt", "custom", "ins", "misc")))
    if kind == "p":
        return draw(_paragraph(depth))
    if kind == "table":
        return draw(_table(depth))
    inner = "".join(draw(_list(_block(depth + 1), max_size=3)))
    if kind == "sdt":
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    if kind == "custom":
        return f"<w:customXml>{inner}</w:customXml>"
    if kind == "ins":
        return f'<w:ins w:id="{_val(draw, _IDS)}">{inner}</w:ins>'
    return draw(_pick(("<w:altChunk r:id='rId42'/>", "<w:sectPr><w:pgSz/></w:sectPr>",
                                 '<w:bookmarkStart w:id="1" w:name="x"/>', "<!-- c -->", "<?pi?>",
                                 '<w:commentRangeStart w:id="1"/>', '<w:commentRangeEnd w:id="1"/>',
                                 "<w:moveTo><w:p><w:r><w:t>moved</w:t></w:r></w:p></w:moveTo>")))


@functools.lru_cache(maxsize=64)
@st.composite
def _level(draw, ilvl: str, huge: bool = False) -> str:
    """A ``w:lvl``; ``huge`` gives it a huge start and a letter/roman/text format."""
    if huge:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{_val(draw, _HUGE_STARTS)}"/>'
                f'<w:numFmt w:val="{_val(draw, _HUGE_FMTS)}"/><w:lvlText w:val="{_val(draw, _LVL_TEXTS)}"/></w:lvl>')
    if ilvl.isdigit() and int(ilvl) < 9 and draw(_ints(0, 2)):
        k = int(ilvl) + 1
        text = draw(_pick((f"%{k}.", ".".join(f"%{i}" for i in range(1, k + 1)), f"(%{k})", f"%{k})",
                           f"Article %{k}", f"Section %1.%{k}", f"%{k}")))
    else:
        text = draw(_pick(_LVL_TEXTS))
    parts = [f'<w:start w:val="{_number(draw, hostile=2)}"/>' if draw(_ints(0, 4)) else "",
             f'<w:numFmt w:val="{_val(draw, _NUM_FMTS)}"/>' if draw(_ints(0, 6)) else "",
             f'<w:lvlText w:val="{_esc(text)}"/>' if draw(_ints(0, 6)) else ""]
    if not draw(_ints(0, 4)):
        parts.append(f'<w:lvlRestart w:val="{_number(draw)}"/>')
    if not draw(_ints(0, 5)):
        parts.append(draw(_pick(("<w:isLgl/>", '<w:isLgl w:val="0"/>'))))
    if not draw(_ints(0, 4)):
        parts.append(f'<w:suff w:val="{_val(draw, ("tab", "space", "nothing", "bogus"))}"/>')
    if not draw(_ints(0, 5)):
        parts.append(f'<w:pStyle w:val="{_val(draw, _STYLE_IDS)}"/>')
    if not draw(_ints(0, 10)):
        parts.append('<w:lvlPicBulletId w:val="0"/>')
    order = draw(st.permutations(parts))
    return f'<w:lvl w:ilvl="{ilvl}">' + "".join(order) + "</w:lvl>"


@st.composite
def _numbering(draw, notes: list) -> str:
    """Usually coherent (paragraphs' numIds 1-3 reach defined lists and levels); one time
    in five with ids from the hostile pool; one time in four (of the coherent ones) with
    huge start values in letter/roman formats."""
    chaos = not draw(_ints(0, 4))
    huge = not chaos and not draw(_ints(0, 3))
    out = [f"{_XML_DECL}<w:numbering {_NS_DECL}>"]
    starts = []
    aids = [_val(draw, _IDS) if chaos else str(i) for i in range(draw(_ints(0 if chaos else 1, 3)))]
    for aid in aids:
        links = ""
        if not draw(_ints(0, 4)):
            links += f'<w:styleLink w:val="{_val(draw, _STYLE_IDS)}"/>'
        if not draw(_ints(0, 4)):
            links += f'<w:numStyleLink w:val="{_val(draw, _STYLE_IDS)}"/>'
        levels = []
        for k in range(draw(_ints(0 if chaos else 1, 5))):
            lvl = draw(_level(draw(_ILVL) if chaos else str(k), huge and draw(_BOOL)))
            levels.append(lvl)
            m = re.search(r'w:start w:val="([^"]*)"', lvl)
            if m:
                starts.append(m.group(1)[:25])
        out.append(f'<w:abstractNum w:abstractNumId="{aid}">{links}{"".join(levels)}</w:abstractNum>')
    for j in range(draw(_ints(0 if chaos else 1, 3))):
        overrides = []
        for _ in range(draw(_ints(0, 2)) if not draw(_ints(0, 2)) else 0):
            so = _val(draw, _HUGE_STARTS) if huge else _number(draw, hostile=2)
            starts.append("override:" + so[:25])
            lvl = draw(_level("0")) if not draw(_ints(0, 3)) else ""
            ilvl = _number(draw) if chaos else str(draw(_ints(0, 3)))
            overrides.append(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{so}"/>{lvl}</w:lvlOverride>')
        nid = _val(draw, _IDS) if chaos else str(j + 1)
        aid = draw(_pick(aids)) if aids and not chaos else _val(draw, _IDS)
        out.append(f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{"".join(overrides)}</w:num>')
    out.append("</w:numbering>")
    mode = " (hostile ids)" if chaos else " (huge counters)" if huge else ""
    notes.append(f"numbering{mode}" + (f" starts={','.join(starts)}" if starts else ""))
    return "".join(out)


@functools.lru_cache(maxsize=64)
@st.composite
def _styles(draw) -> str:
    out = [f"{_XML_DECL}<w:styles {_NS_DECL}>"]
    for _ in range(draw(_ints(0, 6))):
        sid = _val(draw, _STYLE_IDS)
        kind = _val(draw, ("paragraph", "paragraph", "character", "numbering", "table", ""))
        default = ' w:default="1"' if not draw(_ints(0, 5)) else ""
        ppr = ""
        if draw(_BOOL):
            ppr = "<w:pPr>"
            if draw(_BOOL):
                ppr += f'<w:numPr><w:ilvl w:val="{_number(draw)}"/><w:numId w:val="{_val(draw, _NUM_REFS)}"/></w:numPr>'
            if draw(_BOOL):
                ppr += f'<w:outlineLvl w:val="{_number(draw)}"/>'
            ppr += "</w:pPr>"
        based = f'<w:basedOn w:val="{_val(draw, _STYLE_IDS)}"/>' if draw(_BOOL) else ""
        out.append(f'<w:style w:type="{kind}" w:styleId="{sid}"{default}><w:name w:val="{_val(draw, _STYLE_NAMES)}"/>'
                   f"{based}{ppr}</w:style>")
    out.append("</w:styles>")
    return "".join(out)


@functools.lru_cache(maxsize=64)
@st.composite
def _notes_part(draw, tag: str) -> str:
    items = []
    for _ in range(draw(_ints(0, 3))):
        kind = draw(_pick(("", ' w:type="separator"', ' w:type="continuationSeparator"')))
        paras = "".join(draw(_list(_paragraph(2), max_size=2)))
        items.append(f'<w:{tag} w:id="{_val(draw, _IDS)}"{kind}>{paras}</w:{tag}>')
    return f"{_XML_DECL}<w:{tag}s {_NS_DECL}>{''.join(items)}</w:{tag}s>"


@functools.lru_cache(maxsize=64)
@st.composite
def _comments_part(draw) -> str:
    items = []
    for _ in range(draw(_ints(0, 3))):
        paras = "".join(draw(_list(_paragraph(2), max_size=2)))
        items.append(f'<w:comment w:id="{_val(draw, _IDS)}" w:author="{draw(_wtext())[:30]}" '
                     f'w:date="2024-02-02T00:00:00Z">{paras}</w:comment>')
    return f"{_XML_DECL}<w:comments {_NS_DECL}>{''.join(items)}</w:comments>"


def _rels(entries: list[tuple[str, str, str]]) -> str:
    """A relationships part from (id, type, target); http targets are external."""
    rels = "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{_esc(target)}"'
                   + (' TargetMode="External"' if target.startswith("http") else "") + "/>"
                   for rid, rtype, target in entries)
    return (f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>")


_CONTENT_TYPES = (
    f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>")


@st.composite
def _docx_members(draw, notes: list) -> list[tuple[str, bytes]]:
    blocks = draw(_list(_block(), min_size=1, max_size=12))
    if draw(_ints(0, 4)):
        blocks.insert(draw(_ints(0, len(blocks))), f"<w:p><w:r><w:t>{draw(_wtext())}</w:t></w:r></w:p>")
    body = "".join(blocks)
    if not draw(_ints(0, 9)):
        depth = draw(_pick((50, 120, 200, 254, 300, 1000, 3000)))
        tag = draw(_pick(("sdt", "tbl", "customXml", "ins", "r")))
        if tag == "sdt":
            opening, closing = "<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>"
        elif tag == "tbl":
            opening, closing = "<w:tbl><w:tr><w:tc>", "<w:p/></w:tc></w:tr></w:tbl>"
        elif tag == "r":
            opening, closing = "<w:p><w:hyperlink>", "</w:hyperlink></w:p>"
        else:
            opening, closing = f"<w:{tag}>", f"</w:{tag}>"
        inner = "<w:p><w:r><w:t>deep</w:t></w:r></w:p>" if tag != "r" else "<w:r><w:t>deep</w:t></w:r>"
        body += opening * depth + inner + closing * depth
        notes.append(f"nesting {tag} x{depth}")
    sect = draw(_pick(("<w:sectPr/>", "", '<w:sectPr><w:type w:val="nextPage"/></w:sectPr>')))
    document = f"{_XML_DECL}<w:document {_NS_DECL}><w:body>{body}{sect}</w:body></w:document>"
    if not draw(_ints(0, 6)):
        frag = draw(_one_of(_pick(_FRAGMENTS), _unicode_text))
        where = draw(_pick(("after_body", "random")))
        pos = document.index("<w:body>") + len("<w:body>") if where == "after_body" else draw(
            _ints(0, len(document)))
        document = document[:pos] + frag + document[pos:]
        notes.append(f"fragment {frag[:40]!r} {where}")
    notes.append(f"document.xml {len(document)} chars")
    main_target = draw(_pick(("word/document.xml",) * 8 + (
        "/word/document.xml", "./word/../word/document.xml", "../../etc/passwd", "word/missing.xml",
        "http://example.invalid/d.xml", "WORD/DOCUMENT.XML")))
    members: list[tuple[str, str]] = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _rels([("rId1", f"{_REL_BASE}/officeDocument", main_target)]
                              + ([("rId2", f"{_REL_BASE}/extended-properties", "docProps/app.xml")]
                                 if draw(_BOOL) else []))),
        ("word/document.xml", document),
    ]
    if main_target != "word/document.xml":
        notes.append(f"main target {main_target}")
    doc_rels = []
    if draw(_ints(0, 3)):
        doc_rels.append(("rId10", f"{_REL_BASE}/styles", "styles.xml"))
        members.append(("word/styles.xml", draw(_styles())))
    if draw(_ints(0, 7)):
        doc_rels.append(("rId11", f"{_REL_BASE}/numbering", draw(_pick(("numbering.xml",) * 5 + (
            "/word/numbering.xml", "../word/numbering.xml", "../../../numbering.xml")))))
        members.append(("word/numbering.xml", draw(_numbering(notes))))
    if draw(_BOOL):
        doc_rels.append(("rId12", f"{_REL_BASE}/comments", "comments.xml"))
        members.append(("word/comments.xml", draw(_comments_part())))
    for kind in ("footnote", "endnote"):
        if draw(_BOOL):
            doc_rels.append((f"rId{kind}", f"{_REL_BASE}/{kind}s", f"{kind}s.xml"))
            members.append((f"word/{kind}s.xml", draw(_notes_part(kind))))
    if draw(_BOOL):
        doc_rels.append(("rId20", f"{_REL_BASE}/hyperlink", "http://example.invalid/"))
    if doc_rels or draw(_BOOL):
        members.append(("word/_rels/document.xml.rels", _rels(doc_rels)))
    if draw(_BOOL):
        pages = draw(_pick(("1", "3", "12", "0", "-5", "1000", "1001", "99999999999999999999", "x", "")
                                     if not draw(_ints(0, 3)) else ("1", "2", "5")))
        members.append(("docProps/app.xml",
                        f'{_XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'extended-properties"><Pages>{pages}</Pages></Properties>'))
        notes.append(f"app.xml Pages={pages}")
    return [(n, c.encode("utf-8", "surrogatepass")) for n, c in members]


def _zip(members: list[tuple[str, bytes]], compression: int) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", compression=compression) as zf:
            for name, content in members:
                zf.writestr(name, content)
    return buf.getvalue()


_COMPRESSIONS = {"deflated": zipfile.ZIP_DEFLATED, "stored": zipfile.ZIP_STORED,
                 "bzip2": zipfile.ZIP_BZIP2, "lzma": zipfile.ZIP_LZMA}


@st.composite
def _byte_mutation(draw, data: bytes, notes: list, keep_tail: bytes = b"") -> bytes:
    """Truncate, flip, insert or delete bytes; ``keep_tail`` is re-appended after truncation."""
    op = draw(_pick(("truncate", "flip", "insert", "delete")))
    if not data:
        return data
    if op == "truncate":
        n = draw(_ints(1, max(1, len(data) - 1)))
        notes.append(f"truncated to {n}/{len(data)}")
        return data[:n] + keep_tail
    if op == "flip":
        out = bytearray(data)
        k = draw(_ints(1, 16))
        for _ in range(k):
            pos = draw(_ints(0, len(out) - 1))
            out[pos] ^= draw(_ints(1, 255))
        notes.append(f"flipped {k} bytes")
        return bytes(out)
    if op == "insert":
        pos = draw(_ints(0, len(data)))
        junk = draw(_bytes(min_size=1, max_size=64))
        notes.append(f"inserted {len(junk)} bytes@{pos}")
        return data[:pos] + junk + data[pos:]
    pos = draw(_ints(0, len(data) - 1))
    n = draw(_ints(1, 64))
    notes.append(f"deleted {n} bytes@{pos}")
    return data[:pos] + data[pos + n:]


def _patch_zip_headers(data: bytes, draw, notes: list) -> bytes:
    """Rewrite one field of a central-directory entry: flags, method, sizes."""
    out = bytearray(data)
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not entries:
        return data
    at = draw(_pick(entries))
    field_name, offset, width = draw(_pick((
        ("flags", 8, 2), ("method", 10, 2), ("compressed size", 20, 4), ("size", 24, 4),
        ("name length", 28, 2), ("local header offset", 42, 4))))
    if at + offset + width > len(out):
        return data
    value = draw(_pick((0, 1, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, 8, 12, 14, 99, 2**20)))
    value &= (1 << (8 * width)) - 1
    out[at + offset: at + offset + width] = value.to_bytes(width, "little")
    notes.append(f"central dir {field_name}={value}")
    return bytes(out)


@st.composite
def docx_inputs(draw) -> FuzzInput:
    notes: list[str] = ["docx"]
    members = draw(_docx_members(notes))
    for _ in range(draw(_ints(0, 2)) if not draw(_ints(0, 2)) else 0):
        op = draw(_pick(("drop", "duplicate", "replace", "rename")))
        i = draw(_ints(0, len(members) - 1))
        name, content = members[i]
        if op == "drop":
            members.pop(i)
        elif op == "duplicate":
            members.append((name, draw(_pick((content[: len(content) // 2], b"", b"<x/>", content)))))
        elif op == "replace":
            members[i] = (name, draw(_REPLACEMENT))
        else:
            members[i] = (draw(_pick((name.upper(), "/" + name, name + "/", "../" + name,
                                                name.replace("/", "\\"), "x"))), content)
        notes.append(f"{op} {name}")
        if not members:
            break
    comp = draw(_pick(tuple(_COMPRESSIONS)))
    if comp != "deflated":
        notes.append(comp)
    data = _zip(members, _COMPRESSIONS[comp])
    if not draw(_ints(0, 4)):
        data = _patch_zip_headers(data, draw, notes)
    if not draw(_ints(0, 3)):
        data = draw(_byte_mutation(data, notes))
    return FuzzInput(data, "docx", ", ".join(notes))


# --------------------------------------------------------------------------- PDF

_NUM_TOKENS = ("0", "1", "-1", "12", "612", "792", "0.5", ".5", "-0", "1e30", "1e400", "-1e30", "nan", "inf",
               "99999999999999999999", "3.4028236e38", "-2147483649", "1.", "--3", "+4", "0.0000001")
_PDF_FONTS = ("/Helvetica", "/Times-Roman", "/Courier", "/Symbol", "/ZapfDingbats", "/Bogus")


def _pdf_string(draw) -> bytes:
    s = draw(_one_of(_word_text, _line(), _unicode_text, _chinese_text))[:120]
    kind = draw(_pick(("lit", "lit", "hex", "raw", "unbalanced")))
    if kind == "hex":
        raw = s.encode("utf-16-be", "surrogatepass") if draw(_BOOL) else s.encode("latin-1", "ignore")
        return b"<" + raw.hex().encode() + draw(_pick((b"", b"f", b"zz"))) + b">"
    body = s.encode("latin-1", "ignore")
    if kind != "raw":
        body = body.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    if kind == "unbalanced":
        body += draw(_pick((b"(", b"\\", b"\\777", b"\\\n", b")")))
    return b"(" + body + b")"


def _num(draw, sane: bool = True) -> bytes:
    if sane and draw(_ints(0, 4)):
        return str(draw(_ints(-50, 800))).encode()
    return draw(_pick(_NUM_TOKENS)).encode()


@functools.lru_cache(maxsize=64)
@st.composite
def _content_ops(draw, font: bytes = b"/F1") -> bytes:
    ops = [b"BT", font + b" " + _num(draw) + b" Tf", b"72 720 Td", b"14 TL"]
    for _ in range(draw(_ints(0, 25))):
        kind = draw(_pick(("Tj", "Tj", "Tj", "TJ", "quote", "Td", "TD", "Tm", "Tstar", "state",
                                     "gfx", "font", "BTET", "Do", "junk", "inline")))
        if kind == "Tj":
            ops.append(_pdf_string(draw) + b" Tj")
        elif kind == "TJ":
            items = b" ".join(_pdf_string(draw) if draw(_BOOL) else _num(draw, False)
                              for _ in range(draw(_ints(0, 6))))
            ops.append(b"[" + items + b"] TJ")
        elif kind == "quote":
            ops.append(_pdf_string(draw) + b" '")
        elif kind in ("Td", "TD"):
            ops.append(_num(draw) + b" " + _num(draw) + b" " + kind.encode())
        elif kind == "Tm":
            ops.append(b" ".join(_num(draw, draw(_BOOL)) for _ in range(6)) + b" Tm")
        elif kind == "Tstar":
            ops.append(b"T*")
        elif kind == "state":
            ops.append(_num(draw, False) + b" " + draw(_pick((b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr"))))
        elif kind == "gfx":
            ops.append(draw(_pick((b"q", b"Q", b"1 0 0 1 10 10 cm", b"0 0 100 100 re f", b"0 0 0 rg",
                                             b"0 0 0 0 0 0 cm", b"1e30 0 0 1e30 0 0 cm"))))
        elif kind == "font":
            ops.append(draw(_pick((b"/F1", b"/F2", b"/Missing"))) + b" " + _num(draw, False) + b" Tf")
        elif kind == "BTET":
            ops.append(draw(_pick((b"ET", b"BT", b"ET BT"))))
        elif kind == "Do":
            ops.append(draw(_pick((b"/Fm1 Do", b"/Im1 Do", b"/Nope Do"))))
        elif kind == "inline":
            ops.append(b"BI /W 2 /H 2 /BPC 8 /CS /G ID " + draw(_bytes(max_size=8)) + b" EI")
        else:
            ops.append(draw(_bytes(max_size=20)).replace(b"%%EOF", b""))
    ops.append(b"ET")
    return b"\n".join(ops)


@functools.lru_cache(maxsize=1)
def _content_ops_flate() -> st.SearchStrategy:
    return _content_ops().map(zlib.compress)


def _stream(content: bytes, draw, notes: list, extra: bytes = b"") -> bytes:
    mode = draw(_pick(("plain", "plain", "flate", "flate", "badflate", "badlength")))
    if mode.endswith("flate"):
        content = zlib.compress(content)
        if mode == "badflate":
            content = content[: max(1, len(content) // 2)]
            notes.append("truncated flate stream")
        head = b"<< /Length %d /Filter /FlateDecode " % len(content)
    elif mode == "badlength":
        head = b"<< /Length " + draw(_pick((b"0", b"-5", b"99999999", b"7 0 R"))) + b" "
        notes.append("bad stream /Length")
    else:
        head = b"<< /Length %d " % len(content)
    return head + extra + b">>\nstream\n" + content + b"\nendstream"


@functools.lru_cache(maxsize=64)
@st.composite
def _tounicode(draw) -> bytes:
    entries = []
    for _ in range(draw(_ints(0, 5))):
        if draw(_BOOL):
            src = draw(_ints(0, 0xFFFF))
            dst = draw(_pick((b"<0041>", b"<D800>", b"<FFFF>", b"<00410042>", b"<>", b"<ZZ>",
                                        b"<" + ("%04X" % draw(_ints(0, 0xFFFF))).encode() + b">")))
            entries.append(b"1 beginbfchar\n<%04X> " % src + dst + b"\nendbfchar")
        else:
            lo = draw(_ints(0, 0xFFFF))
            hi = draw(_pick((lo, min(0xFFFF, lo + 10), 0xFFFF)))
            width = draw(_pick((4, 8)))
            lo_s = (b"%0*X" % (width, lo))
            hi_s = (b"%0*X" % (width, hi if width == 4 else draw(_pick((hi, 0xFFFFFFFF)))))
            dst = draw(_pick((b"<0041>", b"[<0041> <0042>]", b"<FFFF>", b"<D83DDE00>")))
            entries.append(b"1 beginbfrange\n<" + lo_s + b"> <" + hi_s + b"> " + dst + b"\nendbfrange")
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + b"\n".join(entries)
            + b"\nendcmap CMapName currentdict /CMap defineresource pop end end")


@st.composite
def _handmade_pdf(draw, notes: list) -> bytes:
    objs: dict[int, bytes] = {}
    n_pages = draw(_ints(1, 4))
    page_ids = list(range(10, 10 + n_pages))
    kids = [b"%d 0 R" % p for p in page_ids]
    if not draw(_ints(0, 7)):
        kids.append(draw(_pick((b"2 0 R", b"1 0 R", b"10 0 R", b"999 0 R", b"null", b"(str)"))))
        notes.append(f"pages kids + {kids[-1]!r}")
    count = b"%d" % n_pages
    if not draw(_ints(0, 6)):
        count = draw(_pick((b"0", b"-1", b"1000000000", b"1001", b"(x)", b"2 0 R")))
        notes.append(f"/Count {count!r}")
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count " + count + b" >>"
    font_kind = draw(_pick(("type1", "type1", "tounicode", "type0", "differences", "missing")))
    if font_kind == "type1":
        objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont " + draw(_pick(_PDF_FONTS)).encode() + b" >>"
    elif font_kind == "tounicode":
        objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>"
        objs[4] = _stream(draw(_tounicode()), draw, notes)
    elif font_kind == "type0":
        objs[3] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H "
                   b"/DescendantFonts [5 0 R] /ToUnicode 4 0 R >>")
        objs[4] = _stream(draw(_tounicode()), draw, notes)
        objs[5] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /W [0 [" + _num(draw, False) + b"] 1 65535 "
                   + _num(draw, False) + b"] /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
    elif font_kind == "differences":
        objs[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar " + _num(draw, False)
                   + b" /Widths [" + _num(draw, False) + b"] /Encoding << /Differences [" + _num(draw, False)
                   + b" /a /b /uni4E2D /g123 /.notdef] >> >>")
    notes.append(f"font {font_kind}")
    xobj = b""
    if not draw(_ints(0, 4)):
        form = draw(_content_ops()) + b"\n/Fm1 Do"
        objs[6] = _stream(form, draw, notes, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                              b"/Resources << /XObject << /Fm1 6 0 R >> /Font << /F1 3 0 R >> >> ")
        xobj = b" /XObject << /Fm1 6 0 R >>"
        notes.append("self-drawing form")
    if not draw(_ints(0, 6)):
        objs[7] = _stream(draw(_bytes(max_size=32)), draw, notes,
                          b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /BitsPerComponent 8 /ColorSpace /DeviceGray ")
        xobj = xobj[:-3] + b" /Im1 7 0 R >>" if xobj else b" /XObject << /Im1 7 0 R >>"
        notes.append("image")
    resources = b"<< /Font << /F1 3 0 R /F2 3 0 R >>" + xobj + b" >>"
    for i, pid in enumerate(page_ids):
        cid = 100 + i
        box = draw(_pick((b"[0 0 612 792]",) * 5 + (b"[0 0 0 0]", b"[0 0 -612 792]", b"[0 0 1e30 1e30]",
                                                                b"[0 0 612]", b"[]", b"(box)")))
        rotate = draw(_pick((b"", b"", b" /Rotate 90", b" /Rotate 45", b" /Rotate -270", b" /Rotate 99999999")))
        parent = draw(_pick((b"2 0 R",) * 6 + (b"%d 0 R" % pid, b"1 0 R")))
        contents = draw(_pick((b"%d 0 R" % cid,) * 4 + (b"[%d 0 R %d 0 R]" % (cid, cid), b"999 0 R", b"null")))
        objs[pid] = (b"<< /Type /Page /Parent " + parent + b" /MediaBox " + box + rotate + b" /Resources " + resources
                     + b" /Contents " + contents + b" >>")
        objs[cid] = _stream(draw(_content_ops()), draw, notes)
    trailer_extra = b""
    if not draw(_ints(0, 9)):
        trailer_extra += (b" /Encrypt << /Filter /Standard /V " + draw(_pick((b"1", b"2", b"4", b"5", b"9")))
                          + b" /R 3 /O <" + draw(_bytes(min_size=1, max_size=32)).hex().encode() + b"> /U <"
                          + draw(_bytes(min_size=1, max_size=32)).hex().encode() + b"> /P -4 /Length 128 >>"
                          + b" /ID [<00112233> <00112233>]")
        notes.append("encrypt dict")
    xref_mode = draw(_pick(("good", "good", "good", "shifted", "garbage", "missing", "prev_loop")))
    if xref_mode != "good":
        notes.append(f"xref {xref_mode}")
    out = bytearray(b"%PDF-1." + str(draw(_ints(0, 7))).encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    size = max(objs) + 1
    xref_at = len(out)
    if xref_mode == "missing":
        out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (size, trailer_extra)
    else:
        shift = draw(_ints(-20, 20)) if xref_mode == "shifted" else 0
        rows = [b"0000000000 65535 f \n"]
        for i in range(1, size):
            if i in offsets:
                off = max(0, offsets[i] + shift)
                rows.append(b"%010d 00000 n \n" % off if xref_mode != "garbage" else draw(_bytes(min_size=20, max_size=20)))
            else:
                rows.append(b"0000000000 65535 f \n")
        prev = b" /Prev %d" % xref_at if xref_mode == "prev_loop" else b""
        out += b"xref\n0 %d\n" % size + b"".join(rows)
        out += b"trailer\n<< /Size %d /Root 1 0 R%s%s >>\n" % (size, trailer_extra, prev)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


_RL_FONTS = ("Helvetica", "Helvetica-Bold", "Times-Roman", "Courier", "Symbol", "ZapfDingbats")


@st.composite
def _reportlab_pdf(draw, notes: list) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    size = draw(_pick(((612.0, 792.0), (595.0, 842.0), (200.0, 200.0), (3000.0, 50.0), (20.0, 20.0))))
    encrypt = None
    if not draw(_ints(0, 9)):
        user = draw(_pick(("", "secret")))
        encrypt = StandardEncryption(user, ownerPassword="owner", strength=draw(_pick((40, 128))))
        notes.append(f"reportlab encrypted user={user!r}")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1, pageCompression=draw(_BOOL), encrypt=encrypt)
    n_pages = draw(_ints(1, 3))
    notes.append(f"reportlab {n_pages} pages {size}")
    for page in range(n_pages):
        y = size[1] - 40
        for _ in range(draw(_ints(0, 30))):
            c.setFont(draw(_pick(_RL_FONTS)), draw(_pick((10, 10, 12, 1, 3, 48, 200))))
            text = draw(_one_of(_line(), _word_text, _chinese_text))[:2000]
            x = draw(_pick((40.0, 40.0, 72.0, 300.0, -50.0, size[0] - 5)))
            if not draw(_ints(0, 8)):
                c.saveState()
                c.rotate(draw(_pick((90, 45, 180, -30))))
                c.drawString(x, y, text)
                c.restoreState()
            else:
                c.drawString(x, y, text)
            y -= draw(_pick((14, 14, 14, 28, 0, 2, -10)))
        if draw(_BOOL):
            c.drawString(size[0] / 2, 20, f"Page {page + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def _replace_stream(data: bytes, draw, notes: list) -> bytes:
    spans = [(m.end(), m2.start()) for m in re.finditer(rb"stream\r?\n", data)
             for m2 in [re.compile(rb"\r?\nendstream").search(data, m.end())] if m2]
    if not spans:
        return data
    s, e = draw(_pick(spans))
    new = draw(_one_of(_BINARY_200, _content_ops(), _content_ops_flate()))
    notes.append(f"stream@{s} replaced by {len(new)} bytes")
    return data[:s] + new + data[e:]


def _break_xref(data: bytes, draw, notes: list) -> bytes:
    what = draw(_pick(("offsets", "startxref", "keyword", "size")))
    notes.append(f"broken xref ({what})")
    if what == "offsets":
        return re.sub(rb"\d{10} \d{5} n", lambda m: b"%010d 00000 n" % draw(_ints(0, 10**9)), data)
    if what == "startxref":
        return re.sub(rb"startxref\s+\d+", b"startxref\n" + str(draw(_ints(-5, 10**12))).encode(), data)
    if what == "keyword":
        return data.replace(b"xref", draw(_pick((b"xraf", b"", b"xref xref"))), 1)
    return re.sub(rb"/Size \d+", b"/Size " + str(draw(_pick((0, 1, 10**9, -1)))).encode(), data)


@st.composite
def pdf_inputs(draw) -> FuzzInput:
    notes: list[str] = ["pdf"]
    data = draw(_reportlab_pdf(notes)) if draw(_BOOL) else draw(_handmade_pdf(notes))
    for _ in range(draw(_ints(0, 2)) if not draw(_ints(0, 2)) else 0):
        op = draw(_pick(("bytes", "stream", "xref", "duplicate")))
        if op == "bytes":
            data = draw(_byte_mutation(data, notes, keep_tail=draw(_pick((b"", b"\n%%EOF\n")))))
        elif op == "stream":
            data = _replace_stream(data, draw, notes)
        elif op == "xref":
            data = _break_xref(data, draw, notes)
        else:
            m = re.search(rb"\n(\d+) 0 obj", data)
            if m:
                dup = b"\n" + m.group(1) + b" 0 obj\n<< /Type /Pages /Kids [" + m.group(1) + b" 0 R] /Count 1 >>\nendobj"
                pos = data.rfind(b"xref")
                pos = pos if pos > 0 else len(data) // 2
                data = data[:pos] + dup + data[pos:]
                notes.append(f"duplicated object {int(m.group(1))}")
    return FuzzInput(data, "pdf", ", ".join(notes))


# --------------------------------------------------------------------------- raw

_MAGIC = (("pdf", b"%PDF-1.7\n"), ("pdf", b"%PDF-"), ("docx", b"PK\x03\x04"), ("docx", b"PK\x05\x06"),
          ("docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), ("txt", b"{\\rtf1"), ("txt", b"\xef\xbb\xbf"),
          ("txt", b"\xff\xfe"), ("txt", b"\xfe\xff"), ("txt", b"\xff\xfe\x00\x00"), ("txt", b""),
          ("pdf", b"junk before %PDF-1.4\n"))
_TAILS = (b"", b"", b"%%EOF", b"\nstartxref\n0\n%%EOF\n", b"PK\x05\x06" + b"\x00" * 18,
          b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00")


@st.composite
def raw_inputs(draw) -> FuzzInput:
    ext, magic = draw(_pick(_MAGIC))
    body = draw(_bytes(max_size=4096))
    tail = draw(_pick(_TAILS))
    return FuzzInput(magic + body + tail, ext, f"raw magic={magic!r} body={len(body)} tail={tail[:12]!r}")


STRATEGIES = {"txt": txt_inputs(), "docx": docx_inputs(), "pdf": pdf_inputs(), "raw": raw_inputs()}


# --------------------------------------------------------------------------- the property

class InputTimeout(BaseException):
    """Raised by the alarm when one input runs past the time bound (a BaseException,
    so a parser's ``except Exception`` cannot swallow it)."""


@dataclass
class Outcome:
    """``status``: "ok" (parsed, invariants hold), "error" (an acceptable AnalyzerError) or "crash"."""

    status: str
    error: Optional[str] = None          # AnalyzerError class name for status "error"
    stage: Optional[str] = None          # "parse" or "segment" for crashes
    kind: Optional[str] = None           # exception type, "timeout" or "invariant"
    message: str = ""
    where: str = ""                      # innermost frame, "file:line in func"
    where_analyzer: str = ""             # innermost frame inside analyzer/
    trace: str = ""
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of a distinct crash: stage, kind and frames without line numbers."""
        strip = lambda s: re.sub(r":\d+ in ", " in ", s)  # noqa: E731
        if self.kind == "invariant":
            return f"{self.stage}|invariant|{self.message.split(':')[0]}"
        return f"{self.stage}|{self.kind}|{strip(self.where)}|{strip(self.where_analyzer)}"

    def summary(self) -> str:
        if self.status != "crash":
            return self.status + (f" ({self.error})" if self.error else "")
        loc = self.where + (f" [analyzer: {self.where_analyzer}]" if self.where_analyzer and
                            self.where_analyzer != self.where else "")
        return f"CRASH in {self.stage}: {self.kind}: {self.message[:300]}" + (f" at {loc}" if loc else "")


def _frames(tb) -> tuple[str, str]:
    frames = [f for f in traceback.extract_tb(tb) if f.name != "_alarm"]  # a timeout: where it was stuck
    if not frames:
        return "", ""
    fmt = lambda f: f"{_short_path(f.filename)}:{f.lineno} in {f.name}"  # noqa: E731
    inner = fmt(frames[-1])
    ours = next((fmt(f) for f in reversed(frames) if "/analyzer/" in f.filename.replace("\\", "/")), "")
    return inner, ours


def _short_path(path: str) -> str:
    path = path.replace("\\", "/")
    for marker in ("/site-packages/", "/analyzer/", "/benchmarks/", "/lib/python"):
        if marker in path:
            head = "analyzer/" if marker == "/analyzer/" else ""
            return head + path.split(marker, 1)[1]
    return path


def doc_problems(doc, inp: FuzzInput) -> list[str]:
    """Broken ``SourceDocument`` invariants, as "what: detail" strings."""
    from analyzer.core.schema import SourceDocument

    if not isinstance(doc, SourceDocument):
        return [f"parse returned {type(doc).__name__}: not a SourceDocument"]
    text = doc.text
    if not isinstance(text, str):
        return [f"text is {type(text).__name__}: not str"]
    out = []
    n = len(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        out.append(f"text is not valid Unicode (cannot be written as UTF-8 JSON): {exc.reason} at {exc.start}")
    for b in doc.blocks:
        if not (isinstance(b.start, int) and isinstance(b.end, int) and 0 <= b.start <= b.end <= n):
            out.append(f"block span out of range: kind={b.kind} [{b.start}, {b.end}) len(text)={n}")
            break
    for p in doc.pages:
        if not (isinstance(p.start, int) and isinstance(p.end, int) and 0 <= p.start <= p.end <= n):
            out.append(f"page span out of range: page {p.number} [{p.start}, {p.end}) len(text)={n}")
            break
    if doc.sha256 != hashlib.sha256(inp.data).hexdigest():
        out.append("sha256 does not match the input bytes")
    return out


def clause_problems(clauses, text: str) -> list[str]:
    out = []
    n = len(text)
    ids = set()
    for c in clauses:
        if not (0 <= c.start <= c.end <= n):
            out.append(f"clause span out of range: [{c.start}, {c.end}) len(text)={n}")
            break
        if c.parent_id is not None and c.parent_id not in ids:
            out.append(f"clause parent_id does not name an earlier clause: {c.parent_id}")
            break
        if c.id in ids:
            out.append(f"duplicate clause id: {c.id}")
            break
        ids.add(c.id)
    return out


def _alarm(signum, frame):
    raise InputTimeout()


def check(inp: FuzzInput, time_limit: float = TIME_LIMIT_S, do_segment: bool = True) -> Outcome:
    """Run the property on one input. Never raises (except KeyboardInterrupt)."""
    import time

    from analyzer.core.errors import AnalyzerError
    from analyzer.ingest import parse

    use_alarm = time_limit and hasattr(signal, "setitimer")
    old = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    t0 = time.perf_counter()
    stage = "parse"
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        try:
            doc = parse(inp.data, filename=inp.filename)
        except AnalyzerError as err:
            msg = str(err)
            lines = msg.splitlines()
            if len(lines) != 1 or not msg.strip():
                return _crash(stage, "invariant", f"error message is not one line: {type(err).__name__}: {msg[:300]!r}",
                              err, t0)
            if inp.filename not in msg:
                return _crash(stage, "invariant", f"error message does not name the file: {type(err).__name__}: {msg[:300]!r}",
                              err, t0)
            return Outcome("error", error=type(err).__name__, seconds=time.perf_counter() - t0)
        problems = doc_problems(doc, inp)
        if problems:
            return _crash(stage, "invariant", "; ".join(problems), None, t0)
        if do_segment:
            stage = "segment"
            from analyzer.structure.segment import segment

            clauses = segment(doc)
            problems = clause_problems(clauses, doc.text)
            if problems:
                return _crash(stage, "invariant", "; ".join(problems), None, t0)
        return Outcome("ok", seconds=time.perf_counter() - t0)
    except InputTimeout as exc:
        return _crash(stage, "timeout", f"no result after {time_limit:g} s", exc, t0)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - any other exception is what the fuzzer looks for
        return _crash(stage, type(exc).__name__, " ".join(str(exc).split())[:500], exc, t0)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _crash(stage: str, kind: str, message: str, exc: Optional[BaseException], t0: float) -> Outcome:
    import time

    where = ours = trace = ""
    if exc is not None:
        where, ours = _frames(exc.__traceback__)
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return Outcome("crash", stage=stage, kind=kind, message=message, where=where, where_analyzer=ours,
                   trace=trace, seconds=time.perf_counter() - t0)


@contextlib.contextmanager
def memory_cap(extra_bytes: int):
    """Cap the address space at its current size plus ``extra_bytes`` for the block,
    so a runaway allocation raises MemoryError instead of exhausting the machine."""
    try:
        with open("/proc/self/status") as fh:
            vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, StopIteration, ValueError, NameError):
        yield
        return
    cap = vm + extra_bytes if hard == resource.RLIM_INFINITY else min(vm + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


OUT_DIR = Path(__file__).resolve().parent / "out" / "fuzz"


def save_crash(out_dir: Path, prefix: str, inp: FuzzInput, outcome: Outcome) -> Path:
    """Write the crashing input as ``<prefix>-<stage>-<kind>-<hash>.<ext>`` with a ``.txt``
    beside it (summary, description, traceback, replay command); return the input's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(outcome.key.encode()).hexdigest()[:8]
    kind = "".join(ch if ch.isalnum() else "_" for ch in (outcome.kind or "crash"))[:40]
    path = out_dir / f"{prefix}-{outcome.stage}-{kind}-{digest}.{inp.ext}"
    path.write_bytes(inp.data)
    script = Path(__file__).resolve().parent / "fuzz_parsers.py"
    path.with_suffix(".txt").write_text(
        f"{outcome.summary()}\n\nkey: {outcome.key}\ninput: {inp.desc}\nsize: {len(inp.data)} bytes\n"
        f"parse filename: {inp.filename}\nreplay: python {script} --replay {path}\n\n{outcome.trace}",
        encoding="utf-8")
    return path


def assert_holds(inp: FuzzInput, time_limit: float = TIME_LIMIT_S, extra_memory: int = 2 * 1024**3,
                 out_dir: Optional[Path] = OUT_DIR) -> Outcome:
    """``check`` for tests, under a memory cap: raise AssertionError with the crash and its
    traceback; the crashing input is saved under ``out_dir`` for replay."""
    with memory_cap(extra_memory):
        out = check(inp, time_limit)
    if out.status == "crash":
        saved = ""
        if out_dir is not None:
            try:
                saved = f"\nsaved: {save_crash(out_dir, 'test-' + inp.ext, inp, out)}"
            except OSError:
                pass
        raise AssertionError(f"{out.summary()}\ninput: {inp!r}{saved}\n{out.trace}")
    return out
